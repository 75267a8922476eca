"""The engine benchmark: our eager engine against micrograd 0.1.0, with PyTorch for scale.

Run it with `make bench` (or `.venv/bin/python -m benchmarks`): it prints one table per
workload and writes them to benchmarks/results.md. It is not part of `make test`; the
test suite only checks, on tiny sizes, that it runs (tests/benchmarks/test_benchmarks.py).
"""
