"""Mutation testing of the engine (`make mutation`): see `__main__.py`."""
