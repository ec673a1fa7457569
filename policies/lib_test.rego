package paved.lib_test

import data.paved.lib

test_lib_label_of_resource_named_after_its_type if {
	lib.resource_label({"type": "postgres", "name": "postgres"}) == "postgres"
}

test_lib_label_of_resource_without_name if {
	lib.resource_label({"type": "redis"}) == "redis"
}

test_lib_label_of_named_resource if {
	lib.resource_label({"type": "postgres", "name": "analytics"}) == "postgres analytics"
}

test_lib_money_whole_and_cents if {
	lib.money(310) == "310"
	lib.money(310.5) == "310.50"
}

test_lib_cents_ignore_float_noise if {
	lib.cents(0.1 + 0.2) == lib.cents(0.3)
}
