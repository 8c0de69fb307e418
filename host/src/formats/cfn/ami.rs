//! AMI identity: an AMI id says nothing by itself, so the name is looked for in the
//! template, in this order: a mapping row that holds AMI names (`Mappings.<map>.AMI.<key>`,
//! the Quick Start convention), the template's `Metadata.<map>.Filters.<key>` name filter
//! (with its owner), and last the mapping key itself as a weak hint (`RHEL77HVM`). The
//! offline AMI catalogue (`--ami-catalog`) wins over them all, and names literal ids too.
//!
//! Names are then classified by `classify_aws`, after reading the AWS Marketplace names
//! of RHEL for SAP (`SAPHAE4S-7.4_HVM-…`, `RHEL-8.1.0-SAP-HVM-…`) in Red Hat's grammar.

use entitle_sdk::Catalog;
use entitle_sdk::model::{BillingModel, Source};
use serde_json::Value;

use super::template::{Template, is_region};
use super::value::{Cell, source};
use crate::classify::{AwsImage, Classification, classify_aws};
use crate::document::escape_token;

/// What the template says about the AMI behind a mapping entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Identity {
    /// The AMI name or name pattern, when the template has one.
    pub name: Option<String>,
    /// The owner account or alias, from a name filter or the AMI catalogue.
    pub owner: Option<String>,
    /// The usage operation, from the AMI catalogue.
    pub usage_operation: Option<String>,
    /// Where the name (or the hinting key) is written.
    pub at: Option<Source>,
    /// How the name was found.
    pub evidence: Vec<String>,
    /// The mapping key, for a weak hint when there is no name.
    pub key: String,
}

/// The identity of the AMI at mapping entry `cell`.
pub fn identify(t: &Template, cell: &Cell) -> Identity {
    let key = if is_region(&cell.top) || !is_region(&cell.key) { &cell.key } else { &cell.top };
    let mut id = Identity { key: key.clone(), ..Identity::default() };
    let filter = filter_block(t, &cell.map, key);
    let filter_name = t.node(&format!("{filter}/name")).and_then(Value::as_str);
    let owner = ["owner-id", "owner-alias", "owner"]
        .iter()
        .find_map(|k| t.node(&format!("{filter}/{k}")).and_then(Value::as_str));
    id.owner = owner.map(str::to_owned);
    if let Some((row, name, pointer)) = name_row(t, &cell.map, key) {
        id.evidence.push(format!("mapping {} row {row} names the AMI of key {key}: {name}", cell.map));
        (id.name, id.at) = (Some(name), Some(source(&t.path, &pointer)));
    } else if let Some(name) = filter_name {
        let by = owner.map(|o| format!(", owner {o}")).unwrap_or_default();
        let block = filter.split('/').nth(2).unwrap_or(&cell.map).replace("~1", "/").replace("~0", "~");
        id.evidence.push(format!("the template's Metadata {block}.Filters.{key} names the AMI: {name}{by}"));
        (id.name, id.at) = (Some(name.to_owned()), Some(source(&t.path, &format!("{filter}/name"))));
    }
    let cell_at =
        format!("/Mappings/{}/{}/{}", escape_token(&cell.map), escape_token(&cell.top), escape_token(&cell.key));
    let listed =
        t.amis.as_ref().zip(t.node(&cell_at).and_then(Value::as_str)).and_then(|(c, ami)| c.get(ami).map(|i| (c, i)));
    if let Some((amis, info)) = listed.filter(|(_, i)| i.name.is_some()) {
        let name = info.name.clone().unwrap_or_default();
        id.evidence.push(format!("the AMI catalogue {} names {}: {name}", amis.path, info.image_id));
        (id.name, id.owner, id.at) = (Some(name), info.owner_id.clone(), Some(source(&t.path, &cell_at)));
        id.usage_operation = info.usage_operation.clone();
    }
    if id.at.is_none() {
        let cell_at =
            format!("/Mappings/{}/{}/{}", escape_token(&cell.map), escape_token(&cell.top), escape_token(&cell.key));
        id.at = Some(source(&t.path, &cell_at));
    }
    id
}

/// The identity the AMI catalogue (`--ami-catalog`) gives an AMI id written as a literal.
pub fn listed(t: &Template, ami: &str) -> Option<Identity> {
    let amis = t.amis.as_ref()?;
    let info = amis.get(ami)?;
    let name = info.name.clone()?;
    Some(Identity {
        evidence: vec![format!("the AMI catalogue {} names {ami}: {name}", amis.path)],
        name: Some(name),
        owner: info.owner_id.clone(),
        usage_operation: info.usage_operation.clone(),
        ..Identity::default()
    })
}

/// The pointer of the Metadata filter block for `key`: `Metadata.<map>.Filters.<key>` (the
/// Quick Start convention), else the one Metadata entry whose `Filters` has `key` when the
/// block is named differently from its mapping (`AWSAMIRegionMap` filters, `RegionMap`
/// mapping). Two or more such entries are ambiguous: none is used.
fn filter_block(t: &Template, map: &str, key: &str) -> String {
    let named = format!("/Metadata/{}/Filters/{}", escape_token(map), escape_token(key));
    if t.node(&named).is_some() {
        return named;
    }
    let mut others = t
        .section("Metadata")
        .iter()
        .filter(|(_, entry)| entry.get("Filters").and_then(|f| f.get(key)).is_some())
        .map(|(name, _)| format!("/Metadata/{}/Filters/{}", escape_token(name), escape_token(key)));
    match (others.next(), others.next()) {
        (Some(only), None) => only,
        _ => named,
    }
}

/// A row of `map` other than a region's whose `key` holds an AMI name (the row `AMI` first).
fn name_row(t: &Template, map: &str, key: &str) -> Option<(String, String, String)> {
    let rows = t.section("Mappings").get(map)?.as_object()?;
    let mut names: Vec<&String> = rows.keys().filter(|r| !is_region(r)).collect();
    names.sort_by_key(|r| *r != "AMI");
    names.into_iter().find_map(|row| {
        let name = rows[row].get(key)?.as_str()?;
        let pointer = format!("/Mappings/{}/{}/{}", escape_token(map), escape_token(row), escape_token(key));
        (!name.starts_with("ami-") && !name.trim().is_empty()).then(|| (row.clone(), name.to_owned(), pointer))
    })
}

/// Classifies an AMI name or name pattern (`owner` from its filter and the usage operation from
/// the AMI catalogue, if any).
pub fn classify_name(name: &str, id: &Identity, catalog: &Catalog) -> Classification {
    let (canonical, plain_sap, mut notes) = normalise(name);
    let (owner, usage_operation) = (id.owner.as_deref(), id.usage_operation.as_deref());
    let image = AwsImage { name: Some(&canonical), owner, usage_operation, ..AwsImage::default() };
    let mut c = classify_aws(&image, catalog);
    if plain_sap && c.os.product.as_deref() == Some("rhel") {
        c.addons.push("sap".to_owned());
        notes.push(format!("AMI name {name} is RHEL for SAP (no HA or Update Services word in the name)"));
    }
    c.evidence.splice(0..0, notes);
    c
}

/// The grammar `classify_aws` reads, for Marketplace RHEL for SAP names and filter
/// billing words with a wildcard; and whether the name is plain RHEL for SAP.
fn normalise(name: &str) -> (String, bool, Vec<String>) {
    let mut notes = Vec::new();
    let mut out = name.to_owned();
    let mut plain_sap = false;
    let ha_us = [("SAPHAE4S-", "_HVM"), ("SAPHAEUS-", "_HVM"), ("SAP-", "_E4S_HA_US_HVM")];
    if let Some((rest, marker)) = ha_us.iter().find_map(|(p, m)| name.strip_prefix(p).map(|r| (r, *m)))
        && let Some((version, tail)) = rest.split_once(marker)
        && version.starts_with(|c: char| c.is_ascii_digit())
    {
        out = format!("RHEL-SAP-{version}_HVM{tail}");
    } else if let Some(rest) = name.strip_prefix("SAP-")
        && let Some((version, tail)) = rest.split_once("_HVM")
    {
        (out, plain_sap) = (format!("RHEL-{version}_HVM{tail}"), true);
    } else if let Some(rest) = name.strip_prefix("RHEL-")
        && let Some((version, tail)) = rest.split_once("-SAP-HVM")
    {
        out = format!("RHEL-SAP-{version}_HVM{tail}");
    }
    if out != name {
        let product = if plain_sap { "RHEL for SAP" } else { "RHEL for SAP with HA and Update Services" };
        notes.push(format!("AWS Marketplace AMI name {name} is {product}, read as {out}"));
    }
    for (word, meant) in [("Hourly", "Hourly2"), ("Access", "Access2")] {
        for wild in ['?', '*'] {
            let pattern = format!("-{word}{wild}-");
            if out.contains(&pattern) {
                out = out.replace(&pattern, &format!("-{meant}-"));
                notes.push(format!(
                    "name filter word {word}{wild} is read as {meant}, the only {word} billing word in Red Hat's AMI names"
                ));
            }
        }
    }
    (out, plain_sap, notes)
}

/// A weak hint from a mapping key (`RHEL77HVM` → RHEL 7.7, `RHEL9` → RHEL 9), when the
/// template names no AMI.
pub fn key_hint(key: &str) -> Option<Classification> {
    let upper = key.to_ascii_uppercase();
    let rest = upper.strip_prefix("RHEL")?.trim_start_matches(['-', '_']);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let (major, minor) = match digits.len() {
        1 => (digits.parse().ok()?, None),
        2 => (digits[..1].parse().ok()?, digits[1..].parse().ok()),
        3 if digits.starts_with("10") => (10, digits[2..].parse().ok()),
        3 => (digits[..1].parse().ok()?, digits[1..].parse().ok()),
        _ => return None,
    };
    if major < 5 {
        return None;
    }
    let mut c = Classification::default();
    (c.os.vendor, c.os.product, c.os.major, c.os.minor) =
        (Some("redhat".into()), Some("rhel".into()), Some(major), minor);
    let release = minor.map_or(major.to_string(), |m| format!("{major}.{m}"));
    c.evidence.push(format!(
        "weak hint: only the mapping key {key} suggests RHEL {release}; keys are labels the author chose, and in \
         the AWS Quick Starts about one in ten names the wrong minor release (RHEL76HVM holds RHEL 7.7 AMIs)"
    ));
    let why = format!("the AMI ids are opaque and the template names no AMI for mapping key {key}");
    if minor.is_none() {
        c.unknown.push(("os.minor".into(), why.clone()));
    }
    c.unknown.push(("billing.model".into(), format!("{why}, so Hourly2 (PAYG) or Access2 (BYOS) is not known")));
    c.unknown.push(("os.stream".into(), why));
    c.billing = BillingModel::Unknown;
    Some(c)
}

/// Evidence when the mapping key and the AMI name disagree on the release.
pub fn key_disagrees(key: &str, c: &Classification) -> Option<String> {
    let hint = key_hint(key)?;
    let differs = (hint.os.major != c.os.major) || (hint.os.minor.is_some() && hint.os.minor != c.os.minor);
    let said =
        |m: Option<u32>, n: Option<u32>| n.map_or(format!("{}", m.unwrap_or(0)), |n| format!("{}.{n}", m.unwrap_or(0)));
    (differs && c.os.major.is_some()).then(|| {
        format!(
            "mapping key {key} suggests RHEL {} but the AMI name says RHEL {}; the name wins",
            said(hint.os.major, hint.os.minor),
            said(c.os.major, c.os.minor)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_marketplace_sap_names() {
        let cases = [
            (
                "SAPHAE4S-7.4_HVM-20181108-x86_64-2-Hourly2-GP2-x",
                "RHEL-SAP-7.4_HVM-20181108-x86_64-2-Hourly2-GP2-x",
                false,
            ),
            ("SAPHAEUS-7.5_HVM-2018-x86_64-2-Hourly2-GP2", "RHEL-SAP-7.5_HVM-2018-x86_64-2-Hourly2-GP2", false),
            ("SAP-7.6_E4S_HA_US_HVM-2019-x86_64-2-Hourly2-GP2", "RHEL-SAP-7.6_HVM-2019-x86_64-2-Hourly2-GP2", false),
            ("SAP-7.5_HVM_GA-2018-x86_64-0-Hourly2-GP2", "RHEL-7.5_HVM_GA-2018-x86_64-0-Hourly2-GP2", true),
            ("RHEL-8.1.0-SAP-HVM-2019-x86_64-0-Hourly2-GP2", "RHEL-SAP-8.1.0_HVM-2019-x86_64-0-Hourly2-GP2", false),
            ("RHEL-7.7_HVM_GA-20??????-x86_64-?-Hourly?-GP2", "RHEL-7.7_HVM_GA-20??????-x86_64-?-Hourly2-GP2", false),
            ("suse-sles-15-v20180806-hvm-ssd-x86_64", "suse-sles-15-v20180806-hvm-ssd-x86_64", false),
        ];
        for (name, canonical, plain) in cases {
            let (out, plain_sap, _) = normalise(name);
            assert_eq!((out.as_str(), plain_sap), (canonical, plain), "{name}");
        }
    }

    #[test]
    fn hints_from_keys() {
        let release = |k: &str| key_hint(k).map(|c| (c.os.major, c.os.minor));
        assert_eq!(release("RHEL77HVM"), Some((Some(7), Some(7))));
        assert_eq!(release("RHEL9"), Some((Some(9), None)));
        assert_eq!(release("rhel-810"), Some((Some(8), Some(10))));
        assert_eq!(release("RHEL100"), Some((Some(10), Some(0))));
        assert_eq!(release("RHEL75SAPHAUSHVM"), Some((Some(7), Some(5))));
        assert_eq!(release("SLES15SP2HVM"), None);
        assert_eq!(release("RHEL"), None);
    }
}
