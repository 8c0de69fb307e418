//! Paths that match wherever entitle runs (#18 item 1): a waiver file and a baseline
//! written once match every finding whether the check runs from the project root, from
//! a subfolder, with `..` and `./` in the path, with absolute paths, or from outside the
//! project with `--root`; reports name files relative to the root (`--absolute-paths`
//! for absolute ones); stale baseline entries and waivers for unknown rules are reported.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A scratch project (a git work tree: it has `.git/`) holding the RHEL 7.2 example at
/// `infra/vm.json`, and a folder outside it. Canonical, so absolute paths compare.
fn project(name: &str) -> (PathBuf, PathBuf) {
    let base = std::env::temp_dir().join(format!("entitle-root-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let dir = base.join("repo");
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::create_dir_all(base.join("elsewhere")).unwrap();
    std::fs::copy(repo_root().join("examples/azure-rhel7-payg.json"), dir.join("infra/vm.json")).unwrap();
    std::fs::write(dir.join("infra/fleet.yaml"), FLEET).unwrap();
    (dir.canonicalize().unwrap(), base.join("elsewhere").canonicalize().unwrap())
}

fn entitle(cwd: &Path, args: &[&str]) -> Output {
    let cache = std::env::temp_dir().join(format!("entitle-root-{}-cache", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(args)
        .current_dir(cwd)
        .env("ENTITLE_CACHE_DIR", cache)
        .output()
        .unwrap()
}

fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

fn rules(r: &Value) -> Vec<String> {
    r["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect()
}

/// Two machines past their major release's end: one waived, one baselined.
const FLEET: &str = "entitle: 1\nworkloads:\n  - id: a\n    os: {product: rhel, version: \"6.10\"}\n  - id: b\n    os: {product: rhel, version: \"6.10\"}\n";

/// An exact path, not a glob: it matches only when the input path is normalised.
const WAIVER: &str = r#"[[waiver]]
rule = "RHEL-LC-MAJOR-EOL"
path = "infra/fleet.yaml"
resource = "a"
reason = "Decommissioned with the legacy platform"
expires = 2027-03-31
"#;

#[test]
fn a_waiver_and_a_baseline_written_once_match_from_the_root_a_subfolder_and_with_absolute_paths() {
    let (dir, elsewhere) = project("anywhere");
    std::fs::write(dir.join(".entitle-waivers.toml"), WAIVER).unwrap();
    let out = entitle(&dir, &["baseline", "--as-of", "2026-11-25", "infra/fleet.yaml", "--output", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let taken: Value = serde_json::from_slice(&std::fs::read(dir.join("baseline.json")).unwrap()).unwrap();
    let entries = taken["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{taken}");
    assert!(entries.iter().all(|e| e["path"] == "infra/fleet.yaml"), "{taken}");

    let abs = |p: &str| dir.join(p).display().to_string();
    let (infra, base_abs, fleet_abs, root_abs) =
        (dir.join("infra"), abs("baseline.json"), abs("infra/fleet.yaml"), abs(""));
    let waivers_abs = abs(".entitle-waivers.toml");
    let runs: Vec<(&Path, Vec<&str>)> = vec![
        (&dir, vec!["--baseline", "baseline.json", "infra/fleet.yaml"]),
        (&dir, vec!["--baseline", "./baseline.json", "./infra/../infra/fleet.yaml"]),
        (&infra, vec!["--baseline", "../baseline.json", "fleet.yaml"]),
        (&infra, vec!["--baseline", "../baseline.json", "./fleet.yaml"]),
        (&infra, vec!["--baseline", &base_abs, &fleet_abs]),
        (&dir, vec!["--baseline", &base_abs, &fleet_abs]),
        (&elsewhere, vec!["--root", &root_abs, "--baseline", &base_abs, &fleet_abs]),
        (&elsewhere, vec!["--waivers", &waivers_abs, "--baseline", &base_abs, &fleet_abs]),
    ];
    for (cwd, args) in runs {
        let mut all = vec!["check", "--format", "json", "--as-of", "2026-11-25"];
        all.extend(args.iter().copied());
        let out = entitle(cwd, &all);
        let r = report(&out);
        let what = format!("from {} with {args:?}", cwd.display());
        assert_eq!(out.status.code(), Some(0), "{what}: {r}");
        assert_eq!(r["summary"]["waived"], 1, "{what}: {r}");
        assert_eq!(r["summary"]["baselined"], 1, "{what}: {r}");
        assert_eq!(rules(&r), ["RHEL-LC-MAJOR-EOL", "RHEL-LC-MAJOR-EOL"], "{what}");
        for f in r["findings"].as_array().unwrap() {
            assert_eq!(f["location"]["path"], "infra/fleet.yaml", "{what}");
        }
        assert_eq!(r["inputs"][0]["path"], "infra/fleet.yaml", "{what}");
    }
}

#[test]
fn a_baseline_taken_from_a_subfolder_is_the_one_taken_from_the_root() {
    let (dir, elsewhere) = project("same-baseline");
    let a = entitle(&dir, &["baseline", "--as-of", "2026-11-25", "infra", "--output", "a.json"]);
    let b = entitle(&dir.join("infra"), &["baseline", "--as-of", "2026-11-25", ".", "--output", "../b.json"]);
    let vm = dir.join("infra").display().to_string();
    let c_out = dir.join("c.json").display().to_string();
    let root = dir.display().to_string();
    let c = entitle(&elsewhere, &["baseline", "--root", &root, "--as-of", "2026-11-25", &vm, "--output", &c_out]);
    for out in [&a, &b, &c] {
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let a = std::fs::read_to_string(dir.join("a.json")).unwrap();
    assert_eq!(a, std::fs::read_to_string(dir.join("b.json")).unwrap());
    assert_eq!(a, std::fs::read_to_string(dir.join("c.json")).unwrap());
}

#[test]
fn absolute_paths_are_reported_on_request_and_fingerprints_do_not_change() {
    let (dir, _) = project("absolute");
    let plain = report(&entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "infra"]));
    let args = ["check", "--format", "json", "--absolute-paths", "--as-of", "2026-11-25", "."];
    let absolute = report(&entitle(&dir.join("infra"), &args));
    let abs = |rel: &Value| dir.join(rel.as_str().unwrap()).display().to_string();
    let (p, a) = (plain["findings"].as_array().unwrap(), absolute["findings"].as_array().unwrap());
    assert_eq!(p.len(), a.len());
    for (p, a) in p.iter().zip(a) {
        assert!(p["location"]["path"].as_str().unwrap().starts_with("infra/"), "{p}");
        assert_eq!(a["location"]["path"].as_str(), Some(abs(&p["location"]["path"]).as_str()), "{a}");
        assert_eq!(p["fingerprint"], a["fingerprint"]);
    }
    assert_eq!(absolute["inputs"][0]["path"].as_str(), Some(abs(&plain["inputs"][0]["path"]).as_str()));
    // SARIF and GitHub annotations name the same file, relative unless asked otherwise.
    let github = entitle(&dir.join("infra"), &["check", "--format", "github", "--as-of", "2026-11-25", "vm.json"]);
    let text = String::from_utf8_lossy(&github.stdout);
    assert!(text.lines().all(|l| !l.contains("file=") || l.contains("file=infra/vm.json")), "{text}");
}

#[test]
fn a_stale_baseline_entry_is_reported_at_its_line() {
    let (dir, _) = project("stale");
    let out = entitle(&dir, &["baseline", "--as-of", "2026-11-25", "infra", "--output", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0));
    let mut taken: Value = serde_json::from_slice(&std::fs::read(dir.join("baseline.json")).unwrap()).unwrap();
    let gone = serde_json::json!({"fingerprint": "00000000deadbeef", "rule": "RHEL-LC-MAJOR-EOL", "path": "infra/old.json", "resource": "gone"});
    taken["findings"].as_array_mut().unwrap().push(gone);
    let text = serde_json::to_string_pretty(&taken).unwrap();
    std::fs::write(dir.join("baseline.json"), &text).unwrap();
    let line = text.lines().position(|l| l.contains("00000000deadbeef")).unwrap() as u64 + 1;
    let args = ["check", "--format", "json", "--baseline", "baseline.json", "--as-of", "2026-11-25", "infra"];
    let r = report(&entitle(&dir, &args));
    let stale: Vec<&Value> =
        r["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "ENTITLE-BASELINE-STALE").collect();
    assert_eq!(stale.len(), 1, "{r}");
    assert_eq!(stale[0]["severity"], "info");
    assert_eq!(stale[0]["location"]["path"], "baseline.json");
    assert_eq!(stale[0]["location"]["line"].as_u64(), Some(line));
    assert!(stale[0]["message"].as_str().unwrap().contains("infra/old.json"), "{}", stale[0]);
}

#[test]
fn a_waiver_for_a_rule_no_policy_declares_is_an_error_at_its_line() {
    let (dir, _) = project("unknown-rule");
    let text = format!(
        "{WAIVER}\n[[waiver]]\nrule = \"RHEL-LC-MAJOR-EOLL\"\npath = \"infra/**\"\nreason = \"typo\"\nexpires = 2027-01-01\n"
    );
    std::fs::write(dir.join(".entitle-waivers.toml"), text).unwrap();
    let out = entitle(&dir.join("infra"), &["check", "--format", "json", "--as-of", "2026-11-25", "vm.json"]);
    assert_eq!(out.status.code(), Some(2));
    let r = report(&out);
    let e = &r["errors"][0];
    assert_eq!((e["path"].as_str(), e["line"].as_u64()), (Some(".entitle-waivers.toml"), Some(8)), "{e}");
    assert!(e["message"].as_str().unwrap().contains("RHEL-LC-MAJOR-EOLL"), "{e}");
}

#[test]
fn a_symbolic_link_inside_the_root_keeps_its_own_name() {
    #[cfg(unix)]
    {
        let (dir, elsewhere) = project("link");
        std::fs::copy(dir.join("infra/vm.json"), elsewhere.join("outside.json")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("outside.json"), dir.join("infra/linked.json")).unwrap();
        let r = report(&entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "infra/linked.json"]));
        assert_eq!(r["inputs"][0]["path"], "infra/linked.json", "{r}");
    }
}

#[test]
fn facts_and_the_bill_of_materials_name_files_from_the_root_wherever_they_run() {
    let (dir, elsewhere) = project("facts-bom");
    let (infra, root) = (dir.join("infra"), dir.display().to_string());
    let fleet_abs = dir.join("infra/fleet.yaml").display().to_string();
    let runs: Vec<(&Path, Vec<&str>)> = vec![
        (&dir, vec!["infra/fleet.yaml"]),
        (&infra, vec!["fleet.yaml"]),
        (&infra, vec![&fleet_abs]),
        (&elsewhere, vec!["--root", &root, &fleet_abs]),
    ];
    let (mut facts, mut boms) = (Vec::new(), Vec::new());
    for (cwd, args) in &runs {
        let out = entitle(cwd, &[&["facts"], args.as_slice()].concat());
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let model = report(&out);
        assert_eq!(model["inputs"][0]["path"], "infra/fleet.yaml", "{args:?}");
        facts.push(model);
        let bom_args = [&["bom", "--format", "json", "--as-of", "2026-11-25"], args.as_slice()].concat();
        let out = entitle(cwd, &bom_args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        boms.push(String::from_utf8(out.stdout).unwrap());
    }
    assert!(facts.windows(2).all(|w| w[0] == w[1]), "the model differs between runs");
    assert!(boms.windows(2).all(|w| w[0] == w[1]), "the BOM differs between runs");
    assert!(boms[0].contains("infra/fleet.yaml"), "{}", boms[0]);
}
