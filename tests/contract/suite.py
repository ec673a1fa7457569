"""The contract every provider keeps, as a generic suite a provider's test class inherits.

A provider's test module subclasses `ProviderContract` and defines three fixtures: `provider`,
`ref` (a fresh `ResourceRef` per test) and `spec`. The suite runs against the real system.
"""

from __future__ import annotations

from typing import Any

from paved.providers.base import Provider, ResourceRef


class ProviderContract:
    """Create twice is a no-op, delete missing is a no-op, observe after create is up to date."""

    def test_observe_missing_resource(
        self, provider: Provider, ref: ResourceRef, spec: Any
    ) -> None:
        observation = provider.observe(ref, spec)
        assert not observation.exists

    def test_observe_after_create_is_up_to_date(
        self, provider: Provider, ref: ResourceRef, spec: Any
    ) -> None:
        outputs = provider.create(ref, spec)
        observation = provider.observe(ref, spec)
        assert observation.exists
        assert observation.up_to_date, observation.diff
        assert dict(observation.outputs) == outputs
        provider.delete(ref)

    def test_create_twice_is_a_no_op(self, provider: Provider, ref: ResourceRef, spec: Any) -> None:
        first = provider.create(ref, spec)
        second = provider.create(ref, spec)
        assert first == second
        assert provider.observe(ref, spec).up_to_date
        provider.delete(ref)

    def test_delete_removes_and_delete_missing_is_a_no_op(
        self, provider: Provider, ref: ResourceRef, spec: Any
    ) -> None:
        provider.create(ref, spec)
        provider.delete(ref)
        assert not provider.observe(ref, spec).exists
        provider.delete(ref)
        assert not provider.observe(ref, spec).exists

    def test_outputs_carry_no_secret(self, provider: Provider, ref: ResourceRef, spec: Any) -> None:
        outputs = provider.create(ref, spec)
        rendered = repr(outputs)
        for key in provider.secret_keys:
            assert str(spec[key]) not in rendered
        provider.delete(ref)
