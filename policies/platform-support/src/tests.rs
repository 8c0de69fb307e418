use entitle_sdk::model::{Instance, KernelChange, Strength};
use entitle_sdk::testing::{catalog_from_dir, evaluation, rhel, run};
use entitle_sdk::{Catalog, Severity, Workload};

use super::*;

fn catalog() -> Catalog {
    catalog_from_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog"))
}

fn on(provider: &str, size: &str, family: Option<&str>, arch: Option<&str>) -> Workload {
    let mut w = rhel("vm", "9", &[]);
    w.provider = provider.into();
    w.instance = Some(Instance {
        size: Some(size.into()),
        family: family.map(Into::into),
        vcpus: None,
        arch: arch.map(Into::into),
    });
    w
}

fn rules(workloads: Vec<Workload>, context: serde_json::Value) -> Vec<(String, Severity, String)> {
    let mut eval = evaluation("2026-12-07", catalog(), workloads);
    eval.context = context;
    run(evaluate, &eval).into_iter().map(|f| (f.rule, f.severity.unwrap_or(Severity::Warning), f.message)).collect()
}

#[test]
fn a_certified_family_is_clean_and_an_unknown_size_is_not_judged() {
    assert!(rules(vec![on("aws", "m7g.large", Some("m7g"), Some("arm64"))], serde_json::Value::Null).is_empty());
    assert!(rules(vec![on("aws", "zz9.large", None, None)], serde_json::Value::Null).is_empty());
    let mut k8s = on("kubernetes", "x", None, None);
    k8s.instance = None;
    assert!(rules(vec![k8s], serde_json::Value::Null).is_empty());
}

#[test]
fn an_uncertified_family_or_provider_is_a_warning_and_an_error_where_support_is_required() {
    let found = rules(vec![on("aws", "mac2.metal", Some("mac"), Some("arm64"))], serde_json::Value::Null);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].0.as_str(), found[0].1), (NOT_CERTIFIED, Severity::Warning));
    assert!(found[0].2.contains("mac2.metal") && found[0].2.contains("macOS"), "{}", found[0].2);
    let required = serde_json::json!({"require_red_hat_support": ["aws"]});
    let found = rules(vec![on("aws", "mac2.metal", Some("mac"), Some("arm64"))], required);
    assert_eq!(found[0].1, Severity::Error);
    let found = rules(vec![on("hetzner", "cx22", None, None)], serde_json::Value::Null);
    assert!(found[0].2.contains("hetzner") && found[0].2.contains("certified cloud providers"), "{}", found[0].2);
    let found = rules(vec![on("aws", "m5.large", Some("nothing-like-it"), Some("x86_64"))], serde_json::Value::Null);
    assert!(found[0].2.contains("not in the catalog's list"), "{}", found[0].2);
}

#[test]
fn each_kernel_change_on_rhel_is_a_warning_and_other_systems_are_not_judged() {
    let mut w = rhel("vm", "9", &[]);
    w.kernel = vec![
        KernelChange {
            kind: "third-party-kernel".into(),
            text: "dnf install -y kernel-ml".into(),
            strength: Strength::Strong,
            ..Default::default()
        },
        KernelChange {
            kind: "dkms".into(),
            text: "dkms autoinstall".into(),
            strength: Strength::Declared,
            ..Default::default()
        },
    ];
    let mut ubuntu = w.clone();
    ubuntu.id = "ubuntu".into();
    ubuntu.os.product = Some("ubuntu".into());
    w.kernel[1].source.pointer = "/workloads/0/kernel/1".into();
    let found = rules(vec![w.clone(), ubuntu], serde_json::Value::Null);
    assert_eq!(found.len(), 2, "one per place: {found:?}");
    assert!(found.iter().all(|f| f.0 == KERNEL_TAINT && f.1 == Severity::Warning));
    assert!(found[0].2.starts_with("`dnf install -y kernel-ml` runs at boot"), "{}", found[0].2);
    assert!(found[1].2.contains("is declared"), "{}", found[1].2);
    // The same script: one finding quoting the kernel install, the DKMS build in the evidence.
    w.kernel[1].source = w.kernel[0].source.clone();
    w.kernel.swap(0, 1);
    let mut eval = evaluation("2026-12-07", catalog(), vec![w]);
    eval.context = serde_json::Value::Null;
    let found = run(evaluate, &eval);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.starts_with("`dnf install -y kernel-ml` runs at boot"), "{}", found[0].message);
    assert!(found[0].message.contains("1 more kernel change"), "{}", found[0].message);
    assert_eq!(found[0].field, "kernel.0");
    assert_eq!(found[0].evidence.len(), 2);
}
