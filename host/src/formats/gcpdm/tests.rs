//! Deployment Manager front-end tests: the real quick-start config and expanded-config shapes.

use super::*;
use crate::classify::test_support::catalog;

fn read(text: &str) -> Extracted {
    let docs = crate::document::parse_text(text).expect("parses");
    assert!(detect(&docs[0]), "detected");
    workloads("dm.yaml", &docs[0], catalog())
}

#[test]
fn quick_start_vm_is_debian() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/real/other/gcp-deployment-manager/quick_start-vm.yaml");
    let out = read(&std::fs::read_to_string(path).unwrap());
    assert_eq!(out.workloads.len(), 1);
    let w = &out.workloads[0];
    assert_eq!((w.id.as_str(), w.kind.as_str(), w.count), ("quickstart-deployment-vm", "vm", Some(1)));
    assert_eq!(w.os.vendor.as_deref(), Some("debian"));
    assert!(!w.is_rhel());
    assert_eq!(w.provenance["os.vendor"].line, Some(41));
    assert_eq!(w.region.as_deref(), Some("us-central1-f"));
}

#[test]
fn expanded_config_forms() {
    let text = r#"
imports: [{path: vm.jinja}]
resources:
- name: rhel-payg
  type: compute.v1.instance
  properties:
    zone: europe-west1-b
    disks:
    - {boot: false, initializeParams: {sourceImage: "projects/debian-cloud/global/images/family/debian-12"}}
    - boot: true
      initializeParams: {sourceImage: "https://www.googleapis.com/compute/v1/projects/rhel-cloud/global/images/family/rhel-9"}
    metadata:
      items: [{key: startup-script, value: "subscription-manager register"}]
- name: byos-by-licence
  type: compute.v1.instance
  properties:
    disks:
    - boot: true
      initializeParams: {sourceImage: "my-project/golden-v20250101"}
      licenses: ["https://www.googleapis.com/compute/v1/projects/rhel-cloud/global/licenses/rhel-8-byos"]
- name: sap
  type: compute.beta.instanceTemplate
  properties:
    properties:
      disks: [{initializeParams: {sourceImage: "rhel-sap-cloud/rhel-8-4-sap-ha"}}]
- name: by-ref
  type: compute.v1.instance
  properties:
    disks: [{boot: true, initializeParams: {sourceImage: "$(ref.golden.selfLink)"}}]
- name: nested
  type: vm.jinja
- name: net
  type: compute.v1.network
"#;
    let out = read(text);
    let got: Vec<String> = out
        .workloads
        .iter()
        .map(|w| {
            let os = w.release().unwrap_or_else(|| "?".into());
            format!("{} {} rhel={} {os} {:?} {:?}", w.id, w.kind, w.is_rhel(), w.billing.model, w.addons)
        })
        .collect();
    assert_eq!(
        got,
        [
            "rhel-payg vm rhel=true 9 Payg []",
            "byos-by-licence vm rhel=true 8 Byos []",
            "sap instance_template rhel=true 8.4 Payg [\"sap\", \"ha\"]",
            "by-ref vm rhel=false ? Unknown []",
        ]
    );
    assert_eq!(out.workloads[0].boot[0].kind, "startup_script");
    assert_eq!(out.workloads[0].provenance["os.major"].line, Some(11));
    assert!(out.workloads[3].unknown["image"].contains("resolved when it is deployed"));
    assert!(out.workloads[2].unknown["count"].contains("instance template"));
    assert!(
        out.notes.iter().any(|n| n.contains("resource nested is of type vm.jinja") && n.contains("expandedConfig"))
    );
}

#[test]
fn other_documents_are_not_deployment_manager() {
    for text in [
        "resources: []",
        "resources: [{name: a}]",
        "{\"resources\": [{\"name\": \"a\", \"type\": \"t\"}], \"contentVersion\": \"1\"}",
        "a: 1",
    ] {
        let docs = crate::document::parse_text(text).unwrap();
        assert!(!detect(&docs[0]), "{text}");
    }
    assert!(looks_like_template("resources:\n- name: {{ env['name'] }}"));
    assert!(looks_like_template("def GenerateConfig(context):\n  return {}"));
    assert!(!looks_like_template("print('hello')"));
}
