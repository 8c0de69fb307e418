//! End-to-end tests of the evaluator on small modules written here: references, locals and
//! their cycles, count gates, dynamic blocks, data sources and the positions every source ends at.

use std::collections::BTreeMap;

use super::eval::{Eval, Scope};
use super::files::{Module, parse};
use super::value::Val;

/// A module of one file `m/main.tf` with `text`.
pub fn module(text: &str) -> Module {
    Module {
        display: "m".into(),
        dir: ".".into(),
        files: vec![parse("m/main.tf", text).unwrap()],
        tfvars: Vec::new(),
        notes: Vec::new(),
    }
}

/// Evaluates `local.NAME` of `text` with variables `vars`.
pub fn local(text: &str, name: &str, vars: &[(&str, &str)]) -> Val {
    let m = module(text);
    let mut values = super::vars::child_values(&m, BTreeMap::new());
    for (k, v) in vars {
        values.insert((*k).to_owned(), Val::str(*v, None));
    }
    let ev = Eval::new(&m, values, 0, String::new());
    let file = parse("m/x.tf", &format!("x = local.{name}\n")).unwrap();
    let attr = file.body.get_attribute("x").unwrap();
    ev.eval(&file, &attr.value, "/x", &Scope::default())
}

#[test]
fn locals_references_and_cycles() {
    let text = "variable \"os\" {\n  default = \"rhel\"\n}\nlocals {\n  a = \"${var.os}-8\"\n  b = local.a\n  c = local.d\n  d = local.c\n  m = { for k, v in { x = 1, y = 2 } : k => v * 2 if v > 1 }\n  l = [for s in [\"a\", \"b\"] : upper(s)]\n  s = [{ id = 1 }, { id = 2 }][*].id\n}\n";
    assert_eq!(local(text, "b", &[]).as_text().as_deref(), Some("rhel-8"));
    assert_eq!(local(text, "b", &[("os", "centos")]).as_text().as_deref(), Some("centos-8"));
    let cycle = local(text, "c", &[]);
    assert!(cycle.unknown_reason().unwrap().reason.contains("cycle"), "{cycle:?}");
    assert_eq!(local(text, "m", &[]).show(), "{y = 4}");
    assert_eq!(local(text, "l", &[]).show(), "[\"A\", \"B\"]");
    assert_eq!(local(text, "s", &[]).show(), "[1, 2]");
}

#[test]
fn unknowns_carry_their_reason_through_expressions() {
    let text = "variable \"os\" {}\nlocals {\n  gate = var.os == \"rhel_7\" ? 1 : 0\n  same = var.os == \"x\" ? \"a\" : \"a\"\n  t = try(var.missing.key, \"fallback\")\n  k = try({ a = 1 }.b, \"fallback\")\n  c = can({ a = 1 }.b)\n  and = var.os == \"x\" && false\n  or = true || var.os == \"x\"\n}\n";
    let gate = local(text, "gate", &[]);
    let reason = &gate.unknown_reason().unwrap().reason;
    assert!(reason.contains("var.os == \"rhel_7\"") && reason.contains("no default"), "{reason}");
    assert_eq!(local(text, "same", &[]).as_text().as_deref(), Some("a"), "both branches agree");
    assert!(local(text, "t", &[]).is_unknown(), "an undeclared variable is unknown, not an error try() skips");
    assert_eq!(local(text, "k", &[]).as_text().as_deref(), Some("fallback"));
    assert_eq!(local(text, "c", &[]).as_text().as_deref(), Some("false"));
    assert_eq!(local(text, "and", &[]).as_text().as_deref(), Some("false"), "unknown && false is false");
    assert_eq!(local(text, "or", &[]).as_text().as_deref(), Some("true"));
}

#[test]
fn literal_positions_are_where_they_are_written() {
    let text = "variable \"map\" {\n  default = {\n    rhel_sku = \"7.2\"\n  }\n}\nlocals {\n  sku = lookup(var.map, join(\"_sku\", list(\"rhel\", \"\")))\n}\n";
    let v = local(text, "sku", &[]);
    assert_eq!(v.as_text().as_deref(), Some("7.2"));
    let at = v.at.clone().unwrap();
    assert_eq!(
        (at.path.as_str(), at.pointer.as_str(), at.line, at.column),
        ("m/main.tf", "/variable/map/default/rhel_sku", Some(3), Some(16))
    );
    let via: Vec<_> = v.via.iter().map(|s| (s.path.as_str(), s.line, s.column)).collect();
    assert_eq!(via, vec![("m/x.tf", Some(1), Some(5)), ("m/main.tf", Some(7), Some(16))]);
}

/// Writes `files` into a fresh directory and reads it as a module input.
pub fn read_module(name: &str, files: &[(&str, String)]) -> super::Extracted {
    let dir = std::env::temp_dir().join(format!("entitle-tfhcl-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    let catalog = &crate::catalog::LoadedCatalog::builtin().catalog;
    let found = super::load("m", &dir, catalog, &Default::default()).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    found
}

#[test]
fn hostile_chains_and_counts_stay_bounded() {
    let mut text: String = (0..3000).map(|i| format!("locals {{\n  a{i} = local.a{}\n}}\n", i + 1)).collect();
    text.push_str("locals {\n  a3000 = \"9_4\"\n}\n");
    text.push_str("resource \"azurerm_linux_virtual_machine\" \"v\" {\n  count = 100000\n  source_image_reference {\n    publisher = \"RedHat\"\n    offer = \"RHEL\"\n    sku = local.a0\n  }\n}\n");
    let found = read_module("hostile", &[("main.tf", text)]);
    let [w] = &found.workloads[..] else { panic!("one workload: {:?}", found.workloads) };
    assert_eq!(w.count, Some(100000));
    assert!(w.unknown["image.sku"].contains("nest deeper"), "{:?}", w.unknown);
}

#[test]
fn dynamic_blocks_with_iterators_and_unknown_gates() {
    let text = "variable \"images\" {\n  default = { db = { p = \"RedHat\", o = \"RHEL\", s = \"9_4\" } }\n}\n\
                variable \"os\" {}\n\
                resource \"azurerm_linux_virtual_machine\" \"known\" {\n  dynamic \"source_image_reference\" {\n    for_each = var.images\n    iterator = img\n    content {\n      publisher = img.value.p\n      offer     = img.value.o\n      sku       = img.value.s\n      version   = img.key\n    }\n  }\n}\n\
                resource \"azurerm_linux_virtual_machine\" \"gated\" {\n  count = var.os == \"rhel\" ? 1 : 0\n  dynamic \"source_image_reference\" {\n    for_each = range(var.os == \"rhel\" ? 1 : 0)\n    content {\n      publisher = \"RedHat\"\n    }\n  }\n}\n";
    let found = read_module("dynamic", &[("main.tf", text.to_owned())]);
    let known = found.workloads.iter().find(|w| w.id.ends_with("known")).unwrap();
    assert_eq!(known.image.urn().as_deref(), Some("RedHat:RHEL:9_4:db"));
    assert_eq!(known.provenance["image.sku"].line, Some(2), "the value is edited in the variable default");
    let gated = found.workloads.iter().find(|w| w.id.ends_with("gated")).unwrap();
    assert_eq!(gated.count, None);
    assert!(gated.unknown["count"].contains("var.os has no default"), "{:?}", gated.unknown);
    assert!(
        gated.unknown["image"].contains("dynamic \"source_image_reference\" blocks are not known"),
        "{:?}",
        gated.unknown
    );
}

#[test]
fn jsonencode_of_known_values_is_their_json_text() {
    use super::funcs::apply;
    use super::value::{Kind, Val};
    let list = Val::new(Kind::list(vec![Val::str("ec2:StopInstances", None)]), None);
    let map = Val::new(Kind::map([("Action".to_owned(), list)].into_iter().collect()), None);
    assert_eq!(apply("jsonencode", vec![map], None).as_text().as_deref(), Some(r#"{"Action":["ec2:StopInstances"]}"#));
    let unknown = Val::new(Kind::list(vec![Val::unknown("computed", None)]), None);
    assert!(apply("jsonencode", vec![unknown], None).is_unknown());
}

#[test]
fn aws_default_tags_are_merged_into_the_tags_of_every_instance() {
    let main = r#"
provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { "cost-center" = "cc-1", Name = "default" }
  }
}
resource "aws_instance" "own" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m7i.large"
  tags          = { Name = "own" }
}
resource "aws_instance" "west" {
  provider      = aws.west
  ami           = "ami-0123456789abcdef0"
  instance_type = "m7i.large"
}
"#;
    let found = read_module("default-tags", &[("main.tf", main.to_owned())]);
    let own = found.workloads.iter().find(|w| w.id == "aws_instance.own").expect("own");
    assert_eq!(own.tags.get("cost-center"), Some(&Some("cc-1".to_owned())));
    assert_eq!(own.tags.get("Name"), Some(&Some("own".to_owned())), "the resource's own tags win");
    assert_eq!(own.provenance["tags.cost-center"].line, Some(5));
    // Another provider configuration's default tags are not read: no tag is known absent.
    let west = found.workloads.iter().find(|w| w.id == "aws_instance.west").expect("west");
    assert!(matches!(west.tag("cost-center"), entitle_sdk::model::Tag::Unknown(_)), "{:?}", west.tags);
}
