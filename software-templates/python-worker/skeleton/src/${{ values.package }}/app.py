"""The Celery application: broker, reliability settings, and the health endpoint's start."""

from typing import Any

from celery import Celery
from celery.signals import worker_ready
from kombu.exceptions import OperationalError

from ${{ values.package }}.health import serve_in_background
from ${{ values.package }}.settings import get_settings

settings = get_settings()

app = Celery(
    "${{ values.name }}",
    broker=settings.broker_url,
    backend=settings.result_backend,
    include=["${{ values.package }}.tasks"],
)
app.conf.update(
    task_always_eager=settings.task_always_eager,
    task_eager_propagates=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    worker_concurrency=${{ values.concurrency }},
    broker_connection_retry_on_startup=True,
)


def broker_answers() -> bool:
    """Readiness: the broker accepts a connection."""
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except (OSError, OperationalError):
        return False
    return True


@worker_ready.connect
def _serve_health(**_: Any) -> None:
    serve_in_background(settings.health_port, ready=broker_answers)
