//! The CI examples in `docs/ci/` run what they say: every `entitle check` command in
//! them is run here (offline) on the examples, with the built binary, and must write
//! the report files the pipeline uploads and exit 1 (findings), not 2.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The `entitle check` command lines of a CI file (YAML `run:`/`script:` lines, and the
/// entitle action's `args:`), each starting at `check`. No example builds the repository:
/// each installs a pinned entitle once and caches it.
fn commands(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(!text.contains("cargo build"), "{} builds the repository", file.display());
    let uses_action = text.contains("uses: OWNER/entitle@");
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| match l.find("entitle check ") {
            Some(at) => Some(l[at + "entitle ".len()..].trim().to_owned()),
            None if uses_action => l.trim().strip_prefix("args: ").map(|args| format!("check {args}")),
            None => None,
        })
        .collect()
}

/// Splits a command line like a shell would for these simple lines; `$(date -u +%F)`
/// becomes a fixed date so the run is reproducible (and is added when the line has none).
fn words(line: &str) -> Vec<String> {
    let mut words: Vec<String> =
        line.replace("\"$(date -u +%F)\"", "2026-11-25").split_whitespace().map(str::to_owned).collect();
    if !words.iter().any(|w| w == "--as-of") {
        words.extend(["--as-of".to_owned(), "2026-11-25".to_owned()]);
    }
    words
}

#[test]
fn every_ci_example_runs_its_commands_on_the_examples() {
    let dir = root().join("docs/ci");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), 3, "GitHub Actions, GitLab CI and Azure Pipelines examples");
    for file in files {
        let lines = commands(&file);
        assert!(!lines.is_empty(), "{} runs no entitle check", file.display());
        for line in lines {
            let work = std::env::temp_dir().join(format!(
                "entitle-ci-{}-{}",
                std::process::id(),
                file.file_stem().unwrap().to_string_lossy()
            ));
            let _ = std::fs::remove_dir_all(&work);
            std::fs::create_dir_all(&work).unwrap();
            let args: Vec<String> = words(&line)
                .into_iter()
                .map(|w| if w == "examples/" { root().join("examples").display().to_string() } else { w })
                .collect();
            let out = Command::new(env!("CARGO_BIN_EXE_entitle")).args(&args).current_dir(&work).output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(1),
                "{}: `{line}` exited {:?}: {}",
                file.display(),
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            );
            for (i, w) in args.iter().enumerate() {
                if w == "--output" {
                    let written = work.join(&args[i + 1]);
                    let text = std::fs::read_to_string(&written)
                        .unwrap_or_else(|_| panic!("{line} did not write {}", written.display()));
                    assert!(text.contains("RHEL-LC-MAJOR-EOL"), "{} has no finding", written.display());
                }
            }
        }
    }
}
