//! Native unit tests of the rules against the real catalog (no wasm).

use super::*;
use entitle_sdk::Workload;
use entitle_sdk::model::{BillingModel, BootConfig, Plan, Registration};
use entitle_sdk::testing::{catalog_from_dir, evaluation, rhel, run};
use serde_json::json;

fn check(workloads: Vec<Workload>, context: serde_json::Value) -> Vec<Finding> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
    let mut eval = evaluation("2026-12-02", catalog_from_dir(&dir), workloads);
    eval.context = context;
    eval.deployment.format = "arm".into();
    run(evaluate, &eval)
}

fn rules(found: &[Finding]) -> Vec<&str> {
    found.iter().map(|f| f.rule.as_str()).collect()
}

fn azure(offer: &str, sku: &str, model: BillingModel) -> Workload {
    let mut w = rhel("vm", "8", &[]);
    (w.image.publisher, w.image.offer, w.image.sku) = (Some("RedHat".into()), Some(offer.into()), Some(sku.into()));
    w.billing.model = model;
    w
}

fn registered(mut w: Workload, action: &str) -> Workload {
    w.registration.push(Registration {
        action: action.into(),
        text: format!("subscription-manager {action}"),
        ..Default::default()
    });
    w
}

fn enrolled(yes: bool) -> serde_json::Value {
    json!({"accounts": [{"cloud": "azure", "id": "sub-1", "cloud_access": yes, "offer_type": "ea"}]})
}

#[test]
fn payg_with_attach_is_double_and_register_alone_is_info() {
    let w = azure("RHEL", "8-lvm", BillingModel::Payg);
    let found = check(vec![registered(w.clone(), "pool")], Default::default());
    assert_eq!(rules(&found), [DOUBLE_SUBSCRIPTION]);
    assert_eq!(found[0].severity, None);
    assert!(found[0].evidence.iter().any(|e| e.contains("Microsoft bills")), "{:?}", found[0].evidence);
    let found = check(vec![registered(w, "register")], Default::default());
    assert_eq!(found[0].severity, Some(entitle_sdk::Severity::Info));
}

#[test]
fn byos_without_registration_warns_unless_a_script_is_unreadable() {
    let w = azure("rhel-byos", "rhel-lvm84", BillingModel::Byos);
    let mut with_plan = w.clone();
    with_plan.image.plan = Some(Plan {
        name: Some("rhel-lvm84".into()),
        publisher: Some("redhat".into()),
        product: Some("rhel-byos".into()),
    });
    let found = check(vec![with_plan.clone()], enrolled(true));
    assert_eq!(rules(&found), [NOT_REGISTERED]);
    let mut unreadable = with_plan.clone();
    unreadable.boot.push(BootConfig {
        kind: "extension".into(),
        unknown: Some("deployment()".into()),
        ..Default::default()
    });
    unreadable.unknown.insert("registration".into(), "the extension boot entry might register it".into());
    assert!(check(vec![unreadable], enrolled(true)).is_empty());
    assert!(check(vec![registered(with_plan, "register")], enrolled(true)).is_empty());
}

#[test]
fn byos_plan_missing_or_wrong() {
    let w = registered(azure("rhel-byos", "rhel-lvm84", BillingModel::Byos), "register");
    assert_eq!(rules(&check(vec![w.clone()], enrolled(true))), [PLAN_MISSING]);
    let mut wrong = w;
    wrong.image.plan = Some(Plan {
        name: Some("RHEL-LVM84".into()),
        publisher: Some("redhat".into()),
        product: Some("rhel-byos".into()),
    });
    let found = check(vec![wrong], enrolled(true));
    assert!(found[0].message.contains("name is RHEL-LVM84 (needs rhel-lvm84)"), "{}", found[0].message);
}

#[test]
fn rhel_byos_licence_type_needs_cloud_access() {
    let mut w = azure("RHEL", "8-lvm", BillingModel::Byos);
    w.billing.license_type = Some("RHEL_BYOS".into());
    let w = registered(w, "register");
    assert_eq!(rules(&check(vec![w.clone()], enrolled(false))), [NEEDS_CLOUDACCESS]);
    assert!(check(vec![w.clone()], enrolled(true)).is_empty());
    let found = check(vec![w.clone(), Workload { id: "vm2".into(), ..w }], serde_json::Value::Null);
    assert_eq!(rules(&found), [NEEDS_CLOUDACCESS], "said once per input");
    assert_eq!(found[0].severity, Some(entitle_sdk::Severity::Info));
}

#[test]
fn licence_type_for_another_distro_or_unknown() {
    let mut sles = Workload { id: "s".into(), provider: "azure".into(), ..Default::default() };
    sles.os.vendor = Some("suse".into());
    sles.billing.license_type = Some("RHEL_BYOS".into());
    assert_eq!(rules(&check(vec![sles], Default::default())), [TYPE_MISMATCH]);
    let mut w = azure("RHEL", "8-lvm", BillingModel::Payg);
    w.billing.license_type = Some("rhel_byos".into());
    let found = check(vec![w], Default::default());
    assert_eq!(rules(&found), [TYPE_UNKNOWN]);
    assert!(found[0].fix.as_deref().unwrap().contains("`RHEL_BYOS`"));
}

#[test]
fn rhel_byos_on_a_canonical_image_is_ineligible_and_ignored() {
    let mut w = Workload { id: "u".into(), provider: "azure".into(), resource: "vm/u".into(), ..Default::default() };
    (w.image.publisher, w.image.offer, w.image.sku) =
        (Some("Canonical".into()), Some("0001-com-ubuntu-server-jammy".into()), Some("22_04-lts".into()));
    (w.os.vendor, w.os.product) = (Some("canonical".into()), Some("ubuntu".into()));
    w.billing.license_type = Some("RHEL_BYOS".into());
    let found = check(vec![w], Default::default());
    assert_eq!(rules(&found), [INELIGIBLE_IMAGE, TYPE_MISMATCH]);
    assert!(found[0].message.contains("publisher Canonical is not Red Hat"), "{}", found[0].message);
    assert!(found[1].message.contains("Azure ignores it"), "{}", found[1].message);
    assert_ne!(found[0].fix, found[1].fix, "each with its own fix");
}

#[test]
fn payg_type_on_byos_image_needs_extension() {
    let mut w = azure("rhel-byos", "rhel-lvm84", BillingModel::Payg);
    w.image.plan = Some(Plan {
        name: Some("rhel-lvm84".into()),
        publisher: Some("redhat".into()),
        product: Some("rhel-byos".into()),
    });
    w.billing.license_type = Some("RHEL_BASE".into());
    assert_eq!(rules(&check(vec![w.clone()], enrolled(true))), [NEEDS_EXTENSION]);
    w.boot.push(BootConfig {
        kind: "extension".into(),
        publisher: Some("Microsoft.Azure.AzureHybridBenefit".into()),
        extension_type: Some("AHBForRHEL".into()),
        text: Some(String::new()),
        ..Default::default()
    });
    assert!(check(vec![w], enrolled(true)).is_empty());
}

#[test]
fn csp_china_and_ineligible() {
    let w = registered(azure("rhel-byos", "rhel-lvm84", BillingModel::Byos), "register");
    let mut w = w;
    w.image.plan = Some(Plan {
        name: Some("rhel-lvm84".into()),
        publisher: Some("redhat".into()),
        product: Some("rhel-byos".into()),
    });
    let csp = json!({"accounts": [{"cloud": "azure", "id": "s", "cloud_access": true, "offer_type": "CSP"}]});
    assert_eq!(rules(&check(vec![w.clone()], csp)), [BYOS_CSP]);
    w.region = Some("chinaeast2".into());
    assert_eq!(rules(&check(vec![w], enrolled(true))), [REGION_21VIANET]);
    let mut sql = azure("sql2019-rhel8", "enterprise", BillingModel::Payg);
    sql.image.publisher = Some("MicrosoftSQLServer".into());
    sql.billing.license_type = Some("RHEL_BYOS".into());
    assert_eq!(rules(&check(vec![sql], enrolled(true))), [INELIGIBLE_IMAGE]);
}

#[test]
fn vdc_only_subscriptions_on_public_cloud() {
    let mut w = registered(azure("RHEL", "8-lvm", BillingModel::Byos), "register");
    w.billing.license_type = Some("RHEL_BYOS".into());
    let ctx = |product: &str| {
        json!({"accounts": [{"cloud": "azure", "id": "s", "cloud_access": true}],
               "subscriptions": [{"sku": "RH00001", "product": product, "unit": "Socket Pair", "quantity": 4}]})
    };
    assert_eq!(
        rules(&check(vec![w.clone()], ctx("Red Hat Enterprise Linux for Virtual Datacenters, Premium"))),
        [VDC_ON_PUBLIC_CLOUD]
    );
    assert!(check(vec![w], ctx("Red Hat Enterprise Linux Server, Standard")).is_empty());
}

#[test]
fn aws_owner_and_usage_operation() {
    let mut w = rhel("i", "9.4", &[]);
    w.provider = "aws".into();
    w.image.reference = Some("RHEL-9.4.0_HVM-20240605-x86_64-82-Access2-GP3".into());
    w.billing.model = BillingModel::Byos;
    w.image.owner = Some("123456789012".into());
    w.image.usage_operation = Some("RunInstances:0010".into());
    let w = registered(w, "register");
    assert_eq!(rules(&check(vec![w], Default::default())), [OWNER_NOT_REDHAT, USAGEOP_MISMATCH]);
}

#[test]
fn non_rhel_machines_with_rhel_keys_are_left_alone() {
    let mut ubuntu = Workload { id: "u".into(), provider: "azure".into(), ..Default::default() };
    ubuntu.os.vendor = Some("canonical".into());
    ubuntu.os.product = Some("ubuntu".into());
    ubuntu.billing.model = BillingModel::Unknown;
    assert!(check(vec![registered(ubuntu, "attach")], Default::default()).is_empty());
}
