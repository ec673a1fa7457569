"""${{ values.name }}: a command-line tool made from Paved's python-cli golden path."""

__version__ = "0.1.0"
