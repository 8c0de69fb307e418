//! The evaluator of CloudFormation's intrinsic functions: `Ref` (parameters, pseudo
//! parameters, resources), nested `Fn::FindInMap`, `Fn::If` over `Conditions`
//! (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`), and the functions whose
//! value only exists after deployment, as unknowns with a reason. String functions are
//! in `strings.rs`. It records which parameters a value read, so alternatives vary
//! only those, and which mappings were looked up by an unknown region.

use std::cell::{Cell as Counter, OnceCell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use serde_json::Value;

use super::template::{Template, typed};
use super::value::{Cell, Kind, REGION_UNKNOWN, Val, source};
use crate::document::escape_token;

/// Deepest nesting of functions and condition references evaluated.
const MAX_DEPTH: usize = 200;

/// The deployment being modelled: parameter values chosen instead of the template's,
/// and the region, when one is chosen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// Parameter name → value.
    pub overrides: BTreeMap<String, String>,
    /// The stack's region.
    pub region: Option<String>,
}

/// Evaluates nodes of one template in one scope.
pub struct Eval<'t> {
    pub(super) t: &'t Template,
    pub(super) scope: &'t Scope,
    deps: RefCell<BTreeSet<String>>,
    region_maps: RefCell<BTreeSet<String>>,
    depth: Counter<usize>,
    /// [`Eval::launch_template_names`], evaluated on first use.
    template_names: OnceCell<HashMap<String, String>>,
}

impl<'t> Eval<'t> {
    /// An evaluator of `t` in `scope`.
    pub fn new(t: &'t Template, scope: &'t Scope) -> Eval<'t> {
        let (deps, region_maps) = (RefCell::default(), RefCell::default());
        Eval { t, scope, deps, region_maps, depth: Counter::new(0), template_names: OnceCell::new() }
    }

    /// The parameters (and `AWS::Region`) read so far.
    pub fn deps(&self) -> BTreeSet<String> {
        self.deps.borrow().clone()
    }

    /// The mappings looked up with a key that is the unknown region.
    pub fn region_maps(&self) -> BTreeSet<String> {
        self.region_maps.borrow().clone()
    }

    /// The node at `pointer`, evaluated; `None` when absent.
    /// Each `AWS::EC2::LaunchTemplate`'s `LaunchTemplateName`, as text, to the first such resource in the section's
    /// order: every name evaluated once (by a probe of its own, so nothing is recorded here), where finding one by
    /// name was a pass over every resource, evaluating each name again, per launch template specification.
    pub fn launch_template_names(&self) -> &HashMap<String, String> {
        self.template_names.get_or_init(|| {
            let probe = Eval::new(self.t, self.scope);
            let mut names = HashMap::new();
            for (id, r) in self.t.section("Resources") {
                if r.get("Type").and_then(Value::as_str) != Some("AWS::EC2::LaunchTemplate") {
                    continue;
                }
                let at = format!("/Resources/{}/Properties/LaunchTemplateName", escape_token(id));
                if let Some(name) = probe.at(&at).and_then(|v| v.text()) {
                    names.entry(name).or_insert_with(|| id.clone());
                }
            }
            names
        })
    }

    pub fn at(&self, pointer: &str) -> Option<Val> {
        self.t.node(pointer).map(|node| self.eval(node, pointer))
    }

    /// Evaluates `node`, found at `at`.
    pub fn eval(&self, node: &Value, at: &str) -> Val {
        if self.depth.get() >= MAX_DEPTH {
            return Val::fail(format!("functions nest deeper than {MAX_DEPTH} levels"));
        }
        self.depth.set(self.depth.get() + 1);
        let out = self.eval_inner(node, at);
        self.depth.set(self.depth.get() - 1);
        out
    }

    fn eval_inner(&self, node: &Value, at: &str) -> Val {
        match node {
            Value::Object(map) if map.len() == 1 => {
                let (name, arg) = map.iter().next().expect("one member");
                let here = format!("{at}/{}", escape_token(name));
                match name.as_str() {
                    "Ref" => match arg.as_str() {
                        Some(target) => self.reference(target).after(&[source(&self.t.path, &here)]),
                        None => Val::fail("Ref takes the name of a parameter or resource"),
                    },
                    "Condition" if arg.is_string() => self.condition(arg.as_str().unwrap_or_default()),
                    "Fn::FindInMap" => self.find_in_map(arg, &here),
                    "Fn::If" => self.choose(arg, &here),
                    "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" => self.logic(name, arg, &here),
                    "Fn::Sub" => self.sub(arg, &here),
                    "Fn::Join" => self.join(arg, &here),
                    "Fn::Select" => self.select(arg, &here),
                    "Fn::Split" => self.split(arg, &here),
                    "Fn::Base64" => self.eval(arg, &here),
                    "Fn::GetAtt" => Val::unknown(get_att_reason(self.t, arg)),
                    "Fn::ImportValue" => {
                        Val::unknown("an export of another stack (Fn::ImportValue), not visible in this template")
                    }
                    "Fn::GetAZs" => {
                        Val::unknown("the Availability Zones of the region (Fn::GetAZs), known at deployment")
                    }
                    "Fn::Transform" => Val::unknown("the output of a macro (Fn::Transform), not visible here"),
                    other if other.starts_with("Fn::") => Val::unknown(format!("{other} is not evaluated by entitle")),
                    _ => self.members(map, at),
                }
            }
            Value::Object(map) => self.members(map, at),
            Value::Array(items) => {
                let items = items.iter().enumerate().map(|(i, item)| self.eval(item, &format!("{at}/{i}")));
                Val { kind: Kind::List(items.filter(|v| v.kind != Kind::NoValue).collect()), ..here(self.t, at) }
            }
            scalar => Val::from_json(scalar, &self.t.path, at),
        }
    }

    fn members(&self, map: &serde_json::Map<String, Value>, at: &str) -> Val {
        let members = map
            .iter()
            .map(|(k, v)| (k.clone(), self.eval(v, &format!("{at}/{}", escape_token(k)))))
            .filter(|(_, v)| v.kind != Kind::NoValue);
        Val { kind: Kind::Map(members.collect()), ..here(self.t, at) }
    }

    /// `Ref` to a parameter, a pseudo parameter or a resource.
    pub fn reference(&self, target: &str) -> Val {
        let region = self.scope.region.as_deref();
        match target {
            "AWS::Region" => {
                self.deps.borrow_mut().insert(target.to_owned());
                region.map_or_else(|| Val::unknown(REGION_UNKNOWN), Val::str)
            }
            "AWS::NoValue" => Val::new(Kind::NoValue),
            "AWS::Partition" | "AWS::URLSuffix" => {
                self.deps.borrow_mut().insert("AWS::Region".to_owned());
                match region {
                    Some(r) => Val::str(pseudo_by_region(target, r)),
                    None => Val::unknown(format!("{target} follows the stack's region, chosen at deployment")),
                }
            }
            pseudo if pseudo.starts_with("AWS::") => {
                Val::unknown(format!("the pseudo parameter {pseudo} is known only at deployment"))
            }
            name if self.t.params.contains_key(name) => self.param(name),
            name if self.t.resource_type(name).is_some() => {
                Val::unknown(format!("the physical id of resource {name}, known only after deployment"))
            }
            name => Val::fail(format!("Ref to {name}, which is neither a parameter nor a resource of the template")),
        }
    }

    /// A parameter's value in this scope.
    pub fn param(&self, name: &str) -> Val {
        self.deps.borrow_mut().insert(name.to_owned());
        let Some(p) = self.t.params.get(name) else {
            return Val::fail(format!("parameter {name} is not declared"));
        };
        if let Some(v) = self.scope.overrides.get(name) {
            let at = self.t.allowed_value_source(name, v);
            return typed(Val { chain: vec![at], ..Val::str(v.clone()) }, &p.ty);
        }
        p.value.clone().unwrap_or_else(|| {
            Val::unknown(format!("parameter {name} has no Default and no value in a parameters file (--params)"))
        })
    }

    /// A named condition's value: a boolean, unknown, or failing.
    pub fn condition(&self, name: &str) -> Val {
        let at = format!("/Conditions/{}", escape_token(name));
        let Some(node) = self.t.node(&at) else {
            return Val::fail(format!("condition {name} is not defined in Conditions"));
        };
        let v = self.eval(node, &at);
        match v.kind {
            Kind::Bool(_) | Kind::Unknown(_) | Kind::Fail(_) => v.after(&[source(&self.t.path, &at)]),
            _ => Val::fail(format!("condition {name} is {}, not a condition function", v.type_name())),
        }
    }

    fn find_in_map(&self, arg: &Value, at: &str) -> Val {
        let Value::Array(args) = arg else { return Val::fail("Fn::FindInMap takes a list") };
        if !(3..=4).contains(&args.len()) {
            return Val::fail("Fn::FindInMap takes a mapping name and two keys");
        }
        let parts: Vec<Val> = args[..3].iter().enumerate().map(|(i, a)| self.eval(a, &format!("{at}/{i}"))).collect();
        let map = parts[0].text();
        if let Some(opaque) = parts.iter().find(|p| p.is_opaque()) {
            if let (Some(map), Some(REGION_UNKNOWN)) = (&map, opaque.reason()) {
                self.region_maps.borrow_mut().insert(map.clone());
            }
            return Val { chain: Vec::new(), cell: None, ..opaque.clone() };
        }
        let texts: Option<Vec<String>> = parts.iter().map(Val::text).collect();
        let Some([map, top, key]) = texts.and_then(|t| <[String; 3]>::try_from(t).ok()) else {
            return Val::fail("Fn::FindInMap's mapping name and keys must be strings");
        };
        let Some((value, pointer)) = self.t.mapping(&map, &top, &key) else {
            if let Some(default) = args.get(3).and_then(|d| d.get("DefaultValue")) {
                return self.eval(default, &format!("{at}/3/DefaultValue"));
            }
            return Val::fail(format!("mapping {map} has no entry {top} / {key}"));
        };
        let before: Vec<_> = parts[1..].iter().flat_map(|p| p.chain.iter().cloned()).collect();
        let found = Val::from_json(value, &self.t.path, &pointer).after(&before);
        Val { cell: Some(Rc::new(Cell { map, top, key })), ..found }
    }

    fn choose(&self, arg: &Value, at: &str) -> Val {
        let Some([name, yes, no]) = arg.as_array().and_then(|a| <&[Value; 3]>::try_from(a.as_slice()).ok()) else {
            return Val::fail("Fn::If takes a condition name and two values");
        };
        let Some(name) = name.as_str() else { return Val::fail("Fn::If's condition must be a condition name") };
        let decided = self.condition(name);
        match decided.kind {
            Kind::Bool(b) => {
                let (branch, i) = if b { (yes, 1) } else { (no, 2) };
                self.eval(branch, &format!("{at}/{i}")).after(&decided.chain[..1.min(decided.chain.len())])
            }
            Kind::Unknown(reason) => {
                Val::unknown(format!("condition {name} is not known before deployment ({reason})"))
            }
            _ => decided,
        }
    }

    fn logic(&self, function: &str, arg: &Value, at: &str) -> Val {
        let Value::Array(args) = arg else { return Val::fail(format!("{function} takes a list")) };
        let values: Vec<Val> = args.iter().enumerate().map(|(i, a)| self.eval(a, &format!("{at}/{i}"))).collect();
        let fail = values.iter().find(|v| matches!(v.kind, Kind::Fail(_)));
        if let Some(fail) = fail {
            return fail.clone();
        }
        let chain: Vec<_> = values.iter().flat_map(|v| v.chain.iter().cloned()).collect();
        let out = match function {
            "Fn::Equals" => match values.as_slice() {
                [a, b] if a.is_opaque() || b.is_opaque() => Kind::Unknown(opaque_reason(&values).into()),
                [a, b] => Kind::Bool(same(a, b)),
                _ => return Val::fail("Fn::Equals takes two values"),
            },
            _ => {
                let bools: Vec<Option<bool>> =
                    values.iter().map(|v| if let Kind::Bool(b) = v.kind { Some(b) } else { None }).collect();
                if let Some(i) = values.iter().position(|v| !v.is_opaque() && !matches!(v.kind, Kind::Bool(_))) {
                    return Val::fail(format!("{function} argument {i} is {}, not a condition", values[i].type_name()));
                }
                let decided = match function {
                    "Fn::Not" if bools.len() == 1 => bools[0].map(|b| !b),
                    "Fn::Not" => return Val::fail("Fn::Not takes one condition"),
                    "Fn::And" if bools.contains(&Some(false)) => Some(false),
                    "Fn::And" => bools.iter().all(Option::is_some).then_some(true),
                    _ if bools.contains(&Some(true)) => Some(true),
                    _ => bools.iter().all(Option::is_some).then_some(false),
                };
                decided.map_or_else(|| Kind::Unknown(opaque_reason(&values).into()), Kind::Bool)
            }
        };
        Val { kind: out, chain, cell: None }
    }
}

/// A value's own place, for collections built from members.
fn here(t: &Template, at: &str) -> Val {
    Val { chain: vec![source(&t.path, at)], ..Val::new(Kind::Null) }
}

/// The reason of the first opaque value.
fn opaque_reason(values: &[Val]) -> String {
    values.iter().find_map(Val::reason).unwrap_or("a value is not known").to_owned()
}

/// `Fn::Equals`: texts compare as text (CloudFormation compares strings), other values
/// by shape.
fn same(a: &Val, b: &Val) -> bool {
    match (a.text(), b.text()) {
        (Some(x), Some(y)) => x == y,
        _ => match (&a.kind, &b.kind) {
            (Kind::List(x), Kind::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
            (x, y) => x == y,
        },
    }
}

/// Why `Fn::GetAtt` has no value yet, naming a nested stack's outputs as such.
fn get_att_reason(t: &Template, arg: &Value) -> String {
    let (resource, attribute) = match arg {
        Value::Array(parts) => (
            parts.first().and_then(Value::as_str).unwrap_or("?").to_owned(),
            parts.get(1).and_then(Value::as_str).unwrap_or("?").to_owned(),
        ),
        Value::String(s) => {
            s.split_once('.').map(|(a, b)| (a.to_owned(), b.to_owned())).unwrap_or((s.clone(), String::new()))
        }
        _ => ("?".to_owned(), "?".to_owned()),
    };
    match t.resource_type(&resource) {
        Some("AWS::CloudFormation::Stack") => format!("output {attribute} of nested stack {resource}, not read here"),
        _ => format!("attribute {attribute} of resource {resource} (Fn::GetAtt), known only after deployment"),
    }
}

/// `AWS::Partition` or `AWS::URLSuffix` in `region`.
fn pseudo_by_region(name: &str, region: &str) -> &'static str {
    let (china, gov) = (region.starts_with("cn-"), region.starts_with("us-gov-"));
    match (name, china, gov) {
        ("AWS::Partition", true, _) => "aws-cn",
        ("AWS::Partition", _, true) => "aws-us-gov",
        ("AWS::Partition", ..) => "aws",
        (_, true, _) => "amazonaws.com.cn",
        _ => "amazonaws.com",
    }
}
