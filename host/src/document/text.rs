//! The raw text of a descriptor: decoding bytes to UTF-8, guessing JSON or YAML, and turning byte offsets into
//! line:column positions without rescanning the file for every node.

use super::{Position, Syntax, SyntaxError};

/// UTF-8 text of a file: strips a UTF-8 BOM; rejects UTF-16/32 BOMs with a message saying to save as UTF-8; rejects
/// invalid UTF-8 with the line:column of the first bad byte.
pub fn decode_text(bytes: &[u8]) -> Result<&str, SyntaxError> {
    const FOREIGN: [(&[u8], &str); 4] = [
        (&[0x00, 0x00, 0xFE, 0xFF], "UTF-32 (big-endian)"),
        (&[0xFF, 0xFE, 0x00, 0x00], "UTF-32 (little-endian)"),
        (&[0xFE, 0xFF], "UTF-16 (big-endian)"),
        (&[0xFF, 0xFE], "UTF-16 (little-endian)"),
    ];
    for (bom, encoding) in FOREIGN {
        if bytes.starts_with(bom) {
            let message = format!("the file is encoded as {encoding}; save it as UTF-8");
            return Err(SyntaxError::at(Position::START, message));
        }
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(body).map_err(|error| {
        let valid = std::str::from_utf8(&body[..error.valid_up_to()]).unwrap_or("");
        let bad = body.get(error.valid_up_to()).copied().unwrap_or(0);
        let message = format!("invalid UTF-8 (byte 0x{bad:02X}); save the file as UTF-8");
        SyntaxError::at(LineIndex::new(valid).position(valid.len()), message)
    })
}

/// Json when the first character that is not whitespace and not inside a leading `//` or `/* */` comment is `{` or
/// `[`; otherwise Yaml.
pub fn sniff(text: &str) -> Syntax {
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
        if let Some(comment) = rest.strip_prefix("//") {
            rest = comment.find(['\n', '\r']).map_or("", |end| &comment[end..]);
        } else if let Some(comment) = rest.strip_prefix("/*") {
            rest = comment.find("*/").map_or("", |end| &comment[end + 2..]);
        } else {
            break;
        }
    }
    if rest.starts_with(['{', '[']) { Syntax::Json } else { Syntax::Yaml }
}

/// Converts byte offsets into positions. Lines end at `\n`, `\r\n` or a lone `\r`.
///
/// Offsets asked for in increasing order (as a depth-first walk of a parse tree does) cost only the text between
/// them, so a whole file on one line stays linear.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// The last answer: its offset, its line's index in `starts`, and its column.
    cursor: (usize, usize, u32),
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> LineIndex<'a> {
        LineIndex { text, starts: line_starts(text.as_bytes()), cursor: (0, 0, 1) }
    }

    /// The position of the character at byte `offset` (clamped to the text, rounded down to a char boundary).
    pub(crate) fn position(&mut self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (last, line, column) = self.cursor;
        let next_line = self.starts.get(line + 1).copied().unwrap_or(usize::MAX);
        let (line, column) = if offset >= last && offset < next_line {
            (line, column.saturating_add(chars(&self.text[last..offset])))
        } else {
            let line = self.starts.partition_point(|&start| start <= offset) - 1;
            (line, chars(&self.text[self.starts[line]..offset]).saturating_add(1))
        };
        self.cursor = (offset, line, column);
        Position { line: u32::try_from(line + 1).unwrap_or(u32::MAX), column }
    }
}

fn chars(text: &str) -> u32 {
    u32::try_from(text.chars().count()).unwrap_or(u32::MAX)
}

/// Where each line of `bytes` starts: 0, then after every `\n`, and after every `\r` not followed by `\n`. Only the
/// line breaks are visited (`memchr`), not every byte.
pub(crate) fn line_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
            starts.push(i + 1);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, column: u32) -> Position {
        Position { line, column }
    }

    #[test]
    fn sniffs_json_after_comments_and_bom() {
        assert_eq!(sniff("{}"), Syntax::Json);
        assert_eq!(sniff("\u{FEFF}\r\n\t [1]"), Syntax::Json);
        assert_eq!(sniff("// c\r\n/* { */ {"), Syntax::Json);
        assert_eq!(sniff("/* unterminated {"), Syntax::Yaml);
        assert_eq!(sniff("# yaml comment\n{a: 1}"), Syntax::Yaml);
        assert_eq!(sniff("apiVersion: v1\n"), Syntax::Yaml);
        assert_eq!(sniff(""), Syntax::Yaml);
    }

    #[test]
    fn decodes_utf8_and_strips_bom() {
        assert_eq!(decode_text(b"\xEF\xBB\xBF{}"), Ok("{}"));
        assert_eq!(decode_text("é".as_bytes()), Ok("é"));
        assert_eq!(decode_text(b""), Ok(""));
    }

    #[test]
    fn rejects_utf16_and_utf32() {
        for bytes in [&b"\xFF\xFE{\0"[..], b"\xFE\xFF\0{", b"\xFF\xFE\0\0{\0\0\0", b"\0\0\xFE\xFF"] {
            let error = decode_text(bytes).expect_err("foreign encoding");
            assert_eq!((error.line, error.column), (1, 1));
            assert!(error.message.contains("save it as UTF-8"), "{}", error.message);
        }
        assert!(decode_text(b"\xFF\xFE\0\0").expect_err("utf-32").message.contains("UTF-32 (little"));
    }

    #[test]
    fn reports_first_invalid_byte() {
        let error = decode_text(b"\xEF\xBB\xBFab\r\n\xC3\xA9x\xFFy").expect_err("invalid");
        assert_eq!((error.line, error.column), (2, 3));
        assert!(error.message.contains("0xFF"), "{}", error.message);
    }

    #[test]
    fn positions_count_chars_and_all_line_endings() {
        let text = "ab\r\nçé€x\ry\n\nz";
        let mut index = LineIndex::new(text);
        assert_eq!(index.position(0), at(1, 1));
        assert_eq!(index.position(2), at(1, 3));
        assert_eq!(index.position(text.find('x').expect("x")), at(2, 4));
        assert_eq!(index.position(text.find('y').expect("y")), at(3, 1));
        assert_eq!(index.position(text.find('z').expect("z")), at(5, 1));
        assert_eq!(index.position(text.len()), at(5, 2));
        // Backwards and mid-character offsets still work.
        assert_eq!(index.position(text.find('é').expect("é") + 1), at(2, 2));
        assert_eq!(index.position(1), at(1, 2));
    }

    #[test]
    fn lines_start_after_each_kind_of_line_end() {
        assert_eq!(line_starts(b""), [0]);
        assert_eq!(line_starts(b"a\r"), [0, 2]);
        assert_eq!(line_starts(b"a\r\n"), [0, 3]);
        assert_eq!(line_starts(b"\r\r\n\n"), [0, 1, 3, 4]);
        assert_eq!(line_starts("é\nx\ry".as_bytes()), [0, 3, 5]);
    }
}
