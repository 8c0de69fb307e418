//! Searches in strings and arrays: `startsWith`, `endsWith`, `indexOf`, `lastIndexOf`.
//!
//! String searches ignore case as ARM documents and count positions in characters;
//! array searches compare elements deeply (case-sensitive), like `contains`.

use super::support::{contains_item, find_chars, fold, unknown_from};
use super::{Args, Def, eager};
use crate::formats::arm::expr::EvalError;
use crate::formats::arm::value::{Kind, Val};

pub(super) fn lookup(name: &str) -> Option<Def> {
    match name {
        "startswith" => eager("startsWith", |a, _| affix(a, false)),
        "endswith" => eager("endsWith", |a, _| affix(a, true)),
        "indexof" => eager("indexOf", |a, _| index_of(a, false)),
        "lastindexof" => eager("lastIndexOf", |a, _| index_of(a, true)),
        _ => None,
    }
}

/// `startsWith` / `endsWith`, ignoring case.
fn affix(args: &mut Args<'_>, end: bool) -> Result<Val, EvalError> {
    args.arity(2, 2)?;
    let (text, part) = (args.str(0)?, args.str(1)?);
    let matches = if end {
        let mut it = text.chars().rev();
        part.chars().rev().all(|p| it.next().map(fold) == Some(fold(p)))
    } else {
        let mut it = text.chars();
        part.chars().all(|p| it.next().map(fold) == Some(fold(p)))
    };
    Ok(Val::bool(matches))
}

/// `indexOf` / `lastIndexOf`: strings ignore case; arrays compare deeply.
fn index_of(args: &mut Args<'_>, last: bool) -> Result<Val, EvalError> {
    args.arity(2, 2)?;
    let found = match &args.val(0)?.kind {
        Kind::Str(text) => {
            let hay: Vec<char> = text.chars().collect();
            let needle: Vec<char> = args.str(1)?.chars().collect();
            find_chars(&hay, &needle, true, last)
        }
        Kind::Array(items) => {
            let item = args.val(1)?;
            let order: Box<dyn Iterator<Item = (usize, &Val)>> =
                if last { Box::new(items.iter().enumerate().rev()) } else { Box::new(items.iter().enumerate()) };
            let mut found = None;
            for (i, v) in order {
                match contains_item(std::slice::from_ref(v), item) {
                    Ok(true) => {
                        found = Some(i);
                        break;
                    }
                    Ok(false) => {}
                    Err(reason) => return Ok(unknown_from(&reason)),
                }
            }
            found
        }
        _ => return Err(args.wrong_type(0, "a String or an Array")),
    };
    Ok(Val::int(found.and_then(|i| i64::try_from(i).ok()).unwrap_or(-1)))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{err, ok, reason};
    use serde_json::json;

    #[test]
    fn prefixes_and_positions_ignore_case() {
        assert_eq!(ok("[startsWith('AbcDef', 'aBC')]"), json!(true));
        assert_eq!(ok("[endsWith('AbcDef', 'DEF')]"), json!(true));
        assert_eq!(ok("[endsWith('ef', 'def')]"), json!(false));
        assert_eq!(ok("[indexOf('abcdef', 'CD')]"), json!(2));
        assert_eq!(ok("[indexOf('abcdef', 'z')]"), json!(-1));
        assert_eq!(ok("[lastIndexOf('abcabc', 'B')]"), json!(4));
        assert_eq!(ok("[indexOf('abc', '')]"), json!(0));
        assert_eq!(ok("[indexOf(createArray('a', 'b', 'a'), 'a')]"), json!(0));
        assert_eq!(ok("[lastIndexOf(createArray('a', 'b', 'a'), 'a')]"), json!(2));
        assert_eq!(ok("[indexOf(createArray('a'), 'A')]"), json!(-1));
        assert_eq!(reason("[indexOf(createArray(parameters('unk'), 'a'), 'a')]"), "u is unknown");
        assert_eq!(err("[indexOf(1, 'a')]"), "indexOf: argument 1 must be a String or an Array, got Int");
    }
}
