//! Parser for the text inside `[...]`: calls, literals, `.member` and `[index]`
//! (tokens come from `parse/lex.rs`).
//!
//! Offsets in errors count characters from the start of the expression text (the
//! first character after the opening `[`). Nesting is capped so that hostile input
//! cannot exhaust the stack while parsing, evaluating or dropping the tree.

mod lex;

use self::lex::{Tok, Token, lex};
use super::EvalError;

/// How deep calls, member accesses and indexes may nest in one expression.
const MAX_DEPTH: usize = 100;

/// A parsed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A string literal (`'it''s'` is `it's`).
    Str(String),
    /// An integer literal.
    Int(i64),
    /// `true` or `false` written without parentheses.
    Bool(bool),
    /// `null` written without parentheses.
    Null,
    /// A function call such as `concat('a', 'b')`.
    Call {
        /// The name as written (matched case-insensitively; may hold a namespace dot).
        name: String,
        /// The arguments, in order.
        args: Vec<Expr>,
        /// Character offset of the name within the expression.
        offset: usize,
    },
    /// Member access: `target.name`.
    Member {
        /// The value whose member is read.
        target: Box<Expr>,
        /// The member name (matched case-insensitively).
        name: String,
        /// Character offset of the `.`.
        offset: usize,
    },
    /// Indexing: `target[index]`.
    Index {
        /// The array or object indexed.
        target: Box<Expr>,
        /// The index: an integer for arrays, a string for objects.
        index: Box<Expr>,
        /// Character offset of the `[`.
        offset: usize,
    },
}

/// Parses the text between the outer `[` and `]` of a template expression.
pub fn parse(text: &str) -> Result<Expr, EvalError> {
    let tokens = lex(text)?;
    let mut parser = Parser { tokens, pos: 0, end: text.chars().count() };
    if parser.tokens.is_empty() {
        return Err(EvalError("empty expression".into()));
    }
    let expr = parser.expr(0)?;
    match parser.peek() {
        None => Ok(expr),
        Some(t) => Err(EvalError(format!("unexpected {} at offset {}", t.kind.describe(), t.offset))),
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Offset just past the last character, for "expected … at offset" at the end.
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_kind(&self, ahead: usize) -> Option<&Tok> {
        self.tokens.get(self.pos.saturating_add(ahead)).map(|t| &t.kind)
    }

    /// Moves the current token out (consumed tokens are never looked at again).
    fn next(&mut self) -> Option<Token> {
        let slot = self.tokens.get_mut(self.pos)?;
        let token = std::mem::replace(slot, Token { kind: Tok::Comma, offset: slot.offset });
        self.pos += 1;
        Some(token)
    }

    fn offset(&self) -> usize {
        self.peek().map_or(self.end, |t| t.offset)
    }

    fn expected(&self, what: &str) -> EvalError {
        match self.peek() {
            Some(t) => EvalError(format!("expected {what} at offset {}, found {}", t.offset, t.kind.describe())),
            None => EvalError(format!("expected {what} at offset {}, found the end of the expression", self.end)),
        }
    }

    fn expect(&mut self, tok: &Tok, what: &str) -> Result<(), EvalError> {
        if self.peek_kind(0) == Some(tok) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    fn check_depth(&self, depth: usize) -> Result<(), EvalError> {
        if depth > MAX_DEPTH {
            Err(EvalError(format!("expression nests deeper than {MAX_DEPTH} levels at offset {}", self.offset())))
        } else {
            Ok(())
        }
    }

    /// A primary followed by any number of `.member` and `[index]`.
    fn expr(&mut self, depth: usize) -> Result<Expr, EvalError> {
        self.check_depth(depth)?;
        let mut expr = self.primary(depth)?;
        let mut depth = depth;
        loop {
            match self.peek_kind(0) {
                Some(Tok::Dot) => {
                    depth += 1;
                    self.check_depth(depth)?;
                    let offset = self.offset();
                    self.pos += 1;
                    let name = match self.peek_kind(0) {
                        Some(Tok::Ident(name)) => name.clone(),
                        _ => return Err(self.expected("a member name after `.`")),
                    };
                    self.pos += 1;
                    expr = Expr::Member { target: Box::new(expr), name, offset };
                }
                Some(Tok::LBracket) => {
                    depth += 1;
                    self.check_depth(depth)?;
                    let offset = self.offset();
                    self.pos += 1;
                    let index = self.expr(depth + 1)?;
                    self.expect(&Tok::RBracket, "`]`")?;
                    expr = Expr::Index { target: Box::new(expr), index: Box::new(index), offset };
                }
                _ => return Ok(expr),
            }
        }
    }

    fn primary(&mut self, depth: usize) -> Result<Expr, EvalError> {
        let Some(token) = self.next() else {
            return Err(EvalError(format!("expected a value at offset {}, found the end of the expression", self.end)));
        };
        match token.kind {
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Int(i) => Ok(Expr::Int(i)),
            Tok::Ident(first) => {
                let mut name = first;
                // `namespace.function(` is one name; `.member` after a call is handled by `expr`.
                while self.peek_kind(0) == Some(&Tok::Dot)
                    && matches!(self.peek_kind(1), Some(Tok::Ident(_)))
                    && self.peek_kind(2) == Some(&Tok::LParen)
                {
                    if let Some(Tok::Ident(part)) = self.peek_kind(1) {
                        name.push('.');
                        name.push_str(part);
                    }
                    self.pos += 2;
                }
                if self.peek_kind(0) != Some(&Tok::LParen) {
                    return match name.to_ascii_lowercase().as_str() {
                        "true" => Ok(Expr::Bool(true)),
                        "false" => Ok(Expr::Bool(false)),
                        "null" => Ok(Expr::Null),
                        _ => Err(self.expected(&format!("`(` after function name `{name}`"))),
                    };
                }
                self.pos += 1;
                let args = self.args(depth + 1)?;
                Ok(Expr::Call { name, args, offset: token.offset })
            }
            other => Err(EvalError(format!("expected a value at offset {}, found {}", token.offset, other.describe()))),
        }
    }

    /// Arguments after `(`, through the closing `)`.
    fn args(&mut self, depth: usize) -> Result<Vec<Expr>, EvalError> {
        let mut args = Vec::new();
        if self.peek_kind(0) == Some(&Tok::RParen) {
            self.pos += 1;
            return Ok(args);
        }
        loop {
            args.push(self.expr(depth)?);
            match self.peek_kind(0) {
                Some(Tok::Comma) => self.pos += 1,
                Some(Tok::RParen) => {
                    self.pos += 1;
                    return Ok(args);
                }
                _ => return Err(self.expected("`,` or `)`")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: Vec<Expr>, offset: usize) -> Expr {
        Expr::Call { name: name.into(), args, offset }
    }

    #[test]
    fn parses_calls_literals_and_whitespace() {
        let e = parse(" concat ( 'a''b' , -12, true, null ) ").unwrap();
        assert_eq!(e, call("concat", vec![Expr::Str("a'b".into()), Expr::Int(-12), Expr::Bool(true), Expr::Null], 1));
        assert_eq!(parse("true()").unwrap(), call("true", vec![], 0));
        assert_eq!(parse("'x]y'").unwrap(), Expr::Str("x]y".into()));
        assert_eq!(parse("''").unwrap(), Expr::Str(String::new()));
    }

    #[test]
    fn parses_member_and_index_chains() {
        let e = parse("reference('x').outputs['y'].value[0]").unwrap();
        let Expr::Index { target, index, offset } = e else { panic!("not an index") };
        assert_eq!((*index, offset), (Expr::Int(0), 33));
        let Expr::Member { target, name, .. } = *target else { panic!("not a member") };
        assert_eq!(name, "value");
        let Expr::Index { target, index, .. } = *target else { panic!("not an index") };
        assert_eq!(*index, Expr::Str("y".into()));
        let Expr::Member { target, name, offset } = *target else { panic!("not a member") };
        assert_eq!((name.as_str(), offset), ("outputs", 14));
        assert_eq!(*target, call("reference", vec![Expr::Str("x".into())], 0));
    }

    #[test]
    fn parses_namespaced_user_functions() {
        assert_eq!(parse("my.fn(1)").unwrap(), call("my.fn", vec![Expr::Int(1)], 0));
        let e = parse("f().a").unwrap();
        assert!(matches!(e, Expr::Member { ref name, .. } if name == "a"));
    }

    #[test]
    fn reports_offsets() {
        assert_eq!(parse("concat('a' 'b')").unwrap_err().0, "expected `,` or `)` at offset 11, found string literal");
        assert_eq!(
            parse("concat('a'").unwrap_err().0,
            "expected `,` or `)` at offset 10, found the end of the expression"
        );
        assert_eq!(parse("concat('a)").unwrap_err().0, "unterminated string literal starting at offset 7");
        assert_eq!(parse("a(),b()").unwrap_err().0, "unexpected `,` at offset 3");
        assert_eq!(
            parse("foo").unwrap_err().0,
            "expected `(` after function name `foo` at offset 3, found the end of the expression"
        );
        assert_eq!(
            parse("f().").unwrap_err().0,
            "expected a member name after `.` at offset 4, found the end of the expression"
        );
        assert_eq!(parse("f()[1").unwrap_err().0, "expected `]` at offset 5, found the end of the expression");
        assert_eq!(parse("f(1,)").unwrap_err().0, "expected a value at offset 4, found `)`");
        assert_eq!(parse("   ").unwrap_err().0, "empty expression");
        assert_eq!(parse("f(#)").unwrap_err().0, "unexpected character `#` at offset 2");
        assert_eq!(parse("f(1.5)").unwrap_err().0, "expected a member name after `.` at offset 4, found `5`");
        assert!(parse("f(99999999999999999999)").unwrap_err().0.contains("does not fit in 64 bits"));
        assert_eq!(parse("f(-)").unwrap_err().0, "expected a digit after `-` at offset 2");
        assert_eq!(parse("f(12ab)").unwrap_err().0, "invalid number `12a` at offset 2");
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        assert_eq!(parse("f('é', 'ü' 1)").unwrap_err().0, "expected `,` or `)` at offset 11, found `1`");
    }

    #[test]
    fn limits_nesting() {
        let deep = format!("{}1{}", "f(".repeat(500), ")".repeat(500));
        assert!(parse(&deep).unwrap_err().0.contains("nests deeper"));
        let chain = format!("f(){}", ".a".repeat(500));
        assert!(parse(&chain).unwrap_err().0.contains("nests deeper"));
        let ok = format!("{}1{}", "f(".repeat(40), ")".repeat(40));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn never_panics_on_garbage() {
        let samples = ["(", ")", "[", "]", "'", "''''", ",", ".", "-", "f(", "f)", "f[", "f()]", "é(", "f('\u{1F600}"];
        for a in samples {
            for b in samples {
                let _ = parse(&format!("{a}{b}"));
                let _ = parse(&format!("f({a}{b})"));
            }
        }
    }
}
