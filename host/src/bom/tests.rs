//! BOM items, totals, delta and formats on small hand-made workloads.

use entitle_sdk::Workload;
use entitle_sdk::model::BillingModel;
use entitle_sdk::testing::rhel;

use super::*;

fn byos(id: &str, count: Option<u64>, size: Option<&str>) -> Workload {
    let mut w = rhel(id, "8.4", &[]);
    w.billing.model = BillingModel::Byos;
    w.count = count;
    w.instance = size.map(|s| entitle_sdk::model::Instance { size: Some(s.into()), ..Default::default() });
    w
}

fn bom_of(workloads: &[Workload], context: Option<&OrgContext>) -> Bom {
    let catalog = crate::LoadedCatalog::builtin();
    let as_of = Date::parse("2026-11-25").unwrap();
    build(&Inputs { workloads, catalog: &catalog, as_of, context })
}

#[test]
fn totals_count_node_pairs_and_vcpus_with_lower_bounds() {
    let bom = bom_of(&[byos("a", Some(3), Some("Standard_D4s_v5")), byos("b", None, Some("Standard_Q99_v9"))], None);
    let t = bom.totals.iter().find(|t| t.billing == "byos" && t.product == "RHEL Server").unwrap();
    assert_eq!(t.instances, Amount { value: 4, exact: false });
    assert_eq!(t.node_pairs, Some(Amount { value: 2, exact: false }));
    assert_eq!(t.vcpus, Amount { value: 13, exact: false }, "3 × 4 vCPUs + at least 1 for the unknown size");
    let table = render_table(&bom);
    assert!(table.contains("≥13"), "{table}");
}

#[test]
fn a_plan_growing_from_2_to_8_byos_instances_adds_3_node_pairs() {
    let before = bom_of(&[byos("aws_instance.app", Some(2), None)], None);
    let after = bom_of(&[byos("aws_instance.app", Some(8), None)], None);
    let d = compare("plan", &before.totals, &after.totals);
    assert_eq!(d.changes.len(), 1, "{d:?}");
    assert_eq!(d.changes[0].instances, 6);
    assert_eq!(d.changes[0].node_pairs, Some(3));
    assert!(
        d.changes[0].text.starts_with("+6 RHEL Server BYOS instance(s) → +3 Physical or Virtual Nodes"),
        "{}",
        d.changes[0].text
    );
}

#[test]
fn a_shortfall_says_what_to_buy() {
    let ctx: OrgContext = serde_json::from_value(serde_json::json!({"subscriptions": [{"sku": "RH00004", "product": "Red Hat Enterprise Linux Server, Standard", "unit": "Physical or Virtual Nodes", "quantity": 1}]})).unwrap();
    let bom = bom_of(&[byos("a", Some(5), None)], Some(&ctx));
    let c = bom.coverage.unwrap();
    assert_eq!(c.uncovered, Amount::exact(3));
    assert_eq!(
        c.buy.as_deref(),
        Some("2 × RH00004 Red Hat Enterprise Linux Server, Standard (Physical or Virtual Nodes)"),
        "the unit is named once"
    );
}

#[test]
fn csv_cells_never_become_formulas() {
    let mut w = byos("=cmd|' /C calc'!A0", Some(1), None);
    w.resource = "a,\"b\"".into();
    let text = render_csv(&bom_of(&[w], None));
    assert!(text.contains("'=cmd"), "{text}");
    assert!(text.contains("\"a,\"\"b\"\"\""), "{text}");
}

#[test]
fn table_text_is_escaped() {
    let w = byos("evil\n::error::forged", Some(1), None);
    let table = render_table(&bom_of(&[w], None));
    assert!(!table.contains("\n::error"), "{table}");
}

#[test]
fn ubi_content_and_deployed_products_are_items_of_their_own() {
    let mut ubi =
        Workload { id: "web".into(), kind: "pod".into(), provider: "kubernetes".into(), ..Workload::default() };
    ubi.os.product = Some("ubi".into());
    ubi.cluster = Some(entitle_sdk::model::Cluster { platform: Some("openshift".into()), ..Default::default() });
    let mut installer = byos("installer", Some(1), None);
    installer.products.push(entitle_sdk::model::Product {
        name: "openshift".into(),
        version: Some("4.14".into()),
        evidence: "parameter OpenShiftVersion = 4.14".into(),
    });
    let bom = bom_of(&[ubi, installer], None);
    let products: Vec<(&str, &str)> = bom.items.iter().map(|i| (i.product.as_str(), i.billing.as_str())).collect();
    assert_eq!(
        products,
        [
            ("UBI content on a Red Hat host (OpenShift)", "none"),
            ("RHEL Server", "byos"),
            ("OpenShift Container Platform", "unknown")
        ]
    );
    assert!(bom.totals.iter().all(|t| t.product != "OpenShift Container Platform" || t.billing == "unknown"));
}

#[test]
fn images_and_disks_are_not_items() {
    let mut image = byos("img", Some(1), None);
    image.kind = "gallery_image".into();
    assert!(bom_of(&[image], None).items.is_empty());
}
