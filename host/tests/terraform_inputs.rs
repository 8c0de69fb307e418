//! How Terraform files named on the command line become inputs (the real binary): a named `.tf`
//! file is read with its module, a module named several ways is read once, a named `.tfvars` is
//! read with the module beside it or alone, and custom AMIs named RHEL are custom images in every
//! AWS front-end.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entitle-tfinputs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `entitle check --format json --as-of 2026-11-25 ARGS` in `dir`.
fn check(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let cache = std::env::temp_dir().join(format!("entitle-tfinputs-{}-cache", std::process::id()));
    let out: Output = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args([&["check", "--format", "json", "--as-of", "2026-11-25"], args].concat())
        .current_dir(dir)
        .env("ENTITLE_CACHE_DIR", cache)
        .output()
        .expect("run entitle");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let report = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {text}\n{}", String::from_utf8_lossy(&out.stderr));
    });
    (out.status.code(), report)
}

/// `(rule, path:line)` of every finding, sorted.
fn findings(report: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let at = &f["location"];
            (f["rule"].as_str().unwrap().to_owned(), format!("{}:{}", at["path"].as_str().unwrap(), at["line"]))
        })
        .collect();
    out.sort();
    out
}

/// The paths of the report's inputs.
fn inputs(report: &Value) -> Vec<String> {
    report["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap().to_owned()).collect()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A module split over files: the VM in `app.tf`, its image variable in `variables.tf`, and a
/// second VM in `legacy.tf`.
fn module(dir: &Path) {
    let vm = |name: &str, sku: &str| {
        format!(
            "resource \"azurerm_linux_virtual_machine\" \"{name}\" {{\n  source_image_reference {{\n    publisher = \"RedHat\"\n    offer     = \"RHEL\"\n    sku       = {sku}\n    version   = \"latest\"\n  }}\n}}\n"
        )
    };
    write(dir, "mod/app.tf", &vm("app", "var.sku"));
    write(dir, "mod/variables.tf", "variable \"sku\" {\n  default = \"7_9\"\n}\n");
    write(dir, "mod/legacy.tf", &vm("legacy", "\"6.10\""));
}

#[test]
fn a_named_tf_file_is_read_with_its_module_once() {
    let dir = scratch("module");
    module(&dir);
    let expected = vec![
        ("RHEL-LC-MAJOR-EOL".to_owned(), "mod/legacy.tf:5".to_owned()),
        ("RHEL-LC-MAJOR-EOL".to_owned(), "mod/variables.tf:2".to_owned()),
    ];
    // One file named: its variable is declared in another file of the module, and the other
    // file's VM is a finding of the same module (decisions.md).
    for args in [
        &["mod/app.tf"][..],
        &["mod/app.tf", "mod/variables.tf"],
        &["mod", "mod/app.tf"],
        &["mod/app.tf", "."],
        &["mod/app.tf", "./mod/legacy.tf"],
    ] {
        let (code, report) = check(&dir, args);
        assert_eq!(code, Some(1), "{args:?}: {report}");
        assert_eq!(inputs(&report).len(), 1, "{args:?}: read once: {:?}", inputs(&report));
        assert_eq!(findings(&report), expected, "{args:?}");
    }
    let (_, report) = check(&dir.join("mod"), &["app.tf"]);
    assert_eq!(inputs(&report), ["."], "a bare file name is the module of the working directory");
    assert_eq!(findings(&report).len(), 2);
}

#[test]
fn a_named_tfvars_beside_a_module_is_its_var_file() {
    let dir = scratch("varfile");
    module(&dir);
    write(&dir, "mod/prod.tfvars", "sku = \"9_4\"\n");
    let (code, report) = check(&dir, &["mod/prod.tfvars"]);
    assert_eq!(code, Some(1));
    assert_eq!(inputs(&report), ["mod/prod.tfvars"]);
    let expected = [
        ("RHEL-LC-EUS-EXPIRED".to_owned(), "mod/prod.tfvars:1".to_owned()),
        ("RHEL-LC-MAJOR-EOL".to_owned(), "mod/legacy.tf:5".to_owned()),
    ];
    assert_eq!(findings(&report), expected, "the named file's value wins over the default");
    // An auto-loaded file named beside its module is the module itself.
    write(&dir, "mod/terraform.tfvars", "sku = \"8_4\"\n");
    let (_, report) = check(&dir, &["mod/terraform.tfvars", "mod"]);
    assert_eq!(inputs(&report), ["mod"]);
    let rules = findings(&report);
    assert!(rules.contains(&("RHEL-LC-EUS-EXPIRED".to_owned(), "mod/terraform.tfvars:1".to_owned())), "{rules:?}");
}

#[test]
fn a_tfvars_file_alone_gives_the_images_it_sets() {
    let dir = scratch("alone");
    let tfvars = "# a deployment of a module kept elsewhere\n\
                  database_vm_image = {\n  os_type         = \"LINUX\"\n  source_image_id = \"\"\n  publisher       = \"RedHat\"\n  offer           = \"RHEL\"\n  sku             = \"7_9\"\n  version         = \"latest\"\n}\n\
                  #app_image = {\n#  publisher = \"RedHat\"\n#  offer     = \"RHEL\"\n#  sku       = \"6.10\"\n#}\n\
                  /* web_image = \"RedHat:RHEL:6.10:latest\" */\n\
                  custom_image = {\n  source_image_id = \"/subscriptions/x/resourceGroups/g/providers/Microsoft.Compute/images/rhel6\"\n  publisher = \"RedHat\"\n  offer = \"RHEL\"\n  sku = \"6.10\"\n}\n\
                  linux_image         = \"rhel-8-4-sap-ha\"\n\
                  linux_image_project = \"rhel-sap-cloud\"\n\
                  ami                 = \"ami-0123456789abcdef0\"\n\
                  Description         = \"RedHat RHEL 6.10 systems\"\n\
                  server_count        = 2\n";
    write(&dir, "deploy/prod.tfvars", tfvars);
    let (code, report) = check(&dir, &["deploy/prod.tfvars"]);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(
        findings(&report),
        [
            ("RHEL-LC-E4S-EXPIRED".to_owned(), "deploy/prod.tfvars:22".to_owned()),
            ("RHEL-LC-MAJOR-EOL".to_owned(), "deploy/prod.tfvars:7".to_owned()),
        ],
        "the commented-out RHEL 6 blocks and the custom image are not findings: {report}"
    );
    assert_eq!(report["inputs"][0]["workloads"], 4, "database_vm_image, custom_image, linux_image, ami: {report}");

    // The same as JSON; walked, too.
    let json = r#"{"vm_image": {"publisher": "RedHat", "offer": "RHEL", "sku": "7_9", "version": "latest"}}"#;
    write(&dir, "deploy/json/prod.tfvars.json", json);
    let (_, report) = check(&dir, &["deploy/json"]);
    assert_eq!(findings(&report), [("RHEL-LC-MAJOR-EOL".to_owned(), "deploy/json/prod.tfvars.json:1".to_owned())]);

    // No image-like variable: nothing to report, and a note says so; a syntax error is exit 2.
    write(&dir, "deploy/plain.tfvars", "environment = \"DEV\"\n");
    let (code, report) = check(&dir, &["deploy/plain.tfvars"]);
    assert_eq!((code, report["inputs"][0]["workloads"].as_u64()), (Some(0), Some(0)), "{report}");
    write(&dir, "deploy/bad.tfvars", "vm_image = {\n  sku = \n}\n");
    let (code, report) = check(&dir, &["deploy/bad.tfvars"]);
    assert_eq!(code, Some(2));
    let e = &report["errors"][0];
    assert_eq!((e["path"].as_str(), e["line"].as_u64()), (Some("deploy/bad.tfvars"), Some(2)), "{report}");
}

/// A real deployment kept as a variables file (Azure SAP deployment automation samples).
#[test]
fn the_sap_automation_tfvars_gives_its_three_rhel_for_sap_images() {
    let file = root().join("../shared/corpus/real/terraform-hcl/sap-automation-samples/DEV-WEEU-SAP01-DB2.tfvars");
    let file = file.display().to_string();
    let dir = scratch("sdaf");
    let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(["facts", "--format", "json", &file])
        .current_dir(&dir)
        .output()
        .expect("run entitle");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let facts: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found: Vec<String> = facts["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            format!(
                "{} {} {}.{} {} line {}",
                w["id"].as_str().unwrap(),
                w["image"]["reference"].as_str().unwrap_or("?"),
                w["os"]["major"],
                w["os"]["minor"],
                w["billing"]["model"].as_str().unwrap(),
                w["provenance"]["os.major"]["line"]
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "var.application_server_image RedHat:RHEL-SAP-HA:88sapha-gen2:latest 8.8 payg line 368",
            "var.database_vm_image RedHat:RHEL-SAP-HA:88sapha-gen2:latest 8.8 payg line 187",
            "var.scs_server_image RedHat:RHEL-SAP-HA:88sapha-gen2:latest 8.8 payg line 285",
        ]
    );
}

#[test]
fn custom_amis_named_rhel_are_custom_images_in_cloudformation_and_plans() {
    let dir = scratch("custom-ami");
    let amis = r#"{"Images": [
  {"ImageId": "ami-0aaaaaaaaaaaaaaa1", "Name": "RHEL-9-cis-hardened-20240101", "OwnerId": "111122223333", "PlatformDetails": "Linux/UNIX", "UsageOperation": "RunInstances"},
  {"ImageId": "ami-0aaaaaaaaaaaaaaa2", "Name": "rhel-compatible-rocky-9-20240101", "OwnerId": "111122223333", "PlatformDetails": "Linux/UNIX", "UsageOperation": "RunInstances"},
  {"ImageId": "ami-09a5b0b7edf08843d", "Name": "golden-rhel-7.9-2023", "OwnerId": "111122223333", "PlatformDetails": "Linux/UNIX", "UsageOperation": "RunInstances"}
]}"#;
    write(&dir, "amis.json", amis);
    let cfn = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Hardened": {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": "ami-0aaaaaaaaaaaaaaa1", "InstanceType": "m6i.large"}},
    "Rocky": {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": "ami-0aaaaaaaaaaaaaaa2", "InstanceType": "m6i.large"}}
  }
}"#;
    write(&dir, "stack.json", cfn);
    let (_, report) = check(&dir, &["--ami-catalog", "amis.json", "stack.json"]);
    let rules: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().to_owned(), f["resource"].as_str().unwrap().to_owned()))
        .filter(|(r, _)| r.starts_with("AWS-"))
        .collect();
    assert_eq!(rules, [("AWS-AMI-OWNER-NOT-REDHAT".to_owned(), "AWS::EC2::Instance/Hardened".to_owned())], "{report}");

    // The plan front-end, where the catalogue names the plan's AMI.
    let plan = root().join("../shared/corpus/real/terraform-plan/checkov/runner-resources-plan.tfplan.json");
    let plan = plan.display().to_string();
    let (_, report) = check(&dir, &["--ami-catalog", "amis.json", &plan]);
    let owner: Vec<&Value> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "AWS-AMI-OWNER-NOT-REDHAT").collect();
    assert_eq!(owner.len(), 1, "{report}");
    assert!(owner[0]["message"].as_str().unwrap().contains("owned by 111122223333"), "{}", owner[0]);
    let eol = report["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "RHEL-LC-MAJOR-EOL");
    assert!(eol, "the custom image's name says RHEL 7.9: {report}");
}
