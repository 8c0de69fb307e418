//! JSON descriptors (ARM templates and the like): parsed with comments and trailing commas allowed, keeping the
//! source position of every value. The one-pass [`super::reader`] reads what it can; jsonc-parser reads the rest and
//! words every syntax error.

use jsonc_parser::ast;
use jsonc_parser::common::Ranged;
use jsonc_parser::errors::{ParseError, ParseErrorKind};
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions, parse_to_ast};
use serde_json::{Number, Value};

use super::text::LineIndex;
use super::{Builder, Comment, Document, Elide, SyntaxError, reader};

/// JSON with comments (`//`, `/* */`) and trailing commas (ARM templates allow comments). CRLF and tabs are fine.
/// Duplicate keys: the last wins.
///
/// Positions are recorded for every value, keyed by pointer; an object member's position is the position of its
/// VALUE's first character. A leading UTF-8 BOM is ignored and not counted in columns.
pub fn parse_json(text: &str) -> Result<Document, SyntaxError> {
    parse(text, false, None).map(|(doc, _)| doc)
}

/// [`parse_json`], also returning the text's `//` and `/* */` comments in order, collected by the same parse (what
/// [`super::comments`] finds in a JSON text, without a second pass over it).
pub fn parse_json_with_comments(text: &str) -> Result<(Document, Vec<Comment>), SyntaxError> {
    parse(text, true, None)
}

/// [`parse_json_with_comments`], leaving the root's member `elide.member` out of the document when the root also has
/// `elide.when` (its syntax is still checked and its comments collected). A text the one-pass reader leaves to
/// jsonc-parser is read whole.
pub fn parse_json_eliding(text: &str, elide: Elide) -> Result<(Document, Vec<Comment>), SyntaxError> {
    parse(text, true, Some(elide))
}

pub(super) fn parse(
    text: &str,
    with_comments: bool,
    elide: Option<Elide>,
) -> Result<(Document, Vec<Comment>), SyntaxError> {
    super::count_parse();
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if let Some((value, tree, comments)) = reader::read(text, with_comments, elide) {
        return Ok((Document::from_tree(value, tree), comments));
    }
    parse_jsonc(text, with_comments)
}

/// The text read by jsonc-parser into its syntax tree, then converted: for what [`reader::read`] leaves to it.
pub(crate) fn parse_jsonc(text: &str, with_comments: bool) -> Result<(Document, Vec<Comment>), SyntaxError> {
    let mut lines = LineIndex::new(text);
    let options = ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let collect = CollectOptions {
        comments: if with_comments { CommentCollectionStrategy::Separate } else { CommentCollectionStrategy::Off },
        tokens: false,
    };
    let parsed = parse_to_ast(text, &collect, &options).map_err(|e| syntax_error(&e, &mut lines))?;
    let comments = collected(parsed.comments, text);
    let Some(root) = parsed.value else {
        return Err(SyntaxError::at(lines.position(text.len()), "the file contains no JSON value"));
    };
    let mut builder = Builder::new();
    let value = convert(root, &mut lines, &mut builder)?;
    Ok((Document::from_tree(value, builder.finish()), comments))
}

/// The parser's comment map (each comment is listed under the token before it and the one after) as one list in
/// text order, each placed just after its `//` or `/*`.
fn collected(map: Option<jsonc_parser::CommentMap>, text: &str) -> Vec<Comment> {
    let mut all: Vec<(usize, &str)> = map
        .iter()
        .flat_map(|map| map.values())
        .flat_map(|list| list.iter())
        .map(|c| (c.range().start, c.text()))
        .collect();
    all.sort_unstable_by_key(|(start, _)| *start);
    all.dedup_by_key(|(start, _)| *start);
    // In increasing order, so the index walks the text once.
    let mut lines = LineIndex::new(text);
    all.into_iter()
        .map(|(start, body)| Comment { position: lines.position(start + 2), text: body.to_owned() })
        .collect()
}

/// Maps a jsonc-parser error to our position. An unterminated object or array is reported where the text ends (where
/// the closing bracket is missing), naming where it was opened.
fn syntax_error(error: &ParseError, lines: &mut LineIndex) -> SyntaxError {
    let range = error.range();
    let kind = error.kind();
    match kind {
        ParseErrorKind::UnterminatedObject | ParseErrorKind::UnterminatedArray => {
            let opened = lines.position(range.start);
            let message = format!("{kind} (opened at {}:{})", opened.line, opened.column);
            SyntaxError::at(lines.position(range.end), message)
        }
        _ => SyntaxError::at(lines.position(range.start), kind.to_string()),
    }
}

/// Converts one AST node, finishing its mark after its children's; positions are taken depth-first in source order
/// (which keeps [`LineIndex`] linear).
fn convert(node: ast::Value, lines: &mut LineIndex, builder: &mut Builder) -> Result<Value, SyntaxError> {
    let position = lines.position(node.range().start);
    let start = builder.start();
    Ok(match node {
        ast::Value::Array(array) => {
            let mut elements = Vec::with_capacity(array.elements.len());
            for element in array.elements {
                elements.push(convert(element, lines, builder)?);
            }
            builder.close(start, position);
            Value::Array(elements)
        }
        ast::Value::Object(object) => {
            let mut members = Vec::with_capacity(object.properties.len());
            for property in object.properties {
                let name = property.name.into_string();
                members.push((name, convert(property.value, lines, builder)?));
            }
            builder.object(start, position, members)
        }
        scalar => {
            builder.scalar(position);
            match scalar {
                ast::Value::StringLit(literal) => Value::String(literal.value.into_owned()),
                ast::Value::NumberLit(literal) => match literal.value.parse::<Number>() {
                    Ok(number) => Value::Number(number),
                    Err(_) => {
                        return Err(SyntaxError::at(position, format!("number {} is out of range", literal.value)));
                    }
                },
                ast::Value::BooleanLit(literal) => Value::Bool(literal.value),
                _ => Value::Null,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Position, escape_token};

    fn at(line: u32, column: u32) -> Option<Position> {
        Some(Position { line, column })
    }

    const ARM: &str = "// ARM template\r\n{\r\n\t\"$schema\": \"x\", /* inline */\r\n\t\"resources\": [\r\n\t\t{\r\n\
        \t\t\t\"type\": \"Microsoft.Compute/virtualMachines\",\r\n\t\t\t// a comment\r\n\t\t\t\"properties\": {\r\n\
        \t\t\t\t\"storageProfile\": {\r\n\t\t\t\t\t\"imageReference\": {\r\n\
        \t\t\t\t\t\t\"publisher\": \"RedHat\",\r\n\t\t\t\t\t\t\"sku\":   \"8-lvm-gen2\",\r\n\t\t\t\t\t},\r\n\
        \t\t\t\t},\r\n\t\t\t},\r\n\t\t},\r\n\t],\r\n}\r\n";

    #[test]
    fn comments_from_the_parse_are_the_scanners() {
        let text = "// head\r\n{\"a\": \"// not\", /* b1 */ \"b\": [1, // tail\n 2] /* é */}\n// end";
        let (doc, found) = parse_json_with_comments(text).expect("parses");
        assert_eq!(found, crate::document::comments(text).expect("scans"));
        assert_eq!(found.len(), 5);
        assert_eq!(doc.value, serde_json::json!({"a": "// not", "b": [1, 2]}));
        assert!(parse_json_with_comments("{\"a\": 1}").expect("parses").1.is_empty());
    }

    #[test]
    fn arm_with_comments_crlf_and_tabs() {
        let doc = parse_json(ARM).expect("parses");
        let sku = "/resources/0/properties/storageProfile/imageReference/sku";
        assert_eq!(doc.value.pointer(sku), Some(&Value::from("8-lvm-gen2")));
        assert_eq!(doc.position(sku), at(12, 16));
        assert_eq!(doc.position(""), at(2, 1));
        assert_eq!(doc.position("/$schema"), at(3, 13));
        assert_eq!(doc.position("/resources"), at(4, 15));
        assert_eq!(doc.position("/resources/0"), at(5, 3));
        assert_eq!(doc.position("/resources/0/type"), at(6, 12));
        assert_eq!(doc.len_positions(), 10);
        assert_eq!(doc.nearest_position(&format!("{sku}/nothing")), at(12, 16).expect("some"));
        let sub = doc.subdocument("/resources/0/properties").expect("sub");
        assert_eq!(sub.position("/storageProfile/imageReference/sku"), at(12, 16));
        assert_eq!(sub.len_positions(), 5);
    }

    #[test]
    fn bom_is_not_counted() {
        let doc = parse_json("\u{FEFF}{\"a\": 1,\n\"b\": true}").expect("parses");
        assert_eq!(doc.position(""), at(1, 1));
        assert_eq!(doc.position("/a"), at(1, 7));
        assert_eq!(doc.position("/b"), at(2, 6));
    }

    #[test]
    fn truncated_file_reports_its_end() {
        let error = parse_json("{\n  \"a\": [\n    1,\n    2").expect_err("truncated");
        assert_eq!((error.line, error.column), (4, 6));
        assert!(error.message.starts_with("Unterminated array (opened at 2:8)"), "{}", error.message);
        let error = parse_json("{\r\n\t\"a\": \"abc").expect_err("truncated string");
        assert_eq!((error.line, error.column), (2, 7));
        assert!(error.message.contains("Unterminated string"), "{}", error.message);
        let error = parse_json("{\"a\": 1,\n\"b\" 2}").expect_err("no colon");
        assert_eq!((error.line, error.column), (2, 5));
        assert!(parse_json(" // nothing\n").expect_err("empty").message.contains("no JSON value"));
    }

    #[test]
    fn otherwise_strict() {
        for text in ["{a: 1}", "{'a': 1}", "[0x1]", "[+1]", "[.5]", "[NaN]", "[1 2]", "[\"\\x41\"]", "{} {}", "[1e400]"]
        {
            assert!(parse_json(text).is_err(), "{text} should fail");
        }
        let doc = parse_json("[1, 2.5, -0, 18446744073709551615, null, false, \"s\",]").expect("parses");
        assert_eq!(doc.value, serde_json::json!([1, 2.5, -0.0, 18446744073709551615_u64, null, false, "s"]));
    }

    #[test]
    fn escaped_keys_and_duplicates() {
        let doc = parse_json("{\"a/b\": {\"c~d\": 1}, \"x\": {\"old\": 1}, \"x\": {\"new\": 2}}").expect("parses");
        let pointer = format!("/{}/{}", escape_token("a/b"), escape_token("c~d"));
        assert_eq!(pointer, "/a~1b/c~0d");
        assert_eq!(doc.value.pointer(&pointer), Some(&Value::from(1)));
        assert_eq!(doc.position(&pointer), at(1, 17));
        assert_eq!(doc.value["x"], serde_json::json!({"new": 2}));
        assert_eq!(doc.position("/x/old"), None);
        assert_eq!(doc.position("/x/new"), at(1, 51));
        assert_eq!(doc.len_positions(), 5);
    }

    #[test]
    fn columns_count_chars_not_bytes() {
        let doc = parse_json("{\"名前\": \"é€\", \"v\": 1}").expect("parses");
        assert_eq!(doc.position("/名前"), at(1, 8));
        assert_eq!(doc.position("/v"), at(1, 19));
        let error = parse_json("{\"é\": ç}").expect_err("bad token");
        assert_eq!((error.line, error.column), (1, 7));
    }
}
