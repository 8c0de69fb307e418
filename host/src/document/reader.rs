//! The one-pass JSON reader: builds the `serde_json` value and the position marks directly from the text, with no
//! syntax tree and no pointer text in between. It reads JSON with comments and trailing commas, and gives up (`None`)
//! on anything else, so jsonc-parser, which defines what is accepted and says what is wrong, decides those texts.

use serde_json::{Number, Value};

use super::text::LineIndex;
use super::tree::{Builder, Tree};
use super::{Comment, Position};

/// Deeper nesting is left to jsonc-parser, which refuses more than 512 levels with its own message; the reader's
/// recursion stops here.
const MAX_DEPTH: usize = 500;

/// `text` (without a BOM) read into its value, its marks and, when asked, its comments; `None` when the text is not
/// plain JSON with comments and trailing commas (a syntax error, an escape or number form the reader leaves to
/// jsonc-parser, or nesting past [`MAX_DEPTH`]).
pub(crate) fn read(text: &str, with_comments: bool) -> Option<(Value, Tree, Vec<Comment>)> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
        lines: LineIndex::new(text),
        builder: Builder::new(),
        comments: Vec::new(),
        with_comments,
        depth: 0,
    };
    reader.skip()?;
    let value = reader.value()?;
    reader.skip()?;
    if reader.at != reader.bytes.len() {
        return None;
    }
    Some((value, reader.builder.finish(), reader.comments))
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    lines: LineIndex<'a>,
    builder: Builder,
    comments: Vec<Comment>,
    with_comments: bool,
    depth: usize,
}

impl Reader<'_> {
    /// Skips whitespace (what jsonc-parser skips: ASCII blanks, vertical tab, form feed, Unicode white space) and
    /// comments, collecting the comments; `None` at a `/` that starts no comment or an unterminated block comment.
    fn skip(&mut self) -> Option<()> {
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => self.at += 1,
                b'/' => {
                    let body = self.at + 2;
                    let end = match self.bytes.get(self.at + 1)? {
                        b'/' => {
                            let end = self.bytes[body..].iter().position(|&b| b == b'\n' || b == b'\r');
                            self.at = end.map_or(self.bytes.len(), |end| body + end);
                            self.at
                        }
                        b'*' => {
                            let end = body + self.text.get(body..)?.find("*/")?;
                            self.at = end + 2;
                            end
                        }
                        _ => return None,
                    };
                    if self.with_comments {
                        let position = self.lines.position(body);
                        self.comments.push(Comment { position, text: self.text[body..end].to_owned() });
                    }
                }
                0x80.. => {
                    let c = self.text.get(self.at..)?.chars().next()?;
                    if !c.is_whitespace() {
                        break;
                    }
                    self.at += c.len_utf8();
                }
                _ => break,
            }
        }
        Some(())
    }

    /// The value that starts here (whitespace already skipped), its mark finished.
    fn value(&mut self) -> Option<Value> {
        let at = self.lines.position(self.at);
        let value = match self.bytes.get(self.at)? {
            b'{' => return self.object(at),
            b'[' => return self.array(at),
            b'"' => Value::String(self.string()?),
            b'-' | b'0'..=b'9' => Value::Number(self.number()?),
            b't' => self.word("true", Value::Bool(true))?,
            b'f' => self.word("false", Value::Bool(false))?,
            b'n' => self.word("null", Value::Null)?,
            _ => return None,
        };
        self.builder.scalar(at);
        Some(value)
    }

    fn descend(&mut self) -> Option<()> {
        self.depth += 1;
        self.at += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn object(&mut self, at: Position) -> Option<Value> {
        self.descend()?;
        let start = self.builder.start();
        let mut members = Vec::new();
        loop {
            self.skip()?;
            match self.bytes.get(self.at)? {
                b'}' => break,
                b'"' => {}
                _ => return None,
            }
            let key = self.string()?;
            self.skip()?;
            if self.bytes.get(self.at) != Some(&b':') {
                return None;
            }
            self.at += 1;
            self.skip()?;
            members.push((key, self.value()?));
            self.skip()?;
            match self.bytes.get(self.at)? {
                b',' => self.at += 1,
                b'}' => break,
                _ => return None,
            }
        }
        self.at += 1;
        self.depth -= 1;
        Some(self.builder.object(start, at, members))
    }

    fn array(&mut self, at: Position) -> Option<Value> {
        self.descend()?;
        let start = self.builder.start();
        let mut items = Vec::new();
        loop {
            self.skip()?;
            if *self.bytes.get(self.at)? == b']' {
                break;
            }
            items.push(self.value()?);
            self.skip()?;
            match self.bytes.get(self.at)? {
                b',' => self.at += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.at += 1;
        self.depth -= 1;
        self.builder.close(start, at);
        Some(Value::Array(items))
    }

    /// A literal word, which must end where a token could follow it.
    fn word(&mut self, word: &str, value: Value) -> Option<Value> {
        let end = self.at + word.len();
        if self.bytes.get(self.at..end)? != word.as_bytes() {
            return None;
        }
        self.at = end;
        self.delimited().then_some(value)
    }

    /// Whether the next byte can follow a number or word: the end, ASCII white space, a comment, `,`, `]` or `}`.
    /// (Anything else, Unicode white space included, is left to jsonc-parser.)
    fn delimited(&self) -> bool {
        matches!(
            self.bytes.get(self.at),
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C | b'/' | b',' | b']' | b'}')
        )
    }

    /// A number in JSON's grammar (`-`, no leading zeros, fraction and exponent with digits), as `serde_json` reads
    /// its text; `None` when it is out of range (jsonc-parser's conversion reports that).
    fn number(&mut self) -> Option<Number> {
        let start = self.at;
        let digits = |reader: &mut Self| {
            let from = reader.at;
            while reader.bytes.get(reader.at).is_some_and(u8::is_ascii_digit) {
                reader.at += 1;
            }
            reader.at > from
        };
        if self.bytes[self.at] == b'-' {
            self.at += 1;
        }
        match self.bytes.get(self.at)? {
            b'0' => self.at += 1,
            b'1'..=b'9' => {
                digits(self);
            }
            _ => return None,
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            if !digits(self) {
                return None;
            }
        }
        if matches!(self.bytes.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.bytes.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        if !self.delimited() {
            return None;
        }
        self.text[start..self.at].parse().ok()
    }

    /// A double-quoted string with JSON's escapes; `None` for any other escape, a `\u` escape of a surrogate (pairs
    /// included), or no closing quote.
    fn string(&mut self) -> Option<String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let run = self.bytes[self.at..].iter().position(|&b| b == b'"' || b == b'\\')?;
            out.push_str(&self.text[self.at..self.at + run]);
            self.at += run;
            if self.bytes[self.at] == b'"' {
                self.at += 1;
                return Some(out);
            }
            let escaped = *self.bytes.get(self.at + 1)?;
            self.at += 2;
            out.push(match escaped {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{08}',
                b'f' => '\u{0C}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let hex = self.text.get(self.at..self.at + 4)?;
                    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return None;
                    }
                    self.at += 4;
                    char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                }
                _ => return None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(text: &str) -> bool {
        read(text, false).is_some()
    }

    #[test]
    fn reads_json_with_comments_and_trailing_commas() {
        let (value, tree, comments) =
            read("// c\n{\"b\": [1, -2.5e3, true, null,], /* x */ \"a\": \"\\u00e9\\n\",}", true).expect("plain JSONC");
        assert_eq!(value, serde_json::json!({"a": "é\n", "b": [1, -2500.0, true, null]}));
        assert_eq!(tree.position(&value, "/a"), Some(Position { line: 2, column: 46 }));
        assert_eq!(tree.position(&value, "/b/1"), Some(Position { line: 2, column: 11 }));
        assert_eq!(comments.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), [" c", " x "]);
    }

    #[test]
    fn leaves_everything_else_to_jsonc_parser() {
        for text in [
            "",
            "{",
            "[1 2]",
            "[1,,2]",
            "{,}",
            "[,]",
            "{\"a\" 1}",
            "{a: 1}",
            "[01]",
            "[1.]",
            "[.5]",
            "[-]",
            "[1e]",
            "[+1]",
            "[0x1]",
            "[truex]",
            "[nul]",
            "[\"\\x41\"]",
            "[\"\\ud83d\\ude00\"]",
            "[\"\\udc00\"]",
            "\"open",
            "[1e400]",
            "{} {}",
            "[1] /",
            "/* open",
            "[1\u{A0}]",
            "[\"\\u12\"]",
        ] {
            assert!(!reads(text), "{text:?} should be left to jsonc-parser");
        }
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(!reads(&deep));
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(reads(&fine));
        assert!(reads("\u{A0}[1 ,\u{2003}2]\u{3000}"));
    }
}
