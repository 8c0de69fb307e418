//! `format()`: .NET composite formatting (`{0}`, `{1,-8}`, `{2:D3}`, `{{` and `}}`).
//!
//! Integer format strings `D`/`d`, `X`/`x`, `N`/`n` (with precision) and all-zero custom
//! patterns (`000`) are supported, and `F`/`N` for floats; any other format string
//! gives an unknown value rather than a guess.

use std::fmt::Write;

use super::partial::Builder;
use super::support::{MAX_STRING, any_text, check_len, deep_unknown, unknown_from, unknown_like};
use super::{Args, Def, sees_unknowns};
use crate::formats::arm::expr::{Context, EvalError};
use crate::formats::arm::value::{Kind, Val};

/// The widest alignment .NET accepts.
const MAX_ALIGNMENT: usize = 1_000_000;

pub(super) fn lookup(name: &str) -> Option<Def> {
    match name {
        "format" => sees_unknowns("format", format),
        _ => None,
    }
}

/// One `{index,alignment:format}` item.
struct Item {
    index: usize,
    alignment: i64,
    spec: String,
}

fn format(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, usize::MAX)?;
    if args.val(0)?.is_unknown() {
        return Ok(unknown_like(args.val(0)?));
    }
    let pattern = args.str(0)?;
    // Partly known when an argument it writes is a string that is not known.
    let mut out = Builder::default();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '}' => return Err(args.err("unmatched `}` in the format string (write `}}` for a literal brace)")),
            '{' => {
                let mut body = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some('{') | None => return Err(args.err("unterminated `{` in the format string")),
                        Some(ch) => body.push(ch),
                    }
                }
                let item = parse_item(args, &body)?;
                let Some(value) = item.index.checked_add(1).and_then(|i| args.vals.get(i)) else {
                    return Err(args.err(format_args!(
                        "format item {{{}}} refers to a missing argument ({} given after the format string)",
                        item.index,
                        args.len() - 1
                    )));
                };
                if value.is_unknown() {
                    // Padding around an unknown width is not known either.
                    let whole = if item.alignment == 0 { value.clone() } else { unknown_like(value) };
                    out.push_unknown(&whole);
                } else {
                    if let Some(reason) = deep_unknown(value) {
                        return Ok(unknown_from(reason));
                    }
                    let Some(text) = format_value(value, &item.spec) else {
                        return Ok(Val::unknown(format!(
                            "format: the format string '{}' is not supported for a value of type {}",
                            item.spec,
                            value.type_name()
                        )));
                    };
                    let width = usize::try_from(item.alignment.unsigned_abs()).unwrap_or(usize::MAX);
                    let pad = width.saturating_sub(text.chars().count());
                    check_len(args, out.len().saturating_add(text.len()).saturating_add(pad))?;
                    if item.alignment > 0 {
                        out.push_str(&" ".repeat(pad));
                        out.push_str(&text);
                    } else {
                        out.push_str(&text);
                        out.push_str(&" ".repeat(pad));
                    }
                }
            }
            other => out.push(other),
        }
        if out.len() > MAX_STRING {
            check_len(args, out.len())?;
        }
    }
    Ok(out.finish())
}

fn parse_item(args: &Args<'_>, body: &str) -> Result<Item, EvalError> {
    let bad = || args.err(format_args!("invalid format item {{{body}}}"));
    let (head, spec) = match body.split_once(':') {
        Some((h, s)) => (h, s.to_owned()),
        None => (body, String::new()),
    };
    let (index, alignment) = match head.split_once(',') {
        Some((i, a)) => (i, Some(a)),
        None => (head, None),
    };
    let index: usize = index.trim().parse().map_err(|_| bad())?;
    let alignment: i64 = match alignment {
        Some(a) => a.trim().parse().map_err(|_| bad())?,
        None => 0,
    };
    if alignment.unsigned_abs() > MAX_ALIGNMENT as u64 {
        return Err(args.err(format_args!("alignment {alignment} is too wide")));
    }
    Ok(Item { index, alignment, spec })
}

/// The text of one value under a format string; `None` when the format string is
/// not supported.
fn format_value(value: &Val, spec: &str) -> Option<String> {
    if spec.is_empty() {
        return Some(any_text(value));
    }
    match &value.kind {
        Kind::Int(i) => format_int(*i, spec),
        Kind::Float(f) => format_float(*f, spec),
        // .NET ignores format strings for strings and booleans.
        Kind::Str(_) | Kind::Bool(_) | Kind::Null => Some(any_text(value)),
        _ => None,
    }
}

/// Splits `D3` into (`D`, Some(3)); `None` for a malformed precision.
fn standard(spec: &str) -> Option<(char, Option<usize>)> {
    let mut chars = spec.chars();
    let kind = chars.next()?;
    let rest = chars.as_str();
    if rest.is_empty() {
        return Some((kind, None));
    }
    let precision: usize = rest.parse().ok()?;
    (precision <= 99).then_some((kind, Some(precision)))
}

fn format_int(i: i64, spec: &str) -> Option<String> {
    if spec.chars().all(|c| c == '0') {
        return Some(format!("{i:0width$}", width = spec.len() + usize::from(i < 0)));
    }
    let (kind, precision) = standard(spec)?;
    let p = precision.unwrap_or(0);
    match kind {
        'D' | 'd' => {
            let digits = format!("{:0p$}", i.unsigned_abs());
            Some(if i < 0 { format!("-{digits}") } else { digits })
        }
        'X' => Some(format!("{i:0p$X}")),
        'x' => Some(format!("{i:0p$x}")),
        'N' | 'n' => {
            let mut s = group_thousands(i.unsigned_abs());
            if i < 0 {
                s.insert(0, '-');
            }
            if p > 0 {
                s.push('.');
                s.extend(std::iter::repeat_n('0', p));
            }
            Some(s)
        }
        _ => None,
    }
}

fn format_float(f: f64, spec: &str) -> Option<String> {
    let (kind, precision) = standard(spec)?;
    let p = precision.unwrap_or(2);
    match kind {
        'F' | 'f' => Some(format!("{f:.p$}")),
        'N' | 'n' if f.is_finite() && f.abs() < 1e15 => {
            let text = format!("{:.p$}", f.abs());
            let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
            let mut s = group_thousands(whole.parse().ok()?);
            if f.is_sign_negative() && f != 0.0 {
                s.insert(0, '-');
            }
            if !frac.is_empty() {
                let _ = write!(s, ".{frac}");
            }
            Some(s)
        }
        _ => None,
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::{err, ok, reason};
    use serde_json::json;

    #[test]
    fn positional_items_and_escapes() {
        assert_eq!(ok("[format('{0}-{1}-{0}', 'a', 2)]"), json!("a-2-a"));
        assert_eq!(ok("[format('{{literal}} {0}', true)]"), json!("{literal} True"));
        assert_eq!(ok("[format('no items')]"), json!("no items"));
    }

    #[test]
    fn number_formats() {
        assert_eq!(ok("[format('vm{0:D3}', 7)]"), json!("vm007"));
        assert_eq!(ok("[format('{0:d2}', -5)]"), json!("-05"));
        assert_eq!(ok("[format('{0:000}', 42)]"), json!("042"));
        assert_eq!(ok("[format('{0:N0}', 1234567)]"), json!("1,234,567"));
        assert_eq!(ok("[format('{0:N2}', 1234)]"), json!("1,234.00"));
        assert_eq!(ok("[format('{0:X}', 255)]"), json!("FF"));
        assert_eq!(ok("[format('{0:N1}', json('1234.56'))]"), json!("1,234.6"));
        assert_eq!(ok("[format('{0:D3}', 'text')]"), json!("text"));
    }

    #[test]
    fn alignment() {
        assert_eq!(ok("[format('[{0,4}]', 'ab')]"), json!("[  ab]"));
        assert_eq!(ok("[format('[{0,-4}]', 'ab')]"), json!("[ab  ]"));
        assert_eq!(err("[format('{0,99999999}', 'ab')]"), "format: alignment 99999999 is too wide");
    }

    #[test]
    fn errors_and_unknowns() {
        assert_eq!(
            err("[format('{1}', 'a')]"),
            "format: format item {1} refers to a missing argument (1 given after the format string)"
        );
        assert_eq!(err("[format('{0', 'a')]"), "format: unterminated `{` in the format string");
        assert_eq!(
            err("[format('a}b')]"),
            "format: unmatched `}` in the format string (write `}}` for a literal brace)"
        );
        assert_eq!(err("[format('{x}', 1)]"), "format: invalid format item {x}");
        assert_eq!(reason("[format('{0}', parameters('unk'))]"), "u is unknown");
        assert_eq!(
            reason("[format('{0:P}', 1)]"),
            "format: the format string 'P' is not supported for a value of type Int"
        );
    }
}
