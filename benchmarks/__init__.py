"""Benchmarks: ``python benchmarks/run.py [--only NAME] --json``."""
