//! Focused Terraform HCL front-end cases: each folder under `tests/tfhcl/` is a small tree of
//! modules (with `.tfvars` beside them) checked as a tree; an optional `args` file holds
//! `--var-file FILE` / `--var NAME=VALUE` lines, as given on the command line. The result must
//! match `tests/tfhcl/<case>.expected.json` (bless with `ENTITLE_BLESS=1`). Every source,
//! provenance and trail entry must also land on the text it names.

use std::path::Path;

use entitle::ReadOptions;
use entitle_sdk::model::Source;

use crate::{summary, support};

#[test]
fn every_tfhcl_case_matches_its_expected_result() {
    let dir = support::root().join("tests/tfhcl");
    let mut cases: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 4, "expected the Terraform HCL cases under {}", dir.display());
    let mut failures = Vec::new();
    for case in cases {
        let read = options(&case);
        let result = summary::check_tree_with(&case, &read);
        let text = format!("{}\n", serde_json::to_string_pretty(&result).unwrap());
        if let Some(problem) = support::compare(&case.with_extension("expected.json"), &text) {
            failures.push(problem);
        }
        failures.extend(check_sources(&case, &read).0);
    }
    assert!(
        failures.is_empty(),
        "{}\nIf the new output is right: ENTITLE_BLESS=1 cargo test -p entitle-tests tfhcl_cases, then review the diff.",
        failures.join("\n")
    );
}

/// The case's `args` file as read options.
fn options(case: &Path) -> ReadOptions {
    let mut read = ReadOptions::default();
    let text = std::fs::read_to_string(case.join("args")).unwrap_or_default();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line.split_once(' ') {
            Some(("--var-file", file)) => read.var_files.push(case.join(file)),
            Some(("--var", pair)) => {
                let (name, value) = pair.split_once('=').expect("--var NAME=VALUE");
                read.vars.push((name.to_owned(), value.to_owned()));
            }
            _ => panic!("{}: unexpected line {line}", case.display()),
        }
    }
    read
}

/// Every source of every workload has a line and column inside its file; a string field's
/// provenance starts at that string's literal (or at the function call that built it).
/// Returns the problems and how many literals were compared.
/// The problems of every source under `case`, and how many literals were compared.
fn check_sources(case: &Path, read: &ReadOptions) -> (Vec<String>, usize) {
    let mut checked = 0;
    let (files, mut errors) = entitle::discover(&[case.to_path_buf()]);
    let loaded = entitle::read_all(&files, &entitle::LoadedCatalog::builtin().catalog, read, 1, &mut errors);
    let mut problems = Vec::new();
    for w in loaded.iter().flat_map(|l| &l.workloads) {
        let mut all: Vec<(&str, &Source, bool)> = vec![("source", &w.source, false)];
        all.extend(w.provenance.iter().map(|(k, s)| (k.as_str(), s, true)));
        all.extend(w.trail.iter().flat_map(|(k, t)| t.iter().map(move |s| (k.as_str(), s, false))));
        for (field, s, edited) in all {
            let shown = format!("{} {field}: {}:{:?}:{:?}", w.id, s.path, s.line, s.column);
            if s.path.starts_with("--var ") && s.line.is_some() {
                continue;
            }
            let at = match support::text_at(s) {
                Ok(at) => at,
                Err(why) => {
                    problems.push(format!("{shown} {why}"));
                    continue;
                }
            };
            // A value built by a function (`join(…)`) is edited where it is built.
            let built = support::is_call(&at);
            let value = match field {
                _ if !edited || built => None,
                "image.publisher" => w.image.publisher.as_deref(),
                "image.offer" => w.image.offer.as_deref(),
                "image.sku" => w.image.sku.as_deref(),
                "image.version" => w.image.version.as_deref(),
                _ => None,
            };
            checked += usize::from(value.is_some());
            // A part of a split string points at the string it was split from.
            let literal = at.strip_prefix('"').and_then(|rest| rest.split('"').next()).unwrap_or("");
            if let Some(value) = value
                && !at.starts_with(&format!("\"{value}"))
                && !at.starts_with(value)
                && !literal.split(',').any(|part| part == value)
            {
                problems
                    .push(format!("{shown} points at `{}`, not at {value:?}", at.chars().take(30).collect::<String>()));
            }
        }
    }
    (problems, checked)
}

#[test]
fn every_source_in_the_real_terraform_corpus_lands_on_its_text() {
    let corpus = support::root().join("../shared/corpus/real/terraform-hcl");
    assert!(corpus.is_dir(), "the real corpus is expected at {} (CI provides it)", corpus.display());
    let (mut problems, checked) = check_sources(&corpus, &ReadOptions::default());
    let rhel = ReadOptions { vars: vec![("os_image".into(), "rhel".into())], ..ReadOptions::default() };
    let (more, also) = check_sources(&corpus.join("azurerm-examples/openshift-origin"), &rhel);
    problems.extend(more);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 10 && also > 10, "image literals compared: {checked} and {also}");
}
