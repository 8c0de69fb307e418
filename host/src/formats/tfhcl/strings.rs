//! The string functions real image code uses: `split`, `join`, `format`, `lower`, `upper`,
//! `trimspace`, `replace`, `startswith`, `endswith`. A string derived from another keeps where
//! that one was written (`split` parts point at the string split); any other function is an
//! unknown naming it.

use entitle_sdk::model::Source;

use super::strings_parts::Parts;
use super::value::{Kind, Val, number_text};

/// Applies string function `name` (arguments known); an unknown for any other function.
pub fn apply(name: &str, args: &[Val], at: Option<Source>) -> Val {
    let bad = |why: &str| Val::error(format!("{name}(): {why}"), at.clone());
    let text = |i: usize| args.get(i).and_then(Val::as_text);
    let list = |i: usize| args.get(i).and_then(Val::items);
    let new = |kind: Kind| Val::new(kind, at.clone());
    match name {
        "split" => match (text(0), args.get(1)) {
            (Some(sep), Some(s)) if s.as_text().is_some() => {
                let whole = s.as_text().unwrap_or_default();
                let parts = whole.split(sep.as_str()).map(|p| Val {
                    kind: Kind::Str(p.to_owned()),
                    at: s.at.clone(),
                    via: s.via.clone(),
                    read: s.read.clone(),
                });
                new(Kind::list(parts.collect()))
            }
            _ => bad("needs a separator and a string"),
        },
        _ if args.iter().take(if name == "join" { 2 } else { 1 }).any(Val::is_unknown) => {
            args.iter().find(|a| a.is_unknown()).cloned().unwrap_or_else(|| bad("an unknown argument"))
        }
        "join" => match (text(0), list(1)) {
            (Some(sep), Some(items)) => {
                let mut parts = Parts::default();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        parts.text(&sep);
                    }
                    if let Err(v) = parts.value(item) {
                        return if v.is_error() { v } else { bad("needs a list of strings") };
                    }
                }
                parts.finish(at)
            }
            _ => bad("needs a separator and a list"),
        },
        "format" => format(args).map_or_else(|why| bad(&why), |parts| parts.finish(at.clone())),
        "lower" | "upper" | "trimspace" => match args.first().and_then(|a| a.as_text().map(|t| (a, t))) {
            Some((a, t)) => {
                let t = match name {
                    "lower" => t.to_lowercase(),
                    "upper" => t.to_uppercase(),
                    _ => t.trim().to_owned(),
                };
                Val { kind: Kind::Str(t), ..a.clone() }
            }
            None => bad("needs a string"),
        },
        "replace" => match (args.first(), text(1), text(2)) {
            (Some(a), Some(from), Some(to)) if a.as_text().is_some() => {
                if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                    return Val::unknown("replace() with a regular expression is not evaluated", at);
                }
                let t = a.as_text().unwrap_or_default().replace(&from, &to);
                Val { kind: Kind::Str(t), ..a.clone() }
            }
            _ => bad("needs three strings"),
        },
        "startswith" | "endswith" => match (text(0), text(1)) {
            (Some(s), Some(p)) => {
                new(Kind::Bool(if name == "startswith" { s.starts_with(&p) } else { s.ends_with(&p) }))
            }
            _ => bad("needs two strings"),
        },
        _ => Val::unknown(format!("function {name}() is not evaluated by entitle"), at),
    }
}

/// `format(spec, args…)`: the verbs `%s`, `%d`, `%v`, `%q`, `%%` (flags and widths are not read);
/// an unknown argument is a hole in the text.
fn format(args: &[Val]) -> Result<Parts, String> {
    let spec = args.first().and_then(Val::as_text).ok_or("the format is not a string")?;
    let mut rest = args[1..].iter();
    let mut out = Parts::default();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.text(c.encode_utf8(&mut [0; 4]));
            continue;
        }
        match chars.next() {
            Some('%') => out.text("%"),
            Some(verb @ ('s' | 'd' | 'v' | 'q')) => {
                let arg = rest.next().ok_or("too few arguments")?;
                let wrong = || format!("%{verb} of a {}", arg.type_name());
                match (verb, &arg.kind) {
                    (_, Kind::Unknown(u)) if u.error => return Err(u.reason.clone()),
                    ('q', Kind::Unknown(_)) => {
                        out.text("\"");
                        out.value(arg).map_err(|_| wrong())?;
                        out.text("\"");
                    }
                    (_, Kind::Unknown(_)) => out.value(arg).map_err(|_| wrong())?,
                    ('q', _) => out
                        .value(&Val {
                            kind: Kind::Str(format!("{:?}", arg.as_text().ok_or_else(wrong)?)),
                            ..arg.clone()
                        })
                        .map_err(|_| wrong())?,
                    ('d', _) => out.text(&arg.as_number().map(number_text).ok_or("%d of a non-number")?),
                    _ => out.value(arg).map_err(|_| wrong())?,
                }
            }
            other => return Err(format!("verb %{} is not evaluated", other.map(String::from).unwrap_or_default())),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::tfhcl::value::samples::{list, s, text};

    fn apply(name: &str, args: Vec<Val>, at: Option<Source>) -> Val {
        super::super::funcs::apply(name, args, at)
    }

    #[test]
    fn string_functions() {
        assert_eq!(text(apply("join", vec![s("_publisher"), list(vec![s("rhel"), s("")])], None)), "rhel_publisher");
        let parts = apply("split", vec![s(","), s("RedHat,RHEL,8.2")], None);
        assert_eq!(text(apply("element", vec![parts.clone(), Val::new(Kind::Num(2.0), None)], None)), "8.2");
        assert_eq!(text(apply("format", vec![s("%s-%d%%"), s("a"), Val::new(Kind::Num(3.0), None)], None)), "a-3%");
        assert_eq!(text(apply("upper", vec![s("linux")], None)), "LINUX");
        assert_eq!(text(apply("replace", vec![s("a-b-c"), s("-"), s("_")], None)), "a_b_c");
        assert_eq!(text(apply("length", vec![s("héllo")], None)), "5");
        assert_eq!(text(apply("coalesce", vec![Val::new(Kind::Null, None), s(""), s("x")], None)), "x");
    }

    #[test]
    fn split_parts_point_at_the_string() {
        let at = Source {
            path: "v.tf".into(),
            pointer: "/variable/os/default/RHEL".into(),
            line: Some(9),
            column: Some(21),
        };
        let parts = apply("split", vec![s(","), Val::str("RedHat,RHEL,8.2", Some(at.clone()))], None);
        let Kind::List(items) = parts.kind else { panic!("a list") };
        assert!(items.iter().all(|p| p.at.as_ref() == Some(&at)));
    }
}
