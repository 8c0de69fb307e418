# Two of rhel-lifecycle's rules, as Rego, for the regorus side of scripts/bench.sh (a).
# `input` is what the policy is sent for one input (the evaluation date and the guest
# view of the deployment) plus `warn_until` (the evaluation date + --warn-within days,
# computed once by the bench: Rego's time built-ins would pull in a time-zone database);
# `data.lifecycle` is the catalog's lifecycle.json, loaded once as the policy's snapshot is.
package entitle.lifecycle

import rego.v1

rhel contains w if {
	some w in input.deployment.workloads
	w.os.product == "rhel"
}

els(w) if "els" in w.addons

els(w) if w.os.stream == "els"

# RHEL-LC-MAJOR-EOL: the major left Maintenance Support and no ELS is declared.
findings contains {"rule": "RHEL-LC-MAJOR-EOL", "workload": w.id, "end": row.maintenance_end.date} if {
	some w in rhel
	not els(w)
	some row in data.lifecycle.rows
	row.major == w.os.major
	input.as_of > row.maintenance_end.date
}

# RHEL-LC-EXPIRES-SOON (the Maintenance Support phase): it ends within the window.
findings contains {"rule": "RHEL-LC-EXPIRES-SOON", "workload": w.id, "end": row.maintenance_end.date} if {
	some w in rhel
	not els(w)
	some row in data.lifecycle.rows
	row.major == w.os.major
	input.as_of <= row.maintenance_end.date
	row.maintenance_end.date <= input.warn_until
}
