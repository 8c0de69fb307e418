//! Shared wording: the evidence lines of a signal, and which workloads are machines.

use entitle_sdk::Workload;
use entitle_sdk::model::{Evidence, Strength};

/// Kinds that describe an image or a disk, not running machines.
const NOT_MACHINES: [&str; 3] = ["gallery_image", "image", "disk"];

/// A RHEL machine.
pub fn rhel_machine(w: &Workload) -> bool {
    w.is_rhel() && !NOT_MACHINES.contains(&w.kind.as_str())
}

/// Strong or declared: enough for a finding.
pub fn acts(strength: Strength) -> bool {
    strength >= Strength::Strong
}

/// `text (path:line)` for each piece of evidence that acts.
pub fn lines(evidence: &[Evidence]) -> Vec<String> {
    evidence
        .iter()
        .filter(|e| acts(e.strength))
        .map(|e| match e.source.line {
            Some(line) => format!("{} ({}:{line})", e.text, e.source.path),
            None => format!("{} ({})", e.text, e.source.path),
        })
        .collect()
}

/// The first piece of evidence that acts, for a message.
pub fn first(evidence: &[Evidence]) -> String {
    evidence.iter().find(|e| acts(e.strength)).map(|e| e.text.clone()).unwrap_or_default()
}
