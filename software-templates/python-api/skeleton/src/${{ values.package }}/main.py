{%- set types = values.resource_types -%}
"""The HTTP API of ${{ values.name }}."""

from fastapi import FastAPI, HTTPException
{%- if "redis" in types %}
from redis import Redis
from redis.exceptions import RedisError
{%- endif %}
from sqlalchemy.exc import SQLAlchemyError

from ${{ values.package }}.db import ping
{%- if "redis" in types %}
from ${{ values.package }}.settings import get_settings
{%- endif %}

SERVICE_NAME = "${{ values.name }}"

app = FastAPI(title=SERVICE_NAME, description=${{ values.description | tojson }}, version="0.1.0")


@app.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the process is up and serving."""
    return {"status": "ok", "service": SERVICE_NAME}


@app.get("/readyz")
def readyz() -> dict[str, str]:
    """Readiness: the service's dependencies answer."""
    try:
        ping()
    except SQLAlchemyError as err:
        raise HTTPException(status_code=503, detail="database unavailable") from err
{%- if "redis" in types %}
    redis_url = get_settings().redis_url
    if redis_url:
        try:
            Redis.from_url(redis_url, socket_timeout=2).ping()
        except RedisError as err:
            raise HTTPException(status_code=503, detail="cache unavailable") from err
{%- endif %}
    return {"status": "ready", "service": SERVICE_NAME}
