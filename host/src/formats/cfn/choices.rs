//! Regions and choices. A template is deployed to a region chosen at deployment, and
//! `Mappings` keyed by `AWS::Region` give each region its own AMI: the default deployment
//! is region-unknown (its OS is known when every region agrees) and each region of the
//! mapping is an alternative (`region us-east-1`). Parameters with `AllowedValues` that
//! the image reads give alternatives too (`parameter MyOS = RedHatLinux77ForSAP-With-HA-US`),
//! with regions folded into one alternative when they agree; all combinations when
//! there are few, else one parameter at a time, capped.

use std::collections::BTreeSet;

use entitle_sdk::model::{Alternative, Billing};
use entitle_sdk::{Catalog, Workload};

use super::eval::{Eval, Scope};
use super::image::{self, Facts, Outcome, outcome};
use super::template::Template;

/// Most parameter assignments tried per workload.
const MAX_ASSIGNMENTS: usize = 64;
/// Most alternatives kept per workload.
const MAX_ALTERNATIVES: usize = 64;

/// One image read across the regions its mapping covers.
pub struct Spread {
    /// The deployment with the region unknown (OS known when all regions agree).
    pub facts: Facts,
    /// Each region's deployment.
    pub regions: Vec<(String, Facts)>,
    /// Parameters read, in any region.
    pub deps: BTreeSet<String>,
}

/// Reads the image at `pointer` in `scope`, and in every region when it depends on one.
pub fn spread(t: &Template, scope: &Scope, pointer: &str, recipe: bool, catalog: &Catalog) -> Spread {
    let eval = Eval::new(t, scope);
    let mut facts = image::read(&eval, pointer, recipe, catalog);
    let mut deps = eval.deps();
    let maps = eval.region_maps();
    let mut names: Vec<String> = maps.iter().flat_map(|m| t.regions_of(m)).collect();
    names.sort();
    names.dedup();
    if !facts.by_region || names.is_empty() {
        return Spread { facts, regions: Vec::new(), deps };
    }
    let (mut regions, mut missing) = (Vec::new(), Vec::new());
    for name in &names {
        let scope = Scope { region: Some(name.clone()), ..scope.clone() };
        let eval = Eval::new(t, &scope);
        let f = image::read(&eval, pointer, recipe, catalog);
        deps.extend(eval.deps());
        match f.fail {
            Some(_) => missing.push(name.clone()),
            None => regions.push((name.clone(), f)),
        }
    }
    let maps: Vec<&str> = maps.iter().map(String::as_str).collect();
    let listed = |rs: &[(String, Facts)]| rs.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>().join(", ");
    let agree = regions.windows(2).all(|p| without_id(&p[0].1.w) == without_id(&p[1].1.w));
    match regions.first() {
        Some((_, first)) if agree => {
            let mut w = first.w.clone();
            generalise(&mut w, &maps);
            if w.image.reference == w.image.id {
                w.image.reference = None;
            }
            w.image.id = None;
            w.evidence.retain(|e| !e.starts_with("AMI id "));
            w.evidence.insert(
                0,
                format!(
                    "AWS::Region is chosen at deployment: mapping {} gives this image, one AMI id per region, in {} regions ({}); each region is an alternative",
                    maps.join(", "),
                    regions.len(),
                    listed(&regions)
                ),
            );
            w.unknown.remove("image");
            let why = format!(
                "the AMI id depends on the region (AWS::Region), chosen at deployment; mapping {} has one per region",
                maps.join(", ")
            );
            w.unknown.insert("image.id".into(), why);
            facts.w = w;
        }
        Some(_) => {
            let shown: Vec<String> = regions
                .iter()
                .map(|(r, f)| format!("{r}: {}", f.w.image.reference.as_deref().unwrap_or("?")))
                .collect();
            facts.w.evidence.push(format!("the image differs by region: {}", shown.join("; ")));
            facts
                .w
                .unknown
                .insert("os.product".into(), "the image differs by region (AWS::Region), chosen at deployment".into());
        }
        None => {}
    }
    if !missing.is_empty() && !regions.is_empty() {
        facts.w.evidence.push(format!("not deployable in regions {} (no mapping entry there)", missing.join(", ")));
    }
    if regions.is_empty() {
        facts.fail = Some(format!("no region of mapping {} has an entry for it", maps.join(", ")));
    }
    Spread { facts, regions, deps }
}

/// Image, OS, billing and add-ons, leaving out the per-region AMI id.
fn without_id(w: &Workload) -> Outcome {
    let mut o = outcome(w);
    if o.0 == o.1 {
        o.0 = None;
    }
    o.1 = None;
    o
}

/// Points provenance and trail at a region-keyed mapping as a whole, not one region's row.
fn generalise(w: &mut Workload, maps: &[&str]) {
    let fix = |s: &mut entitle_sdk::model::Source| {
        for map in maps {
            let prefix = format!("/Mappings/{}/", crate::document::escape_token(map));
            if let Some(rest) = s.pointer.strip_prefix(&prefix)
                && rest.split('/').next().is_some_and(super::template::is_region)
            {
                s.pointer = prefix.trim_end_matches('/').to_owned();
            }
        }
    };
    w.provenance.values_mut().for_each(fix);
    w.trail.values_mut().flatten().for_each(fix);
}

/// The alternatives of a workload whose image is at `pointer`: each region of the default
/// deployment, then each parameter choice that changes it.
pub fn alternatives(
    t: &Template,
    base: &Spread,
    pointer: &str,
    recipe: bool,
    catalog: &Catalog,
) -> (Vec<Alternative>, bool) {
    let mut out: Vec<(Workload, Vec<String>)> = Vec::new();
    let mut capped = false;
    for (region, f) in &base.regions {
        out.push((f.w.clone(), vec![format!("region {region}")]));
    }
    let choices: Vec<(String, Vec<String>, Option<String>)> = t
        .params
        .iter()
        .filter(|(name, p)| base.deps.contains(*name) && !p.allowed.is_empty())
        .map(|(name, p)| (name.clone(), p.allowed.clone(), p.value.as_ref().and_then(|v| v.text())))
        .filter(|(_, allowed, current)| allowed.iter().any(|a| Some(a) != current.as_ref()))
        .collect();
    let mut found: Vec<(Workload, Vec<Assignment>)> = Vec::new();
    for assignment in assignments(&choices, &mut capped) {
        let scope = Scope { overrides: assignment.iter().cloned().collect(), region: None };
        let s = spread(t, &scope, pointer, recipe, catalog);
        if s.facts.fail.is_some() {
            continue;
        }
        let shown = |extra: &str| {
            let mut parts: Vec<String> = assignment.iter().map(|(n, v)| format!("parameter {n} = {v}")).collect();
            parts.push(extra.to_owned());
            parts.retain(|p| !p.is_empty());
            parts.join(", ")
        };
        let per_region = s.facts.w.unknown.get("os.product").is_some_and(|r| r.contains("differs by region"));
        let results: Vec<(Workload, String)> = if per_region {
            s.regions.iter().map(|(r, f)| (f.w.clone(), shown(&format!("region {r}")))).collect()
        } else {
            vec![(s.facts.w.clone(), String::new())]
        };
        for (mut w, extra) in results {
            if outcome(&w) == outcome(&base.facts.w) {
                continue;
            }
            if !extra.is_empty() {
                let chosen: Vec<_> = assignment.iter().map(|(n, v)| t.allowed_value_source(n, v)).collect();
                crate::formats::choice_trail(&mut w, &base.facts.w, &chosen);
                out.push((w, vec![extra]));
                continue;
            }
            match found.iter_mut().find(|(seen, _)| outcome(seen) == outcome(&w)) {
                Some((_, group)) => group.push(assignment.clone()),
                None => found.push((w, vec![assignment.clone()])),
            }
        }
    }
    for (mut w, group) in found {
        let chosen: Vec<_> = chosen(&group).iter().map(|(n, v)| t.allowed_value_source(n, v)).collect();
        crate::formats::choice_trail(&mut w, &base.facts.w, &chosen);
        out.push((w, vec![describe(&group)]));
    }
    if out.len() > MAX_ALTERNATIVES {
        out.truncate(MAX_ALTERNATIVES);
        capped = true;
    }
    let alternatives = out
        .into_iter()
        .map(|(w, when)| Alternative {
            when: when.join("; "),
            image: w.image,
            os: w.os,
            billing: Billing { model: w.billing.model, license_type: None },
            addons: w.addons,
            resource: None,
            provenance: w.provenance,
            trail: w.trail,
        })
        .collect();
    (alternatives, capped)
}

/// Parameter values that make one alternative deployment.
type Assignment = Vec<(String, String)>;

/// Every combination of other allowed values when there are few, else one parameter
/// at a time; `capped` when not all were tried.
fn assignments(choices: &[(String, Vec<String>, Option<String>)], capped: &mut bool) -> Vec<Assignment> {
    let lists: Vec<(String, Vec<String>)> =
        choices.iter().map(|(n, allowed, _)| (n.clone(), allowed.clone())).collect();
    if let Some(all) = crate::formats::combinations(&lists, |i, v| Some(v) == choices[i].2.as_ref(), MAX_ASSIGNMENTS) {
        return all;
    }
    let mut out = Vec::new();
    for (name, allowed, current) in choices {
        for value in allowed.iter().filter(|v| Some(*v) != current.as_ref()) {
            if out.len() == MAX_ASSIGNMENTS {
                *capped = true;
                return out;
            }
            out.push(vec![(name.clone(), value.clone())]);
        }
    }
    out
}

/// The values that decide an outcome: those [`describe`] names (constant across the
/// group), else the first assignment's.
fn chosen(group: &[Assignment]) -> Vec<&(String, String)> {
    let constant: Vec<&(String, String)> =
        group[0].iter().filter(|pair| group.iter().all(|a| a.contains(pair))).collect();
    if constant.is_empty() { group[0].iter().collect() } else { constant }
}

/// The parameters that keep one value across a group of assignments with the same
/// outcome; else the first few assignments.
fn describe(group: &[Assignment]) -> String {
    let one = |a: &Assignment| a.iter().map(|(n, v)| format!("parameter {n} = {v}")).collect::<Vec<_>>().join(", ");
    let constant: Vec<String> = group[0]
        .iter()
        .filter(|pair| group.iter().all(|a| a.contains(pair)))
        .map(|(n, v)| format!("parameter {n} = {v}"))
        .collect();
    if !constant.is_empty() {
        return constant.join(", ");
    }
    let mut listed: Vec<String> = group.iter().take(3).map(one).collect();
    if group.len() > 3 {
        listed.push(format!("{} more combinations", group.len() - 3));
    }
    listed.join("; or ")
}
