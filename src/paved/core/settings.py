"""One `Settings` object, read from `PAVED_*` environment variables (and `paved up` flags)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path.cwd() / ".paved"


class Settings(BaseSettings):
    """Where Paved keeps its data and which real systems it provisions on."""

    model_config = SettingsConfigDict(env_prefix="PAVED_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="data directory")
    database_url: str | None = Field(default=None, description="store; SQLite under home if unset")
    dbos_database_url: str | None = Field(
        default=None, description="DBOS system database; derived from database_url if unset"
    )
    postgres_admin_url: str | None = None
    redis_admin_url: str | None = None
    admin_token: str | None = None
    secret_key: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    demo_data: bool = True
    step_max_attempts: int = 4
    step_retry_interval: float = 0.5
    step_backoff_rate: float = 2.0
    request_concurrency: int = 32
    executor_id: str = Field(
        default="local",
        description="this worker's name in DBOS; on restart it resumes the runs recorded under it",
    )
    templates_dir: Path | None = None
    policy_dir: Path | None = Field(
        default=None, description="Rego policies over the shipped guardrails, reloaded on change"
    )
    policy_check_interval: float = Field(
        default=2.0, ge=0, description="seconds between checks of policy_dir for changes"
    )
    approval_timeout: float = Field(
        default=72 * 3600.0, gt=0, description="seconds before an undecided approval expires"
    )
    sweep_interval: float = Field(
        default=30.0, gt=0, description="seconds between sweeps (unqueued requests, expiries)"
    )
    template_repositories: str = Field(
        default="", description="git URLs of template repositories, separated by commas"
    )
    catalog_refresh_interval: float = Field(
        default=300.0, description="seconds between catalog location refreshes; 0 turns them off"
    )
    test_pause_after: str | None = Field(
        default=None, description="test hook: a step kind to pause after its provider call"
    )

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @cached_property
    def store_url(self) -> str:
        if self.database_url:
            return _sqlalchemy_url(self.database_url)
        return f"sqlite:///{self.home / 'paved.sqlite'}"

    @cached_property
    def system_database_url(self) -> str:
        """DBOS's system database: beside the store, in the same kind of database."""
        if self.dbos_database_url:
            return self.dbos_database_url
        if self.database_url and not self.database_url.startswith("sqlite"):
            return _plain_postgres_url(self.database_url, suffix="_dbos_sys")
        return f"sqlite:///{self.home / 'dbos.sqlite'}"

    @property
    def is_postgres(self) -> bool:
        return self.store_url.startswith("postgresql")

    @property
    def template_repository_urls(self) -> list[str]:
        return [url.strip() for url in self.template_repositories.split(",") if url.strip()]

    @property
    def git_root(self) -> Path:
        return self.home / "git"

    @property
    def base_url(self) -> str:
        """Where users reach Paved: `public_url`, or the address `paved up` listens on."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    @property
    def admin_token_file(self) -> Path:
        return self.home / "admin-token"


def _sqlalchemy_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the user wrote."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _plain_postgres_url(url: str, *, suffix: str) -> str:
    """The same server with a database named `<db><suffix>`, as a plain libpq URL."""
    plain = _sqlalchemy_url(url).replace("postgresql+psycopg://", "postgresql://", 1)
    base, _, query = plain.partition("?")
    server, _, database = base.rpartition("/")
    result = f"{server}/{database}{suffix}"
    return f"{result}?{query}" if query else result
