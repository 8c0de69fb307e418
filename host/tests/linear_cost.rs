//! Large inputs cost linear work: a plan (or ARM template) four times as large costs at most 4.4 times the heap
//! allocations (calls and bytes) of the whole check, read to report with the gate. Counted by a global allocator of
//! this test binary, so the bound does not depend on the machine's speed or load and cannot flake; a test binary of
//! its own, because the counters are per process. A pass over every resource per workload (what support detection
//! did) makes the ratio about 7 at these sizes.

use std::alloc::System;
use std::path::{Path, PathBuf};

use entitle::gate::GateOptions;
use entitle::{CheckOptions, Checker};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

mod generated;
mod setup;
use generated::{arm, plan};
use setup::{builtin_checker, fresh_dir};

/// The system allocator, counting allocations and the bytes asked for (a maintained wrapper, so this test needs
/// no `unsafe` of its own).
#[global_allocator]
static ALLOCATOR: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The allocation counters are per process: the tests of this binary take turns.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Allocation calls and bytes of one whole check of `file`, with its finding count.
fn cost(checker: &Checker, file: &Path) -> (u64, u64, usize) {
    let (calls, bytes, found) = cost_any(checker, file);
    assert!(found > 0, "the generated input has findings");
    (calls, bytes, found)
}

/// [`cost`] of an input that may have no findings.
fn cost_any(checker: &Checker, file: &Path) -> (u64, u64, usize) {
    let (files, errors) = entitle::discover(&[file.to_path_buf()]);
    let options = CheckOptions::new("2026-11-25".parse().unwrap());
    let region = Region::new(ALLOCATOR);
    let mut report = checker.check(&files, errors, &options);
    entitle::gate::apply(&mut report, &GateOptions::default());
    let found = report.findings.len();
    drop(report);
    let stats = region.change();
    ((stats.allocations + stats.reallocations) as u64, stats.bytes_allocated as u64, found)
}

#[test]
fn four_times_the_input_costs_at_most_four_point_four_times_the_allocations() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (dir, checker) = (fresh_dir("linear"), builtin_checker());
    let write = |name: &str, text: String| -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    for (kind, small, large) in [
        ("plan", write("small-plan.json", plan(250)), write("large-plan.json", plan(1000))),
        ("ARM template", write("small-arm.json", arm(250)), write("large-arm.json", arm(1000))),
    ] {
        let (s, l) = (cost(&checker, &small), cost(&checker, &large));
        let size = std::fs::metadata(&large).unwrap().len() as f64 / std::fs::metadata(&small).unwrap().len() as f64;
        assert!((3.9..4.1).contains(&size), "{kind}: sizes {size}");
        let (calls, bytes) = (l.0 as f64 / s.0 as f64, l.1 as f64 / s.1 as f64);
        eprintln!(
            "{kind}: {size:.2}x the bytes, {:.2}x the findings: {calls:.2}x the allocations, {bytes:.2}x the bytes allocated",
            l.2 as f64 / s.2 as f64
        );
        assert!(
            calls <= 4.4 && bytes <= 4.4,
            "{kind}: {calls:.2}x the allocation calls, {bytes:.2}x the bytes ({s:?} → {l:?})"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A plan whose every Auto Scaling group names a launch template, every VM a boot disk and every AMI id a data
/// source by a value no instance has: each was a pass over every instance of the plan (a 4 MB plan of 8,000 such
/// groups took 7.7 s, of 8,000 such VMs 15 s); now each is a lookup in an index built once.
fn by_value(n: usize) -> String {
    let change = |ty: &str, name: String, after: serde_json::Value| {
        serde_json::json!({"address": format!("{ty}.{name}"), "mode": "managed", "type": ty, "name": name,
            "change": {"actions": ["create"], "before": null, "after": after, "after_unknown": {}}})
    };
    let read = |i: usize| {
        serde_json::json!({"address": format!("data.aws_ami.a{i}"), "mode": "data", "type": "aws_ami",
            "name": format!("a{i}"), "values": {"id": format!("ami-other{i:08}"), "image_id": format!("ami-other{i:08}")}})
    };
    let mut changes = Vec::new();
    for i in 0..n {
        changes.push(change(
            "aws_autoscaling_group",
            format!("g{i}"),
            serde_json::json!({
            "launch_template": [{"id": format!("lt-missing-{i}"), "name": null}], "name": format!("g{i}")}),
        ));
        changes.push(change(
            "aws_launch_template",
            format!("t{i}"),
            serde_json::json!({
            "id": format!("lt-{i}"), "name": format!("t{i}"), "image_id": "ami-0123"}),
        ));
        changes.push(change(
            "google_compute_instance",
            format!("vm{i}"),
            serde_json::json!({
            "boot_disk": [{"source": format!("projects/p/zones/z/disks/missing-{i}")}], "name": format!("vm{i}")}),
        ));
        changes.push(change(
            "google_compute_disk",
            format!("d{i}"),
            serde_json::json!({
            "name": format!("d{i}"), "image": "projects/rhel-cloud/global/images/rhel-9-v20240101"}),
        ));
        changes.push(change("aws_instance", format!("i{i}"), serde_json::json!({"ami": format!("ami-missing{i:08}")})));
    }
    let prior = serde_json::json!({"values": {"root_module": {"resources": (0..n).map(read).collect::<Vec<_>>()}}});
    serde_json::json!({"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": changes,
        "prior_state": prior})
    .to_string()
}

/// A CloudFormation template of launch templates, each launched by one Auto Scaling group through `Ref` and one
/// naming a template that does not exist: each group's templates were a pass over every launcher, and each name a
/// pass over every resource evaluating its name (a 2.2 MB template of 4,000 of each took 10.9 s).
fn launched(n: usize) -> String {
    let mut resources = serde_json::Map::new();
    for i in 0..n {
        resources.insert(
            format!("Lt{i}"),
            serde_json::json!({"Type": "AWS::EC2::LaunchTemplate", "Properties": {
            "LaunchTemplateName": format!("lt-{i}"), "LaunchTemplateData": {"ImageId": "ami-0abcdef1234567890"}}}),
        );
        resources.insert(format!("ByRef{i}"), serde_json::json!({"Type": "AWS::AutoScaling::AutoScalingGroup",
            "Properties": {"MinSize": "1", "MaxSize": "2", "LaunchTemplate": {"LaunchTemplateId": {"Ref": format!("Lt{i}")}}}}));
        resources.insert(format!("ByName{i}"), serde_json::json!({"Type": "AWS::AutoScaling::AutoScalingGroup",
            "Properties": {"MinSize": "1", "MaxSize": "2", "LaunchTemplate": {"LaunchTemplateName": format!("none-{i}")}}}));
    }
    serde_json::json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}).to_string()
}

/// An ARM template whose every VM reads one member of one large variable: each read copied the whole variable
/// (8,000 reads of an 8,000-member object took 12.8 s); values are now shared, not copied.
fn member_reads(n: usize) -> String {
    let big: serde_json::Map<String, serde_json::Value> = (0..n).map(|i| (format!("k{i}"), "7.9".into())).collect();
    let vms: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2022-03-01",
                "name": format!("vm{i}"), "location": "westeurope", "properties": {"storageProfile": {"imageReference":
                {"publisher": "RedHat", "offer": "RHEL", "sku": format!("[variables('big').k{i}]"), "version": "latest"}}}})
        })
        .collect();
    serde_json::json!({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0", "variables": {"big": big}, "resources": vms})
    .to_string()
}

#[test]
fn references_by_value_cost_linear_work() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (dir, checker) = (fresh_dir("linear-by-value"), builtin_checker());
    let kinds = [
        ("plan", by_value as fn(usize) -> String),
        ("CloudFormation template", launched),
        ("ARM template", member_reads),
    ];
    for (kind, generate) in kinds {
        let (small, large) = (dir.join("small.json"), dir.join("large.json"));
        std::fs::write(&small, generate(250)).unwrap();
        std::fs::write(&large, generate(1000)).unwrap();
        let (s, l) = (cost_any(&checker, &small), cost_any(&checker, &large));
        let (calls, bytes) = (l.0 as f64 / s.0 as f64, l.1 as f64 / s.1 as f64);
        eprintln!("{kind}: {calls:.2}x the allocations, {bytes:.2}x the bytes allocated for 4x the references");
        assert!(calls <= 4.4 && bytes <= 4.4, "{kind}: {calls:.2}x the calls, {bytes:.2}x the bytes ({s:?} → {l:?})");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
