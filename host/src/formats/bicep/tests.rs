//! What Bicep compiles to: the ARM template's shape and where each node is placed.

use std::path::Path;

use serde_json::json;

use super::compile::{Compiled, FileCtx, compile};
use super::parse::parse;

fn compiled(text: &str) -> Compiled {
    let decls = parse(text).unwrap();
    compile(&decls, FileCtx { fs_path: Path::new("main.bicep"), root: None }, false)
}

fn at(c: &Compiled, pointer: &str) -> (u32, u32) {
    let p = c.doc.position(pointer).unwrap_or_else(|| panic!("no position for {pointer}"));
    (p.line, p.column)
}

#[test]
fn parameters_keep_decorators_and_positions() {
    let c = compiled("@allowed([\n  '7.2'\n  '9_4'\n])\n@secure()\nparam sku string = '7.2'\n");
    let p = &c.doc.value["parameters"]["sku"];
    assert_eq!(p["type"], "securestring");
    assert_eq!(p["allowedValues"], json!(["7.2", "9_4"]));
    assert_eq!(at(&c, "/parameters/sku/allowedValues/1"), (3, 3));
    assert_eq!(at(&c, "/parameters/sku/defaultValue"), (6, 20));
}

#[test]
fn expressions_become_arm_expressions_with_literals_hoisted() {
    let c = compiled("param old bool = true\nvar sku = old ? '7.2' : '9_4'\nvar name = 'vm-${sku}-${1 + 2}'\n");
    let v = &c.doc.value["variables"];
    assert_eq!(v["sku"], "[if(parameters('old'), variables('literal 2:17'), variables('literal 2:25'))]");
    assert_eq!(v["literal 2:17"], "7.2");
    assert_eq!(at(&c, "/variables/literal 2:25"), (2, 25));
    assert_eq!(v["name"], "[concat('vm-', variables('sku'), '-', add(1, 2))]");
}

#[test]
fn loops_conditions_and_children() {
    let text = "param n int = 2\n\
                resource vms 'Microsoft.Compute/virtualMachines@2023-03-01' = [for i in range(1, n): {\n  name: 'vm${i}'\n}]\n\
                resource one 'Microsoft.Compute/virtualMachines@2023-03-01' = if (n > 1) {\n  name: 'one'\n  \
                resource ext 'extensions@2023-03-01' = {\n    name: 'cse'\n  }\n}\n";
    let c = compiled(text);
    let r = &c.doc.value["resources"];
    assert_eq!(r[0]["copy"], json!({"name": "vms", "count": "[parameters('n')]"}));
    assert_eq!(r[0]["name"], "[concat('vm', add(1, copyIndex('vms')))]");
    assert_eq!(at(&c, "/resources/0/copy/count"), (2, 82));
    assert_eq!(r[1]["condition"], "[greater(parameters('n'), 1)]");
    assert_eq!(r[2]["type"], "Microsoft.Compute/virtualMachines/extensions");
    assert_eq!(r[2]["name"], "[format('{0}/{1}', 'one', 'cse')]");
}

#[test]
fn modules_functions_and_existing_resources() {
    let text = "func sku(major string) string => '${major}-lvm-gen2'\n\
                resource kv 'Microsoft.KeyVault/vaults@2023-02-01' existing = {\n  name: 'kv'\n}\n\
                module local './vm.bicep' = {\n  name: 'local'\n  params: {\n    sku: sku('9')\n    id: kv.id\n  }\n}\n\
                module remote 'br/public:avm/res/compute/virtual-machine:0.5.0' = {\n  name: 'remote'\n}\n\
                output out string = local.outputs.vmName\n";
    let c = compiled(text);
    let r = &c.doc.value["resources"];
    assert_eq!(r.as_array().unwrap().len(), 2, "an existing resource deploys nothing");
    assert_eq!(r[0]["properties"]["templateLink"], json!({"relativePath": "./vm.bicep"}));
    assert_eq!(r[0]["properties"]["parameters"]["sku"]["value"], "[concat('', '9', '-lvm-gen2')]");
    assert_eq!(r[0]["properties"]["parameters"]["id"]["value"], "[resourceId('Microsoft.KeyVault/vaults', 'kv')]");
    assert_eq!(r[1]["properties"]["templateLink"]["uri"], "br/public:avm/res/compute/virtual-machine:0.5.0");
    assert_eq!(c.doc.value["outputs"]["out"]["value"], "[reference('local').outputs.vmName.value]");
}

#[test]
fn undeclared_names_and_unread_files_are_problems_at_their_place() {
    let c = compiled("var a = b\nvar c = loadTextContent('x.sh')\n");
    let problems: Vec<(u32, u32)> = c.problems.iter().map(|(p, _)| (p.line, p.column)).collect();
    assert_eq!(problems, [(1, 9), (2, 9)], "{:?}", c.problems);
    assert!(c.doc.value["variables"]["c"].as_str().unwrap().starts_with("[notEvaluated("));
}
