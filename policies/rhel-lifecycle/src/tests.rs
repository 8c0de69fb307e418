//! Native unit tests of every rule against the real catalog (no wasm).

use super::*;
use entitle_sdk::Workload;
use entitle_sdk::testing::{catalog_from_dir, evaluation, rhel, run};

fn check(as_of: &str, w: Workload) -> Vec<Finding> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
    run(evaluate, &evaluation(as_of, catalog_from_dir(&dir), vec![w]))
}

#[test]
fn rhel7_without_els_is_past_maintenance() {
    let found = check("2026-11-25", rhel("vm", "7.2", &[]));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, MAJOR_EOL);
    assert_eq!(found[0].field, "os.major");
    assert!(found[0].message.contains("2024-06-30"), "{}", found[0].message);
    assert!(found[0].fix.as_deref().unwrap().contains("7.9"));
}

#[test]
fn rhel79_with_els_passes_this_rule() {
    assert!(check("2026-11-25", rhel("vm", "7.9", &["els"])).is_empty());
}

#[test]
fn supported_majors_pass() {
    assert!(check("2026-11-25", rhel("vm", "8.10", &[])).is_empty());
    assert!(check("2026-11-25", rhel("vm", "9", &[])).is_empty());
}

#[test]
fn boundary_is_inclusive_of_the_last_day() {
    // The last day is still supported: only the "ends soon" warning (in 0 days).
    assert_eq!(rule_of(&check("2024-06-30", rhel("vm", "7.9", &[]))), [EXPIRES_SOON]);
    assert_eq!(check("2024-07-01", rhel("vm", "7.9", &[])).len(), 1);
}

#[test]
fn rhel6_fix_says_els_is_over() {
    let found = check("2026-11-25", rhel("vm", "6.7", &[]));
    assert!(found[0].fix.as_deref().unwrap().contains("ended on 2024-06-30"));
}

#[test]
fn older_than_catalog_still_fires() {
    let found = check("2026-11-25", rhel("vm", "5.11", &[]));
    assert_eq!(found.len(), 1);
}

fn rule_of(found: &[Finding]) -> Vec<&str> {
    found.iter().map(|f| f.rule.as_str()).collect()
}

fn with_stream(mut w: Workload, stream: &str) -> Workload {
    w.os.stream = Some(stream.to_owned());
    w
}

#[test]
fn eus_expired_and_not_offered() {
    assert_eq!(rule_of(&check("2026-11-25", with_stream(rhel("vm", "8.4", &[]), "eus"))), [EUS_EXPIRED]);
    assert_eq!(rule_of(&check("2023-05-31", with_stream(rhel("vm", "8.4", &[]), "eus"))), [EXPIRES_SOON]);
    assert_eq!(rule_of(&check("2023-06-01", with_stream(rhel("vm", "8.4", &[]), "eus"))), [EUS_EXPIRED]);
    assert_eq!(rule_of(&check("2026-11-25", with_stream(rhel("vm", "9.3", &[]), "eus"))), [EUS_NOT_OFFERED]);
    assert_eq!(rule_of(&check("2026-11-25", with_stream(rhel("vm", "8.10", &[]), "eus"))), Vec::<&str>::new());
}

#[test]
fn enhanced_eus_extends_the_end() {
    assert_eq!(rule_of(&check("2026-11-25", with_stream(rhel("vm", "9.4", &[]), "eus"))), [EUS_EXPIRED]);
    assert!(check("2026-11-25", with_stream(rhel("vm", "9.4", &["enhanced-eus"]), "eus")).is_empty());
}

#[test]
fn e4s_expired_and_expiring_soon() {
    assert_eq!(rule_of(&check("2026-11-25", with_stream(rhel("vm", "8.4", &[]), "e4s"))), [E4S_EXPIRED]);
    assert!(check("2026-11-25", with_stream(rhel("vm", "8.8", &[]), "e4s")).is_empty());
    let soon = check("2027-01-01", with_stream(rhel("vm", "8.8", &[]), "e4s"));
    assert_eq!(rule_of(&soon), [EXPIRES_SOON]);
    assert!(soon[0].message.contains("2027-05-31"), "{}", soon[0].message);
}

#[test]
fn els_on_the_wrong_minor_or_after_its_end() {
    assert_eq!(rule_of(&check("2026-11-25", rhel("vm", "7.6", &["els"]))), [ELS_MINOR]);
    assert_eq!(rule_of(&check("2028-07-01", rhel("vm", "7.9", &["els"]))), [ELS_MINOR]);
    assert!(check("2026-11-25", rhel("vm", "7.9", &["els"])).is_empty());
}

#[test]
fn floating_major_leaving_full_support_is_info() {
    let found = check("2027-03-01", rhel("vm", "9", &[]));
    assert_eq!(rule_of(&found), [FULL_SUPPORT_ENDS]);
    assert_eq!(found[0].severity, None);
}

#[test]
fn an_os_known_only_from_a_label_is_marked_as_weaker_evidence() {
    let mut w = rhel("vm", "7.4", &[]);
    w.image.reference = None;
    w.unknown.insert("image".into(), "the boot disk is the PersistentVolumeClaim pvc".into());
    let found = check("2026-12-02", w);
    assert_eq!(rule_of(&found), [MAJOR_EOL]);
    assert!(found[0].evidence[0].contains("image is not known (the boot disk is the PersistentVolumeClaim pvc)"));
    assert!(found[0].evidence[0].contains("weaker evidence"), "{:?}", found[0].evidence);
    let mut w = rhel("vm", "7.4", &[]);
    w.image.reference = None;
    assert_eq!(check("2026-12-02", w)[0].evidence[0], "the descriptor declares RHEL 7.4");
}

#[test]
fn a_container_of_a_supported_major_has_no_lifecycle_error() {
    let mut w = rhel("c", "8", &[]);
    w.kind = "container".into();
    w.os.minor = None;
    assert!(!rule_of(&check("2026-12-02", w)).contains(&MAJOR_EOL));
}
