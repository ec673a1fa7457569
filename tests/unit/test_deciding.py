"""The one decision about a resource, as a table whose every row says why."""

from __future__ import annotations

import pytest

from paved.providers.base import MISSING, Observation
from paved.reconciler.deciding import Action, decide

CASES = [
    ("missing resource is created", MISSING, False, Action.create),
    ("drifted resource is updated", Observation(True, False, diff=("size",)), False, Action.update),
    ("resource as wanted is left alone", Observation(True, True), False, Action.nothing),
    ("existing resource is deleted when deleting", Observation(True, True), True, Action.delete),
    ("drifted resource is deleted when deleting", Observation(True, False), True, Action.delete),
    ("missing resource needs no delete", MISSING, True, Action.nothing),
]


@pytest.mark.parametrize(
    ("observation", "deleting", "action"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_decide(observation: Observation, deleting: bool, action: Action) -> None:
    assert decide(observation, deleting=deleting) is action
