//! The OpenShift release a Windows node's cluster runs, when the same input shows it (a
//! `ClusterVersion`, a release image, an installer parameter), and whether it is older than
//! the oldest release the WMCO table names for the node's platform and Windows Server.

use entitle_sdk::Evaluation;

/// The OpenShift version the input names, with what named it.
pub fn of_input(eval: &Evaluation) -> Option<(String, String)> {
    eval.deployment
        .workloads
        .iter()
        .flat_map(|w| &w.products)
        .filter(|p| p.name == "openshift")
        .find_map(|p| p.version.clone().map(|v| (v, p.evidence.clone())))
}

/// True when `version` (`4.10.3`, `4.10`) is an older minor than `minimum` (`4.11`); a version
/// either side cannot read is not older.
pub fn older(version: &str, minimum: &str) -> bool {
    match (minor(version), minor(minimum)) {
        (Some(v), Some(m)) => v < m,
        _ => false,
    }
}

fn minor(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.trim().trim_start_matches(['v', 'V']).split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::older;

    #[test]
    fn minors_compare_as_numbers() {
        assert!(older("4.9.12", "4.11"));
        assert!(older("4.10", "4.11"));
        assert!(!older("4.11.0", "4.11"));
        assert!(!older("4.16", "4.11"));
        assert!(!older("stable", "4.11"), "an unreadable version is not older");
        assert!(older("3.11", "4.8"));
    }
}
