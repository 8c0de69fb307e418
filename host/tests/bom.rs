//! `entitle bom` on the real binary: the checks issue 17 names (the JBoss clustered corpus
//! templates with the BYOS choice against one node-pair subscription; a plan growing an
//! `aws_instance` from 2 to 8 on an Access2 AMI; a vCPU subscription with Standard_D4s_v5
//! VMs and an unknown size), the baseline delta, and the CycloneDX output validated against
//! the official CycloneDX 1.6 JSON schema.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn data(name: &str) -> String {
    root().join("host/tests/data/bom").join(name).display().to_string()
}

fn entitle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entitle")).args(args).current_dir(root()).output().expect("run entitle")
}

fn bom_json(args: &[&str]) -> Value {
    let mut all = vec!["bom", "--format", "json", "--as-of", "2026-11-25"];
    all.extend_from_slice(args);
    let out = entitle(&all);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn jboss() -> [String; 2] {
    let corpus = root().join("../shared/corpus/real/arm/aqt-2022");
    ["jboss-eap-clustered-multivm-rhel", "jboss-eap-clustered-vmss-rhel"].map(|d| corpus.join(d).display().to_string())
}

#[test]
fn jboss_clustered_byos_instances_are_counted_with_their_copies_and_the_shortfall_is_in_subscriptions() {
    let [a, b] = jboss();
    let params = data("jboss-byos.parameters.json");
    let context = data("one-node-pair.yaml");
    let bom = bom_json(&["--params", &params, "--context", &context, &a, &b]);
    let byos: Vec<&Value> = bom["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["billing"] == "byos" && i.get("alternative").is_none())
        .collect();
    assert_eq!(byos.len(), 2, "{bom:#}");
    for i in &byos {
        assert_eq!((i["release"].as_str(), i["count"].as_u64()), (Some("8.4"), Some(2)), "{i:#}");
    }
    let total = &bom["totals"][0];
    assert_eq!((total["billing"].as_str(), total["instances"]["value"].as_u64()), (Some("byos"), Some(4)));
    assert_eq!(total["node_pairs"]["value"], 2);
    let coverage = &bom["coverage"];
    assert_eq!(coverage["uncovered"]["value"], 2);
    assert_eq!(
        coverage["buy"], "1 × RH00004 Red Hat Enterprise Linux Server, Standard (Physical or Virtual Nodes)",
        "{coverage:#}"
    );

    // Without the parameters file the BYOS choice is weighed on its own, the other at its default.
    let bom = bom_json(&["--context", &context, &a, &b]);
    let choices = bom["coverage"]["choices"].as_array().unwrap();
    assert_eq!(choices.len(), 2, "{bom:#}");
    assert!(choices.iter().all(|c| c["when"] == "parameter rhelOSLicenseType = BYOS" && c["uncovered"] == 0));
}

#[test]
fn a_plan_growing_an_access2_instance_from_2_to_8_adds_6_instances_and_3_node_pairs() {
    let amis = root().join("host/tests/data/describe-images.json").display().to_string();
    let plan = data("grow-2-to-8.tfplan.json");
    let bom = bom_json(&["--ami-catalog", &amis, &plan]);
    let change = &bom["delta"]["changes"][0];
    assert_eq!((change["billing"].as_str(), change["instances"].as_i64()), (Some("byos"), Some(6)), "{bom:#}");
    assert_eq!(change["node_pairs"], 3);
    let out = entitle(&["bom", "--as-of", "2026-11-25", "--ami-catalog", &amis, &plan]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("+6 RHEL Server BYOS instance(s) → +3 Physical or Virtual Nodes subscription(s)"),
        "{table}"
    );
}

#[test]
fn a_vcpu_subscription_counts_4_vcpus_per_d4s_v5_and_an_unknown_size_is_a_lower_bound() {
    let bom = bom_json(&["--context", &data("vcpus-16.yaml"), &data("d4s.yaml")]);
    let items = bom["items"].as_array().unwrap();
    assert_eq!(items[0]["vcpus"], 4);
    assert!(items[1].get("vcpus").is_none(), "Standard_Q7z_v9 is not in the catalog: {:#}", items[1]);
    let total = &bom["totals"][0];
    assert_eq!(total["vcpus"], serde_json::json!({"value": 13, "exact": false}), "12 + at least 1");
    let coverage = &bom["coverage"];
    let vcpus = coverage["units"].as_array().unwrap().iter().find(|u| u["measure"] == "vCPUs").unwrap();
    assert_eq!((vcpus["required"]["exact"].as_bool(), vcpus["owned"].as_u64()), (Some(false), Some(16)));
    assert_eq!(coverage["unconfirmed"], true, "{coverage:#}");
    let out = entitle(&["bom", "--as-of", "2026-11-25", "--context", &data("vcpus-16.yaml"), &data("d4s.yaml")]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("vCPUs: required at least 13, owned 16"), "{table}");
}

#[test]
fn a_baseline_bom_gives_the_delta_for_any_format() {
    let dir = std::env::temp_dir().join(format!("entitle-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let old = dir.join("old.json");
    let [a, _] = jboss();
    let out = entitle(&["bom", "--format", "json", "--as-of", "2026-11-25", "--output", old.to_str().unwrap(), &a]);
    assert_eq!(out.status.code(), Some(0));
    let bom = bom_json(&["--baseline", old.to_str().unwrap(), "--params", &data("jboss-byos.parameters.json"), &a]);
    let changes = bom["delta"]["changes"].as_array().unwrap();
    let byos = changes.iter().find(|c| c["billing"] == "byos" && c["product"] == "RHEL Server").unwrap();
    assert_eq!((byos["instances"].as_i64(), byos["node_pairs"].as_i64()), (Some(2), Some(1)), "{changes:#?}");
    let payg = changes.iter().find(|c| c["billing"] == "payg" && c["product"] == "RHEL Server").unwrap();
    assert_eq!(payg["instances"], -2);
    std::fs::write(&old, "{\"schema\": \"other/9\"}").unwrap();
    let out = entitle(&["bom", "--baseline", old.to_str().unwrap(), &a]);
    assert_ne!(out.status.code(), Some(0), "a file that is not a BOM is refused");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unreadable_input_fails_the_bom_with_exit_2() {
    let out = entitle(&["bom", "--as-of", "2026-11-25", "host/tests/data/bom/missing.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));
}

/// Resolves the CycloneDX schema's relative references from the shared schemas folder.
struct Schemas;

impl jsonschema::Retrieve for Schemas {
    fn retrieve(&self, uri: &jsonschema::Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.path().as_str().rsplit('/').next().unwrap_or_default().to_owned();
        let path = root().join("../shared/schemas").join(&name);
        Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
    }
}

fn cyclonedx_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("../shared/schemas/bom-1.6.schema.json")).unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        jsonschema::options().should_validate_formats(true).with_retriever(Schemas).build(&schema).unwrap()
    })
}

#[test]
fn cyclonedx_output_validates_against_the_official_1_6_schema() {
    let [a, b] = jboss();
    let examples = root().join("examples").display().to_string();
    for args in [vec![examples.as_str()], vec![a.as_str(), b.as_str()], vec![&data("d4s.yaml")]] {
        let mut all = vec!["bom", "--format", "cyclonedx", "--as-of", "2026-11-25"];
        all.extend(args);
        let out = entitle(&all);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<String> =
            cyclonedx_validator().iter_errors(&doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "CycloneDX 1.6 schema errors: {errors:#?}");
        assert_eq!(doc["specVersion"], "1.6");
        let props = doc["metadata"]["properties"].as_array().unwrap();
        assert!(props.iter().any(|p| p["name"] == "entitle:catalog-sha256"));
        assert!(!doc["components"].as_array().unwrap().is_empty());
    }
    // The validator is not vacuous: a component without a name is refused.
    let bad = serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "operating-system"}]});
    assert!(!cyclonedx_validator().is_valid(&bad));
}
