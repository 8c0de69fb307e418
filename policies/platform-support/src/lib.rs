//! Built-in policy `platform-support`: is the RHEL machine on a platform Red Hat supports?
//! `PLATFORM-NOT-CERTIFIED` (domain reference rule 27) reads the catalog's
//! certified-platforms table against the workload's provider and the instance family the
//! host resolved from its size; `KERNEL-TAINT-RISK` (rule 28) reports each kernel change
//! the host found in the workload's boot entries or the descriptor declared.

mod certified;
mod kernel;

use entitle_sdk::{Evaluation, Finding};

/// Rule id (domain reference rule 27).
pub const NOT_CERTIFIED: &str = "PLATFORM-NOT-CERTIFIED";
/// Rule id (domain reference rule 28).
pub const KERNEL_TAINT: &str = "KERNEL-TAINT-RISK";

/// Evaluates both rules on the RHEL workloads of one input; kernel changes also on OpenShift
/// `MachineConfig`s (their nodes run Red Hat's kernel too).
pub fn evaluate(eval: &Evaluation) -> Vec<Finding> {
    let mut out = Vec::new();
    for w in &eval.deployment.workloads {
        if w.is_rhel() {
            out.extend(certified::judge(eval, w));
        }
        if w.is_rhel() || w.kind == "machine_config" {
            out.extend(kernel::judge(w));
        }
    }
    out
}

entitle_sdk::export_policy!(evaluate);

#[cfg(test)]
mod tests;
