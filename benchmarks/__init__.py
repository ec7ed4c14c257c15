"""fibrochat's benchmark suite: `python -m benchmarks.run` from the repository root (not part of the tests)."""
