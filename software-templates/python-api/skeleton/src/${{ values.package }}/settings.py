"""Settings of ${{ values.name }}, read once from the environment."""

from functools import lru_cache

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    """Everything the service is configured with; Paved injects the URLs at deploy time."""

    database_url: str = "sqlite+pysqlite:///:memory:"
    redis_url: str | None = None
    environment: str = "${{ values.environment }}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
