"""Performance benchmarks; run them all with ``python -m benchmarks.run_all``."""
