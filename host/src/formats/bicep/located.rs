//! Where a Bicep finding is placed: at the literal the value came from, with the trail
//! of uses that led from the resource to it (as the Terraform front-end places them).
//! The ARM evaluator places a field at the resource's own property and trails to the
//! literal; for Bicep the two ends swap, so a module's image passed from `main.bicep`
//! is placed in `main.bicep`, with the trail through the module.

use std::collections::BTreeMap;

use entitle_sdk::Workload;
use entitle_sdk::model::Source;

/// Moves every field with a trail to the end of its trail. `literal` tells whether a source
/// is a literal (not an expression) of the compiled template.
pub fn at_literals(workloads: &mut [Workload], literal: &dyn Fn(&Source) -> bool) {
    for w in workloads {
        swap(&mut w.provenance, &mut w.trail, &|_| false);
        for alt in &mut w.alternatives {
            swap(&mut alt.provenance, &mut alt.trail, literal);
        }
    }
}

/// For an alternative, the chosen `@allowed` entry that ends a trail may have been added
/// after the value's own way (a row of a map the choice selects): then the value's literal
/// is the entry before it, and the choice stays at the end of the trail.
fn swap(
    provenance: &mut BTreeMap<String, Source>,
    trails: &mut BTreeMap<String, Vec<Source>>,
    literal: &dyn Fn(&Source) -> bool,
) {
    for (field, at) in provenance.iter_mut() {
        let Some(trail) = trails.get_mut(field).filter(|t| !t.is_empty()) else { continue };
        let mut path = Vec::with_capacity(trail.len() + 1);
        path.push(at.clone());
        path.append(trail);
        let chosen = |s: &Source| s.pointer.contains("/allowedValues/");
        let n = path.len();
        let pick = if n >= 2 && chosen(&path[n - 1]) && !chosen(&path[n - 2]) && literal(&path[n - 2]) {
            n - 2
        } else {
            n - 1
        };
        *at = path.remove(pick);
        path.dedup();
        path.retain(|s| s != at);
        *trail = path;
    }
    trails.retain(|_, t| !t.is_empty());
}
