//! Bicep expressions for the [`parse`](super::parse) parser: ternaries, binary operators by
//! precedence, unary operators, member access, indexing and calls, literals, strings with
//! holes, objects (with child resources), arrays and `for` loops. Every level counts
//! toward the parser's nesting bound.

use super::lex::{Part, Tok};
use super::parse::{Parsed, Parser};
use super::syntax::{Expr, Member, StrPart};
use crate::document::Position;

impl Parser {
    /// An expression (a ternary at the lowest precedence).
    pub(super) fn expr(&mut self) -> Parsed<Expr> {
        self.deeper()?;
        let cond = self.binary(0)?;
        let out = if self.is_after_newlines("?") {
            self.skip_newlines();
            self.i += 1;
            self.skip_newlines();
            let then = self.expr()?;
            if !self.is_after_newlines(":") {
                self.skip_newlines();
                return self.unexpected("`:`");
            }
            self.skip_newlines();
            self.i += 1;
            self.skip_newlines();
            let other = self.expr()?;
            let at = cond.at();
            Expr::Ternary { cond: Box::new(cond), then: Box::new(then), other: Box::new(other), at }
        } else {
            cond
        };
        self.depth -= 1;
        Ok(out)
    }

    pub(super) fn binary(&mut self, level: usize) -> Parsed<Expr> {
        const LEVELS: [&[&str]; 7] = [
            &["??"],
            &["||"],
            &["&&"],
            &["==", "!=", "=~", "!~"],
            &["<", ">", "<=", ">="],
            &["+", "-"],
            &["*", "/", "%"],
        ];
        let Some(ops) = LEVELS.get(level) else { return self.unary() };
        self.deeper()?;
        let mut left = self.binary(level + 1)?;
        while let Some(op) = ops.iter().copied().find(|op| self.is_after_newlines(op)) {
            self.skip_newlines();
            self.i += 1;
            self.skip_newlines();
            let right = self.binary(level + 1)?;
            let at = left.at();
            left = Expr::Binary { op, left: Box::new(left), right: Box::new(right), at };
        }
        self.depth -= 1;
        Ok(left)
    }

    pub(super) fn unary(&mut self) -> Parsed<Expr> {
        let at = self.at();
        for op in ["!", "-"] {
            if self.is(op) {
                self.deeper()?;
                self.i += 1;
                let operand = self.unary()?;
                self.depth -= 1;
                if let (Expr::Int(i, _), "-") = (&operand, op) {
                    return Ok(Expr::Int(-i, at));
                }
                return Ok(Expr::Unary { op, operand: Box::new(operand), at });
            }
        }
        self.postfix()
    }

    pub(super) fn postfix(&mut self) -> Parsed<Expr> {
        let mut e = self.primary()?;
        loop {
            let at = e.at();
            if self.is(".") || self.is(".?") {
                self.i += 1;
                let (name, _) = self.ident("a property name")?;
                if self.is("(") {
                    // `ns.f(…)` (`sys.`, `az.`) or a resource function (`sa.listKeys()`).
                    let args = self.args()?;
                    let ns = match &e {
                        Expr::Ident(n, _) => Some(n.clone()),
                        _ => Some(String::new()),
                    };
                    e = Expr::Call { ns, name, args, at };
                } else {
                    e = Expr::Member { target: Box::new(e), name, at };
                }
            } else if self.is("[") {
                self.i += 1;
                if self.is("?") {
                    self.i += 1;
                }
                self.skip_newlines();
                let index = self.expr()?;
                self.skip_newlines();
                self.expect("]")?;
                e = Expr::Index { target: Box::new(e), index: Box::new(index), at };
            } else if self.is("!") && !matches!(self.toks.get(self.i + 1).map(|t| &t.tok), Some(Tok::Punct("="))) {
                // The non-null assertion `x!` changes nothing here.
                self.i += 1;
            } else {
                return Ok(e);
            }
        }
    }

    pub(super) fn primary(&mut self) -> Parsed<Expr> {
        self.deeper()?;
        let at = self.at();
        let e = match self.next().map(|t| t.tok) {
            Some(Tok::Int(i)) => Expr::Int(i, at),
            Some(Tok::Str(parts)) => self.string(parts, at)?,
            Some(Tok::Ident(n)) if self.is("=>") => {
                self.i += 1;
                self.skip_newlines();
                self.expr()?;
                let _ = n;
                Expr::Lambda(at)
            }
            Some(Tok::Ident(n)) => match n.as_str() {
                "true" => Expr::Bool(true, at),
                "false" => Expr::Bool(false, at),
                "null" => Expr::Null(at),
                _ if self.is("(") => Expr::Call { ns: None, name: n, args: self.args()?, at },
                _ => Expr::Ident(n, at),
            },
            Some(Tok::Punct("(")) => {
                if self.is_lambda() {
                    self.skip_past_close();
                    self.expect("=>")?;
                    self.skip_newlines();
                    self.expr()?;
                    Expr::Lambda(at)
                } else {
                    self.skip_newlines();
                    let e = self.expr()?;
                    self.skip_newlines();
                    self.expect(")")?;
                    e
                }
            }
            Some(Tok::Punct("{")) => self.object(at)?,
            Some(Tok::Punct("[")) => self.array(at)?,
            _ => {
                self.i -= 1;
                return self.unexpected("an expression");
            }
        };
        self.depth -= 1;
        Ok(e)
    }

    /// After `(`: is this `(a, b) => …`?
    pub(super) fn is_lambda(&self) -> bool {
        let mut j = self.i;
        let mut depth = 0usize;
        while let Some(t) = self.toks.get(j) {
            match &t.tok {
                Tok::Punct("(") => depth += 1,
                Tok::Punct(")") if depth == 0 => {
                    return matches!(self.toks.get(j + 1).map(|t| &t.tok), Some(Tok::Punct("=>")));
                }
                Tok::Punct(")") => depth -= 1,
                Tok::Ident(_) | Tok::Punct(",") | Tok::Newline => {}
                _ => return false,
            }
            j += 1;
        }
        false
    }

    pub(super) fn skip_past_close(&mut self) {
        while let Some(t) = self.next() {
            if t.tok == Tok::Punct(")") {
                return;
            }
        }
    }

    pub(super) fn string(&mut self, parts: Vec<Part>, at: Position) -> Parsed<Expr> {
        let mut out = Vec::new();
        for part in parts {
            match part {
                Part::Text(t) => {
                    if !t.is_empty() {
                        out.push(StrPart::Text(t));
                    }
                }
                Part::Hole(tokens) => {
                    let end = tokens.last().map_or(at, |t| t.at);
                    let mut inner = Parser { toks: tokens, i: 0, depth: self.depth, end };
                    inner.skip_newlines();
                    let e = inner.expr()?;
                    inner.skip_newlines();
                    if inner.peek().is_some() {
                        return inner.unexpected("`}`");
                    }
                    out.push(StrPart::Hole(e));
                }
            }
        }
        if out.is_empty() {
            out.push(StrPart::Text(String::new()));
        }
        Ok(Expr::Str(out, at))
    }

    pub(super) fn object(&mut self, at: Position) -> Parsed<Expr> {
        let mut members = Vec::new();
        loop {
            self.skip_newlines();
            if self.is("}") {
                self.i += 1;
                return Ok(Expr::Object(members, at));
            }
            let key_at = self.at();
            if self.is_ident("resource") && matches!(self.toks.get(self.i + 1).map(|t| &t.tok), Some(Tok::Ident(_))) {
                self.i += 1;
                members.push(Member::Resource(Box::new(self.resource(key_at)?)));
            } else if self.is("@") {
                // Decorators on a child resource or a typed member: kept out of the value.
                self.decorators()?;
                continue;
            } else {
                let key = match self.next().map(|t| t.tok) {
                    Some(Tok::Ident(k)) => k,
                    Some(Tok::Str(parts)) => match parts.as_slice() {
                        [Part::Text(t)] => t.clone(),
                        [] => String::new(),
                        _ => {
                            self.i -= 1;
                            return self.error("an object key cannot be an interpolated string");
                        }
                    },
                    _ => {
                        self.i -= 1;
                        return self.unexpected("a property name or `}`");
                    }
                };
                self.expect(":")?;
                self.skip_newlines();
                let value = self.expr()?;
                members.push(Member::Prop { key, at: key_at, value });
            }
            if self.is(",") {
                self.i += 1;
            } else if !self.is("}") && self.peek() != Some(&Tok::Newline) {
                return self.unexpected("a line break, `,` or `}`");
            }
        }
    }

    pub(super) fn array(&mut self, at: Position) -> Parsed<Expr> {
        self.skip_newlines();
        if self.is_ident("for") {
            return self.for_loop(at);
        }
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            if self.is("]") {
                self.i += 1;
                return Ok(Expr::Array(items, at));
            }
            items.push(self.expr()?);
            if self.is(",") {
                self.i += 1;
            } else if !self.is("]") && self.peek() != Some(&Tok::Newline) {
                return self.unexpected("a line break, `,` or `]`");
            }
        }
    }

    pub(super) fn for_loop(&mut self, at: Position) -> Parsed<Expr> {
        self.i += 1;
        let (item, index) = if self.is("(") {
            self.i += 1;
            let (item, _) = self.ident("the loop's item name")?;
            self.expect(",")?;
            let (index, _) = self.ident("the loop's index name")?;
            self.expect(")")?;
            (item, Some(index))
        } else {
            (self.ident("the loop's item name")?.0, None)
        };
        if !self.is_ident("in") {
            return self.unexpected("`in`");
        }
        self.i += 1;
        let source = self.expr()?;
        self.expect(":")?;
        self.skip_newlines();
        let body = if self.is_ident("if") { self.if_body()? } else { self.expr()? };
        self.skip_newlines();
        self.expect("]")?;
        Ok(Expr::For { item, index, source: Box::new(source), body: Box::new(body), at })
    }
}
