//! The comments of a descriptor, found by its parser, never by searching the text: a `#` or `//` inside a string is
//! data, not a comment, and strict JSON has none. Inline waivers live only here.

use jsonc_parser::tokens::Token;
use jsonc_parser::{Scanner, ScannerOptions};
use saphyr_parser::{Event, Parser, ScalarStyle};

use super::marks::{CharCursor, position};
use super::text::LineIndex;
use super::{Position, Syntax, SyntaxError, sniff};

/// One comment: where its text starts (just after its marker `#`, `//` or `/*`), and that text (without a closing
/// `*/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Where the comment's text starts, just after its marker.
    pub position: Position,
    /// The comment's text after its marker.
    pub text: String,
}

/// The comments of a JSON (with comments) or YAML text, by content as [`super::parse_text`] decides, in order.
pub fn comments(text: &str) -> Result<Vec<Comment>, SyntaxError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    match sniff(text) {
        Syntax::Json => json_comments(text),
        Syntax::Yaml => yaml_comments(text),
    }
}

/// `//` and `/* */` comments, as jsonc-parser's scanner reads them.
fn json_comments(text: &str) -> Result<Vec<Comment>, SyntaxError> {
    let mut lines = LineIndex::new(text);
    let mut scanner = Scanner::new(text, &ScannerOptions::default());
    let mut out = Vec::new();
    loop {
        let token =
            scanner.scan().map_err(|e| SyntaxError::at(lines.position(e.range().start), e.kind().to_string()))?;
        let body = match token {
            None => return Ok(out),
            Some(Token::CommentLine(body)) => body,
            Some(Token::CommentBlock(body)) => body,
            Some(_) => continue,
        };
        out.push(Comment { position: lines.position(scanner.token_start() + 2), text: body.to_owned() });
    }
}

/// `#` comments: the text outside every scalar the parser reports. Between two scalars there are only indicators
/// (`-`, `:`, `,`, `?`, brackets), properties (`!tag`, `&anchor`, which hold no blanks), blanks and comments, so a `#`
/// there that starts a line or follows a blank starts a comment. Within a scalar's span only its properties, a block
/// scalar's header line and the less-indented lines that end a block scalar can hold comments; a quoted scalar ends
/// at its closing quote (the parser's span runs on over a comment that follows it on its line).
fn yaml_comments(text: &str) -> Result<Vec<Comment>, SyntaxError> {
    let mut parser = Parser::new_from_str(text);
    let mut cursor = CharCursor::new(text);
    let mut found = Found { text, lines: LineIndex::new(text), out: Vec::new() };
    // The byte offset up to which the text is covered by scalars already seen.
    let mut covered = 0;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| SyntaxError::at(position(e.marker()), e.info()))?;
        let (start, end) = (cursor.byte(span.start.index()), cursor.byte(span.end.index()));
        let until = match event {
            Event::Scalar(_, style, anchor, tag) if start >= covered => {
                found.hashes(covered..start);
                // With properties the span starts at them; without, at the content (a block scalar's header is
                // then before the span).
                let content = if anchor != 0 || tag.is_some() { found.properties(start, end) } else { start };
                match style {
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => quoted_end(text, content).unwrap_or(end),
                    ScalarStyle::Literal | ScalarStyle::Folded => {
                        found.block_scalar(content, end);
                        end
                    }
                    ScalarStyle::Plain => end,
                }
            }
            Event::Alias(_) if start >= covered => {
                found.hashes(covered..start);
                end
            }
            Event::StreamEnd => {
                found.hashes(covered..text.len());
                text.len()
            }
            _ => continue,
        };
        covered = covered.max(until);
    }
    Ok(found.out)
}

/// The byte just past the closing quote of the quoted scalar that opens at `open`.
fn quoted_end(text: &str, open: usize) -> Option<usize> {
    let quote = text[open..].chars().next().filter(|&c| c == '\'' || c == '"')?;
    let mut chars = text[open + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '\\' && quote == '"' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && text[open + 1 + i + 1..].starts_with('\'') {
                chars.next();
                continue;
            }
            return Some(open + 1 + i + 1);
        }
    }
    None
}

/// Comments found so far, with what is needed to place them.
struct Found<'a> {
    text: &'a str,
    lines: LineIndex<'a>,
    out: Vec<Comment>,
}

impl Found<'_> {
    /// Records the comment whose `#` is at byte `hash`; returns where its line ends.
    fn comment(&mut self, hash: usize) -> usize {
        let end = self.text[hash..].find(['\n', '\r']).map_or(self.text.len(), |i| hash + i);
        self.out.push(Comment { position: self.lines.position(hash + 1), text: self.text[hash + 1..end].to_owned() });
        end
    }

    /// The comments that start in `gap`, a stretch between scalars.
    fn hashes(&mut self, gap: std::ops::Range<usize>) {
        let (mut at, until) = (gap.start, gap.end);
        while at < until {
            let Some(found) = self.text[at..until].find('#') else { break };
            let hash = at + found;
            at = if self.text[..hash].chars().next_back().is_none_or(char::is_whitespace) {
                self.comment(hash).min(until)
            } else {
                hash + 1
            };
        }
    }

    /// Skips a scalar's properties (`!tag`, `&anchor`) and a block scalar's header (`|-`), recording the comments
    /// among them; returns where the content starts.
    fn properties(&mut self, start: usize, end: usize) -> usize {
        let mut at = start;
        let mut header = false;
        while at < end {
            let Some(c) = self.text[at..].chars().next() else { break };
            match c {
                '!' | '&' | '|' | '>' => {
                    header |= matches!(c, '|' | '>');
                    let token = self.text[at..end].find(|c: char| c.is_whitespace() || ",[]{}".contains(c));
                    at = token.map_or(end, |i| at + i.max(1));
                }
                '#' => at = self.comment(at),
                c if c.is_whitespace() => {
                    at += c.len_utf8();
                    if header && matches!(c, '\n' | '\r') {
                        break;
                    }
                }
                _ => break,
            }
        }
        at
    }

    /// The comment lines that end a block scalar: less indented than its content, starting with `#`.
    fn block_scalar(&mut self, content: usize, end: usize) {
        let mut indent = None;
        let mut at = content;
        for line in self.text[content..end].split_inclusive('\n') {
            let body = line.trim_start_matches(' ');
            let spaces = line.len() - body.len();
            let blank = body.trim().is_empty();
            match indent {
                None if !blank => indent = Some(spaces),
                Some(indent) if spaces < indent && body.starts_with('#') => {
                    self.comment(at + spaces);
                }
                _ => {}
            }
            at += line.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(u32, u32, String)> {
        let comments = comments(text).expect("parses");
        comments.into_iter().map(|c| (c.position.line, c.position.column, c.text)).collect()
    }

    #[test]
    fn yaml_comments_are_outside_scalars() {
        let text = "# head\na: \"x # not\" # one\nb: plain#not\nc: |\n  # literal, not a comment\nd: &a#b 1 #two\n\
            e: [1, # three\n  'y #no']\n? k # four\n: v\n#five";
        let expected =
            [(1, 2, " head"), (2, 15, " one"), (6, 12, "two"), (7, 9, " three"), (9, 6, " four"), (11, 2, "five")];
        let expected: Vec<_> = expected.into_iter().map(|(l, c, t)| (l, c, t.to_owned())).collect();
        assert_eq!(found(text), expected);
        assert!(found("a: 'x # y'\nb: \"\\\"# z\"\n").is_empty());
        let text = "a: !t 'it''s # no' # one\nb: !t | # two\n    # text\n  # three\nc: [\"q\" # four\n , 'r'] # five\n";
        let lines: Vec<(u32, u32)> = found(text).into_iter().map(|(l, c, _)| (l, c)).collect();
        assert_eq!(lines, [(1, 21), (2, 10), (4, 4), (5, 10), (6, 10)]);
        let text = "a: !t 'it''s # no' # one\nb: !t | # two\n    # text\n  # three\nc: [\"q\" # four\n , 'r'] # five\n";
        let lines: Vec<(u32, u32)> = found(text).into_iter().map(|(l, c, _)| (l, c)).collect();
        assert_eq!(lines, [(1, 21), (2, 10), (4, 4), (5, 10), (6, 10)]);
    }

    #[test]
    fn json_comments_are_real_comments_only() {
        let text = "{\"a\": \"// not # not /* not */\", // one\n /* two */ \"b\": 1}";
        let expected = vec![(1, 35, " one".to_owned()), (2, 4, " two ".to_owned())];
        assert_eq!(found(text), expected);
        assert!(found("{\"tag\": \"// entitle:ignore X ok until=2099-12-31\"}").is_empty());
    }
}
