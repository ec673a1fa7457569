"""What the server-backed providers (postgres, redis) share: the way to their admin server.

The admin URL is resolved lazily (it may start an embedded server); `available` says up front
whether a server can be had at all; `on_close` stops what was started when Paved stops.
"""

from __future__ import annotations

from collections.abc import Callable

from paved.core.errors import PermanentError, UnavailableError


class AdminServer:
    """Base of providers that act through an admin connection to one server."""

    def __init__(
        self,
        admin_url: Callable[[], str],
        available: Callable[[], None] | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self._admin_url_source = admin_url
        self._available = available
        self._on_close = on_close

    def check_available(self) -> None:
        if self._available is not None:
            self._available()

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()

    def _admin_url(self) -> str:
        """The admin URL; no server to be had is a permanent fault of the step."""
        try:
            return self._admin_url_source()
        except UnavailableError as err:
            raise PermanentError(str(err)) from err


def url_host(host: str) -> str:
    """A host as it stands in a URL: IPv6 addresses in brackets."""
    return f"[{host}]" if ":" in host else host
