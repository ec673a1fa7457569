"""${{ values.name }}: an HTTP API made from Paved's python-api golden path."""
