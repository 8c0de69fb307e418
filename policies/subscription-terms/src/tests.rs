//! Native unit tests of the three rules against the real catalog (no wasm).

use super::*;
use entitle_sdk::model::BillingModel;
use entitle_sdk::testing::{catalog_from_dir, evaluation, rhel, run};
use entitle_sdk::{CONTEXT_WORKLOAD, Severity, Workload};
use serde_json::{Value, json};

fn byos(id: &str, path: &str, count: Option<u64>, addons: &[&str]) -> Workload {
    let mut w = rhel(id, "9", addons);
    w.billing.model = BillingModel::Byos;
    w.count = count;
    w.source.path = path.into();
    w
}

fn check(workloads: Vec<Workload>, context: Value) -> Vec<Finding> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
    let mut eval = evaluation("2026-12-07", catalog_from_dir(&dir), workloads);
    eval.context = context;
    run(evaluate, &eval)
}

fn sub(extra: Value) -> Value {
    let mut s = json!({"sku": "RH00005", "product": "Red Hat Enterprise Linux Server (Physical or Virtual Nodes)", "unit": "Physical or Virtual Nodes", "quantity": 10});
    s.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    s
}

fn on_context(found: &[Finding]) -> Vec<&Finding> {
    found.iter().filter(|f| f.workload == CONTEXT_WORKLOAD).collect()
}

#[test]
fn ha_on_self_support_is_found_at_the_addon_and_at_the_workloads_using_it() {
    let ws = vec![byos("node", "a.json", Some(2), &["ha"]), byos("plain", "a.json", Some(1), &[])];
    let found =
        check(ws.clone(), json!({"subscriptions": [sub(json!({"support_level": "self-support", "addons": ["ha"]}))]}));
    let ctx = on_context(&found);
    assert_eq!(ctx.len(), 1, "{found:?}");
    assert_eq!((ctx[0].rule.as_str(), ctx[0].field.as_str()), (ADDON_ON_SELFSUPPORT, "/subscriptions/0/addons/0"));
    assert!(ctx[0].message.contains("High Availability"), "{}", ctx[0].message);
    let on_node: Vec<_> = found.iter().filter(|f| f.workload == "node").collect();
    assert_eq!(on_node.len(), 1);
    assert_eq!(on_node[0].context.as_deref(), Some("/subscriptions/0/addons/0"));
    assert!(!found.iter().any(|f| f.workload == "plain"), "a workload not using HA is not concerned");
    // The trap: the same add-on on a Standard subscription, and Satellite on Self-support, are fine.
    assert!(
        check(ws.clone(), json!({"subscriptions": [sub(json!({"support_level": "standard", "addons": ["ha"]}))]}))
            .is_empty()
    );
    let satellite = json!({"subscriptions": [sub(json!({"support_level": "self-support", "addons": ["Satellite"]}))]});
    assert!(check(ws, satellite).is_empty());
}

#[test]
fn the_level_may_come_from_the_product_and_unknown_addons_are_warnings() {
    let product = json!({"product": "Red Hat Enterprise Linux Server, Self-support (1-2 sockets)", "addons": ["eus", "insights"]});
    let found = check(vec![], json!({"subscriptions": [sub(product)]}));
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].severity, Some(Severity::Error));
    assert!(found[0].evidence.iter().any(|e| e.contains("from its product name")), "{:?}", found[0].evidence);
    assert_eq!(found[1].severity, Some(Severity::Warning));
}

#[test]
fn an_addon_bought_in_another_unit_or_level_is_found() {
    let addon = json!({"support_level": "standard", "addons": [{"name": "ha", "unit": "Physical or Virtual Node", "support_level": "standard"}]});
    assert!(check(vec![], json!({"subscriptions": [sub(addon)]})).is_empty(), "an alias of the same unit matches");
    let addon =
        json!({"support_level": "standard", "addons": [{"name": "ha", "unit": "vCPU", "support_level": "premium"}]});
    let found = check(vec![], json!({"subscriptions": [sub(addon)]}));
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("unit `vCPU`") && found[0].message.contains("premium"), "{}", found[0].message);
}

#[test]
fn twenty_systems_on_a_developer_individual_subscription_exceed_the_catalogs_limit() {
    let dev = json!({"subscriptions": [sub(json!({"type": "developer-individual", "owner": "individual"}))]});
    let found = check(vec![byos("lab", "lab.json", Some(20), &[])], dev.clone());
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(on_context(&found)[0].message.starts_with("20 RHEL systems"), "{}", found[0].message);
    assert!(found.iter().any(|f| f.workload == "lab" && f.field == "count"));
    assert!(check(vec![byos("lab", "lab.json", Some(16), &[])], dev.clone()).is_empty());
    let unknown = check(vec![byos("lab", "lab.json", Some(15), &[]), byos("x", "x.json", None, &[])], dev);
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].severity, Some(Severity::Info));
}

#[test]
fn a_developer_individual_subscription_held_by_an_organisation_is_found() {
    let dev = json!({"subscriptions": [sub(json!({"type": "developer-individual", "owner": "organisation"}))]});
    let found = check(vec![], dev);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].field, "/subscriptions/0/owner");
}

#[test]
fn developer_teams_in_production_is_found_and_non_production_is_clean() {
    let ws = vec![byos("ci", "build/ci.json", Some(3), &[])];
    let teams = |env: Value| {
        let mut c = json!({"subscriptions": [sub(json!({"type": "developer-teams"}))]});
        if !env.is_null() {
            c["environment"] = env;
        }
        c
    };
    assert!(check(ws.clone(), teams(json!("non-production"))).is_empty());
    let found = check(ws.clone(), teams(json!("production")));
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(on_context(&found)[0].field, "/subscriptions/0/type");
    let unknown = check(ws.clone(), teams(Value::Null));
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].severity, Some(Severity::Info));
    // An account's environment overrides the context's, for the inputs it names.
    let mut ctx = teams(json!("production"));
    ctx["accounts"] = json!([{"cloud": "azure", "id": "dev", "cloud_access": true, "paths": ["build/"], "environment": "non-production"}]);
    let mut w = ws[0].clone();
    w.provider = "azure".into();
    assert!(check(vec![w], ctx).is_empty());
}

#[test]
fn coverage_shared_with_another_subscription_is_a_warning_and_paths_separate_them() {
    let ws = vec![byos("app", "prod/app.json", Some(20), &[])];
    let both = json!({"environment": "production", "subscriptions": [sub(json!({"type": "developer-individual"})), sub(json!({}))]});
    let found = check(ws.clone(), both);
    assert!(!found.is_empty() && found.iter().all(|f| f.severity == Some(Severity::Warning)), "{found:?}");
    assert!(found[0].evidence.iter().any(|e| e.contains("give each subscription `paths`")), "{:?}", found[0].evidence);
    let apart =
        json!({"subscriptions": [sub(json!({"type": "developer-individual", "paths": ["lab/"]})), sub(json!({}))]});
    assert!(check(ws, apart).is_empty());
}

#[test]
fn without_subscriptions_nothing_is_said() {
    assert!(check(vec![byos("a", "a.json", Some(40), &["ha"])], Value::Null).is_empty());
    assert!(check(vec![byos("a", "a.json", Some(40), &["ha"])], json!({"environment": "production"})).is_empty());
}
