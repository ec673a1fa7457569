"""The one error taxonomy of Paved.

    PavedError
    ├── InputError            the caller sent something invalid (HTTP 422)
    ├── NotFoundError         the thing named does not exist (HTTP 404)
    ├── ConflictError         the request clashes with existing state (HTTP 409)
    ├── NotAuthenticatedError no or an unknown credential (HTTP 401)
    ├── NotAllowedError       the caller may not do this (HTTP 403)
    │   └── PolicyDeniedError policy denied the request; `reasons` name the rules
    ├── UnavailableError      a needed system is not configured or not there (HTTP 503)
    └── ProviderError         raised by providers while acting on real systems
        ├── TemporaryError    worth retrying after `delay` seconds
        └── PermanentError    retrying the same call will not help

HTTP status codes are decided in one place, `paved.api.errors`. The orchestrator turns a
`TemporaryError` into a retry and a `PermanentError` into a failed step. Foreign exceptions are
wrapped where they enter (`raise TemporaryError(...) from err`).

DBOS persists errors raised from steps, so every error pickles (`__reduce__`).
"""

from __future__ import annotations

from typing import Any


class PavedError(Exception):
    """Base of every error Paved raises on purpose."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.__dict__.copy()))

    def __str__(self) -> str:
        return self.message


def _rebuild(cls: type[PavedError], message: str, state: dict[str, Any]) -> PavedError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class InputError(PavedError):
    """The caller sent something invalid; `field` names where."""


class NotFoundError(PavedError):
    """The thing named does not exist."""


class ConflictError(PavedError):
    """The request clashes with the current state (a taken name, a request still in flight)."""


class NotAuthenticatedError(PavedError):
    """No credential, or one Paved does not know."""


class NotAllowedError(PavedError):
    """The caller is known but may not do this."""


class PolicyDeniedError(NotAllowedError):
    """Policy denied the request; each reason is `{"rule": "sizes.rego", "message": "…"}`."""

    def __init__(self, message: str, *, reasons: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.reasons = reasons


class UnavailableError(PavedError):
    """A system Paved needs is not configured or not installed; the message says how to fix it."""


class ProviderError(PavedError):
    """Raised by a provider acting on a real system."""


class TemporaryError(ProviderError):
    """A transient fault (timeout, connection refused, 429, 5xx): retry after `delay` seconds.

    `unreachable` says the system was never reached, so the attempt cannot have changed anything.
    """

    def __init__(self, message: str, *, delay: float = 1.0, unreachable: bool = False) -> None:
        super().__init__(message)
        self.delay = delay
        self.unreachable = unreachable


class PermanentError(ProviderError):
    """A fault that retrying the same call will not fix."""
