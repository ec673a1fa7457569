"""Vocabularies shown the same way in API, CLI and portal: each state has a label and a colour."""

from __future__ import annotations

from enum import StrEnum


class RequestState(StrEnum):
    """Where a request stands as a whole."""

    waiting_approval = "waiting_approval"
    accepted = "accepted"
    running = "running"
    failed = "failed"
    succeeded = "succeeded"
    rolling_back = "rolling_back"
    rolled_back = "rolled_back"
    rejected = "rejected"
    expired = "expired"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def colour(self) -> str:
        return _REQUEST_COLOURS[self]

    @property
    def is_final(self) -> bool:
        """Nothing will ever move it again (a failed request may still be retried or aborted)."""
        return self in _FINAL_REQUEST_STATES


_REQUEST_COLOURS = {
    RequestState.waiting_approval: "cyan",
    RequestState.accepted: "grey",
    RequestState.running: "blue",
    RequestState.failed: "red",
    RequestState.succeeded: "green",
    RequestState.rolling_back: "yellow",
    RequestState.rolled_back: "magenta",
    RequestState.rejected: "red",
    RequestState.expired: "grey",
}


_FINAL_REQUEST_STATES = frozenset(
    {RequestState.succeeded, RequestState.rolled_back, RequestState.rejected, RequestState.expired}
)


class StepState(StrEnum):
    """Where one step of a request stands."""

    pending = "pending"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    compensating = "compensating"
    compensated = "compensated"
    skipped = "skipped"

    @property
    def label(self) -> str:
        return self.value

    @property
    def colour(self) -> str:
        return _STEP_COLOURS[self]


_STEP_COLOURS = {
    StepState.pending: "grey",
    StepState.running: "blue",
    StepState.succeeded: "green",
    StepState.failed: "red",
    StepState.compensating: "yellow",
    StepState.compensated: "magenta",
    StepState.skipped: "grey",
}


class RequestKind(StrEnum):
    """What a request asks for."""

    create_service = "create_service"
    delete_service = "delete_service"


class ServiceState(StrEnum):
    """The life of a service record."""

    waiting_approval = "waiting_approval"
    provisioning = "provisioning"
    active = "active"
    failed = "failed"
    deleting = "deleting"


class TeamRole(StrEnum):
    """A user's role in a team."""

    member = "member"
    lead = "lead"


class ApprovalState(StrEnum):
    """Where an approval stands: pending until a lead decides or it expires."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    expired = "expired"
    withdrawn = "withdrawn"
