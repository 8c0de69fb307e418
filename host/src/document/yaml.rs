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
use serde_json::Value;

use super::marks::{CharCursor, content_position, position, tab_position};
use super::scalar::plain_scalar;
use super::tree::Builder as Marks;
use super::{Document, Position, SyntaxError, superseded};

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
    super::count_parse();
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
            let mut text = serde_json::to_string(&to_value(key, &mut Marks::new())).unwrap_or_default();
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
    let mut marks = Marks::new();
    let value = to_value(root, &mut marks);
    Document::from_tree(value, marks.finish())
}

/// Converts one node, finishing its mark in `builder` after its children's.
fn to_value(node: Node, builder: &mut Marks) -> Value {
    match node.kind {
        Kind::Scalar { text, typed } => {
            builder.scalar(node.position);
            if typed { plain_scalar(text) } else { Value::String(text.into()) }
        }
        Kind::Sequence(items) => {
            let start = builder.start();
            let items = items.into_iter().map(|item| to_value(item, builder)).collect();
            builder.close(start, node.position);
            Value::Array(items)
        }
        Kind::Mapping(members) => {
            let start = builder.start();
            let members = members.into_iter().map(|(name, value)| (name.into(), to_value(value, builder))).collect();
            builder.object(start, node.position, members)
        }
    }
}

#[cfg(test)]
#[path = "yaml_tests.rs"]
mod tests;
