//! Focused Bicep front-end cases: each folder under `tests/bicep/` is a small tree of
//! `.bicep` files (with `.bicepparam`, JSON parameters files, modules and loaded scripts
//! beside them) checked as a tree. The result must match `tests/bicep/<case>.expected.json`
//! (bless with `ENTITLE_BLESS=1`). Every source, provenance and trail entry must also land
//! on the Bicep text it names: a string field's location on its literal.

use std::path::Path;

use entitle::ReadOptions;
use entitle_sdk::model::Source;

use crate::{summary, support};

#[test]
fn every_bicep_case_matches_its_expected_result() {
    let dir = support::root().join("tests/bicep");
    let mut cases: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 5, "expected the Bicep cases under {}", dir.display());
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in cases {
        let result = summary::check_tree_with(&case, &ReadOptions::default());
        let text = format!("{}\n", serde_json::to_string_pretty(&result).unwrap());
        if let Some(problem) = support::compare(&case.with_extension("expected.json"), &text) {
            failures.push(problem);
        }
        let (problems, checked) = check_sources(&case);
        failures.extend(problems);
        compared += checked;
    }
    assert!(
        failures.is_empty(),
        "{}\nIf the new output is right: ENTITLE_BLESS=1 cargo test -p entitle-tests bicep_cases, then review the diff.",
        failures.join("\n")
    );
    assert!(compared >= 20, "image literals compared: {compared}");
}

/// Every source of every workload (and alternative) has a line and column inside its
/// file; an image field's location is its literal (`'7.2'`), or the call that built it.
/// Returns the problems and how many literals were compared.
fn check_sources(case: &Path) -> (Vec<String>, usize) {
    let mut checked = 0;
    let (files, mut errors) = entitle::discover(&[case.to_path_buf()]);
    let loaded =
        entitle::read_all(&files, &entitle::LoadedCatalog::builtin().catalog, &ReadOptions::default(), 1, &mut errors);
    let mut problems = Vec::new();
    for w in loaded.iter().flat_map(|l| &l.workloads) {
        let mut all: Vec<(&str, &Source, Option<&str>)> = vec![("source", &w.source, None)];
        let image = |field: &str, image: &entitle_sdk::model::Image| match field {
            "image.publisher" => image.publisher.clone(),
            "image.offer" => image.offer.clone(),
            "image.sku" => image.sku.clone(),
            "image.version" => image.version.clone(),
            _ => None,
        };
        let mut values = Vec::new();
        for (k, s) in &w.provenance {
            values.push((k.as_str(), s, image(k, &w.image)));
        }
        for alt in &w.alternatives {
            for (k, s) in &alt.provenance {
                values.push((k.as_str(), s, image(k, &alt.image)));
            }
        }
        for (k, s, v) in &values {
            all.push((k, s, v.as_deref()));
        }
        all.extend(w.trail.iter().flat_map(|(k, t)| t.iter().map(move |s| (k.as_str(), s, None))));
        for (field, s, value) in all {
            let shown = format!("{} {field}: {}:{:?}:{:?}", w.id, s.path, s.line, s.column);
            let at = match support::text_at(s) {
                Ok(at) => at,
                Err(why) => {
                    problems.push(format!("{shown} {why}"));
                    continue;
                }
            };
            let Some(value) = value else { continue };
            // A value built by a function (`concat(…)`, `loadTextContent(…)`) or an interpolation is
            // edited where it is built.
            let built = support::is_call(&at) || at.starts_with("'${");
            checked += 1;
            if !built && !at.starts_with(&format!("'{value}")) && !at.starts_with(value) {
                problems
                    .push(format!("{shown} points at `{}`, not at {value:?}", at.chars().take(30).collect::<String>()));
            }
        }
    }
    (problems, checked)
}

/// The findings of a tree without where they are: rule, severity, resource, alternative
/// and message (a fix may name a line, so it is left out).
fn findings(tree: &Path) -> Vec<String> {
    let mut out: Vec<String> = summary::check_tree(tree)
        .values()
        .flat_map(|input| input["findings"].as_array().cloned().unwrap_or_default())
        .map(|f| format!("{} {} {} {} {}", f["rule"], f["severity"], f["resource"], f["alternative"], f["message"]))
        .collect();
    out.sort();
    out
}

#[test]
fn bicep_twins_of_the_arm_cases_find_the_same() {
    let twins = support::root().join("tests/bicep/arm-twins");
    let mut names: Vec<_> = std::fs::read_dir(&twins).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert!(names.len() >= 4, "expected the twins under {}", twins.display());
    for name in names {
        let arm = findings(&support::root().join("tests/arm").join(&name));
        let bicep = findings(&twins.join(&name));
        assert!(!arm.is_empty(), "{name:?}: the ARM case finds nothing");
        assert_eq!(bicep, arm, "{name:?}: the Bicep twin finds something else");
    }
}
