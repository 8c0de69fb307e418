//! Built-in policy `subscription-terms` (`"scope": "run"`): do the RHEL subscriptions the
//! org context declares allow what they are used for? A subscription covers the BYOS RHEL
//! instances of the run (as `BYOS-SUBSCRIPTION-COUNT` counts them, [`entitle_sdk::coverage`])
//! in the inputs its `paths` name (every input when it names none). Its terms come from the
//! catalog (`subscription-terms.json`): add-ons on Self-support (rule 24), the Developer
//! Subscription for Individuals' system limit and owner (25), the Developer Subscription for
//! Teams in production (26). Each finding is placed at the subscription's entry in the
//! context file, and at the workloads it covers, which cite that entry in their trail.
//! Without subscriptions in the context there are no terms to break, so nothing is said.

mod addons;
mod cover;
mod developer;

use entitle_sdk::context::OrgContext;
use entitle_sdk::{Evaluation, Finding};

/// Rule id (domain reference rule 24).
pub const ADDON_ON_SELFSUPPORT: &str = "SUB-ADDON-ON-SELFSUPPORT";
/// Rule id (domain reference rule 25).
pub const DEV_INDIVIDUAL_LIMITS: &str = "DEV-INDIVIDUAL-LIMITS";
/// Rule id (domain reference rule 26).
pub const DEV_TEAMS_IN_PRODUCTION: &str = "DEV-TEAMS-IN-PRODUCTION";

/// Evaluates the three rules once over the run's workloads and the context's subscriptions.
pub fn evaluate(eval: &Evaluation) -> Vec<Finding> {
    let Some(ctx) = OrgContext::from_evaluation(eval).ok().flatten() else { return Vec::new() };
    let by_id = cover::index(eval);
    let mut out = Vec::new();
    for (i, sub) in ctx.subscriptions.iter().enumerate() {
        let cover = cover::Cover::of(eval, &by_id, &ctx, i);
        out.extend(addons::judge(eval, sub, &cover));
        match sub.kind.as_deref() {
            Some("developer-individual") => out.extend(developer::individual(eval, sub, &cover)),
            Some("developer-teams") => out.extend(developer::teams(eval, &ctx, sub, &cover)),
            _ => {}
        }
    }
    out
}

entitle_sdk::export_policy!(evaluate);

#[cfg(test)]
mod tests;
