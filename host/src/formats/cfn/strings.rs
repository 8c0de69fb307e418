//! The string functions (`Fn::Sub` with `${Param}`, `${AWS::Region}`, `${!Literal}` and
//! the variable-map form, `Fn::Join`, `Fn::Select`, `Fn::Split`), and [`Eval::render`],
//! which turns a boot script into partly known text: the known text, with a hole
//! ([`entitle_sdk::model::HOLE`]) and its reason for each unknown part.

use serde_json::Value;

use super::eval::Eval;
use super::value::{Kind, Val};
use crate::document::escape_token;
use crate::formats::partial::Partial;

/// One piece of an `Fn::Sub` template.
enum Piece<'a> {
    Text(&'a str),
    /// `${!x}`: written as `${x}`.
    Literal(&'a str),
    Var(&'a str),
}

/// Splits an `Fn::Sub` template into text and `${…}` variables.
fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else { break };
        out.push(Piece::Text(&rest[..start]));
        let inner = &rest[start + 2..start + len];
        out.push(match inner.strip_prefix('!') {
            Some(literal) => Piece::Literal(literal),
            None => Piece::Var(inner.trim()),
        });
        rest = &rest[start + len + 1..];
    }
    out.push(Piece::Text(rest));
    out
}

impl Eval<'_> {
    /// The template string and the variable map of an `Fn::Sub` argument.
    fn sub_parts<'v>(&self, arg: &'v Value, at: &str) -> Option<(&'v str, Vec<(String, Val)>)> {
        match arg {
            Value::String(s) => Some((s, Vec::new())),
            Value::Array(parts) if parts.len() == 2 => {
                let template = parts[0].as_str()?;
                let vars = match &parts[1] {
                    Value::Object(map) => map
                        .iter()
                        .map(|(k, v)| (k.clone(), self.eval(v, &format!("{at}/1/{}", escape_token(k)))))
                        .collect(),
                    _ => return None,
                };
                Some((template, vars))
            }
            _ => None,
        }
    }

    /// A `${name}` of `Fn::Sub`: the variable map, else a resource attribute, else `Ref`.
    fn sub_var(&self, name: &str, vars: &[(String, Val)]) -> Val {
        if let Some((_, v)) = vars.iter().find(|(k, _)| k == name) {
            return v.clone();
        }
        match name.split_once('.') {
            Some((resource, attribute)) if !name.starts_with("AWS::") => {
                let node = Value::Object(serde_json::Map::from_iter([(
                    "Fn::GetAtt".to_owned(),
                    Value::from(vec![resource.to_owned(), attribute.to_owned()]),
                )]));
                self.eval(&node, "")
            }
            _ => self.reference(name),
        }
    }

    pub(super) fn sub(&self, arg: &Value, at: &str) -> Val {
        let Some((template, vars)) = self.sub_parts(arg, at) else {
            return Val::fail("Fn::Sub takes a string, or a string and a map of variables");
        };
        let mut text = String::new();
        let mut chain = Vec::new();
        for piece in pieces(template) {
            match piece {
                Piece::Text(t) => text.push_str(t),
                Piece::Literal(l) => text.push_str(&format!("${{{l}}}")),
                Piece::Var(name) => {
                    let v = self.sub_var(name, &vars);
                    match v.text() {
                        Some(s) => text.push_str(&s),
                        None if v.is_opaque() => return v,
                        None => return Val::fail(format!("${{{name}}} in Fn::Sub is {}, not a string", v.type_name())),
                    }
                    chain.extend(v.chain);
                }
            }
        }
        Val { chain, ..Val::str(text) }
    }

    pub(super) fn join(&self, arg: &Value, at: &str) -> Val {
        let Some([delimiter, list]) = arg.as_array().and_then(|a| <&[Value; 2]>::try_from(a.as_slice()).ok()) else {
            return Val::fail("Fn::Join takes a delimiter and a list");
        };
        let Some(delimiter) = delimiter.as_str() else { return Val::fail("Fn::Join's delimiter must be a string") };
        let list = self.eval(list, &format!("{at}/1"));
        let Kind::List(items) = &list.kind else {
            return if list.is_opaque() { list } else { Val::fail("Fn::Join's second argument must be a list") };
        };
        let mut texts = Vec::new();
        let mut chain = Vec::new();
        for item in items {
            match item.text() {
                Some(t) => texts.push(t),
                None if item.is_opaque() => return item.clone(),
                None => return Val::fail(format!("Fn::Join cannot join {}", item.type_name())),
            }
            chain.extend(item.chain.iter().cloned());
        }
        Val { chain, ..Val::str(texts.join(delimiter)) }
    }

    pub(super) fn select(&self, arg: &Value, at: &str) -> Val {
        let Some([index, list]) = arg.as_array().and_then(|a| <&[Value; 2]>::try_from(a.as_slice()).ok()) else {
            return Val::fail("Fn::Select takes an index and a list");
        };
        let index = self.eval(index, &format!("{at}/0"));
        let list = self.eval(list, &format!("{at}/1"));
        if index.is_opaque() {
            return index;
        }
        let Some(i) = index.text().and_then(|t| t.trim().parse::<usize>().ok()) else {
            return Val::fail("Fn::Select's index must be a whole number");
        };
        match &list.kind {
            Kind::List(items) => items.get(i).cloned().unwrap_or_else(|| {
                Val::fail(format!("Fn::Select index {i} is past the end of a list of {}", items.len()))
            }),
            _ if list.is_opaque() => list,
            _ => Val::fail("Fn::Select's second argument must be a list"),
        }
    }

    pub(super) fn split(&self, arg: &Value, at: &str) -> Val {
        let Some([delimiter, text]) = arg.as_array().and_then(|a| <&[Value; 2]>::try_from(a.as_slice()).ok()) else {
            return Val::fail("Fn::Split takes a delimiter and a string");
        };
        let Some(delimiter) = delimiter.as_str().filter(|d| !d.is_empty()) else {
            return Val::fail("Fn::Split's delimiter must be a non-empty string");
        };
        let value = self.eval(text, &format!("{at}/1"));
        match value.text() {
            Some(s) => {
                let parts = s.split(delimiter).map(|p| Val { chain: value.chain.clone(), ..Val::str(p) }).collect();
                Val { kind: Kind::List(parts), ..value }
            }
            None if value.is_opaque() => value,
            None => Val::fail("Fn::Split splits a string"),
        }
    }

    /// The text of a boot script or command, partly known: what is known, with a hole
    /// for each unknown part (`${GetRSA.PUB}`, `${Fn::ImportValue}`, a parameter without
    /// a value) and its reason; `AWS::NoValue` is nothing.
    pub fn render(&self, node: &Value, at: &str) -> Partial {
        let known = self.eval(node, at);
        if let Some(text) = known.text() {
            return Partial::known(&text);
        }
        let why = |label: String| {
            let mut p = Partial::default();
            p.push_labelled(&label, known.reason().unwrap_or("not known before deployment"));
            p
        };
        match node {
            Value::Object(map) if map.len() == 1 => {
                let (name, arg) = map.iter().next().expect("one member");
                let here = format!("{at}/{}", escape_token(name));
                match (name.as_str(), arg) {
                    _ if known.kind == Kind::NoValue => Partial::default(),
                    ("Fn::Base64", inner) => self.render(inner, &here),
                    ("Ref", Value::String(target)) if target.starts_with("AWS::") => {
                        Partial::known(&format!("${{{target}}}"))
                    }
                    ("Ref", Value::String(target)) => why(format!("${{{target}}}")),
                    ("Fn::GetAtt", Value::Array(parts)) => {
                        why(format!("${{{}}}", parts.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(".")))
                    }
                    ("Fn::Sub", _) => self.render_sub(arg, &here).unwrap_or_else(|| why(format!("${{{name}}}"))),
                    ("Fn::Join", Value::Array(parts)) if parts.len() == 2 => {
                        let delimiter = parts[0].as_str().unwrap_or_default();
                        match &parts[1] {
                            Value::Array(items) => Partial::join(
                                items.iter().enumerate().map(|(i, item)| self.render(item, &format!("{here}/1/{i}"))),
                                delimiter,
                            ),
                            _ => why(format!("${{{name}}}")),
                        }
                    }
                    ("Fn::If", Value::Array(parts)) if parts.len() == 3 => {
                        let condition = parts[0].as_str().unwrap_or_default();
                        let decided = self.condition(condition);
                        match decided.kind {
                            Kind::Bool(true) => self.render(&parts[1], &format!("{here}/1")),
                            Kind::Bool(false) => self.render(&parts[2], &format!("{here}/2")),
                            _ => why(format!("${{{condition} ? … : …}}")),
                        }
                    }
                    _ => why(format!("${{{name}}}")),
                }
            }
            _ if known.kind == Kind::NoValue || known.kind == Kind::Null => Partial::default(),
            _ => Partial::known(&serde_json::to_string(node).unwrap_or_default()),
        }
    }

    /// `Fn::Sub` partly known: each `${name}` that has no value is a hole; a variable of
    /// the map form is itself rendered partly.
    fn render_sub(&self, arg: &Value, at: &str) -> Option<Partial> {
        let (template, map) = match arg {
            Value::String(s) => (s.as_str(), None),
            Value::Array(parts) if parts.len() == 2 => (parts[0].as_str()?, Some(parts[1].as_object()?)),
            _ => return None,
        };
        let mut out = Partial::default();
        for piece in pieces(template) {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Literal(l) => out.push_str(&format!("${{{l}}}")),
                Piece::Var(name) => match map.and_then(|m| m.get(name)) {
                    Some(node) => out.append(self.render(node, &format!("{at}/1/{}", escape_token(name)))),
                    // A pseudo parameter's value is an identifier AWS chooses (a region, a
                    // stack name), never script text: it stays a named token, not a hole
                    // that could hide a command.
                    None if name.starts_with("AWS::") => out.push_str(&format!("${{{name}}}")),
                    None => {
                        let v = self.sub_var(name, &[]);
                        match v.text() {
                            Some(s) => out.push_str(&s),
                            None => {
                                let reason = v
                                    .reason()
                                    .map_or_else(|| format!("${{{name}}} is {}", v.type_name()), str::to_owned);
                                out.push_labelled(&format!("${{{name}}}"), &reason);
                            }
                        }
                    }
                },
            }
        }
        Some(out)
    }
}
