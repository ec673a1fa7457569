"""Foundations every layer shares: settings, errors, identifiers and vocabularies."""
