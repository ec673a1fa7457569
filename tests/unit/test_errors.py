"""Every error DBOS may persist survives pickling with its fields."""

from __future__ import annotations

import pickle

import pytest

from paved.core import errors

ALL = [
    errors.InputError("bad name", field="name"),
    errors.NotFoundError("no such service", field="name"),
    errors.ConflictError("taken", field="name"),
    errors.NotAuthenticatedError("no token"),
    errors.NotAllowedError("not your team"),
    errors.UnavailableError("install postgresql"),
    errors.PermanentError("refused"),
    errors.TemporaryError("connection refused", delay=2.5, unreachable=True),
]


@pytest.mark.parametrize("error", ALL, ids=[type(e).__name__ for e in ALL])
def test_error_round_trips_through_pickle(error: errors.PavedError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.__dict__ == error.__dict__


def test_temporary_error_keeps_its_delay_and_reachability() -> None:
    copy = pickle.loads(pickle.dumps(errors.TemporaryError("x", delay=3.0, unreachable=True)))
    assert isinstance(copy, errors.TemporaryError)
    assert copy.delay == 3.0
    assert copy.unreachable
