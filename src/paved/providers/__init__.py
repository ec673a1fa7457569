"""Providers: one small class per kind of real resource, every method idempotent."""
