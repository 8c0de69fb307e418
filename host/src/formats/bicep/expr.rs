//! Bicep expressions as ARM template expressions: Bicep's functions are ARM's, so an
//! expression is rewritten (`a == b ? x : y` → `if(equals(a, b), x, y)`, names →
//! `parameters('…')` / `variables('…')`, loop items → `copyIndex()`) and evaluated by
//! the ARM evaluator. Literals that a choice can pick (ternary branches, members of
//! objects and arrays inside expressions) are hoisted into variables of their own
//! placed at the literal, so a value chosen from them points at the literal itself.

use super::compile::{Compiler, Sym};
use super::syntax::{Expr, Member, StrPart};

/// How deeply user-defined functions may call each other.
const MAX_INLINE: usize = 16;

/// Quotes text as an ARM string literal.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `.name`, or `['name']` when the name is not an identifier.
fn member_text(name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!(".{name}")
    } else {
        format!("[{}]", quote(name))
    }
}

impl Compiler<'_> {
    /// The ARM expression text (without brackets) of `e`.
    pub fn arm(&mut self, e: &Expr) -> String {
        self.work += 1;
        if self.work > super::compile::MAX_WORK {
            return self.unknown(e, "the template is too large to evaluate");
        }
        match e {
            Expr::Str(parts, _) => self.string(parts),
            Expr::Int(i, _) => i.to_string(),
            Expr::Bool(b, _) => b.to_string(),
            Expr::Null(_) => "null()".into(),
            Expr::Ident(name, _) => self.ident(name, e),
            Expr::Object(members, _) => {
                let mut args = Vec::new();
                for m in members {
                    if let Member::Prop { key, value, .. } = m {
                        args.push(quote(key));
                        args.push(self.hoisted(value));
                    }
                }
                format!("createObject({})", args.join(", "))
            }
            Expr::Array(items, _) => {
                let args: Vec<String> = items.iter().map(|i| self.hoisted(i)).collect();
                format!("createArray({})", args.join(", "))
            }
            Expr::Call { ns, name, args, .. } => self.call(ns.as_deref(), name, args, e),
            Expr::Member { target, name, .. } => self.member(target, name, e),
            Expr::Index { target, index, .. } => {
                if let Expr::Ident(sym, _) = &**target
                    && matches!(self.symbol(sym), Some(Sym::Resource { .. } | Sym::Module { .. }))
                {
                    return format!("reference({})", quote(sym));
                }
                format!("{}[{}]", self.arm(target), self.arm(index))
            }
            Expr::Unary { op: "!", operand, .. } => format!("not({})", self.arm(operand)),
            Expr::Unary { operand, .. } => format!("sub(0, {})", self.arm(operand)),
            Expr::Binary { op, left, right, .. } => {
                let (l, r) = if *op == "??" {
                    (self.hoisted(left), self.hoisted(right))
                } else {
                    (self.arm(left), self.arm(right))
                };
                match *op {
                    "??" => format!("coalesce({l}, {r})"),
                    "||" => format!("or({l}, {r})"),
                    "&&" => format!("and({l}, {r})"),
                    "==" => format!("equals({l}, {r})"),
                    "!=" => format!("not(equals({l}, {r}))"),
                    "=~" => format!("equals(toLower({l}), toLower({r}))"),
                    "!~" => format!("not(equals(toLower({l}), toLower({r})))"),
                    "<" => format!("less({l}, {r})"),
                    ">" => format!("greater({l}, {r})"),
                    "<=" => format!("lessOrEquals({l}, {r})"),
                    ">=" => format!("greaterOrEquals({l}, {r})"),
                    "+" => format!("add({l}, {r})"),
                    "-" => format!("sub({l}, {r})"),
                    "*" => format!("mul({l}, {r})"),
                    "/" => format!("div({l}, {r})"),
                    _ => format!("mod({l}, {r})"),
                }
            }
            Expr::Ternary { cond, then, other, .. } => {
                let c = self.arm(cond);
                format!("if({c}, {}, {})", self.hoisted(then), self.hoisted(other))
            }
            Expr::For { .. } => self
                .unknown(e, "a `for` expression is only evaluated as a resource, module, variable or property value"),
            Expr::If { .. } => self.unknown(e, "`if` is only allowed on a resource or module"),
            Expr::Lambda(_) => "null()".into(),
        }
    }

    /// A literal as a variable of its own, placed at the literal; anything else as is.
    pub fn hoisted(&mut self, e: &Expr) -> String {
        match e {
            Expr::Str(..) | Expr::Int(..) if e.plain_str().is_some() || matches!(e, Expr::Int(..)) => {
                let at = e.at();
                let name = format!("literal {}:{}", at.line, at.column);
                let value = self.value(e, &format!("/variables/{}", crate::document::escape_token(&name)));
                self.set_variable(&name, value);
                format!("variables({})", quote(&name))
            }
            _ => self.arm(e),
        }
    }

    fn string(&mut self, parts: &[StrPart]) -> String {
        if let [StrPart::Text(t)] = parts {
            return quote(t);
        }
        let mut args = Vec::new();
        if !matches!(parts.first(), Some(StrPart::Text(_))) {
            args.push("''".to_owned());
        }
        for part in parts {
            match part {
                StrPart::Text(t) => args.push(quote(t)),
                StrPart::Hole(h) => args.push(self.arm(h)),
            }
        }
        format!("concat({})", args.join(", "))
    }

    fn ident(&mut self, name: &str, e: &Expr) -> String {
        if let Some(text) = self.scope.iter().rev().find(|(n, _)| n == name).map(|(_, t)| t.clone()) {
            return text;
        }
        match self.symbol(name) {
            Some(Sym::Param) => format!("parameters({})", quote(name)),
            Some(Sym::Var) => format!("variables({})", quote(name)),
            Some(Sym::Resource { ty, name: n, .. }) => format!("resourceId({}, {n})", quote(&ty)),
            Some(Sym::Module { .. }) => format!("reference({})", quote(name)),
            Some(Sym::Func { .. }) => self.unknown(e, &format!("function {name} is used without being called")),
            None => {
                self.problem(e.at(), format!("`{name}` is not declared"));
                self.unknown(e, &format!("`{name}` is not declared"))
            }
        }
    }

    fn member(&mut self, target: &Expr, name: &str, e: &Expr) -> String {
        // `mod.outputs.x` reads the module deployment's output.
        if let Expr::Member { target: inner, name: outputs, .. } = target
            && outputs == "outputs"
            && let Expr::Ident(sym, _) = &**inner
            && let Some(Sym::Module { name: deployment, .. }) = self.symbol(sym)
        {
            return format!("reference({deployment}).outputs{}.value", member_text(name));
        }
        if let Expr::Ident(sym, _) = target
            && self.scope.iter().all(|(n, _)| n != sym)
            && let Some(Sym::Resource { ty, api, name: n }) = self.symbol(sym)
        {
            let id = format!("resourceId({}, {n})", quote(&ty));
            return match name {
                "id" => id,
                "name" => n,
                "type" => quote(&ty),
                "apiVersion" => quote(&api),
                _ => format!("reference({id}, {}, 'Full'){}", quote(&api), member_text(name)),
            };
        }
        let _ = e;
        format!("{}{}", self.arm(target), member_text(name))
    }

    fn call(&mut self, ns: Option<&str>, name: &str, args: &[Expr], e: &Expr) -> String {
        let namespaced = matches!(ns, Some("sys" | "az"));
        if !namespaced && let Some(target) = ns {
            // A resource's function (`storage.listKeys()`): reads the live resource.
            return self.unknown(e, &format!("{target}.{name}() reads the live resource"));
        }
        match name {
            "loadTextContent" | "loadFileAsBase64" | "loadJsonContent" => return self.load(name, args, e),
            "readEnvironmentVariable" => {
                return self.unknown(e, "readEnvironmentVariable() is read where the deployment runs");
            }
            _ => {}
        }
        if !namespaced && let Some(Sym::Func { params, body }) = self.symbol(name) {
            return self.inline(name, &params, &body, args, e);
        }
        let texts: Vec<String> = args.iter().map(|a| self.arm(a)).collect();
        format!("{name}({})", texts.join(", "))
    }

    /// A user-defined function's body with its parameters bound to the arguments.
    fn inline(&mut self, name: &str, params: &[String], body: &Expr, args: &[Expr], e: &Expr) -> String {
        if self.inlining >= MAX_INLINE {
            return self.unknown(e, &format!("user-defined functions call each other more than {MAX_INLINE} deep"));
        }
        if params.len() != args.len() {
            self.problem(e.at(), format!("{name}() takes {} arguments, given {}", params.len(), args.len()));
        }
        let bound: Vec<(String, String)> = params.iter().zip(args).map(|(p, a)| (p.clone(), self.arm(a))).collect();
        // A function sees only its parameters (and other functions), not the caller's loop.
        let saved = std::mem::replace(&mut self.scope, bound);
        self.inlining += 1;
        let text = self.arm(body);
        self.inlining -= 1;
        self.scope = saved;
        text
    }

    fn load(&mut self, function: &str, args: &[Expr], e: &Expr) -> String {
        let Some(relative) = args.first().and_then(Expr::plain_str) else {
            self.problem(e.at(), format!("{function}() needs a literal path"));
            return self.unknown(e, &format!("{function}() needs a literal path"));
        };
        let dir = self.file.fs_path.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        match super::loads::load(function, relative, &dir, self.file.root) {
            Ok(text) if function == "loadJsonContent" => format!("json({})", quote(&text)),
            Ok(text) => quote(&text),
            Err(why) => {
                self.problem(e.at(), why.clone());
                self.unknown(e, &why)
            }
        }
    }

    /// An expression whose value is unknown, with the reason.
    pub fn unknown(&mut self, _e: &Expr, reason: &str) -> String {
        format!("notEvaluated({})", quote(reason))
    }
}
