# Dev resources are temporary: each carries a `ttl` tag (12h, 7d, at most 30d) after which it
# may be reclaimed. A missing, malformed or too long ttl is denied with a reason saying how to
# fix it: policy decides and never rewrites, so the edge (API or CLI) may default `ttl` for dev
# before asking. Other environments neither need nor check a ttl.
package paved.guardrails

import data.paved.lib

ttl_max_hours := 720

ttl_hours(ttl) := to_number(trim_suffix(ttl, "h")) if endswith(ttl, "h")

ttl_hours(ttl) := to_number(trim_suffix(ttl, "d")) * 24 if endswith(ttl, "d")

# The first problem of a resource's ttl, if it has one (one `else` chain: each check runs once).
ttl_problem(r) := msg if {
	object.get(r.tags, "ttl", "") == ""
	msg := sprintf("dev resource %s must carry a ttl tag, e.g. ttl=7d (at most 30d)", [lib.resource_label(r)])
} else := msg if {
	not regex.match(`^[1-9][0-9]{0,4}[hd]$`, r.tags.ttl)
	msg := sprintf("%s ttl %s is not a duration like 12h or 7d", [lib.resource_label(r), r.tags.ttl])
} else := msg if {
	ttl_hours(r.tags.ttl) > ttl_max_hours
	msg := sprintf("%s ttl %s exceeds the maximum for dev (30d)", [lib.resource_label(r), r.tags.ttl])
}

deny contains {"rule": "ttl.rego", "message": msg} if {
	input.environment == "dev"
	some r in input.resources
	msg := ttl_problem(r)
}
