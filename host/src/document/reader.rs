//! The one-pass JSON reader: builds the `serde_json` value and the position marks directly from the text, with no
//! syntax tree and no pointer text in between. It reads JSON with comments and trailing commas, and gives up (`None`)
//! on anything else, so jsonc-parser, which defines what is accepted and says what is wrong, decides those texts.

use serde_json::{Number, Value};

use super::text::LineIndex;
use super::tree::{Builder, Tree};
use super::{Comment, Elide, Position};

/// Deeper nesting is left to jsonc-parser, which refuses more than 512 levels with its own message; the reader's
/// recursion stops here.
const MAX_DEPTH: usize = 500;

/// `text` (without a BOM) read into its value, its marks and, when asked, its comments; `None` when the text is not
/// plain JSON with comments and trailing commas (a syntax error, an escape or number form the reader leaves to
/// jsonc-parser, or nesting past [`MAX_DEPTH`]). The root object's member `elide.member` is read for its syntax and
/// comments but not built when the root also has `elide.when` (then it is not in the value); without that member it is
/// read again and built.
pub(crate) fn read(text: &str, with_comments: bool, elide: Option<Elide>) -> Option<(Value, Tree, Vec<Comment>)> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
        lines: LineIndex::new(text),
        builder: Builder::new(),
        comments: Vec::new(),
        with_comments,
        depth: 0,
        elide,
        eliding: false,
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
    elide: Option<Elide>,
    /// Reading a member that [`Reader::elide`] leaves unbuilt: its syntax is checked, but no value, mark or string
    /// is made.
    eliding: bool,
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
        let at = if self.eliding { Position::START } else { self.lines.position(self.at) };
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
        if !self.eliding {
            self.builder.scalar(at);
        }
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
        // Where each elided member's value starts.
        let mut elided = Vec::new();
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
            match self.elide {
                Some(elide) if self.depth == 1 && key == elide.member => {
                    elided.push(self.at);
                    self.eliding = true;
                    self.value()?;
                    self.eliding = false;
                }
                _ if self.eliding => {
                    self.value()?;
                }
                _ => members.push((key, self.value()?)),
            }
            self.skip()?;
            match self.bytes.get(self.at)? {
                b',' => self.at += 1,
                b'}' => break,
                _ => return None,
            }
        }
        if let Some(elide) = self.elide.filter(|_| !elided.is_empty())
            && !members.iter().any(|(key, _)| key == elide.when)
        {
            // Read again and built, each after the members read so far (its marks follow theirs); its comments were
            // collected the first time.
            let (close, with_comments) = (self.at, std::mem::replace(&mut self.with_comments, false));
            for from in elided {
                self.at = from;
                members.push((elide.member.to_owned(), self.value()?));
            }
            (self.at, self.with_comments) = (close, with_comments);
        }
        self.at += 1;
        self.depth -= 1;
        if self.eliding {
            return Some(Value::Null);
        }
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
            let item = self.value()?;
            if !self.eliding {
                items.push(item);
            }
            self.skip()?;
            match self.bytes.get(self.at)? {
                b',' => self.at += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.at += 1;
        self.depth -= 1;
        if self.eliding {
            return Some(Value::Null);
        }
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
            if !self.eliding {
                out.push_str(&self.text[self.at..self.at + run]);
            }
            self.at += run;
            if self.bytes[self.at] == b'"' {
                self.at += 1;
                return Some(out);
            }
            let escaped = *self.bytes.get(self.at + 1)?;
            self.at += 2;
            let c = match escaped {
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
            };
            if !self.eliding {
                out.push(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(text: &str) -> bool {
        read(text, false, None).is_some()
    }

    #[test]
    fn reads_json_with_comments_and_trailing_commas() {
        let (value, tree, comments) =
            read("// c\n{\"b\": [1, -2.5e3, true, null,], /* x */ \"a\": \"\\u00e9\\n\",}", true, None)
                .expect("plain JSONC");
        assert_eq!(value, serde_json::json!({"a": "é\n", "b": [1, -2500.0, true, null]}));
        assert_eq!(tree.position(&value, "/a"), Some(Position { line: 2, column: 46 }));
        assert_eq!(tree.position(&value, "/b/1"), Some(Position { line: 2, column: 11 }));
        assert_eq!(comments.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), [" c", " x "]);
    }

    const ELIDE: Elide = Elide { member: "p", when: "r" };

    /// Every node's pointer in `value`, with its position in `tree`.
    fn positions(value: &Value, tree: &Tree) -> Vec<(String, Option<Position>)> {
        fn walk(value: &Value, pointer: String, out: &mut Vec<String>) {
            match value {
                Value::Object(map) => map.iter().for_each(|(k, v)| walk(v, format!("{pointer}/{k}"), out)),
                Value::Array(items) => {
                    items.iter().enumerate().for_each(|(i, v)| walk(v, format!("{pointer}/{i}"), out))
                }
                _ => {}
            }
            out.push(pointer);
        }
        let mut pointers = Vec::new();
        walk(value, String::new(), &mut pointers);
        pointers.into_iter().map(|p| (p.clone(), tree.position(value, &p))).collect()
    }

    #[test]
    fn an_elided_member_is_checked_but_not_built_when_the_other_is_there() {
        let text =
            "{\"a\": 1,\n \"p\": {\"x\": [1, {\"y\": \"\\n\"}], /* in p */ \"z\": null},\n \"r\": [true, {\"p\": 2}]}";
        let (value, tree, comments) = read(text, true, Some(ELIDE)).expect("plain JSON");
        assert_eq!(value, serde_json::json!({"a": 1, "r": [true, {"p": 2}]}), "only the root's `p` is left out");
        let (whole, whole_tree, _) = read(text, true, None).unwrap();
        let kept: Vec<_> = positions(&whole, &whole_tree).into_iter().filter(|(p, _)| !p.starts_with("/p")).collect();
        let mut elided = positions(&value, &tree);
        elided.retain(|(p, _)| !p.is_empty());
        assert_eq!(elided, kept.into_iter().filter(|(p, _)| !p.is_empty()).collect::<Vec<_>>());
        assert_eq!(comments.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), [" in p "]);
        for broken in ["{\"p\": {\"x\": [1 2]}, \"r\": 1}", "{\"p\": [01], \"r\": 1}", "{\"p\": \"\\x\", \"r\": 1}"] {
            assert!(read(broken, false, Some(ELIDE)).is_none(), "{broken}: its syntax is still checked");
        }
    }

    /// Hostile: an elided member is still held to the nesting bound (left to jsonc-parser, which refuses it with its
    /// message), and a root that repeats it a thousand times without the other member reads each repetition again
    /// (once) and keeps the last, placed where it is written.
    #[test]
    fn an_elided_member_keeps_the_depth_bound_and_its_last_repetition_wins() {
        let deep = |levels: usize| format!("{{\"p\": {}{}, \"r\": 1}}", "[".repeat(levels), "]".repeat(levels));
        assert!(read(&deep(MAX_DEPTH + 1), false, Some(ELIDE)).is_none(), "past the bound while elided");
        assert!(read(&deep(MAX_DEPTH - 1), false, Some(ELIDE)).is_some());
        let repeated = format!("{{{}\"q\": 0}}", "\"p\": [1, [2]], ".repeat(1000));
        let (value, tree, _) = read(&repeated, false, Some(ELIDE)).expect("plain JSON");
        assert_eq!(value, serde_json::json!({"p": [1, [2]], "q": 0}), "the last of the repeated members wins");
        assert_eq!(
            tree.position(&value, "/p/1/0").map(|p| p.column),
            Some(2 + 15 * 999 + 10),
            "placed in the last repetition"
        );
    }

    #[test]
    fn an_elided_member_is_read_again_when_the_other_is_not_there() {
        for text in [
            "{\"p\": {\"x\": [1, {\"y\": \"\\u00e9\"}]}, // c\n \"a\": 1, \"q\": 2}",
            "{\"b\": 0, \"p\": [1], \"a\": {\"p\": 3}, \"p\": {\"k\": /* c */ \"last wins\"}}",
            "\n\n  {\"p\": 1}",
        ] {
            let (value, tree, comments) = read(text, true, Some(ELIDE)).expect("plain JSON");
            let (whole, whole_tree, whole_comments) = read(text, true, None).unwrap();
            assert_eq!(value, whole, "{text}");
            assert_eq!(positions(&value, &tree), positions(&whole, &whole_tree), "{text}");
            assert_eq!(comments, whole_comments, "{text}: each comment once");
        }
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
