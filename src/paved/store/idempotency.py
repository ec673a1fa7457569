"""Idempotency keys as the IETF Idempotency-Key draft describes them.

A key is claimed before the request is made (its row holds no request yet: a concurrent call
with the same key gets `409`), then bound to the request it produced. The same key with another
body is an error. A claim that was never bound (its caller died) is taken over after a while.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paved.core.errors import ConflictError, InputError
from paved.store.models import IdempotencyKey, as_utc, utcnow

STALE_CLAIM = timedelta(seconds=60)
FIELD = "Idempotency-Key"


def claim(session: Session, actor: str, key: str, fingerprint: str) -> str | None:
    """Claim `key` for `actor`; return the request it already produced, or None when now ours.

    Raises `ConflictError` while another call holds the claim, `InputError` when the key was
    used with another body.
    """
    row = session.get(IdempotencyKey, (actor, key))
    if row is None:
        try:
            with session.begin_nested():
                session.add(IdempotencyKey(actor=actor, key=key, fingerprint=fingerprint))
            return None
        except IntegrityError:
            row = session.get(IdempotencyKey, (actor, key))
            if row is None:
                raise ConflictError(
                    "a request with this Idempotency-Key is still being accepted; try again",
                    field=FIELD,
                ) from None
    if row.fingerprint != fingerprint:
        raise InputError("this Idempotency-Key was already used with a different body", field=FIELD)
    if row.request_id is not None:
        return row.request_id
    created = as_utc(row.created_at)
    if utcnow() - created > STALE_CLAIM:
        row.created_at = utcnow()
        return None
    raise ConflictError(
        "a request with this Idempotency-Key is still being accepted; try again", field=FIELD
    )


def bind(session: Session, actor: str, key: str, request_id: str) -> None:
    row = session.get(IdempotencyKey, (actor, key))
    if row is not None:
        row.request_id = request_id


def release(session: Session, actor: str, key: str) -> None:
    """Drop an unbound claim, so that a failed call can be made again with the same key."""
    session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.actor == actor,
            IdempotencyKey.key == key,
            IdempotencyKey.request_id.is_(None),
        )
    )
