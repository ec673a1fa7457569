package paved.guardrails_test

import data.paved.guardrails

budget_denials := {d.message | some d in guardrails.deny; d.rule == "budget.rego"}

test_budget_just_under_allowed if {
	cost := {"estimate_monthly": 310, "team_spend_monthly": 689.99, "team_budget_monthly": 1000}
	count(budget_denials) == 0 with input.team as "checkout" with input.cost as cost
}

test_budget_reaching_it_exactly_allowed if {
	cost := {"estimate_monthly": 0.3, "team_spend_monthly": 0.1 + 0.2, "team_budget_monthly": 0.6}
	count(budget_denials) == 0 with input.team as "checkout" with input.cost as cost
}

test_budget_crossing_denied if {
	cost := {"estimate_monthly": 310, "team_spend_monthly": 690.01, "team_budget_monthly": 1000}
	denials := budget_denials with input.team as "checkout" with input.cost as cost
	denials == {"team checkout would spend $1000.01/month, over its budget of $1000 (now $690.01, this request $310)"}
}

test_budget_none_means_no_limit if {
	cost := {"estimate_monthly": 1000000, "team_spend_monthly": 5, "team_budget_monthly": null}
	count(budget_denials) == 0 with input.team as "checkout" with input.cost as cost
}
