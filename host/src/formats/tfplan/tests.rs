//! The real corpus plans (`shared/corpus/real/terraform-plan`, described in `SOURCES.md`), and the
//! helpers the synthetic cases share.

use std::path::{Path, PathBuf};

use entitle_sdk::{Catalog, Workload};

use super::{detect, unwrap_setup_terraform, workloads};
use crate::document::parse_json;
use crate::formats::Extracted;

/// The checkout's own catalog, loaded once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    CATALOG.get_or_init(|| {
        entitle_sdk::testing::catalog_from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/catalog"))
    })
}

/// Detects and models a plan text.
pub fn model(path: &str, text: &str) -> Extracted {
    let doc = parse_json(text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(detect(&doc), "{path} is not detected as a plan");
    workloads(path, &doc, catalog(), None, false).unwrap_or_else(|e| panic!("{path}: {}", e.message()))
}

/// The workload with this id.
pub fn find<'a>(out: &'a Extracted, id: &str) -> &'a Workload {
    let ids: Vec<&str> = out.workloads.iter().map(|w| w.id.as_str()).collect();
    out.workloads.iter().find(|w| w.id == id).unwrap_or_else(|| panic!("no workload {id}; have {ids:?}"))
}

/// Evidence lines joined, for `contains` checks.
pub fn evidence(w: &Workload) -> String {
    w.evidence.join("\n")
}

fn corpus(name: &str) -> (String, String) {
    let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/real/terraform-plan");
    let text = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    (format!("terraform-plan/{name}"), text)
}

fn ids(out: &Extracted) -> Vec<&str> {
    out.workloads.iter().map(|w| w.id.as_str()).collect()
}

#[test]
fn checkov_db_app_is_amazon_linux_through_prior_state() {
    let (path, text) = corpus("checkov/runner-resources-plan.tfplan.json");
    let out = model(&path, &text);
    assert_eq!(ids(&out), ["aws_instance.db_app", "aws_instance.web_host"]);
    let db = find(&out, "aws_instance.db_app");
    assert_eq!((db.kind.as_str(), db.provider.as_str(), db.count), ("vm", "aws", Some(1)));
    assert_eq!(db.image.id.as_deref(), Some("ami-0f0a6d00932023856"));
    assert_eq!(db.image.reference.as_deref(), Some("amzn2-ami-hvm-2.0.20200917.0-x86_64-ebs"));
    assert_eq!((db.os.vendor.as_deref(), db.os.product.as_deref()), (Some("amazon"), Some("amazon-linux")));
    assert!(!db.is_rhel());
    assert!(!db.unknown.contains_key("os.product"), "{db:#?}");
    let e = evidence(db);
    assert!(e.contains("AMI name amzn2-ami-hvm-2.0.20200917.0-x86_64-ebs is Amazon Linux 2"), "{e}");
    assert!(e.contains("AMI ami-0f0a6d00932023856 is data.aws_ami.amazon-linux-2, read during planning"), "{e}");
    assert!(e.contains("owner 137112412989"), "{e}");
    let at = &db.provenance["os.product"];
    assert_eq!(at.pointer, "/resource_changes/22/change/after/ami");
    assert!(at.line.is_some_and(|l| l > 1) && at.column.is_some());
    let trail: Vec<&str> = db.trail["os.product"].iter().map(|s| s.pointer.as_str()).collect();
    assert_eq!(
        trail,
        [
            "/configuration/root_module/resources/22/expressions/ami",
            "/prior_state/values/root_module/resources/0/values/name"
        ]
    );
    assert_eq!(db.boot.len(), 1);
    assert!(db.boot[0].unknown.as_deref().is_some_and(|u| u.contains("after apply")));

    let web = find(&out, "aws_instance.web_host");
    assert_eq!(web.image.id.as_deref(), Some("ami-09a5b0b7edf08843d"));
    assert!(web.unknown["os.product"].contains("AMI ids are opaque"), "{web:#?}");
    assert!(web.unknown["billing.model"].contains("AMI ids are opaque"));
    assert_eq!(web.os.product, None);
    // the provider stores a SHA-1 of user_data; the resource's literal is in the configuration
    let boot = &web.boot[0];
    assert!(boot.text.as_deref().is_some_and(|t| t.starts_with("#! /bin/bash\nsudo apt-get update")), "{boot:#?}");
    assert!(boot.source.pointer.ends_with("/expressions/user_data/constant_value"));
}

#[test]
fn checkov_gcp_is_debian() {
    let (path, text) = corpus("checkov/gcp-GoogleComputeBootDiskEncryption-bad.json");
    let out = model(&path, &text);
    assert_eq!(ids(&out), ["google_compute_instance.bad3"]);
    let w = &out.workloads[0];
    assert_eq!((w.provider.as_str(), w.kind.as_str()), ("gcp", "vm"));
    assert_eq!(w.image.reference.as_deref(), Some("debian-cloud/debian-11"));
    assert_eq!((w.os.vendor.as_deref(), w.os.product.as_deref()), (Some("debian"), Some("debian")));
    assert!(!w.unknown.contains_key("os.product"));
    assert_eq!(
        w.provenance["os.product"].pointer,
        "/resource_changes/0/change/after/boot_disk/0/initialize_params/0/image"
    );
    assert_eq!(w.region.as_deref(), Some("blah"));
    assert!(w.boot.is_empty());
}

#[test]
fn for_each_modules_resolve_each_instance_to_its_own_data_source() {
    let (path, text) = corpus("terraform-compliance/actions_for_each_and_modules.plan.out.json");
    let out = model(&path, &text);
    let one = r#"module.ecr_repository["repository_1"].aws_instance.ecr_repository"#;
    let two = r#"module.ecr_repository["repository_2"].aws_instance.ecr_repository"#;
    assert_eq!(ids(&out), [one, two]);
    for (id, child) in [(one, 0), (two, 1)] {
        let w = find(&out, id);
        assert_eq!(w.resource, id);
        assert_eq!(w.image.id.as_deref(), Some("ami-0713bfb5ea0df48be"));
        assert_eq!(
            w.image.reference.as_deref(),
            Some("ubuntu/images/hvm-ssd/ubuntu-focal-20.04-amd64-server-20210105")
        );
        assert_eq!((w.os.vendor.as_deref(), w.os.product.as_deref()), (Some("canonical"), Some("ubuntu")));
        let trail = &w.trail["os.product"];
        let pointer = format!("/prior_state/values/root_module/child_modules/{child}/resources/0/values/name");
        assert_eq!(trail.last().map(|s| s.pointer.as_str()), Some(pointer.as_str()), "{id}");
        assert!(trail[0].pointer.contains("/module_calls/ecr_repository/module/resources/1/expressions/ami"));
    }
}

#[test]
fn issue_294_trap_gives_ubuntu_and_windows_and_no_rhel() {
    let (path, text) = corpus("terraform-compliance/test_issue-294.plan.out.json");
    assert!(text.contains("RedHat,RHEL,7.5"), "the trap is in the file");
    let out = model(&path, &text);
    let linux = "module.linuxservers-fail.azurerm_virtual_machine.vm-linux[0]";
    let windows = "module.windowsservers-pass.azurerm_virtual_machine.vm-windows[0]";
    assert_eq!(ids(&out), [linux, windows]);
    assert!(out.workloads.iter().all(|w| !w.is_rhel() && w.os.vendor.as_deref() != Some("redhat")));
    let l = find(&out, linux);
    assert_eq!(l.image.reference.as_deref(), Some("Canonical:UbuntuServer:16.04-LTS:latest"));
    assert_eq!(l.image.plan, None);
    assert_eq!(l.os.vendor.as_deref(), Some("canonical"));
    let w = find(&out, windows);
    assert_eq!(w.image.reference.as_deref(), Some("MicrosoftWindowsServer:WindowsServer:2016-Datacenter:latest"));
    // a single-line plan: line 1, and the column of the value
    let sku = &l.provenance["image.sku"];
    assert_eq!(sku.pointer, "/resource_changes/8/change/after/storage_image_reference/0/sku");
    assert_eq!(sku.line, Some(1));
    let column = sku.column.unwrap() as usize;
    assert_eq!(&text[column - 1..column + 10], "\"16.04-LTS\"");
    assert!(l.unknown["region"].contains("after apply"));
    assert!(!l.unknown.contains_key("billing.license_type"), "license_type is computed, not configured");
    // the legacy provider stores a SHA-1 of custom_data: here the SHA-1 of nothing; the Windows
    // VM configures none (its custom_data is computed)
    assert!(l.boot.is_empty() && w.boot.is_empty(), "{:#?} {:#?}", l.boot, w.boot);
}

#[test]
fn setup_terraform_wrapper_output_is_cleaned_then_modelled() {
    let (path, text) = corpus("infracost/plan_with_terraform_wrapper.json");
    assert!(parse_json(&text).is_err(), "the raw file is not JSON");
    let clean = unwrap_setup_terraform(&text).expect("wrapper output").expect("recoverable");
    let out = model(&path, &clean);
    assert_eq!(ids(&out), ["aws_instance.web_app"]);
    let w = &out.workloads[0];
    assert_eq!(w.image.id.as_deref(), Some("ami-674cbc1e"));
    assert!(!w.is_rhel());
    assert!(w.unknown["os.product"].contains("AMI ids are opaque"));
    // the plan keeps its own line in the file
    assert_eq!(w.provenance["image.id"].line, Some(2));
    let (_, plain) = corpus("checkov/gcp-GoogleComputeBootDiskEncryption-bad.json");
    assert_eq!(unwrap_setup_terraform(&plain), None);
}
