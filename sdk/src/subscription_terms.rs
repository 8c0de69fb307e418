//! Subscription terms (`subscription-terms.json`, table `subscription-terms`): what each
//! subscription type an org context may declare allows (production use, how many systems,
//! who may own it) and which add-ons a Self-support subscription may carry. Limits such as
//! the 16 systems of a Developer Subscription for Individuals are data here, with a source
//! and a confidence, never constants in a policy.

use serde::{Deserialize, Serialize};

use crate::catalog::{CatalogError, Confidence};

/// The catalog file these rows come from.
pub const FILE: &str = "subscription-terms.json";

/// The terms of one subscription type (`standard`, `developer-individual`, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionType {
    /// The type as the org context writes it (one of [`crate::context::SUBSCRIPTION_TYPES`]).
    #[serde(rename = "type")]
    pub kind: String,
    /// Red Hat's name for it.
    pub name: String,
    /// Whether the terms allow production use.
    pub production: bool,
    /// The most physical or virtual systems one subscription may cover, when the terms cap it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_systems: Option<u64>,
    /// Who the terms say holds it (`individual` or `organisation`), when they say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One RHEL add-on and whether a Self-support subscription may carry it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddOnTerms {
    /// The add-on's short name (`ha`), compared case-insensitively.
    pub addon: String,
    /// Other spellings (`high availability`), compared case-insensitively.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Red Hat's name for it.
    pub name: String,
    /// Whether it is allowed on a Self-support subscription.
    pub self_support: bool,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The whole table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionTerms {
    /// What the table is.
    #[serde(default, skip_serializing)]
    pub description: String,
    /// One row per subscription type.
    #[serde(default)]
    pub types: Vec<SubscriptionType>,
    /// One row per add-on.
    #[serde(default)]
    pub addons: Vec<AddOnTerms>,
}

impl SubscriptionTerms {
    /// The row of a subscription type (exact; the host validated the spelling).
    pub fn kind(&self, kind: &str) -> Option<&SubscriptionType> {
        self.types.iter().find(|t| t.kind == kind)
    }

    /// The row of an add-on by its name or an alias (case-insensitive, spaces trimmed).
    pub fn addon(&self, name: &str) -> Option<&AddOnTerms> {
        let name = name.trim();
        self.addons
            .iter()
            .find(|a| a.addon.eq_ignore_ascii_case(name) || a.aliases.iter().any(|x| x.eq_ignore_ascii_case(name)))
    }

    /// Checks the rows: every type the context accepts has exactly one row, owners are
    /// known values, add-on names and aliases are unique, every source is an https URL.
    pub fn check(&self) -> Result<(), CatalogError> {
        let fail = |message: String| Err(CatalogError { file: FILE.to_owned(), message });
        for kind in crate::context::SUBSCRIPTION_TYPES {
            match self.types.iter().filter(|t| t.kind == kind).count() {
                1 => {}
                0 => return fail(format!("no row for subscription type `{kind}`")),
                _ => return fail(format!("subscription type `{kind}` appears twice")),
            }
        }
        for (i, row) in self.types.iter().enumerate() {
            let at = format!("type row {} (`{}`)", i + 1, row.kind);
            if !crate::context::SUBSCRIPTION_TYPES.contains(&row.kind.as_str()) {
                return fail(format!("{at}: not one of {}", crate::context::SUBSCRIPTION_TYPES.join(", ")));
            }
            if row.owner.as_deref().is_some_and(|o| !crate::context::OWNERS.contains(&o)) {
                return fail(format!("{at}: `owner` must be one of {}", crate::context::OWNERS.join(", ")));
            }
            if !row.source.starts_with("https://") {
                return fail(format!("{at}: `source` must be an https URL"));
            }
        }
        let mut names = std::collections::BTreeSet::new();
        for (i, row) in self.addons.iter().enumerate() {
            let at = format!("add-on row {} (`{}`)", i + 1, row.addon);
            for name in std::iter::once(&row.addon).chain(&row.aliases) {
                if name.trim().is_empty() || !names.insert(name.trim().to_ascii_lowercase()) {
                    return fail(format!("{at}: name or alias `{name}` is empty or appears twice"));
                }
            }
            if !row.source.starts_with("https://") {
                return fail(format!("{at}: `source` must be an https URL"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> SubscriptionTerms {
        serde_json::from_str(include_str!("../../policies/catalog/subscription-terms.json")).unwrap()
    }

    #[test]
    fn the_builtin_table_is_valid_and_finds_aliases() {
        let t = table();
        t.check().unwrap();
        assert_eq!(t.kind("developer-individual").and_then(|r| r.max_systems), Some(16));
        assert!(t.addon("Satellite").is_some_and(|a| a.self_support));
        assert!(t.addon(" High Availability ").is_some_and(|a| a.addon == "ha" && !a.self_support));
        assert!(t.addon("insights").is_none());
    }

    #[test]
    fn a_missing_type_or_a_repeated_alias_names_the_file() {
        let mut t = table();
        t.types.retain(|r| r.kind != "developer-teams");
        let e = t.check().unwrap_err();
        assert!(e.to_string().contains(FILE) && e.to_string().contains("developer-teams"), "{e}");
        let mut t = table();
        t.addons[1].aliases.push("satellite".into());
        assert!(t.check().unwrap_err().to_string().contains("appears twice"));
    }
}
