//! Parameter choices, end to end on small templates under `tests/choices/`: a choice's
//! finding carries its own trail (the row it reads, then the chosen value) and resource
//! name; a choice that brings a different problem is reported even when the default breaks
//! the same rule, and a true repeat is folded into the default's finding, named there; a
//! parameters-file value outside `allowedValues` is a finding, not a failure to check.

use entitle::report::{Finding, Report};
use entitle::{CacheMode, CheckOptions, Checker, LoadedCatalog, Runtime, RuntimeOptions};

use crate::support;

fn check(case: &str) -> Report {
    let root = support::root().join("tests/choices").join(case);
    let cache = std::env::temp_dir().join("entitle-tests-cache");
    let runtime = Runtime::new(RuntimeOptions { cache: CacheMode::Dir(cache), ..RuntimeOptions::default() }).unwrap();
    let (policies, load_errors) = entitle::load_policies(&runtime, true, &[]);
    assert!(load_errors.is_empty(), "{load_errors:?}");
    let checker = Checker { runtime, policies, catalog: LoadedCatalog::builtin() };
    let (files, errors) = entitle::discover(&[root]);
    checker.check(&files, errors, &CheckOptions::new("2026-11-25".parse().unwrap()))
}

fn trail(f: &Finding) -> Vec<String> {
    f.trail.iter().map(|l| format!("{}:{}", l.path.rsplit('/').next().unwrap(), l.line)).collect()
}

fn only<'a>(report: &'a Report, rule: &str, alternative: Option<&str>) -> &'a Finding {
    let found: Vec<&Finding> =
        report.findings.iter().filter(|f| f.rule == rule && f.alternative.as_deref() == alternative).collect();
    assert_eq!(found.len(), 1, "{rule} {alternative:?}: {:#?}", report.findings);
    found[0]
}

#[test]
fn a_choice_with_another_major_is_reported_with_its_own_fix_and_a_repeat_is_folded() {
    let report = check("rhel-versions");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let default = only(&report, "RHEL-LC-MAJOR-EOL", None);
    assert!(
        default.message.ends_with("(the same if deployed with parameter rhelOSVersion = 7.3)"),
        "{}",
        default.message
    );
    assert_eq!(trail(default), ["azuredeploy.json:7"], "the default value");
    let six = only(&report, "RHEL-LC-MAJOR-EOL", Some("parameter rhelOSVersion = 6.7"));
    assert!(six.message.contains("RHEL 6.7"), "{}", six.message);
    let fix = six.fix.as_deref().unwrap();
    assert!(fix.contains("ELS for RHEL 6 ended on 2024-06-30") && !fix.contains("RHEL 7 ELS"), "{fix}");
    assert_eq!(trail(six), ["azuredeploy.json:11"], "the chosen value in allowedValues");
    assert_eq!(report.findings.len(), 2, "7.3 is folded: {:#?}", report.findings);
}

#[test]
fn a_choice_through_a_map_points_at_its_own_row_and_resource_name() {
    let report = check("map-choice");
    let pinned = only(&report, "RHEL-LC-EUS-EXPIRED", Some("parameter track = pinned"));
    assert_eq!(pinned.resource, "Microsoft.Compute/virtualMachines/vm-pinned");
    assert_eq!(
        trail(pinned),
        ["azuredeploy.json:19", "azuredeploy.json:17", "azuredeploy.json:10"],
        "the variable, the `pinned` row (not the default's row on line 16), the chosen value"
    );
    assert_eq!((pinned.location.line, pinned.location.column), (32, 20), "the field a user edits");
}

#[test]
fn a_parameters_file_value_outside_allowed_values_is_a_finding_at_its_line() {
    let report = check("params-not-allowed");
    assert!(report.errors.is_empty(), "checked, not failed: {:?}", report.errors);
    let f = only(&report, "ENTITLE-PARAM-NOT-ALLOWED", None);
    assert_eq!(f.policy, "entitle");
    assert_eq!(f.severity, entitle_sdk::Severity::Error);
    assert!(f.location.path.ends_with("azuredeploy.parameters.json") && f.location.line == 6, "{:?}", f.location);
    assert!(f.message.contains("Azure would reject the deployment"), "{}", f.message);
    assert!(f.message.contains("checked with its default \"9-lvm-gen2\""), "{}", f.message);
    assert!(report.rules.iter().any(|(p, r)| p == "entitle" && r.id == "ENTITLE-PARAM-NOT-ALLOWED"));
}
