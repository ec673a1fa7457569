package paved.guardrails_test

import data.paved.guardrails

test_approvals_dev_is_automatic if {
	count(guardrails.needs_approval) == 0 with input.environment as "dev" with input.team as "checkout"
	count(guardrails.notify) == 0 with input.environment as "dev" with input.team as "checkout"
}

test_approvals_staging_is_automatic_with_a_cost_notification if {
	count(guardrails.needs_approval) == 0 with input.environment as "staging" with input.team as "checkout"
	cost := {"estimate_monthly": 310, "team_spend_monthly": 0, "team_budget_monthly": null}
	request := {"kind": "service.create", "service": "pay"}
	notes := guardrails.notify with input.environment as "staging" with input.team as "checkout" with input.cost as cost with input.request as request
	notes == {{
		"rule": "approvals.rego",
		"to": "team:checkout",
		"message": "pay in staging: estimated cost $310/month",
	}}
}

test_approvals_prod_needs_a_lead_of_the_team if {
	waiting := guardrails.needs_approval with input.environment as "prod" with input.team as "checkout"
	waiting == {{
		"rule": "approvals.rego",
		"message": "prod needs approval by a lead of team checkout",
		"approver": {"team": "checkout", "role": "lead"},
	}}
}

test_approvals_unknown_environment_needs_approval if {
	waiting := guardrails.needs_approval with input.environment as "qa" with input.team as "checkout"
	count(waiting) == 1
}
