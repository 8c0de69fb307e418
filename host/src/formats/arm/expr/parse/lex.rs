//! The tokens of an expression: punctuation, string and integer literals, names.
//!
//! Offsets count characters from the start of the expression text.

use std::iter::Peekable;
use std::str::CharIndices;

use crate::formats::arm::expr::EvalError;

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `'text'`, with `''` unescaped.
    Str(String),
    /// `-12`
    Int(i64),
    /// A function, member or literal name.
    Ident(String),
}

impl Tok {
    /// How the token is named in error messages.
    pub(super) fn describe(&self) -> String {
        match self {
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::LBracket => "`[`".into(),
            Tok::RBracket => "`]`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Dot => "`.`".into(),
            Tok::Str(_) => "string literal".into(),
            Tok::Int(i) => format!("`{i}`"),
            Tok::Ident(name) => format!("`{name}`"),
        }
    }
}

/// A token and the character offset where it starts.
#[derive(Clone, Debug)]
pub(super) struct Token {
    pub(super) kind: Tok,
    pub(super) offset: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// A position in the text: byte index for slicing, character count for messages.
struct Cursor<'a> {
    text: &'a str,
    chars: Peekable<CharIndices<'a>>,
    /// Characters consumed so far.
    count: usize,
}

impl<'a> Cursor<'a> {
    fn next(&mut self) -> Option<(usize, char)> {
        let next = self.chars.next();
        if next.is_some() {
            self.count += 1;
        }
        next
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    /// The byte index of the next character (the text length at the end).
    fn byte(&mut self) -> usize {
        self.chars.peek().map_or(self.text.len(), |&(b, _)| b)
    }

    /// Consumes characters while `keep` holds; returns the text from byte `start`.
    fn take_from(&mut self, start: usize, keep: fn(char) -> bool) -> &'a str {
        while self.peek().is_some_and(keep) {
            self.next();
        }
        let end = self.byte();
        self.text.get(start..end).unwrap_or_default()
    }

    /// The rest of a string literal after its opening quote, `''` unescaped.
    fn string(&mut self, offset: usize) -> Result<String, EvalError> {
        let mut out = String::new();
        let mut segment = self.byte();
        loop {
            match self.next() {
                None => return Err(EvalError(format!("unterminated string literal starting at offset {offset}"))),
                Some((b, '\'')) => {
                    out.push_str(self.text.get(segment..b).unwrap_or_default());
                    if self.peek() != Some('\'') {
                        return Ok(out);
                    }
                    self.next();
                    out.push('\'');
                    segment = self.byte();
                }
                Some(_) => {}
            }
        }
    }
}

/// Splits expression text into tokens.
pub(super) fn lex(text: &str) -> Result<Vec<Token>, EvalError> {
    let mut out = Vec::with_capacity(text.len() / 4);
    let mut cur = Cursor { text, chars: text.char_indices().peekable(), count: 0 };
    loop {
        let offset = cur.count;
        let Some((start, c)) = cur.next() else { return Ok(out) };
        let kind = match c {
            c if c.is_whitespace() => continue,
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            '[' => Tok::LBracket,
            ']' => Tok::RBracket,
            ',' => Tok::Comma,
            '.' => Tok::Dot,
            '\'' => Tok::Str(cur.string(offset)?),
            '-' | '0'..='9' => {
                let digits = cur.take_from(start, |d| d.is_ascii_digit());
                if digits == "-" {
                    return Err(EvalError(format!("expected a digit after `-` at offset {offset}")));
                }
                if let Some(next) = cur.peek().filter(|&n| is_ident_char(n)) {
                    return Err(EvalError(format!("invalid number `{digits}{next}` at offset {offset}")));
                }
                match digits.parse::<i64>() {
                    Ok(i) => Tok::Int(i),
                    Err(_) => {
                        return Err(EvalError(format!(
                            "integer literal `{digits}` at offset {offset} does not fit in 64 bits"
                        )));
                    }
                }
            }
            c if is_ident_start(c) => Tok::Ident(cur.take_from(start, is_ident_char).to_owned()),
            other => return Err(EvalError(format!("unexpected character `{other}` at offset {offset}"))),
        };
        out.push(Token { kind, offset });
    }
}

#[cfg(test)]
mod tests {
    use super::{Tok, lex};

    fn kinds(text: &str) -> Vec<Tok> {
        lex(text).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn tokens_and_offsets() {
        let tokens = lex("f( 'a''b', -3 )[x].y").unwrap();
        let offsets: Vec<usize> = tokens.iter().map(|t| t.offset).collect();
        assert_eq!(offsets, vec![0, 1, 3, 9, 11, 14, 15, 16, 17, 18, 19]);
        assert_eq!(
            kinds("a.b_c$1('')"),
            vec![
                Tok::Ident("a".into()),
                Tok::Dot,
                Tok::Ident("b_c$1".into()),
                Tok::LParen,
                Tok::Str(String::new()),
                Tok::RParen
            ]
        );
        assert_eq!(kinds("'it''s ] ['"), vec![Tok::Str("it's ] [".into())]);
        assert_eq!(kinds("-9223372036854775808"), vec![Tok::Int(i64::MIN)]);
    }
}
