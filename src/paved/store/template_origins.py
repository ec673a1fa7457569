"""Where each service's repository came from: its template, the version, the pristine commit."""

from __future__ import annotations

from sqlalchemy import select

from paved.store.db import Session
from paved.store.models import Service, TemplateOrigin


def find_origin(session: Session, service: str) -> TemplateOrigin | None:
    return session.get(TemplateOrigin, service)


def record_origin(session: Session, service: str, template: str, version: str, commit: str) -> None:
    """The repository now holds the render of `template` at `version` as `commit`."""
    origin = session.get(TemplateOrigin, service)
    if origin is None:
        session.add(
            TemplateOrigin(service=service, template=template, version=version, commit=commit)
        )
        return
    origin.template, origin.version, origin.commit = template, version, commit
    origin.pending_version = origin.pending_commit = origin.pending_branch = None


def record_pending(session: Session, service: str, version: str, commit: str, branch: str) -> None:
    """An upgrade to `version` waits on `branch` for the developers to merge it."""
    origin = session.get(TemplateOrigin, service)
    if origin is not None:
        origin.pending_version, origin.pending_commit, origin.pending_branch = (
            version,
            commit,
            branch,
        )


def services_of_template(
    session: Session, template: str
) -> list[tuple[Service, TemplateOrigin | None]]:
    """Every service made from `template`, with its origin when one was recorded."""
    query = (
        select(Service, TemplateOrigin)
        .outerjoin(TemplateOrigin, TemplateOrigin.service == Service.name)
        .where(Service.template == template)
        .order_by(Service.name)
    )
    return [(service, origin) for service, origin in session.execute(query).tuples()]


def forget_origin(session: Session, service: str) -> None:
    origin = session.get(TemplateOrigin, service)
    if origin is not None:
        session.delete(origin)
