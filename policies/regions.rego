# Resources live only in allowed regions. A resource without a region gets the platform's
# default region, which is always allowed.
package paved.guardrails

import data.paved.lib

regions_allowed := {"eu-central-1", "eu-west-1", "us-east-1"}

deny contains {"rule": "regions.rego", "message": msg} if {
	some r in input.resources
	is_string(r.region)
	not r.region in regions_allowed
	allowed := concat(", ", sort(regions_allowed))

	# concat, not sprintf: rego-cpp 1.5.2 quotes a concat result that sprintf formats.
	msg := concat("", [lib.resource_label(r), " region ", r.region, " is not allowed (allowed: ", allowed, ")"])
}
