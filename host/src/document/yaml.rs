//! YAML descriptors (Kubernetes manifests, CloudFormation, Compose): every document of a stream as JSON data, with
//! anchors, aliases and merge keys resolved and the source position of every node kept.
//!
//! The events come from saphyr-parser (a YAML 1.2 parser that passes the yaml-test-suite; see
//! `tests/yaml_suite.rs`), pulled one at a time so nothing recurses per nesting level: the depth bound below is
//! checked before any deeper structure is built, so a 10,000-deep block sequence is a located error, not a stack
//! overflow. Its marks carry a 1-based line, a 0-based column counted in chars and an index counted in chars, so only
//! line and column are used (the `marker_convention` test pins this). A block mapping is placed at its first key; a
//! block scalar is placed at its first content line, a quoted one at its opening quote, an absent value (`key:`) at
//! its key.
//!
//! [`parse_yaml_cfn`] reads CloudFormation templates: the same, with short-form function tags mapped to their long
//! forms and YAML 1.1 booleans.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};
use serde_json::{Map, Value};

use super::marks::{CharCursor, content_position, position, tab_position};
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
    let builder = Builder { alias_budget: (1 << 20) + text.len() / 4, ..Builder::default() };
    load(text, builder)
}

/// Pulls every event of `text` into `builder` (iteratively: the parser's own `load` recurses once per nesting level
/// and would overflow the stack before the depth check ran), then finishes the documents.
fn load<'a>(text: &'a str, mut builder: Builder<'a>) -> Result<Vec<Document>, SyntaxError> {
    builder.text = text;
    builder.cursor = CharCursor::new(text);
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|error| scan_error(text, &error))?;
        builder.on_event(event, span);
        if let Some(error) = builder.error.take() {
            return Err(error);
        }
    }
    Ok(builder.roots.into_iter().map(finish).collect())
}

/// A scanner or parser error at its position (a tab error at its tab).
fn scan_error(text: &str, error: &ScanError) -> SyntaxError {
    let mut at = position(error.marker());
    if error.info().contains("tab") {
        at = tab_position(text, at).unwrap_or(at);
    }
    SyntaxError::at(at, error.info())
}

/// [`parse_yaml`] for CloudFormation templates: the short-form function tags become their long forms (`!Ref x` →
/// `{"Ref": "x"}`, `!Condition c` → `{"Condition": "c"}`, any other `!Name v` → `{"Fn::Name": v}`, so `!Sub`,
/// `!FindInMap`, `!If`, `!Join`, `!Select`, `!Split`, `!Equals`, `!Not`, `!And`, `!Or`, `!Base64`, `!ImportValue`,
/// `!GetAZs`, `!Cidr`, `!Transform` and the rules functions (`!Contains`, `!EachMemberEquals`, `!EachMemberIn`,
/// `!RefAll`, `!ValueOf`, `!ValueOfAll`) all work); the scalar `!GetAtt a.b.c` becomes `{"Fn::GetAtt": ["a", "b.c"]}`.
/// The long-form wrapper object is placed at its tag; the tagged value keeps its own position. A tagged scalar is
/// always a string. Plain YAML 1.1 booleans (`yes`/`no`/`on`/`off` in any of their three cases) are booleans, as
/// CloudFormation reads them (so an unquoted `Yes` reaches the template as `true`).
pub fn parse_yaml_cfn(text: &str) -> Result<Vec<Document>, SyntaxError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let tags = Some(TagFinder::new(text));
    let builder = Builder { alias_budget: (1 << 20) + text.len() / 4, tags, ..Builder::default() };
    load(text, builder)
}

/// The long-form key of a CloudFormation short-form tag (`Ref`, `Condition`, `Fn::Name`), or `None` for YAML's own
/// tags (`!!str`) and the non-specific `!`.
fn cfn_function(tag: Option<&Tag>) -> Option<Box<str>> {
    let tag = tag?;
    if tag.handle != "!" || tag.suffix.is_empty() || !tag.suffix.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(match tag.suffix.as_str() {
        "Ref" | "Condition" => tag.suffix.clone().into_boxed_str(),
        other => format!("Fn::{other}").into_boxed_str(),
    })
}

/// YAML 1.1 booleans that YAML 1.2 reads as strings, as CloudFormation reads them.
fn yaml11_bool(text: &str) -> Option<&'static str> {
    match text {
        "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some("true"),
        "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some("false"),
        _ => None,
    }
}

/// Finds where a tag was written: the parser marks a tagged node at its content, after the tag.
struct TagFinder<'a> {
    text: &'a str,
    /// Byte offset of each line's start.
    starts: Vec<usize>,
}

impl<'a> TagFinder<'a> {
    /// How far before its content a tag is looked for (comments may sit between them).
    const WINDOW: usize = 1 << 16;

    fn new(text: &'a str) -> TagFinder<'a> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &byte) in bytes.iter().enumerate() {
            if byte == b'\n' || (byte == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        TagFinder { text, starts }
    }

    /// The position of the last `!suffix` written before the node at `content`, else `content` itself.
    fn tag_position(&self, suffix: &str, content: Position) -> Position {
        let line = usize::try_from(content.line).unwrap_or(usize::MAX).saturating_sub(1);
        let Some(&start) = self.starts.get(line) else { return content };
        let column = usize::try_from(content.column).unwrap_or(0).saturating_sub(1);
        let offset = self.text[start..].char_indices().nth(column).map_or(self.text.len(), |(i, _)| start + i);
        let mut from = offset.saturating_sub(Self::WINDOW);
        while !self.text.is_char_boundary(from) {
            from -= 1;
        }
        let Some(found) = self.text[from..offset].rfind(&format!("!{suffix}")).map(|i| from + i) else {
            return content;
        };
        let line = self.starts.partition_point(|&s| s <= found) - 1;
        let column = self.text[self.starts[line]..found].chars().count() + 1;
        Position {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
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

/// A CloudFormation long-form wrapper to put around a node when it is complete: its key and the tag's position.
type Wrap = Option<(Box<str>, Position)>;

/// Receives parser events and assembles documents; an error stops the building and is reported after the parse.
#[derive(Default)]
struct Builder<'a> {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    roots: Vec<Node>,
    /// How many more nodes alias copies may create, against "billion laughs" streams.
    alias_budget: usize,
    error: Option<SyntaxError>,
    /// CloudFormation mode ([`parse_yaml_cfn`]): where tags were written.
    tags: Option<TagFinder<'a>>,
    /// In CloudFormation mode, the wrapper of each open collection (parallel to `stack`).
    wraps: Vec<Wrap>,
    /// The text being parsed, to find where a node's content starts after its tag and anchor.
    text: &'a str,
    cursor: CharCursor<'a>,
}

impl Builder<'_> {
    fn on_event(&mut self, event: Event<'_>, span: Span) {
        let position = content_position(self.text, &mut self.cursor, &span.start);
        let result = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let wrap = self.wrap(tag.as_deref(), position);
                let string_tag = wrap.is_some()
                    || tag.is_some_and(|tag| {
                        (tag.handle == "tag:yaml.org,2002:" && tag.suffix == "str")
                            || (tag.handle.is_empty() && tag.suffix == "!")
                    });
                let typed = style == ScalarStyle::Plain && !string_tag;
                let text = match yaml11_bool(&text) {
                    Some(boolean) if typed && self.tags.is_some() => boolean.to_owned(),
                    _ => text.into_owned(),
                };
                let node = match wrap {
                    Some((ref function, _)) if &**function == "Fn::GetAtt" => {
                        let parts = match text.split_once('.') {
                            Some((resource, attribute)) => vec![resource.to_owned(), attribute.to_owned()],
                            None => vec![text],
                        };
                        let scalar = |text: String| Node { position, kind: Kind::Scalar { text: text.into(), typed } };
                        Node { position, kind: Kind::Sequence(parts.into_iter().map(scalar).collect()) }
                    }
                    _ => Node { position, kind: Kind::Scalar { text: text.into_boxed_str(), typed } },
                };
                self.complete(wrapped(node, wrap), anchor);
                Ok(())
            }
            Event::SequenceStart(anchor, tag) => {
                let wrap = self.wrap(tag.as_deref(), position);
                self.open(Frame::Sequence { position, anchor, items: Vec::new() }, wrap)
            }
            Event::MappingStart(anchor, tag) => {
                let wrap = self.wrap(tag.as_deref(), position);
                let (members, merges, key) = (Vec::new(), Vec::new(), None);
                self.open(Frame::Mapping { position, anchor, members, merges, key }, wrap)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = self.stack.pop() {
                    let wrap = self.wraps.pop().flatten();
                    let (node, anchor) = close(frame);
                    self.complete(wrapped(node, wrap), anchor);
                }
                Ok(())
            }
            Event::Alias(anchor) => self.alias(anchor, position),
            Event::DocumentEnd => {
                self.anchors.clear();
                Ok(())
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) => Ok(()),
        };
        if let Err(message) = result {
            self.error = Some(SyntaxError::at(position, message));
        }
    }

    fn open(&mut self, frame: Frame, wrap: Wrap) -> Result<(), String> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!("nesting is deeper than {MAX_DEPTH} levels"));
        }
        self.stack.push(frame);
        self.wraps.push(wrap);
        Ok(())
    }

    /// In CloudFormation mode, the long-form wrapper a tag asks for, placed at the tag.
    fn wrap(&self, tag: Option<&Tag>, content: Position) -> Wrap {
        let finder = self.tags.as_ref()?;
        let function = cfn_function(tag)?;
        let suffix = tag.map(|t| t.suffix.as_str()).unwrap_or_default();
        Some((function, finder.tag_position(suffix, content)))
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

/// `node` inside its long-form wrapper (`{"Fn::If": node}`), when it has one.
fn wrapped(node: Node, wrap: Wrap) -> Node {
    match wrap {
        Some((function, position)) => Node { position, kind: Kind::Mapping(vec![(function, node)]) },
        None => node,
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

/// The longest text a collection used as a mapping key becomes. Each level of keys nested in
/// keys (`? ? ? x`) escapes the one inside it again, doubling its backslashes: uncut, 30
/// levels are gigabytes.
const MAX_KEY: usize = 1024;

/// A mapping key as a string: a scalar's text, or compact JSON for a collection used as a key
/// (cut at [`MAX_KEY`] bytes, ending in `…`).
fn key_text(key: Node) -> Box<str> {
    match key.kind {
        Kind::Scalar { text, .. } => text,
        _ => {
            let mut text = serde_json::to_string(&to_value(key, &mut Recorder::new())).unwrap_or_default();
            if text.len() > MAX_KEY {
                let cut = (0..=MAX_KEY).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                text.truncate(cut);
                text.push('…');
            }
            text.into_boxed_str()
        }
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

    /// Pins saphyr-parser's marker convention: 1-based line, 0-based column in chars, index in chars.
    #[test]
    fn marker_convention() {
        let mut parser = Parser::new_from_str("é: 1\nb: x\n");
        let mut marks = Vec::new();
        while let Some(event) = parser.next_event() {
            if let (Event::Scalar(text, ..), span) = event.expect("parses") {
                marks.push((text.into_owned(), span.start.line(), span.start.col(), span.start.index()));
            }
        }
        assert_eq!(marks[3], ("x".to_owned(), 2, 3, 8));
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
    fn keys_nested_in_keys_stay_bounded() {
        // Found by the `native` fuzz target: every level escaped the key inside it again.
        let text = format!("{}x\n", "? ".repeat(64));
        let docs = parse_yaml(&text).expect("parses");
        let longest = longest_key(&docs[0].value);
        assert!(longest <= MAX_KEY + '…'.len_utf8(), "{longest}");
    }

    fn longest_key(v: &Value) -> usize {
        match v {
            Value::Object(map) => map.iter().map(|(k, v)| k.len().max(longest_key(v))).max().unwrap_or(0),
            Value::Array(items) => items.iter().map(longest_key).max().unwrap_or(0),
            _ => 0,
        }
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

    /// Regression (issue 14): a deep block stream overflowed the stack inside the parser before the depth check ran.
    #[test]
    fn deep_block_nesting_is_an_error_not_a_crash() {
        let sequence = format!("{}x\n", "- ".repeat(10_000));
        let error = parse_yaml(&sequence).expect_err("deep sequence");
        assert!(error.message.contains("nesting is deeper") && error.line == 1, "{error}");
        let mapping: String = (0..3_000).map(|depth| format!("{}k:\n", " ".repeat(depth))).collect();
        let error = parse_yaml_cfn(&mapping).expect_err("deep mapping");
        assert!(error.message.contains("nesting is deeper") && error.line == 513, "{error}");
        let flow = format!("a: {}", "[{a: ".repeat(50_000));
        assert!(parse_yaml(&flow).is_err());
    }

    /// Regression (issue 22): YAML 1.2 single-pair mappings in flow sequences (CloudFormation `!Sub [text, {vars}]`
    /// written without braces), and tab errors reported at the tab, not a line above it.
    #[test]
    fn single_pair_flow_mappings_and_tab_errors() {
        let text = "Arn: !Sub [\"arn:${Table}\", Table: !If [C, !Ref A, b]]\n";
        let doc = &parse_yaml_cfn(text).expect("parses")[0];
        let sub = json!({"Fn::Sub": ["arn:${Table}", {"Table": {"Fn::If": ["C", {"Ref": "A"}, "b"]}}]});
        assert_eq!(doc.value["Arn"], sub);
        assert_positions(doc, &[("/Arn", 1, 6), ("/Arn/Fn::Sub/0", 1, 12), ("/Arn/Fn::Sub/1/Table", 1, 35)]);
        let error = parse_yaml("a:\n  b: 1\n\tc: 2\n").expect_err("tab");
        assert_eq!((error.line, error.column), (3, 1), "{error}");
    }

    #[test]
    fn cloudformation_short_forms() {
        let text = "Conditions:\n  Custom: !Not [!Equals [!Ref AmiId, '']]\n  Prod: !Equals [!Ref Env, prod]\n\
            Resources:\n  Vm:\n    Properties:\n      ImageId: !If\n        - Custom\n        - !Ref AmiId\n\
            \x20       - !FindInMap [Map, !Ref 'AWS::Region', AMI]\n      Sg: !GetAtt Stack.Outputs.Sg\n\
            \x20     Data: !Base64\n        Fn::Sub: |\n          echo ${AWS::Region}\n\
            \x20     Flags: {a: yes, b: No, c: 'Yes', d: !Condition Prod, e: !GetAZs, f: !Ref 12, g: on}\n\
            \x20     Plain: !!str true\n";
        let doc = &parse_yaml_cfn(text).expect("parses")[0];
        let props = &doc.value["Resources"]["Vm"]["Properties"];
        let image = json!({"Fn::If": ["Custom", {"Ref": "AmiId"},
            {"Fn::FindInMap": ["Map", {"Ref": "AWS::Region"}, "AMI"]}]});
        assert_eq!(props["ImageId"], image);
        assert_eq!(props["Sg"], json!({"Fn::GetAtt": ["Stack", "Outputs.Sg"]}));
        assert_eq!(props["Data"], json!({"Fn::Base64": {"Fn::Sub": "echo ${AWS::Region}\n"}}));
        let flags = json!({"a": true, "b": false, "c": "Yes", "d": {"Condition": "Prod"}, "e": {"Fn::GetAZs": ""},
            "f": {"Ref": "12"}, "g": true});
        assert_eq!(props["Flags"], flags);
        assert_eq!(props["Plain"], json!("true"));
        assert_eq!(doc.value["Conditions"]["Custom"], json!({"Fn::Not": [{"Fn::Equals": [{"Ref": "AmiId"}, ""]}]}));
        let at = "/Resources/Vm/Properties";
        assert_positions(
            doc,
            &[
                ("/Conditions/Custom", 2, 11),
                ("/Conditions/Custom/Fn::Not", 2, 16),
                ("/Conditions/Custom/Fn::Not/0", 2, 17),
                ("/Conditions/Custom/Fn::Not/0/Fn::Equals/0", 2, 26),
                ("/Conditions/Custom/Fn::Not/0/Fn::Equals/0/Ref", 2, 31),
                (&format!("{at}/ImageId"), 7, 16),
                (&format!("{at}/ImageId/Fn::If"), 8, 9),
                (&format!("{at}/ImageId/Fn::If/1"), 9, 11),
                (&format!("{at}/ImageId/Fn::If/1/Ref"), 9, 16),
                (&format!("{at}/ImageId/Fn::If/2"), 10, 11),
                (&format!("{at}/ImageId/Fn::If/2/Fn::FindInMap/1"), 10, 28),
                (&format!("{at}/ImageId/Fn::If/2/Fn::FindInMap/1/Ref"), 10, 33),
                (&format!("{at}/Sg"), 11, 11),
                (&format!("{at}/Sg/Fn::GetAtt/1"), 11, 19),
                (&format!("{at}/Data"), 12, 13),
                (&format!("{at}/Flags/d"), 15, 43),
                (&format!("{at}/Flags/d/Condition"), 15, 54),
            ],
        );
        // The plain parser keeps its behaviour: tags are dropped, YAML 1.2 booleans only.
        let plain = &parse_yaml(text).expect("parses")[0];
        assert_eq!(plain.value["Resources"]["Vm"]["Properties"]["Flags"]["a"], json!("yes"));
        assert_eq!(plain.value["Resources"]["Vm"]["Properties"]["Sg"], json!("Stack.Outputs.Sg"));
        // Anchors keep the wrapper; several documents stay several.
        let docs = parse_yaml_cfn("a: &x !Ref B\nb: *x\n---\nc: !Sub [x, {}]\n").expect("parses");
        assert_eq!(docs[0].value, json!({"a": {"Ref": "B"}, "b": {"Ref": "B"}}));
        assert_eq!(docs[1].value, json!({"c": {"Fn::Sub": ["x", {}]}}));
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
