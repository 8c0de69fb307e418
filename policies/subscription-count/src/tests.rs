//! Native unit tests of the count against the real catalog (no wasm).

use super::*;
use entitle_sdk::Workload;
use entitle_sdk::model::BillingModel;
use entitle_sdk::testing::{catalog_from_dir, evaluation, rhel, run};
use serde_json::json;

fn byos(id: &str, count: Option<u64>) -> Workload {
    let mut w = rhel(id, "9", &[]);
    w.billing.model = BillingModel::Byos;
    w.count = count;
    w
}

fn check(workloads: Vec<Workload>, unit: &str, quantity: u64) -> Vec<Finding> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
    let mut eval = evaluation("2026-12-02", catalog_from_dir(&dir), workloads);
    eval.context = json!({"subscriptions": [{"sku": "RH00004", "product": "Red Hat Enterprise Linux Server, Standard", "unit": unit, "quantity": quantity}]});
    run(evaluate, &eval)
}

#[test]
fn one_physical_or_virtual_nodes_subscription_covers_two_vms() {
    assert!(check(vec![byos("a", Some(2))], "Physical or Virtual Nodes", 1).is_empty());
    let found = check(vec![byos("a", Some(2)), byos("b", Some(1))], "Physical or Virtual Nodes", 1);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.starts_with("3 BYOS RHEL instance(s)"), "{}", found[0].message);
    assert!(found[0].message.ends_with("leave 1 of them uncovered"), "{}", found[0].message);
    assert!(found[0].fix.as_deref().unwrap().contains("buy 1 × RH00004"), "{:?}", found[0].fix);
}

#[test]
fn vcpu_units_are_never_turned_into_instances() {
    let found = check(vec![byos("a", Some(1))], "vCPU", 64);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Some(Severity::Info), "an unknown size cannot confirm a shortfall");
    assert!(found[0].evidence.iter().any(|e| e.contains("no ratio is applied")), "{:?}", found[0].evidence);
}

#[test]
fn a_parameter_choice_that_makes_it_byos_is_counted() {
    let mut payg = byos("a", Some(3));
    payg.billing.model = BillingModel::Payg;
    let choice = Workload { id: "a#alternative-1".into(), ..byos("a", Some(3)) };
    assert_eq!(check(vec![payg.clone(), choice.clone()], "Physical or Virtual Nodes", 1).len(), 1);
    assert!(check(vec![payg, choice], "Physical or Virtual Nodes", 2).is_empty());
}

#[test]
fn without_subscriptions_it_says_so_once() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
    let eval = evaluation("2026-12-02", catalog_from_dir(&dir), vec![byos("a", Some(1)), byos("b", None)]);
    let found = run(evaluate, &eval);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Some(Severity::Info));
    assert!(found[0].message.contains("at least 2 as deployed by default"), "{}", found[0].message);
}

#[test]
fn a_developer_individual_subscription_covers_the_systems_its_terms_allow() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
    let mut eval = evaluation("2026-12-07", catalog_from_dir(&dir), vec![byos("a", Some(10))]);
    eval.context = json!({"subscriptions": [{"sku": "RH00798", "product": "Red Hat Developer Subscription for Individuals", "unit": "Physical or Virtual Nodes", "quantity": 1, "type": "developer-individual"}]});
    assert!(run(evaluate, &eval).is_empty(), "10 systems are within the 16 the terms allow");
    eval.deployment.workloads[0].count = Some(20);
    let found = run(evaluate, &eval);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.ends_with("leave 4 of them uncovered"), "{}", found[0].message);
}

fn sized(id: &str, count: u64, size: &str) -> Workload {
    let mut w = byos(id, Some(count));
    w.instance = Some(entitle_sdk::model::Instance { size: Some(size.into()), ..Default::default() });
    w
}

#[test]
fn a_vcpu_subscription_counts_the_vcpus_of_each_size() {
    // Standard_D4s_v5: 4 vCPUs each (catalog instance-sizes.json), so 16 vCPUs cover 4 VMs.
    assert!(check(vec![sized("a", 4, "Standard_D4s_v5")], "vCPU", 16).is_empty());
    let found = check(vec![sized("a", 5, "Standard_D4s_v5")], "vCPU", 16);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, None, "a known size confirms the shortfall");
    assert!(found[0].message.ends_with("leave 1 of them uncovered"), "{}", found[0].message);
    assert!(found[0].evidence.iter().any(|e| e.contains("Standard_D4s_v5: 4 vCPUs each")), "{:?}", found[0].evidence);
    assert!(found[0].fix.as_deref().unwrap().contains("buy 4 × RH00004"), "{:?}", found[0].fix);
}

#[test]
fn an_ha_cluster_of_byos_nodes_needs_ha_for_each_node() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
    let mut nodes = vec![byos("node-a", Some(1)), byos("node-b", Some(1))];
    for w in &mut nodes {
        w.ha = Some(entitle_sdk::model::HaMembership {
            id: "cluster".into(),
            strength: entitle_sdk::model::Strength::Strong,
            ..Default::default()
        });
    }
    let mut eval = evaluation("2026-12-07", catalog_from_dir(&dir), nodes);
    let sub = |addons: serde_json::Value| json!({"subscriptions": [{"sku": "RH00004", "product": "Red Hat Enterprise Linux Server, Standard", "unit": "Physical or Virtual Nodes", "quantity": 1, "addons": addons}]});
    eval.context = sub(json!([]));
    let found = run(evaluate, &eval);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].field, "ha");
    assert!(
        found[0].message.contains("2 BYOS RHEL instance(s) need the High Availability add-on"),
        "{}",
        found[0].message
    );
    eval.context = sub(json!(["ha"]));
    assert!(run(evaluate, &eval).is_empty());
}
