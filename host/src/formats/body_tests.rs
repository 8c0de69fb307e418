//! Tags and properties from every front-end: a tag present (at its value's line), absent, or
//! unknown with why; properties evaluated, placed, and never holding a secret.

use entitle_sdk::{Tag, Workload};

use crate::classify::test_support::catalog;

/// The workloads of `text`, written to a scratch file named `name` and read as `entitle check` reads it.
fn load(name: &str, text: &str) -> Vec<Workload> {
    load_with(name, text, &Default::default())
}

/// As [`load`], with these read options.
fn load_with(name: &str, text: &str, options: &crate::formats::ReadOptions) -> Vec<Workload> {
    let dir = std::env::temp_dir().join(format!("entitle-body-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let file = crate::input::InputFile::named(name.to_owned(), path);
    let loaded = crate::input::load(&file, catalog(), options).expect("reads");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>());
    std::fs::remove_dir_all(&dir).ok();
    loaded.workloads
}

/// The line a field's provenance is placed at.
fn line(w: &Workload, field: &str) -> u32 {
    w.provenance.get(field).and_then(|s| s.line).unwrap_or_else(|| panic!("{field} has no place: {:?}", w.provenance))
}

fn unknown_why<'a>(w: &'a Workload, key: &str) -> &'a str {
    match w.tag(key) {
        Tag::Unknown(why) => why,
        other => panic!("tag {key} is {other:?}, not unknown"),
    }
}

#[test]
fn arm_tags_and_properties() {
    let text = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "owner": {"type": "string"},
    "all": {"type": "object"},
    "password": {"type": "securestring", "defaultValue": "hunter2"},
    "size": {"type": "string", "defaultValue": "Standard_D2s_v5"}
  },
  "resources": [
    {
      "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2023-03-01", "name": "web", "location": "westeurope",
      "tags": {
        "cost-center": "cc-1",
        "owner": "[parameters('owner')]"
      },
      "properties": {
        "hardwareProfile": {"vmSize": "[parameters('size')]"},
        "osProfile": {"adminPassword": "[parameters('password')]"},
        "storageProfile": {"imageReference": {"publisher": "RedHat", "offer": "RHEL", "sku": "9-lvm", "version": "latest"}}
      }
    },
    {
      "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2023-03-01", "name": "db", "location": "westeurope",
      "tags": "[parameters('all')]",
      "properties": {"storageProfile": {"imageReference": {"publisher": "RedHat", "offer": "RHEL", "sku": "9-lvm", "version": "latest"}}}
    }
  ]
}"#;
    let ws = load("vm.json", text);
    let web = ws.iter().find(|w| w.id.ends_with("/web")).unwrap();
    assert_eq!(web.tag("cost-center"), Tag::Present("cc-1"));
    assert_eq!(line(web, "tags.cost-center"), 14);
    assert!(unknown_why(web, "owner").contains("owner"), "{}", unknown_why(web, "owner"));
    assert_eq!(line(web, "tags.owner"), 15);
    assert_eq!(web.tag("team"), Tag::Absent);
    // Expressions applied; each member at the line it is written on, with the parameter in its trail.
    assert_eq!(web.properties["properties"]["hardwareProfile"]["vmSize"], "Standard_D2s_v5");
    assert_eq!(line(web, "properties.properties.hardwareProfile.vmSize"), 18);
    let trail = &web.trail["properties.properties.hardwareProfile.vmSize"];
    assert!(trail.iter().any(|s| s.line == Some(8)), "{trail:?}");
    // A secure parameter's value never reaches the model.
    assert!(web.properties["properties"]["osProfile"]["adminPassword"].is_null());
    assert!(web.unknown["properties.properties.osProfile.adminPassword"].contains("secure"));
    assert!(!serde_json::to_string(web).unwrap().contains("hunter2"));
    let db = ws.iter().find(|w| w.id.ends_with("/db")).unwrap();
    assert!(unknown_why(db, "cost-center").contains("all"), "{}", unknown_why(db, "cost-center"));
    assert_eq!(line(db, "tags"), 25);
}

#[test]
fn terraform_plan_tags_all_unknown_and_sensitive() {
    let text = r#"{"format_version": "1.2", "resource_changes": [
  {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
   "change": {"actions": ["create"],
     "after": {"ami": "ami-0abc", "instance_type": "t3.micro", "user_data": "token=s3cret",
       "tags": {"cost-center": "cc-1", "owner": null},
       "tags_all": {"cost-center": "cc-1", "owner": null,
         "env": "prod"}},
     "after_unknown": {"id": true, "tags": {"owner": true}, "tags_all": {"owner": true}},
     "after_sensitive": {"user_data": true}}}
]}"#;
    let ws = load("plan.json", text);
    let w = &ws[0];
    assert_eq!(w.tag("cost-center"), Tag::Present("cc-1"));
    assert_eq!(w.tag("env"), Tag::Present("prod"), "tags_all carries the provider's default_tags");
    assert_eq!(line(w, "tags.env"), 7);
    assert!(unknown_why(w, "owner").contains("after apply"));
    assert_eq!(w.tag("team"), Tag::Absent);
    assert_eq!(w.properties["instance_type"], "t3.micro");
    assert!(w.properties["user_data"].is_null());
    assert!(w.unknown["properties.user_data"].contains("sensitive"));
    assert!(w.unknown["properties.id"].contains("after apply"));
    assert!(!serde_json::to_string(w).unwrap().contains("s3cret"));
}

#[test]
fn terraform_source_tags_through_the_bridge() {
    let text = r#"variable "owner" {
  type = string
}

resource "aws_instance" "web" {
  ami           = "ami-0abc"
  instance_type = "t3.micro"
  tags = {
    "cost-center" = "cc-1"
    owner         = var.owner
  }
}
"#;
    let ws = load("main.tf", text);
    let w = &ws[0];
    assert_eq!(w.tag("cost-center"), Tag::Present("cc-1"));
    assert_eq!(line(w, "tags.cost-center"), 9);
    assert_eq!(w.provenance["tags.cost-center"].path, "main.tf");
    assert!(unknown_why(w, "owner").contains("owner"), "{}", unknown_why(w, "owner"));
    assert_eq!(w.tag("team"), Tag::Absent);
    assert_eq!(w.properties["instance_type"], "t3.micro");
    assert_eq!(line(w, "properties.instance_type"), 7);
}

#[test]
fn cloudformation_tags_and_no_echo() {
    let text = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Owner:
    Type: String
  Key:
    Type: String
    NoEcho: true
    Default: hunter2
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abc
      InstanceType: t3.micro
      KeyName: !Ref Key
      Tags:
        - Key: cost-center
          Value: cc-1
        - Key: owner
          Value: !Ref Owner
"#;
    let ws = load("stack.yaml", text);
    let w = &ws[0];
    assert_eq!(w.tag("cost-center"), Tag::Present("cc-1"));
    assert_eq!(line(w, "tags.cost-center"), 18);
    assert!(unknown_why(w, "owner").contains("Owner"), "{}", unknown_why(w, "owner"));
    assert_eq!(w.tag("team"), Tag::Absent);
    assert_eq!(w.properties["Properties"]["InstanceType"], "t3.micro");
    assert!(w.properties["Properties"]["KeyName"].is_null());
    assert!(w.unknown["properties.Properties.KeyName"].contains("NoEcho"));
    assert!(!serde_json::to_string(w).unwrap().contains("hunter2"));
}

#[test]
fn kubernetes_labels_annotations_and_template_parameters() {
    let text = r#"apiVersion: template.openshift.io/v1
kind: Template
metadata:
  name: app
parameters:
  - name: OWNER
objects:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: web
      labels:
        cost-center: cc-1
        owner: ${OWNER}
      annotations:
        app.example.com/team: payments
    spec:
      containers:
        - name: app
          image: registry.access.redhat.com/ubi9/ubi:9.4
"#;
    let ws = load("template.yaml", text);
    let w = &ws[0];
    assert_eq!(w.tag("cost-center"), Tag::Present("cc-1"));
    assert_eq!(line(w, "tags.cost-center"), 13);
    assert_eq!(w.tag("app.example.com/team"), Tag::Present("payments"), "annotations are tags too");
    assert_eq!(line(w, "tags.app.example.com/team"), 16);
    assert!(unknown_why(w, "owner").contains("OWNER"), "{}", unknown_why(w, "owner"));
    assert_eq!(w.tag("team"), Tag::Absent);
    assert_eq!(w.properties["spec"]["containers"][0]["name"], "app");
    assert_eq!(line(w, "properties.spec.containers.0.image"), 20);
}

#[test]
fn deployment_manager_labels() {
    let text = r#"resources:
- name: vm1
  type: compute.v1.instance
  properties:
    zone: europe-west1-b
    labels:
      cost-center: cc-1
      owner: $(ref.owner-config.name)
    disks:
    - boot: true
      initializeParams: {sourceImage: projects/rhel-cloud/global/images/family/rhel-9}
"#;
    let ws = load("dm.yaml", text);
    let w = &ws[0];
    assert_eq!(w.tag("cost-center"), Tag::Present("cc-1"));
    assert_eq!(line(w, "tags.cost-center"), 7);
    assert!(unknown_why(w, "owner").contains("$(ref."));
    assert_eq!(w.tag("team"), Tag::Absent);
    assert_eq!(w.properties["properties"]["zone"], "europe-west1-b");
}

#[test]
fn native_descriptor_tags_and_properties() {
    let text = r#"entitle: 1
workloads:
  - id: vm1
    provider: azure
    image: {publisher: RedHat, offer: RHEL, sku: "9-lvm"}
    tags:
      cost-center: cc-1
      tier: 2
    properties:
      diagnostics: true
"#;
    let ws = load("d.yaml", text);
    let w = &ws[0];
    assert_eq!(w.tag("cost-center"), Tag::Present("cc-1"));
    assert_eq!(w.tag("tier"), Tag::Present("2"));
    assert_eq!(line(w, "tags.cost-center"), 7);
    assert_eq!(w.tag("team"), Tag::Absent);
    assert_eq!(w.properties["diagnostics"], true);
    assert_eq!(line(w, "properties.diagnostics"), 10);
    let file = std::env::temp_dir().join(format!("entitle-body-{}-bad.yaml", std::process::id()));
    std::fs::write(&file, text.replace("tier: 2", "tier: null")).unwrap();
    let input = crate::input::InputFile::named("bad.yaml".into(), file.clone());
    let e = crate::input::load(&input, catalog(), &Default::default()).expect_err("a null tag is refused");
    assert!(e.to_string().contains("tag `tier`"), "{e}");
    std::fs::remove_file(file).ok();
}

#[test]
fn one_body_read_as_many_workloads_stays_within_the_input_budget() {
    // A pod of 600 containers is 600 workloads sharing one body of about 1.2 MB.
    let mut text = String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers:\n");
    for i in 0..600 {
        let arg = "x".repeat(2000);
        text.push_str(&format!(
            "  - {{name: c{i}, image: 'registry.access.redhat.com/ubi9/ubi:9.4', args: ['{arg}']}}\n"
        ));
    }
    let ws = load("big.yaml", &text);
    assert_eq!(ws.len(), 600);
    let with = ws.iter().filter(|w| !w.properties.is_null()).count();
    assert!((1..600).contains(&with), "the budget stops the copies: {with} bodies");
    assert!(ws[with..].iter().all(|w| w.properties.is_null() && w.unknown["properties"].contains("MiB")));
}

#[test]
fn terraform_plan_tags_all_not_known_leaves_absent_tags_unknown() {
    let text = r#"{"format_version": "1.2", "resource_changes": [
  {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
   "change": {"actions": ["create"], "after": {"ami": "ami-0abc", "tags": {"cost-center": "cc-1"}},
     "after_unknown": {"tags_all": true}}}
]}"#;
    let ws = load("plan-unknown.json", text);
    assert_eq!(ws[0].tag("cost-center"), Tag::Present("cc-1"));
    assert!(unknown_why(&ws[0], "team").contains("default_tags"), "{}", unknown_why(&ws[0], "team"));
}

#[test]
fn terraform_plan_tags_are_the_same_when_bodies_are_not_recorded() {
    let text = r#"{"format_version": "1.2", "resource_changes": [
  {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
   "change": {"actions": ["create"],
     "after": {"ami": "ami-0abc", "user_data": "x", "tags": {"cost-center": "cc-1", "owner": null, "key": "k"},
       "tags_all": {"cost-center": "cc-1", "owner": null, "key": "k", "env": "prod"}},
     "after_unknown": {"id": true, "tags": {"owner": true}, "tags_all": {"owner": true}},
     "after_sensitive": {"user_data": true, "tags": {"key": true}, "tags_all": {"key": true}}}},
  {"address": "aws_instance.db", "mode": "managed", "type": "aws_instance", "name": "db",
   "change": {"actions": ["create"], "after": {"ami": "ami-0abc", "tags": {"cost-center": "cc-1"}},
     "after_unknown": {"tags_all": true}}},
  {"address": "google_compute_instance.vm", "mode": "managed", "type": "google_compute_instance", "name": "vm",
   "change": {"actions": ["create"], "after": {"machine_type": "n2-standard-2", "labels": {"team": "sap"},
     "tags": ["not-a-label"]}, "after_unknown": {"labels": {"owner": true}}}}
]}"#;
    let tagged = |ws: &[Workload]| -> Vec<String> {
        ws.iter()
            .map(|w| {
                let places: Vec<_> = w.provenance.iter().filter(|(k, _)| k.starts_with("tags")).collect();
                let unknown: Vec<_> = w.unknown.iter().filter(|(k, _)| k.starts_with("tags")).collect();
                format!("{} {:?} {places:?} {unknown:?}", w.id, w.tags)
            })
            .collect()
    };
    let recorded = load("plan-tags.json", text);
    let options = crate::formats::ReadOptions { without_bodies: true, ..Default::default() };
    let unrecorded = load_with("plan-tags.json", text, &options);
    assert!(recorded.iter().all(|w| !w.properties.is_null()) && unrecorded.iter().all(|w| w.properties.is_null()));
    assert_eq!(tagged(&recorded), tagged(&unrecorded));
    assert!(
        tagged(&recorded).iter().all(|t| t.contains("Some(")),
        "every workload has a known tag: {:?}",
        tagged(&recorded)
    );
    assert!(
        recorded[0].tags.contains_key("env") && recorded[1].unknown.contains_key("tags"),
        "{:?}",
        tagged(&recorded)
    );
}
