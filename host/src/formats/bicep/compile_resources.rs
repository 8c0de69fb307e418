//! Resources and modules of a Bicep file as resources of the compiled template: a
//! resource's body (its loop as a `copy` or unrolled, its `if` as a `condition`, its child
//! resources after it, named under their parent), and a module as a deployment of the
//! local template or of a registry / template-spec reference, which is not fetched.

use serde_json::{Map, Value, json};

use super::compile::{Compiler, DEPLOYMENTS_API, ParentCtx, Sym, inner_body, members};
use super::expr::quote;
use super::syntax::{Expr, Member, Resource};
use crate::document::{Position, escape_token};

impl Compiler<'_> {
    /// A resource (and its children, after it) appended to `out`; `existing` ones only
    /// name a resource and deploy nothing.
    pub(super) fn resource(&mut self, r: &Resource, parent: Option<&ParentCtx>, out: &mut Vec<Value>) {
        let Some(Sym::Resource { ty, api, name }) = self.symbol(&r.name) else { return };
        let me = ParentCtx { ty: ty.clone(), api: api.clone(), name };
        let (body, cond) = inner_body(&r.body);
        let children: Vec<&Resource> = members(body)
            .filter_map(|m| match m {
                Member::Resource(c) => Some(&**c),
                Member::Prop { .. } => None,
            })
            .collect();
        for instance in if r.existing { Vec::new() } else { self.instances(&r.body) } {
            self.unrolled = instance.map(|k| (r.name.clone(), k));
            let slot = out.len();
            let ptr = format!("/resources/{slot}");
            out.push(Value::Null);
            self.positions.push((ptr.clone(), r.at));
            self.positions.push((format!("{ptr}/type"), r.ty_at));
            let mut res = Map::new();
            res.insert("type".into(), json!(ty));
            res.insert("apiVersion".into(), json!(api));
            let looped = |c: &mut Self, f: &mut dyn FnMut(&mut Self)| {
                let entry = matches!(r.body, Expr::For { .. });
                if entry {
                    c.looped(&r.body, &r.name, |c| f(c));
                } else {
                    f(c);
                }
            };
            if let (Expr::For { source, at, .. }, None) = (&r.body, instance) {
                self.positions.push((format!("{ptr}/copy"), *at));
                let count = self.count(source, &format!("{ptr}/copy/count"));
                res.insert("copy".into(), json!({"name": r.name, "count": count}));
            }
            looped(self, &mut |c| {
                if let Some(cond) = cond {
                    let v = Value::String(format!("[{}]", c.arm(cond)));
                    c.positions.push((format!("{ptr}/condition"), cond.at()));
                    res.insert("condition".into(), v);
                }
                for m in members(body) {
                    let Member::Prop { key, value, .. } = m else { continue };
                    match key.as_str() {
                        "parent" | "dependsOn" | "scope" => {}
                        "name" if parent.is_some() || body.property("parent").is_some() => {
                            let full = match c.symbol(&r.name) {
                                Some(Sym::Resource { name, .. }) => name,
                                _ => quote(&r.name),
                            };
                            c.positions.push((format!("{ptr}/name"), value.at()));
                            res.insert("name".into(), Value::String(format!("[{full}]")));
                        }
                        _ => {
                            let v = c.value(value, &format!("{ptr}/{}", escape_token(key)));
                            res.insert(key.clone(), v);
                        }
                    }
                }
            });
            if !res.contains_key("name") {
                res.insert("name".into(), json!(r.name));
            }
            out[slot] = Value::Object(res);
        }
        self.unrolled = None;
        for child in children {
            if matches!(r.body, Expr::For { .. }) {
                self.problem(child.at, format!("child resource {} of a resource loop is not evaluated", child.name));
                continue;
            }
            self.resource(child, Some(&me), out);
        }
    }

    /// A module: a deployment of the local template (a linked template read and compiled
    /// in its turn), or of a registry / template-spec module, which is not fetched.
    pub(super) fn module(
        &mut self,
        name: &str,
        path: &str,
        path_at: Position,
        body: &Expr,
        at: Position,
        i: usize,
    ) -> Value {
        let ptr = format!("/resources/{i}");
        self.positions.push((ptr.clone(), at));
        let Some(Sym::Module { name: deployment }) = self.symbol(name) else { return Value::Null };
        let remote = ["br:", "br/", "ts:", "ts/"].iter().any(|p| path.starts_with(p));
        let link_key = if remote { "uri" } else { "relativePath" };
        self.positions.push((format!("{ptr}/properties/templateLink/{link_key}"), path_at));
        let mut res = Map::new();
        res.insert("type".into(), json!("Microsoft.Resources/deployments"));
        res.insert("apiVersion".into(), json!(DEPLOYMENTS_API));
        let (inner, cond) = inner_body(body);
        if let (Expr::For { source, at, .. }, None) = (body, &self.unrolled) {
            self.positions.push((format!("{ptr}/copy"), *at));
            let count = self.count(source, &format!("{ptr}/copy/count"));
            res.insert("copy".into(), json!({"name": name, "count": count}));
        }
        let mut parameters = Map::new();
        self.looped(body, name, |c| {
            if let Some(cond) = cond {
                c.positions.push((format!("{ptr}/condition"), cond.at()));
                res.insert("condition".into(), Value::String(format!("[{}]", c.arm(cond))));
            }
            if let Some(Expr::Object(members, _)) = inner.property("params") {
                for m in members {
                    let Member::Prop { key, value, at } = m else { continue };
                    let at_param = format!("{ptr}/properties/parameters/{}", escape_token(key));
                    c.positions.push((at_param.clone(), *at));
                    let v = c.value(value, &format!("{at_param}/value"));
                    parameters.insert(key.clone(), json!({ "value": v }));
                }
            }
            if let Some(e) = inner.property("name") {
                c.positions.push((format!("{ptr}/name"), e.at()));
            }
        });
        // An unrolled instance's name is its own item's.
        let deployment = match inner.property("name") {
            Some(e) if self.unrolled.is_some() => self.looped(body, name, |c| c.arm(e)),
            _ => deployment,
        };
        res.insert("name".into(), Value::String(format!("[{deployment}]")));
        res.insert(
            "properties".into(),
            json!({
                "mode": "Incremental",
                "expressionEvaluationOptions": {"scope": "inner"},
                "templateLink": { link_key: path },
                "parameters": parameters,
            }),
        );
        Value::Object(res)
    }
}
