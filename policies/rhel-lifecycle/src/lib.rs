//! Built-in policy `rhel-lifecycle`: is the RHEL release (major, minor and update
//! stream) still supported on the evaluation date, and what ends soon? Dates come
//! from the catalog (`lifecycle`, `minor-releases`), never from this code.

mod els;
mod major;
mod soon;
mod streams;
mod text;

use entitle_sdk::{Evaluation, Finding};

pub use els::ELS_MINOR;
pub use major::MAJOR_EOL;
pub use soon::{EXPIRES_SOON, FULL_SUPPORT_ENDS};
pub use streams::{E4S_EXPIRED, EUS_EXPIRED, EUS_NOT_OFFERED};

/// Evaluates every rule of the policy on every RHEL workload.
pub fn evaluate(eval: &Evaluation) -> Vec<Finding> {
    let mut out = Vec::new();
    for w in eval.rhel_workloads() {
        out.extend(major::check(eval, w));
        out.extend(els::check(eval, w));
        out.extend(streams::check(eval, w));
        out.extend(soon::check(eval, w));
    }
    out
}

entitle_sdk::export_policy!(evaluate);

#[cfg(test)]
mod tests;
