"""Benchmark of the referral search (``python -m bench.search.run``)."""
