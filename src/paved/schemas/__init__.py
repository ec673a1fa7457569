"""Platform API wire models, shared by the API, the client and the CLI."""
