//! Small synthetic plans for what the corpus does not show: unknown AMIs resolved through
//! `prior_state`, Azure licence types, module instance addresses, deletes and replaces, GCP RHEL
//! for SAP images, launch templates, states and sensitive values.

use entitle_sdk::model::BillingModel;
use serde_json::{Value, json};

use super::tests::{evidence, find, model};
use crate::document::parse_json;
use crate::formats::Extracted;

/// A plan with these resource changes plus other top-level members.
fn plan(changes: Value, extra: Value) -> Extracted {
    let mut doc = json!({"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": changes});
    if let (Some(top), Value::Object(more)) = (doc.as_object_mut(), extra) {
        top.extend(more);
    }
    model("synthetic.json", &serde_json::to_string_pretty(&doc).unwrap())
}

/// A resource change.
fn change(module: &str, ty: &str, name: &str, index: Value, actions: Value, after: Value, unknown: Value) -> Value {
    let mut c = json!({"mode": "managed", "type": ty, "name": name,
        "change": {"actions": actions, "before": null, "after": after,
                   "after_unknown": unknown, "after_sensitive": {}}});
    if !module.is_empty() {
        c["module_address"] = json!(module);
    }
    if !index.is_null() {
        c["index"] = index;
    }
    c["address"] = json!("not.read.by.entitle");
    c
}

fn rhel_ami(id: &str) -> Value {
    json!({"mode": "data", "type": "aws_ami", "name": "rhel", "address": "data.aws_ami.rhel", "values": {
        "id": id, "image_id": id, "name": "RHEL-8.10.0_HVM-20240327-x86_64-4-Hourly2-GP3",
        "owner_id": "309956199498", "platform_details": "Red Hat Enterprise Linux",
        "usage_operation": "RunInstances:0010"}})
}

fn uses_rhel_ami(name: &str) -> Value {
    json!({"mode": "managed", "type": "aws_instance", "name": name,
           "expressions": {"ami": {"references": ["data.aws_ami.rhel.id", "data.aws_ami.rhel"]}}})
}

#[test]
fn unknown_ami_resolves_through_prior_state() {
    let web = change(
        "",
        "aws_instance",
        "web",
        Value::Null,
        json!(["create"]),
        json!({"instance_type": "t3.micro"}),
        json!({"ami": true}),
    );
    let out = plan(
        json!([web]),
        json!({
            "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [rhel_ami("ami-0123")]}}},
            "configuration": {"root_module": {"resources": [uses_rhel_ami("web")]}}
        }),
    );
    let w = find(&out, "aws_instance.web");
    assert!(w.is_rhel(), "{w:#?}");
    assert_eq!((w.os.major, w.os.minor, w.billing.model), (Some(8), Some(10), BillingModel::Payg));
    assert_eq!(w.image.id.as_deref(), Some("ami-0123"));
    assert_eq!(w.image.reference.as_deref(), Some("RHEL-8.10.0_HVM-20240327-x86_64-4-Hourly2-GP3"));
    assert!(!w.unknown.contains_key("image.id") && !w.unknown.contains_key("os.product"), "{:#?}", w.unknown);
    assert!(evidence(w).contains("owner 309956199498 is Red Hat's AMI account"));
    assert_eq!(w.provenance["os.major"].pointer, "/resource_changes/0/change/after/ami");
    assert_eq!(w.trail["billing.model"][0].pointer, "/configuration/root_module/resources/0/expressions/ami");
}

#[test]
fn unread_data_source_keeps_filters_as_evidence() {
    let web = change("", "aws_instance", "web", Value::Null, json!(["create"]), json!({}), json!({"ami": true}));
    let filters = json!({"mode": "data", "type": "aws_ami", "name": "rhel", "expressions": {
        "owners": {"constant_value": ["309956199498"]}, "most_recent": {"constant_value": true},
        "filter": [{"name": {"constant_value": "name"},
                    "values": {"constant_value": ["RHEL-9.*_HVM-*-Hourly2-GP3"]}}]}});
    let out =
        plan(json!([web]), json!({"configuration": {"root_module": {"resources": [uses_rhel_ami("web"), filters]}}}));
    let w = find(&out, "aws_instance.web");
    assert!(!w.is_rhel() && w.os.product.is_none());
    assert!(w.unknown["os.product"].contains("data.aws_ami.rhel is read only at apply"), "{:#?}", w.unknown);
    assert!(w.unknown["image"].contains("read only at apply"));
    let e = evidence(w);
    assert!(
        e.contains(r#"owners ["309956199498"]"#) && e.contains(r#"filter name = ["RHEL-9.*_HVM-*-Hourly2-GP3"]"#),
        "{e}"
    );
}

#[test]
fn azure_rhel_with_byos_licence_type() {
    let after = json!({"location": "westeurope", "license_type": "RHEL_BYOS", "custom_data": "c2VjcmV0IHRva2Vu",
        "source_image_reference": [{"publisher": "RedHat", "offer": "RHEL", "sku": "8_4", "version": "latest"}],
        "plan": []});
    let mut vm = change("", "azurerm_linux_virtual_machine", "db", Value::Null, json!(["create"]), after, json!({}));
    vm["change"]["after_sensitive"] = json!({"custom_data": true});
    let out = plan(json!([vm]), json!({}));
    let w = find(&out, "azurerm_linux_virtual_machine.db");
    assert!(w.is_rhel());
    assert_eq!((w.os.major, w.os.minor), (Some(8), Some(4)));
    assert_eq!(w.billing.model, BillingModel::Byos);
    assert_eq!(w.billing.license_type.as_deref(), Some("RHEL_BYOS"));
    assert_eq!(w.provenance["billing.model"].pointer, "/resource_changes/0/change/after/license_type");
    assert_eq!(w.region.as_deref(), Some("westeurope"));
    assert_eq!(w.image.reference.as_deref(), Some("RedHat:RHEL:8_4:latest"));
    // sensitive custom data is neither read nor shown anywhere
    assert!(w.boot[0].text.is_none() && w.boot[0].unknown.as_deref().is_some_and(|u| u.contains("sensitive")));
    let shown = serde_json::to_string(&out.workloads).unwrap();
    assert!(!shown.contains("c2VjcmV0") && !shown.contains("secret token"));
}

#[test]
fn module_instances_are_addressed_from_their_parts() {
    let after = json!({"ami": "ami-0123"});
    let counted =
        change(r#"module.web["east.1"]"#, "aws_instance", "app", json!(0), json!(["create"]), after.clone(), json!({}));
    let keyed = change("module.db[2]", "aws_instance", "node", json!("a\"b"), json!(["no-op"]), after, json!({}));
    let mut data = rhel_ami("ami-0123");
    data["address"] = json!(r#"module.web["east.1"].data.aws_ami.rhel"#);
    let module = |resources: Value| json!({"module": {"resources": resources}});
    let out = plan(
        json!([counted, keyed]),
        json!({
            "prior_state": {"values": {"root_module": {"child_modules": [
                {"address": r#"module.web["east.1"]"#, "resources": [data]}]}}},
            "configuration": {"root_module": {"module_calls": {
                "web": module(json!([uses_rhel_ami("app")])), "db": module(json!([uses_rhel_ami("node")]))}}}
        }),
    );
    let app = find(&out, r#"module.web["east.1"].aws_instance.app[0]"#);
    assert_eq!(app.resource, app.id);
    assert!(app.is_rhel() && app.billing.model == BillingModel::Payg, "{app:#?}");
    let node = find(&out, r#"module.db[2].aws_instance.node["a\"b"]"#);
    assert!(evidence(node).contains("no-op"));
    // module.db[2] reads no data source during planning: the same AMI id still identifies it
    assert!(evidence(node).contains("(the same AMI id)") && node.is_rhel(), "{node:#?}");
}

#[test]
fn deletes_are_skipped_and_replaces_keep_after() {
    let gone = change("", "aws_instance", "old", Value::Null, json!(["delete"]), Value::Null, json!({}));
    let swap =
        change("", "aws_instance", "new", Value::Null, json!(["delete", "create"]), json!({"ami": "ami-9"}), json!({}));
    let out = plan(json!([gone, swap]), json!({}));
    assert_eq!(out.workloads.len(), 1);
    assert!(evidence(find(&out, "aws_instance.new")).contains("replace"));
    assert!(out.notes.iter().any(|n| n.contains("deletion") && n.contains("aws_instance.old")), "{:?}", out.notes);
    let only_delete = change("", "aws_instance", "old", Value::Null, json!(["delete"]), Value::Null, json!({}));
    assert!(plan(json!([only_delete]), json!({})).workloads.is_empty());
}

#[test]
fn google_rhel_for_sap_image() {
    let after = json!({"zone": "europe-west4-a", "metadata_startup_script": "subscription-manager status",
        "boot_disk": [{"initialize_params": [{"image": "rhel-sap-cloud/rhel-8-4-sap-ha"}]}]});
    let out = plan(
        json!([change("", "google_compute_instance", "hana", Value::Null, json!(["create"]), after, json!({}))]),
        json!({}),
    );
    let w = find(&out, "google_compute_instance.hana");
    assert!(w.is_rhel(), "{w:#?}");
    assert_eq!((w.os.major, w.os.minor, w.os.stream.as_deref()), (Some(8), Some(4), Some("e4s")));
    assert!(w.has_addon("sap") && w.has_addon("ha"));
    assert_eq!(w.billing.model, BillingModel::Payg);
    assert_eq!(w.boot[0].kind, "startup_script");
    assert_eq!(w.boot[0].text.as_deref(), Some("subscription-manager status"));
}

#[test]
fn autoscaling_group_takes_its_launch_template() {
    let lt = change(
        "",
        "aws_launch_template",
        "rhel",
        Value::Null,
        json!(["create"]),
        json!({"image_id": "ami-0123", "name": "rhel-lt",
               "user_data": "IyEvYmluL3NoCnN1YnNjcmlwdGlvbi1tYW5hZ2VyIHJlZ2lzdGVyCg=="}),
        json!({"id": true}),
    );
    let asg = change(
        "",
        "aws_autoscaling_group",
        "web",
        Value::Null,
        json!(["create"]),
        json!({"min_size": 2, "max_size": 6, "desired_capacity": 3, "launch_template": [{"version": "$Latest"}]}),
        json!({"launch_template": [{"id": true}]}),
    );
    let config = json!({"root_module": {"resources": [
        {"mode": "managed", "type": "aws_launch_template", "name": "rhel",
         "expressions": {"image_id": {"references": ["data.aws_ami.rhel.id"]}}},
        {"mode": "managed", "type": "aws_autoscaling_group", "name": "web",
         "expressions": {"launch_template": [
             {"id": {"references": ["aws_launch_template.rhel.id", "aws_launch_template.rhel"]}}]}}]}});
    let prior = json!({"values": {"root_module": {"resources": [rhel_ami("ami-0123")]}}});
    let out = plan(json!([lt, asg]), json!({"configuration": config, "prior_state": prior}));
    let t = find(&out, "aws_launch_template.rhel");
    assert_eq!((t.kind.as_str(), t.count), ("launch_template", None));
    assert!(t.is_rhel() && t.boot[0].text.as_deref() == Some("#!/bin/sh\nsubscription-manager register\n"));
    let g = find(&out, "aws_autoscaling_group.web");
    assert_eq!((g.kind.as_str(), g.count), ("scale_set", Some(3)));
    assert!(g.is_rhel() && g.release().as_deref() == Some("8.10"), "{g:#?}");
    assert_eq!(g.provenance["os.major"].pointer, "/resource_changes/0/change/after/image_id");
    assert_eq!(g.trail["os.major"][0].pointer, "/resource_changes/1/change/after/launch_template/0/id");
    assert!(evidence(g).contains("launches aws_launch_template.rhel"));
    assert_eq!(g.boot.len(), 1);
}

#[test]
fn a_state_is_what_runs_now() {
    let state = json!({"format_version": "1.0", "terraform_version": "1.9.0", "values": {"root_module": {"resources": [
        rhel_ami("ami-0123"),
        {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
         "values": {"ami": "ami-0123", "availability_zone": "us-east-1a"}, "sensitive_values": {}}]}}});
    let out = model("state.json", &state.to_string());
    let w = find(&out, "aws_instance.web");
    assert!(w.is_rhel() && w.region.as_deref() == Some("us-east-1a"));
    assert!(evidence(w).contains("in the state"));
    assert!(out.notes.iter().any(|n| n.contains("state")));
    assert_eq!(w.provenance["image.id"].pointer, "/values/root_module/resources/1/values/ami");
}

#[test]
fn newer_format_versions_are_refused_and_others_are_not_plans() {
    let doc = parse_json(r#"{"format_version": "2.0", "resource_changes": []}"#).unwrap();
    let error = super::workloads("p.json", &doc, super::tests::catalog(), None, false).unwrap_err();
    assert!(error.message().contains("format_version 2.0"), "{}", error.message());
    for text in [r#"{"resources": [], "contentVersion": "1.0.0.0"}"#, r#"{"format_version": "1.0"}"#, "[]"] {
        assert!(!super::detect(&parse_json(text).unwrap()), "{text}");
    }
}

#[test]
fn a_sensitive_ami_is_not_shown() {
    let mut web =
        change("", "aws_instance", "web", Value::Null, json!(["create"]), json!({"ami": "ami-secret"}), json!({}));
    web["change"]["after_sensitive"] = json!({"ami": true});
    let out = plan(json!([web]), json!({}));
    let w = find(&out, "aws_instance.web");
    assert!(w.image.id.is_none() && w.unknown["image"].contains("sensitive"));
    assert!(!serde_json::to_string(w).unwrap().contains("ami-secret"));
}

#[test]
fn hashed_user_data_without_a_literal_is_unknown() {
    let after = json!({"ami": "ami-1", "user_data": "44c6c808e6449ee36dfcfc4ebd66c1b9634b40f2"});
    let web = change("", "aws_instance", "web", Value::Null, json!(["update"]), after, json!({}));
    let config = json!({"root_module": {"resources": [{"mode": "managed", "type": "aws_instance", "name": "web",
        "expressions": {"user_data": {"references": ["local.script"]}}}]}});
    let out = plan(json!([web]), json!({"configuration": config}));
    let boot = &find(&out, "aws_instance.web").boot;
    assert_eq!(boot.len(), 1);
    assert!(boot[0].text.is_none() && boot[0].unknown.as_deref().is_some_and(|u| u.contains("SHA-1")), "{boot:#?}");
}

#[test]
fn google_image_from_a_data_source_read_during_planning() {
    let after = json!({"boot_disk": [{"initialize_params": [{}]}]});
    let unknown = json!({"boot_disk": [{"initialize_params": [{"image": true}]}]});
    let vm = change("", "google_compute_instance", "app", Value::Null, json!(["create"]), after, unknown);
    let image = json!({"mode": "data", "type": "google_compute_image", "name": "rhel", "values": {
        "self_link": "https://www.googleapis.com/compute/v1/projects/rhel-cloud/global/images/rhel-9-v20240515",
        "family": "rhel-9", "project": "rhel-cloud", "name": "rhel-9-v20240515",
        "licenses": ["https://www.googleapis.com/compute/v1/projects/rhel-cloud/global/licenses/rhel-9-server"]}});
    let refs = json!({"references": ["data.google_compute_image.rhel.self_link", "data.google_compute_image.rhel"]});
    let config = json!({"root_module": {"resources": [{"mode": "managed", "type": "google_compute_instance",
        "name": "app", "expressions": {"boot_disk": [{"initialize_params": [{"image": refs}]}]}}]}});
    let out = plan(
        json!([vm]),
        json!({"configuration": config, "prior_state": {"values": {"root_module": {"resources": [image]}}}}),
    );
    let w = find(&out, "google_compute_instance.app");
    assert!(w.is_rhel() && w.os.major == Some(9) && w.billing.model == BillingModel::Payg, "{w:#?}");
    assert!(w.image.reference.as_deref().is_some_and(|r| r.ends_with("rhel-9-v20240515")));
    assert!(evidence(w).contains("data.google_compute_image.rhel"));
    assert!(!w.unknown.contains_key("image") && !w.unknown.contains_key("image.reference"), "{:#?}", w.unknown);
}

#[test]
fn azure_custom_image_ids_leave_the_os_unknown() {
    let after = json!({"source_image_reference": [], "location": "eastus", "instances": 4});
    let unknown = json!({"source_image_id": true});
    let vmss =
        change("", "azurerm_linux_virtual_machine_scale_set", "pool", Value::Null, json!(["create"]), after, unknown);
    let out = plan(json!([vmss]), json!({}));
    let w = find(&out, "azurerm_linux_virtual_machine_scale_set.pool");
    assert_eq!((w.kind.as_str(), w.count), ("scale_set", Some(4)));
    assert!(w.unknown["image.id"].contains("after apply"), "{:#?}", w.unknown);
    assert!(w.unknown["os.product"].contains("custom or gallery image"));
}
