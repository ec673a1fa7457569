package paved.guardrails_test

import data.paved.guardrails

tags_denials := {d.message | some d in guardrails.deny; d.rule == "tags.rego"}

test_tags_both_present_allowed if {
	resources := [{"type": "postgres", "name": "postgres", "tags": {"team": "checkout", "cost-center": "cc-42"}}]
	count(tags_denials) == 0 with input.resources as resources
}

test_tags_missing_cost_center_denied if {
	resources := [{"type": "postgres", "name": "postgres", "tags": {"team": "checkout"}}]
	denials := tags_denials with input.resources as resources
	denials == {"postgres is missing required tag cost-center"}
}

test_tags_empty_value_counts_as_missing if {
	resources := [{"type": "redis", "name": "redis", "tags": {"team": "", "cost-center": "cc-42"}}]
	denials := tags_denials with input.resources as resources
	denials == {"redis is missing required tag team"}
}

test_tags_no_tags_at_all if {
	resources := [{"type": "redis", "name": "redis"}]
	denials := tags_denials with input.resources as resources
	denials == {"redis is missing required tag team", "redis is missing required tag cost-center"}
}
