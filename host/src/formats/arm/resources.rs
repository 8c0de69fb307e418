//! Walks a template's resources — conditions, resource-level `copy`, child resources,
//! nested and linked deployments — and collects the ones that become workloads.

use std::rc::Rc;

use serde_json::Value;

use super::expr::EvalError;
use super::nested::{self, Child};
use super::template::Template;
use super::value::Kind;
use crate::document::escape_token;

/// How deep nested deployments may go (a template that links itself stops here).
const MAX_DEPTH: usize = 12;

/// A resource kind that entitle models.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    /// `Microsoft.Compute/virtualMachines`.
    Vm,
    /// `Microsoft.Compute/virtualMachineScaleSets`.
    ScaleSet,
    /// `Microsoft.Compute/galleries/images`.
    GalleryImage,
    /// `Microsoft.Compute/disks`.
    Disk,
    /// `Microsoft.Compute/images`.
    Image,
    /// `Microsoft.Compute/virtualMachines/extensions` (attached to its VM).
    Extension,
    /// A deployment of a template that is not available locally.
    External { uri: String, reason: String },
}

/// A `copyIndex()` frame to re-enter when the resource is evaluated.
#[derive(Clone)]
pub struct Frame {
    pub template: Rc<Template>,
    pub name: String,
}

/// A resource to model, with everything needed to evaluate it later.
#[derive(Clone)]
pub struct Found {
    /// Its template (scope).
    pub template: Rc<Template>,
    /// JSON pointer of the resource in `template.file`.
    pub pointer: String,
    /// What it is.
    pub kind: ResourceKind,
    /// Its full type as written (`Microsoft.Compute/virtualMachines`).
    pub ty: String,
    /// Copy loops around it (its own last), entered at index 0 when evaluating.
    pub frames: Vec<Frame>,
    /// Product of the copy counts around it, or why it is unknown.
    pub multiplier: Result<u64, String>,
    /// Deployment names it was reached through (outermost first).
    pub via: Vec<String>,
    /// Pointer of the parent resource (for child extensions).
    pub parent: Option<String>,
    /// Why it might not be deployed (an unknown `condition`).
    pub notes: Vec<String>,
}

/// Where the walk is: copy frames, counts and deployments around the resources.
#[derive(Clone)]
struct Around {
    frames: Vec<Frame>,
    multiplier: Result<u64, String>,
    via: Vec<String>,
    parent: Option<(String, String)>,
    notes: Vec<String>,
    depth: usize,
}

/// Every modelled resource under `template`'s `resources` (or `at`, for outer-scope
/// nested templates).
pub fn collect(template: &Rc<Template>) -> Result<Vec<Found>, EvalError> {
    let mut out = Vec::new();
    let around =
        Around { frames: Vec::new(), multiplier: Ok(1), via: Vec::new(), parent: None, notes: Vec::new(), depth: 0 };
    walk(template, &format!("{}/resources", template.base), &around, &mut out)?;
    Ok(out)
}

/// Runs `f` with the frames entered (index 0 of every loop).
pub fn with_frames<T>(frames: &[Frame], f: impl FnOnce() -> T) -> T {
    match frames.split_first() {
        None => f(),
        Some((first, rest)) => first.template.in_copy(&first.name, 0, || with_frames(rest, f)),
    }
}

fn walk(t: &Rc<Template>, pointer: &str, around: &Around, out: &mut Vec<Found>) -> Result<(), EvalError> {
    let entries: Vec<(String, &Value)> = match t.node(pointer) {
        Some(Value::Array(items)) => items.iter().enumerate().map(|(i, r)| (format!("{pointer}/{i}"), r)).collect(),
        Some(Value::Object(map)) => map.iter().map(|(k, r)| (format!("{pointer}/{}", escape_token(k)), r)).collect(),
        _ => return Ok(()),
    };
    for (at, resource) in entries {
        if resource.get("existing").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        // One broken resource is a problem of its own; the others are still modelled.
        if let Err(e) = resource_node(t, &at, resource, around, out) {
            t.session.problem(&t.file.display, &at, format!("the resource cannot be evaluated: {e}"));
        }
    }
    Ok(())
}

fn resource_node(
    t: &Rc<Template>,
    at: &str,
    resource: &Value,
    around: &Around,
    out: &mut Vec<Found>,
) -> Result<(), EvalError> {
    let mut here = around.clone();
    let ty = with_frames(&around.frames, || match resource.get("type") {
        Some(node) => t.eval_node(node, &format!("{at}/type")).map(|v| v.as_str().unwrap_or_default().to_owned()),
        None => Ok(String::new()),
    })?;
    let ty = match (&around.parent, ty.contains('/')) {
        (Some((_, parent_ty)), false) if !ty.is_empty() => format!("{parent_ty}/{ty}"),
        _ => ty,
    };
    if let Some(condition) = resource.get("condition") {
        let value = with_frames(&around.frames, || t.eval_node(condition, &format!("{at}/condition")))?;
        match value.kind {
            Kind::Bool(false) => return Ok(()),
            Kind::Unknown(reason) => here
                .notes
                .push(format!("its condition is not known before deployment ({reason}), so it may not be deployed")),
            _ => {}
        }
    }
    if let Some(copy) = resource.get("copy").filter(|c| c.is_object()) {
        let name = copy.get("name").and_then(Value::as_str).unwrap_or("copy").to_owned();
        let count = with_frames(&around.frames, || match copy.get("count") {
            Some(node) => t.eval_node(node, &format!("{at}/copy/count")),
            None => Ok(super::value::Val::int(1)),
        })?;
        here.multiplier = match (count.kind, &here.multiplier) {
            (Kind::Int(0), _) => return Ok(()),
            (Kind::Int(n), Ok(m)) if n > 0 => Ok(m.saturating_mul(n as u64)),
            (Kind::Int(n), _) if n < 0 => return Err(EvalError(format!("copy count {n} is negative"))),
            (Kind::Unknown(reason), _) => Err(format!("the copy count is not known before deployment ({reason})")),
            (_, Err(e)) => Err(e.clone()),
            (other, _) => return Err(EvalError(format!("copy count must be an integer, found {other:?}"))),
        };
        here.frames.push(Frame { template: t.clone(), name });
    }
    let lower = ty.to_ascii_lowercase();
    let kind = match lower.as_str() {
        "microsoft.compute/virtualmachines" => Some(ResourceKind::Vm),
        "microsoft.compute/virtualmachinescalesets" => Some(ResourceKind::ScaleSet),
        "microsoft.compute/galleries/images" => Some(ResourceKind::GalleryImage),
        "microsoft.compute/disks" => Some(ResourceKind::Disk),
        "microsoft.compute/images" => Some(ResourceKind::Image),
        "microsoft.compute/virtualmachines/extensions" | "microsoft.compute/virtualmachinescalesets/extensions" => {
            Some(ResourceKind::Extension)
        }
        "microsoft.resources/deployments" => {
            deployment(t, at, resource, &here, out)?;
            None
        }
        _ => None,
    };
    if let Some(kind) = kind {
        out.push(Found {
            template: t.clone(),
            pointer: at.to_owned(),
            kind,
            ty: ty.clone(),
            frames: here.frames.clone(),
            multiplier: here.multiplier.clone(),
            via: here.via.clone(),
            parent: around.parent.as_ref().map(|(p, _)| p.clone()),
            notes: here.notes.clone(),
        });
    }
    if resource.get("resources").is_some() {
        let mut children = here.clone();
        children.parent = Some((at.to_owned(), ty));
        walk(t, &format!("{at}/resources"), &children, out)?;
    }
    Ok(())
}

fn deployment(
    t: &Rc<Template>,
    at: &str,
    resource: &Value,
    here: &Around,
    out: &mut Vec<Found>,
) -> Result<(), EvalError> {
    if here.depth >= MAX_DEPTH {
        return Err(EvalError(format!("nested deployments go deeper than {MAX_DEPTH} levels")));
    }
    let name = with_frames(&here.frames, || match resource.get("name") {
        Some(node) => t.eval_node(node, &format!("{at}/name")).map(|v| display(&v, node)),
        None => Ok(String::new()),
    })?;
    let mut inner = here.clone();
    inner.depth += 1;
    inner.parent = None;
    inner.via.push(format!("Microsoft.Resources/deployments/{name}"));
    match with_frames(&here.frames, || nested::child(t, at))? {
        Child::Outer { template } => walk(t, &format!("{template}/resources"), &inner, out),
        Child::Scoped(child) => walk(&child, &format!("{}/resources", child.base), &inner, out),
        Child::External { uri, reason } => {
            out.push(Found {
                template: t.clone(),
                pointer: at.to_owned(),
                kind: ResourceKind::External { uri, reason },
                ty: "Microsoft.Resources/deployments".into(),
                frames: here.frames.clone(),
                multiplier: here.multiplier.clone(),
                via: here.via.clone(),
                parent: None,
                notes: here.notes.clone(),
            });
            Ok(())
        }
    }
}

/// A value as a name: the string, or the expression text when it is not known.
pub fn display(value: &super::value::Val, node: &Value) -> String {
    match (&value.kind, node) {
        (Kind::Str(s), _) => s.clone(),
        (_, Value::String(raw)) => raw.clone(),
        (_, other) => other.to_string(),
    }
}
