//! A resource evaluated whole (intrinsic functions applied as far as entitle evaluates them)
//! for [`entitle_sdk::Workload::properties`] and its `tags`: `Properties.Tags`, and for a
//! launch template the `TagSpecifications` of the instances it launches.

use entitle_sdk::Workload;

use super::eval::Eval;
use super::value::{Kind, Val};
use crate::formats::body::{self, Node, Shape};

/// Records the evaluated resource at `pointer` (`/Resources/Web`) and its tags on `w`.
pub fn record(w: &mut Workload, eval: &Eval<'_>, pointer: &str) {
    if body::spent() {
        return body::refuse(w, Some(body::source(&eval.t.path, pointer)));
    }
    // A fresh evaluator: the parameters this reads are not the image's dependencies.
    let Some(v) = Eval::new(eval.t, eval.scope).at(pointer) else { return };
    let t = eval.t;
    let no_echo = |name: &str| {
        let echo = t.root.pointer(&format!("/Parameters/{}/NoEcho", crate::document::escape_token(name)));
        echo.is_some_and(|e| e.as_bool() == Some(true) || e.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true")))
    };
    // A value read from a NoEcho parameter: its default, or reached through a `Ref` to it.
    let secret = |s: &entitle_sdk::model::Source| {
        let declared = s.pointer.strip_prefix("/Parameters/").and_then(|rest| rest.split('/').next());
        let by_ref = s.pointer.ends_with("/Ref").then(|| t.root.pointer(&s.pointer).and_then(|r| r.as_str())).flatten();
        s.path == t.path
            && (declared.is_some_and(|d| no_echo(&d.replace("~1", "/").replace("~0", "~")))
                || by_ref.is_some_and(no_echo))
    };
    let node = convert(&v, pointer, &t.path, &secret);
    let properties = node.get("Properties");
    body::tags(w, properties.and_then(|p| p.get("Tags")));
    let data = properties.and_then(|p| p.get("LaunchTemplateData"));
    if let Some(Shape::List(specs)) = data.and_then(|d| d.get("TagSpecifications")).map(|s| &s.shape) {
        for spec in specs {
            let instance = matches!(spec.get("ResourceType").map(|r| &r.shape),
                Some(Shape::Scalar(serde_json::Value::String(t))) if t == "instance");
            if instance {
                body::tags(w, spec.get("Tags"));
            }
        }
    }
    body::record(w, &node);
}

/// A value as a body node, placed at the first place of its chain (where the resource
/// writes it), with the rest of the chain as its trail.
fn convert(v: &Val, pointer: &str, path: &str, no_echo: &dyn Fn(&entitle_sdk::model::Source) -> bool) -> Node {
    let secret = v.chain.iter().any(no_echo);
    let shape = match &v.kind {
        _ if secret => Shape::Unknown("a NoEcho parameter's value: not read or shown".to_owned()),
        Kind::Str(s) => Shape::Scalar(serde_json::Value::String(s.clone())),
        Kind::Bool(b) => Shape::Scalar(serde_json::Value::Bool(*b)),
        Kind::Null | Kind::NoValue => Shape::Null,
        Kind::Ssm(name) => {
            Shape::Unknown(format!("read from the Systems Manager parameter {name} when the stack is deployed"))
        }
        Kind::Unknown(why) => Shape::Unknown(why.to_string()),
        Kind::Fail(why) => Shape::Unknown(format!("the template cannot deploy this value: {why}")),
        Kind::List(items) => Shape::List(
            items.iter().enumerate().map(|(i, item)| convert(item, &format!("{pointer}/{i}"), path, no_echo)).collect(),
        ),
        Kind::Map(entries) => Shape::Map(
            entries
                .iter()
                .map(|(k, item)| {
                    (
                        k.clone(),
                        convert(item, &format!("{pointer}/{}", crate::document::escape_token(k)), path, no_echo),
                    )
                })
                .collect(),
        ),
    };
    let at = v.chain.first().cloned().unwrap_or_else(|| body::source(path, pointer));
    Node { shape, at: Some(at), trail: v.chain.clone() }
}
