"""Guardrails as code: Rego policies (compiled once by `regopy`) decide allow, deny or
needs_approval for a request, always with reasons.

    engine = PolicyEngine.from_directory(settings_policy_dir)     # compiles once
    decision = engine.decide(input_for_service(body, actor=..., cost=...))
"""

from paved.policy.bundles import (
    CompiledBundle,
    PolicyBundles,
    default_policy_dir,
)
from paved.policy.compiling import PolicyEvaluationError, PolicyLoadError, PolicyProblem
from paved.policy.deciding import PolicyEngine, combine
from paved.policy.documents import input_for_service
from paved.policy.testing import PolicyTestReport, PolicyTestResult, run_policy_tests
from paved.schemas.policy import (
    INPUT_VERSION,
    Actor,
    Approver,
    CostFacts,
    Decision,
    Notification,
    Outcome,
    PolicyInput,
    Reason,
    RequestFacts,
    ResourceFacts,
)

__all__ = [
    "INPUT_VERSION",
    "Actor",
    "Approver",
    "CompiledBundle",
    "CostFacts",
    "Decision",
    "Notification",
    "Outcome",
    "PolicyBundles",
    "PolicyEngine",
    "PolicyEvaluationError",
    "PolicyInput",
    "PolicyLoadError",
    "PolicyProblem",
    "PolicyTestReport",
    "PolicyTestResult",
    "Reason",
    "RequestFacts",
    "ResourceFacts",
    "combine",
    "default_policy_dir",
    "input_for_service",
    "run_policy_tests",
]
