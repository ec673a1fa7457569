"""The durable workflows: apply a request's steps in order, or roll completed ones back.

Workflows hold only deterministic control flow; every side effect is a step. A step that fails
for good ends the workflow with the request `failed`; `retry` starts a new run (its workflow id
derived from the request id and the run number) that continues from that step, and `abort`
starts a run that compensates completed steps in reverse order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dbos import DBOS, StepOptions

from paved.core.errors import TemporaryError
from paved.orchestrator import stepping, transitions
from paved.orchestrator.runtime import current


def _retrying(name: str) -> StepOptions:
    settings = current().settings
    return {
        "name": name,
        "retries_allowed": True,
        "max_attempts": settings.step_max_attempts,
        "interval_seconds": settings.step_retry_interval,
        "backoff_rate": settings.step_backoff_rate,
        "should_retry": lambda err: isinstance(err, TemporaryError),
    }


def _once(func: Callable[..., Any], *args: Any) -> Any:
    return DBOS.run_step({"name": func.__name__}, func, *args)


def _guarded(func: Callable[[str, str], str], request_id: str, key: str) -> str:
    """Run a provider step with retries; exhausted retries or a bug fail the step, not the run."""
    error = ""
    try:
        outcome = str(DBOS.run_step(_retrying(func.__name__), func, request_id, key))
    except Exception as err:  # exhausted retries (DBOSMaxStepRetriesExceeded) or a bug
        outcome, error = "failed", _describe(err)
    if outcome == "failed":
        _once(transitions.fail, request_id, key, error)
    return outcome


def _describe(err: BaseException) -> str:
    errors = getattr(err, "errors", None)
    if errors:
        return str(errors[-1])
    return f"{type(err).__name__}: {err}"


@DBOS.workflow(name="paved.apply_request")
def apply_request_workflow(request_id: str) -> str:
    """Apply every step not yet done, in order; stop at the first that fails for good."""
    for key in _once(transitions.begin_apply, request_id):
        outcome = _guarded(stepping.act, request_id, key)
        if outcome == "failed":
            return "failed"
        if outcome == "aborted":
            return _roll_back(request_id)
    if _once(transitions.finish_apply, request_id) == "aborted":
        return _roll_back(request_id)
    return "succeeded"


@DBOS.workflow(name="paved.roll_back_request")
def roll_back_request_workflow(request_id: str) -> str:
    """Compensate the completed steps of a request, last first."""
    return _roll_back(request_id)


def _roll_back(request_id: str) -> str:
    for key in _once(transitions.begin_roll_back, request_id):
        if _guarded(stepping.compensate, request_id, key) == "failed":
            return "failed"
    return str(_once(transitions.finish_roll_back, request_id))
