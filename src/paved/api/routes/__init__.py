"""One router module per resource of the Platform API."""
