//! The cloud-licensing checks on real descriptors, through the real binary: PAYG images
//! that attach a pool (OpenShift on Azure and on AWS), the JBoss BYOS plan (present, and
//! removed from a copy), BYOS subscription counting with an org context, and an invalid
//! context file (exit 2, naming the field and line).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn corpus(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/real").join(path)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entitle-licensing-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn entitle(args: &[&str]) -> Output {
    let cache = std::env::temp_dir().join(format!("entitle-licensing-{}-cache", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(["check", "--as-of", "2026-12-02", "--format", "json"])
        .args(args)
        .env("ENTITLE_CACHE_DIR", cache)
        .output()
        .expect("run entitle")
}

fn findings(out: &Output, rule: &str) -> Vec<Value> {
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    report["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == rule).cloned().collect()
}

#[test]
fn openshift_on_azure_payg_with_rhsm_pool_is_a_double_subscription() {
    let template = corpus("arm/microsoft-openshift-container-platform/azuredeploy.json");
    let out = entitle(&[template.to_str().unwrap()]);
    let found = findings(&out, "PAYG-DOUBLE-SUBSCRIPTION");
    assert_eq!(found.len(), 4, "bastion, master, infra and node: {found:#?}");
    for f in &found {
        assert_eq!(f["severity"], "warning");
        assert!(f["message"].as_str().unwrap().contains("7-RAW"), "{f}");
        // At the prep deployment's `rhsmPoolId` parameter, where the pool is handed to the node script.
        assert!(f["location"]["pointer"].as_str().unwrap().ends_with("/properties/parameters/rhsmPoolId"), "{f}");
        assert!(f["fix"].as_str().unwrap().contains("rhsmPoolId"), "{f}");
    }
}

#[test]
fn openshift_on_aws_hourly_amis_with_pool_attach_is_a_double_subscription() {
    let template = corpus("cloudformation/quickstart-redhat-openshift/os3.template.yaml");
    let found = findings(&entitle(&[template.to_str().unwrap()]), "PAYG-DOUBLE-SUBSCRIPTION");
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(found.iter().all(|f| f["message"].as_str().unwrap().contains("Hourly")));
    assert!(found.iter().all(|f| f["fix"].as_str().unwrap().contains("RH_POOLID=<unknown>")));
}

#[test]
fn jboss_byos_choice_carries_its_plan_and_removing_it_is_found_at_the_resource() {
    for name in ["jboss-eap-clustered-multivm-rhel", "jboss-eap-clustered-vmss-rhel"] {
        let template = corpus(&format!("arm/aqt-2022/{name}/azuredeploy.json"));
        assert!(findings(&entitle(&[template.to_str().unwrap()]), "AZ-BYOS-PLAN-MISSING").is_empty(), "{name}");
    }
    let template = corpus("arm/aqt-2022/jboss-eap-clustered-multivm-rhel/azuredeploy.json");
    let text = std::fs::read_to_string(&template).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let resources = doc["resources"].as_array_mut().unwrap();
    let (index, vm) =
        resources.iter_mut().enumerate().find(|(_, r)| r["type"] == "Microsoft.Compute/virtualMachines").unwrap();
    assert!(vm.as_object_mut().unwrap().remove("plan").is_some(), "the VM has a plan to remove");
    let dir = scratch("jboss-no-plan");
    let copy = dir.join("azuredeploy.json");
    std::fs::write(&copy, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let found = findings(&entitle(&[copy.to_str().unwrap()]), "AZ-BYOS-PLAN-MISSING");
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f["alternative"], "parameter rhelOSLicenseType = BYOS");
    // The name under the BYOS choice (the template names its VMs after the licence type).
    assert_eq!(f["resource"], "Microsoft.Compute/virtualMachines/jbosseap-byos-server0");
    assert_eq!(f["location"]["pointer"], format!("/resources/{index}"), "points at the resource: {f}");
    assert!(f["fix"].as_str().unwrap().contains("\"name\": \"rhel-lvm84\""), "{f}");
}

/// A copy of the JBoss multi-VM template deployed as BYOS with `instances` VMs.
fn jboss_byos(instances: u32) -> PathBuf {
    let dir = scratch(&format!("jboss-byos-{instances}"));
    let template = corpus("arm/aqt-2022/jboss-eap-clustered-multivm-rhel/azuredeploy.json");
    std::fs::copy(template, dir.join("azuredeploy.json")).unwrap();
    let params = serde_json::json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"rhelOSLicenseType": {"value": "BYOS"}, "numberOfInstances": {"value": instances}}
    });
    std::fs::write(dir.join("azuredeploy.parameters.json"), params.to_string()).unwrap();
    std::fs::write(
        dir.join("context.yaml"),
        "accounts:\n  - cloud: azure\n    id: 00000000-0000-0000-0000-000000000001\n    cloud_access: true\n    offer_type: ea\nsubscriptions:\n  - sku: RH00004\n    product: Red Hat Enterprise Linux Server, Standard (Physical or Virtual Nodes)\n    unit: Physical or Virtual Nodes\n    quantity: 1\n",
    )
    .unwrap();
    dir
}

#[test]
fn one_physical_or_virtual_nodes_subscription_fails_three_byos_vms_and_passes_two() {
    let dir = jboss_byos(3);
    let out = entitle(&[
        dir.join("azuredeploy.json").to_str().unwrap(),
        "--context",
        dir.join("context.yaml").to_str().unwrap(),
    ]);
    let found = findings(&out, "BYOS-SUBSCRIPTION-COUNT");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["severity"], "error");
    assert!(found[0]["message"].as_str().unwrap().starts_with("3 BYOS RHEL instance(s)"), "{}", found[0]);
    assert_eq!(out.status.code(), Some(1));
    let dir = jboss_byos(2);
    let out = entitle(&[
        dir.join("azuredeploy.json").to_str().unwrap(),
        "--context",
        dir.join("context.yaml").to_str().unwrap(),
    ]);
    assert!(findings(&out, "BYOS-SUBSCRIPTION-COUNT").is_empty());
}

#[test]
fn an_invalid_context_is_exit_2_naming_the_field_and_line() {
    let dir = scratch("bad-context");
    std::fs::write(dir.join("context.yaml"), "accounts:\n  - cloud: azure\n    id: x\n    cloud_acces: true\n")
        .unwrap();
    let template = corpus("arm/aqt-2022/vm-simple-windows/azuredeploy.json");
    let out = entitle(&[template.to_str().unwrap(), "--context", dir.join("context.yaml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let error = &report["errors"][0];
    assert!(error["message"].as_str().unwrap().contains("/accounts/0/cloud_acces"), "{error}");
    assert_eq!(error["line"], 4, "{error}");
}

#[test]
fn negative_controls_have_no_licensing_finding() {
    for path in [
        "arm/aqt-2022/vm-simple-windows/azuredeploy.json",
        "cloudformation/aws-cloudformation-templates/EC2InstanceWithSecurityGroupSample.yaml",
        "terraform-plan/terraform-compliance/test_issue-294.plan.out.json",
        "terraform-plan/checkov/gcp-GoogleComputeBootDiskEncryption-bad.json",
    ] {
        let out = entitle(&[corpus(path).to_str().unwrap()]);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let licensing: Vec<&Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["policy"] == "cloud-licensing" || f["policy"] == "subscription-count")
            .collect();
        assert!(licensing.is_empty(), "{path}: {licensing:#?}");
    }
}
