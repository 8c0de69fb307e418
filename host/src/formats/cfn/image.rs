//! One deployment's image: the evaluated `ImageId` (or `ParentImage`) turned into image,
//! OS, billing and add-on facts, each pointing at the property a user would edit, with
//! the trail through conditions, parameters, mappings and the AMI name's source.

use entitle_sdk::model::Source;
use entitle_sdk::{Catalog, Workload};

use super::ami::{classify_name, identify, key_disagrees, key_hint, listed};
use super::eval::Eval;
use super::value::{Cell, Kind, REGION_UNKNOWN, Val, source};
use crate::classify::Classification;
use crate::classify::distro;

/// The image facts of one deployment (in a scratch workload) and what they depend on.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// Image, OS, billing, add-ons, evidence, unknowns, provenance and trail.
    pub w: Workload,
    /// The image id depends on the region, which this scope does not fix.
    pub by_region: bool,
    /// The template cannot deploy this way, and why.
    pub fail: Option<String>,
}

/// The fields an image classification fills.
/// Reads the image at `pointer` (`recipe`: an Image Builder `ParentImage`).
pub fn read(eval: &Eval<'_>, pointer: &str, recipe: bool, catalog: &Catalog) -> Facts {
    let mut f = Facts::default();
    let w = &mut f.w;
    let edit = source(&eval.t.path, pointer);
    w.provenance.insert("image".into(), edit.clone());
    let Some(v) = eval.at(pointer).filter(|v| v.kind != Kind::NoValue) else {
        let field = pointer.rsplit('/').next().unwrap_or("ImageId");
        w.unknown.insert("image".into(), format!("the resource sets no {field}"));
        return f;
    };
    let mut trail: Vec<Source> = Vec::new();
    for s in &v.chain {
        let inside = s.pointer == pointer || s.pointer.starts_with(&format!("{pointer}/"));
        if !inside && !trail.contains(s) {
            trail.push(s.clone());
        }
    }
    if !trail.is_empty() {
        w.trail.insert("image".into(), trail.clone());
    }
    match &v.kind {
        Kind::Str(s) if s.trim().is_empty() => {
            w.unknown.insert("image".into(), "the image id is empty".into());
        }
        Kind::Ssm(path) => ssm(w, path, &edit, &trail, catalog),
        Kind::Str(s) if ssm_path(s).is_some() => ssm(w, ssm_path(s).unwrap_or_default(), &edit, &trail, catalog),
        Kind::Str(s) if s.starts_with("ami-") => ami(w, eval, s, &v, &edit, trail, catalog),
        Kind::Str(s) if recipe && s.starts_with("arn:") => {
            w.image.reference = Some(s.clone());
            match distro::from_image_builder(s) {
                Some(c) => apply(w, c, &edit, &trail),
                None => {
                    let why = format!("{s} is not an AWS-managed Image Builder image: its lineage is not visible");
                    w.unknown.insert("os.product".into(), why);
                }
            }
        }
        Kind::Str(s) => {
            w.image.reference = Some(s.clone());
            w.unknown.insert("os.product".into(), format!("{s} is not an AMI id entitle can look up"));
        }
        Kind::Unknown(reason) => {
            f.by_region = &**reason == REGION_UNKNOWN;
            w.unknown.insert("image".into(), reason.to_string());
        }
        Kind::Fail(reason) => {
            f.fail = Some(reason.to_string());
            w.unknown.insert("image".into(), format!("the template cannot deploy it: {reason}"));
        }
        other => {
            let shape = Val::new(other.clone()).type_name();
            w.unknown.insert("image".into(), format!("the image id is {shape}, not a string"));
        }
    }
    f
}

/// `{{resolve:ssm:/path}}` or `resolve:ssm:/path` (optionally `:version`).
fn ssm_path(s: &str) -> Option<&str> {
    let inner = s
        .strip_prefix("{{resolve:ssm:")
        .and_then(|r| r.strip_suffix("}}"))
        .or_else(|| s.strip_prefix("resolve:ssm:"))?;
    Some(inner.split(':').next().unwrap_or(inner))
}

fn ssm(w: &mut Workload, path: &str, edit: &Source, trail: &[Source], _catalog: &Catalog) {
    w.image.reference = Some(format!("resolve:ssm:{path}"));
    w.unknown.insert("image.id".into(), format!("the AMI id is read from SSM parameter {path} at deployment"));
    match distro::from_ssm_path(path) {
        Some(other) => apply(w, other.classification(), edit, trail),
        None if path.starts_with("/aws/service/") => {
            let why = format!("SSM public parameter {path} is not one whose image entitle knows");
            w.unknown.insert("os.product".into(), why);
        }
        None => {
            let why = format!("SSM parameter {path} is the account's own: its value is not visible in the template");
            w.unknown.insert("os.product".into(), why);
        }
    }
}

fn ami(w: &mut Workload, eval: &Eval<'_>, id: &str, v: &Val, edit: &Source, trail: Vec<Source>, catalog: &Catalog) {
    w.image.id = Some(id.to_owned());
    w.image.reference = Some(id.to_owned());
    let Some(cell) = v.cell.as_deref() else {
        if let Some(identity) = listed(eval.t, id) {
            let name = identity.name.clone().unwrap_or_default();
            w.evidence.extend(identity.evidence.iter().cloned());
            w.image.reference = Some(name.clone());
            return apply(w, classify_name(&name, &identity, catalog), edit, &trail);
        }
        let why = format!("AMI id {id} is opaque: the template names no AMI for it and no --ami-catalog lists it");
        w.unknown.insert("os.product".into(), why);
        return;
    };
    let identity = identify(eval.t, cell);
    let mut trail = trail;
    if let Some(at) = identity.at.clone().filter(|at| !trail.contains(at)) {
        trail.push(at);
    }
    w.evidence.push(format!("AMI id {id} is mapping {} entry {} / {}", cell.map, cell.top, cell.key));
    match (&identity.name, key_hint(&identity.key)) {
        (Some(name), _) => {
            w.image.reference = Some(name.clone());
            w.evidence.extend(identity.evidence.iter().cloned());
            let c = classify_name(name, &identity, catalog);
            if let Some(line) = key_disagrees(&identity.key, &c) {
                w.evidence.push(line);
            }
            apply(w, c, edit, &trail);
        }
        (None, Some(hint)) => apply(w, hint, edit, &trail),
        (None, None) => {
            w.unknown.insert("os.product".into(), opaque(id, cell));
        }
    }
}

fn opaque(id: &str, cell: &Cell) -> String {
    format!(
        "AMI id {id} is opaque: the template names no AMI for mapping {} key {} (no AMI row, no Metadata filter, \
         no telling key) and no --ami-catalog lists it",
        cell.map, cell.key
    )
}

/// Applies a classification: the fields it fills point at `edit`, with `trail`.
pub fn apply(w: &mut Workload, c: Classification, edit: &Source, trail: &[Source]) {
    crate::formats::apply_classification_at(w, c, edit, trail);
}

/// Image reference and id, OS, billing and add-ons.
pub type Outcome = (Option<String>, Option<String>, entitle_sdk::model::Os, String, Vec<String>);

/// The deployment-defining part of the facts: image, OS, billing and add-ons.
pub fn outcome(w: &Workload) -> Outcome {
    (w.image.reference.clone(), w.image.id.clone(), w.os.clone(), format!("{:?}", w.billing.model), w.addons.clone())
}
