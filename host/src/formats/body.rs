//! A resource's evaluated body, as every front-end hands it over: [`Workload::properties`]
//! (the JSON a policy reads), `properties.<path>` provenance for each member (so the host
//! places a finding on any member at its line, like `os.major`), the reasons of members that
//! are not known, and the workload's tags read from it, each value known, or unknown with why.

use entitle_sdk::Workload;
use entitle_sdk::model::Source;
use serde_json::{Map, Value};

use crate::document::escape_token;

/// Members of one body whose place is recorded; deeper or later ones are placed at their
/// nearest recorded parent (the recorded tree is walked breadth-first).
pub(crate) const MAX_LOCATED: usize = 1024;
/// Unknown members of one body whose reason is recorded (the value is `null` regardless).
pub(crate) const MAX_UNKNOWN: usize = 128;
/// Tags read per workload; a resource with more has `unknown["tags"]` saying so.
pub(crate) const MAX_TAGS: usize = 512;
/// What the bodies of one input may cost in all (each member about 48 bytes plus its text):
/// one object read as many workloads (a pod's containers, a copy loop) cannot multiply
/// memory past it. Later workloads get no properties, and `unknown["properties"]` says why.
pub(crate) const MAX_INPUT_COST: usize = 64 << 20;

thread_local! {
    /// What is left of [`MAX_INPUT_COST`] for the input this thread is reading.
    static LEFT: std::cell::Cell<usize> = const { std::cell::Cell::new(MAX_INPUT_COST) };
    /// Whether the input this thread is reading has its bodies recorded ([`start_input`]).
    static RECORDED: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Starts the budget of a new input (an input is read on one thread); `recorded: false` when
/// no one will read its bodies ([`super::ReadOptions::without_bodies`]): [`record`] then
/// records nothing.
pub fn start_input(recorded: bool) {
    LEFT.set(MAX_INPUT_COST);
    RECORDED.set(recorded);
}

/// True when this input's bodies are recorded ([`start_input`]); a front-end that builds a body
/// only to record it can build just what else it reads from it (its tags) when not.
pub fn recorded() -> bool {
    RECORDED.get()
}

/// True when a body of this input did not fit: no later one is built or recorded.
pub fn spent() -> bool {
    LEFT.get() == 0
}

/// True when the plain JSON `value` fits in what is left (walks at most that much).
pub fn fits(value: &Value) -> bool {
    fn walk(value: &Value, left: &mut usize) -> bool {
        let own = 48 + value.as_str().map_or(0, str::len);
        if own > *left {
            return false;
        }
        *left -= own;
        match value {
            Value::Array(items) => items.iter().all(|v| walk(v, left)),
            Value::Object(map) => map.iter().all(|(k, v)| {
                k.len() <= *left && {
                    *left -= k.len();
                    walk(v, left)
                }
            }),
            _ => true,
        }
    }
    walk(value, &mut LEFT.get())
}

/// Records that `w`'s body is not recorded because the input's budget is spent, and spends
/// the rest of it: later bodies are not even built.
pub fn refuse(w: &mut Workload, at: Option<Source>) {
    LEFT.set(0);
    let why = format!("not recorded: the resource bodies of this input cost more than {} MiB", MAX_INPUT_COST >> 20);
    w.unknown.insert("properties".into(), why);
    if let Some(at) = at {
        w.provenance.insert("properties".into(), at);
    }
}

/// What a body costs against [`MAX_INPUT_COST`].
fn cost(node: &Node) -> usize {
    48 + match &node.shape {
        Shape::Scalar(Value::String(s)) => s.len(),
        Shape::Unknown(why) => why.len(),
        Shape::List(items) => items.iter().map(cost).sum(),
        Shape::Map(entries) => entries.iter().map(|(k, v)| k.len() + cost(v)).sum(),
        _ => 0,
    }
}

/// One evaluated value: its shape, where a user would edit it, and the references it
/// travelled through (outermost first).
#[derive(Clone, Debug, Default)]
pub struct Node {
    /// The value.
    pub shape: Shape,
    /// Where it is written in the resource (or the expression that produced it).
    pub at: Option<Source>,
    /// The references it came through before that, outermost first.
    pub trail: Vec<Source>,
}

/// The shape of a [`Node`].
#[derive(Clone, Debug, Default)]
pub enum Shape {
    /// A known scalar (or `null`).
    #[default]
    Null,
    /// A known string, number or boolean.
    Scalar(Value),
    /// Not known before deployment, with why.
    Unknown(String),
    /// An array.
    List(Vec<Node>),
    /// An object, in written order.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// A plain JSON node at `pointer` of `path` (no expressions: plans, manifests,
    /// configurations); every member at its own pointer.
    pub fn json(value: &Value, path: &str, pointer: &str) -> Node {
        let shape = match value {
            Value::Array(items) => Shape::List(
                items.iter().enumerate().map(|(i, v)| Node::json(v, path, &format!("{pointer}/{i}"))).collect(),
            ),
            Value::Object(map) => Shape::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Node::json(v, path, &format!("{pointer}/{}", escape_token(k)))))
                    .collect(),
            ),
            Value::Null => Shape::Null,
            scalar => Shape::Scalar(scalar.clone()),
        };
        Node { shape, at: Some(source(path, pointer)), trail: Vec::new() }
    }

    /// Makes every string for which `unknown` gives a reason unknown with that reason
    /// (a template parameter without a value, a reference resolved at deployment).
    pub fn mark_strings(&mut self, unknown: &dyn Fn(&str) -> Option<String>) {
        match &mut self.shape {
            Shape::Scalar(Value::String(s)) => {
                if let Some(why) = unknown(s) {
                    self.shape = Shape::Unknown(why);
                }
            }
            Shape::List(items) => items.iter_mut().for_each(|n| n.mark_strings(unknown)),
            Shape::Map(entries) => entries.iter_mut().for_each(|(_, n)| n.mark_strings(unknown)),
            _ => {}
        }
    }

    /// The member `key` of an object node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.shape {
            Shape::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The JSON a policy sees: unknowns are `null`.
    pub fn to_json(&self) -> Value {
        match &self.shape {
            Shape::Null | Shape::Unknown(_) => Value::Null,
            Shape::Scalar(v) => v.clone(),
            Shape::List(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Shape::Map(entries) => {
                Value::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect::<Map<_, _>>())
            }
        }
    }

    /// The text of a known scalar (numbers and booleans as written).
    fn text(&self) -> Option<String> {
        match &self.shape {
            Shape::Scalar(Value::String(s)) => Some(s.clone()),
            Shape::Scalar(other) => Some(other.to_string()),
            _ => None,
        }
    }
}

/// A `Source` with no line yet.
pub fn source(path: &str, pointer: &str) -> Source {
    Source { path: path.to_owned(), pointer: pointer.to_owned(), line: None, column: None }
}

/// Sets `w.properties` from `body`, with the place of each member (up to [`MAX_LOCATED`],
/// breadth-first) and the reasons of unknown members (up to [`MAX_UNKNOWN`]).
pub fn record(w: &mut Workload, body: &Node) {
    if !RECORDED.get() {
        return;
    }
    let cost = cost(body);
    if cost > LEFT.get() {
        return refuse(w, body.at.clone());
    }
    LEFT.set(LEFT.get() - cost);
    w.properties = body.to_json();
    let (mut located, mut unknown) = (0, 0);
    let mut queue = std::collections::VecDeque::from([("properties".to_owned(), body)]);
    while let Some((path, node)) = queue.pop_front() {
        if located < MAX_LOCATED
            && let Some(at) = &node.at
        {
            located += 1;
            w.provenance.insert(path.clone(), at.clone());
            let trail: Vec<Source> = node.trail.iter().filter(|s| *s != at).cloned().collect();
            if !trail.is_empty() {
                w.trail.insert(path.clone(), trail);
            }
        }
        match &node.shape {
            Shape::Unknown(why) if unknown < MAX_UNKNOWN => {
                unknown += 1;
                w.unknown.insert(path, why.clone());
            }
            Shape::List(items) if located < MAX_LOCATED || unknown < MAX_UNKNOWN => {
                queue.extend(items.iter().enumerate().map(|(i, n)| (format!("{path}.{i}"), n)));
            }
            Shape::Map(entries) if located < MAX_LOCATED || unknown < MAX_UNKNOWN => {
                queue.extend(entries.iter().map(|(k, n)| (format!("{path}.{k}"), n)));
            }
            _ => {}
        }
    }
}

/// Sets `w.tags` from an object of tags (`{"cost-center": "cc1"}`) or a list of
/// `{Key, Value}` pairs (CloudFormation, AWS API shapes); `None` leaves them empty. A tag whose
/// value is not known is `None` with why under `tags.<key>`; when the tags themselves (or a
/// key) are not known, `unknown["tags"]` says why, placed where they are written.
pub fn tags(w: &mut Workload, tags: Option<&Node>) {
    let Some(node) = tags else { return };
    let whole_unknown = |w: &mut Workload, why: String, at: &Option<Source>| {
        w.unknown.entry("tags".into()).or_insert(why);
        if let Some(at) = at {
            w.provenance.entry("tags".into()).or_insert_with(|| at.clone());
        }
    };
    let pairs: Vec<(Option<String>, &Node, &Node)> = match &node.shape {
        Shape::Map(entries) => entries.iter().map(|(k, v)| (Some(k.clone()), node, v)).collect(),
        Shape::List(items) => items
            .iter()
            .filter_map(|item| {
                let key = item.get("Key").or_else(|| item.get("key"))?;
                let value = item.get("Value").or_else(|| item.get("value")).unwrap_or(&EMPTY);
                Some((key.text(), key, value))
            })
            .collect(),
        Shape::Null => return,
        Shape::Unknown(why) => return whole_unknown(w, format!("the tags are not known: {why}"), &node.at),
        Shape::Scalar(_) => return whole_unknown(w, "the tags are not an object or a list".into(), &node.at),
    };
    for (key, key_node, value) in pairs {
        let Some(key) = key else {
            let why = match &key_node.shape {
                Shape::Unknown(why) => format!("a tag's key is not known: {why}"),
                _ => "a tag's key is not a string".to_owned(),
            };
            whole_unknown(w, why, &key_node.at);
            continue;
        };
        if w.tags.len() >= MAX_TAGS && !w.tags.contains_key(&key) {
            whole_unknown(w, format!("more than {MAX_TAGS} tags: the rest were not read"), &node.at);
            break;
        }
        let field = format!("tags.{key}");
        if let Some(at) = &value.at {
            w.provenance.insert(field.clone(), at.clone());
            let trail: Vec<Source> = value.trail.iter().filter(|s| *s != at).cloned().collect();
            if !trail.is_empty() {
                w.trail.insert(field.clone(), trail);
            }
        }
        let known = match &value.shape {
            Shape::Null => Some(String::new()),
            Shape::Unknown(why) => {
                w.unknown.insert(field, why.clone());
                None
            }
            Shape::List(_) | Shape::Map(_) => Some(value.to_json().to_string()),
            Shape::Scalar(_) => value.text(),
        };
        w.tags.insert(key, known);
    }
}

/// An absent tag value (`{Key: x}` with no `Value`): the empty string.
static EMPTY: Node = Node { shape: Shape::Null, at: None, trail: Vec::new() };
