//! Turning saphyr-parser marks into the positions the document layer promises: marks count chars, and a node's span
//! starts at its properties (`!Tag &anchor`), while a node is placed at its content.

use saphyr_parser::Marker;

use super::Position;

/// The 1-based position of a mark.
pub(crate) fn position(mark: &Marker) -> Position {
    let line = u32::try_from(mark.line()).unwrap_or(u32::MAX);
    let column = u32::try_from(mark.col().saturating_add(1)).unwrap_or(u32::MAX);
    Position { line, column }
}

/// Maps char indices (as marks count them) to byte offsets. Marks arrive nearly in order, so each lookup walks only
/// the text between the previous mark and this one: a whole file on one line stays linear.
#[derive(Default)]
pub(crate) struct CharCursor<'a> {
    text: &'a str,
    chars: usize,
    bytes: usize,
}

impl<'a> CharCursor<'a> {
    pub(crate) fn new(text: &'a str) -> CharCursor<'a> {
        CharCursor { text, chars: 0, bytes: 0 }
    }

    /// The byte offset of the char at `index` (clamped to the end of the text).
    pub(crate) fn byte(&mut self, index: usize) -> usize {
        while self.chars < index {
            let Some(c) = self.text[self.bytes..].chars().next() else { break };
            self.bytes += c.len_utf8();
            self.chars += 1;
        }
        while self.chars > index {
            let Some(c) = self.text[..self.bytes].chars().next_back() else { break };
            self.bytes -= c.len_utf8();
            self.chars -= 1;
        }
        self.bytes
    }
}

/// Where the content of the node whose span starts at `start` begins: past its tag and anchor (in either order, on the
/// same or following lines, with comments between), else `start` itself.
pub(crate) fn content_position(text: &str, cursor: &mut CharCursor<'_>, start: &Marker) -> Position {
    let mut at = position(start);
    let from = cursor.byte(start.index());
    let rest = &text[from..];
    if !rest.starts_with(['!', '&']) {
        return at;
    }
    let mut chars = rest.chars().peekable();
    let mut comment = false;
    let mut skipped = Position { line: at.line, column: at.column };
    while let Some(&c) = chars.peek() {
        match c {
            '\n' | '\r' => {
                chars.next();
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                comment = false;
                skipped = Position { line: skipped.line.saturating_add(1), column: 1 };
                continue;
            }
            _ if comment => {}
            ' ' | '\t' => {}
            '#' => comment = true,
            '!' | '&' => {
                // A property: up to the next blank or flow indicator.
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}') {
                        break;
                    }
                    chars.next();
                    skipped.column = skipped.column.saturating_add(1);
                }
                continue;
            }
            _ => break,
        }
        chars.next();
        skipped.column = skipped.column.saturating_add(1);
    }
    if chars.peek().is_some() {
        at = skipped;
    }
    at
}

/// The tab a "found a tab" / "tabs disallowed" error is about. The scanner reports such errors where it stopped (the
/// end of the previous line's scalar, or just past the tab), so the error is moved to the first tab in the
/// indentation of a non-blank line, from the reported line on (at most 1,000 lines on); `None` when there is none.
pub(crate) fn tab_position(text: &str, reported: Position) -> Option<Position> {
    let skip = usize::try_from(reported.line).ok()?.checked_sub(1)?;
    for (n, line) in text.split('\n').enumerate().skip(skip).take(1000) {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let rest = line[indent..].trim_end_matches('\r');
        if rest.is_empty() {
            continue;
        }
        if let Some(tab) = line[..indent].find('\t') {
            let line = u32::try_from(n + 1).ok()?;
            return Some(Position { line, column: u32::try_from(tab + 1).ok()? });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_walks_both_ways_by_chars() {
        let text = "aé€b";
        let mut cursor = CharCursor::new(text);
        assert_eq!(cursor.byte(3), 6);
        assert_eq!(cursor.byte(1), 1);
        assert_eq!(cursor.byte(9), text.len());
        assert_eq!(cursor.byte(0), 0);
    }

    #[test]
    fn tab_errors_point_at_the_tab() {
        let at = |line, column| Position { line, column };
        assert_eq!(tab_position("a:\n  b: 1\n\tc: 2\n", at(2, 7)), Some(at(3, 1)));
        assert_eq!(tab_position("- a\n-\tb\n \t- c\n", at(2, 3)), Some(at(3, 2)));
        assert_eq!(tab_position("k: v\n\t\nk2:\n\t- x\n", at(1, 5)), Some(at(4, 1)));
        assert_eq!(tab_position("k: v\n", at(1, 5)), None);
    }

    #[test]
    fn content_skips_properties_and_comments() {
        let text = "a: !Tag &x # note\r\n  # more\n  [1]\nb: &y !T\tz\nc: plain\n";
        let mut cursor = CharCursor::new(text);
        let found = |cursor: &mut CharCursor<'_>, needle: &str, line, col| {
            let index = text[..text.find(needle).expect("present")].chars().count();
            content_position(text, cursor, &Marker::new(index, line, col))
        };
        assert_eq!(found(&mut cursor, "!Tag", 1, 3), Position { line: 3, column: 3 });
        assert_eq!(found(&mut cursor, "&y", 4, 3), Position { line: 4, column: 10 });
        assert_eq!(found(&mut cursor, "plain", 5, 3), Position { line: 5, column: 4 });
    }
}
