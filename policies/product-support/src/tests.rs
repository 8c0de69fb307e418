//! Native unit tests of the rules against the real catalog (no wasm).

use super::*;
use entitle_sdk::model::{Cluster, Product, WindowsNode};
use entitle_sdk::testing::{catalog_from_dir, evaluation, run};
use entitle_sdk::{Severity, Workload};
use serde_json::json;

fn eval_of(as_of: &str, workloads: Vec<Workload>) -> entitle_sdk::Evaluation {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
    evaluation(as_of, catalog_from_dir(&dir), workloads)
}

fn windows(platform: &str, version: &str, network: Option<(&str, bool)>) -> Workload {
    Workload {
        id: format!("{platform}-{version}"),
        kind: "machine_set".into(),
        windows: Some(WindowsNode { version: Some(version.into()), platform: platform.into(), ..Default::default() }),
        cluster: Some(Cluster {
            platform: Some("openshift".into()),
            network_type: network.map(|n| n.0.into()),
            hybrid_overlay: network.map(|n| n.1),
        }),
        ..Workload::default()
    }
}

#[test]
fn windows_releases_follow_the_wmco_table() {
    let ovn = Some(("OVNKubernetes", true));
    let found = run(evaluate, &eval_of("2026-12-07", vec![windows("gcp", "2019", ovn), windows("azure", "2019", ovn)]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].workload, "gcp-2019");
    assert!(run(evaluate, &eval_of("2026-12-07", vec![windows("vsphere", "2022", ovn)])).is_empty());
    let old = run(evaluate, &eval_of("2026-12-07", vec![windows("azure", "2012-r2", ovn)]));
    assert!(old[0].message.contains("Windows Server 2012-r2 is not supported"), "{}", old[0].message);
}

#[test]
fn the_network_must_be_ovn_with_hybrid_overlay() {
    let sdn = run(evaluate, &eval_of("2026-12-07", vec![windows("aws", "2022", Some(("OpenShiftSDN", false)))]));
    assert_eq!((sdn.len(), sdn[0].field.as_str()), (1, "cluster.network_type"));
    let plain = run(evaluate, &eval_of("2026-12-07", vec![windows("aws", "2022", Some(("OVNKubernetes", false)))]));
    assert_eq!(plain[0].field, "cluster.hybrid_overlay");
    let unseen = run(evaluate, &eval_of("2026-12-07", vec![windows("aws", "2022", None)]));
    assert_eq!(unseen[0].severity, Some(Severity::Info));
}

#[test]
fn the_org_context_states_the_network_only_when_the_run_does_not() {
    let with = |context: serde_json::Value, network: Option<(&str, bool)>| {
        let mut eval = eval_of("2026-12-07", vec![windows("aws", "2022", network)]);
        eval.context = context;
        run(evaluate, &eval)
    };
    let sdn = json!({"openshift_network": {"network_type": "OpenShiftSDN"}});
    let found = with(sdn.clone(), None);
    assert_eq!((found.len(), found[0].field.as_str()), (1, "windows.version"), "{found:?}");
    assert_eq!(found[0].context.as_deref(), Some("/openshift_network/network_type"));
    assert!(with(sdn, Some(("OVNKubernetes", true))).is_empty(), "a Network object in the run wins");
    let hybrid = json!({"openshift_network": {"network_type": "OVNKubernetes", "hybrid_overlay": true}});
    assert!(with(hybrid, None).is_empty());
    let unsaid = with(json!({"openshift_network": {"network_type": "OVNKubernetes"}}), None);
    assert_eq!(unsaid[0].severity, Some(Severity::Info), "the overlay is not said: not checked");
}

#[test]
fn windows_nodes_need_the_oldest_openshift_the_table_names() {
    let ovn = Some(("OVNKubernetes", true));
    let cluster = |version: &str| Workload {
        id: "version".into(),
        kind: "cluster_version".into(),
        products: vec![Product {
            name: "openshift".into(),
            version: Some(version.into()),
            evidence: "ClusterVersion version".into(),
        }],
        ..Workload::default()
    };
    let old = run(evaluate, &eval_of("2026-12-07", vec![windows("azure", "2022", ovn), cluster("4.10.3")]));
    let windows_findings: Vec<_> = old.iter().filter(|f| f.rule == OCP_WINDOWS).collect();
    assert_eq!(windows_findings.len(), 1, "{old:?}");
    assert!(windows_findings[0].message.contains("need OpenShift 4.11 or later"), "{}", windows_findings[0].message);
    let new = run(evaluate, &eval_of("2026-12-07", vec![windows("azure", "2022", ovn), cluster("4.16.2")]));
    assert!(new.iter().all(|f| f.rule != OCP_WINDOWS), "{new:?}");
}

fn container(platform: &str) -> Workload {
    let mut w = Workload { id: "c".into(), kind: "container".into(), ..Workload::default() };
    w.os.vendor = Some("redhat".into());
    w.os.product = Some("ubi".into());
    w.cluster = Some(Cluster { platform: Some(platform.into()), ..Cluster::default() });
    w
}

#[test]
fn ubi_is_reported_only_where_red_hat_support_is_claimed() {
    let mut eval = eval_of("2026-12-07", vec![container("aks")]);
    assert!(run(evaluate, &eval).is_empty(), "no context, no claim");
    eval.context = json!({"require_red_hat_support": ["aks"]});
    assert_eq!(run(evaluate, &eval).len(), 1);
    eval.context = json!({"require_red_hat_support": ["azure"]});
    assert_eq!(run(evaluate, &eval).len(), 1, "AKS runs on Azure");
    eval.context = json!({"require_red_hat_support": ["aws"]});
    assert!(run(evaluate, &eval).is_empty());
    let mut ocp = eval_of("2026-12-07", vec![container("openshift")]);
    ocp.context = json!({"require_red_hat_support": ["aks", "openshift"]});
    assert!(run(evaluate, &ocp).is_empty());
}

fn product(name: &str, version: &str) -> Workload {
    let p = Product { name: name.into(), version: Some(version.into()), evidence: "test".into() };
    Workload { id: format!("{name}-{version}"), kind: "vm".into(), products: vec![p], ..Workload::default() }
}

#[test]
fn product_lifecycles_come_from_the_catalog() {
    let past = run(evaluate, &eval_of("2026-12-07", vec![product("openshift", "4.12.3")]));
    assert_eq!(past[0].severity, Some(Severity::Error), "{past:?}");
    assert!(past[0].message.contains("2024-07-17") && past[0].message.contains("2025-01-17"), "{}", past[0].message);
    let eus = run(evaluate, &eval_of("2026-03-01", vec![product("openshift", "4.16")]));
    assert_eq!(eus[0].severity, Some(Severity::Warning), "{eus:?}");
    let soon = run(evaluate, &eval_of("2026-07-01", vec![product("openshift", "4.18.1")]));
    assert_eq!(soon[0].severity, Some(Severity::Warning), "{soon:?}");
    assert!(run(evaluate, &eval_of("2025-01-01", vec![product("openshift", "4.18")])).is_empty());
    let old = run(evaluate, &eval_of("2026-12-07", vec![product("openshift", "3.11")]));
    assert_eq!(old[0].severity, Some(Severity::Error), "3.11's date is secondary: {old:?}");
    let older = run(evaluate, &eval_of("2026-12-07", vec![product("openshift", "3.10")]));
    assert_eq!(older[0].severity, Some(Severity::Info), "3.0-3.10's date is unverified");
    let cf = run(evaluate, &eval_of("2026-12-07", vec![product("cloudforms", "4.6")]));
    assert!(cf[0].message.contains("no end-of-support date"), "{}", cf[0].message);
    assert!(run(evaluate, &eval_of("2026-12-07", vec![product("openshift", "4.1")]))[0].message.contains("4.1 "));
}
