//! The plan's `configuration`: used only to explain values (which data source or resource an
//! attribute refers to, a data source's filters, a literal the plan shows only hashed), never
//! as the deployment itself.

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::Value;

use super::address::{Reference, Step, reference};
use super::entry::{pointer, walk};
use super::named::Named;

/// Pointer of the root module's configuration.
const ROOT: &str = "/configuration/root_module";

/// How many references, module inputs and outputs a lookup follows at most.
const MAX_HOPS: usize = 16;

/// A resource or data source an expression leads to.
#[derive(Clone, Debug, Default)]
pub struct Target {
    /// The module instance it is in.
    pub steps: Vec<Step>,
    /// Its type.
    pub ty: String,
    /// Its name.
    pub name: String,
    /// The instance key the reference names, if any.
    pub key: Option<String>,
    /// The references followed, the attribute's own first (`var.ami`, `data.aws_ami.rhel.id`).
    pub chain: Vec<String>,
    /// Pointers of the expressions on the way, the attribute's own first.
    pub via: Vec<String>,
}

/// A configuration block and its pointer.
pub type Block<'a> = (&'a Value, String);

/// The `configuration` of a plan (absent from states).
pub struct Config<'a> {
    root: Option<&'a Value>,
    /// Each module's resource index, built on its first lookup (by the module's pointer): finding every workload's
    /// block by scanning its module's resources was a pass over the module per workload.
    blocks: RefCell<HashMap<String, Named>>,
}

impl<'a> Config<'a> {
    /// The configuration of `document`.
    pub fn new(document: &'a Value) -> Config<'a> {
        Config { root: document.pointer(ROOT), blocks: RefCell::default() }
    }

    /// The module configuration of a module path (instance keys do not matter here).
    fn module(&self, steps: &[Step]) -> Option<Block<'a>> {
        let mut node = self.root?;
        let mut at = ROOT.to_owned();
        for step in steps {
            node = walk(node, &["module_calls", &step.call, "module"])?;
            at = pointer(&at, &["module_calls", &step.call, "module"]);
        }
        Some((node, at))
    }

    /// The configuration block of resource `mode ty.name` in module `steps` (the first, if several match).
    pub fn resource(&self, steps: &[Step], mode: &str, ty: &str, name: &str) -> Option<Block<'a>> {
        let (module, at) = self.module(steps)?;
        let resources = module.get("resources")?.as_array()?;
        let mut blocks = self.blocks.borrow_mut();
        let index = blocks.entry(at.clone()).or_insert_with(|| Named::of(resources.iter().map(block_name)));
        let wanted = Some([mode, ty, name]);
        let i = index.candidates([mode, ty, name]).find(|&i| block_name(&resources[i]) == wanted)?;
        Some((&resources[i], format!("{at}/resources/{i}")))
    }

    /// The expression of attribute `path` in a block (nested blocks are arrays, as in values).
    pub fn expression(block: &Block<'a>, path: &[&str]) -> Option<Block<'a>> {
        let full: Vec<&str> = std::iter::once("expressions").chain(path.iter().copied()).collect();
        walk(block.0, &full).map(|e| (e, pointer(&block.1, &full)))
    }

    /// The first resource or data source `accept`ed that an expression in module `steps` refers
    /// to, through module inputs (`var.x` of a child module) and outputs (`module.m.x`).
    pub fn follow(
        &self,
        steps: &[Step],
        expression: &Block<'a>,
        accept: &dyn Fn(bool, &str) -> bool,
    ) -> Option<Target> {
        self.follow_from(steps, expression, accept, MAX_HOPS)
    }

    fn follow_from(
        &self,
        steps: &[Step],
        expression: &Block<'a>,
        accept: &dyn Fn(bool, &str) -> bool,
        hops: usize,
    ) -> Option<Target> {
        let hops = hops.checked_sub(1)?;
        let refs = expression.0.get("references").and_then(Value::as_array)?;
        for text in refs.iter().filter_map(Value::as_str) {
            let found = match reference(text) {
                Reference::Resource { data, ty, name, key } if accept(data, &ty) => {
                    Some(Target { steps: steps.to_vec(), ty, name, key, ..Target::default() })
                }
                Reference::Var(var) => self.input(steps, &var, accept, hops),
                Reference::Output { call, key, output } => self.output(steps, call, key, &output, accept, hops),
                _ => None,
            };
            if let Some(mut target) = found {
                target.chain.insert(0, text.to_owned());
                target.via.insert(0, expression.1.clone());
                return Some(target);
            }
        }
        None
    }

    /// A child module's input: the argument its parent passes in the module call.
    fn input(&self, steps: &[Step], var: &str, accept: &dyn Fn(bool, &str) -> bool, hops: usize) -> Option<Target> {
        let (last, parent) = steps.split_last()?;
        let (module, at) = self.module(parent)?;
        let path = ["module_calls", &last.call, "expressions", var];
        let argument = (walk(module, &path)?, pointer(&at, &path));
        self.follow_from(parent, &argument, accept, hops)
    }

    /// A child module's output, followed inside the child.
    fn output(
        &self,
        steps: &[Step],
        call: String,
        key: Option<String>,
        output: &str,
        accept: &dyn Fn(bool, &str) -> bool,
        hops: usize,
    ) -> Option<Target> {
        let mut child = steps.to_vec();
        child.push(Step { call, key: key.unwrap_or_default() });
        let (module, at) = self.module(&child)?;
        let path = ["outputs", output, "expression"];
        let expression = (walk(module, &path)?, pointer(&at, &path));
        self.follow_from(&child, &expression, accept, hops)
    }
}

/// A configuration block's `[mode, type, name]`: `None` without a string type or name, never found; without a mode,
/// managed.
fn block_name(block: &Value) -> Option<[&str; 3]> {
    let text = |k: &str| block.get(k).and_then(Value::as_str);
    Some([text("mode").unwrap_or("managed"), text("type")?, text("name")?])
}

/// A configuration expression as text for evidence: its literal, or what it refers to.
pub fn describe(expression: &Value) -> String {
    if let Some(constant) = expression.get("constant_value") {
        return match constant {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
    }
    match expression.get("references").and_then(Value::as_array) {
        Some(refs) if !refs.is_empty() => {
            let names: Vec<&str> = refs.iter().filter_map(Value::as_str).collect();
            format!("(from {})", names.join(", "))
        }
        _ => "(an expression the plan does not show)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn follows_module_inputs_and_outputs() {
        let doc = json!({"configuration": {"root_module": {
            "resources": [{"address": "data.aws_ami.rhel", "mode": "data", "type": "aws_ami", "name": "rhel"}],
            "module_calls": {
                "vm": {"expressions": {"ami": {"references": ["module.images.rhel_id", "module.images"]}},
                       "module": {"resources": [{"mode": "managed", "type": "aws_instance", "name": "this",
                                                 "expressions": {"ami": {"references": ["var.ami"]}}}]}},
                "images": {"module": {"outputs": {"rhel_id": {"expression": {"references": ["data.aws_ami.this.id"]}}}}}
            }
        }}});
        let config = Config::new(&doc);
        let steps = vec![Step { call: "vm".into(), key: "[0]".into() }];
        let block = config.resource(&steps, "managed", "aws_instance", "this").unwrap();
        let ami = Config::expression(&block, &["ami"]).unwrap();
        assert_eq!(ami.1, "/configuration/root_module/module_calls/vm/module/resources/0/expressions/ami");
        let target = config.follow(&steps, &ami, &|data, ty| data && ty == "aws_ami").unwrap();
        assert_eq!((target.ty.as_str(), target.name.as_str()), ("aws_ami", "this"));
        assert_eq!(target.steps, [Step { call: "images".into(), key: String::new() }]);
        assert_eq!(target.chain, ["var.ami", "module.images.rhel_id", "data.aws_ami.this.id"]);
        assert_eq!(target.via.len(), 3);
        assert!(config.follow(&steps, &ami, &|_, ty| ty == "aws_launch_template").is_none());
        assert_eq!(describe(&json!({"constant_value": ["309956199498"]})), r#"["309956199498"]"#);
        assert_eq!(describe(&json!({"references": ["var.owner"]})), "(from var.owner)");
    }

    #[test]
    fn finds_the_first_block_of_each_name_in_its_own_module() {
        let doc = json!({"configuration": {"root_module": {
            "resources": [
                {"type": "aws_instance", "name": "a", "expressions": {"n": 1}},
                {"mode": "data", "type": "aws_ami", "name": "a"},
                {"mode": "managed", "type": "aws_instance", "name": "a", "expressions": {"n": 2}},
                {"type": 7, "name": "b"},
                {"mode": 7, "type": "aws_instance", "name": "c"}
            ],
            "module_calls": {"m": {"module": {"resources": [{"type": "aws_instance", "name": "a"}]}}}
        }}});
        let config = Config::new(&doc);
        let find = |steps: &[Step], mode, ty, name| config.resource(steps, mode, ty, name).map(|b| b.1);
        let root = "/configuration/root_module/resources";
        assert_eq!(find(&[], "managed", "aws_instance", "a"), Some(format!("{root}/0")));
        assert_eq!(find(&[], "data", "aws_ami", "a"), Some(format!("{root}/1")));
        assert_eq!(find(&[], "managed", "aws_instance", "c"), Some(format!("{root}/4")));
        assert_eq!(find(&[], "managed", "aws_instance", "b"), None);
        assert_eq!(find(&[], "data", "aws_instance", "a"), None);
        let child = [Step { call: "m".into(), key: "[0]".into() }];
        let path = "/configuration/root_module/module_calls/m/module/resources/0";
        assert_eq!(find(&child, "managed", "aws_instance", "a").as_deref(), Some(path));
        assert_eq!(find(&[], "managed", "aws_instance", "a"), Some(format!("{root}/0")), "the root's index is its own");
    }
}
