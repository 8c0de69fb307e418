//! A resource's whole body evaluated (expressions, property copies, parameters and
//! variables applied) for [`entitle_sdk::Workload::properties`] and its `tags`, each member
//! placed where a user would edit it: the literal member, or the expression that produced it.

use entitle_sdk::Workload;
use serde_json::Value;

use super::resources::{Found, with_frames};
use super::template::Template;
use super::value::{Kind, Val, source};
use crate::document::escape_token;
use crate::formats::body::{self, Node, Shape};

/// Records the evaluated body and tags of `found` on `w`. A member whose expression cannot be
/// evaluated is unknown with the error as its reason; the rest of the body still is.
pub fn record(w: &mut Workload, found: &Found) {
    with_frames(&found.frames, || {
        let t = &found.template;
        if body::spent() {
            return body::refuse(w, Some(source(&t.file.display, &found.pointer)));
        }
        let Some(raw) = t.node(&found.pointer) else { return };
        let node = evaluated(t, raw, &found.pointer);
        let tags = match &node.shape {
            Shape::Map(entries) => entries.iter().find(|(k, _)| k.eq_ignore_ascii_case("tags")).map(|(_, v)| v),
            _ => None,
        };
        body::tags(w, tags);
        body::record(w, &node);
    })
}

/// The node at `pointer`, evaluated as a whole, or member by member when that fails.
fn evaluated(t: &Template, raw: &Value, pointer: &str) -> Node {
    match t.eval_node(raw, pointer) {
        Ok(v) => convert(t, &v, Some(raw), pointer),
        Err(e) => {
            let at = Some(source(&t.file.display, pointer));
            let shape = match raw {
                Value::Object(map) => Shape::Map(
                    map.iter()
                        .map(|(k, v)| (k.clone(), evaluated(t, v, &format!("{pointer}/{}", escape_token(k)))))
                        .collect(),
                ),
                Value::Array(items) => Shape::List(
                    items.iter().enumerate().map(|(i, v)| evaluated(t, v, &format!("{pointer}/{i}"))).collect(),
                ),
                _ => Shape::Unknown(format!("entitle could not evaluate it: {}", e.0)),
            };
            Node { shape, at, trail: Vec::new() }
        }
    }
}

/// An evaluated value as a body node; `raw` is the resource's own JSON at `edit` while the
/// value's members are written there, so each member is placed at its literal.
fn convert(t: &Template, v: &Val, raw: Option<&Value>, edit: &str) -> Node {
    let raw = raw.filter(|r| !r.is_string());
    let trail = v.origin.as_ref().map(|o| o.chain()).unwrap_or_default();
    let secret = edit.rsplit('/').next().is_some_and(|k| k.eq_ignore_ascii_case("protectedSettings"))
        || trail.iter().any(|s| secure_parameter(t, &s.pointer));
    let shape = match &v.kind {
        _ if secret => Shape::Unknown(SECRET.to_owned()),
        Kind::Null => Shape::Null,
        Kind::Bool(b) => Shape::Scalar(Value::Bool(*b)),
        Kind::Int(i) => Shape::Scalar(Value::from(*i)),
        Kind::Float(_) | Kind::Str(_) => Shape::Scalar(v.to_json()),
        Kind::Unknown(why) => Shape::Unknown(why.to_string()),
        Kind::Array(items) => {
            let written = raw.and_then(Value::as_array).filter(|a| a.len() == items.len());
            Shape::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| match written {
                        Some(a) => convert(t, item, a.get(i), &format!("{edit}/{i}")),
                        None => convert(t, item, None, edit),
                    })
                    .collect(),
            )
        }
        Kind::Object(entries) => Shape::Map(
            entries
                .iter()
                .map(|(k, item)| {
                    let child = raw.and_then(Value::as_object).and_then(|m| m.get(k));
                    let node = match child {
                        Some(c) => convert(t, item, Some(c), &format!("{edit}/{}", escape_token(k))),
                        None => convert(t, item, None, edit),
                    };
                    (k.clone(), node)
                })
                .collect(),
        ),
    };
    Node { shape, at: Some(source(&t.file.display, edit)), trail }
}

/// Why a secret is not in the body.
const SECRET: &str =
    "a secure value (a securestring or secureObject parameter, or protectedSettings): not read or shown";

/// True when `pointer` is inside a parameter this template declares `securestring` or
/// `secureObject` (its default, or its value in a parameters file).
fn secure_parameter(t: &Template, pointer: &str) -> bool {
    let Some(name) = pointer.strip_prefix("/parameters/").and_then(|rest| rest.split('/').next()) else {
        return false;
    };
    let ty = t.node(&format!("/parameters/{name}/type")).and_then(Value::as_str).unwrap_or_default();
    ty.eq_ignore_ascii_case("securestring") || ty.eq_ignore_ascii_case("secureobject")
}
