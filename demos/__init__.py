"""Worked examples, reproduced with the engine."""
