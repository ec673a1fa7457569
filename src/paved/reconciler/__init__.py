"""Keeping actual state equal to desired state: the pure decision and the loop that applies it."""
