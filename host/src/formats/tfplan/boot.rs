//! Boot-time configuration a resource carries (`user_data`, `custom_data`, startup scripts),
//! decoded from base64 where it is, never shown when the plan marks it sensitive.

use entitle_sdk::Workload;
use entitle_sdk::model::BootConfig;
use serde_json::Value;

use super::context::Context;
use super::entry::Entry;
use crate::formats::base64::decode_text;

/// Adds the boot entry of attribute `path` (kind `custom_data`, `user_data` or `startup_script`),
/// if the resource sets it. Base64 (`custom_data`, `user_data_base64`, launch templates'
/// `user_data`) is decoded when it decodes to text, as the ARM front-end reads `customData`.
pub fn add(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload, path: &[&str], kind: &str) {
    let field = entry.field(path);
    if field.unknown && !field.sensitive && cx.block(entry).is_some() && cx.expression(entry, path).is_none() {
        // Computed by the provider, not configured: the resource sets no such thing.
        return;
    }
    let source = cx.at(&field.at);
    let name = path.last().copied().unwrap_or(kind);
    let mut boot = BootConfig { kind: kind.to_owned(), source, ..BootConfig::default() };
    if let Some(reason) = field.missing(name) {
        boot.unknown = Some(reason);
        w.boot.push(boot);
        return;
    }
    let Some(text) = field.value.and_then(Value::as_str).filter(|s| !s.is_empty()) else { return };
    if text == EMPTY_SHA1 {
        return;
    }
    if is_sha1(text) {
        // Older AWS and azurerm providers store only the SHA-1 of user_data / custom_data; the
        // resource's own literal in the configuration is what was hashed.
        let literal = cx.expression(entry, path).and_then(|(e, at)| Some((e.get("constant_value")?.as_str()?, at)));
        match literal {
            Some((literal, at)) => {
                boot.text = Some(decoded(literal));
                boot.source = cx.at(&format!("{at}/constant_value"));
            }
            None => {
                let why = "the plan shows only its SHA-1 hash (the provider stores it hashed) \
                           and the configuration has no literal for it";
                boot.unknown = Some(format!("{name}: {why}"));
            }
        }
    } else {
        boot.text = Some(decoded(text));
    }
    w.boot.push(boot);
}

/// The text, decoded from base64 where it is base64.
fn decoded(text: &str) -> String {
    decode_text(text).unwrap_or_else(|| text.to_owned())
}

/// The SHA-1 of the empty string: a hashed attribute that is empty.
const EMPTY_SHA1: &str = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

/// Forty lowercase hex digits: a SHA-1 a provider stored instead of the text.
fn is_sha1(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_hashes_and_base64() {
        assert!(is_sha1(EMPTY_SHA1) && is_sha1("44c6c808e6449ee36dfcfc4ebd66c1b9634b40f2"));
        assert!(!is_sha1("IyEvYmluL2Jhc2gKZWNobyBoaQo="));
        assert_eq!(decoded("IyEvYmluL2Jhc2gKZWNobyBoaQo="), "#!/bin/bash\necho hi\n");
        assert_eq!(decoded("#!/bin/bash\necho hi"), "#!/bin/bash\necho hi");
    }
}
