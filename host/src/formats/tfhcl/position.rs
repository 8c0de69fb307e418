//! Where things are in a module's files: byte offsets turned into 1-based line and column (in
//! characters), and the `Source` of an HCL node, named by a Terraform-JSON-style pointer
//! (`/resource/aws_instance/web/ami`, `/variable/os_image/default`).

use std::ops::Range;

use entitle_sdk::model::Source;

/// A file's text, indexed by line.
#[derive(Clone, Debug)]
pub struct FileText {
    /// The path as shown in reports.
    pub display: String,
    /// The text.
    pub text: String,
    /// Byte offset of every line start.
    starts: Vec<usize>,
    /// For text generated from another file (Terraform JSON syntax): offsets in `text` where a
    /// node starts, with that node's line and column in the original file.
    anchors: Vec<(usize, u32, u32)>,
}

impl FileText {
    /// Indexes `text`, shown as `display`.
    pub fn new(display: impl Into<String>, text: impl Into<String>) -> FileText {
        let text = text.into();
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        FileText { display: display.into(), text, starts, anchors: Vec::new() }
    }

    /// Generated `text` whose positions are those of the `anchors` (offset, line, column) before it.
    pub fn generated(display: impl Into<String>, text: String, anchors: Vec<(usize, u32, u32)>) -> FileText {
        FileText { anchors, ..FileText::new(display, text) }
    }

    /// Line and column (1-based, column in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        if !self.anchors.is_empty() {
            let i = self.anchors.partition_point(|(o, _, _)| *o <= offset);
            return self.anchors.get(i.saturating_sub(1)).map_or((1, 1), |(_, l, c)| (*l, *c));
        }
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        (line as u32, column as u32)
    }

    /// The source of a node at `pointer` whose text spans `span` (the file start when unknown).
    pub fn source(&self, pointer: &str, span: Option<Range<usize>>) -> Source {
        let (line, column) = self.position(span.map_or(0, |s| s.start));
        Source { path: self.display.clone(), pointer: pointer.to_owned(), line: Some(line), column: Some(column) }
    }
}

/// `base` extended by one escaped pointer token.
pub fn join(base: &str, token: &str) -> String {
    format!("{base}/{}", crate::document::escape_token(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_characters() {
        let f = FileText::new("a.tf", "x = 1\n  é = \"y\"\n");
        assert_eq!(f.position(0), (1, 1));
        assert_eq!(f.position(6), (2, 1));
        assert_eq!(f.position(10), (2, 4), "é is one character");
        let s = f.source("/x", Some(6..7));
        assert_eq!((s.line, s.column), (Some(2), Some(1)));
        assert_eq!(join("/variable", "a/b"), "/variable/a~1b");
    }
}
