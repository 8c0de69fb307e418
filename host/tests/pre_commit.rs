//! The pre-commit hook (`.pre-commit-hooks.yaml`) as pre-commit users run it: the real
//! `pre-commit` (from PyPI; `.ci/run` installs it) tries this repository's hooks on a
//! sample git repository. A descriptor with a finding fails the hook with the finding
//! named at its root-relative path; a waiver at the sample's root then makes it pass.
//! The hook uses the suite's entitle build (ENTITLE_BIN) instead of building one.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn run(program: &str, args: &[&str], cwd: &Path, scratch: &Path) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(cwd)
        .env("ENTITLE_BIN", env!("CARGO_BIN_EXE_entitle"))
        .env("ENTITLE_CACHE_DIR", scratch.join("entitle-cache"))
        .env("PRE_COMMIT_HOME", scratch.join("pre-commit-home"))
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"))
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn the_hook_fails_on_a_finding_and_passes_once_it_is_waived() {
    if Command::new("pre-commit").arg("--version").output().is_err() {
        eprintln!("SKIPPED: `pre-commit` is not installed (`python3 -m pip install pre-commit`; .ci/run does)");
        return;
    }
    let scratch = std::env::temp_dir().join(format!("entitle-pre-commit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let sample = scratch.join("sample");
    std::fs::create_dir_all(sample.join("infra")).unwrap();
    std::fs::copy(repo_root().join("examples/azure-rhel7-payg.json"), sample.join("infra/vm.json")).unwrap();
    std::fs::write(sample.join("README.md"), "not a descriptor\n").unwrap();
    for args in [&["init", "-q"][..], &["add", "."], &["commit", "-q", "-m", "sample"]] {
        let out = run("git", args, &sample, &scratch);
        assert!(out.status.success(), "git {args:?}: {}", text(&out));
    }
    let hook_repo = repo_root().display().to_string();
    let try_repo = |hook: &str| run("pre-commit", &["try-repo", &hook_repo, hook, "--all-files"], &sample, &scratch);

    for hook in ["entitle", "entitle-all"] {
        let out = try_repo(hook);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{hook}: {said}");
        assert!(said.contains("RHEL-LC-MAJOR-EOL") && said.contains("infra/vm.json"), "{hook}: {said}");
    }

    let waiver = "[[waiver]]\nrule = \"RHEL-LC-MAJOR-EOL\"\npath = \"infra/vm.json\"\nreason = \"retired next quarter\"\nexpires = 2099-12-31\n";
    std::fs::write(sample.join(".entitle-waivers.toml"), waiver).unwrap();
    for hook in ["entitle", "entitle-all"] {
        let out = try_repo(hook);
        assert_eq!(out.status.code(), Some(0), "{hook}: {}", text(&out));
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
