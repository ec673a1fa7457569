"""Paved: an internal developer platform that provisions for real, durably."""

__version__ = "0.1.0"
