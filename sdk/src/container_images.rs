//! Container image patterns (`container-images.json`): which registry paths and tags mark an
//! image as RHEL content or as UBI, each row with its source and confidence.
//!
//! A pattern is literal text with `{major}` (one or more digits, the RHEL major) and `*` (any
//! text) placeholders. `path` rows match the first segment of the repository path on one of
//! the row's registries (`registry.redhat.io` + `rhel{major}` matches
//! `registry.redhat.io/rhel8/httpd-24`); `tag` rows match the tag on any registry
//! (`*-el{major}` matches `15-el8`).

use serde::{Deserialize, Serialize};

use crate::catalog::{CatalogError, Confidence};

/// The catalog file these rows come from.
pub const FILE: &str = "container-images.json";

/// What part of a reference a row matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerMatch {
    /// The first segment of the repository path, on one of the row's registries.
    Path,
    /// The tag, on any registry.
    Tag,
}

/// What an image matching a row contains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerContent {
    /// RHEL content: subscription-gated, pulled with a Red Hat registry login.
    Rhel,
    /// Universal Base Image: freely redistributable.
    Ubi,
}

/// One container image pattern.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerImageRow {
    /// What the pattern is matched against.
    #[serde(rename = "match")]
    pub matches: ContainerMatch,
    /// Registries the row applies to (`path` rows; compared case-insensitively).
    #[serde(default)]
    pub registries: Vec<String>,
    /// The pattern (`rhel{major}`, `*-el{major}`).
    pub pattern: String,
    /// What the image contains.
    pub content: ContainerContent,
    /// Where the rule comes from (https URL).
    pub source: String,
    /// How sure it is.
    pub confidence: Confidence,
    /// Anything worth knowing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ContainerImageRow {
    /// `Some(major)` when `text` matches the pattern (`Some(None)` for a pattern without
    /// `{major}`), compared case-insensitively.
    pub fn match_text(&self, text: &str) -> Option<Option<u32>> {
        match_pattern(&self.pattern.to_ascii_lowercase(), &text.to_ascii_lowercase())
    }

    /// True when the row applies to `registry` (always for `tag` rows).
    pub fn applies_to(&self, registry: &str) -> bool {
        self.matches == ContainerMatch::Tag || self.registries.iter().any(|r| r.eq_ignore_ascii_case(registry))
    }
}

/// Matches `pattern` (already lowercase) against `text`, giving the `{major}` digits.
fn match_pattern(pattern: &str, text: &str) -> Option<Option<u32>> {
    if let Some(rest) = pattern.strip_prefix('*') {
        return (0..=text.len()).filter(|&i| text.is_char_boundary(i)).find_map(|i| match_pattern(rest, &text[i..]));
    }
    if let Some(rest) = pattern.strip_prefix("{major}") {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        return (1..=digits).rev().find_map(|n| {
            let major = text[..n].parse::<u32>().ok()?;
            match_pattern(rest, &text[n..]).map(|inner| inner.or(Some(major)))
        });
    }
    match pattern.chars().next() {
        None => text.is_empty().then_some(None),
        Some(c) => {
            let (p, t) = (&pattern[c.len_utf8()..], text.strip_prefix(c)?);
            match_pattern(p, t)
        }
    }
}

/// Checks the rows: known placeholders only, `path` rows name registries, sources are
/// https URLs, no row twice.
pub fn check(rows: &[ContainerImageRow]) -> Result<(), CatalogError> {
    let fail = |i: usize, row: &ContainerImageRow, why: &str| {
        Err(CatalogError { file: FILE.to_owned(), message: format!("row {} (`{}`): {why}", i + 1, row.pattern) })
    };
    let mut seen = std::collections::BTreeSet::new();
    for (i, row) in rows.iter().enumerate() {
        let bare = row.pattern.replace("{major}", "").replace('*', "");
        if row.pattern.trim().is_empty() || bare.contains(['{', '}', '/', ' ']) {
            return fail(i, row, "the pattern must be non-empty text with only {major} and * placeholders");
        }
        if row.matches == ContainerMatch::Path && row.registries.is_empty() {
            return fail(i, row, "a path row must name its registries");
        }
        if !row.source.starts_with("https://") {
            return fail(i, row, "has no https source");
        }
        let mut registries: Vec<String> = row.registries.iter().map(|r| r.to_ascii_lowercase()).collect();
        registries.sort();
        if !seen.insert((row.matches, row.pattern.to_ascii_lowercase(), registries)) {
            return fail(i, row, "appears twice");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(matches: ContainerMatch, pattern: &str) -> ContainerImageRow {
        ContainerImageRow {
            matches,
            registries: vec!["registry.redhat.io".into()],
            pattern: pattern.into(),
            content: ContainerContent::Rhel,
            source: "https://example.com".into(),
            confidence: Confidence::Verified,
            note: None,
        }
    }

    #[test]
    fn patterns_match_with_the_major() {
        let cases = [
            ("rhel{major}", "rhel8", Some(Some(8))),
            ("rhel{major}", "RHEL10", Some(Some(10))),
            ("rhel{major}", "rhel", None),
            ("rhel{major}", "rhel8-foo", None),
            ("rhel{major}-*", "rhel7-atomic", Some(Some(7))),
            ("*-el{major}", "15-el8", Some(Some(8))),
            ("*-el{major}", "2.4-el10", Some(Some(10))),
            ("*-el{major}", "el8", None),
            ("*-el{major}", "15-el8-x", None),
            ("rhel", "rhel", Some(None)),
            ("ubi{major}", "ubi9", Some(Some(9))),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(row(ContainerMatch::Path, pattern).match_text(text), expected, "{pattern} ~ {text}");
        }
    }

    #[test]
    fn bad_rows_are_rejected() {
        let mut no_registry = row(ContainerMatch::Path, "rhel{major}");
        no_registry.registries.clear();
        assert!(check(&[no_registry]).is_err());
        assert!(check(&[row(ContainerMatch::Tag, "{minor}")]).is_err());
        assert!(check(&[row(ContainerMatch::Tag, "a"), row(ContainerMatch::Tag, "A")]).is_err());
        let mut http = row(ContainerMatch::Tag, "x");
        http.source = "http://x".into();
        assert!(check(&[http]).is_err());
        assert!(check(&[row(ContainerMatch::Path, "rhel{major}"), row(ContainerMatch::Tag, "*-el{major}")]).is_ok());
    }
}
