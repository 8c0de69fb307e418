//! The text of an input as it was first read, kept with its line starts so the human
//! report can quote the line a finding points at without reading, parsing or scanning
//! the file again; and the bounded, terminal-safe excerpt of one such line.

/// Most characters of a line an excerpt shows; a longer line (a one-line plan) is cut
/// to a window around the column.
pub const EXCERPT_WIDTH: usize = 120;

/// Characters kept before the column when a long line is cut.
const BEFORE: usize = 40;

/// Most characters of a value the caret underlines.
const VALUE_WIDTH: usize = 60;

/// One file's text and where its lines start (lines end at `\n`, `\r\n` or a lone `\r`,
/// as the parsers count them).
#[derive(Debug)]
pub struct SourceText {
    /// The file as reports name it.
    pub path: String,
    text: String,
    starts: Vec<usize>,
    /// Per line: whether it is all ASCII (then a column is a byte offset, found at once).
    ascii: Vec<bool>,
}

/// A line, cut and made safe to print, with the value the finding rests on marked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    /// The line (or the window of it), control and bidirectional characters shown as
    /// U+FFFD one for one, so columns stay where they were.
    pub text: String,
    /// Byte range in `text` of the value: a quoted string, or the token at the column.
    pub value: std::ops::Range<usize>,
    /// Whether the window starts after the line's start (the text begins with `…`).
    pub cut_start: bool,
}

impl SourceText {
    /// Keeps `text` (already decoded, BOM stripped) and indexes its lines once.
    pub fn new(path: &str, text: String) -> SourceText {
        let bytes = text.as_bytes();
        let starts = crate::document::line_starts(bytes);
        let ends = starts.iter().skip(1).copied().chain([bytes.len()]);
        let ascii = starts.iter().zip(ends).map(|(&start, end)| bytes[start..end].is_ascii()).collect();
        SourceText { path: path.to_owned(), text, starts, ascii }
    }

    /// The text as it was read.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The excerpt of `line` at `column` (both 1-based, column in chars), or `None`
    /// when the file has no such line. Costs the window, not the line or the file (a
    /// line with non-ASCII text also costs counting its characters up to the column).
    pub fn excerpt(&self, line: u32, column: u32) -> Option<Excerpt> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.starts.get(index)?;
        let end = self.starts.get(index + 1).copied().unwrap_or(self.text.len());
        let full = self.text[start..end].trim_end_matches(['\n', '\r']);
        let column = usize::try_from(column).unwrap_or(usize::MAX).saturating_sub(1);
        // Byte offset of the column (clamped to the line's end).
        let at = if self.ascii[index] {
            column.min(full.len())
        } else {
            full.char_indices().nth(column).map_or(full.len(), |(i, _)| i)
        };
        let from = if column > EXCERPT_WIDTH - BEFORE {
            full[..at].char_indices().rev().nth(BEFORE - 1).map_or(0, |(i, _)| i)
        } else {
            0
        };
        let window = &full[from..];
        let until = window.char_indices().nth(EXCERPT_WIDTH).map_or(window.len(), |(i, _)| i);
        let (cut_start, cut_end) = (from > 0, until < window.len());
        let mut text = String::with_capacity(until + 8);
        if cut_start {
            text.push('…');
        }
        let shift = text.len();
        text.push_str(&safe(&window[..until]));
        if cut_end {
            text.push('…');
        }
        let begin = shift + (at - from).min(until);
        let value = begin..begin + value_len(&text[begin..]);
        Some(Excerpt { text, value, cut_start })
    }
}

/// The value's length in bytes from its first character: a quoted string to its closing
/// quote, else up to a delimiter; at least one character, at most [`VALUE_WIDTH`].
fn value_len(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else { return 0 };
    let mut end = first.len_utf8();
    let quoted = first == '"' || first == '\'';
    let mut escaped = false;
    for (n, (i, c)) in chars.enumerate() {
        if n + 1 >= VALUE_WIDTH || c == '…' {
            break;
        }
        if quoted {
            end = i + c.len_utf8();
            if c == first && !escaped {
                break;
            }
            escaped = c == '\\' && !escaped;
        } else if c.is_whitespace() || matches!(c, ',' | '}' | ']' | ')' | '#' | '\u{FFFD}') {
            break;
        } else if c == ':' && rest[i + 1..].chars().next().is_none_or(char::is_whitespace) {
            // A YAML key (`id: x`), not a value holding colons (`rhel:7`).
            break;
        } else {
            end = i + c.len_utf8();
        }
    }
    end
}

/// The line with every character a terminal or a CI log would act on (control, line
/// and paragraph separators, bidirectional controls) and the Azure Pipelines command
/// prefix replaced one for one, so the caret still lines up.
fn safe(line: &str) -> String {
    let mut out: String = line
        .chars()
        .map(|c| match c {
            '\t' => ' ',
            c if crate::escape::hidden(c) => '\u{FFFD}',
            c => c,
        })
        .collect();
    while let Some(at) = out.find("##vso[") {
        out.replace_range(at + 1..at + 2, "\u{FFFD}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(text: &str, line: u32, column: u32) -> (String, String) {
        let e = SourceText::new("f", text.to_owned()).excerpt(line, column).expect("line exists");
        let value = e.text[e.value.clone()].to_owned();
        (e.text, value)
    }

    #[test]
    fn quotes_the_line_and_marks_the_value() {
        let text = "{\r\n  \"sku\": \"7.2\",\r  \"n\": 3 }\n";
        assert_eq!(quote(text, 2, 10), ("  \"sku\": \"7.2\",".into(), "\"7.2\"".into()));
        assert_eq!(quote(text, 3, 8), ("  \"n\": 3 }".into(), "3".into()));
        assert_eq!(quote("image: rhel:7 # c", 1, 8), ("image: rhel:7 # c".into(), "rhel:7".into()));
        assert_eq!(quote("  - id: x", 1, 5).1, "id");
        assert_eq!(quote("a: \"x\\\"y\" z", 1, 4).1, "\"x\\\"y\"");
        assert!(SourceText::new("f", text.into()).excerpt(9, 1).is_none());
        assert!(SourceText::new("f", text.into()).excerpt(0, 1).is_none());
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        // A 5 MB one-line plan: the excerpt is the window, never the line.
        let mut text = "x".repeat(5_000_000);
        text.push_str("\"rhel-7\"");
        text.push_str(&"y".repeat(1_000_000));
        let e = SourceText::new("plan.json", text).excerpt(1, 5_000_001).expect("line 1");
        assert!(e.text.chars().count() <= EXCERPT_WIDTH + 2, "{}", e.text.len());
        assert!(e.cut_start && e.text.starts_with('…') && e.text.ends_with('…'));
        assert_eq!(&e.text[e.value.clone()], "\"rhel-7\"");
        // A column past the line's end marks its end.
        let e = SourceText::new("f", "ab".into()).excerpt(1, 99).expect("line 1");
        assert_eq!((e.text.as_str(), e.value), ("ab", 2..2));
    }

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        let (text, value) = quote("a: \"\u{1b}[31mred\u{202e}\" ##vso[task.setvariable]\tz", 1, 4);
        assert!(!text.chars().any(|c| c.is_control() || c == '\u{202e}'), "{text:?}");
        assert!(!text.contains("##vso["), "{text:?}");
        assert_eq!(text.chars().count(), "a: \"\u{1b}[31mred\u{202e}\" ##vso[task.setvariable]\tz".chars().count());
        assert_eq!(value, "\"\u{FFFD}[31mred\u{FFFD}\"");
    }
}
