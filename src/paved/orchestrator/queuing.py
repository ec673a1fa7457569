"""Queuing a request's run on the durable queue; any process of the cluster may work it."""

from __future__ import annotations

import logging
from collections.abc import Callable

from dbos import SetWorkflowID

from paved.core.ids import RunId
from paved.orchestrator.runtime import queue

log = logging.getLogger(__name__)


def enqueue(workflow: Callable[[str], str], run_id: RunId, request_id: str) -> None:
    """Queue the run; if that fails, the request is stored all the same and `recover` queues it."""
    try:
        with SetWorkflowID(run_id):
            queue().enqueue(workflow, request_id)
    except Exception:
        log.warning("could not queue %s yet; the recovery sweep will", run_id, exc_info=True)
