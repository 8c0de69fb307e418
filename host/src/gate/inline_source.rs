//! What inline waivers are read from, taken from an input's first parse: its `entitle:ignore` comments by line and
//! its resources' `metadata.entitle.ignore` lists. Kept with the input, so the gate neither reads nor parses the file
//! again at report time (a 50 MB plan was parsed twice for that).

use std::collections::HashMap;
use std::fmt::Write;

use serde_json::Value;

use crate::document::{self, Comment, Document, Position};

/// The marker of an inline waiver comment.
pub(crate) const MARKER: &str = "entitle:ignore";

/// A file's inline waivers, as its parser found them.
#[derive(Clone, Debug, Default)]
pub struct InlineSource {
    /// Comments holding [`MARKER`], by the line they start on.
    pub(crate) by_line: HashMap<u32, Vec<Comment>>,
    /// `…/resources/X/metadata/entitle/ignore` (or `Resources`, `Metadata`) pointer → its items and their positions.
    pub(crate) metadata: HashMap<String, Vec<(Value, Position)>>,
}

impl InlineSource {
    /// From a parse of the file: its comments, and its document when it is one JSON document (strict JSON carries
    /// waivers in resource metadata; other files have none there).
    pub fn new(comments: Vec<Comment>, json: Option<&Document>) -> InlineSource {
        let mut by_line: HashMap<u32, Vec<Comment>> = HashMap::new();
        for comment in comments.into_iter().filter(|c| c.text.contains(MARKER)) {
            by_line.entry(comment.position.line).or_default().push(comment);
        }
        let mut metadata = HashMap::new();
        if let Some(doc) = json {
            collect(doc, &doc.value, &mut Vec::new(), (false, false), &mut metadata);
        }
        InlineSource { by_line, metadata }
    }

    /// Reads and parses a file that is not an input (a `.tf` file of a module, a linked template) for its waivers;
    /// `None` when it cannot be read or parsed (its findings stay unwaived). Only a regular file within the input
    /// size limit is read.
    pub(crate) fn read(path: &str) -> Option<InlineSource> {
        let bytes = crate::confined::read_regular(std::path::Path::new(path), crate::confined::INPUT_LIMIT).ok()?;
        let text = document::decode_text(&bytes).ok()?;
        if path.ends_with(".tf") {
            return Some(InlineSource::new(crate::formats::tfhcl::hcl_comments(text).unwrap_or_default(), None));
        }
        match document::sniff(text) {
            document::Syntax::Json => match document::parse_json_with_comments(text) {
                Ok((doc, comments)) => Some(InlineSource::new(comments, Some(&doc))),
                Err(_) => Some(InlineSource::new(document::comments(text).unwrap_or_default(), None)),
            },
            document::Syntax::Yaml => Some(InlineSource::new(document::comments(text).unwrap_or_default(), None)),
        }
    }
}

/// One step of the way from the root to a value: a member's key or an element's index.
enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

/// The JSON pointer of `steps`.
fn pointer(steps: &[Step<'_>]) -> String {
    let mut pointer = String::new();
    for step in steps {
        pointer.push('/');
        match step {
            Step::Key(key) => document::push_escaped(&mut pointer, key),
            Step::Index(i) => {
                // Writing to a `String` cannot fail.
                let _ = write!(pointer, "{i}");
            }
        }
    }
    pointer
}

/// Records the waiver lists of every resource under `value`, which `steps` lead to: a resource is a member or element
/// of a value keyed `resources` or `Resources` (`holds_resources` says `value` is one). One walk of the tree; a
/// pointer is written only for a list found.
fn collect<'v>(
    doc: &Document,
    value: &'v Value,
    steps: &mut Vec<Step<'v>>,
    (resource, holds_resources): (bool, bool),
    out: &mut HashMap<String, Vec<(Value, Position)>>,
) {
    if resource {
        for key in ["metadata", "Metadata"] {
            let list = value.get(key).and_then(|m| m.get("entitle")).and_then(|e| e.get("ignore"));
            if let Some(Value::Array(items)) = list {
                let base = format!("{}/{key}/entitle/ignore", pointer(steps));
                let at = |i: usize| doc.nearest_position(&format!("{base}/{i}"));
                let listed = items.iter().enumerate().map(|(i, item)| (item.clone(), at(i))).collect();
                out.insert(base, listed);
            }
        }
    }
    match value {
        Value::Object(members) => {
            for (key, child) in members.iter().filter(|(_, c)| c.is_object() || c.is_array()) {
                let holds = matches!(key.as_str(), "resources" | "Resources");
                steps.push(Step::Key(key));
                collect(doc, child, steps, (holds_resources, holds), out);
                steps.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate().filter(|(_, c)| c.is_object() || c.is_array()) {
                steps.push(Step::Index(i));
                collect(doc, child, steps, (holds_resources, false), out);
                steps.pop();
            }
        }
        _ => {}
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_file_read_again_for_its_waivers_must_be_a_regular_file() {
        let dir = tempfile::tempdir().expect("a scratch directory");
        let template = dir.path().join("linked.json");
        let waiver = r#"{"resources": [{"metadata": {"entitle": {"ignore": [{"rule": "R", "reason": "r"}]}}}]}"#;
        std::fs::write(&template, waiver).expect("written");
        let read = InlineSource::read(template.to_str().expect("UTF-8")).expect("read");
        assert_eq!(read.metadata.keys().collect::<Vec<_>>(), ["/resources/0/metadata/entitle/ignore"]);
        // A FIFO would block a plain read for ever; it is refused instead.
        let fifo = dir.path().join("fifo.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
        assert!(made.success());
        assert!(InlineSource::read(fifo.to_str().expect("UTF-8")).is_none());
    }
}
