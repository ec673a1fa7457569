"""Planning is pure: the create plan's order, external names, and the teardown as its mirror."""

from __future__ import annotations

from paved.core.ids import is_dns_label, run_id_for
from paved.core.settings import Settings
from paved.orchestrator.planning import plan_create, plan_delete
from paved.schemas.services import ResourceSpec, ServiceCreate

SERVICE = ServiceCreate(
    name="payments-api",
    template="python-api",
    team="checkout",
    resources=[ResourceSpec(type="postgres"), ResourceSpec(type="redis", name="cache")],
)


def test_create_plan_orders_repository_resources_then_pipeline_monitoring_catalog() -> None:
    plan = plan_create(SERVICE)
    assert [s.key for s in plan] == [
        "git:repository",
        "postgres:postgres",
        "redis:cache",
        "ci:pipeline",
        "monitoring:rules",
        "catalog:entry",
    ]
    assert plan[1].external_name == "postgres:checkout-payments-api-dev"
    assert plan[2].external_name == "redis:checkout-payments-api-dev-cache"
    assert {s.action for s in plan} == {"ensure"}


def test_plan_is_deterministic_and_teardown_mirrors_it() -> None:
    assert plan_create(SERVICE) == plan_create(SERVICE)
    teardown = plan_delete(SERVICE)
    assert [s.key for s in teardown] == [s.key for s in reversed(plan_create(SERVICE))]
    assert {s.action for s in teardown} == {"delete"}


def test_dns_labels() -> None:
    assert is_dns_label("payments-api")
    assert is_dns_label("a" * 63)
    for bad in ("", "A", "a_b", "-a", "a-", "a" * 64, "a.b"):
        assert not is_dns_label(bad)


def test_run_id_derives_from_the_request() -> None:
    assert run_id_for("req_1") == run_id_for("req_1") != run_id_for("req_2")


def test_settings_put_dbos_beside_the_store() -> None:
    sqlite = Settings(home="/tmp/paved-x")
    assert sqlite.store_url == "sqlite:////tmp/paved-x/paved.sqlite"
    assert sqlite.system_database_url == "sqlite:////tmp/paved-x/dbos.sqlite"
    pg = Settings(home="/tmp/paved-x", database_url="postgresql://u:p@h:5432/paved?sslmode=disable")
    assert pg.store_url == "postgresql+psycopg://u:p@h:5432/paved?sslmode=disable"
    assert pg.system_database_url == "postgresql://u:p@h:5432/paved_dbos_sys?sslmode=disable"
