"""Deciding a request: evaluate the bundle in force on the input document and combine what the
rules said into one `Decision` — any deny denies, else any needs_approval waits, else allow.

Evaluation never compiles; compiling happens only when the policy files change (`bundles`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from paved.core.errors import InputError
from paved.policy.bundles import PolicyBundles
from paved.policy.compiling import PolicyEvaluationError
from paved.schemas.policy import (
    Approver,
    Decision,
    Notification,
    Outcome,
    PolicyInput,
    Reason,
)

UNNAMED_RULE = "policy"
_Model = TypeVar("_Model", Approver, Notification)


class PolicyEngine:
    """Answers allow / deny / needs_approval, with reasons, for one input document."""

    def __init__(self, bundles: PolicyBundles) -> None:
        self.bundles = bundles

    @classmethod
    def from_directory(
        cls, policy_dir: Path | None = None, *, check_interval: float | None = 2.0
    ) -> PolicyEngine:
        """The default bundle, plus `policy_dir` if given; raises `PolicyLoadError` if broken."""
        return cls(PolicyBundles(policy_dir, check_interval=check_interval))

    @property
    def revision(self) -> str:
        return self.bundles.revision

    def decide(self, document: PolicyInput) -> Decision:
        """The decision for `document`; `PolicyEvaluationError` if the bundle fails on it."""
        bundle = self.bundles.current()
        results = bundle.evaluate(document.model_dump(mode="json"))
        return combine(results, revision=bundle.revision)

    def decide_json(self, document: Mapping[str, Any]) -> Decision:
        """The decision for a raw input document (e.g. a dry run from a file), checked first."""
        try:
            parsed = PolicyInput.model_validate(document)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise InputError(f"policy input: {where}: {first['msg']}", field=where) from err
        return self.decide(parsed)


def combine(results: Mapping[str, Sequence[Any]], *, revision: str = "") -> Decision:
    """The decision from the three sets a bundle produced (pure: tested without Rego)."""
    denied = _reasons(results.get("deny", ()))
    waiting = results.get("needs_approval", ())
    notifications = sorted(
        {_notification(item) for item in results.get("notify", ())},
        key=lambda n: (n.to, n.rule, n.message),
    )
    if denied:
        outcome, reasons, approvers = Outcome.deny, denied, []
    elif waiting:
        outcome, reasons, approvers = Outcome.needs_approval, _reasons(waiting), _approvers(waiting)
    else:
        outcome, reasons, approvers = Outcome.allow, [], []
    return Decision(
        outcome=outcome,
        reasons=reasons,
        approvers=approvers,
        notifications=notifications,
        policy_revision=revision,
    )


def _reasons(items: Iterable[Any]) -> list[Reason]:
    """Reasons sorted by rule; a bare string (OPA's `deny contains msg`) gets a generic rule."""
    reasons: set[Reason] = set()
    for item in items:
        if isinstance(item, Mapping):
            message = item.get("message")
            reasons.add(
                Reason(
                    rule=str(item.get("rule") or UNNAMED_RULE),
                    message=str(message) if message is not None else str(dict(item)),
                )
            )
        else:
            reasons.add(Reason(rule=UNNAMED_RULE, message=str(item)))
    return sorted(reasons, key=lambda r: (r.rule, r.message))


def _approvers(items: Iterable[Any]) -> list[Approver]:
    found: set[Approver] = set()
    for item in items:
        if isinstance(item, Mapping) and item.get("approver") is not None:
            found.add(_valid(Approver, item["approver"]))
    return sorted(found, key=lambda a: (a.team, a.role))


def _notification(item: Any) -> Notification:
    return _valid(Notification, item)


def _valid(model: type[_Model], value: Any) -> _Model:
    """A model from a rule's output; a malformed one fails the decision rather than vanish."""
    try:
        return model.model_validate(value)
    except ValidationError as err:
        raise PolicyEvaluationError(f"malformed {model.__name__.lower()}: {value!r}") from err
