"""Benchmarks (not shipped; run as modules: python -m bench.<area>.run)."""
