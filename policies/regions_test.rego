package paved.guardrails_test

import data.paved.guardrails

regions_denials := {d.message | some d in guardrails.deny; d.rule == "regions.rego"}

test_regions_allowed_region if {
	resources := [{"type": "postgres", "name": "postgres", "size": "small", "region": "eu-west-1"}]
	count(regions_denials) == 0 with input.resources as resources
}

test_regions_no_region_means_the_default if {
	resources := [{"type": "postgres", "name": "postgres", "size": "small", "region": null}]
	count(regions_denials) == 0 with input.resources as resources
}

test_regions_other_region_denied if {
	resources := [{"type": "redis", "name": "cache", "size": "small", "region": "ap-south-1"}]
	denials := regions_denials with input.resources as resources
	denials == {"redis cache region ap-south-1 is not allowed (allowed: eu-central-1, eu-west-1, us-east-1)"}
}
