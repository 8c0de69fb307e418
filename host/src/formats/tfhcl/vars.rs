//! Variable values, by Terraform's precedence (highest first): `--var NAME=VALUE`, then
//! `--var-file` files (a later file wins), then `*.auto.tfvars` (lexical order, later wins), then
//! `terraform.tfvars`, then the declaration's `default`. A declared variable with no value stays
//! unknown, saying so. Module calls give a child module its inputs instead of files.

use std::collections::BTreeMap;

use hcl_edit::Span;
use hcl_edit::expr::Expression;

use super::eval::{Eval, Scope};
use super::files::{File, Module, label};
use super::position::{FileText, join};
use super::value::Val;

/// Values given on the command line: `--var-file` files (parsed) and `--var` pairs.
#[derive(Debug, Default)]
pub struct Given {
    /// `--var-file` files, in the order given.
    pub files: Vec<File>,
    /// `--var NAME=VALUE`, in the order given.
    pub pairs: Vec<(String, String)>,
}

/// The values of a root module's variables.
pub fn root_values(module: &Module, given: &Given) -> BTreeMap<String, Val> {
    let blank = Eval::new(module, BTreeMap::new(), 0, String::new());
    let declared = declarations(module);
    let mut out = defaults(&blank, module);
    for file in module.tfvars.iter().chain(&given.files) {
        for attr in file.body.attributes() {
            let name = attr.key.as_str();
            let v = blank.eval(file, &attr.value, &join("", name), &Scope::default());
            out.insert(name.to_owned(), v);
        }
    }
    for (name, value) in &given.pairs {
        // A value given on the command line is edited where the variable is declared.
        let text = FileText::new(format!("--var {name}"), format!("{name}={value}"));
        let at = declared_at(module, name)
            .or_else(|| Some(text.source(&join("", name), Some(name.len() + 1..name.len() + 1))));
        // A typed variable's value is an expression, as Terraform reads it; so is an undeclared
        // one's that is written as an object or a list.
        let typed = match declared.get(name.as_str()) {
            Some(ty) => ty.as_deref().is_some_and(|t| t != "string"),
            None => value.trim_start().starts_with(['{', '[']),
        };
        let parsed = if typed { hcl_edit::parser::parse_expr(value).ok() } else { None };
        let v = match parsed {
            Some(expr) => {
                let file =
                    File { text: FileText::new(format!("--var {name}"), value.clone()), body: Default::default() };
                let mut v = blank.eval(&file, &expr, &join("", name), &Scope::default());
                v.at = at;
                v
            }
            None => Val::str(value.clone(), at),
        };
        out.insert(name.clone(), v);
    }
    hide(module, &mut out);
    out
}

/// The values of a child module's variables: the call's inputs, else the defaults.
pub fn child_values(module: &Module, inputs: BTreeMap<String, Val>) -> BTreeMap<String, Val> {
    let blank = Eval::new(module, BTreeMap::new(), 0, String::new());
    let mut out = defaults(&blank, module);
    out.extend(inputs);
    hide(module, &mut out);
    out
}

/// Every declared variable's default, or an unknown saying it has none.
fn defaults(blank: &Eval<'_>, module: &Module) -> BTreeMap<String, Val> {
    let mut out = BTreeMap::new();
    for (file, block) in module.blocks("variable") {
        let name = label(block, 0).to_owned();
        let ptr = join("/variable", &name);
        let v = match block.body.get_attribute("default") {
            Some(attr) => blank.eval(file, &attr.value, &join(&ptr, "default"), &Scope::default()),
            None => Val::unknown(
                format!("var.{name} has no default and no value was given (--var, --var-file, terraform.tfvars)"),
                Some(file.text.source(&ptr, block.span())),
            ),
        };
        out.insert(name, v);
    }
    out
}

/// Where variable `name` is declared.
fn declared_at(module: &Module, name: &str) -> Option<entitle_sdk::model::Source> {
    let (file, block) = module.blocks("variable").find(|(_, b)| label(b, 0) == name)?;
    Some(file.text.source(&join("/variable", name), block.span()))
}

/// Variables declared `sensitive = true`: their values are never read into workloads.
fn sensitive(module: &Module) -> Vec<String> {
    module
        .blocks("variable")
        .filter(|(_, b)| b.body.get_attribute("sensitive").and_then(|a| a.value.as_bool()) == Some(true))
        .map(|(_, b)| label(b, 0).to_owned())
        .collect()
}

/// Replaces the values of sensitive variables by unknowns saying so.
fn hide(module: &Module, values: &mut BTreeMap<String, Val>) {
    for name in sensitive(module) {
        if let Some(v) = values.get_mut(&name) {
            *v = Val::unknown(
                format!("var.{name} is marked sensitive, so its value is not read or shown"),
                v.at.clone(),
            );
        }
    }
}

/// Declared variables with their type's text (`None` when untyped).
fn declarations(module: &Module) -> BTreeMap<&str, Option<String>> {
    let mut out = BTreeMap::new();
    for (file, block) in module.blocks("variable") {
        let ty = block.body.get_attribute("type").map(|a| type_text(file, &a.value));
        out.insert(label(block, 0), ty);
    }
    out
}

fn type_text(file: &File, expr: &Expression) -> String {
    expr.span().and_then(|s| file.text.text.get(s)).unwrap_or("").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::tfhcl::files::parse;

    fn module(files: Vec<File>, tfvars: Vec<File>) -> Module {
        Module { display: "m".into(), dir: ".".into(), files, tfvars, notes: Vec::new() }
    }

    #[test]
    fn precedence_is_terraforms() {
        let decl = parse("m/variables.tf", "variable \"a\" {\n  default = \"d\"\n}\nvariable \"b\" {\n  default = \"d\"\n}\nvariable \"c\" {\n  default = \"d\"\n}\nvariable \"n\" {\n  type = number\n}\nvariable \"none\" {}\nvariable \"secret\" {\n  default   = \"s3cr3t\"\n  sensitive = true\n}\n").unwrap();
        let tfvars = parse("m/terraform.tfvars", "a = \"tfvars\"\nb = \"tfvars\"\nc = \"tfvars\"\n").unwrap();
        let auto = parse("m/x.auto.tfvars", "b = \"auto\"\nc = \"auto\"\n").unwrap();
        let m = module(vec![decl], vec![tfvars, auto]);
        let given =
            Given { files: vec![parse("my.tfvars", "c = \"file\"\n").unwrap()], pairs: vec![("n".into(), "3".into())] };
        let v = root_values(&m, &given);
        let text = |k: &str| v[k].as_text().unwrap_or_default();
        assert_eq!((text("a"), text("b"), text("c")), ("tfvars".into(), "auto".into(), "file".into()));
        assert_eq!(
            v["n"].kind,
            crate::formats::tfhcl::value::Kind::Num(3.0),
            "a typed --var is parsed as an expression"
        );
        assert!(v["none"].unknown_reason().unwrap().reason.contains("no default"));
        assert!(v["secret"].unknown_reason().unwrap().reason.contains("sensitive"));
        let at = v["c"].at.clone().unwrap();
        assert_eq!((at.path.as_str(), at.line, at.column), ("my.tfvars", Some(1), Some(5)));
        let cli = v["n"].at.clone().unwrap();
        assert_eq!((cli.path.as_str(), cli.line), ("m/variables.tf", Some(10)), "a --var points at its declaration");
        let undeclared = root_values(&m, &Given { files: Vec::new(), pairs: vec![("x".into(), "1".into())] });
        let at = undeclared["x"].at.clone().unwrap();
        assert_eq!((at.path.as_str(), at.column), ("--var x", Some(3)));
    }
}
