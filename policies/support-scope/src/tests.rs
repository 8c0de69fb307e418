//! Native unit tests of the rules (no wasm).

use super::*;
use entitle_sdk::model::{BillingModel, Evidence, HaMembership, Instance, NetworkPlacement, SapWorkload, Strength};
use entitle_sdk::testing::{catalog_from_dir, evaluation, rhel, run};
use entitle_sdk::{Severity, Workload};
use serde_json::json;

fn member(id: &str, cluster: &str, strength: Strength, addons: &[&str]) -> Workload {
    let mut w = rhel(id, "9", addons);
    w.billing.model = BillingModel::Payg;
    let evidence = vec![Evidence { text: "pcs cluster setup".into(), strength, ..Evidence::default() }];
    w.ha = Some(HaMembership { id: cluster.into(), strength, evidence, ..HaMembership::default() });
    w
}

fn check(workloads: Vec<Workload>, context: serde_json::Value) -> Vec<Finding> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
    let mut eval = evaluation("2026-12-07", catalog_from_dir(&dir), workloads);
    eval.context = context;
    run(evaluate, &eval)
}

fn rules(found: &[Finding]) -> Vec<(&str, &str)> {
    found.iter().map(|f| (f.rule.as_str(), f.workload.as_str())).collect()
}

#[test]
fn members_without_ha_need_it_and_weak_evidence_never_counts() {
    let found =
        check(vec![member("a", "c", Strength::Strong, &[]), member("b", "c", Strength::Strong, &["ha"])], json!(null));
    assert_eq!(rules(&found), [(NO_ENTITLEMENT, "a")]);
    assert!(check(vec![member("a", "c", Strength::Weak, &[])], json!(null)).is_empty());
}

#[test]
fn byos_members_are_covered_by_a_subscription_with_the_ha_addon() {
    let mut w = member("a", "c", Strength::Declared, &[]);
    w.billing.model = BillingModel::Byos;
    assert_eq!(rules(&check(vec![w.clone()], json!(null))), [(NO_ENTITLEMENT, "a")]);
    let ctx = json!({"subscriptions": [{"sku": "RH00004", "product": "RHEL Server", "unit": "Physical or Virtual Nodes", "quantity": 1, "addons": ["ha"]}]});
    assert!(check(vec![w], ctx).is_empty());
}

#[test]
fn aws_arm64_members_are_warned_from_the_arch_never_from_a_size_alone() {
    let mut w = member("a", "c", Strength::Strong, &["ha"]);
    w.provider = "aws".into();
    w.instance = Some(Instance { size: Some("m7g.large".into()), arch: Some("arm64".into()), ..Instance::default() });
    let found = check(vec![w.clone()], json!(null));
    assert_eq!(rules(&found), [(AWS_ARM64, "a")]);
    assert!(found[0].message.contains("instance type m7g.large is arm64"), "{}", found[0].message);
    w.instance = Some(Instance { size: Some("m7g.large".into()), ..Instance::default() });
    assert!(check(vec![w.clone()], json!(null)).is_empty(), "a size the catalog did not resolve is not guessed");
    w.instance = Some(Instance { size: Some("m7g.large".into()), arch: Some("x86_64".into()), ..Instance::default() });
    assert!(check(vec![w], json!(null)).is_empty(), "a known architecture decides");
}

#[test]
fn azure_fencing_and_subnet_span() {
    let mut a = member("a", "c", Strength::Strong, &["ha"]);
    a.ha.as_mut().unwrap().fencing = Some("sbd".into());
    let found = check(vec![a], json!(null));
    assert_eq!(rules(&found), [(AZURE_FENCING, "a")]);
    assert_eq!(found[0].severity, None, "fencing is an error (the rule's severity)");
    let place =
        |w: &mut Workload, s: &str| w.network = Some(NetworkPlacement { network: None, subnet: Some(s.into()) });
    let (mut x, mut y) = (member("x", "c", Strength::Strong, &["ha"]), member("y", "c", Strength::Strong, &["ha"]));
    place(&mut x, "vnet/subnets/a");
    place(&mut y, "vnet/subnets/b");
    let found = check(vec![x.clone(), y.clone()], json!(null));
    assert_eq!(rules(&found), [(AZURE_FENCING, "x")]);
    assert_eq!(found[0].severity, Some(Severity::Warning));
    place(&mut y, "vnet/subnets/a");
    assert!(check(vec![x, y], json!(null)).is_empty());
}

#[test]
fn sap_on_plain_rhel_warns_and_s4hana_in_a_cluster_is_an_error() {
    let mut w = rhel("db", "9", &[]);
    w.billing.model = BillingModel::Payg;
    w.sap = Some(SapWorkload { kind: "sap-hana".into(), strength: Strength::Strong, evidence: Vec::new() });
    let found = check(vec![w.clone()], json!(null));
    assert_eq!((rules(&found), found[0].severity), (vec![(NEEDS_SAP, "db")], None));
    w.addons = vec!["sap".into(), "ha".into()];
    assert!(check(vec![w.clone()], json!(null)).is_empty());
    let mut s4 = member("s4", "c", Strength::Strong, &["ha"]);
    s4.sap = Some(SapWorkload { kind: "s4hana".into(), strength: Strength::Strong, evidence: Vec::new() });
    let found = check(vec![s4], json!(null));
    assert_eq!((rules(&found), found[0].severity), (vec![(NEEDS_SAP, "s4")], Some(Severity::Error)));
    w.addons.clear();
    w.sap.as_mut().unwrap().strength = Strength::Weak;
    assert!(check(vec![w], json!(null)).is_empty(), "a name alone makes no finding");
}
