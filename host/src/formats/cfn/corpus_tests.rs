//! Tests on the real CloudFormation corpus (`shared/corpus/real/cloudformation`).

use std::path::{Path, PathBuf};

use entitle_sdk::model::{BillingModel, Os};
use entitle_sdk::{Catalog, Workload};

use super::Extracted;

pub fn catalog() -> &'static Catalog {
    static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    CATALOG.get_or_init(|| {
        entitle_sdk::testing::catalog_from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/catalog"))
    })
}

fn corpus(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/real/cloudformation").join(rel)
}

/// Reads a corpus file as the host would: the plain parse, then the front-end.
pub fn run(rel: &str) -> Extracted {
    let bytes = std::fs::read(corpus(rel)).expect("corpus file");
    let text = crate::document::decode_text(&bytes).expect("utf-8");
    let doc = crate::document::parse_bytes(&bytes).expect("parses").remove(0);
    assert!(super::detect(&doc), "{rel} is detected");
    let long = super::LongForms::default().of(text, &doc).expect("long form").map_or(doc, |l| (*l).clone());
    super::workloads(rel, &long, catalog(), None, None).expect("models")
}

fn one<'a>(out: &'a Extracted, id: &str) -> &'a Workload {
    out.workloads.iter().find(|w| w.id == id).unwrap_or_else(|| panic!("no workload {id}"))
}

/// `product major.minor billing [addons]` of the default deployment.
fn summary(os: &Os, billing: BillingModel, addons: &[String]) -> String {
    let n = |v: Option<u32>| v.map_or("?".to_owned(), |v| v.to_string());
    let product = os.product.as_deref().unwrap_or("?");
    format!("{product} {}.{} {billing:?} [{}]", n(os.major), n(os.minor), addons.join(","))
}

#[test]
fn openshift_quick_start_is_rhel_7_7_payg_in_every_region() {
    let out = run("quickstart-redhat-openshift/os3.template.yaml");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let shown: Vec<(&str, &str, Option<u64>)> =
        out.workloads.iter().map(|w| (w.id.as_str(), w.kind.as_str(), w.count)).collect();
    let expected = [
        ("AnsibleConfigServer", "vm", Some(1)),
        ("OpenShiftEtcdLaunchConfig", "launch_configuration", Some(3)),
        ("OpenShiftMasterASLaunchConfig", "launch_configuration", Some(3)),
        ("OpenShiftNodesLaunchConfig", "launch_configuration", Some(3)),
    ];
    assert_eq!(shown, expected);
    for w in &out.workloads {
        assert_eq!(summary(&w.os, w.billing.model, &w.addons), "rhel 7.7 Payg []", "{}", w.id);
        assert_eq!(w.image.reference.as_deref(), Some("RHEL-7.7_HVM_GA-20??????-x86_64-?-Hourly?-GP2"));
        assert!(
            w.evidence
                .iter()
                .any(|e| e.contains("mapping key RHEL76HVM suggests RHEL 7.6 but the AMI name says RHEL 7.7"))
        );
        assert!(w.evidence.iter().any(|e| e.contains("owner 309956199498 is Red Hat's AMI account")));
        assert_eq!(w.alternatives.len(), 14, "{}: one per region of AWSAMIRegionMap", w.id);
        for alt in &w.alternatives {
            assert!(
                alt.when.starts_with("region ") && alt.image.id.as_deref().is_some_and(|id| id.starts_with("ami-"))
            );
            assert_eq!(summary(&alt.os, alt.billing.model, &alt.addons), "rhel 7.7 Payg []");
        }
        let trail: Vec<&str> = w.trail["os.minor"].iter().map(|s| s.pointer.as_str()).collect();
        assert_eq!(
            trail,
            [
                "/Conditions/UseCustomAmi",
                "/Mappings/AWSAMIRegionMap",
                "/Metadata/AWSAMIRegionMap/Filters/RHEL76HVM/name"
            ]
        );
        let boot = w.boot.iter().find(|b| b.kind == "user_data").expect("user data");
        let user_data = boot.text.as_deref().unwrap_or("");
        assert!(user_data.contains("export RH_POOLID=\u{FFFC}\n"), "{}", w.id);
        let why = boot.unknown.as_deref().unwrap_or("");
        assert!(why.starts_with("partly known: ") && why.ends_with(" more)"), "{}: {why}", w.id);
    }
    let server = one(&out, "AnsibleConfigServer");
    assert_eq!(server.provenance["os.minor"].line, Some(1308));
    assert_eq!(
        server.alternatives.iter().find(|a| a.when == "region us-east-1").and_then(|a| a.image.id.as_deref()),
        Some("ami-0916c408cb02e310b")
    );
    let master = one(&out, "OpenShiftMasterASLaunchConfig");
    assert_eq!(
        (master.provenance["count"].pointer.as_str(), master.provenance["count"].line),
        ("/Resources/OpenShiftMasterASG/Properties/DesiredCapacity", Some(1403))
    );
    assert!(out.notes.iter().any(|n| n.contains("OpenShiftGlusterLaunchConfig") && n.contains("GlusterFS = Disabled")));
    assert!(out.notes.iter().any(|n| n.contains("LoadBalancerStack is a nested stack")));
}

fn pairs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(a, b)| (*a, b.as_str())).collect()
}

/// The SAP HANA master in either revision: SLES 12 SP4 for SAP by default, RHEL for SAP as choices.
fn sap(rel: &str, rhel: &[(&str, &str)]) -> Workload {
    let out = run(rel);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let ids: Vec<&str> = out.workloads.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, ["HANAMasterInstance"]);
    for skipped in ["HANAWorkerInstance1", "HANAWorkerInstance5", "RDPInstance"] {
        assert!(out.notes.iter().any(|n| n.contains(skipped) && n.contains("not deployed")), "{skipped}");
    }
    let w = out.workloads[0].clone();
    assert_eq!((w.kind.as_str(), w.count), ("vm", Some(1)));
    assert_eq!(
        (w.os.vendor.as_deref(), summary(&w.os, w.billing.model, &w.addons).as_str()),
        (Some("suse"), "sles 12.4 Payg []")
    );
    let trail: Vec<&str> = w.trail["os.product"].iter().map(|s| s.pointer.as_str()).collect();
    assert_eq!(
        trail,
        [
            "/Parameters/MyOS/Default",
            "/Mappings/SAPAMINameMap/SuSELinux12SP4ForSAP/Code",
            "/Mappings/AWSAMIRegionMap",
            "/Mappings/AWSAMIRegionMap/AMI/SLES12SP4SAPHVM"
        ]
    );
    assert_eq!(w.alternatives.iter().filter(|a| a.when.starts_with("region ")).count(), 15);
    let rhel_choices: Vec<(String, String)> = w
        .alternatives
        .iter()
        .filter(|a| a.os.product.as_deref() == Some("rhel"))
        .map(|a| {
            (
                a.when.clone(),
                format!("{} {}", summary(&a.os, a.billing.model, &a.addons), a.os.stream.as_deref().unwrap_or("?")),
            )
        })
        .collect();
    let expected: Vec<(String, String)> =
        rhel.iter().map(|(os, s)| (format!("parameter MyOS = {os}"), (*s).to_owned())).collect();
    assert_eq!(rhel_choices, expected);
    let byos =
        w.alternatives.iter().find(|a| a.when == "parameter MyOS = SuSELinux12SP4ForSAP-BYOS").expect("SLES BYOS");
    assert_eq!(byos.billing.model, BillingModel::Byos);
    w
}

#[test]
fn sap_hana_json_and_yaml_revisions_give_the_same_workloads() {
    let ha_us = |minor: &str| format!("rhel 7.{minor} Payg [sap,ha] e4s");
    let old = [
        ("RedHatLinux75ForSAP", "rhel 7.5 Payg [sap] ?".to_owned()),
        ("RedHatLinux74ForSAP-With-HA-US", ha_us("4")),
        ("RedHatLinux75ForSAP-With-HA-US", ha_us("5")),
        ("RedHatLinux76ForSAP-With-HA-US", ha_us("6")),
    ];
    let mut new = old.to_vec();
    new.extend([
        ("RedHatLinux77ForSAP-With-HA-US", ha_us("7")),
        ("RedHatLinux79ForSAP-With-HA-US", ha_us("9")),
        ("RedHatLinux81ForSAP-With-HA-US", "rhel 8.1 Payg [sap,ha] e4s".to_owned()),
        ("RedHatLinux82ForSAP-With-HA-US", "rhel 8.2 Payg [sap,ha] e4s".to_owned()),
    ]);
    let json = sap("quickstart-sap-hana/2020-json/SAP-HANA-BaseNodes.template", &pairs(&old));
    let yaml = sap("quickstart-sap-hana/2021-yaml/SAP-HANA-BaseNodes.template", &pairs(&new));
    assert_eq!(
        (&json.id, &json.kind, json.count, &json.image, &json.os, &json.billing),
        (&yaml.id, &yaml.kind, yaml.count, &yaml.image, &yaml.os, &yaml.billing)
    );
    let pointers = |w: &Workload| {
        w.trail
            .iter()
            .map(|(k, v)| (k.clone(), v.iter().map(|s| s.pointer.clone()).collect::<Vec<_>>()))
            .collect::<Vec<_>>()
    };
    assert_eq!(pointers(&json), pointers(&yaml));
    for alt in &json.alternatives {
        let twin =
            yaml.alternatives.iter().find(|a| a.when == alt.when).unwrap_or_else(|| panic!("{} in both", alt.when));
        assert_eq!(
            (&alt.os, &alt.billing, &alt.addons, &alt.image.reference),
            (&twin.os, &twin.billing, &twin.addons, &twin.image.reference),
            "{}",
            alt.when
        );
    }
}

#[test]
fn cloudwatch_template_is_rhel_9_by_its_mapping_key() {
    let out = run("aws-cloudformation-templates/AmazonCloudWatchAgent-inline-redhat.json");
    let w = one(&out, "EC2Instance");
    assert_eq!(summary(&w.os, w.billing.model, &w.addons), "rhel 9.? Unknown []");
    assert!(w.evidence.iter().any(|e| e.starts_with("weak hint: only the mapping key RHEL9 suggests RHEL 9")));
    assert!(w.unknown["billing.model"].contains("Hourly2 (PAYG) or Access2 (BYOS) is not known"));
    assert_eq!(w.alternatives.len(), 10);
    assert!(w.alternatives.iter().all(|a| a.os.major == Some(9) && a.when.starts_with("region ")));
    assert!(
        w.boot.iter().any(|b| b.kind == "cfn_init" && b.text.as_deref() == Some("systemctl start cfn-hup.service"))
    );
}

#[test]
fn security_group_sample_is_amazon_linux_not_rhel() {
    let out = run("aws-cloudformation-templates/EC2InstanceWithSecurityGroupSample.yaml");
    assert_eq!(out.workloads.len(), 1);
    let w = &out.workloads[0];
    assert!(!w.is_rhel() && w.alternatives.is_empty());
    assert_eq!((w.os.product.as_deref(), w.os.major), (Some("amazon-linux"), Some(2)));
    assert_eq!(
        w.image.reference.as_deref(),
        Some("resolve:ssm:/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2")
    );
    assert_eq!(w.trail["os.product"][0].pointer, "/Parameters/LatestAmiId/Default");
}
