//! Deeply nested input through the real binary: a 10,000-deep block sequence, a 3,000-deep block mapping, deep flow
//! YAML and deep JSON, as descriptors and as `--settings` / `--context` files. Each is a located error for that file
//! (exit 2) and the other inputs of the run are still checked; none may crash the process (the stack overflow of
//! issue 14).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

#[test]
fn deep_nesting_is_a_located_error_and_the_run_goes_on() {
    let dir = std::env::temp_dir().join(format!("entitle-deep-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: String| std::fs::write(dir.join(name), text).unwrap();
    write("seq.yaml", format!("{}x\n", "- ".repeat(10_000)));
    write("map.yaml", (0..3_000).map(|depth| format!("{}k:\n", " ".repeat(depth))).collect());
    write("flow.yaml", format!("a: {}\n", "[".repeat(100_000)));
    write("deep.json", format!("{{\"a\": {}{}}}\n", "[".repeat(100_000), "]".repeat(100_000)));
    let fleet = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/fleet.yaml");
    std::fs::copy(fleet, dir.join("fleet.yaml")).unwrap();
    let files = ["seq.yaml", "map.yaml", "flow.yaml", "deep.json", "fleet.yaml"];
    let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(["check", "--format", "json", "--as-of", "2026-11-25", "--settings", "seq.yaml", "--context", "map.yaml"])
        .args(files)
        .current_dir(&dir)
        .env("ENTITLE_CACHE_DIR", dir.join("cache"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let errors = report["errors"].as_array().expect("errors");
    let at = |path: &str, phase: &str| {
        errors
            .iter()
            .find(|e| e["path"] == path && e["phase"] == phase)
            .map(|e| (e["line"].clone(), e["message"].clone()))
    };
    for (path, phase, line) in [
        ("seq.yaml", "parse", 1),
        ("seq.yaml", "config", 1),
        ("map.yaml", "parse", 513),
        ("map.yaml", "config", 513),
        ("flow.yaml", "parse", 1),
        ("deep.json", "parse", 1),
    ] {
        let (found, message) = at(path, phase).unwrap_or_else(|| panic!("no {phase} error for {path}: {errors:#?}"));
        assert_eq!(found, line, "{path} {phase}: {message}");
    }
    let fleet: Vec<&Value> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["location"]["path"] == "fleet.yaml").collect();
    assert!(fleet.iter().any(|f| f["rule"] == "RHEL-LC-MAJOR-EOL"), "the other input is still checked: {fleet:#?}");
}
