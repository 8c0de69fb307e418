//! Reads and validates the organisation's context file (`--context`, JSON or YAML)
//! against the schema in [`entitle_sdk::context`]: an unknown key, a wrong type or an
//! unknown enum value is an error naming the field and its line (exit 2), never a
//! context silently half-read.

use entitle_sdk::context::{CLOUDS, ENVIRONMENTS, OrgContext, SUPPORT_LEVELS};
use serde_json::{Map, Value};

use crate::document::{self, Document};
use crate::{Error, ErrorKind, Phase};

/// Reads `path` and validates it; the value handed to policies.
pub fn read(path: &std::path::Path) -> Result<Value, Error> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::new(Phase::Config, ErrorKind::Io(e)).path(&shown))?;
    let docs = document::parse_bytes(&bytes).map_err(|e| {
        Error::new(Phase::Config, ErrorKind::Syntax(e.message.clone())).path(&shown).at(e.line, e.column)
    })?;
    match <[Document; 1]>::try_from(docs) {
        Ok([doc]) => validate(&doc, &shown),
        Err(_) => Err(shape("the context file must hold one JSON or YAML object".into()).path(shown)),
    }
}

/// Validates a parsed context document; `shown` names it in errors.
pub fn validate(doc: &Document, shown: &str) -> Result<Value, Error> {
    let fail = |pointer: &str, message: String| {
        let at = doc.nearest_position(pointer);
        let field = if pointer.is_empty() { "the context".to_owned() } else { format!("context field `{pointer}`") };
        shape(format!("{field}: {message}")).path(shown).pointer(pointer).at(at.line, at.column)
    };
    let top = object(&doc.value, "", &fail)?;
    known(top, "", &["environment", "accounts", "subscriptions", "require_red_hat_support"], &fail)?;
    if let Some(v) = top.get("environment") {
        one_of(v, "/environment", &ENVIRONMENTS, &fail)?;
    }
    for (i, account) in list(top.get("accounts"), "/accounts", &fail)?.iter().enumerate() {
        let at = format!("/accounts/{i}");
        let map = object(account, &at, &fail)?;
        known(map, &at, &["cloud", "id", "name", "cloud_access", "offer_type", "paths"], &fail)?;
        one_of(required(map, &at, "cloud", &fail)?, &format!("{at}/cloud"), &CLOUDS, &fail)?;
        text(required(map, &at, "id", &fail)?, &format!("{at}/id"), &fail)?;
        if !required(map, &at, "cloud_access", &fail)?.is_boolean() {
            return Err(fail(
                &format!("{at}/cloud_access"),
                "must be true or false (enrolled in Red Hat Cloud Access)".into(),
            ));
        }
        for key in ["name", "offer_type"] {
            if let Some(v) = map.get(key) {
                text(v, &format!("{at}/{key}"), &fail)?;
            }
        }
        for (j, p) in list(map.get("paths"), &format!("{at}/paths"), &fail)?.iter().enumerate() {
            text(p, &format!("{at}/paths/{j}"), &fail)?;
        }
    }
    for (i, sub) in list(top.get("subscriptions"), "/subscriptions", &fail)?.iter().enumerate() {
        let at = format!("/subscriptions/{i}");
        let map = object(sub, &at, &fail)?;
        known(map, &at, &["sku", "product", "unit", "quantity", "support_level", "addons"], &fail)?;
        for key in ["sku", "product", "unit"] {
            text(required(map, &at, key, &fail)?, &format!("{at}/{key}"), &fail)?;
        }
        if required(map, &at, "quantity", &fail)?.as_u64().is_none() {
            return Err(fail(&format!("{at}/quantity"), "must be a whole number of units, 0 or more".into()));
        }
        if let Some(v) = map.get("support_level") {
            one_of(v, &format!("{at}/support_level"), &SUPPORT_LEVELS, &fail)?;
        }
        for (j, a) in list(map.get("addons"), &format!("{at}/addons"), &fail)?.iter().enumerate() {
            text(a, &format!("{at}/addons/{j}"), &fail)?;
        }
    }
    let platforms = list(top.get("require_red_hat_support"), "/require_red_hat_support", &fail)?;
    for (i, p) in platforms.iter().enumerate() {
        text(p, &format!("/require_red_hat_support/{i}"), &fail)?;
    }
    serde_json::from_value::<OrgContext>(doc.value.clone()).map_err(|e| fail("", e.to_string()))?;
    Ok(doc.value.clone())
}

fn shape(message: String) -> Error {
    Error::new(Phase::Config, ErrorKind::Shape(message))
}

type Fail<'a> = dyn Fn(&str, String) -> Error + 'a;

fn object<'v>(v: &'v Value, at: &str, fail: &Fail) -> Result<&'v Map<String, Value>, Error> {
    v.as_object().ok_or_else(|| fail(at, "must be an object".into()))
}

fn list<'v>(v: Option<&'v Value>, at: &str, fail: &Fail) -> Result<&'v [Value], Error> {
    match v {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(fail(at, "must be a list".into())),
    }
}

fn known(map: &Map<String, Value>, at: &str, keys: &[&str], fail: &Fail) -> Result<(), Error> {
    match map.keys().find(|k| !keys.contains(&k.as_str())) {
        Some(k) => Err(fail(&format!("{at}/{k}"), format!("unknown key `{k}` (known: {})", keys.join(", ")))),
        None => Ok(()),
    }
}

fn required<'v>(map: &'v Map<String, Value>, at: &str, key: &str, fail: &Fail) -> Result<&'v Value, Error> {
    map.get(key).ok_or_else(|| fail(at, format!("`{key}` is required")))
}

fn text<'v>(v: &'v Value, at: &str, fail: &Fail) -> Result<&'v str, Error> {
    v.as_str().filter(|s| !s.trim().is_empty()).ok_or_else(|| fail(at, "must be a non-empty string".into()))
}

fn one_of(v: &Value, at: &str, allowed: &[&str], fail: &Fail) -> Result<(), Error> {
    let s = text(v, at, fail)?;
    if allowed.contains(&s) { Ok(()) } else { Err(fail(at, format!("`{s}` is not one of {}", allowed.join(", ")))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<Value, Error> {
        let doc = document::parse_text(text).unwrap().remove(0);
        validate(&doc, "ctx.yaml")
    }

    #[test]
    fn a_full_context_is_accepted() {
        let ok = check(
            "environment: production\naccounts:\n  - cloud: azure\n    id: 0000-1111\n    cloud_access: true\n    offer_type: ea\nsubscriptions:\n  - sku: RH00004\n    product: RHEL Server\n    unit: Physical or Virtual Nodes\n    quantity: 1\n    support_level: standard\n    addons: [ha]\nrequire_red_hat_support: [azure]\n",
        );
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn errors_name_the_field_and_line() {
        let e = check("accounts:\n  - cloud: azure\n    id: x\n    cloud_acess: true\n").unwrap_err();
        let text = e.to_string();
        assert!(text.contains("/accounts/0/cloud_acess") && text.contains("unknown key"), "{text}");
        assert_eq!(e.line, Some(4));
        let e =
            check("subscriptions:\n  - sku: RH00004\n    product: p\n    unit: vCPU\n    quantity: two\n").unwrap_err();
        assert!(e.to_string().contains("/subscriptions/0/quantity"), "{e}");
        assert_eq!(e.line, Some(5));
        let e = check("environment: prod\n").unwrap_err();
        assert!(e.to_string().contains("not one of production, non-production"), "{e}");
        let e = check("accounts:\n  - cloud: azure\n    id: x\n").unwrap_err();
        assert!(e.to_string().contains("`cloud_access` is required"), "{e}");
    }
}
