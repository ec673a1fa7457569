# Maximum size per resource type and environment.
# A type not listed uses "*"; an environment not listed uses the limits of prod.
package paved.guardrails

import data.paved.lib

sizes_rank := {"small": 1, "medium": 2, "large": 3, "xlarge": 4}

sizes_max := {
	"*": {"dev": "medium", "staging": "large", "prod": "large"},
	"postgres": {"dev": "medium", "staging": "large", "prod": "large"},
	"redis": {"dev": "small", "staging": "medium", "prod": "large"},
}

sizes_limit(type, env) := limit if {
	table := object.get(sizes_max, type, sizes_max["*"])
	limit := object.get(table, env, table.prod)
}

deny contains {"rule": "sizes.rego", "message": msg} if {
	some r in input.resources
	limit := sizes_limit(r.type, input.environment)
	sizes_rank[r.size] > sizes_rank[limit]
	msg := sprintf(
		"%s size %s exceeds the maximum for %s (%s)",
		[lib.resource_label(r), r.size, input.environment, limit],
	)
}

deny contains {"rule": "sizes.rego", "message": msg} if {
	some r in input.resources
	not sizes_rank[r.size]
	msg := sprintf(
		"%s size %s is not one of small, medium, large, xlarge",
		[lib.resource_label(r), r.size],
	)
}
