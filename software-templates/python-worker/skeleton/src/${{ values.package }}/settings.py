"""Settings of ${{ values.name }}, read once from the environment."""

from functools import lru_cache

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    """Everything the worker is configured with; Paved injects the URLs at deploy time."""

    broker_url: str = "redis://localhost:6379/0"
    result_backend: str | None = None
{%- if "postgres" in values.resource_types %}
    database_url: str = "sqlite+pysqlite:///:memory:"
{%- endif %}
    environment: str = "${{ values.environment }}"
    health_port: int = ${{ values.health_port }}
    task_always_eager: bool = False
    """Run tasks in the caller's process (tests); never in production."""


@lru_cache
def get_settings() -> Settings:
    return Settings()
