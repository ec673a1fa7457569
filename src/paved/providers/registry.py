"""The registry: which provider serves which kind of resource."""

from __future__ import annotations

from paved.core.errors import InputError
from paved.providers.base import Provider


class ProviderRegistry:
    """Providers by kind; the composition root fills it, the orchestrator reads it."""

    def __init__(self, providers: list[Provider] | None = None) -> None:
        self._providers: dict[str, Provider] = {}
        for provider in providers or []:
            self.register(provider)

    def register(self, provider: Provider) -> None:
        self._providers[provider.kind] = provider

    def get(self, kind: str) -> Provider:
        try:
            return self._providers[kind]
        except KeyError:
            raise InputError(f"unknown resource type {kind!r}", field="type") from None

    def kinds(self) -> list[str]:
        return sorted(self._providers)

    def close(self) -> None:
        """Let providers stop what they started (embedded servers)."""
        for provider in self._providers.values():
            close = getattr(provider, "close", None)
            if close is not None:
                close()
