//! A parsed descriptor: its JSON value plus the source position of every node, so findings can cite file:line:column.
//!
//! Positions are looked up by RFC 6901 JSON pointer, but no pointer text is stored: a parsed text keeps one 12-byte
//! mark per node in a mirror of the value's shape ([`tree`]), because descriptors can be tens of megabytes and every
//! node has one. Only a document compiled from another language keeps positions keyed by pointer text ([`pointers`]).

mod comments;
mod json;
mod marks;
mod pointers;
mod reader;
mod scalar;
mod text;
mod tree;
mod yaml;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

pub use comments::{Comment, comments};
pub use json::{parse_json, parse_json_eliding, parse_json_with_comments};
pub(crate) use text::{LineIndex, line_starts};
pub use text::{decode_text, sniff};
pub use yaml::{parse_yaml, parse_yaml_cfn};

use pointers::Pointers;
use tree::{Builder, Tree};

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
    positions: Positions,
}

/// Where a document's nodes were written.
#[derive(Clone, Debug)]
enum Positions {
    /// Every node of a parsed text, mirrored in the value's shape.
    Tree(Tree),
    /// Given per pointer (a document compiled from another language).
    Pointers(Pointers),
}

impl Document {
    /// A parsed value with a mark for every node.
    pub(crate) fn from_tree(value: serde_json::Value, tree: Tree) -> Document {
        Document { value, positions: Positions::Tree(tree) }
    }

    /// The position of the node at exactly `pointer` (`""` is the root).
    pub fn position(&self, pointer: &str) -> Option<Position> {
        match &self.positions {
            Positions::Tree(tree) => tree.position(&self.value, pointer),
            Positions::Pointers(pointers) => pointers.position(pointer),
        }
    }

    /// The position of `pointer`, else of its nearest ancestor that has one; the root always has one.
    pub fn nearest_position(&self, pointer: &str) -> Position {
        if let Positions::Tree(tree) = &self.positions {
            return tree.nearest(&self.value, pointer).unwrap_or(Position::START);
        }
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
        match &self.positions {
            Positions::Tree(tree) => {
                let (value, tree) = tree.subtree(&self.value, pointer)?;
                Some(Document::from_tree(value, tree))
            }
            Positions::Pointers(pointers) => {
                let value = self.value.pointer(pointer)?.clone();
                Some(Document { value, positions: Positions::Pointers(pointers.below(pointer)) })
            }
        }
    }

    /// A document compiled from another language (Bicep): `positions` places each pointer in
    /// that language's source; for a pointer given twice, the first position wins.
    pub(crate) fn with_positions(value: serde_json::Value, positions: Vec<(String, Position)>) -> Document {
        Document { value, positions: Positions::Pointers(Pointers::new(positions)) }
    }

    /// How many nodes have a recorded position.
    pub fn len_positions(&self) -> usize {
        match &self.positions {
            Positions::Tree(tree) => tree.len(&self.value),
            Positions::Pointers(pointers) => pointers.len(),
        }
    }
}

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
    text_with_comments(text, None, None)
}

/// [`parse_text_with_comments`] for a reader that wants only the comments holding `marker` (an inline waiver's): a
/// JSON text read with [`parse_json_eliding`], and a YAML text not scanned for comments at all when `marker` is
/// nowhere in it (that scan is a second pass of the YAML parser, a sixth of reading a generated corpus). Other
/// comments may or may not be returned.
pub fn parse_text_eliding(
    text: &str,
    elide: Elide,
    marker: &str,
) -> Result<(Vec<Document>, Vec<Comment>), SyntaxError> {
    text_with_comments(text, Some(elide), Some(marker))
}

fn text_with_comments(
    text: &str,
    elide: Option<Elide>,
    marker: Option<&str>,
) -> Result<(Vec<Document>, Vec<Comment>), SyntaxError> {
    match sniff(text) {
        Syntax::Json => json::parse(text, true, elide).map(|(doc, found)| (vec![doc], found)),
        Syntax::Yaml if marker.is_some_and(|m| !text.contains(m)) => Ok((parse_yaml(text)?, Vec::new())),
        Syntax::Yaml => Ok((parse_yaml(text)?, comments(text).unwrap_or_default())),
    }
}

/// A member of a JSON text's root object that is not read into its document when the root has another member: one
/// that repeats what the other says, so that only one of them is held in memory. A Terraform plan's
/// `planned_values` repeats its `resource_changes` (`crate::formats::tfplan::ELIDE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elide {
    /// The member left out.
    pub member: &'static str,
    /// Left out only when the root has this member too.
    pub when: &'static str,
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
#[path = "differential_tests.rs"]
mod differential;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, column: u32) -> Position {
        Position { line, column }
    }

    fn sample() -> Document {
        let mut builder = Builder::new();
        let object = builder.start();
        let mut members = Vec::new();
        for (n, (key, line)) in [("a", 2), ("a/b", 3), ("a!", 4), ("a~", 5)].into_iter().enumerate() {
            let array = builder.start();
            builder.scalar(at(line, 9));
            builder.close(array, at(line, 3));
            members.push((key.to_owned(), serde_json::json!([n + 1])));
        }
        let value = builder.object(object, at(1, 1), members);
        Document::from_tree(value, builder.finish())
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
