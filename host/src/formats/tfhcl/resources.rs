//! Resources and data sources: their instances (`count`, `for_each`, and the one unknown instance
//! when either is not known), their bodies evaluated into values (nested blocks as lists, as a
//! plan shows them; `dynamic` blocks expanded from their `for_each`), and their value when
//! another expression refers to them.

use std::collections::BTreeMap;

use entitle_sdk::model::Source;
use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use serde_json::Value;

use super::eval::{Eval, Scope};
use super::files::{File, label};
use super::ops::unknown_part;
use super::position::join;
use super::value::{Kind, Val};

/// Arguments and blocks that configure Terraform itself, not the resource.
const META: &[&str] = &["count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"];

/// Counts above this are modelled as one workload with that count, not one per instance.
const MAX_EXPANDED: u64 = 64;

/// One instance of a resource or data source.
#[derive(Clone, Debug)]
pub struct Instance {
    /// `managed` or `data`.
    pub mode: String,
    /// Resource type.
    pub ty: String,
    /// Resource name.
    pub name: String,
    /// `count` index or `for_each` key.
    pub index: Option<Value>,
    /// Module address (`module.app`), empty for the root.
    pub module: String,
    /// The evaluated body (a map).
    pub body: Val,
    /// The block.
    pub at: Source,
    /// How many instances this stands for: 1, more above [`MAX_EXPANDED`], or `None` when not known.
    pub count: Option<u64>,
    /// Why the count is not known, and where it is set.
    pub count_unknown: Option<(String, Source)>,
}

/// The pointer of a top-level resource or data block.
pub fn block_pointer(mode: &str, block: &Block) -> String {
    let top = if mode == "data" { "/data" } else { "/resource" };
    join(&join(top, label(block, 0)), label(block, 1))
}

/// The instances of a resource or data block.
pub fn instances(ev: &Eval<'_>, file: &File, block: &Block, mode: &str) -> Vec<Instance> {
    let ptr = block_pointer(mode, block);
    let at = file.text.source(&ptr, block.span());
    let base = Instance {
        mode: mode.to_owned(),
        ty: label(block, 0).to_owned(),
        name: label(block, 1).to_owned(),
        index: None,
        module: ev.prefix.trim_end_matches('.').to_owned(),
        body: Val::new(Kind::Null, None),
        at: at.clone(),
        count: Some(1),
        count_unknown: None,
    };
    let one = |scope: &Scope, index: Option<Value>| Instance {
        index,
        body: Val::new(Kind::map(body(ev, file, &block.body, &ptr, scope)), Some(at.clone())),
        ..base.clone()
    };
    let root = Scope::default();
    if let Some(attr) = block.body.get_attribute("count") {
        let n = ev.eval(file, &attr.value, &join(&ptr, "count"), &root);
        return match n.as_number().filter(|n| *n >= 0.0 && n.fract() == 0.0 && !n.is_nan()) {
            Some(n) if n as u64 > MAX_EXPANDED => {
                let why = format!("count.index: the {n} instances are modelled as one");
                let mut only = one(&root.with("count", index_object(Val::unknown(why, None))), None);
                only.count = Some(n as u64);
                vec![only]
            }
            Some(n) => (0..n as u64)
                .map(|i| one(&root.with("count", index_object(Val::new(Kind::Num(i as f64), None))), Some(i.into())))
                .collect(),
            None => {
                let reason = unknown_count(ev, file, &attr.value, &n, "count");
                let scope = root.with("count", index_object(Val::unknown("count.index: the count is not known", None)));
                let mut only = one(&scope, None);
                (only.count, only.count_unknown) =
                    (None, Some((reason, file.text.source(&join(&ptr, "count"), attr.value.span()))));
                vec![only]
            }
        };
    }
    if let Some(attr) = block.body.get_attribute("for_each") {
        let each = ev.eval(file, &attr.value, &join(&ptr, "for_each"), &root);
        let pairs = each.for_each_pairs();
        return match pairs {
            Some(pairs) => pairs
                .into_iter()
                .map(|(k, v)| {
                    let object =
                        BTreeMap::from([("key".to_owned(), Val::str(k.clone(), None)), ("value".to_owned(), v)]);
                    one(&root.with("each", Val::new(Kind::map(object), None)), Some(Value::String(k)))
                })
                .collect(),
            None => {
                let reason = unknown_count(ev, file, &attr.value, &each, "for_each");
                let scope = root.with("each", Val::unknown("each: the for_each collection is not known", None));
                let mut only = one(&scope, None);
                (only.count, only.count_unknown) =
                    (None, Some((reason, file.text.source(&join(&ptr, "for_each"), attr.value.span()))));
                vec![only]
            }
        };
    }
    vec![one(&root, None)]
}

/// Why `count` / `for_each` is not known.
fn unknown_count(ev: &Eval<'_>, file: &File, expr: &Expression, v: &Val, what: &str) -> String {
    let why = match &v.kind {
        Kind::Unknown(u) => u.reason.clone(),
        _ => format!("it is a {}", v.type_name()),
    };
    format!(
        "{what} = {} is not known ({why}): the resource is modelled as it would be if it is created",
        ev.text(file, expr)
    )
}

fn index_object(index: Val) -> Val {
    Val::new(Kind::map(BTreeMap::from([("index".to_owned(), index)])), None)
}

/// The value of `ty.name` when another expression refers to it (`None` when not declared).
pub fn value(ev: &Eval<'_>, mode: &str, ty: &str, name: &str) -> Option<Val> {
    let (file, block) = ev
        .module
        .blocks(if mode == "data" { "data" } else { "resource" })
        .find(|(_, b)| label(b, 0) == ty && label(b, 1) == name)?;
    let address = format!("{}{}{ty}.{name}", ev.prefix, if mode == "data" { "data." } else { "" });
    let instances = instances(ev, file, block, mode);
    let keyed = block.body.get_attribute("for_each").is_some();
    let nested: Vec<&str> = block
        .body
        .blocks()
        .map(|b| if b.ident.as_str() == "dynamic" { label(b, 0) } else { b.ident.as_str() })
        .filter(|ident| !META.contains(ident))
        .collect();
    let as_resource = |i: &Instance, suffix: &str| {
        let mut map = match &i.body.kind {
            Kind::Map(m) => m.clone(),
            _ => Default::default(),
        };
        let address = format!("{address}{suffix}");
        // A nested block's attributes that are not written are computed too
        // (`identity[0].principal_id`), so its items are resource-like values of their own.
        for ident in &nested {
            let Some(Kind::List(items)) = map.get(*ident).map(|v| &v.kind) else { continue };
            let items: Vec<Val> = items
                .iter()
                .enumerate()
                .map(|(n, item)| match &item.kind {
                    Kind::Map(m) => {
                        Val { kind: Kind::Resource(format!("{address}.{ident}[{n}]"), m.clone()), ..item.clone() }
                    }
                    _ => item.clone(),
                })
                .collect();
            let list = Val { kind: Kind::list(items), ..map[*ident].clone() };
            std::rc::Rc::make_mut(&mut map).insert((*ident).to_owned(), list);
        }
        if mode == "data" && ty == super::policy_document::TYPE {
            for (key, v) in super::policy_document::computed(&map, &address, Some(i.at.clone())) {
                std::rc::Rc::make_mut(&mut map).insert(key.to_owned(), v);
            }
        }
        Val { kind: Kind::Resource(address, map), at: Some(i.at.clone()), via: Vec::new(), read: None }
    };
    let at = Some(file.text.source(&block_pointer(mode, block), block.span()));
    Some(match instances.first() {
        Some(i) if i.count.is_none() => {
            let (reason, _) = i.count_unknown.clone().unwrap_or_default();
            let mut v = Val::unknown(format!("{address}: {reason}"), at);
            if let Kind::Unknown(u) = &mut v.kind {
                u.from = Some(address.clone());
            }
            v
        }
        _ if keyed => {
            let map = instances.iter().map(|i| {
                let key = i.index.as_ref().and_then(Value::as_str).unwrap_or_default().to_owned();
                (key.clone(), as_resource(i, &format!("[{key:?}]")))
            });
            Val::new(Kind::map(map.collect()), at)
        }
        _ if block.body.get_attribute("count").is_some() => {
            let items = instances.iter().enumerate().map(|(n, i)| as_resource(i, &format!("[{n}]")));
            Val::new(Kind::list(items.collect()), at)
        }
        Some(i) => as_resource(i, ""),
        None => Val::new(Kind::Null, at),
    })
}

/// A body's arguments and nested blocks (lists of maps), `dynamic` blocks expanded.
pub fn body(ev: &Eval<'_>, file: &File, body: &Body, ptr: &str, scope: &Scope) -> BTreeMap<String, Val> {
    let mut out = BTreeMap::new();
    for attr in body.attributes() {
        let key = attr.key.as_str();
        if META.contains(&key) {
            continue;
        }
        out.insert(key.to_owned(), ev.eval(file, &attr.value, &join(ptr, key), scope));
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for block in body.blocks() {
        let ident = block.ident.as_str();
        if META.contains(&ident) {
            continue;
        }
        if ident == "dynamic" {
            dynamic(ev, file, block, ptr, scope, &mut out, &mut seen);
            continue;
        }
        let n = seen.entry(ident.to_owned()).or_default();
        let here = join(&join(ptr, ident), &n.to_string());
        *n += 1;
        let inner = Val::new(
            Kind::map(self::body(ev, file, &block.body, &here, scope)),
            Some(file.text.source(&here, block.span())),
        );
        push(&mut out, ident, inner, file.text.source(&join(ptr, ident), block.span()));
    }
    out
}

/// Expands `dynamic "label" { for_each = …, iterator = …, content { … } }`.
fn dynamic(
    ev: &Eval<'_>,
    file: &File,
    block: &Block,
    ptr: &str,
    scope: &Scope,
    out: &mut BTreeMap<String, Val>,
    seen: &mut BTreeMap<String, usize>,
) {
    let name = label(block, 0);
    let here = join(&join(ptr, "dynamic"), name);
    let at = file.text.source(&here, block.span());
    let iterator = match block.body.get_attribute("iterator").map(|a| &a.value) {
        Some(Expression::Variable(v)) => v.as_str().to_owned(),
        _ => name.to_owned(),
    };
    let Some(content) = block.body.get_blocks("content").next() else { return };
    let each = match block.body.get_attribute("for_each") {
        Some(attr) => ev.eval(file, &attr.value, &join(&here, "for_each"), scope),
        None => Val::error(format!("dynamic \"{name}\" has no for_each"), Some(at.clone())),
    };
    let pairs: Vec<(Val, Val)> = match &each.kind {
        Kind::List(_) | Kind::Map(_) => super::eval::pairs(&each),
        _ => {
            let what = format!("the for_each of dynamic \"{name}\"");
            let mut v = unknown_part(each, &what, Some(at.clone()));
            if let Kind::Unknown(u) = &mut v.kind {
                u.reason = format!("dynamic \"{name}\" blocks are not known: {}", u.reason);
            }
            v.at = Some(at);
            out.insert(name.to_owned(), v);
            return;
        }
    };
    if pairs.is_empty() {
        // Zero blocks: the attribute is absent, as in a plan with no such block.
        out.entry(name.to_owned()).or_insert_with(|| Val::new(Kind::list(Vec::new()), Some(at.clone())));
    }
    for (k, v) in pairs {
        let object = BTreeMap::from([("key".to_owned(), k), ("value".to_owned(), v)]);
        let inner_scope = scope.with(&iterator, Val::new(Kind::map(object), None));
        let n = seen.entry(name.to_owned()).or_default();
        let content_ptr = join(&here, "content");
        *n += 1;
        let inner = self::body(ev, file, &content.body, &content_ptr, &inner_scope);
        push(out, name, Val::new(Kind::map(inner), Some(file.text.source(&content_ptr, content.span()))), at.clone());
    }
}

/// Appends a nested block to the list under `key`.
fn push(out: &mut BTreeMap<String, Val>, key: &str, block: Val, at: Source) {
    let list = out.entry(key.to_owned()).or_insert_with(|| Val::new(Kind::list(Vec::new()), Some(at)));
    if let Kind::List(items) = &mut list.kind {
        std::rc::Rc::make_mut(items).push(block);
    }
}
