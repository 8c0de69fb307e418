//! Choices: the deployments a template can become when a parameter with
//! `allowedValues` takes another value. Only parameters that a workload's image,
//! plan or licence type actually read are varied; all combinations when there are
//! few, else one parameter at a time, and the workload says when that cap applied.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use entitle_sdk::model::{Alternative, Source};
use entitle_sdk::{Catalog, Workload};

use super::expr::{Context, EvalError};
use super::resources::{self, Found, ResourceKind};
use super::template::Template;
use super::value::Val;
use super::workload;

/// Most re-evaluations of the template per input.
const MAX_ASSIGNMENTS: usize = 64;

/// A modelled workload with what it was built from and the root parameters it read.
pub struct Item {
    pub workload: Workload,
    pub found: Found,
    pub deps: BTreeSet<String>,
}

/// Adds every distinct alternative to the items' workloads.
pub fn enumerate(root: &Rc<Template>, items: &mut [Item], catalog: &Catalog) -> Result<(), EvalError> {
    let relevant: BTreeSet<&String> = items.iter().flat_map(|i| i.deps.iter()).collect();
    let choices: Vec<(String, Vec<Val>, Val)> = root
        .choices()
        .into_iter()
        .filter(|(name, _)| relevant.contains(&name.to_ascii_lowercase()))
        .map(|(name, allowed)| {
            let current = root.parameter(&name).unwrap_or_else(|_| Val::null());
            (name, allowed, current)
        })
        .collect();
    if choices.is_empty() {
        return Ok(());
    }
    let mut outcomes: Vec<Vec<(Workload, Vec<Assignment>)>> = items.iter().map(|_| Vec::new()).collect();
    // Root parameter (lower case) → the items that read it.
    let mut dependents: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        for dep in &item.deps {
            dependents.entry(dep.clone()).or_default().push(i);
        }
    }
    let mut budget = MAX_ASSIGNMENTS;
    let mut capped = false;
    match all_combinations(&choices) {
        Some(combos) => {
            for assignment in combos {
                evaluate(root, items, &dependents, catalog, &assignment, &mut outcomes);
            }
        }
        None => {
            // Too many combinations: one parameter at a time. A parameter whose first
            // other value changes no workload (a VM size, say) is not tried further.
            for (name, allowed, current) in &choices {
                let others: Vec<&Val> = allowed.iter().filter(|v| v.to_json() != current.to_json()).collect();
                for (i, value) in others.iter().enumerate() {
                    if budget == 0 {
                        capped = true;
                        break;
                    }
                    budget -= 1;
                    let changed = evaluate(
                        root,
                        items,
                        &dependents,
                        catalog,
                        &vec![(name.clone(), (*value).clone())],
                        &mut outcomes,
                    );
                    if i == 0 && !changed {
                        break;
                    }
                }
            }
        }
    }
    for (item, groups) in items.iter_mut().zip(outcomes) {
        for (alt, group) in groups {
            let mut alt = alt;
            let chosen: Vec<Source> =
                chosen(&group).iter().filter_map(|v| v.origin.as_ref().map(|o| o.source.clone())).collect();
            crate::formats::choice_trail(&mut alt, &item.workload, &chosen);
            let renamed = (alt.resource != item.workload.resource).then_some(alt.resource);
            item.workload.alternatives.push(Alternative {
                when: describe(&group),
                image: alt.image,
                os: alt.os,
                billing: alt.billing,
                addons: alt.addons,
                resource: renamed,
                provenance: alt.provenance,
                trail: alt.trail,
            });
        }
    }
    if capped {
        for item in items.iter_mut().filter(|i| !i.workload.alternatives.is_empty()) {
            item.workload.evidence.push(format!(
                "alternatives: capped at {MAX_ASSIGNMENTS} re-evaluations of the template; other parameter values were not tried"
            ));
        }
    }
    Ok(())
}

/// Parameter values that make one alternative deployment.
type Assignment = Vec<(String, Val)>;

/// Re-evaluates the template under `assignment` and records, per item, an outcome
/// that differs from its default. Returns whether any item changed.
fn evaluate(
    root: &Rc<Template>,
    items: &[Item],
    dependents: &BTreeMap<String, Vec<usize>>,
    catalog: &Catalog,
    assignment: &Assignment,
    outcomes: &mut [Vec<(Workload, Vec<Assignment>)>],
) -> bool {
    let overrides: BTreeMap<String, Val> =
        assignment.iter().map(|(n, v)| (n.to_ascii_lowercase(), v.clone())).collect();
    let mut affected_items: Vec<usize> =
        overrides.keys().flat_map(|n| dependents.get(n).into_iter().flatten().copied()).collect();
    affected_items.sort_unstable();
    affected_items.dedup();
    let alt_root = root.with_overrides(overrides);
    // Resources of the root template are re-built in the new scope directly; a
    // resource inside a nested or linked template needs the whole walk again.
    let in_root = |f: &Found| Rc::ptr_eq(&f.template, root) && f.frames.iter().all(|fr| Rc::ptr_eq(&fr.template, root));
    let walked = if affected_items.iter().all(|&i| in_root(&items[i].found)) {
        Vec::new()
    } else {
        // A choice that breaks the template deploys nothing to model.
        match resources::collect(&alt_root) {
            Ok(found) => found,
            Err(_) => return false,
        }
    };
    let mut changed = false;
    for &i in &affected_items {
        let (item, groups) = (&items[i], &mut outcomes[i]);
        let rebuilt;
        let same = if in_root(&item.found) {
            let frames = item
                .found
                .frames
                .iter()
                .map(|f| resources::Frame { template: alt_root.clone(), name: f.name.clone() })
                .collect();
            rebuilt = Found { template: alt_root.clone(), frames, ..item.found.clone() };
            &rebuilt
        } else {
            match walked.iter().find(|f| same_resource(f, &item.found)) {
                Some(f) => f,
                None => continue,
            }
        };
        let Ok((alt, _)) = workload::build(same, catalog) else { continue };
        if same_deployment(&item.workload, &alt) {
            continue;
        }
        changed = true;
        match groups.iter_mut().find(|(w, _)| same_deployment(w, &alt)) {
            Some((_, group)) => group.push(assignment.clone()),
            None => groups.push((alt, vec![assignment.clone()])),
        }
    }
    changed
}

/// Every combination of allowed values except the current one, when there are at
/// most [`MAX_ASSIGNMENTS`].
fn all_combinations(choices: &[(String, Vec<Val>, Val)]) -> Option<Vec<Assignment>> {
    let lists: Vec<(String, Vec<Val>)> = choices.iter().map(|(n, allowed, _)| (n.clone(), allowed.clone())).collect();
    crate::formats::combinations(&lists, |i, v| v.to_json() == choices[i].2.to_json(), MAX_ASSIGNMENTS)
}

/// The values that decide an outcome: those [`describe`] names (constant across the
/// group), else the first assignment's.
fn chosen(group: &[Assignment]) -> Vec<&Val> {
    let constant: Vec<&Val> = group[0]
        .iter()
        .filter(|(name, value)| {
            group.iter().all(|a| a.iter().any(|(n, v)| n == name && v.to_json() == value.to_json()))
        })
        .map(|(_, v)| v)
        .collect();
    if constant.is_empty() { group[0].iter().map(|(_, v)| v).collect() } else { constant }
}

/// The parameters that keep one value across every assignment of an outcome
/// (`parameter os = RHEL 7.2`); parameters that vary do not decide it. When none is
/// constant, the first assignments are listed.
fn describe(group: &[Assignment]) -> String {
    let shown = |v: &Val| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_json().to_string());
    let one =
        |a: &Assignment| a.iter().map(|(n, v)| format!("parameter {n} = {}", shown(v))).collect::<Vec<_>>().join(", ");
    let first = &group[0];
    let constant: Vec<String> = first
        .iter()
        .filter(|(name, value)| {
            group.iter().all(|a| a.iter().any(|(n, v)| n == name && v.to_json() == value.to_json()))
        })
        .map(|(n, v)| format!("parameter {n} = {}", shown(v)))
        .collect();
    if !constant.is_empty() {
        return constant.join(", ");
    }
    if group.len() == 1 {
        return one(first);
    }
    let mut listed: Vec<String> = group.iter().take(3).map(one).collect();
    if group.len() > 3 {
        listed.push(format!("{} more combinations", group.len() - 3));
    }
    listed.join("; or ")
}

fn same_resource(a: &Found, b: &Found) -> bool {
    a.pointer == b.pointer
        && a.template.file.display == b.template.file.display
        && a.via == b.via
        && kind_eq(&a.kind, &b.kind)
}

fn kind_eq(a: &ResourceKind, b: &ResourceKind) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// Two workloads deploy the same thing (image, OS, billing, add-ons).
fn same_deployment(a: &Workload, b: &Workload) -> bool {
    a.image == b.image && a.os == b.os && a.billing == b.billing && a.addons == b.addons
}
