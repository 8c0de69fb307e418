//! Placing a policy's findings: each is checked against the policy's metadata and the
//! input's workloads (found through the view's indexes, so a large reply costs linear
//! time), then given the location and trail of the literal it rests on and a fingerprint.
//! A finding that cites an org context entry gets that entry's location at the end of its
//! trail.

use entitle_sdk::{Finding, Workload};
use sha2::{Digest, Sha256};

use crate::check::GuestView;
use crate::choice_findings::location;
use crate::input::LoadedInput;
use crate::report;
use crate::runtime::Policy;
use crate::{Error, ErrorKind, Phase};

/// Checks a policy's findings against its metadata and the input, and resolves each
/// field path to a location. One bad finding makes the whole reply malformed.
pub(crate) fn place(
    policy: &Policy,
    loaded: &LoadedInput,
    view: &GuestView,
    findings: Vec<Finding>,
    context: Option<&crate::context::ContextFile>,
) -> Result<Vec<report::Finding>, Error> {
    let malformed = |m: String| Error::new(Phase::Evaluate, ErrorKind::Reply(m)).path(&loaded.path).policy(policy.id());
    let mut placed = Vec::with_capacity(findings.len());
    for f in findings {
        let rule = policy
            .metadata
            .rule(&f.rule)
            .ok_or_else(|| malformed(format!("finding for rule `{}`, which the policy does not declare", f.rule)))?;
        let (workload, choice) = match view.alternatives.get(&f.workload) {
            Some((index, n)) => (&loaded.workloads[*index], loaded.workloads[*index].alternatives.get(*n)),
            None => (
                view.by_id.get(&f.workload).map(|i| &loaded.workloads[*i]).ok_or_else(|| {
                    malformed(format!("finding for workload `{}`, which is not in the input", f.workload))
                })?,
                None,
            ),
        };
        // A choice's finding points where that choice's value comes from, not the default's.
        let (location, mut trail) = match choice {
            Some(c) => crate::choice_findings::locate(workload, c, &f.field, locate),
            None => locate(workload, &f.field),
        };
        if let Some(pointer) = &f.context {
            trail.push(context_entry(context, pointer).map_err(malformed)?);
        }
        let when = choice.map(|c| c.when.clone());
        let mut severity = f.severity.unwrap_or(rule.severity);
        let (mut message, mut evidence) = (f.message, f.evidence);
        if let Some(when) = &when {
            // The default deployment is fine; a choice the template offers is not.
            severity = severity.min(entitle_sdk::Severity::Warning);
            message = format!("if deployed with {when}: {message}");
            evidence
                .insert(0, format!("alternative deployment: {when} (the template's default deploys something else)"));
        }
        let seen = view.seen.get(&f.workload).map(|i| &view.deployment.workloads[*i]).unwrap_or(workload);
        let fingerprint = fingerprint(&f.rule, &loaded.path, &workload.id, &f.field, when.as_deref(), &values(seen));
        placed.push(report::Finding {
            rule: f.rule,
            policy: policy.id().to_owned(),
            severity,
            message,
            resource: choice.and_then(|c| c.resource.clone()).unwrap_or_else(|| workload.resource.clone()),
            workload: workload.id.clone(),
            field: f.field,
            location,
            trail,
            alternative: when,
            evidence,
            fix: f.fix,
            fingerprint,
            suppression: None,
        });
    }
    Ok(placed)
}

/// Where the org context entry at `pointer` is written; a pointer the context does not
/// hold is a malformed reply.
pub(crate) fn context_entry(
    context: Option<&crate::context::ContextFile>,
    pointer: &str,
) -> Result<report::Location, String> {
    match context {
        Some(file) if file.document.value.pointer(pointer).is_some() => Ok(file.location(pointer)),
        Some(_) => Err(format!("finding cites org context entry `{pointer}`, which the context does not hold")),
        None => Err(format!("finding cites org context entry `{pointer}`, but no context file was given")),
    }
}

/// The provenance of `field`, else of its nearest parent field, else the workload
/// itself; and the trail its value took. A tag (whose key may hold dots) is placed at its
/// value, else where the tags are written when they are not wholly known, else (absent) at
/// the resource.
fn locate(w: &Workload, field: &str) -> (report::Location, Vec<report::Location>) {
    let mut key = field;
    let source = loop {
        if let Some(source) = w.provenance.get(key) {
            break source;
        }
        if key.starts_with("tags.") {
            key = "tags";
            continue;
        }
        match key.rfind('.') {
            Some(dot) => key = &key[..dot],
            None => break &w.source,
        }
    };
    let trail = w.trail.get(key).map(|t| t.iter().map(location).collect()).unwrap_or_default();
    (location(source), trail)
}

/// The resolved values a lifecycle or licensing finding rests on: image, OS,
/// billing and add-ons. Part of the fingerprint, so a changed image is a new finding.
fn values(w: &Workload) -> String {
    let image = w.image.urn().or_else(|| w.image.id.clone()).or_else(|| w.image.reference.clone()).unwrap_or_default();
    let mut addons = w.addons.clone();
    addons.sort();
    format!(
        "{image}|{}|{:?}|{:?}|{}|{:?}|{:?}|{}",
        w.os.product.as_deref().unwrap_or_default(),
        w.os.major,
        w.os.minor,
        w.os.stream.as_deref().unwrap_or_default(),
        w.billing.model,
        w.billing.license_type,
        addons.join(",")
    )
}

/// Stable when lines move; different when the rule, file, resource, field, choice or
/// the values the finding rests on change.
fn fingerprint(rule: &str, path: &str, workload: &str, field: &str, when: Option<&str>, values: &str) -> String {
    let mut text = format!("{rule}\0{path}\0{workload}\0{field}\0{values}");
    if let Some(when) = when {
        text.push_str(&format!("\0{when}"));
    }
    crate::runtime::hex(&Sha256::digest(text.as_bytes())[..8])
}

#[cfg(test)]
mod tests {
    use entitle_sdk::model::Source;

    use super::*;

    fn at(line: u32) -> Source {
        Source { path: "f".into(), pointer: format!("/{line}"), line: Some(line), column: Some(1) }
    }

    #[test]
    fn a_tag_is_placed_at_its_value_else_at_the_resource() {
        let mut w = Workload { source: at(1), ..Workload::default() };
        w.provenance.insert("tags.app".into(), at(5));
        w.provenance.insert("tags.app.kubernetes.io/name".into(), at(6));
        w.provenance.insert("properties.spec.replicas".into(), at(9));
        assert_eq!(locate(&w, "tags.app.kubernetes.io/name").0.line, 6);
        // Absent: not at the tag `app` its dotted key starts with, but at the resource.
        assert_eq!(locate(&w, "tags.app.kubernetes.io/part-of").0.line, 1);
        assert_eq!(locate(&w, "tags.cost-center").0.line, 1);
        // Tags that are not wholly known: at where they are written.
        w.provenance.insert("tags".into(), at(4));
        assert_eq!(locate(&w, "tags.cost-center").0.line, 4);
        // A property below a placed one: at the nearest placed parent.
        assert_eq!(locate(&w, "properties.spec.replicas.x").0.line, 9);
    }
}
