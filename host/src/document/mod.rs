//! A parsed descriptor: its JSON value plus the source position of every node, so findings can cite file:line:column.
//!
//! Positions are keyed by RFC 6901 JSON pointer. They live in one sorted arena of pointer text rather than a map of
//! boxed strings, because descriptors can be tens of megabytes and every node has an entry.

mod comments;
mod json;
mod marks;
mod scalar;
mod text;
mod yaml;

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

pub use comments::{Comment, comments};
pub use json::{parse_json, parse_json_with_comments};
pub(crate) use text::LineIndex;
pub use text::{decode_text, sniff};
pub use yaml::{parse_yaml, parse_yaml_cfn};

/// 1-based line and column; column counts Unicode scalar values (chars) from the line start; a UTF-8 BOM is not
/// counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in chars from the start of the line.
    pub column: u32,
}

impl Position {
    /// The first character of a file.
    const START: Position = Position { line: 1, column: 1 };
}

/// A syntax error with where it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line of the error.
    pub line: u32,
    /// 1-based column (in chars) of the error.
    pub column: u32,
    /// What went wrong.
    pub message: String,
}

impl SyntaxError {
    pub(crate) fn at(position: Position, message: impl Into<String>) -> SyntaxError {
        SyntaxError { line: position.line, column: position.column, message: message.into() }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// The concrete syntax a descriptor is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// JSON, possibly with comments and trailing commas.
    Json,
    /// YAML 1.2, possibly several documents.
    Yaml,
}

/// A parsed document: its value and the position of every node.
#[derive(Clone, Debug)]
pub struct Document {
    /// The document's data.
    pub value: serde_json::Value,
    /// Every pointer's text, concatenated in sorted order; entry `i` spans `ends[i - 1]..ends[i]`.
    keys: String,
    /// For each pointer, in sorted order: where its text ends in `keys`, and its position.
    entries: Vec<(usize, Position)>,
}

impl Document {
    /// The position of the node at exactly `pointer` (`""` is the root).
    pub fn position(&self, pointer: &str) -> Option<Position> {
        self.search(pointer).ok().map(|i| self.entries[i].1)
    }

    /// The position of `pointer`, else of its nearest ancestor that has one; the root always has one.
    pub fn nearest_position(&self, pointer: &str) -> Position {
        let mut pointer = pointer;
        loop {
            if let Some(position) = self.position(pointer) {
                return position;
            }
            match pointer.rfind('/') {
                Some(slash) => pointer = &pointer[..slash],
                None => return self.position("").unwrap_or(Position::START),
            }
        }
    }

    /// The value at `pointer` as a document of its own: pointers are re-keyed relative to it, positions stay those
    /// of the original text.
    pub fn subdocument(&self, pointer: &str) -> Option<Document> {
        let value = self.value.pointer(pointer)?.clone();
        let mut recorder = Recorder::new();
        if let Ok(i) = self.search(pointer) {
            recorder.record(self.entries[i].1);
        }
        let below = format!("{pointer}/");
        let first = self.search(&below).unwrap_or_else(|i| i);
        for i in first..self.entries.len() {
            let key = self.key(i);
            if !key.starts_with(&below) {
                break;
            }
            recorder.keys.push_str(&key[pointer.len()..]);
            recorder.entries.push((recorder.keys.len(), self.entries[i].1));
        }
        Some(recorder.finish(value))
    }

    /// A document compiled from another language (Bicep): `positions` places each pointer in
    /// that language's source; for a pointer given twice, the first position wins.
    pub(crate) fn with_positions(value: serde_json::Value, positions: Vec<(String, Position)>) -> Document {
        let mut first = std::collections::BTreeMap::new();
        for (pointer, at) in positions {
            first.entry(pointer).or_insert(at);
        }
        let mut recorder = Recorder::new();
        for (pointer, at) in first {
            recorder.pointer = pointer;
            recorder.record(at);
        }
        recorder.finish(value)
    }

    /// How many nodes have a recorded position.
    pub fn len_positions(&self) -> usize {
        self.entries.len()
    }

    fn key(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.entries[i - 1].0 };
        &self.keys[start..self.entries[i].0]
    }

    /// Binary search for `pointer`: `Ok(index)` when present, else `Err(insertion index)`.
    fn search(&self, pointer: &str) -> Result<usize, usize> {
        let (mut low, mut high) = (0, self.entries.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.key(middle).cmp(pointer) {
                Ordering::Less => low = middle + 1,
                Ordering::Greater => high = middle,
                Ordering::Equal => return Ok(middle),
            }
        }
        Err(low)
    }
}

/// Escapes one reference token per RFC 6901 (`~` → `~0`, `/` → `~1`).
/// Decodes and parses a whole file: JSON (one document) or YAML (one or more), by content.
pub fn parse_bytes(bytes: &[u8]) -> Result<Vec<Document>, SyntaxError> {
    parse_text(decode_text(bytes)?)
}

/// Parses already decoded text: JSON (one document) or YAML (one or more), by content.
pub fn parse_text(text: &str) -> Result<Vec<Document>, SyntaxError> {
    match sniff(text) {
        Syntax::Json => Ok(vec![parse_json(text)?]),
        Syntax::Yaml => parse_yaml(text),
    }
}

/// [`parse_text`], also returning the text's comments (what [`comments`] finds): a JSON text's come from the same
/// parse; a YAML text's from a scan of the parser's events that builds no documents. Comments that cannot be read
/// (the text parsed, but its comment scan failed) are none, as a waiver in them could not be read either.
pub fn parse_text_with_comments(text: &str) -> Result<(Vec<Document>, Vec<Comment>), SyntaxError> {
    match sniff(text) {
        Syntax::Json => parse_json_with_comments(text).map(|(doc, found)| (vec![doc], found)),
        Syntax::Yaml => Ok((parse_yaml(text)?, comments(text).unwrap_or_default())),
    }
}

/// Texts parsed into documents by this process (JSON or YAML, whole files or embedded texts), so a test can hold the
/// pipeline to one parse per input: nothing is parsed again to place findings or read inline waivers.
static PARSES: AtomicUsize = AtomicUsize::new(0);

/// How many texts this process has parsed into documents so far.
pub fn parse_count() -> usize {
    PARSES.load(AtomicOrdering::Relaxed)
}

fn count_parse() {
    PARSES.fetch_add(1, AtomicOrdering::Relaxed);
}

/// Escapes one reference token per RFC 6901 (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    let mut escaped = String::with_capacity(token.len());
    push_escaped(&mut escaped, token);
    escaped
}

/// Appends `token` to `out`, escaped per RFC 6901.
pub(crate) fn push_escaped(out: &mut String, token: &str) {
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            _ => out.push(c),
        }
    }
}

/// Collects positions while a parser walks a tree depth-first, building each pointer incrementally.
pub(crate) struct Recorder {
    pointer: String,
    keys: String,
    entries: Vec<(usize, Position)>,
}

impl Recorder {
    pub(crate) fn new() -> Recorder {
        Recorder { pointer: String::new(), keys: String::new(), entries: Vec::new() }
    }

    /// Records `position` for the current pointer.
    pub(crate) fn record(&mut self, position: Position) {
        self.keys.push_str(&self.pointer);
        self.entries.push((self.keys.len(), position));
    }

    /// Descends into an object member; returns the mark to pass to [`Recorder::leave`].
    pub(crate) fn enter_key(&mut self, key: &str) -> usize {
        let mark = self.pointer.len();
        self.pointer.push('/');
        push_escaped(&mut self.pointer, key);
        mark
    }

    /// Descends into an array element; returns the mark to pass to [`Recorder::leave`].
    pub(crate) fn enter_index(&mut self, index: usize) -> usize {
        let mark = self.pointer.len();
        // Writing to a `String` cannot fail.
        let _ = write!(self.pointer, "/{index}");
        mark
    }

    pub(crate) fn leave(&mut self, mark: usize) {
        self.pointer.truncate(mark);
    }

    /// Sorts the recorded pointers and attaches them to `value`.
    pub(crate) fn finish(self, value: serde_json::Value) -> Document {
        let Recorder { keys, entries, .. } = self;
        let key = |i: usize| &keys[if i == 0 { 0 } else { entries[i - 1].0 }..entries[i].0];
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_unstable_by(|&a, &b| key(a).cmp(key(b)));
        let mut sorted_keys = String::with_capacity(keys.len());
        let mut sorted = Vec::with_capacity(entries.len());
        for i in order {
            sorted_keys.push_str(key(i));
            sorted.push((sorted_keys.len(), entries[i].1));
        }
        Document { value, keys: sorted_keys, entries: sorted }
    }
}

/// For each key, whether a later equal key supersedes it: with duplicate keys the last one wins.
pub(crate) fn superseded(keys: &[&str]) -> Vec<bool> {
    if keys.len() <= 16 {
        return keys.iter().enumerate().map(|(i, key)| keys[i + 1..].contains(key)).collect();
    }
    let mut last = HashMap::with_capacity(keys.len());
    for (i, key) in keys.iter().enumerate() {
        last.insert(*key, i);
    }
    keys.iter().enumerate().map(|(i, key)| last.get(key) != Some(&i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, column: u32) -> Position {
        Position { line, column }
    }

    fn sample() -> Document {
        let mut recorder = Recorder::new();
        recorder.record(at(1, 1));
        for (key, line) in [("a", 2), ("a/b", 3), ("a!", 4), ("a~", 5)] {
            let mark = recorder.enter_key(key);
            recorder.record(at(line, 3));
            let inner = recorder.enter_index(0);
            recorder.record(at(line, 9));
            recorder.leave(inner);
            recorder.leave(mark);
        }
        let value = serde_json::json!({"a": [1], "a/b": [2], "a!": [3], "a~": [4]});
        recorder.finish(value)
    }

    #[test]
    fn escapes_tokens() {
        assert_eq!(escape_token("a/b~c"), "a~1b~0c");
        assert_eq!(escape_token("~1"), "~01");
        assert_eq!(escape_token(""), "");
    }

    #[test]
    fn looks_up_exact_and_nearest() {
        let doc = sample();
        assert_eq!(doc.len_positions(), 9);
        assert_eq!(doc.position(""), Some(at(1, 1)));
        assert_eq!(doc.position("/a~1b/0"), Some(at(3, 9)));
        assert_eq!(doc.position("/a~0"), Some(at(5, 3)));
        assert_eq!(doc.position("/a/b"), None);
        assert_eq!(doc.nearest_position("/a!/0/x/y"), at(4, 9));
        assert_eq!(doc.nearest_position("/missing/deep"), at(1, 1));
        assert_eq!(doc.nearest_position("no-slash"), at(1, 1));
    }

    #[test]
    fn subdocument_rekeys_only_descendants() {
        let doc = sample();
        let sub = doc.subdocument("/a").expect("present");
        assert_eq!(sub.value, serde_json::json!([1]));
        assert_eq!(sub.len_positions(), 2);
        assert_eq!(sub.position(""), Some(at(2, 3)));
        assert_eq!(sub.position("/0"), Some(at(2, 9)));
        let whole = doc.subdocument("").expect("root");
        assert_eq!(whole.len_positions(), doc.len_positions());
        assert!(doc.subdocument("/nope").is_none());
    }

    #[test]
    fn last_duplicate_wins() {
        assert_eq!(superseded(&["a", "b", "a"]), [true, false, false]);
        let many: Vec<String> = (0..40).map(|i| (i % 20).to_string()).collect();
        let keys: Vec<&str> = many.iter().map(String::as_str).collect();
        let mask = superseded(&keys);
        assert!(mask[..20].iter().all(|&s| s) && mask[20..].iter().all(|&s| !s));
    }

    #[test]
    fn error_displays_position() {
        let error = SyntaxError::at(at(3, 7), "boom");
        assert_eq!(error.to_string(), "3:7: boom");
    }
}
