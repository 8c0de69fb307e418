//! Resolving one field of a resource (`properties.storageProfile.imageReference`)
//! through literals and expressions, keeping the place a user would edit and the
//! chain the value travelled.

use entitle_sdk::Workload;
use serde_json::Value;

use super::expr::EvalError;
use super::template::Template;
use super::value::{Kind, Val, source};
use crate::document::escape_token;

/// A resolved field.
pub struct Resolved {
    /// The value (`None` when the field is absent).
    pub value: Option<Val>,
    /// The deepest JSON node on the way that is in the resource itself: the literal
    /// field, or the expression string that produced it.
    pub edit: String,
}

/// Follows `keys` from the resource at `pointer`: JSON members while they are
/// literal, then members of the value an expression produced.
pub fn resolve(t: &Template, pointer: &str, keys: &[&str]) -> Result<Resolved, EvalError> {
    let mut at = pointer.to_owned();
    let mut node = match t.node(pointer) {
        Some(node) => node,
        None => return Ok(Resolved { value: None, edit: at }),
    };
    for (i, key) in keys.iter().enumerate() {
        if let Value::String(_) = node {
            let value = t.eval_node(node, &at)?;
            return Ok(Resolved { value: descend(value, &keys[i..]), edit: at });
        }
        let next = node
            .as_object()
            .and_then(|map| map.get_key_value(*key).or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key))));
        match next {
            Some((name, child)) => {
                at = format!("{at}/{}", escape_token(name));
                node = child;
            }
            None => return Ok(Resolved { value: None, edit: at }),
        }
    }
    let value = t.eval_node(node, &at)?;
    let absent = matches!(value.kind, Kind::Null) && node.is_string();
    Ok(Resolved { value: (!absent).then_some(value), edit: at })
}

/// Member access into an evaluated value; unknowns stay unknown.
fn descend(mut value: Val, keys: &[&str]) -> Option<Val> {
    for key in keys {
        if value.is_unknown() {
            // A member of an unknown value is unknown; a partly known string has no members.
            value.partial = None;
            return Some(value);
        }
        value = value.get(key)?.clone();
    }
    (!matches!(value.kind, Kind::Null)).then_some(value)
}

/// Records a resolved string field on the workload: its value, where to edit it and
/// its trail, or why it is unknown. Returns the string when known.
pub fn record_str(
    w: &mut Workload,
    t: &Template,
    field: &str,
    parent: &Resolved,
    member: Option<&str>,
) -> Option<String> {
    let value = match member {
        None => parent.value.clone(),
        Some(m) => match &parent.value {
            Some(v) if v.is_unknown() => Some(v.clone()),
            Some(v) => v.get(m).cloned().filter(|v| !matches!(v.kind, Kind::Null)),
            None => None,
        },
    }?;
    let edit = match member {
        Some(m) if t.node(&format!("{}/{m}", parent.edit)).is_some() => format!("{}/{m}", parent.edit),
        _ => parent.edit.clone(),
    };
    w.provenance.insert(field.to_owned(), source(&t.file.display, &edit));
    if let Some(origin) = &value.origin {
        let chain: Vec<_> =
            origin.chain().into_iter().filter(|s| !(s.pointer == edit && *s.path == *t.file.display)).collect();
        if !chain.is_empty() {
            w.trail.insert(field.to_owned(), chain);
        }
    }
    match &value.kind {
        Kind::Str(s) => Some(s.clone()),
        Kind::Int(i) => Some(i.to_string()),
        Kind::Unknown(reason) => {
            w.unknown.insert(field.to_owned(), reason.to_string());
            None
        }
        other => {
            w.unknown
                .insert(field.to_owned(), format!("expected a string, found {}", Val::new(other.clone()).type_name()));
            None
        }
    }
}
