//! Helpers for native policy tests: build an [`Evaluation`] and run a rule on it the
//! way the host would (through a JSON round trip), with no wasm involved.

use crate::{Catalog, Date, Deployment, Evaluation, EvaluationReply, Finding, Workload};

/// An evaluation of `workloads` on `as_of` (`YYYY-MM-DD`) with `catalog`.
pub fn evaluation(as_of: &str, catalog: Catalog, workloads: Vec<Workload>) -> Evaluation {
    Evaluation {
        settings: serde_json::Value::Null,
        as_of: Date::parse(as_of).expect("as_of must be YYYY-MM-DD"),
        warn_within_days: 180,
        catalog,
        context: serde_json::Value::Null,
        deployment: Deployment { path: "test.json".into(), format: "native".into(), workloads },
    }
}

/// A RHEL workload with the given release (`"7.9"` or `"9"`) and add-ons.
pub fn rhel(id: &str, release: &str, addons: &[&str]) -> Workload {
    let mut parts = release.split('.');
    let major = parts.next().and_then(|m| m.parse().ok());
    let minor = parts.next().and_then(|m| m.parse().ok());
    let mut w = Workload {
        id: id.into(),
        kind: "vm".into(),
        provider: "azure".into(),
        resource: id.into(),
        ..Workload::default()
    };
    w.os.vendor = Some("redhat".into());
    w.os.product = Some("rhel".into());
    w.os.major = major;
    w.os.minor = minor;
    w.image.reference = Some(format!("RedHat:RHEL:{release}:latest"));
    w.addons = addons.iter().map(|a| a.to_string()).collect();
    w
}

/// Loads a catalog from a directory of catalog files (for tests that use the real data).
pub fn catalog_from_dir(dir: &std::path::Path) -> Catalog {
    let texts: Vec<(String, String)> = crate::catalog::CATALOG_FILES
        .iter()
        .map(|name| {
            let text =
                std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()));
            (name.to_string(), text)
        })
        .collect();
    let pairs: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    Catalog::from_files(&pairs).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `evaluate` as the host would: the evaluation goes through JSON first.
pub fn run(evaluate: fn(&Evaluation) -> Vec<Finding>, evaluation: &Evaluation) -> Vec<Finding> {
    let bytes = serde_json::to_vec(evaluation).expect("serialise evaluation");
    let back: Evaluation = serde_json::from_slice(&bytes).expect("the evaluation round-trips");
    let reply = EvaluationReply::Ok { findings: evaluate(&back) };
    match serde_json::from_slice(&serde_json::to_vec(&reply).unwrap()).unwrap() {
        EvaluationReply::Ok { findings } => findings,
        EvaluationReply::Error { message } => panic!("{message}"),
    }
}
