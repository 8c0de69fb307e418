//! YAML descriptors (Kubernetes manifests, CloudFormation, Compose): every document of a stream as JSON data, with
//! anchors, aliases and merge keys resolved and the source position of every node kept.
//!
//! yaml-rust2 0.13.1 marks carry a 1-based line, a 0-based column counted in chars, and an index documented as bytes
//! but counted in chars, so only line and column are used (the `marker_convention` test pins this). A block mapping's
//! mark is its first `:`, so a mapping is placed at its first key instead; a block scalar is placed at its first
//! content line, a quoted one at its opening quote, an absent value (`key:`) at its key.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::scalar::plain_scalar;
use super::{Document, Position, Recorder, SyntaxError, superseded};

/// Deepest nesting accepted, counting alias copies, so later recursion cannot overflow the stack.
const MAX_DEPTH: usize = 512;

/// YAML 1.2 stream, possibly several documents (`---`), a leading `---`, anchors and aliases (an alias is a deep copy
/// of the anchored node, positioned at the alias), merge keys (`<<: *a` and `<<: [*a, *b]`, explicit keys win, earlier
/// merged mappings win over later ones), tags ignored (CloudFormation `!Ref x` becomes its content; unknown tags
/// never fail) except that `!!str` and the non-specific `!` keep a plain scalar a string.
///
/// Plain scalars are typed by the YAML 1.2 core schema (null/~/empty → null, true/false (also True/TRUE) → bool, ints
/// incl. 0x/0o, floats incl. .inf/.nan → number where finite, else the scalar text); quoted and block scalars stay
/// strings. Mapping keys become strings (other keys are rendered as their scalar text, or compact JSON for
/// collections). Duplicate keys: the last wins. Placeholders such as `<< OS_NAME >>` or `${NAME}` are strings.
/// An empty stream gives no documents; a leading UTF-8 BOM is ignored and not counted in columns.
pub fn parse_yaml(text: &str) -> Result<Vec<Document>, SyntaxError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut builder = Builder { alias_budget: (1 << 20) + text.len() / 4, ..Builder::default() };
    let loaded = Parser::new_from_str(text).load(&mut builder, true);
    if let Some(error) = builder.error {
        return Err(error);
    }
    loaded.map_err(|error| SyntaxError::at(position(error.marker()), error.info()))?;
    Ok(builder.roots.into_iter().map(finish).collect())
}

fn position(mark: &Marker) -> Position {
    let line = u32::try_from(mark.line()).unwrap_or(u32::MAX);
    let column = u32::try_from(mark.col().saturating_add(1)).unwrap_or(u32::MAX);
    Position { line, column }
}

/// A node of the document being built, before typing scalars.
#[derive(Clone)]
struct Node {
    position: Position,
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    /// A scalar's text; `typed` when it is plain and untagged, so the core schema applies.
    Scalar {
        text: Box<str>,
        typed: bool,
    },
    Sequence(Vec<Node>),
    /// Members with unique keys, merges already applied.
    Mapping(Vec<(Box<str>, Node)>),
}

enum Frame {
    Sequence { position: Position, anchor: usize, items: Vec<Node> },
    Mapping { position: Position, anchor: usize, members: Vec<(Box<str>, Node)>, merges: Vec<Node>, key: Option<Node> },
}

/// Receives parser events and assembles documents; an error stops the building and is reported after the parse.
#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    roots: Vec<Node>,
    /// How many more nodes alias copies may create, against "billion laughs" streams.
    alias_budget: usize,
    error: Option<SyntaxError>,
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let position = position(&mark);
        let result = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let string_tag = tag.is_some_and(|tag| {
                    (tag.handle == "tag:yaml.org,2002:" && tag.suffix == "str")
                        || (tag.handle.is_empty() && tag.suffix == "!")
                });
                let typed = style == TScalarStyle::Plain && !string_tag;
                let node = Node { position, kind: Kind::Scalar { text: text.into_boxed_str(), typed } };
                self.complete(node, anchor);
                Ok(())
            }
            Event::SequenceStart(anchor, _) => self.open(Frame::Sequence { position, anchor, items: Vec::new() }),
            Event::MappingStart(anchor, _) => {
                let (members, merges, key) = (Vec::new(), Vec::new(), None);
                self.open(Frame::Mapping { position, anchor, members, merges, key })
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = self.stack.pop() {
                    let (node, anchor) = close(frame);
                    self.complete(node, anchor);
                }
                Ok(())
            }
            Event::Alias(anchor) => self.alias(anchor, position),
            Event::DocumentEnd => {
                self.anchors.clear();
                Ok(())
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart => Ok(()),
        };
        if let Err(message) = result {
            self.error = Some(SyntaxError::at(position, message));
        }
    }
}

impl Builder {
    fn open(&mut self, frame: Frame) -> Result<(), String> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!("nesting is deeper than {MAX_DEPTH} levels"));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn alias(&mut self, anchor: usize, position: Position) -> Result<(), String> {
        let Some(anchored) = self.anchors.get(&anchor) else {
            return Err("alias to an unknown anchor".to_owned());
        };
        let room = MAX_DEPTH.saturating_sub(self.stack.len());
        let copy = copy_at(anchored, position, room, &mut self.alias_budget)
            .ok_or("aliases expand to too many or too deeply nested nodes")?;
        self.complete(copy, 0);
        Ok(())
    }

    /// Places a finished node in its parent (or as a document root) and remembers it under its anchor.
    fn complete(&mut self, mut node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.roots.push(node),
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping { position, members, merges, key, .. }) => match key.take() {
                None => {
                    *position = (*position).min(node.position);
                    *key = Some(node);
                }
                Some(key) => {
                    let is_merge = matches!(&key.kind, Kind::Scalar { text, typed: true } if &**text == "<<");
                    if is_merge && matches!(node.kind, Kind::Mapping(_) | Kind::Sequence(_)) {
                        merges.push(node);
                    } else {
                        if matches!(&node.kind, Kind::Scalar { text, typed: true } if text.is_empty()) {
                            // An absent value is marked at the next token; point at its key instead.
                            node.position = key.position;
                        }
                        members.push((key_text(key), node));
                    }
                }
            },
        }
    }
}

/// Finishes a collection: duplicate keys resolve to the last, then merged members fill in keys not yet present.
fn close(frame: Frame) -> (Node, usize) {
    match frame {
        Frame::Sequence { position, anchor, items } => (Node { position, kind: Kind::Sequence(items) }, anchor),
        // The parser always follows a key with a value, so `key` is `None` here.
        Frame::Mapping { position, anchor, members, merges, .. } => {
            let mut members = last_wins(members);
            let mut present: HashSet<Box<str>> = HashSet::new();
            if !merges.is_empty() {
                present.extend(members.iter().map(|(name, _)| name.clone()));
            }
            let sources = merges.into_iter().flat_map(|merge| match merge.kind {
                Kind::Sequence(items) => items,
                _ => vec![merge],
            });
            for source in sources {
                let Kind::Mapping(merged) = source.kind else { continue };
                for (name, value) in merged {
                    if present.insert(name.clone()) {
                        members.push((name, value));
                    }
                }
            }
            (Node { position, kind: Kind::Mapping(members) }, anchor)
        }
    }
}

fn last_wins(members: Vec<(Box<str>, Node)>) -> Vec<(Box<str>, Node)> {
    let names: Vec<&str> = members.iter().map(|(name, _)| &**name).collect();
    let dropped = superseded(&names);
    if !dropped.contains(&true) {
        return members;
    }
    members.into_iter().zip(dropped).filter(|(_, dropped)| !dropped).map(|(member, _)| member).collect()
}

/// A copy of `node` with every position set to `position` (the alias site), or `None` past the depth or node budget.
fn copy_at(node: &Node, position: Position, depth: usize, budget: &mut usize) -> Option<Node> {
    *budget = budget.checked_sub(1)?;
    let depth = depth.checked_sub(1)?;
    let kind = match &node.kind {
        Kind::Scalar { text, typed } => Kind::Scalar { text: text.clone(), typed: *typed },
        Kind::Sequence(items) => {
            Kind::Sequence(items.iter().map(|item| copy_at(item, position, depth, budget)).collect::<Option<_>>()?)
        }
        Kind::Mapping(members) => Kind::Mapping(
            members
                .iter()
                .map(|(name, value)| Some((name.clone(), copy_at(value, position, depth, budget)?)))
                .collect::<Option<_>>()?,
        ),
    };
    Some(Node { position, kind })
}

/// A mapping key as a string: a scalar's text, or compact JSON for a collection used as a key.
fn key_text(key: Node) -> Box<str> {
    match key.kind {
        Kind::Scalar { text, .. } => text,
        _ => serde_json::to_string(&to_value(key, &mut Recorder::new())).unwrap_or_default().into_boxed_str(),
    }
}

fn finish(root: Node) -> Document {
    let mut recorder = Recorder::new();
    let value = to_value(root, &mut recorder);
    recorder.finish(value)
}

fn to_value(node: Node, recorder: &mut Recorder) -> Value {
    recorder.record(node.position);
    match node.kind {
        Kind::Scalar { text, typed: true } => plain_scalar(text),
        Kind::Scalar { text, typed: false } => Value::String(text.into()),
        Kind::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(index, item)| {
                    let mark = recorder.enter_index(index);
                    let value = to_value(item, recorder);
                    recorder.leave(mark);
                    value
                })
                .collect(),
        ),
        Kind::Mapping(members) => {
            let mut map = Map::new();
            for (name, value) in members {
                let mark = recorder.enter_key(&name);
                let value = to_value(value, recorder);
                recorder.leave(mark);
                map.insert(name.into(), value);
            }
            Value::Object(map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Asserts `(pointer, line, column)` positions in `doc`.
    fn assert_positions(doc: &Document, expected: &[(&str, u32, u32)]) {
        for &(pointer, line, column) in expected {
            assert_eq!(doc.position(pointer), Some(Position { line, column }), "at {pointer:?}");
        }
    }

    /// Pins yaml-rust2's marker convention: 1-based line, 0-based column in chars, index in chars.
    #[test]
    fn marker_convention() {
        struct Marks(Vec<(String, usize, usize, usize)>);
        impl MarkedEventReceiver for Marks {
            fn on_event(&mut self, event: Event, mark: Marker) {
                if let Event::Scalar(text, ..) = event {
                    self.0.push((text, mark.line(), mark.col(), mark.index()));
                }
            }
        }
        let mut marks = Marks(Vec::new());
        Parser::new_from_str("é: 1\nb: x\n").load(&mut marks, true).expect("parses");
        assert_eq!(marks.0[3], ("x".to_owned(), 2, 3, 8));
    }

    const STREAM: &str = "---\nbase: &base\n  image: rhel:9\n  replicas: 2\nextra: &extra {cpu: 1, replicas: 9}\n\
        app:\n  <<: [*base, *extra]\n  replicas: 3\n  os: << OS_NAME >>\n  name: ${NAME}\ncopy: *base\n\
        both: {<<: [*extra, *base]}\n--- # second\n- !Ref MyBucket\n\
        - {ключ: \"значение\", n: 0x1F, o: 0o17, f: 1.5e3, t: True, z: ~, i: .inf, q: '12', s: !!str 12, e: -7}\n\
        - |\n  literal\n- ! 12\n- [1e400, 1_000, 012, +.5, 1., 'x': y]\n";

    #[test]
    fn stream_with_anchors_merges_and_placeholders() {
        let docs = parse_yaml(STREAM).expect("parses");
        assert_eq!(docs.len(), 2);
        let app = json!({"image": "rhel:9", "replicas": 3, "cpu": 1, "os": "<< OS_NAME >>", "name": "${NAME}"});
        assert_eq!(docs[0].value["app"], app);
        assert_eq!(docs[0].value["copy"], json!({"image": "rhel:9", "replicas": 2}));
        assert_eq!(docs[0].value["both"], json!({"image": "rhel:9", "replicas": 9, "cpu": 1}));
        let merged = [("/app", 7, 3), ("/app/image", 7, 8), ("/app/cpu", 7, 15), ("/both/replicas", 12, 13)];
        let plain = [("", 2, 1), ("/base/image", 3, 10), ("/extra", 5, 15), ("/extra/replicas", 5, 34)];
        let placeholders = [("/app/replicas", 8, 13), ("/app/os", 9, 7), ("/app/name", 10, 9)];
        let aliased = [("/copy", 11, 7), ("/copy/image", 11, 7)];
        for expected in [&merged[..], &plain, &placeholders, &aliased] {
            assert_positions(&docs[0], expected);
        }
        let object = json!({"ключ": "значение", "n": 31, "o": 15, "f": 1500.0, "t": true, "z": null, "i": ".inf",
            "q": "12", "s": "12", "e": -7});
        let mixed = json!(["1e400", "1_000", 12, 0.5, 1.0, {"x": "y"}]);
        assert_eq!(docs[1].value, json!(["MyBucket", object, "literal\n", "12", mixed]));
        assert_positions(&docs[1], &[("", 14, 1), ("/0", 14, 8), ("/1/ключ", 15, 10), ("/1/n", 15, 25), ("/2", 17, 3)]);
        let sub = docs[1].subdocument("/1").expect("sub");
        assert_positions(&sub, &[("", 15, 3), ("/n", 15, 25)]);
    }

    #[test]
    fn keys_bom_crlf_and_empty_values() {
        let text =
            "\u{FEFF}a/b:\r\n  c~d: 1\r\nempty:\r\nnext: x\r\n1: one\r\ntrue: t\r\n? [p, q]\r\n: pq\r\nnext: y\r\n";
        let doc = &parse_yaml(text).expect("parses")[0];
        let expected =
            json!({"a/b": {"c~d": 1}, "empty": null, "next": "y", "1": "one", "true": "t", "[\"p\",\"q\"]": "pq"});
        assert_eq!(doc.value, expected);
        assert_positions(doc, &[("/a~1b", 2, 3), ("/a~1b/c~0d", 2, 8), ("/empty", 3, 1), ("/next", 9, 7)]);
        assert!(parse_yaml("").expect("empty").is_empty());
        assert!(parse_yaml("# only a comment\n").expect("comment").is_empty());
    }

    #[test]
    fn errors_carry_positions() {
        let error = parse_yaml("a: [1\nb: 2\n").expect_err("unterminated flow");
        assert_eq!((error.line, error.column), (2, 2));
        let error = parse_yaml("a: 1\nb: *nope\n").expect_err("unknown alias");
        assert!(error.line == 2 && error.message.contains("unknown anchor"), "{error}");
        assert_eq!(parse_yaml("- a\nb: c\n").expect_err("mixed").line, 2);
        let deep: String = (0..600).map(|depth| format!("{}k:\n", " ".repeat(depth))).collect();
        assert!(parse_yaml(&deep).expect_err("deep").message.contains("nesting is deeper"));
        let deep = format!("{}{}", "[".repeat(600), "]".repeat(600));
        assert!(parse_yaml(&deep).expect_err("deep flow").message.contains("recursion limit"));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n".to_owned();
        for level in 1..9 {
            let aliases = vec![format!("*l{}", level - 1); 10].join(", ");
            text.push_str(&format!("l{level}: &l{level} [{aliases}]\n"));
        }
        assert!(parse_yaml(&text).expect_err("bomb").message.contains("too many"));
    }
}
