//! The manifests in `deploy/kubernetes/` validate offline against the Kubernetes schemas
//! (`kubernetes-validate` from PyPI, which ships them; `.ci/run` installs it), a broken
//! copy fails, and the manifests agree with the server: the webhook registers exactly
//! the kinds entitle checks, at the path it serves, and the probes name its endpoints.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn manifests() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("deploy/kubernetes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    files
}

fn documents(path: &Path) -> Vec<Value> {
    let docs = entitle::document::parse_bytes(&std::fs::read(path).unwrap()).unwrap();
    docs.into_iter().map(|d| d.value).collect()
}

fn validate(files: &[PathBuf]) -> (bool, String) {
    let out = Command::new("kubernetes-validate").arg("--strict").args(files).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn manifests_validate_offline_and_a_broken_one_fails() {
    if Command::new("kubernetes-validate").arg("--version").output().is_err() {
        eprintln!(
            "SKIPPED: `kubernetes-validate` is not installed (`python3 -m pip install kubernetes-validate`; .ci/run does)"
        );
        return;
    }
    let files = manifests();
    let (ok, text) = validate(&files);
    assert!(ok, "{text}");
    for file in &files {
        for doc in documents(file) {
            let (api, kind) = (doc["apiVersion"].as_str().unwrap(), doc["kind"].as_str().unwrap());
            let name = file.display();
            if api.starts_with("cert-manager.io/") {
                // cert-manager's CRDs are not in the Kubernetes schemas: said, not failed.
                let said = format!("WARN {name} Couldn't find schema for kind {kind} with api version {api}");
                assert!(text.contains(&said), "{said}\n{text}");
            } else {
                let passed = format!("INFO {name} passed for resource {}/", kind.to_ascii_lowercase());
                assert!(text.contains(&passed), "{passed}\n{text}");
            }
        }
    }
    // A deliberately broken copy: a string where the schema wants a number, and a field it does not know.
    let scratch = std::env::temp_dir().join(format!("entitle-manifests-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let source = files.iter().find(|f| f.ends_with("deployment.yaml")).unwrap();
    let text = std::fs::read_to_string(source).unwrap();
    for (from, to) in
        [("replicas: 2", "replicas: two"), ("readOnlyRootFilesystem: true", "readOnlyRootFilesystm: true")]
    {
        assert!(text.contains(from));
        let broken = scratch.join("deployment.yaml");
        std::fs::write(&broken, text.replace(from, to)).unwrap();
        let (ok, said) = validate(&[broken]);
        assert!(!ok, "{to} passed: {said}");
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn the_webhook_registers_the_kinds_entitle_checks_at_the_path_it_serves() {
    let files = manifests();
    let all: Vec<Value> = files.iter().flat_map(|f| documents(f)).collect();
    let webhook = all.iter().find(|d| d["kind"] == "ValidatingWebhookConfiguration").unwrap();
    let hook = &webhook["webhooks"][0];
    assert_eq!(hook["clientConfig"]["service"]["path"], "/v1/admission");
    assert_eq!(hook["admissionReviewVersions"], serde_json::json!(["v1"]));
    assert_eq!(webhook["metadata"]["annotations"]["cert-manager.io/inject-ca-from"], "entitle/entitle-tls");
    let mut registered = Vec::new();
    for rule in hook["rules"].as_array().unwrap() {
        for group in rule["apiGroups"].as_array().unwrap() {
            for resource in rule["resources"].as_array().unwrap() {
                registered.push((group.as_str().unwrap().to_owned(), resource.as_str().unwrap().to_owned()));
            }
        }
    }
    let mut checked: Vec<(String, String)> = entitle::serve::ADMISSION_KINDS
        .iter()
        .map(|(group, kind)| (group.to_string(), format!("{}s", kind.to_ascii_lowercase())))
        .collect();
    registered.sort();
    checked.sort();
    assert_eq!(registered, checked);

    let deployment = all.iter().find(|d| d["kind"] == "Deployment").unwrap();
    assert_eq!(deployment["spec"]["replicas"], 2);
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/readyz");
    assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"], true);
    let env: Vec<&str> = container["env"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    // Every variable the Deployment sets is one `entitle serve` reads (or TMPDIR).
    let help = Command::new(env!("CARGO_BIN_EXE_entitle")).args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for name in env.iter().filter(|n| **n != "TMPDIR") {
        assert!(help.contains(&format!("[env: {name}=")), "{name} is not an `entitle serve` variable");
    }
    for kind in ["Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Certificate"] {
        assert!(all.iter().any(|d| d["kind"] == kind), "no {kind}");
    }
}
