//! An object (template parameters substituted) as [`entitle_sdk::Workload::properties`], and
//! its labels and annotations as tags (a label wins over an annotation of the same key); a
//! string still holding a `${PARAM}` without a value is unknown, with why.

use entitle_sdk::Workload;
use serde_json::Value;

use super::Cx;
use super::objects::Obj;
use crate::formats::body::{self, Node, Shape};

/// Records the body and tags of `obj` on `w`, every place located in the document.
pub fn record(w: &mut Workload, cx: &Cx<'_>, obj: &Obj) {
    // A pod's containers are workloads of one object: its body is checked before it is built.
    if body::spent() || !body::fits(&obj.value) {
        return body::refuse(w, Some(cx.at(&obj.pointer)));
    }
    let node = resolved(cx, &obj.value, &obj.pointer);
    let metadata = node.get("metadata");
    body::tags(w, metadata.and_then(|m| m.get("annotations")));
    body::tags(w, metadata.and_then(|m| m.get("labels")));
    body::record(w, &node);
    let locate = |s: &mut entitle_sdk::model::Source| {
        if s.line.is_none() && s.path == cx.path {
            *s = cx.at(&s.pointer);
        }
    };
    for (field, source) in w.provenance.iter_mut() {
        if field.starts_with("properties") || field.starts_with("tags") {
            locate(source);
        }
    }
}

/// The node at `pointer`, each string with a parameter still in it unknown, each member's
/// trail the template parameters substituted into it.
fn resolved(cx: &Cx<'_>, value: &Value, pointer: &str) -> Node {
    let mut node = Node::json(value, cx.path, pointer);
    node.mark_strings(&|s| cx.unresolved(s));
    trail(cx, &mut node);
    node
}

fn trail(cx: &Cx<'_>, node: &mut Node) {
    if let Some(at) = &node.at {
        node.trail = cx.trail(&at.pointer);
    }
    match &mut node.shape {
        Shape::List(items) => items.iter_mut().for_each(|n| trail(cx, n)),
        Shape::Map(entries) => entries.iter_mut().for_each(|(_, n)| trail(cx, n)),
        _ => {}
    }
}
