//! Rules that need the org context (`--context`) and do not have the part they need
//! say so once per input, at info level, on the first workload that needed it — not
//! once per workload. (Per input because this policy sees one input at a time; the
//! run-scoped `subscription-count` says it once per run.)

use std::collections::BTreeMap;

use entitle_sdk::{Evaluation, Finding, Severity, Workload};

use crate::text::start;

/// What each rule lacked: the first workload, its field, what was missing, and how many needed it.
#[derive(Default)]
pub struct Missing {
    by_rule: BTreeMap<&'static str, (Finding, usize)>,
}

impl Missing {
    /// Records that `rule` could not judge `w` because the context lacks `what`.
    pub fn note(&mut self, eval: &Evaluation, rule: &'static str, w: &Workload, field: &str, what: &str, fix: &str) {
        let entry = self.by_rule.entry(rule).or_insert_with(|| {
            let message = format!("{rule} cannot be judged: the org context does not give {what} (--context)");
            (start(rule, eval, w, field, message).severity(Severity::Info).fix(fix), 0)
        });
        // Prefer a workload as deployed by default over a parameter choice.
        if entry.0.workload.contains("#alternative-") && !w.id.contains("#alternative-") {
            entry.0.workload = w.id.clone();
            entry.0.field = field.to_owned();
        }
        entry.1 += 1;
    }

    /// One info finding per rule that lacked context.
    pub fn notices(self) -> Vec<Finding> {
        self.by_rule
            .into_values()
            .map(|(f, n)| {
                let line = format!("said once for this input; {n} workload(s) or parameter choice(s) needed it");
                f.evidence(line)
            })
            .collect()
    }
}
