//! A recursive-descent parser for Bicep (declarations and the expression language),
//! from [`lex`](super::lex) tokens to the [`syntax`](super::syntax) tree. Nesting is
//! bounded ([`MAX_DEPTH`]), so a hostile file cannot overflow the stack; total work is
//! bounded by the token count. The first error is reported at its line and column.

use super::lex::{self, Part, Tok, Token};
use super::syntax::{Decl, Decorator, Expr, Resource};
use crate::document::{Position, SyntaxError};

/// How deeply expressions, objects and arrays may nest.
pub const MAX_DEPTH: usize = 100;

/// Parses a whole `.bicep` or `.bicepparam` file.
pub fn parse(text: &str) -> Result<Vec<Decl>, SyntaxError> {
    let tokens = lex::lex(text)?;
    let end = end_of(text);
    let mut p = Parser { toks: tokens, i: 0, depth: 0, end };
    p.file()
}

/// The position just past the last character (where "unexpected end" is reported).
fn end_of(text: &str) -> Position {
    let line = u32::try_from(text.lines().count().max(1)).unwrap_or(u32::MAX);
    let last = if text.ends_with('\n') { "" } else { text.lines().last().unwrap_or("") };
    let line = if text.ends_with('\n') { line + 1 } else { line };
    Position { line, column: u32::try_from(last.chars().count() + 1).unwrap_or(u32::MAX) }
}

pub(super) struct Parser {
    pub(super) toks: Vec<Token>,
    pub(super) i: usize,
    pub(super) depth: usize,
    pub(super) end: Position,
}

pub(super) type Parsed<T> = Result<T, SyntaxError>;

impl Parser {
    pub(super) fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.tok)
    }

    pub(super) fn at(&self) -> Position {
        self.toks.get(self.i).map_or(self.end, |t| t.at)
    }

    pub(super) fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.i).cloned();
        self.i += 1;
        t
    }

    pub(super) fn is(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Tok::Punct(q)) if *q == p)
    }

    pub(super) fn is_ident(&self, name: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(n)) if n == name)
    }

    pub(super) fn error<T>(&self, message: impl Into<String>) -> Parsed<T> {
        Err(SyntaxError::at(self.at(), message))
    }

    pub(super) fn unexpected<T>(&self, wanted: &str) -> Parsed<T> {
        let found = match self.peek() {
            None => "the end of the file".to_owned(),
            Some(Tok::Newline) => "the end of the line".to_owned(),
            Some(Tok::Ident(n)) => format!("`{n}`"),
            Some(Tok::Int(i)) => format!("`{i}`"),
            Some(Tok::Str(_)) => "a string".to_owned(),
            Some(Tok::Punct(p)) => format!("`{p}`"),
        };
        self.error(format!("expected {wanted}, found {found}"))
    }

    pub(super) fn expect(&mut self, p: &str) -> Parsed<()> {
        if self.is(p) {
            self.i += 1;
            Ok(())
        } else {
            self.unexpected(&format!("`{p}`"))
        }
    }

    pub(super) fn skip_newlines(&mut self) {
        while self.peek() == Some(&Tok::Newline) {
            self.i += 1;
        }
    }

    /// The next token past line breaks is the punctuation `p`.
    pub(super) fn is_after_newlines(&self, p: &str) -> bool {
        let mut j = self.i;
        while matches!(self.toks.get(j).map(|t| &t.tok), Some(Tok::Newline)) {
            j += 1;
        }
        matches!(self.toks.get(j).map(|t| &t.tok), Some(Tok::Punct(q)) if *q == p)
    }

    pub(super) fn ident(&mut self, what: &str) -> Parsed<(String, Position)> {
        match self.peek() {
            Some(Tok::Ident(n)) => {
                let n = n.clone();
                let at = self.at();
                self.i += 1;
                Ok((n, at))
            }
            _ => self.unexpected(what),
        }
    }

    fn plain_string(&mut self, what: &str) -> Parsed<(String, Position)> {
        let at = self.at();
        match self.peek() {
            Some(Tok::Str(parts)) => match parts.as_slice() {
                [Part::Text(t)] => {
                    let t = t.clone();
                    self.i += 1;
                    Ok((t, at))
                }
                _ => self.error(format!("{what} cannot be an interpolated string")),
            },
            _ => self.unexpected(what),
        }
    }

    pub(super) fn deeper(&mut self) -> Parsed<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error(format!("expressions nest more than {MAX_DEPTH} deep"));
        }
        Ok(())
    }

    fn file(&mut self) -> Parsed<Vec<Decl>> {
        let mut decls = Vec::new();
        loop {
            self.skip_newlines();
            if self.peek().is_none() {
                return Ok(decls);
            }
            decls.push(self.decl()?);
            if self.peek().is_some() && self.peek() != Some(&Tok::Newline) {
                return self.unexpected("the end of the line");
            }
        }
    }

    pub(super) fn decorators(&mut self) -> Parsed<Vec<Decorator>> {
        let mut out = Vec::new();
        while self.is("@") {
            self.i += 1;
            let (mut name, _) = self.ident("a decorator name")?;
            if self.is(".") {
                self.i += 1;
                name = self.ident("a decorator name")?.0;
            }
            let args = if self.is("(") { self.args()? } else { Vec::new() };
            out.push(Decorator { name, args });
            self.skip_newlines();
        }
        Ok(out)
    }

    fn decl(&mut self) -> Parsed<Decl> {
        let decorators = self.decorators()?;
        let at = self.at();
        let (keyword, _) = self.ident("a declaration (param, var, resource, module, output, …)")?;
        match keyword.as_str() {
            "param" => {
                let (name, _) = self.ident("a parameter name")?;
                if self.is("=") {
                    // A parameters file's `param x = value`.
                    self.i += 1;
                    let default = Some(self.expr()?);
                    return Ok(Decl::Param { name, decorators, ty: String::new(), default, at });
                }
                let ty = self.skip_type()?;
                let default = if self.is("=") {
                    self.i += 1;
                    Some(self.expr()?)
                } else {
                    None
                };
                Ok(Decl::Param { name, decorators, ty, default, at })
            }
            "var" => {
                let (name, _) = self.ident("a variable name")?;
                if !self.is("=") {
                    self.skip_type()?;
                }
                self.expect("=")?;
                Ok(Decl::Var { name, value: self.expr()?, at })
            }
            "resource" => Ok(Decl::Resource(self.resource(at)?)),
            "module" => {
                let (name, _) = self.ident("a module name")?;
                let (path, path_at) = self.plain_string("the module's path")?;
                self.expect("=")?;
                let body = self.body()?;
                Ok(Decl::Module { name, path, path_at, body, at })
            }
            "output" => {
                let (name, _) = self.ident("an output name")?;
                self.skip_type()?;
                self.expect("=")?;
                Ok(Decl::Output { name, value: self.expr()?, at })
            }
            "func" => self.func(at),
            "targetScope" => {
                self.expect("=")?;
                Ok(Decl::TargetScope(self.expr()?))
            }
            "using" => {
                if self.is_ident("none") {
                    self.i += 1;
                    return Ok(Decl::Other);
                }
                let (path, at) = self.plain_string("the template's path")?;
                Ok(Decl::Using { path, at })
            }
            "metadata" | "type" | "import" | "extension" | "provider" | "assert" => {
                self.skip_line()?;
                Ok(Decl::Other)
            }
            _ => Err(SyntaxError::at(at, format!("`{keyword}` is not a Bicep declaration"))),
        }
    }

    pub(super) fn resource(&mut self, at: Position) -> Parsed<Resource> {
        let (name, _) = self.ident("a resource name")?;
        let (ty, ty_at) = self.plain_string("the resource type ('Type@version')")?;
        let existing = self.is_ident("existing");
        if existing {
            self.i += 1;
        }
        self.expect("=")?;
        let body = self.body()?;
        Ok(Resource { name, ty, ty_at, existing, body, at })
    }

    /// A resource's or module's body: `{…}`, `if (…) {…}` or `[for …]`.
    fn body(&mut self) -> Parsed<Expr> {
        match self.peek() {
            Some(Tok::Ident(n)) if n == "if" => self.if_body(),
            Some(Tok::Punct("{")) | Some(Tok::Punct("[")) => self.primary(),
            _ => self.unexpected("`{`, `if` or `[for`"),
        }
    }

    pub(super) fn if_body(&mut self) -> Parsed<Expr> {
        let at = self.at();
        self.i += 1;
        self.expect("(")?;
        self.skip_newlines();
        let cond = self.expr()?;
        self.skip_newlines();
        self.expect(")")?;
        if !self.is("{") {
            return self.unexpected("`{`");
        }
        let body = self.primary()?;
        Ok(Expr::If { cond: Box::new(cond), body: Box::new(body), at })
    }

    fn func(&mut self, at: Position) -> Parsed<Decl> {
        let (name, _) = self.ident("a function name")?;
        self.expect("(")?;
        let mut params = Vec::new();
        while !self.is(")") {
            self.skip_newlines();
            params.push(self.ident("a parameter name")?.0);
            self.skip_type_until(&[",", ")"])?;
            if self.is(",") {
                self.i += 1;
            }
            self.skip_newlines();
        }
        self.i += 1;
        self.skip_type_until(&["=>"])?;
        self.expect("=>")?;
        self.skip_newlines();
        Ok(Decl::Func { name, params, body: self.expr()?, at })
    }

    /// Skips a type (`string`, `'a' | 'b'`, `{…}`, `string[]`, `resource '…'`) up to `=`
    /// or the end of the line; returns its first word.
    fn skip_type(&mut self) -> Parsed<String> {
        let first = match self.peek() {
            Some(Tok::Ident(n)) => n.clone(),
            _ => String::new(),
        };
        self.skip_type_until(&["="])?;
        Ok(first)
    }

    fn skip_type_until(&mut self, stops: &[&str]) -> Parsed<()> {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                None => return Ok(()),
                Some(Tok::Newline) if depth == 0 => return Ok(()),
                Some(Tok::Punct(p)) if depth == 0 && stops.contains(p) => return Ok(()),
                Some(Tok::Punct("{" | "[" | "(")) => depth += 1,
                Some(Tok::Punct("}" | "]" | ")")) if depth == 0 => return self.unexpected("a type"),
                Some(Tok::Punct("}" | "]" | ")")) => depth -= 1,
                _ => {}
            }
            self.i += 1;
        }
    }

    /// Skips to the end of the declaration (brackets balanced).
    fn skip_line(&mut self) -> Parsed<()> {
        self.skip_type_until(&[])
    }

    pub(super) fn args(&mut self) -> Parsed<Vec<Expr>> {
        self.expect("(")?;
        let mut args = Vec::new();
        loop {
            self.skip_newlines();
            if self.is(")") {
                self.i += 1;
                return Ok(args);
            }
            args.push(self.expr()?);
            self.skip_newlines();
            if self.is(",") {
                self.i += 1;
            } else if !self.is(")") {
                return self.unexpected("`,` or `)`");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_and_expressions() {
        let text = "@allowed([\n  '7.2'\n  '9_4'\n])\nparam sku string = '7.2'\nvar n = sku == '7.2' ? 1 : 2\n\
                    resource vm 'Microsoft.Compute/virtualMachines@2023-03-01' = [for i in range(0, 3): {\n  name: 'vm${i}'\n}]\n";
        let decls = parse(text).unwrap();
        assert_eq!(decls.len(), 3);
        let Decl::Param { decorators, default, .. } = &decls[0] else { panic!() };
        assert_eq!(decorators[0].name, "allowed");
        assert_eq!(default.as_ref().unwrap().plain_str(), Some("7.2"));
        assert!(matches!(&decls[1], Decl::Var { value: Expr::Ternary { .. }, .. }));
        let Decl::Resource(r) = &decls[2] else { panic!() };
        assert!(matches!(&r.body, Expr::For { item, .. } if item == "i"));
    }

    #[test]
    fn errors_say_where() {
        let e = parse("param a string\nresource x 'T@1' = {\n  name: 'a'\n  location: \n}\n").unwrap_err();
        assert_eq!((e.line, e.column), (5, 1), "{e}");
        let e = parse("var x = (1 + \n").unwrap_err();
        assert!(e.message.starts_with("expected an expression"), "{e}");
        assert!(parse("bogus x = 1").is_err());
        let deep = format!("var x = {}1{}", "(".repeat(500), ")".repeat(500));
        assert!(parse(&deep).unwrap_err().message.contains("nest"));
    }

    #[test]
    fn lambdas_and_multiline_ternaries() {
        let decls = parse("var a = filter(xs, x => x > 1)\nvar b = c\n  ? 'x'\n  : 'y'\n").unwrap();
        assert!(matches!(&decls[1], Decl::Var { value: Expr::Ternary { .. }, .. }));
    }
}
