# A request may not push its team's monthly spend over the team's budget. Reaching the budget
# exactly is allowed; a team without a budget (null) is not limited.
package paved.guardrails

import data.paved.lib

deny contains {"rule": "budget.rego", "message": msg} if {
	budget := input.cost.team_budget_monthly
	is_number(budget)
	spend := input.cost.team_spend_monthly
	estimate := input.cost.estimate_monthly
	lib.cents(spend + estimate) > lib.cents(budget)
	msg := sprintf(
		"team %s would spend $%s/month, over its budget of $%s (now $%s, this request $%s)",
		[input.team, lib.money(spend + estimate), lib.money(budget), lib.money(spend), lib.money(estimate)],
	)
}
