"""`/api/v1/policy`: ask policy about a request without making it."""

from __future__ import annotations

from fastapi import APIRouter

from paved.api.deps import CurrentPrincipal
from paved.orchestrator import submitting
from paved.schemas.policy import PolicyEvaluation
from paved.schemas.services import ServiceCreate

router = APIRouter(prefix="/policy", tags=["policy"])


@router.post("/evaluate", response_model=PolicyEvaluation)
def evaluate(body: ServiceCreate, principal: CurrentPrincipal) -> PolicyEvaluation:
    """Would creating this service be allowed, and why: the decision with its reasons, the cost
    estimate and the input document policy saw. Nothing is created or stored."""
    return submitting.evaluate_create(principal, body)
