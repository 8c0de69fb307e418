//! Runs the real `entitle` binary on the Kubernetes and Deployment Manager corpus files: the
//! issue's checks (`entitle facts --format json FILE`, `entitle check`), `--platform`, and a
//! Jinja template, which is an error when named or met in a walk, and an input "not checked"
//! in every report format with `--allow-unchecked`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn corpus(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/real").join(rel)
}

fn entitle(args: &[&str]) -> Output {
    let cache = std::env::temp_dir().join(format!("entitle-cli-k8s-{}-cache", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(args)
        .env("ENTITLE_CACHE_DIR", cache)
        .env("NO_COLOR", "1")
        .output()
        .expect("run entitle")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn facts(rel: &str, extra: &[&str]) -> Value {
    let path = corpus(rel).display().to_string();
    let mut args = vec!["facts", "--format", "json", path.as_str()];
    args.extend(extra);
    let out = entitle(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn facts_give_the_workloads_sources_md_describes() {
    let vm = facts("kubernetes/kubevirt/vm-template-rhel7.yaml", &[]);
    let w = &vm["workloads"][0];
    assert_eq!(
        (&w["kind"], &w["os"]["product"], &w["os"]["major"], &w["os"]["minor"]),
        (&"virtual_machine".into(), &"rhel".into(), &7.into(), &4.into())
    );
    assert!(
        w["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e.as_str().unwrap().contains("label kubevirt.io/os = rhel-7.4 only (weaker"))
    );
    let pg = facts("kubernetes/openshift-library/postgresql-persistent.template.json", &[]);
    let w = &pg["workloads"][0];
    assert_eq!(
        (&w["os"]["product"], &w["os"]["major"], &w["image"]["version"]),
        (&"rhel".into(), &8.into(), &"15-el8".into())
    );
    let httpd = facts("kubernetes/openshift-library/httpd-rhel.imagestream.json", &[]);
    let products: Vec<String> = httpd["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| format!("{} {}", w["os"]["product"], w["os"]["major"]))
        .collect();
    assert_eq!(products, ["\"ubi\" 8", "\"ubi\" 9", "\"ubi\" 10", "\"rhel\" 8", "\"ubi\" 10"]);
    let aws = facts("kubernetes/kubermatic-machine-controller/aws-machinedeployment.yaml", &[]);
    let w = &aws["workloads"][0];
    assert_eq!((aws["workloads"].as_array().unwrap().len(), &w["os"]["product"]), (1, &"ubuntu".into()));
    assert!(w.get("registration").is_none());
    let dm = facts("other/gcp-deployment-manager/quick_start-vm.yaml", &[]);
    assert_eq!(dm["workloads"][0]["os"]["vendor"], "debian");
}

#[test]
fn platform_flag_states_the_cluster() {
    let aws = facts("kubernetes/kubermatic-machine-controller/aws-machinedeployment.yaml", &["--platform", "eks"]);
    assert_eq!(aws["workloads"][0]["cluster"]["platform"], "eks");
    let bad = entitle(&["facts", "--platform", "nomad", &corpus("kubernetes").display().to_string()]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
}

#[test]
fn check_reports_the_eol_vm_and_nothing_on_the_negative_controls() {
    let dirs = [corpus("kubernetes"), corpus("other")].map(|p| p.display().to_string());
    // `other/` holds a Jinja template, which fails the gate unless allowed.
    let out = entitle(&["check", "--allow-unchecked", "--format", "json", "--as-of", "2026-12-02", &dirs[0], &dirs[1]]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().to_owned(), f["location"]["path"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].0, "RHEL-LC-MAJOR-EOL");
    assert!(findings[0].1.ends_with("vm-template-rhel7.yaml"));
}

#[test]
fn a_named_jinja_template_is_an_error_with_the_fix() {
    let path = corpus("other/gcp-deployment-manager/apigee-vm-template.jinja").display().to_string();
    for args in [vec!["facts", "--format", "json", path.as_str()], vec!["check", path.as_str()]] {
        let out = entitle(&args);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains("gcloud deployment-manager manifests describe"), "{}", text(&out));
        assert!(text(&out).contains("expandedConfig"), "{}", text(&out));
    }
}

#[test]
fn a_walked_jinja_template_fails_the_gate_with_the_fix() {
    let dir = corpus("other").display().to_string();
    let out = entitle(&["check", "--as-of", "2026-12-02", &dir]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("apigee-vm-template.jinja: error[parse] a deployment descriptor entitle cannot check"));
    assert!(text(&out).contains("expandedConfig") && text(&out).contains("--allow-unchecked"), "{}", text(&out));
}

#[test]
fn an_allowed_walked_jinja_template_is_not_checked_in_every_format() {
    let dir = corpus("other").display().to_string();
    let expect = |format: &str, needle: &str| {
        let out = entitle(&["check", "--allow-unchecked", "--as-of", "2026-12-02", "--format", format, &dir]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", text(&out));
        let body = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(body.contains(needle), "{format} lacks {needle}:\n{body}");
        assert!(body.contains("apigee-vm-template.jinja"), "{format}:\n{body}");
        assert!(body.contains("expandedConfig"), "{format}:\n{body}");
    };
    expect("human", "note: not checked: a Deployment Manager Jinja");
    expect("json", "\"skipped\": \"a Deployment Manager Jinja");
    expect("sarif", "not checked: a Deployment Manager Jinja");
    expect("junit", "entitle:skipped");
    expect("github", "::notice file=");
    expect("gitlab", "entitle:not-checked");
}
