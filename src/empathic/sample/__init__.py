"""Seeded sample data with planted patterns (a fictional subscription company); see :mod:`.subscription`."""

from empathic.sample.subscription import generate, write_csvs

__all__ = ["generate", "write_csvs"]
