"""The one decision about a resource: given what a provider observed, what to do next."""

from __future__ import annotations

from enum import StrEnum

from paved.providers.base import Observation


class Action(StrEnum):
    create = "create"
    update = "update"
    delete = "delete"
    nothing = "nothing"


def decide(observation: Observation, *, deleting: bool = False) -> Action:
    """Create what is missing, update what differs, delete what exists when deleting."""
    if deleting:
        return Action.delete if observation.exists else Action.nothing
    if not observation.exists:
        return Action.create
    if not observation.up_to_date:
        return Action.update
    return Action.nothing
