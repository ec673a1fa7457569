"""Persistence: SQLAlchemy models, repository functions and Alembic migrations."""
