package paved.guardrails_test

import data.paved.guardrails

sizes_denials := {d.message | some d in guardrails.deny; d.rule == "sizes.rego"}

test_sizes_medium_postgres_allowed_in_prod if {
	resources := [{"type": "postgres", "name": "postgres", "size": "medium"}]
	count(sizes_denials) == 0 with input.environment as "prod" with input.resources as resources
}

test_sizes_large_postgres_allowed_in_prod if {
	resources := [{"type": "postgres", "name": "postgres", "size": "large"}]
	count(sizes_denials) == 0 with input.environment as "prod" with input.resources as resources
}

test_sizes_xlarge_postgres_denied_in_prod if {
	resources := [{"type": "postgres", "name": "postgres", "size": "xlarge"}]
	denials := sizes_denials with input.environment as "prod" with input.resources as resources
	denials == {"postgres size xlarge exceeds the maximum for prod (large)"}
}

test_sizes_large_postgres_denied_in_dev if {
	resources := [{"type": "postgres", "name": "db", "size": "large"}]
	denials := sizes_denials with input.environment as "dev" with input.resources as resources
	denials == {"postgres db size large exceeds the maximum for dev (medium)"}
}

test_sizes_redis_has_its_own_limits if {
	resources := [{"type": "redis", "name": "redis", "size": "medium"}]
	denials := sizes_denials with input.environment as "dev" with input.resources as resources
	denials == {"redis size medium exceeds the maximum for dev (small)"}
}

test_sizes_unknown_environment_gets_prod_limits if {
	resources := [{"type": "postgres", "name": "postgres", "size": "xlarge"}]
	denials := sizes_denials with input.environment as "qa" with input.resources as resources
	denials == {"postgres size xlarge exceeds the maximum for qa (large)"}
}

test_sizes_unknown_size_denied if {
	resources := [{"type": "postgres", "name": "postgres", "size": "huge"}]
	denials := sizes_denials with input.environment as "dev" with input.resources as resources
	denials == {"postgres size huge is not one of small, medium, large, xlarge"}
}
