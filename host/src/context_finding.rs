//! Findings a run-scoped policy places on the org context itself (a subscription whose
//! terms forbid what it is used for): located at the entry's line in the context file,
//! so the reader edits the subscription where it is written.

use entitle_sdk::Finding;
use sha2::{Digest, Sha256};

use crate::check::CheckOptions;
use crate::report;
use crate::runtime::Policy;
use crate::{Error, ErrorKind, Phase};

/// Places one finding whose workload is [`entitle_sdk::CONTEXT_WORKLOAD`] and whose field
/// is a JSON pointer into the context. A rule the policy does not declare, or a pointer the
/// context does not hold, makes the reply malformed.
pub(crate) fn place(policy: &Policy, options: &CheckOptions, f: Finding) -> Result<report::Finding, Error> {
    let malformed =
        |m: String| Error::new(Phase::Evaluate, ErrorKind::Reply(m)).path("(org context)").policy(policy.id());
    let rule = policy
        .metadata
        .rule(&f.rule)
        .ok_or_else(|| malformed(format!("finding for rule `{}`, which the policy does not declare", f.rule)))?;
    let location = crate::place::context_entry(options.context_file.as_ref(), &f.field).map_err(malformed)?;
    let entry = options.context.pointer(&f.field).map(|v| v.to_string()).unwrap_or_default();
    let digest = Sha256::digest(format!("{}\0{}\0{}\0{entry}", f.rule, location.path, f.field).as_bytes());
    Ok(report::Finding {
        rule: f.rule,
        policy: policy.id().to_owned(),
        severity: f.severity.unwrap_or(rule.severity),
        message: f.message,
        resource: resource(&options.context, &f.field),
        workload: String::new(),
        field: f.field,
        location,
        trail: Vec::new(),
        alternative: None,
        evidence: f.evidence,
        fix: f.fix,
        fingerprint: crate::runtime::hex(&digest[..8]),
        suppression: None,
    })
}

/// How a reviewer names the entry: `subscription RH00004` for `/subscriptions/0/…`,
/// `account prod-1` for an account, else `org context <pointer>`.
fn resource(context: &serde_json::Value, pointer: &str) -> String {
    let mut parts = pointer.split('/').skip(1);
    let (Some(list), Some(index)) = (parts.next(), parts.next()) else {
        return format!("org context {pointer}");
    };
    let entry = context.pointer(&format!("/{list}/{index}"));
    let named = |key: &str| entry.and_then(|e| e.get(key)).and_then(|v| v.as_str()).map(str::to_owned);
    match list {
        "subscriptions" => named("sku").map(|sku| format!("subscription {sku}")),
        "accounts" => named("id").map(|id| format!("account {id}")),
        _ => None,
    }
    .unwrap_or_else(|| format!("org context {pointer}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ContextFile;

    fn file(text: &str) -> ContextFile {
        ContextFile { path: "org.yaml".into(), document: crate::document::parse_text(text).unwrap().remove(0) }
    }

    #[test]
    fn a_context_entry_is_located_at_its_line_and_a_missing_one_is_malformed() {
        let ctx = file("subscriptions:\n  - sku: RH00005\n    product: p\n    addons: [eus, ha]\n");
        let at = crate::place::context_entry(Some(&ctx), "/subscriptions/0/addons/1").unwrap();
        assert_eq!((at.path.as_str(), at.line, at.column), ("org.yaml", 4, 19));
        let e = crate::place::context_entry(Some(&ctx), "/subscriptions/3").unwrap_err();
        assert!(e.contains("does not hold"), "{e}");
        let e = crate::place::context_entry(None, "/subscriptions/0").unwrap_err();
        assert!(e.contains("no context file"), "{e}");
    }

    #[test]
    fn the_resource_names_the_subscription_or_account() {
        let value = serde_json::json!({"subscriptions": [{"sku": "RH00005"}], "accounts": [{"id": "prod"}], "environment": "x"});
        assert_eq!(resource(&value, "/subscriptions/0/addons/0"), "subscription RH00005");
        assert_eq!(resource(&value, "/accounts/0/environment"), "account prod");
        assert_eq!(resource(&value, "/environment"), "org context /environment");
    }
}
