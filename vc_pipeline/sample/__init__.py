"""Fabricated survey exports for development, tests and benchmarks."""
