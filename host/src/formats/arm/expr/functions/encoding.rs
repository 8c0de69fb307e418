//! Encoding functions: `base64`, `base64ToString`, `base64ToJson`, `dataUri`,
//! `dataUriToString`, `uri`, `uriComponent`, `uriComponentToString`.
//!
//! Base64 and percent-encoding are written here (standard alphabet, UTF-8 text) so no
//! crate is needed; decoded bytes that are not UTF-8 are replaced, as .NET does.

use super::support::{check_len, parse_json};
use super::{Args, Def, eager};
use crate::formats::arm::expr::{Context, EvalError};
use crate::formats::arm::value::Val;

use crate::formats::base64::{decode, encode};

pub(super) fn lookup(name: &str) -> Option<Def> {
    match name {
        "base64" => eager("base64", base64),
        "base64tostring" => eager("base64ToString", base64_to_string),
        "base64tojson" => eager("base64ToJson", base64_to_json),
        "datauri" => eager("dataUri", data_uri),
        "datauritostring" => eager("dataUriToString", data_uri_to_string),
        "uri" => eager("uri", uri),
        "uricomponent" => eager("uriComponent", uri_component),
        "uricomponenttostring" => eager("uriComponentToString", uri_component_to_string),
        _ => None,
    }
}

fn decode_arg(args: &Args<'_>, i: usize) -> Result<String, EvalError> {
    let text = args.str(i)?;
    let bytes = decode(text).ok_or_else(|| args.err("the input is not valid base64"))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn base64(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    let text = args.str(0)?;
    check_len(args, text.len().saturating_mul(4) / 3 + 4)?;
    Ok(Val::str(encode(text.as_bytes())))
}

fn base64_to_string(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    Ok(Val::str(decode_arg(args, 0)?))
}

fn base64_to_json(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    let text = decode_arg(args, 0)?;
    parse_json(args, &text)
}

fn data_uri(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    let text = args.str(0)?;
    check_len(args, text.len().saturating_mul(4) / 3 + 40)?;
    Ok(Val::str(format!("data:text/plain;charset=utf8;base64,{}", encode(text.as_bytes()))))
}

fn data_uri_to_string(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    let text = args.str(0)?;
    let bad = || args.err("the input is not a data URI (`data:[<mediatype>][;base64],<data>`)");
    let rest = text.get(..5).filter(|p| p.eq_ignore_ascii_case("data:")).and_then(|_| text.get(5..)).ok_or_else(bad)?;
    let (meta, data) = rest.split_once(',').ok_or_else(bad)?;
    if meta.to_ascii_lowercase().ends_with(";base64") {
        let bytes = decode(data).ok_or_else(|| args.err("the data is not valid base64"))?;
        Ok(Val::str(String::from_utf8_lossy(&bytes).into_owned()))
    } else {
        Ok(Val::str(percent_decode(data)))
    }
}

fn uri_component(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    let text = args.str(0)?;
    check_len(args, text.len().saturating_mul(3))?;
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(Val::str(out))
}

fn uri_component_to_string(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    Ok(Val::str(percent_decode(args.str(0)?)))
}

/// `%XX` sequences decoded; malformed ones kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The length of a leading `scheme:`, if `s` starts with one.
fn scheme_len(s: &str) -> Option<usize> {
    let colon = s.find(':')?;
    let scheme = s.get(..colon)?;
    let mut chars = scheme.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then_some(colon + 1)
}

/// RFC 3986 section 5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// `uri(base, relative)`: the relative reference resolved against an absolute base.
fn uri(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(2, 2)?;
    let (base, rel) = (args.str(0)?, args.str(1)?);
    if scheme_len(rel).is_some() {
        return Ok(Val::str(rel));
    }
    let base = base.split('#').next().unwrap_or_default();
    let scheme_end = scheme_len(base).ok_or_else(|| args.err(format_args!("base '{base}' is not an absolute URI")))?;
    let scheme = base.get(..scheme_end).unwrap_or_default();
    let after = base.get(scheme_end..).unwrap_or_default();
    let (authority, path_query) = match after.strip_prefix("//") {
        Some(rest) => {
            let end = rest.find(['/', '?']).unwrap_or(rest.len());
            (format!("//{}", rest.get(..end).unwrap_or_default()), rest.get(end..).unwrap_or_default())
        }
        None => (String::new(), after),
    };
    let (path, query) = path_query.split_once('?').map_or((path_query, None), |(p, q)| (p, Some(q)));
    let prefix = format!("{scheme}{authority}");
    let resolved = if let Some(rest) = rel.strip_prefix("//") {
        format!("{scheme}//{rest}")
    } else if rel.starts_with('/') {
        let (p, tail) = split_path(rel);
        format!("{prefix}{}{tail}", remove_dot_segments(p))
    } else if rel.is_empty() {
        format!("{prefix}{path_query}")
    } else if rel.starts_with('?') {
        format!("{prefix}{path}{rel}")
    } else if rel.starts_with('#') {
        let q = query.map(|q| format!("?{q}")).unwrap_or_default();
        format!("{prefix}{path}{q}{rel}")
    } else {
        let dir = match path.rfind('/') {
            Some(i) => path.get(..=i).unwrap_or_default().to_owned(),
            None if !authority.is_empty() => "/".to_owned(),
            None => String::new(),
        };
        let (p, tail) = split_path(rel);
        format!("{prefix}{}{tail}", remove_dot_segments(&format!("{dir}{p}")))
    };
    Ok(Val::str(resolved))
}

/// A reference split into its path and its `?query#fragment` tail.
fn split_path(rel: &str) -> (&str, &str) {
    let end = rel.find(['?', '#']).unwrap_or(rel.len());
    (rel.get(..end).unwrap_or_default(), rel.get(end..).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{err, ok};
    use super::{decode, encode};
    use serde_json::json;

    #[test]
    fn base64_round_trips() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar", "é✓😀"] {
            assert_eq!(decode(&encode(s.as_bytes())).as_deref(), Some(s.as_bytes()), "{s}");
        }
        assert_eq!(encode(b"one, two, three"), "b25lLCB0d28sIHRocmVl");
        assert_eq!(decode("Zm9v\nYmE="), Some(b"fooba".to_vec()));
        assert_eq!(decode("Zm9vYmE"), Some(b"fooba".to_vec()));
        assert_eq!(decode("Z"), None);
        assert_eq!(decode("Zm=9"), None);
        assert_eq!(decode("Zm9*"), None);
    }

    #[test]
    fn base64_functions() {
        assert_eq!(ok("[base64('one, two, three')]"), json!("b25lLCB0d28sIHRocmVl"));
        assert_eq!(ok("[base64ToString('b25lLCB0d28sIHRocmVl')]"), json!("one, two, three"));
        assert_eq!(ok("[base64ToJson(base64('{\"one\": \"a\"}'))]"), json!({"one": "a"}));
        assert_eq!(err("[base64ToString('!!')]"), "base64ToString: the input is not valid base64");
        assert_eq!(err("[base64(1)]"), "base64: argument 1 must be a String, got Int");
    }

    #[test]
    fn data_uris() {
        assert_eq!(ok("[dataUri('Hello')]"), json!("data:text/plain;charset=utf8;base64,SGVsbG8="));
        assert_eq!(ok("[dataUriToString('data:;base64,SGVsbG8sIFdvcmxkIQ==')]"), json!("Hello, World!"));
        assert_eq!(ok("[dataUriToString('data:text/plain,a%20b')]"), json!("a b"));
        assert!(err("[dataUriToString('nope')]").starts_with("dataUriToString: the input is not a data URI"));
    }

    #[test]
    fn uri_components() {
        assert_eq!(
            ok("[uriComponent('http://contoso.com/resources/nested/azuredeploy.json')]"),
            json!("http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json")
        );
        assert_eq!(
            ok("[uriComponentToString('http%3A%2F%2Fcontoso.com%2Fa%20b%zz')]"),
            json!("http://contoso.com/a b%zz")
        );
        assert_eq!(ok("[uriComponent('é')]"), json!("%C3%A9"));
    }

    #[test]
    fn uri_resolution() {
        assert_eq!(ok("[uri('http://contoso.org/firstpath', 'myscript.sh')]"), json!("http://contoso.org/myscript.sh"));
        assert_eq!(
            ok("[uri('http://contoso.org/firstpath/', 'myscript.sh')]"),
            json!("http://contoso.org/firstpath/myscript.sh")
        );
        assert_eq!(ok("[uri('http://contoso.org', 'a/b.json')]"), json!("http://contoso.org/a/b.json"));
        assert_eq!(
            ok("[uri('https://x.blob/c/d/t.json?sv=1', '../n.json?sas')]"),
            json!("https://x.blob/c/n.json?sas")
        );
        assert_eq!(ok("[uri('https://x/a/b', '/root')]"), json!("https://x/root"));
        assert_eq!(ok("[uri('https://x/a', 'https://y/z')]"), json!("https://y/z"));
        assert_eq!(ok("[uri('https://x/a?q', '#f')]"), json!("https://x/a?q#f"));
        assert_eq!(err("[uri('relative/path', 'x')]"), "uri: base 'relative/path' is not an absolute URI");
    }
}
