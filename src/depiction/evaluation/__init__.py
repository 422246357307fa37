"""Measuring policies: datasets, baselines and metrics."""
