//! The catalog an instance was prepared with. ABI version 1 has an optional export,
//! `entitle_prepare(ptr, len) -> i32`: the host hands it the catalog tables once, the
//! guest parses them here, and the host snapshots the instance and starts every fresh
//! instance from that image, so each request can leave its `catalog` out. A request
//! that carries a catalog is used as it is (hosts that do not prepare send one).

use std::sync::Mutex;

use serde::Deserialize;

use crate::{Catalog, Date, Deployment, Evaluation};

/// The prepared catalog; `None` until `entitle_prepare` ran. Taken for one evaluation
/// and put back after it (an instance evaluates once, but need not).
static PREPARED: Mutex<Option<Catalog>> = Mutex::new(None);

/// Parses and keeps the catalog tables in `bytes` (JSON).
pub fn prepare(bytes: &[u8]) -> Result<(), String> {
    let catalog: Catalog = serde_json::from_slice(bytes).map_err(|e| format!("the catalog to prepare: {e}"))?;
    *PREPARED.lock().unwrap_or_else(|e| e.into_inner()) = Some(catalog);
    Ok(())
}

/// An evaluation request as sent: like [`Evaluation`], with the catalog optional.
#[derive(Deserialize)]
struct Request {
    #[serde(default)]
    settings: serde_json::Value,
    as_of: Date,
    #[serde(default = "default_warn_within")]
    warn_within_days: u32,
    #[serde(default)]
    catalog: Option<Catalog>,
    #[serde(default)]
    context: serde_json::Value,
    deployment: Deployment,
}

fn default_warn_within() -> u32 {
    180
}

/// The evaluation in `bytes`, and whether its catalog is the prepared one (then it
/// goes back with [`restore`] after the evaluation).
pub(crate) fn request(bytes: &[u8]) -> Result<(Evaluation, bool), String> {
    // One UTF-8 check of the whole request, then a `str` reader: `from_slice` checks each string on its own, a
    // tenth of the decode on a typical request.
    let text = std::str::from_utf8(bytes).map_err(|e| format!("the request is not UTF-8: {e}"))?;
    let request: Request = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let (catalog, prepared) = match request.catalog {
        Some(catalog) => (catalog, false),
        None => match PREPARED.lock().unwrap_or_else(|e| e.into_inner()).take() {
            Some(catalog) => (catalog, true),
            None => return Err("the request has no catalog and this instance was not prepared with one".into()),
        },
    };
    let Request { settings, as_of, warn_within_days, context, deployment, .. } = request;
    Ok((Evaluation { settings, as_of, warn_within_days, catalog, context, deployment }, prepared))
}

/// Puts the prepared catalog back after an evaluation that used it.
pub(crate) fn restore(catalog: Catalog) {
    *PREPARED.lock().unwrap_or_else(|e| e.into_inner()) = Some(catalog);
}

#[cfg(test)]
mod tests {
    use super::{prepare, request, restore};

    const REQUEST: &str =
        r#"{"settings":null,"as_of":"2026-11-25","deployment":{"path":"a.json","format":"arm","workloads":[]}"#;

    #[test]
    fn a_request_without_a_catalog_uses_the_prepared_one_and_one_with_a_catalog_its_own() {
        let unprepared = request(format!("{REQUEST}}}").as_bytes()).expect_err("no catalog anywhere");
        assert!(unprepared.contains("not prepared"), "{unprepared}");
        prepare(br#"{"version":"prepared-1"}"#).expect("a catalog");
        let (evaluation, prepared) = request(format!("{REQUEST}}}").as_bytes()).expect("prepared");
        assert!(prepared);
        assert_eq!(evaluation.catalog.version, "prepared-1");
        restore(evaluation.catalog);
        let own = format!(r#"{REQUEST},"catalog":{{"version":"sent-2"}}}}"#);
        let (evaluation, prepared) = request(own.as_bytes()).expect("its own catalog");
        assert!(!prepared);
        assert_eq!(evaluation.catalog.version, "sent-2");
        let (evaluation, _) = request(format!("{REQUEST}}}").as_bytes()).expect("still prepared");
        assert_eq!(evaluation.catalog.version, "prepared-1");
        assert!(prepare(b"[1]").is_err(), "a catalog that is not one is refused");
    }
}
