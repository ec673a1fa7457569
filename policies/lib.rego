# Helpers shared by the guardrails: how a resource and an amount of money are written in reasons.
package paved.lib

# "postgres" when the resource is named after its type, else "postgres analytics".
resource_label(r) := r.type if object.get(r, "name", r.type) == r.type

resource_label(r) := sprintf("%s %s", [r.type, r.name]) if object.get(r, "name", r.type) != r.type

# "310" for whole amounts, "310.50" otherwise.
money(x) := sprintf("%v", [x]) if x == round(x)

money(x) := sprintf("%.2f", [x]) if x != round(x)

# Amounts compared in whole cents, so 0.1 + 0.2 is not more than 0.3.
cents(x) := round(x * 100)
