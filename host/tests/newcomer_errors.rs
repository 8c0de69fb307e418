//! Errors a newcomer understands (#18 item 7): a policy file that is not wasm says so
//! without the text parser's internals, an empty file says "empty", a missing path is
//! phase `read`, and a settings error names the settings file and line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entitle-newcomer-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("fleet.yaml"),
        "entitle: 1\nworkloads:\n  - id: a\n    os: {product: rhel, version: \"9.4\"}\n",
    )
    .unwrap();
    dir
}

fn errors(dir: &Path, args: &[&str]) -> Vec<Value> {
    let cache = std::env::temp_dir().join(format!("entitle-newcomer-{}-cache", std::process::id()));
    let out: Output = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(["check", "--format", "json", "--as-of", "2026-11-25"])
        .args(args)
        .current_dir(dir)
        .env("ENTITLE_CACHE_DIR", cache)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["errors"].as_array().unwrap().clone()
}

#[test]
fn a_missing_path_is_phase_read_and_says_it_does_not_exist() {
    let dir = scratch("missing");
    let e = errors(&dir, &["fleet.yaml", "nope.json"]);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0]["path"].as_str(), e[0]["phase"].as_str()), (Some("nope.json"), Some("read")));
    assert_eq!(e[0]["message"], "does not exist: no such file or directory");
}

#[test]
fn an_empty_input_says_empty() {
    let dir = scratch("empty");
    std::fs::write(dir.join("blank.json"), "").unwrap();
    std::fs::write(dir.join("spaces.yaml"), " \n\n").unwrap();
    let e = errors(&dir, &["blank.json", "spaces.yaml"]);
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(e[0]["message"], "the file is empty: there is nothing to check");
    assert_eq!(e[1]["message"], "the file is empty (white space only): there is nothing to check");
}

#[test]
fn a_policy_file_that_is_not_wasm_says_so_without_parser_internals() {
    let dir = scratch("not-wasm");
    std::fs::write(dir.join("policy.wasm"), "{\"not\": \"a policy\"}\n").unwrap();
    std::fs::write(dir.join("empty.wasm"), "").unwrap();
    std::fs::write(dir.join("broken.wat"), "(module (func $f (result i32) (i32.const)))").unwrap();
    let e =
        errors(&dir, &["--policy", "policy.wasm", "--policy", "empty.wasm", "--policy", "broken.wat", "fleet.yaml"]);
    let by_path = |p: &str| e.iter().find(|e| e["path"] == p).unwrap_or_else(|| panic!("{p}: {e:?}"));
    assert_eq!(
        by_path("policy.wasm")["message"],
        "cannot load this policy file: not a WebAssembly module or .wat text"
    );
    assert_eq!(
        by_path("empty.wasm")["message"],
        "cannot load this policy file: the file is empty: not a WebAssembly module or .wat text"
    );
    // Text that is .wat keeps the parser's account: the author wrote it and needs the place.
    assert!(by_path("broken.wat")["message"].as_str().unwrap().contains("invalid .wat text"), "{e:?}");
    for e in &e {
        assert_eq!(e["phase"], "load");
    }
}

#[test]
fn a_settings_error_names_the_settings_file_and_line() {
    let dir = scratch("settings");
    std::fs::write(dir.join("settings.yaml"), "# policy settings\nrhel-lifecycle: {}\nrhel-lifecyle:\n  x: 1\n")
        .unwrap();
    let e = errors(&dir, &["--settings", "settings.yaml", "fleet.yaml"]);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0]["path"].as_str(), e[0]["line"].as_u64()), (Some("settings.yaml"), Some(3)), "{e:?}");
    assert_eq!(e[0]["phase"], "settings");
    assert!(e[0]["message"].as_str().unwrap().contains("rhel-lifecyle"), "{e:?}");
}
