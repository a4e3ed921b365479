"""Synthetic frameworks, answers and planted cycles: fixtures for tests and benchmarks."""
