//! Instance counts: one per instance; an Auto Scaling group's desired capacity (else its
//! minimum), with the range in the evidence; a fleet's target capacity; and for a launch
//! template or configuration, the sum over everything in the template that launches it.

use entitle_sdk::Workload;
use entitle_sdk::model::Source;

use super::eval::Eval;
use super::resources::{Compute, Count, Launcher};
use super::value::{Val, source};

/// One launcher's contribution: how many, where it is set, and the trail of that value.
struct Part {
    count: Result<u64, String>,
    at: Source,
    trail: Vec<Source>,
    evidence: String,
}

/// Sets the workload's count for `compute`, launched by `launchers`.
pub fn set(w: &mut Workload, eval: &Eval<'_>, compute: &Compute, launchers: &[&Launcher]) {
    let path = &eval.t.path;
    let parts: Vec<Part> = match compute.kind {
        "vm" => {
            vec![Part { count: Ok(1), at: source(path, &compute.pointer), trail: Vec::new(), evidence: String::new() }]
        }
        "image_recipe" => {
            w.count = None;
            w.unknown.insert("count".into(), "an image recipe builds images; it runs no instances itself".into());
            return;
        }
        "spot_fleet" if compute.id != compute.logical => {
            w.count = None;
            let why = "the fleet spreads its target capacity over several launch specifications";
            w.unknown.insert("count".into(), why.into());
            w.provenance.insert("count".into(), source(path, &compute.pointer));
            return;
        }
        "spot_fleet" => {
            let at = format!("{}/Properties/SpotFleetRequestConfigData/TargetCapacity", compute.pointer);
            vec![capacity(eval, &compute.logical, &at)]
        }
        _ => launchers.iter().map(|l| part(eval, l)).collect(),
    };
    let Some(first) = parts.first() else {
        w.count = None;
        let why = "nothing in this template launches it (no Auto Scaling group, instance or fleet refers to it)";
        w.unknown.insert("count".into(), why.into());
        return;
    };
    w.provenance.insert("count".into(), first.at.clone());
    if !first.trail.is_empty() {
        w.trail.insert("count".into(), first.trail.clone());
    }
    let mut total = Ok(0u64);
    for p in &parts {
        if !p.evidence.is_empty() {
            w.evidence.push(p.evidence.clone());
        }
        total = match (total, &p.count) {
            (Ok(sum), Ok(n)) => Ok(sum.saturating_add(*n)),
            (Err(e), _) => Err(e),
            (_, Err(e)) => Err(e.clone()),
        };
    }
    match total {
        Ok(n) => w.count = Some(n),
        Err(reason) => {
            w.count = None;
            w.unknown.insert("count".into(), reason);
        }
    }
}

/// A count-like value: a whole number, else why not.
fn number(v: &Val, what: &str) -> Result<u64, String> {
    match v.text() {
        Some(t) => t.trim().parse::<u64>().map_err(|_| format!("{what} {t} is not a whole number")),
        None => Err(match v.reason() {
            Some(r) => format!("{what} is not known before deployment ({r})"),
            None => format!("{what} is {}", v.type_name()),
        }),
    }
}

fn trail_of(v: &Val, pointer: &str) -> Vec<Source> {
    let mut out: Vec<Source> = Vec::new();
    for s in &v.chain {
        if !s.pointer.starts_with(pointer) && !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

fn part(eval: &Eval<'_>, l: &Launcher) -> Part {
    let path = &eval.t.path;
    match &l.count {
        Count::One => Part {
            count: Ok(1),
            at: source(path, &l.pointer),
            trail: Vec::new(),
            evidence: format!("instance {} launches it", l.logical),
        },
        Count::Capacity(at) => capacity(eval, &l.logical, at),
        Count::Group => {
            let props = format!("{}/Properties", l.pointer);
            let read = |key: &str| eval.at(&format!("{props}/{key}")).map(|v| (key.to_owned(), v));
            let (desired, min, max) = (read("DesiredCapacity"), read("MinSize"), read("MaxSize"));
            let show =
                |r: &Option<(String, Val)>| r.as_ref().and_then(|(_, v)| v.text()).unwrap_or_else(|| "?".to_owned());
            let evidence = format!(
                "Auto Scaling group {} launches it: desired {}, min {}, max {}",
                l.logical,
                desired.as_ref().map_or("(not set: starts at min)".to_owned(), |_| show(&desired)),
                show(&min),
                show(&max)
            );
            match desired.or(min) {
                Some((key, v)) => {
                    let at = format!("{props}/{key}");
                    let what = format!("the {key} of Auto Scaling group {}", l.logical);
                    Part { count: number(&v, &what), at: source(path, &at), trail: trail_of(&v, &at), evidence }
                }
                None => Part {
                    count: Err(format!("Auto Scaling group {} sets no DesiredCapacity or MinSize", l.logical)),
                    at: source(path, &props),
                    trail: Vec::new(),
                    evidence,
                },
            }
        }
    }
}

fn capacity(eval: &Eval<'_>, logical: &str, at: &str) -> Part {
    let path = &eval.t.path;
    let what = format!("the target capacity of fleet {logical}");
    match eval.at(at) {
        Some(v) => Part {
            count: number(&v, &what),
            trail: trail_of(&v, at),
            at: source(path, at),
            evidence: format!(
                "fleet {logical} launches it: target capacity {} (capacity units: instances unless weights are set)",
                v.text().unwrap_or_else(|| "?".into())
            ),
        },
        None => Part {
            count: Err(format!("{what} is not set")),
            at: source(path, at),
            trail: Vec::new(),
            evidence: String::new(),
        },
    }
}
