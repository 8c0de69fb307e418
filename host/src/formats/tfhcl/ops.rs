//! The operators and accessors of the language: attribute and index access, equality (data,
//! not positions), comparison, arithmetic and logic, and the unknown a value that needed an
//! unknown part becomes.

use entitle_sdk::model::Source;
use hcl_edit::expr::BinaryOperator;

use super::value::{Kind, Val};

/// An unknown standing for a value that needed `part`, which is unknown (or of the wrong type).
pub fn unknown_part(part: Val, what: &str, at: Option<Source>) -> Val {
    match part.kind {
        Kind::Unknown(mut u) => {
            if !u.reason.starts_with(what) && what.starts_with("the condition") {
                u.reason = format!("{what} is not known: {}", u.reason);
            }
            Val { kind: Kind::Unknown(u), at: part.at.or(at), via: part.via, read: part.read }
        }
        _ => Val::error(format!("{what} is a {}, not a string", part.type_name()), at),
    }
}

/// The attribute `name` of a value.
pub fn get(value: &Val, name: &str) -> Val {
    match value.member(name) {
        Some(v) => v,
        None if matches!(value.kind, Kind::List(_)) => {
            Val::error(format!("`.{name}` on a list: use an index or a splat"), value.at.clone())
        }
        None => Val::error(format!("the {} has no attribute {name}", value.type_name()), value.at.clone()),
    }
}

/// Element `key` of a list or map.
pub fn index(value: &Val, key: &Val) -> Val {
    if key.is_unknown() {
        return key.clone();
    }
    let found = match &value.kind {
        Kind::List(items) => key
            .as_number()
            .filter(|n| *n >= 0.0 && n.fract() == 0.0)
            .and_then(|n| items.get(n as usize))
            .map(|item| value.inherit(item)),
        Kind::Map(_) | Kind::Resource(..) => key.as_text().and_then(|k| value.member(&k)),
        _ => None,
    };
    match found {
        Some(v) => v,
        // A key read from a file by function is not shown.
        None if key.read.is_some() => {
            Val::error(format!("no such element in the {}", value.type_name()), value.at.clone())
        }
        None => Val::error(format!("no element {} in the {}", key.show(), value.type_name()), value.at.clone()),
    }
}

/// True when two values hold the same data (positions aside).
pub fn same(a: &Val, b: &Val) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Unknown(_), _) | (_, Kind::Unknown(_)) => false,
        (Kind::Num(x), Kind::Num(y)) => x == y,
        (Kind::List(x), Kind::List(y)) => x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same(p, q)),
        (Kind::Map(x), Kind::Map(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|((k, p), (l, q))| k == l && same(p, q))
        }
        (x, y) => x == y,
    }
}

pub fn binary(op: BinaryOperator, lhs: Val, rhs: Val, at: Option<Source>, text: &str) -> Val {
    use BinaryOperator as B;
    if let Some(u) = [&lhs, &rhs].into_iter().find(|v| v.is_unknown()) {
        return u.clone();
    }
    let num = |f: fn(f64, f64) -> f64| match (lhs.as_number(), rhs.as_number()) {
        (Some(a), Some(b)) => Val::new(Kind::Num(f(a, b)), at.clone()),
        _ => Val::error(format!("`{text}` needs numbers"), at.clone()),
    };
    let cmp = |f: fn(f64, f64) -> bool| match (lhs.as_number(), rhs.as_number()) {
        (Some(a), Some(b)) => Val::new(Kind::Bool(f(a, b)), at.clone()),
        _ => Val::error(format!("`{text}` needs numbers"), at.clone()),
    };
    let logic = |f: fn(bool, bool) -> bool| match (lhs.as_bool(), rhs.as_bool()) {
        (Some(a), Some(b)) => Val::new(Kind::Bool(f(a, b)), at.clone()),
        _ => Val::error(format!("`{text}` needs booleans"), at.clone()),
    };
    match op {
        B::Eq => Val::new(Kind::Bool(same(&lhs, &rhs)), at),
        B::NotEq => Val::new(Kind::Bool(!same(&lhs, &rhs)), at),
        B::Less => cmp(|a, b| a < b),
        B::LessEq => cmp(|a, b| a <= b),
        B::Greater => cmp(|a, b| a > b),
        B::GreaterEq => cmp(|a, b| a >= b),
        B::Plus => num(|a, b| a + b),
        B::Minus => num(|a, b| a - b),
        B::Mul => num(|a, b| a * b),
        B::Div => num(|a, b| a / b),
        B::Mod => num(|a, b| a % b),
        B::And => logic(|a, b| a && b),
        B::Or => logic(|a, b| a || b),
    }
}
