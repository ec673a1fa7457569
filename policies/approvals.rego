# Who must agree: dev is approved automatically; staging too, with a cost notification to the
# team; any other environment (prod, and any name Paved does not know) needs a lead of the
# owning team.
package paved.guardrails

import data.paved.lib

approvals_automatic := {"dev", "staging"}

notify contains {"rule": "approvals.rego", "to": sprintf("team:%s", [input.team]), "message": msg} if {
	input.environment == "staging"
	msg := sprintf(
		"%s in staging: estimated cost $%s/month",
		[input.request.service, lib.money(input.cost.estimate_monthly)],
	)
}

needs_approval contains reason if {
	not input.environment in approvals_automatic
	reason := {
		"rule": "approvals.rego",
		"message": sprintf("%s needs approval by a lead of team %s", [input.environment, input.team]),
		"approver": {"team": input.team, "role": "lead"},
	}
}
