package paved.guardrails_test

import data.paved.guardrails

ttl_denials := {d.message | some d in guardrails.deny; d.rule == "ttl.rego"}

test_ttl_dev_with_ttl_allowed if {
	resources := [{"type": "postgres", "name": "postgres", "tags": {"ttl": "7d"}}]
	count(ttl_denials) == 0 with input.environment as "dev" with input.resources as resources
}

test_ttl_dev_at_most_30_days if {
	resources := [{"type": "postgres", "name": "postgres", "tags": {"ttl": "720h"}}]
	count(ttl_denials) == 0 with input.environment as "dev" with input.resources as resources
}

test_ttl_dev_without_ttl_denied if {
	resources := [{"type": "postgres", "name": "postgres", "tags": {"team": "checkout"}}]
	denials := ttl_denials with input.environment as "dev" with input.resources as resources
	denials == {"dev resource postgres must carry a ttl tag, e.g. ttl=7d (at most 30d)"}
}

test_ttl_dev_too_long_denied if {
	resources := [{"type": "redis", "name": "redis", "tags": {"ttl": "31d"}}]
	denials := ttl_denials with input.environment as "dev" with input.resources as resources
	denials == {"redis ttl 31d exceeds the maximum for dev (30d)"}
}

test_ttl_malformed_denied if {
	resources := [{"type": "redis", "name": "redis", "tags": {"ttl": "soon"}}]
	denials := ttl_denials with input.environment as "dev" with input.resources as resources
	denials == {"redis ttl soon is not a duration like 12h or 7d"}
}

test_ttl_prod_neither_needs_nor_checks_a_ttl if {
	resources := [{"type": "postgres", "name": "postgres", "tags": {}}, {"type": "redis", "name": "redis", "tags": {"ttl": "soon"}}]
	count(ttl_denials) == 0 with input.environment as "prod" with input.resources as resources
}
