"""${{ values.name }}: a background worker made from Paved's python-worker golden path."""
