//! A resource instance's attributes (`change.after`, or a state's `values`) as
//! [`entitle_sdk::Workload::properties`], with its `after_unknown` and sensitive marks
//! applied (a sensitive value is never sent, only why it is missing), and its tags:
//! `tags_all` (with the provider's `default_tags`) when known, else `tags`; Google's `labels`.

use std::borrow::Cow;

use entitle_sdk::Workload;
use serde_json::Value;

use super::entry::{Entry, pointer};
use crate::formats::body::{self, Node, Shape};

/// Records the attributes and tags of `entry` (in the file `path`) on `w`.
pub fn record<'e>(w: &mut Workload, entry: &Entry<'e>, path: &str) {
    if body::spent() {
        return body::refuse(w, Some(body::source(path, &entry.values_at)));
    }
    let marks = Marks { entry, path };
    // When bodies are not recorded, only the members tags come from are built (with their marks): the whole
    // attribute tree was built only to be dropped, 3.6 % of a 50 MB plan's check.
    let recorded = body::recorded();
    let part = |v: &'e Value| if recorded { Cow::Borrowed(v) } else { tag_members(v) };
    let (values, unknown, sensitive) = (part(entry.values), entry.unknown.map(part), entry.sensitive.map(part));
    let node = marks.node(Some(&values), unknown.as_deref(), sensitive.as_deref(), &entry.values_at);
    let known_map = |n: &&Node| matches!(&n.shape, Shape::Map(m) if !m.is_empty());
    let tags = if entry.ty.starts_with("google_") {
        node.get("labels")
    } else {
        node.get("tags_all").filter(known_map).or_else(|| node.get("tags"))
    };
    body::tags(w, tags);
    // `tags_all` adds the provider's default_tags: while it is not known, neither is whether
    // a tag missing from `tags` will be there.
    if let Some(Shape::Unknown(why)) = node.get("tags_all").map(|n| &n.shape)
        && !entry.ty.starts_with("google_")
    {
        w.unknown.entry("tags".into()).or_insert_with(|| format!("tags_all (with the provider's default_tags): {why}"));
    }
    body::record(w, &node);
}

/// The members tags are read from.
const TAG_MEMBERS: [&str; 3] = ["labels", "tags", "tags_all"];

/// `value` with only its [`TAG_MEMBERS`] when it is an object, else itself.
fn tag_members(value: &Value) -> Cow<'_, Value> {
    match value {
        Value::Object(map) => Cow::Owned(Value::Object(
            map.iter()
                .filter(|(k, _)| TAG_MEMBERS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )),
        other => Cow::Borrowed(other),
    }
}

/// The entry (for the reasons of unknown values) and its file.
struct Marks<'e, 'a> {
    entry: &'e Entry<'a>,
    path: &'e str,
}

impl Marks<'_, '_> {
    /// The node for `value` at `at`, under the mark subtrees `unknown` and `sensitive`.
    fn node(&self, value: Option<&Value>, unknown: Option<&Value>, sensitive: Option<&Value>, at: &str) -> Node {
        fn child<'v>(tree: Option<&'v Value>, key: &str) -> Option<&'v Value> {
            match tree {
                Some(Value::Object(m)) => m.get(key),
                Some(Value::Array(a)) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            }
        }
        let located = |shape| Node { shape, at: Some(body::source(self.path, at)), trail: Vec::new() };
        if sensitive.and_then(Value::as_bool) == Some(true) {
            return located(Shape::Unknown("marked sensitive in the plan, so it is not read or shown".into()));
        }
        let value = value.filter(|v| !v.is_null());
        if unknown.and_then(Value::as_bool) == Some(true) && value.is_none() {
            let why = match self.entry.reasons.and_then(|r| r.get(at)) {
                Some(why) => why.clone(),
                None => "known only after apply".to_owned(),
            };
            return located(Shape::Unknown(why));
        }
        let shape = match value {
            None => Shape::Null,
            Some(Value::Object(map)) => {
                let mut entries: Vec<(String, Node)> = map
                    .iter()
                    .map(|(k, v)| {
                        let at = pointer(at, &[k]);
                        (k.clone(), self.node(Some(v), child(unknown, k), child(sensitive, k), &at))
                    })
                    .collect();
                // Attributes computed at apply are in `after_unknown` only.
                if let Some(Value::Object(marks)) = unknown {
                    for (k, mark) in marks.iter().filter(|(k, m)| !map.contains_key(*k) && m.as_bool() == Some(true)) {
                        let at = pointer(at, &[k]);
                        entries.push((k.clone(), self.node(None, Some(mark), child(sensitive, k), &at)));
                    }
                }
                Shape::Map(entries)
            }
            Some(Value::Array(items)) => Shape::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let key = i.to_string();
                        let at = pointer(at, &[&key]);
                        self.node(Some(v), child(unknown, &key), child(sensitive, &key), &at)
                    })
                    .collect(),
            ),
            Some(scalar) => Shape::Scalar(scalar.clone()),
        };
        located(shape)
    }
}
