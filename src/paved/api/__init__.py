"""The Platform API v1 (FastAPI): authentication, authorisation, validation, problem+json errors."""
