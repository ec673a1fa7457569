"""Policy decision latency: p50 and p99 of one `PolicyEngine.decide` with the default bundle and
with bundles of 50 generated rules, and decisions per second on one core. Target: p99 < 1 ms.

    .venv/bin/python bench/policy.py [--n 5000] [--seconds 3] [--cpu 0]

A decision is the whole call an API handler makes: the input model to JSON, into rego-cpp, one
query on the compiled bundle, the three sets back, combined into a `Decision`. The process is
pinned to one CPU; the machine may be shared, so the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import regopy

from paved.core.states import TeamRole
from paved.policy import (
    Actor,
    CostFacts,
    PolicyBundles,
    PolicyEngine,
    PolicyInput,
    RequestFacts,
    ResourceFacts,
)

RULES = 50
TAGS = {"team": "checkout", "cost-center": "cc-42", "ttl": "7d"}
RULE_BODIES = [
    'input.environment == "env-{i}"\n\tsome r in input.resources\n\tr.size == "large"',
    'some r in input.resources\n\tobject.get(r.tags, "label-{i}", "") == "forbidden"',
    'some r in input.resources\n\tis_string(r.region)\n\tnot r.region in {{"eu-west-1", "r-{i}"}}',
    "input.cost.estimate_monthly > {i} * 1000 + 100000",
    'startswith(input.request.service, "reserved-{i}-")',
]


def document(env: str, size: str = "medium", region: str | None = "eu-west-1") -> PolicyInput:
    resources = [
        ResourceFacts(type="postgres", name="postgres", size=size, region=region, tags=TAGS),
        ResourceFacts(type="redis", name="redis", size="small", region=region, tags=TAGS),
    ]
    return PolicyInput(
        actor=Actor(user="ann", roles={"checkout": TeamRole.member}),
        team="checkout",
        environment=env,
        request=RequestFacts(service="pay", template="python-api", tags=TAGS),
        resources=resources,
        cost=CostFacts(estimate_monthly=340, team_spend_monthly=900, team_budget_monthly=5000),
    )


INPUTS = {
    "prod, needs approval": document("prod"),
    "dev, allowed": document("dev", size="small"),
    "prod, denied twice": document("prod", size="xlarge", region="ap-south-1"),
}


def generated_rules(directory: Path, count: int = RULES) -> None:
    """`count` guardrails of five shapes, each evaluated on every decision, none firing."""
    for i in range(count):
        body = RULE_BODIES[i % len(RULE_BODIES)].format(i=i)
        (directory / f"gen_{i:02}.rego").write_text(
            "package paved.guardrails\n\n"
            f'deny contains {{"rule": "gen_{i:02}.rego", "message": "generated rule {i}"}} if {{\n'
            f"\t{body}\n}}\n"
        )


def percentiles(decide: Callable[[], object], n: int) -> tuple[float, float]:
    for _ in range(min(200, n)):
        decide()
    samples = []
    for _ in range(n):
        started = time.perf_counter_ns()
        decide()
        samples.append(time.perf_counter_ns() - started)
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49] / 1e6, cuts[98] / 1e6


def per_second(decide: Callable[[], object], seconds: float) -> float:
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(100):
            decide()
        count += 100
    return count / elapsed


def engine_for(label: str, policy_dir: Path | None, *, empty_default: Path) -> PolicyEngine:
    started = time.perf_counter()
    default = empty_default if label.startswith("50 rules alone") else None
    bundles = PolicyBundles(policy_dir, default_dir=default, isolate=False)
    print(
        f"{label}: {len(bundles.current().files)} files, compiled (and probed) in "
        f"{(time.perf_counter() - started) * 1e3:.0f} ms"
    )
    return PolicyEngine(bundles)


def run(engine: PolicyEngine, n: int, seconds: float) -> None:
    for name, doc in INPUTS.items():
        decision = engine.decide(doc)
        decide = partial(engine.decide, doc)
        p50, p99 = percentiles(decide, n)
        rate = per_second(decide, seconds)
        print(
            f"  {name:22} -> {decision.outcome.value:14} p50 {p50:6.3f} ms  "
            f"p99 {p99:6.3f} ms  {rate:7.0f} decisions/s"
        )


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs ({model}), load average {load}, regopy {regopy.__version__}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="timed decisions per input")
    parser.add_argument("--seconds", type=float, default=3.0, help="throughput run per input")
    parser.add_argument("--cpu", type=int, default=0, help="the one CPU to run on")
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})
    print(f"machine: {machine()}; pinned to CPU {args.cpu}")
    with tempfile.TemporaryDirectory() as tmp:
        rules, empty = Path(tmp) / "rules", Path(tmp) / "empty"
        rules.mkdir()
        empty.mkdir()
        generated_rules(rules)
        for label, policy_dir in (
            ("default bundle", None),
            ("50 rules alone", rules),
            ("default bundle + 50 rules", rules),
        ):
            run(engine_for(label, policy_dir, empty_default=empty), args.n, args.seconds)
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
