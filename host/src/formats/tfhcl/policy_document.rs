//! `data "aws_iam_policy_document"`: a data source whose result Terraform computes locally,
//! from its own arguments, while planning. Its `json` is built here from the `statement`
//! blocks, so an IAM policy written with it reads like one written with `jsonencode` (the
//! fence_aws evidence reads the policy's actions). Anything not known, or a document merged
//! from other documents, leaves `json` unknown with the reason.

use std::collections::BTreeMap;

use entitle_sdk::model::Source;
use serde_json::{Map, Value};

use super::funcs::{known_json, read_in};
use super::value::{Kind, Unknown, Val};

/// The data source type.
pub const TYPE: &str = "aws_iam_policy_document";

/// Arguments that merge other documents in; entitle does not compute the merge.
const MERGED: &[&str] = &["source_json", "override_json", "source_policy_documents", "override_policy_documents"];

/// The computed attributes (`json`, `minified_json`) of the instance `address` with arguments `body`.
pub fn computed(body: &BTreeMap<String, Val>, address: &str, at: Option<Source>) -> [(&'static str, Val); 2] {
    let value = match document(body) {
        Ok(doc) => {
            let read = body.values().find_map(read_in);
            let text = |v: String| Val { read: read.clone(), ..Val::str(v, at.clone()) };
            let pretty = serde_json::to_string_pretty(&doc).unwrap_or_default();
            return [("json", text(pretty)), ("minified_json", text(doc.to_string()))];
        }
        Err(why) => why,
    };
    let mut v = Val::unknown(format!("{address}.json is not known: {value}"), at);
    if let Kind::Unknown(Unknown { from, .. }) = &mut v.kind {
        *from = Some(address.to_owned());
    }
    [("json", v.clone()), ("minified_json", v)]
}

/// The policy document as Terraform writes it, or why it is not known.
fn document(body: &BTreeMap<String, Val>) -> Result<Value, String> {
    if let Some(key) = MERGED.iter().find(|k| body.get(**k).is_some_and(|v| !matches!(v.kind, Kind::Null))) {
        return Err(format!("it merges other documents (`{key}`), which entitle does not compute"));
    }
    let known = |v: &Val| known_json(v).map_err(|u| u.unknown_reason().map(|u| u.reason.clone()).unwrap_or_default());
    let mut doc = Map::new();
    let version = match body.get("version").map(known).transpose()? {
        Some(Value::String(v)) => v,
        _ => "2012-10-17".to_owned(),
    };
    doc.insert("Version".into(), Value::String(version));
    if let Some(Value::String(id)) = body.get("policy_id").map(known).transpose()? {
        doc.insert("Id".into(), Value::String(id));
    }
    let statements = match body.get("statement").map(known).transpose()? {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let statements: Vec<Value> = statements.iter().map(statement).collect();
    doc.insert("Statement".into(), Value::Array(statements));
    Ok(Value::Object(doc))
}

/// One `statement` block as a policy statement.
fn statement(block: &Value) -> Value {
    let mut out = Map::new();
    if let Some(sid) = block.get("sid").and_then(Value::as_str).filter(|s| !s.is_empty()) {
        out.insert("Sid".into(), Value::String(sid.to_owned()));
    }
    let effect = block.get("effect").and_then(Value::as_str).unwrap_or("Allow");
    out.insert("Effect".into(), Value::String(effect.to_owned()));
    for (arg, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(v) = block.get(arg).and_then(strings) {
            out.insert(key.into(), v);
        }
    }
    for (arg, key) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
        let mut principals = Map::new();
        for p in block.get(arg).and_then(Value::as_array).into_iter().flatten() {
            let (Some(ty), Some(ids)) = (p.get("type").and_then(Value::as_str), p.get("identifiers").and_then(strings))
            else {
                continue;
            };
            if ty == "*" && ids == "*" {
                out.insert(key.into(), Value::String("*".into()));
                principals.clear();
                break;
            }
            principals.insert(ty.to_owned(), ids);
        }
        if !principals.is_empty() {
            out.insert(key.into(), Value::Object(principals));
        }
    }
    let mut conditions: Map<String, Value> = Map::new();
    for c in block.get("condition").and_then(Value::as_array).into_iter().flatten() {
        let (Some(test), Some(variable), Some(values)) = (
            c.get("test").and_then(Value::as_str),
            c.get("variable").and_then(Value::as_str),
            c.get("values").and_then(strings),
        ) else {
            continue;
        };
        let entry = conditions.entry(test.to_owned()).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(by_variable) = entry {
            by_variable.insert(variable.to_owned(), values);
        }
    }
    if !conditions.is_empty() {
        out.insert("Condition".into(), Value::Object(conditions));
    }
    Value::Object(out)
}

/// A set of strings as a policy writes it: sorted, one string alone, else a list.
fn strings(v: &Value) -> Option<Value> {
    let mut items: Vec<String> = match v {
        Value::Array(items) => items.iter().map(|i| i.as_str().map(str::to_owned)).collect::<Option<_>>()?,
        Value::String(s) => vec![s.clone()],
        _ => return None,
    };
    items.sort();
    items.dedup();
    match items.as_slice() {
        [] => None,
        [one] => Some(Value::String(one.clone())),
        _ => Some(Value::Array(items.into_iter().map(Value::String).collect())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::tfhcl::value::samples::{list, s};

    fn map(pairs: &[(&str, Val)]) -> Val {
        Val::new(Kind::map(pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()), None)
    }

    #[test]
    fn statements_become_policy_json() {
        let statement = map(&[
            ("actions", list(vec![s("ec2:StopInstances"), s("ec2:StartInstances")])),
            ("resources", list(vec![s("*")])),
        ]);
        let body: BTreeMap<String, Val> = [("statement".to_owned(), list(vec![statement]))].into();
        let [(_, json), (_, minified)] = computed(&body, "data.aws_iam_policy_document.fence", None);
        let Kind::Str(text) = minified.kind else { panic!("known: {json:?}") };
        assert_eq!(
            text,
            r#"{"Statement":[{"Action":["ec2:StartInstances","ec2:StopInstances"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}"#
        );
    }

    #[test]
    fn unknown_parts_and_merges_leave_it_unknown() {
        let statement = map(&[("actions", list(vec![Val::unknown("var.x has no value", None)]))]);
        let body: BTreeMap<String, Val> = [("statement".to_owned(), list(vec![statement]))].into();
        let [(_, json), _] = computed(&body, "data.aws_iam_policy_document.fence", None);
        let reason = json.unknown_reason().map(|u| u.reason.clone()).unwrap_or_default();
        assert!(reason.contains("var.x has no value"), "{reason}");
        let merged: BTreeMap<String, Val> = [("source_policy_documents".to_owned(), list(vec![s("{}")]))].into();
        let [(_, json), _] = computed(&merged, "data.aws_iam_policy_document.m", None);
        assert!(json.is_unknown());
    }
}
