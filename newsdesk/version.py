"""The engine's version: part of every cache key, so a new version never trusts an old cache."""

__version__ = "0.1.0"
