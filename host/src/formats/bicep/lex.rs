//! Bicep tokens with their line and column: the parser never looks at characters, and
//! every node it builds starts at a token's position. Interpolated strings are lexed
//! into text parts and the tokens of each `${…}` hole, so holes nest without a second
//! pass over the text.

use crate::document::{Position, SyntaxError};

/// The most tokens one file may have (with those inside string holes): a bound on the
/// parser's and compiler's total work.
pub const MAX_TOKENS: usize = 1_000_000;

/// How deeply `${…}` holes may nest inside strings.
const MAX_HOLE_DEPTH: usize = 16;

/// A token.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A name (keywords are names too; the parser tells them apart).
    Ident(String),
    /// An integer literal.
    Int(i64),
    /// A string: text parts alternating with the tokens of `${…}` holes.
    Str(Vec<Part>),
    /// Punctuation or an operator (`{`, `==`, `?.`, …).
    Punct(&'static str),
    /// A line break (Bicep separates declarations and object members by lines).
    Newline,
}

/// One part of a string literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Literal text (escapes already applied).
    Text(String),
    /// The tokens of a `${…}` hole.
    Hole(Vec<Token>),
}

/// A token and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Where it starts.
    pub at: Position,
}

/// Operators, longest first so that `==` is not read as `=` `=`.
const PUNCT: [&str; 32] = [
    "??", "?.", "==", "!=", "=~", "!~", "<=", ">=", "&&", "||", "::", "=>", ".?", "{", "}", "[", "]", "(", ")", ",",
    ":", ".", "?", "=", "!", "<", ">", "+", "-", "*", "/", "|",
];

/// Tokenises a whole file.
pub fn lex(text: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut lexer = Lexer { chars: text.chars().collect(), i: 0, line: 1, column: 1, count: 0 };
    lexer.tokens(None, 0)
}

struct Lexer {
    chars: Vec<char>,
    i: usize,
    line: u32,
    column: u32,
    count: usize,
}

impl Lexer {
    fn at(&self) -> Position {
        Position { line: self.line, column: self.column }
    }

    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError::at(self.at(), message)
    }

    /// Tokens up to the end of the text, or (inside a hole) up to its closing `}`.
    fn tokens(&mut self, hole: Option<Position>, depth: usize) -> Result<Vec<Token>, SyntaxError> {
        let mut out = Vec::new();
        let mut braces = 0usize;
        loop {
            self.skip_space()?;
            let at = self.at();
            let Some(c) = self.peek(0) else {
                return match hole {
                    Some(open) => Err(SyntaxError::at(open, "the `${` of this string is never closed")),
                    None => Ok(out),
                };
            };
            self.count += 1;
            if self.count > MAX_TOKENS {
                return Err(self.error(format!("the file has more than {MAX_TOKENS} tokens")));
            }
            let tok = if c == '\n' {
                self.bump();
                Tok::Newline
            } else if c == '\'' {
                self.string(depth)?
            } else if c.is_ascii_digit() {
                self.int()?
            } else if c.is_alphabetic() || c == '_' {
                let mut name = String::new();
                while let Some(c) = self.peek(0).filter(|c| c.is_alphanumeric() || *c == '_') {
                    name.push(c);
                    self.bump();
                }
                Tok::Ident(name)
            } else if let Some(p) = PUNCT.iter().find(|p| self.starts_with(p)) {
                if hole.is_some() && *p == "}" {
                    if braces == 0 {
                        self.bump();
                        return Ok(out);
                    }
                    braces -= 1;
                }
                if *p == "{" {
                    braces += 1;
                }
                p.chars().for_each(|_| {
                    self.bump();
                });
                Tok::Punct(p)
            } else if c == '@' || c == '%' {
                self.bump();
                Tok::Punct(if c == '@' { "@" } else { "%" })
            } else {
                return Err(self.error(format!("unexpected character {c:?}")));
            };
            out.push(Token { tok, at });
        }
    }

    fn starts_with(&self, p: &str) -> bool {
        p.chars().enumerate().all(|(k, c)| self.peek(k) == Some(c))
    }

    /// Skips blanks and comments (a line comment leaves its line break).
    fn skip_space(&mut self) -> Result<(), SyntaxError> {
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some(' ' | '\t' | '\r' | '\u{feff}'), _) => {
                    self.bump();
                }
                (Some('/'), Some('/')) => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                (Some('/'), Some('*')) => {
                    let open = self.at();
                    self.bump();
                    self.bump();
                    loop {
                        match (self.peek(0), self.peek(1)) {
                            (Some('*'), Some('/')) => {
                                self.bump();
                                self.bump();
                                break;
                            }
                            (Some(_), _) => {
                                self.bump();
                            }
                            (None, _) => return Err(SyntaxError::at(open, "this comment is never closed")),
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn int(&mut self) -> Result<Tok, SyntaxError> {
        let at = self.at();
        let mut digits = String::new();
        while let Some(c) = self.peek(0).filter(char::is_ascii_digit) {
            digits.push(c);
            self.bump();
        }
        digits.parse().map(Tok::Int).map_err(|_| SyntaxError::at(at, format!("the integer {digits} is too large")))
    }

    /// `'…'` with escapes and `${…}` holes, or a `'''…'''` multi-line string (verbatim).
    fn string(&mut self, depth: usize) -> Result<Tok, SyntaxError> {
        let open = self.at();
        if self.starts_with("'''") {
            (0..3).for_each(|_| {
                self.bump();
            });
            // A line break right after the opening quotes is not part of the text.
            if self.peek(0) == Some('\r') && self.peek(1) == Some('\n') {
                self.bump();
            }
            if self.peek(0) == Some('\n') {
                self.bump();
            }
            let mut text = String::new();
            while !self.starts_with("'''") {
                text.push(self.bump().ok_or_else(|| SyntaxError::at(open, "this string is never closed"))?);
            }
            (0..3).for_each(|_| {
                self.bump();
            });
            return Ok(Tok::Str(vec![Part::Text(text)]));
        }
        self.bump();
        let mut parts = Vec::new();
        let mut text = String::new();
        loop {
            let Some(c) = self.bump() else { return Err(SyntaxError::at(open, "this string is never closed")) };
            match c {
                '\'' => break,
                '\n' => return Err(SyntaxError::at(open, "this string is never closed on its line")),
                '\\' => {
                    let escaped = match self.bump() {
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('\\') => '\\',
                        Some('\'') => '\'',
                        Some('$') => '$',
                        Some('u') => self.unicode_escape()?,
                        other => return Err(self.error(format!("unknown escape \\{}", other.unwrap_or(' ')))),
                    };
                    text.push(escaped);
                }
                '$' if self.peek(0) == Some('{') => {
                    if depth >= MAX_HOLE_DEPTH {
                        return Err(self.error(format!("string holes nest more than {MAX_HOLE_DEPTH} deep")));
                    }
                    let hole = self.at();
                    self.bump();
                    parts.push(Part::Text(std::mem::take(&mut text)));
                    parts.push(Part::Hole(self.tokens(Some(hole), depth + 1)?));
                }
                c => text.push(c),
            }
        }
        parts.push(Part::Text(text));
        Ok(Tok::Str(parts))
    }

    /// `\u{1F600}`.
    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        if self.bump() != Some('{') {
            return Err(self.error("expected `{` after \\u"));
        }
        let mut hex = String::new();
        while let Some(c) = self.bump() {
            if c == '}' {
                break;
            }
            hex.push(c);
        }
        u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).ok_or_else(|| self.error("bad \\u{…} escape"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_with_holes_and_escapes() {
        let toks = lex("x = 'a${b}c\\'d'\n").unwrap();
        assert_eq!(toks[0].tok, Tok::Ident("x".into()));
        let Tok::Str(parts) = &toks[2].tok else { panic!("{toks:?}") };
        assert_eq!(parts[0], Part::Text("a".into()));
        assert!(matches!(&parts[1], Part::Hole(t) if t[0].tok == Tok::Ident("b".into())));
        assert_eq!(parts[2], Part::Text("c'd".into()));
        assert_eq!(toks[3].tok, Tok::Newline);
    }

    #[test]
    fn positions_and_comments() {
        let toks = lex("// c\n/* x\n */ param  a\n").unwrap();
        let param = toks.iter().find(|t| t.tok == Tok::Ident("param".into())).unwrap();
        assert_eq!((param.at.line, param.at.column), (3, 5));
    }

    #[test]
    fn unclosed_things_are_errors_where_they_start() {
        let e = lex("a = 'abc").unwrap_err();
        assert_eq!((e.line, e.column), (1, 5));
        let e = lex("\n a = '${b'").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(lex("a = 'x' ^").is_err());
        assert_eq!(lex("'''\nmulti\n'''").unwrap()[0].tok, Tok::Str(vec![Part::Text("multi\n".into())]));
    }
}
