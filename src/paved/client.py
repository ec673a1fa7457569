"""Typed HTTP client of the Platform API: one method per endpoint, problem bodies as `ApiError`.

Used by the CLI and by scripts; it knows httpx and the wire models, nothing of Typer or Rich.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from paved.core.states import RequestState, TeamRole
from paved.schemas.approvals import ApprovalPublic, ApprovalsPublic
from paved.schemas.catalog import (
    EntitiesPage,
    FacetsPublic,
    GraphPublic,
    HygienePublic,
    LocationCreate,
    LocationPublic,
    LocationsPublic,
    RefreshResult,
)
from paved.schemas.policy import PolicyEvaluation, Reason
from paved.schemas.problems import InvalidParam, Problem
from paved.schemas.requests import RequestPublic, RequestsPublic
from paved.schemas.services import CredentialsPublic, ServiceCreate, ServicePublic, ServicesPublic
from paved.schemas.teams import TeamPublic, TeamsPublic, TokenCreated, WhoAmI
from paved.schemas.templates import TemplateDrift, TemplatePublic, TemplatesPublic, UpgradePublic

DEFAULT_URL = "http://127.0.0.1:8000"
API = "/api/v1"
STREAM_READ_TIMEOUT = 60.0
MAX_POLL_FAILURES = 30

M = TypeVar("M", bound=BaseModel)
OnChange = Callable[[RequestPublic], None]


class ClientError(Exception):
    """Paved could not be asked, or answered something that is not the API: `str()` is one line."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


class ApiError(ClientError):
    """Paved answered with an RFC 9457 problem; `str()` says in one line what went wrong."""

    status: int

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        invalid_params: list[InvalidParam] | None = None,
        reasons: list[Reason] | None = None,
    ) -> None:
        self.title = title
        self.detail = detail
        self.invalid_params = list(invalid_params or [])
        self.reasons = list(reasons or [])
        super().__init__(_problem_line(status, title, detail, self.invalid_params), status=status)

    @classmethod
    def from_problem(cls, problem: Problem) -> ApiError:
        return cls(
            problem.status, problem.title, problem.detail, problem.invalid_params, problem.reasons
        )

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        """The error an answer stands for, whether or not its body is a proper problem."""
        try:
            return cls.from_problem(Problem.model_validate_json(response.content))
        except ValidationError:
            text = " ".join(response.text.split())[:200]
            return cls(response.status_code, response.reason_phrase or "error", text)


def _problem_line(status: int, title: str, detail: str, params: list[InvalidParam]) -> str:
    reasons = "; ".join(f"{p.name}: {p.reason}" for p in params)
    text = reasons or detail or title
    return f"{' '.join(text.split())} ({status})"


@dataclass(frozen=True)
class ServerSentEvent:
    """One event of a `text/event-stream`."""

    event: str
    data: str
    id: str | None = None


def parse_sse(lines: Iterable[str]) -> Iterator[ServerSentEvent]:
    """The events of a `text/event-stream` given its lines, following the WHATWG parsing rules.

    Comment lines (`:`) and unknown fields are skipped; an event is dispatched at a blank line
    if it has data; a last event cut short by the end of the stream is dropped.
    """
    event, last_id = "", None
    data: list[str] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if data:
                yield ServerSentEvent(event or "message", "\n".join(data), last_id)
            event, data = "", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
        elif name == "id" and "\0" not in value:
            last_id = value


def is_settled(request: RequestPublic, *, after: datetime | None = None) -> bool:
    """True when the request will not move on by itself: it ended, or it failed.

    With `after`, a failure counts only if it is newer (a retry or abort just sent may not have
    moved the request yet).
    """
    if RequestState(request.state).is_final:
        return True
    return request.state == RequestState.failed and (after is None or request.updated_at > after)


def default_token(home: Path | None = None) -> str | None:
    """The token of `PAVED_TOKEN`, else the one in `$PAVED_HOME/admin-token` if that file exists."""
    if token := os.environ.get("PAVED_TOKEN"):
        return token
    home = home or Path(os.environ.get("PAVED_HOME") or ".paved")
    try:
        return (home / "admin-token").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


class PavedClient:
    """A synchronous client of one Paved server; use it as a context manager or `close()` it."""

    def __init__(
        self, base_url: str = DEFAULT_URL, token: str | None = None, timeout: float = 10.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        headers = {"Accept": "application/json", "User-Agent": "paved-client"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)
        except httpx.InvalidURL as err:
            raise ClientError(f"{base_url!r} is not a valid URL") from err

    @classmethod
    def from_environment(
        cls, url: str | None = None, token: str | None = None, timeout: float = 10.0
    ) -> PavedClient:
        """A client for `url` or `PAVED_URL`, with `token` or the default token (if any)."""
        base_url = url or os.environ.get("PAVED_URL") or DEFAULT_URL
        return cls(base_url, token or default_token(), timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PavedClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def healthz(self) -> dict[str, Any]:
        return _json_object(self._send("GET", "/healthz"))

    def readyz(self) -> dict[str, Any]:
        return _json_object(self._send("GET", "/readyz"))

    def whoami(self) -> WhoAmI:
        return self._call("GET", f"{API}/whoami", WhoAmI)

    def create_service(
        self, spec: ServiceCreate, *, idempotency_key: str | None = None
    ) -> RequestPublic:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        body = spec.model_dump(mode="json")
        return self._call("POST", f"{API}/services", RequestPublic, json=body, headers=headers)

    def list_services(self) -> ServicesPublic:
        return self._call("GET", f"{API}/services", ServicesPublic)

    def get_service(self, name: str) -> ServicePublic:
        return self._call("GET", f"{API}/services/{_seg(name)}", ServicePublic)

    def delete_service(self, name: str) -> RequestPublic:
        return self._call("DELETE", f"{API}/services/{_seg(name)}", RequestPublic)

    def get_credentials(self, name: str) -> CredentialsPublic:
        path = f"{API}/services/{_seg(name)}/credentials"
        return self._call("GET", path, CredentialsPublic)

    def list_requests(
        self, *, service: str | None = None, state: str | None = None, limit: int | None = None
    ) -> RequestsPublic:
        query = {"service": service, "state": state, "limit": limit}
        params = {k: v for k, v in query.items() if v is not None}
        return self._call("GET", f"{API}/requests", RequestsPublic, params=params)

    def get_request(self, request_id: str) -> RequestPublic:
        return self._call("GET", f"{API}/requests/{_seg(request_id)}", RequestPublic)

    def retry_request(self, request_id: str) -> RequestPublic:
        return self._call("POST", f"{API}/requests/{_seg(request_id)}/retry", RequestPublic)

    def abort_request(self, request_id: str) -> RequestPublic:
        return self._call("POST", f"{API}/requests/{_seg(request_id)}/abort", RequestPublic)

    def stream_request_events(self, request_id: str) -> Iterator[RequestPublic]:
        """The request each time it changes, from its server-sent events, until the server ends."""
        path = f"{API}/requests/{_seg(request_id)}/events"
        timeout = httpx.Timeout(self.timeout, read=max(self.timeout, STREAM_READ_TIMEOUT))
        headers = {"Accept": "text/event-stream"}
        try:
            with self._http.stream("GET", path, headers=headers, timeout=timeout) as response:
                if response.is_error:
                    response.read()
                    raise ApiError.from_response(response)
                for event in parse_sse(response.iter_lines()):
                    if event.event == "request":
                        yield _parse(RequestPublic, event.data.encode(), path)
        except httpx.HTTPError as err:
            raise self._transport_error(err) from err

    def wait_for_request(
        self,
        request_id: str,
        on_change: OnChange | None = None,
        *,
        settled_after: datetime | None = None,
        poll_interval: float = 1.0,
    ) -> RequestPublic:
        """Follow a request until it settles (see `is_settled`), calling `on_change` on changes.

        Follows the event stream; if the stream breaks or ends early, polls instead.
        """
        changes = _Changes(on_change)
        try:
            for request in self.stream_request_events(request_id):
                changes.feed(request)
                if is_settled(request, after=settled_after):
                    return request
        except ClientError:
            pass
        return self._poll(request_id, changes, settled_after, poll_interval)

    def _poll(
        self, request_id: str, changes: _Changes, after: datetime | None, interval: float
    ) -> RequestPublic:
        """Polls until settled; rides out up to MAX_POLL_FAILURES connection errors in a row."""
        failures = 0
        while True:
            try:
                request, failures = self.get_request(request_id), 0
            except ApiError:
                raise
            except ClientError:
                failures += 1
                if failures >= MAX_POLL_FAILURES:
                    raise
            else:
                changes.feed(request)
                if is_settled(request, after=after):
                    return request
            time.sleep(interval)

    def create_team(
        self,
        name: str,
        title: str = "",
        *,
        cost_center: str | None = None,
        monthly_budget: float | None = None,
    ) -> TeamPublic:
        body = {
            "name": name,
            "title": title,
            "cost_center": cost_center,
            "monthly_budget": monthly_budget,
        }
        return self._call("POST", f"{API}/teams", TeamPublic, json=body)

    def update_team(self, name: str, **changes: str | float | None) -> TeamPublic:
        """Change the fields given (`title`, `cost_center`, `monthly_budget`); None clears."""
        return self._call("PATCH", f"{API}/teams/{_seg(name)}", TeamPublic, json=changes)

    def list_approvals(
        self, *, mine: bool = True, state: str | None = "pending"
    ) -> ApprovalsPublic:
        params: dict[str, str] = {"mine": str(mine).lower()}
        if state:
            params["state"] = state
        return self._call("GET", f"{API}/approvals", ApprovalsPublic, params=params)

    def get_approval(self, approval_id: str) -> ApprovalPublic:
        return self._call("GET", f"{API}/approvals/{_seg(approval_id)}", ApprovalPublic)

    def decide_approval(self, approval_id: str, decision: str, comment: str = "") -> ApprovalPublic:
        body = {"decision": decision, "comment": comment}
        path = f"{API}/approvals/{_seg(approval_id)}"
        return self._call("POST", path, ApprovalPublic, json=body)

    def evaluate_policy(self, spec: ServiceCreate) -> PolicyEvaluation:
        body = spec.model_dump(mode="json")
        return self._call("POST", f"{API}/policy/evaluate", PolicyEvaluation, json=body)

    def list_teams(self) -> TeamsPublic:
        return self._call("GET", f"{API}/teams", TeamsPublic)

    def add_member(self, team: str, user: str, role: TeamRole = TeamRole.member) -> TeamPublic:
        body = {"user": user, "role": str(role)}
        return self._call("POST", f"{API}/teams/{_seg(team)}/members", TeamPublic, json=body)

    def create_token(self, user: str, name: str = "default") -> TokenCreated:
        path = f"{API}/users/{_seg(user)}/tokens"
        return self._call("POST", path, TokenCreated, json={"name": name})

    def list_templates(self) -> TemplatesPublic:
        return self._call("GET", f"{API}/templates", TemplatesPublic)

    def get_template(self, name: str) -> TemplatePublic:
        return self._call("GET", f"{API}/templates/{_seg(name)}", TemplatePublic)

    def refresh_templates(self) -> TemplatesPublic:
        return self._call("POST", f"{API}/templates/refresh", TemplatesPublic, timeout=120)

    def template_drift(self, name: str) -> TemplateDrift:
        return self._call("GET", f"{API}/templates/{_seg(name)}/drift", TemplateDrift)

    def upgrade_service(self, name: str, parameters: dict[str, Any] | None = None) -> UpgradePublic:
        body = {"parameters": parameters or {}}
        path = f"{API}/services/{_seg(name)}/upgrade"
        return self._call("POST", path, UpgradePublic, json=body, timeout=120)

    def register_location(self, type_: str, target: str) -> LocationPublic:
        body = LocationCreate.model_validate({"type": type_, "target": target})
        path = f"{API}/catalog/locations"
        return self._call("POST", path, LocationPublic, json=body.model_dump())

    def list_locations(self) -> LocationsPublic:
        return self._call("GET", f"{API}/catalog/locations", LocationsPublic)

    def delete_location(self, location_id: str) -> None:
        self._send("DELETE", f"{API}/catalog/locations/{_seg(location_id)}")

    def refresh_location(self, location_id: str) -> LocationPublic:
        path = f"{API}/catalog/locations/{_seg(location_id)}/refresh"
        return self._call("POST", path, LocationPublic)

    def refresh_catalog(self) -> RefreshResult:
        return self._call("POST", f"{API}/catalog/refresh", RefreshResult)

    def list_entities(
        self,
        filters: Iterable[str] = (),
        *,
        order: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
        fields: str | None = None,
    ) -> EntitiesPage:
        """One page of entities; pass `cursor` from `pageInfo.nextCursor` for the next one."""
        params = _params(
            filter=list(filters), order=order, limit=limit, cursor=cursor, fields=fields
        )
        return self._call("GET", f"{API}/catalog/entities", EntitiesPage, params=params)

    def search_entities(
        self, text: str, filters: Iterable[str] = (), *, limit: int = 20, cursor: str | None = None
    ) -> EntitiesPage:
        params = _params(q=text, filter=list(filters), limit=limit, cursor=cursor)
        path = f"{API}/catalog/entities/by-query"
        return self._call("GET", path, EntitiesPage, params=params)

    def get_entity(self, kind: str, namespace: str, name: str) -> dict[str, Any]:
        path = f"{API}/catalog/entities/by-name/{_seg(kind)}/{_seg(namespace)}/{_seg(name)}"
        return _json_object(self._send("GET", path))

    def entity_facets(self, facets: Iterable[str], filters: Iterable[str] = ()) -> FacetsPublic:
        params = _params(facet=list(facets), filter=list(filters))
        return self._call("GET", f"{API}/catalog/entity-facets", FacetsPublic, params=params)

    def catalog_graph(
        self, root: str, depth: int = 2, relations: Iterable[str] = ()
    ) -> GraphPublic:
        params = _params(root=root, depth=depth, relation=list(relations))
        return self._call("GET", f"{API}/catalog/graph", GraphPublic, params=params)

    def catalog_hygiene(self, stale_days: int | None = None) -> HygienePublic:
        params = _params(staleDays=stale_days)
        return self._call("GET", f"{API}/catalog/hygiene", HygienePublic, params=params)

    def export_catalog(self, filters: Iterable[str] = ()) -> str:
        """Matching entities as `catalog-info.yaml` text."""
        params = _params(filter=list(filters))
        return self._send("GET", f"{API}/catalog/export", params=params).text

    def _call(self, method: str, path: str, model: type[M], **kwargs: Any) -> M:
        return _parse(model, self._send(method, path, **kwargs).content, path)

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as err:
            raise self._transport_error(err) from err
        if response.is_error:
            raise ApiError.from_response(response)
        return response

    def _transport_error(self, err: httpx.HTTPError) -> ClientError:
        if isinstance(err, httpx.TimeoutException):
            return ClientError(f"Paved at {self.base_url} did not answer in time")
        if isinstance(err, httpx.UnsupportedProtocol):
            return ClientError(f"{self.base_url!r} is not an http:// or https:// URL")
        return ClientError(f"cannot reach Paved at {self.base_url} — is `paved up` running?")


class _Changes:
    """Calls `on_change` once per distinct snapshot of a request."""

    def __init__(self, on_change: OnChange | None) -> None:
        self.on_change = on_change
        self.last: RequestPublic | None = None

    def feed(self, request: RequestPublic) -> None:
        if request != self.last:
            self.last = request
            if self.on_change is not None:
                self.on_change(request)


def _params(**values: Any) -> dict[str, Any]:
    """Query parameters without the unset ones."""
    return {k: v for k, v in values.items() if v is not None and v != []}


def _seg(value: str) -> str:
    """One path segment, quoted so a name can never reach another route."""
    return quote(value, safe="")


def _parse(model: type[M], content: bytes, path: str) -> M:
    try:
        return model.model_validate_json(content)
    except ValidationError as err:
        raise ClientError(f"unexpected answer from {path}: not a {model.__name__}") from err


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"status": response.text.strip()}
    return body if isinstance(body, dict) else {"status": body}
