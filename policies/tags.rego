# Every resource carries the tags that say who owns it and who pays for it.
package paved.guardrails

import data.paved.lib

tags_required := {"team", "cost-center"}

deny contains {"rule": "tags.rego", "message": msg} if {
	some r in input.resources
	some tag in tags_required
	object.get(object.get(r, "tags", {}), tag, "") == ""
	msg := sprintf("%s is missing required tag %s", [lib.resource_label(r), tag])
}
