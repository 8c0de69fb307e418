//! The comments of a Terraform `.tf` file, as hcl-edit's parser records them (the decor around each node), never by
//! searching the text: a `#` inside a string is data. Inline waivers in HCL are read from here.

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Attribute, Block, BlockLabel, Body};
use hcl_edit::visit::{self, Visit};
use hcl_edit::{Decorate, Decorated, Ident, Span};

use crate::document::{Comment, SyntaxError};

/// The `#`, `//` and `/* */` comments of HCL source `text`, in source order.
pub fn hcl_comments(text: &str) -> Result<Vec<Comment>, SyntaxError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        let location = e.location();
        let line = u32::try_from(location.line()).unwrap_or(u32::MAX);
        let column = u32::try_from(location.column()).unwrap_or(u32::MAX);
        SyntaxError { line, column, message: e.message().to_owned() }
    })?;
    let mut found = Decors { text, starts: Vec::new() };
    found.visit_body(&body);
    found.starts.sort_unstable();
    found.starts.dedup();
    let mut lines = crate::document::LineIndex::new(text);
    let mut out = Vec::new();
    for (start, marker, end) in found.starts {
        out.push(Comment { position: lines.position(start + marker), text: text[start + marker..end].to_owned() });
    }
    Ok(out)
}

/// Collects `(start, marker length, end of text)` of every comment in the decor of the nodes visited.
struct Decors<'a> {
    text: &'a str,
    starts: Vec<(usize, usize, usize)>,
}

impl Decors<'_> {
    /// Records the comments of `node`'s decor: its prefix ends where the node starts, its suffix starts where it ends.
    fn decor(&mut self, node: &(impl Decorate + Span)) {
        let Some(span) = node.span() else { return };
        let decor = node.decor();
        if let Some(prefix) = decor.prefix() {
            let len = prefix.len();
            if let Some(start) = span.start.checked_sub(len) {
                self.scan(start, start + len);
            }
        }
        if let Some(suffix) = decor.suffix() {
            self.scan(span.end, span.end + suffix.len());
        }
    }

    /// Comments in `text[from..until]`, a stretch that holds only blanks and comments.
    fn scan(&mut self, from: usize, until: usize) {
        let Some(decor) = self.text.get(from..until) else { return };
        let mut at = 0;
        while at < decor.len() {
            let rest = &decor[at..];
            let (marker, end) = if rest.starts_with('#') || rest.starts_with("//") {
                let marker = if rest.starts_with('#') { 1 } else { 2 };
                (marker, rest.find(['\n', '\r']).unwrap_or(rest.len()))
            } else if let Some(body) = rest.strip_prefix("/*") {
                let close = body.find("*/").map_or(rest.len(), |i| i + 2);
                self.starts.push((from + at, 2, from + at + close));
                at += (close + 2).min(rest.len());
                continue;
            } else {
                at += rest.chars().next().map_or(1, char::len_utf8);
                continue;
            };
            self.starts.push((from + at, marker, from + at + end));
            at += end.max(1);
        }
    }
}

impl Visit for Decors<'_> {
    fn visit_body(&mut self, node: &Body) {
        self.decor(node);
        visit::visit_body(self, node);
    }

    fn visit_attr(&mut self, node: &Attribute) {
        self.decor(node);
        visit::visit_attr(self, node);
    }

    fn visit_block(&mut self, node: &Block) {
        self.decor(node);
        visit::visit_block(self, node);
    }

    fn visit_block_label(&mut self, node: &BlockLabel) {
        self.decor(node);
        visit::visit_block_label(self, node);
    }

    fn visit_ident(&mut self, node: &Decorated<Ident>) {
        self.decor(node);
    }

    fn visit_expr(&mut self, node: &Expression) {
        self.decor(node);
        visit::visit_expr(self, node);
    }

    fn visit_object_key(&mut self, node: &ObjectKey) {
        self.decor(node);
        visit::visit_object_key(self, node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_from_the_parser_not_from_strings() {
        let text = "# top\nresource \"aws_instance\" \"a\" { # open\n  // above\n  ami = \"ami-1 # not\" # after\n\
            \x20 tags = { Note = \"// entitle:ignore X ok until=2099-12-31\" /* inline */ }\n}\n";
        let found: Vec<(u32, u32, String)> = hcl_comments(text)
            .expect("parses")
            .into_iter()
            .map(|c| (c.position.line, c.position.column, c.text))
            .collect();
        let expected = [(1, 2, " top"), (2, 32, " open"), (3, 5, " above"), (4, 24, " after"), (5, 63, " inline ")];
        let expected: Vec<(u32, u32, String)> = expected.into_iter().map(|(l, c, t)| (l, c, t.to_owned())).collect();
        assert_eq!(found, expected);
    }
}
