//! Reads and validates the organisation's context file (`--context`, JSON or YAML)
//! against the schema in [`entitle_sdk::context`]: an unknown key, a wrong type or an
//! unknown enum value is an error naming the field and its line (exit 2), never a
//! context silently half-read. The file's positions are kept ([`ContextFile`]), so a
//! finding about a context entry (a subscription's terms) points at its line.

use entitle_sdk::context::{
    CLOUDS, ENVIRONMENTS, NETWORK_TYPES, OWNERS, OrgContext, SUBSCRIPTION_TYPES, SUPPORT_LEVELS,
};
use serde_json::{Map, Value};

use crate::document::{self, Document};
use crate::{Error, ErrorKind, Phase};

/// A validated context file: the name it is shown by and its parsed document.
#[derive(Clone, Debug)]
pub struct ContextFile {
    /// The file as the user named it.
    pub path: String,
    /// Its value and the position of every node.
    pub document: Document,
}

impl ContextFile {
    /// Where the entry at `pointer` is written (its nearest ancestor that has a position).
    pub fn location(&self, pointer: &str) -> crate::report::Location {
        let at = self.document.nearest_position(pointer);
        crate::report::Location {
            path: self.path.clone(),
            line: at.line,
            column: at.column,
            pointer: pointer.to_owned(),
        }
    }
}

/// Reads `path` and validates it; the value handed to policies.
pub fn read(path: &std::path::Path) -> Result<Value, Error> {
    read_file(path).map(|file| file.document.value)
}

/// Reads `path` and validates it, keeping its positions.
pub fn read_file(path: &std::path::Path) -> Result<ContextFile, Error> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::new(Phase::Config, ErrorKind::Io(e)).path(&shown))?;
    let docs = document::parse_bytes(&bytes).map_err(|e| {
        Error::new(Phase::Config, ErrorKind::Syntax(e.message.clone())).path(&shown).at(e.line, e.column)
    })?;
    match <[Document; 1]>::try_from(docs) {
        Ok([document]) => {
            validate(&document, &shown)?;
            Ok(ContextFile { path: shown, document })
        }
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
    let keys = ["environment", "accounts", "subscriptions", "require_red_hat_support", "openshift_network"];
    known(top, "", &keys, &fail)?;
    if let Some(v) = top.get("environment") {
        one_of(v, "/environment", &ENVIRONMENTS, &fail)?;
    }
    for (i, account) in list(top.get("accounts"), "/accounts", &fail)?.iter().enumerate() {
        let at = format!("/accounts/{i}");
        let map = object(account, &at, &fail)?;
        known(map, &at, &["cloud", "id", "name", "cloud_access", "offer_type", "paths", "environment"], &fail)?;
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
        if let Some(v) = map.get("environment") {
            one_of(v, &format!("{at}/environment"), &ENVIRONMENTS, &fail)?;
        }
    }
    for (i, sub) in list(top.get("subscriptions"), "/subscriptions", &fail)?.iter().enumerate() {
        let at = format!("/subscriptions/{i}");
        let map = object(sub, &at, &fail)?;
        let keys = ["sku", "product", "unit", "quantity", "support_level", "addons", "type", "owner", "paths"];
        known(map, &at, &keys, &fail)?;
        for key in ["sku", "product", "unit"] {
            text(required(map, &at, key, &fail)?, &format!("{at}/{key}"), &fail)?;
        }
        if required(map, &at, "quantity", &fail)?.as_u64().is_none() {
            return Err(fail(&format!("{at}/quantity"), "must be a whole number of units, 0 or more".into()));
        }
        if let Some(v) = map.get("support_level") {
            one_of(v, &format!("{at}/support_level"), &SUPPORT_LEVELS, &fail)?;
        }
        for (key, allowed) in [("type", &SUBSCRIPTION_TYPES[..]), ("owner", &OWNERS[..])] {
            if let Some(v) = map.get(key) {
                one_of(v, &format!("{at}/{key}"), allowed, &fail)?;
            }
        }
        for (j, p) in list(map.get("paths"), &format!("{at}/paths"), &fail)?.iter().enumerate() {
            text(p, &format!("{at}/paths/{j}"), &fail)?;
        }
        for (j, a) in list(map.get("addons"), &format!("{at}/addons"), &fail)?.iter().enumerate() {
            addon(a, &format!("{at}/addons/{j}"), &fail)?;
        }
    }
    let platforms = list(top.get("require_red_hat_support"), "/require_red_hat_support", &fail)?;
    for (i, p) in platforms.iter().enumerate() {
        text(p, &format!("/require_red_hat_support/{i}"), &fail)?;
    }
    if let Some(network) = top.get("openshift_network") {
        let map = object(network, "/openshift_network", &fail)?;
        known(map, "/openshift_network", &["network_type", "hybrid_overlay"], &fail)?;
        let at = "/openshift_network/network_type";
        one_of(required(map, "/openshift_network", "network_type", &fail)?, at, &NETWORK_TYPES, &fail)?;
        if map.get("hybrid_overlay").is_some_and(|v| !v.is_boolean()) {
            return Err(fail("/openshift_network/hybrid_overlay", "must be true or false".into()));
        }
    }
    serde_json::from_value::<OrgContext>(doc.value.clone()).map_err(|e| fail("", e.to_string()))?;
    Ok(doc.value.clone())
}

/// An add-on: its name, or `{name, unit, support_level}`.
fn addon(v: &Value, at: &str, fail: &Fail) -> Result<(), Error> {
    let Some(map) = v.as_object() else {
        return text(v, at, fail)
            .map(|_| ())
            .map_err(|_| fail(at, "must be an add-on name or an object {name, unit, support_level}".into()));
    };
    known(map, at, &["name", "unit", "support_level"], fail)?;
    text(required(map, at, "name", fail)?, &format!("{at}/name"), fail)?;
    if let Some(v) = map.get("unit") {
        text(v, &format!("{at}/unit"), fail)?;
    }
    if let Some(v) = map.get("support_level") {
        one_of(v, &format!("{at}/support_level"), &SUPPORT_LEVELS, fail)?;
    }
    Ok(())
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
    fn the_openshift_network_is_validated_with_field_and_line() {
        assert!(check("openshift_network:\n  network_type: OVNKubernetes\n  hybrid_overlay: true\n").is_ok());
        let e = check("openshift_network:\n  network_type: Calico\n").unwrap_err().to_string();
        assert!(e.contains("/openshift_network/network_type") && e.contains("OVNKubernetes"), "{e}");
        let e = check("openshift_network:\n  network_type: OpenShiftSDN\n  hybrid_overlay: yes please\n");
        assert!(e.unwrap_err().to_string().contains("/openshift_network/hybrid_overlay"));
        let e = check("openshift_network:\n  hybrid_overlay: true\n").unwrap_err().to_string();
        assert!(e.contains("network_type"), "{e}");
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

    #[test]
    fn subscription_terms_are_validated_with_field_and_line() {
        let sub = "subscriptions:\n  - sku: RH00004\n    product: p\n    unit: vCPU\n    quantity: 1\n";
        let ok = check(&format!(
            "{sub}    type: developer-individual\n    owner: individual\n    paths: [lab/]\n    addons: [ha, {{name: eus, unit: vCPU, support_level: standard}}]\naccounts:\n  - cloud: aws\n    id: '1'\n    cloud_access: true\n    environment: non-production\n"
        ));
        assert!(ok.is_ok(), "{ok:?}");
        let e = check(&format!("{sub}    type: developer\n")).unwrap_err();
        assert!(e.to_string().contains("/subscriptions/0/type") && e.to_string().contains("developer-teams"), "{e}");
        assert_eq!(e.line, Some(6));
        let e = check(&format!("{sub}    owner: company\n")).unwrap_err();
        assert!(e.to_string().contains("not one of individual, organisation"), "{e}");
        let e = check(&format!("{sub}    addons:\n      - ha\n      - {{name: eus, level: premium}}\n")).unwrap_err();
        assert!(e.to_string().contains("/subscriptions/0/addons/1/level"), "{e}");
        assert_eq!(e.line, Some(8));
        let e = check(&format!("{sub}    addons: [{{unit: vCPU}}]\n")).unwrap_err();
        assert!(e.to_string().contains("`name` is required"), "{e}");
        let e = check(&format!("{sub}    addons: [{{name: ha, support_level: gold}}]\n")).unwrap_err();
        assert!(e.to_string().contains("/subscriptions/0/addons/0/support_level"), "{e}");
        let e = check(&format!("{sub}    addons: [7]\n")).unwrap_err();
        assert!(e.to_string().contains("add-on name or an object"), "{e}");
        let e = check("accounts:\n  - cloud: aws\n    id: '1'\n    cloud_access: true\n    environment: prod\n")
            .unwrap_err();
        assert!(e.to_string().contains("/accounts/0/environment"), "{e}");
        assert_eq!(e.line, Some(5));
    }
}
