"""The policy engine on the default guardrails and on a configured policy directory: each rule's
allow and deny with its exact reason, combining outcomes, hot reload, and broken policies."""

from __future__ import annotations

import pickle
import threading
from pathlib import Path
from typing import Any

import pytest

from paved.core.errors import InputError
from paved.core.states import TeamRole
from paved.policy import (
    Actor,
    Approver,
    CostFacts,
    Decision,
    Notification,
    Outcome,
    PolicyBundles,
    PolicyEngine,
    PolicyEvaluationError,
    PolicyInput,
    PolicyLoadError,
    PolicyProblem,
    RequestFacts,
    ResourceFacts,
    combine,
    default_policy_dir,
    input_for_service,
)
from paved.policy.compiling import new_interpreter, run_in_child
from paved.schemas.services import ResourceSpec, ServiceCreate

TAGS = {"team": "checkout", "cost-center": "cc-42", "ttl": "7d"}
NO_BUDGET = CostFacts(estimate_monthly=310, team_spend_monthly=0)
EXTRA = 'package paved.guardrails\n\ndeny contains {"rule": "extra.rego", "message": "%s"} if {\n'
EXTRA += '\tinput.request.service == "forbidden"\n}\n'
BROKEN = "package paved.guardrails\n\ndeny contains x if {\n\tx := input.team +\n}\n"


def doc(
    env: str = "prod",
    *,
    size: str = "medium",
    region: str | None = "eu-west-1",
    tags: dict[str, str] | None = None,
    cost: CostFacts = NO_BUDGET,
    service: str = "pay",
) -> PolicyInput:
    resource = ResourceFacts(
        type="postgres",
        name="postgres",
        size=size,
        region=region,
        tags=TAGS if tags is None else tags,
    )
    return PolicyInput(
        actor=Actor(user="ann", roles={"checkout": TeamRole.member}),
        team="checkout",
        environment=env,
        request=RequestFacts(service=service, template="python-api", tags=TAGS),
        resources=[resource],
        cost=cost,
    )


def budget(spend: float) -> CostFacts:
    return CostFacts(estimate_monthly=310, team_spend_monthly=spend, team_budget_monthly=1000)


ALLOW, DENY, WAIT = Outcome.allow, Outcome.deny, Outcome.needs_approval
RULE_CASES: list[tuple[str, PolicyInput, Outcome, list[str]]] = [
    ("sizes: large postgres in staging is allowed", doc("staging", size="large"), ALLOW, []),
    (
        "sizes: xlarge postgres in prod is denied",
        doc("prod", size="xlarge"),
        DENY,
        ["sizes.rego: postgres size xlarge exceeds the maximum for prod (large)"],
    ),
    ("regions: an allowed region", doc("dev", region="eu-central-1"), ALLOW, []),
    (
        "regions: another region is denied",
        doc("dev", region="ap-south-1"),
        DENY,
        [
            "regions.rego: postgres region ap-south-1 is not allowed"
            " (allowed: eu-central-1, eu-west-1, us-east-1)"
        ],
    ),
    ("tags: team and cost-center present", doc("dev"), ALLOW, []),
    (
        "tags: missing cost-center is denied",
        doc("dev", tags={"team": "checkout", "ttl": "7d"}),
        DENY,
        ["tags.rego: postgres is missing required tag cost-center"],
    ),
    ("budget: just under it is allowed", doc("staging", cost=budget(689.99)), ALLOW, []),
    ("budget: reaching it exactly is allowed", doc("staging", cost=budget(690)), ALLOW, []),
    (
        "budget: crossing it is denied",
        doc("staging", cost=budget(690.01)),
        DENY,
        [
            "budget.rego: team checkout would spend $1000.01/month, over its budget of $1000"
            " (now $690.01, this request $310)"
        ],
    ),
    ("approvals: dev is automatic", doc("dev"), ALLOW, []),
    ("approvals: staging is automatic", doc("staging"), ALLOW, []),
    (
        "approvals: prod needs a lead",
        doc("prod"),
        WAIT,
        ["approvals.rego: prod needs approval by a lead of team checkout"],
    ),
    ("ttl: dev resource with a ttl", doc("dev", tags=TAGS), ALLOW, []),
    (
        "ttl: dev resource without a ttl is denied",
        doc("dev", tags={"team": "checkout", "cost-center": "cc-42"}),
        DENY,
        ["ttl.rego: dev resource postgres must carry a ttl tag, e.g. ttl=7d (at most 30d)"],
    ),
]


@pytest.fixture(scope="module")
def engine() -> PolicyEngine:
    return PolicyEngine.from_directory()


@pytest.mark.parametrize(
    ("document", "outcome", "reasons"), [c[1:] for c in RULE_CASES], ids=[c[0] for c in RULE_CASES]
)
def test_default_rule(
    engine: PolicyEngine, document: PolicyInput, outcome: Outcome, reasons: list[str]
) -> None:
    decision = engine.decide(document)
    assert (decision.outcome, [str(r) for r in decision.reasons]) == (outcome, reasons)


def test_staging_notifies_the_team_of_the_cost(engine: PolicyEngine) -> None:
    decision = engine.decide(doc("staging"))
    assert decision.notifications == [
        Notification(
            to="team:checkout",
            message="pay in staging: estimated cost $310/month",
            rule="approvals.rego",
        )
    ]


def test_prod_names_the_approver(engine: PolicyEngine) -> None:
    assert engine.decide(doc("prod")).approvers == [Approver(team="checkout", role=TeamRole.lead)]


def test_deny_wins_over_needs_approval_and_lists_only_denials(engine: PolicyEngine) -> None:
    decision = engine.decide(doc("prod", size="xlarge", region="ap-south-1"))
    assert decision.outcome is DENY
    assert [r.rule for r in decision.reasons] == ["regions.rego", "sizes.rego"]
    assert decision.approvers == []
    assert decision.summary().splitlines()[1] == (
        "denied: postgres size xlarge exceeds the maximum for prod (large)  [policy: sizes.rego]"
    )


COMBINE_CASES: list[tuple[str, dict[str, list[Any]], Outcome]] = [
    ("nothing said is allow", {}, ALLOW),
    ("approval alone waits", {"needs_approval": [{"rule": "a", "message": "m"}]}, WAIT),
    (
        "deny beats approval",
        {
            "deny": [{"rule": "d", "message": "m"}],
            "needs_approval": [{"rule": "a", "message": "m"}],
        },
        DENY,
    ),
    ("a bare string denies too", {"deny": ["no"]}, DENY),
    ("notifications alone allow", {"notify": [{"to": "team:x", "message": "m"}]}, ALLOW),
]


@pytest.mark.parametrize(
    ("results", "outcome"), [c[1:] for c in COMBINE_CASES], ids=[c[0] for c in COMBINE_CASES]
)
def test_combine(results: dict[str, list[Any]], outcome: Outcome) -> None:
    assert combine(results).outcome is outcome


def test_combine_names_rules_and_rejects_malformed_output() -> None:
    assert [str(r) for r in combine({"deny": ["no", {"rule": "b", "message": "x"}]}).reasons] == [
        "b: x",
        "policy: no",
    ]
    with pytest.raises(PolicyEvaluationError, match="malformed notification"):
        combine({"notify": [{"message": "to whom?"}]})


def test_decision_is_json(engine: PolicyEngine) -> None:
    decision = engine.decide(doc("prod"))
    assert Decision.model_validate_json(decision.model_dump_json()) == decision
    assert decision.policy_revision == engine.revision


def test_strings_with_quotes_come_back_intact(engine: PolicyEngine) -> None:
    decision = engine.decide(doc("dev", region='ap"south\\1'))
    assert decision.reasons[0].message.startswith('postgres region ap"south\\1 is not allowed')


def test_decide_json_checks_the_document(engine: PolicyEngine) -> None:
    assert engine.decide_json(doc("prod").model_dump(mode="json")).outcome is WAIT
    with pytest.raises(InputError, match="environment"):
        engine.decide_json({"version": 1, "actor": {"user": "a"}, "team": "t"})


def test_input_for_service_inherits_tags() -> None:
    body = ServiceCreate(
        name="pay",
        template="python-api",
        team="checkout",
        environment="prod",
        tags={"cost-center": "cc-42"},
        resources=[ResourceSpec(type="postgres", size="medium", params={"region": "eu-west-1"})],
    )
    document = input_for_service(body, actor=Actor(user="ann"), cost=NO_BUDGET)
    assert document.resources == [
        ResourceFacts(
            type="postgres",
            name="postgres",
            size="medium",
            region="eu-west-1",
            tags={"team": "checkout", "cost-center": "cc-42"},
        )
    ]
    assert document.request.kind == "service.create"


def test_deciding_never_compiles() -> None:
    bundles = PolicyBundles(check_interval=0)
    engine = PolicyEngine(bundles)
    for env in ("dev", "staging", "prod") * 100:
        engine.decide(doc(env))
    assert bundles.builds == 1


def policy_dir(tmp_path: Path, message: str = "service forbidden is not allowed") -> Path:
    directory = tmp_path / "policies"
    directory.mkdir(exist_ok=True)
    (directory / "extra.rego").write_text(EXTRA % message)
    return directory


def test_configured_directory_adds_rules(tmp_path: Path) -> None:
    engine = PolicyEngine(PolicyBundles(policy_dir(tmp_path), isolate=False))
    denied = engine.decide(doc("dev", service="forbidden"))
    assert [str(r) for r in denied.reasons] == ["extra.rego: service forbidden is not allowed"]
    assert engine.decide(doc("dev")).outcome is ALLOW


def test_broken_policy_is_rejected_and_the_last_good_bundle_stays(tmp_path: Path) -> None:
    directory = policy_dir(tmp_path)
    bundles = PolicyBundles(directory)
    engine = PolicyEngine(bundles)
    before = engine.decide(doc("dev", service="forbidden"))
    (directory / "broken.rego").write_text(BROKEN)

    assert bundles.reload() is False
    assert bundles.last_error is not None
    problem = bundles.last_error.problems[0]
    assert (problem.file, problem.line, problem.column) == ("broken.rego", 4, 18)
    assert "arithmetic" in problem.message
    assert engine.decide(doc("dev", service="forbidden")) == before
    assert bundles.builds == 2


def test_good_change_is_picked_up_without_restart(tmp_path: Path) -> None:
    now = [0.0]
    directory = policy_dir(tmp_path)
    bundles = PolicyBundles(directory, check_interval=5, clock=lambda: now[0])
    engine = PolicyEngine(bundles)
    policy_dir(tmp_path, "forbidden names are reserved")

    unchanged = engine.decide(doc("dev", service="forbidden"))
    assert unchanged.reasons[0].message == "service forbidden is not allowed"
    now[0] = 5.0
    changed = engine.decide(doc("dev", service="forbidden"))
    assert changed.reasons[0].message == "forbidden names are reserved"
    assert changed.policy_revision != unchanged.policy_revision
    assert bundles.last_error is None


def test_fixing_a_broken_policy_clears_the_error(tmp_path: Path) -> None:
    directory = policy_dir(tmp_path)
    bundles = PolicyBundles(directory, isolate=False)
    (directory / "broken.rego").write_text(BROKEN)
    assert bundles.reload() is False
    (directory / "broken.rego").unlink()
    assert bundles.reload() is False  # the same sources as the bundle in force
    assert bundles.last_error is None


def test_broken_policy_at_start_is_refused_with_its_place(tmp_path: Path) -> None:
    directory = policy_dir(tmp_path)
    (directory / "bad.rego").write_text(
        "package paved.guardrails\n\ndeny contains msg if {\n\tmsg := nosuch(input.team)\n}\n"
    )
    with pytest.raises(PolicyLoadError) as caught:
        PolicyBundles(directory)
    assert [str(p) for p in caught.value.problems] == ["bad.rego:4:9: Function not found: nosuch"]


def test_missing_policy_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyLoadError, match="policy directory not found"):
        PolicyBundles(tmp_path / "absent")


def test_with_input_as_is_refused_before_it_can_crash(tmp_path: Path) -> None:
    directory = policy_dir(tmp_path)
    (directory / "risky.rego").write_text(
        "package paved.other\n\nimport data.paved.guardrails\n\n"
        'x := guardrails.deny with input as {"team": "t"}\n'
    )
    with pytest.raises(PolicyLoadError) as caught:
        PolicyBundles(directory)
    assert (caught.value.problems[0].file, caught.value.problems[0].line) == ("risky.rego", 5)


def compile_unchecked(sources: dict[str, str]) -> list[str]:
    """Run in a child by the next test: compiles without Paved's checks, so rego-cpp aborts."""
    interpreter = new_interpreter()
    for name, text in sources.items():
        interpreter.add_module(name, text)
    interpreter.build(None, ["paved/other/x"])
    return []


def test_a_crashing_compiler_is_a_rejection_not_a_dead_server() -> None:
    sources = {
        "a.rego": 'package paved.guardrails\n\ndeny contains 1 if input.team == "t"\n',
        "b.rego": "package paved.other\n\nimport data.paved.guardrails\n\n"
        'x := count(guardrails.deny) with input as {"team": "t"}\n',
    }
    with pytest.raises(PolicyLoadError, match="the Rego engine crashed"):
        run_in_child("tests.unit.test_policy_engine:compile_unchecked", sources)


def test_decisions_and_reloads_from_many_threads(tmp_path: Path) -> None:
    directory = policy_dir(tmp_path)
    engine = PolicyEngine(PolicyBundles(directory, isolate=False, check_interval=0))
    seen: list[Outcome] = []
    errors: list[BaseException] = []

    def decide_many() -> None:
        try:
            seen.extend(engine.decide(doc("prod", service="forbidden")).outcome for _ in range(100))
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=decide_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for index in range(3):
        policy_dir(tmp_path, f"version {index}")
        engine.bundles.reload()
    for thread in threads:
        thread.join()
    assert errors == []
    assert seen == [DENY] * 400


def test_a_file_of_the_policy_directory_replaces_the_default_one(tmp_path: Path) -> None:
    directory = tmp_path / "policies"
    directory.mkdir()
    default = (default_policy_dir() / "sizes.rego").read_text()
    (directory / "sizes.rego").write_text(default.replace('"prod": "large"', '"prod": "xlarge"'))
    engine = PolicyEngine(PolicyBundles(directory, isolate=False))
    assert engine.decide(doc("prod", size="xlarge")).outcome is WAIT


def test_policy_errors_survive_pickling() -> None:
    problem = PolicyProblem("a.rego", 3, 1, "bad")
    for err in (PolicyLoadError([problem]), PolicyEvaluationError("failed")):
        copy = pickle.loads(pickle.dumps(err))
        assert (type(copy), str(copy), copy.__dict__) == (type(err), str(err), err.__dict__)


def test_without_a_check_interval_only_reload_picks_changes_up(tmp_path: Path) -> None:
    directory = policy_dir(tmp_path)
    bundles = PolicyBundles(directory, isolate=False, check_interval=None)
    before = bundles.current().revision
    policy_dir(tmp_path, "forbidden names are reserved")
    assert bundles.current().revision == before
    assert bundles.reload() is True
    assert bundles.current().revision != before
