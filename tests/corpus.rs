//! The real corpus (`../shared/corpus/real`, descriptors written by other people,
//! some of them traps) checked end to end as one tree. Each input's result — the
//! workloads the front-ends find (image, OS, billing, plan, count, alternatives, what
//! stays unknown), its findings with their lines, its errors — is written down in
//! `tests/corpus/expected/<path>.json`, one golden file per corpus file. A front-end
//! or policy change shows up as a reviewed diff (`ENTITLE_BLESS=1`).

use crate::{summary, support};

#[test]
fn real_corpus_gives_the_recorded_results() {
    let dir = support::root().join("../shared/corpus/real");
    assert!(dir.is_dir(), "the real corpus is expected at {} (CI provides it)", dir.display());
    let dir = dir.canonicalize().unwrap();
    let results = summary::check_tree(&dir);
    assert!(results.len() >= 30, "expected the whole corpus, found {} inputs", results.len());
    let expected_dir = support::root().join("tests/corpus/expected");
    let mut failures = Vec::new();
    for (path, result) in &results {
        let expected = expected_dir.join(format!("{path}.json"));
        std::fs::create_dir_all(expected.parent().unwrap()).unwrap();
        let text = format!("{}\n", serde_json::to_string_pretty(result).unwrap());
        if let Some(problem) = support::compare(&expected, &text) {
            failures.push(problem);
        }
    }
    // No stale expectation for a file that is no longer in the corpus.
    for entry in walk(&expected_dir) {
        let path = entry.strip_prefix(&expected_dir).unwrap().display().to_string();
        let input = path.strip_suffix(".json").unwrap_or(&path);
        if !results.contains_key(input) {
            failures.push(format!("{} has no corpus file any more", entry.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} corpus result(s) differ:\n{}\nIf the new output is right: ENTITLE_BLESS=1 cargo test -p entitle-tests corpus, then review the diff.",
        failures.len(),
        failures.join("\n")
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}
