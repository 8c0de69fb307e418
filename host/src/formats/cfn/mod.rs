//! AWS CloudFormation templates (JSON, or YAML with short-form tags): an evaluator of
//! the intrinsic functions over parameters (a parameters file over `Default`), mappings
//! and conditions; the compute resources (instances, launch templates and
//! configurations with the Auto Scaling groups and fleets that launch them, Spot Fleet
//! specifications, Image Builder recipes); AMI identity from the template's own AMI
//! names; per-region and per-parameter alternatives; and boot scripts as evidence.

mod ami;
mod body;
mod boot;
mod choices;
mod count;

mod eval;
mod image;
mod params;
mod resources;
mod strings;
mod template;
mod value;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use entitle_sdk::{Catalog, Workload};
use serde_json::Value;

use super::Extracted;
use crate::document::{Document, Syntax, parse_yaml_cfn, sniff};
use crate::{Error, ErrorKind, Phase};
use eval::{Eval, Scope};
use params::Given;
use resources::{Compute, Launcher, Target};
use template::Template;
use value::source;

/// `AWSTemplateFormatVersion`, or `Resources.*.Type` starting with `AWS::`.
pub fn detect(doc: &Document) -> bool {
    let Value::Object(top) = &doc.value else { return false };
    top.contains_key("AWSTemplateFormatVersion")
        || top.get("Resources").and_then(Value::as_object).is_some_and(|resources| {
            resources.values().any(|r| r.get("Type").and_then(Value::as_str).is_some_and(|t| t.starts_with("AWS::")))
        })
}

/// A file's CloudFormation templates with their short-form tags mapped to long forms
/// (`!Ref X` → `{"Ref": "X"}`): YAML is read again for that once per file, however many
/// templates its stream holds (each asking for its own would read the whole stream again).
#[derive(Default)]
pub struct LongForms(Option<Vec<Rc<Document>>>);

impl LongForms {
    /// The long form of `doc`, one of the documents of `text`: the template of the re-read
    /// stream that starts where `doc` does, or its first template when none does; `None`
    /// for JSON, which has no tags.
    pub fn of(&mut self, text: &str, doc: &Document) -> Result<Option<Rc<Document>>, crate::document::SyntaxError> {
        if matches!(sniff(text), Syntax::Json) {
            return Ok(None);
        }
        let docs = match &mut self.0 {
            Some(docs) => docs,
            none => none.insert(parse_yaml_cfn(text)?.into_iter().filter(detect).map(Rc::new).collect()),
        };
        let start = doc.position("");
        Ok(docs.iter().find(|d| d.position("") == start).or(docs.first()).cloned())
    }
}

/// The workloads of a template, read with its short-form tags as long forms ([`LongForms`]);
/// `params` an optional CLI parameters file (`[{"ParameterKey","ParameterValue"}]`).
pub fn workloads(
    path: &str,
    doc: &Document,
    catalog: &Catalog,
    params: Option<&Path>,
    amis: Option<&crate::formats::amis::AmiCatalog>,
) -> Result<Extracted, Error> {
    let mut out = Extracted::default();
    let (given, params_display) = match params {
        Some(file) => {
            let display = file.display().to_string();
            let given = Given::read(file, &display)
                .map_err(|m| Error::new(Phase::Parse, ErrorKind::Shape(m)).path(&display))?;
            out.includes.push(PathBuf::from(file));
            (given, Some(display))
        }
        None => (Given::default(), None),
    };
    let (mut t, undeclared) = Template::new(path, doc.value.clone(), &given);
    t.amis = amis.cloned();
    for name in undeclared {
        let message = format!("the parameters file gives {name}, which the template does not declare");
        out.errors
            .push(Error::new(Phase::Model, ErrorKind::Shape(message)).path(params_display.clone().unwrap_or_default()));
    }
    let scope = Scope::default();
    let eval = Eval::new(&t, &scope);
    let found = resources::walk(&eval);
    // Each resource's launchers, in order, found once rather than by a pass over them all per resource.
    let mut launching: HashMap<&str, Vec<&Launcher>> = HashMap::new();
    for l in &found.launchers {
        if let Target::Resource(id) = &l.target {
            launching.entry(id.as_str()).or_default().push(l);
        }
    }
    let mut workloads = Vec::new();
    for compute in &found.computes {
        let launchers = launching.get(compute.logical.as_str()).cloned().unwrap_or_default();
        let (w, fail) = build(&t, &eval, compute, &launchers, catalog);
        if let Some(reason) = fail {
            let message = format!("{} {}: the template cannot deploy it: {reason}", compute.ty, compute.id);
            out.errors.push(Error::new(Phase::Model, ErrorKind::Shape(message)).path(path).pointer(&compute.image));
        }
        workloads.push(w);
    }
    for l in &found.launchers {
        if let Target::External(what) = &l.target {
            workloads.push(external(&eval, l, what));
        }
    }
    for (pointer, message) in found.problems {
        out.errors.push(Error::new(Phase::Model, ErrorKind::Shape(message)).path(path).pointer(pointer));
    }
    out.notes.extend(found.skipped);
    if let Some(transform) = t.root.get("Transform") {
        out.notes.push(format!(
            "the template declares Transform {transform}; macros run at deployment and are not expanded here"
        ));
    }
    if workloads.iter().any(|w| w.unknown.get("os.product").is_some_and(|r| r.contains("no --ami-catalog lists"))) {
        out.notes.push(
            "some AMI ids have no name in the template: an offline AMI catalogue (--ami-catalog FILE, the JSON of              `aws ec2 describe-images`) names them"
                .into(),
        );
    }
    product_parameters(&t, &mut workloads);
    let mut docs: Vec<(String, &Document)> = vec![(path.to_owned(), doc)];
    if let (Some(display), Some(d)) = (&params_display, &given.document) {
        docs.push((display.clone(), d));
    }
    super::locate(&mut workloads, &docs);
    for mut f in std::mem::take(&mut t.rejected) {
        if let Some((_, d)) = docs.iter().find(|(p, _)| *p == f.source.path) {
            let at = d.nearest_position(&f.source.pointer);
            (f.source.line, f.source.column) = (Some(at.line), Some(at.column));
        }
        out.findings.push(f);
    }
    for e in &mut out.errors {
        if let (Some(pointer), Some(p)) = (&e.pointer, &e.path)
            && p == path
        {
            let at = doc.nearest_position(pointer);
            (e.line, e.column) = (Some(at.line), Some(at.column));
        }
    }
    out.workloads = workloads;
    Ok(out)
}

/// The workload of one compute resource: identity, image facts with alternatives, count
/// and boot configuration; and why the template cannot deploy it, if it cannot.
fn build(
    t: &Template,
    eval: &Eval<'_>,
    compute: &Compute,
    launchers: &[&Launcher],
    catalog: &Catalog,
) -> (Workload, Option<String>) {
    let recipe = compute.kind == "image_recipe";
    let base = choices::spread(t, &Scope::default(), &compute.image, recipe, catalog);
    let (alternatives, capped) = choices::alternatives(t, &base, &compute.image, recipe, catalog);
    let fail = base.facts.fail.clone();
    let mut w = Workload {
        id: compute.id.clone(),
        kind: compute.kind.to_owned(),
        provider: "aws".to_owned(),
        resource: format!("{}/{}", compute.ty, compute.id),
        source: source(&t.path, &compute.pointer),
        alternatives,
        ..base.facts.w
    };
    w.evidence.splice(0..0, compute.notes.iter().map(|n| format!("the resource: {n}")));
    if capped {
        w.evidence.push("alternatives: capped; other parameter values were not tried".to_owned());
    }
    region(&mut w);
    instance_size(&mut w, eval, compute);
    count::set(&mut w, eval, compute, launchers);
    w.boot.extend(compute.user_data.as_deref().and_then(|p| boot::user_data(eval, p)));
    w.boot.extend(boot::cfn_init(eval, &compute.pointer));
    body::record(&mut w, eval, &compute.pointer);
    for l in launchers {
        w.boot.extend(l.user_data.as_deref().and_then(|p| boot::user_data(eval, p)));
        if l.ty == "AWS::EC2::Instance" {
            w.boot.extend(boot::cfn_init(eval, &l.pointer));
        }
    }
    (w, fail)
}

/// The `InstanceType` beside the resource's `ImageId` (an instance, a launch template's
/// data, a launch configuration, a fleet's specification), at the property a user would
/// edit, with the trail through parameters and mappings.
fn instance_size(w: &mut Workload, eval: &Eval<'_>, compute: &Compute) {
    let Some(base) = compute.image.strip_suffix("ImageId") else { return };
    let pointer = format!("{base}InstanceType");
    let Some(v) = eval.at(&pointer).filter(|v| v.kind != value::Kind::NoValue) else { return };
    w.provenance.insert("instance.size".into(), source(&eval.t.path, &pointer));
    let trail: Vec<_> = v
        .chain
        .iter()
        .filter(|s| s.pointer != pointer && !s.pointer.starts_with(&format!("{pointer}/")))
        .cloned()
        .collect();
    if !trail.is_empty() {
        w.trail.insert("instance.size".into(), trail);
    }
    match (&v.kind, v.reason()) {
        (value::Kind::Str(size), _) => crate::support::instance::set_size(w, size, None),
        (_, Some(reason)) => {
            w.unknown.insert("instance.size".into(), reason.to_owned());
        }
        _ => {
            w.unknown.insert("instance.size".into(), format!("the instance type is {}, not a string", v.type_name()));
        }
    }
}

/// A template never fixes its region.
fn region(w: &mut Workload) {
    w.region = None;
    w.unknown.insert("region".into(), "a stack's region (AWS::Region) is chosen at deployment".into());
}

/// A launcher whose launch template or configuration is not in this template.
fn external(eval: &Eval<'_>, l: &Launcher, what: &str) -> Workload {
    let kind = match l.ty.as_str() {
        "AWS::AutoScaling::AutoScalingGroup" => "scale_set",
        "AWS::EC2::Instance" => "vm",
        _ => "fleet",
    };
    let mut w = Workload {
        id: l.logical.clone(),
        kind: kind.to_owned(),
        provider: "aws".to_owned(),
        resource: format!("{}/{}", l.ty, l.logical),
        source: source(&eval.t.path, &l.pointer),
        ..Workload::default()
    };
    w.unknown.insert("image".into(), format!("it launches {what}, which is not defined in this template"));
    w.provenance.insert("image".into(), source(&eval.t.path, &l.at));
    region(&mut w);
    let compute = Compute {
        id: l.logical.clone(),
        logical: l.logical.clone(),
        ty: l.ty.clone(),
        kind: "launched",
        pointer: l.pointer.clone(),
        image: l.at.clone(),
        user_data: None,
        notes: Vec::new(),
    };
    count::set(&mut w, eval, &compute, &[l]);
    w.boot.extend(l.user_data.as_deref().and_then(|p| boot::user_data(eval, p)));
    body::record(&mut w, eval, &l.pointer);
    w
}

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod synthetic_tests;

/// Red Hat products a parameter names (`OpenshiftContainerPlatformVersion: 3.11`): every
/// workload of the stack deploys part of them, placed at the value in effect.
fn product_parameters(t: &Template, workloads: &mut [entitle_sdk::Workload]) {
    for (name, param) in &t.params {
        let Some(value) = param.value.as_ref() else { continue };
        let Some(text) = value.text() else { continue };
        let pointer = format!("/Parameters/{}/Description", crate::document::escape_token(name));
        let description = t.node(&pointer).and_then(serde_json::Value::as_str);
        let Some(product) = crate::formats::products::from_parameter(name, description, &text) else { continue };
        let Some(at) = value.chain.last().cloned() else { continue };
        let trail: Vec<_> = value.chain.iter().rev().skip(1).cloned().collect();
        crate::formats::products::attach(workloads, &product, &at, &trail);
    }
}
