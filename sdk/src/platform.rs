//! Instance sizes and certified platforms (`instance-sizes.json`, `certified-platforms.json`):
//! what a size written in a descriptor is (family, vCPUs, architecture) and which cloud
//! providers and instance families Red Hat has certified, each row with its source and
//! confidence, so the host never guesses a size and rule 27 reads data, not constants.
//!
//! A size pattern is literal text compared case-insensitively, with `{n}` standing for the
//! number a size is named by (`Standard_D{n}s_v5`, `n2-standard-{n}`, `m7g.{n}xlarge`) and
//! `{x}` for digits that do not count (`Standard_M{n}s_{x}_v3`). A row gives vCPUs either as
//! a fixed number or as `n × vcpus_per_n`; a row with neither leaves vCPUs unknown.

use serde::{Deserialize, Serialize};

use crate::catalog::{CatalogError, Confidence};

/// The catalog file of sizes.
pub const SIZES_FILE: &str = "instance-sizes.json";
/// The catalog file of certified platforms.
pub const CERTIFIED_FILE: &str = "certified-platforms.json";

/// One size, or a family of sizes named by a pattern.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceSizeRow {
    /// `azure`, `aws` or `gcp`.
    pub provider: String,
    /// The size or pattern (`Standard_D{n}ps_v5`, `m7g.large`).
    pub pattern: String,
    /// The family (`Dpsv5`, `m7g`, `n2-highmem`).
    pub family: String,
    /// `x86_64` or `arm64`.
    pub arch: String,
    /// vCPUs of the size, when fixed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcpus: Option<u32>,
    /// vCPUs per unit of the `{n}` number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcpus_per_n: Option<u32>,
    /// Hardware threads per physical core (2 with hyper-threading / SMT, 1 without), so
    /// cores are `vcpus / threads_per_core`; absent means the cores are not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads_per_core: Option<u32>,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What a size is, as the catalog knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SizeFacts<'a> {
    /// The row that matched.
    pub row: &'a InstanceSizeRow,
    /// vCPUs, when the row gives them.
    pub vcpus: Option<u32>,
}

impl InstanceSizeRow {
    /// The vCPUs when `size` matches the row (`Some(None)` when it matches but the row
    /// gives no vCPUs).
    pub fn match_size(&self, size: &str) -> Option<Option<u32>> {
        let n = match_pattern(&self.pattern.to_ascii_lowercase(), &size.to_ascii_lowercase(), None)?;
        Some(match (self.vcpus, self.vcpus_per_n, n) {
            (Some(v), _, _) => Some(v),
            (None, Some(per), Some(n)) => n.checked_mul(per),
            _ => None,
        })
    }
}

impl SizeFacts<'_> {
    /// Physical cores: vCPUs divided by the row's threads per core, when both are known.
    pub fn cores(&self) -> Option<u32> {
        let threads = self.row.threads_per_core.filter(|t| *t > 0)?;
        Some(self.vcpus?.div_ceil(threads))
    }
}

/// Matches `pattern` against `text` (both lowercase), giving the `{n}` number if any.
fn match_pattern(pattern: &str, text: &str, n: Option<u32>) -> Option<Option<u32>> {
    for (placeholder, counts) in [("{n}", true), ("{x}", false)] {
        if let Some(rest) = pattern.strip_prefix(placeholder) {
            let digits = text.bytes().take_while(u8::is_ascii_digit).count();
            return (1..=digits).rev().find_map(|len| {
                let value = if counts { Some(text[..len].parse::<u32>().ok()?) } else { n };
                match_pattern(rest, &text[len..], value)
            });
        }
    }
    match pattern.chars().next() {
        None => text.is_empty().then_some(n),
        Some(c) => match_pattern(&pattern[c.len_utf8()..], text.strip_prefix(c)?, n),
    }
}

/// No size name is longer; a longer text is not looked up (bounds the matching work).
pub const MAX_SIZE_LEN: usize = 64;

/// The size table's first row of `provider` that matches `size`. A size written as a URL
/// (Deployment Manager's `…/zones/us-east1-b/machineTypes/n2-standard-4`) is matched by its
/// last segment.
pub fn lookup<'a>(rows: &'a [InstanceSizeRow], provider: &str, size: &str) -> Option<SizeFacts<'a>> {
    let size = size.trim();
    let size = size.rsplit('/').next().unwrap_or(size);
    if size.len() > MAX_SIZE_LEN {
        return None;
    }
    rows.iter()
        .filter(|r| r.provider.eq_ignore_ascii_case(provider))
        .find_map(|row| row.match_size(size).map(|vcpus| SizeFacts { row, vcpus }))
}

/// A cloud provider and whether Red Hat certifies it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertifiedProvider {
    /// `azure`, `aws`, `gcp`, `alibaba`, `ibm`, …
    pub provider: String,
    /// A certified cloud and service provider (CCSP).
    pub certified: bool,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An instance family and whether Red Hat certifies it for RHEL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertifiedFamily {
    /// `azure`, `aws` or `gcp`.
    pub provider: String,
    /// The family, as the size table names it.
    pub family: String,
    /// Certified for RHEL on the architectures listed.
    pub certified: bool,
    /// The architectures the certification covers (empty when not certified).
    #[serde(default)]
    pub arch: Vec<String>,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Why, for a family that is not certified; anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The certified-platforms table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertifiedPlatforms {
    /// What the table is.
    #[serde(default)]
    pub description: String,
    /// Cloud providers.
    #[serde(default)]
    pub providers: Vec<CertifiedProvider>,
    /// Instance families.
    #[serde(default)]
    pub families: Vec<CertifiedFamily>,
}

impl CertifiedPlatforms {
    /// The provider's row (case-insensitive).
    pub fn provider(&self, provider: &str) -> Option<&CertifiedProvider> {
        self.providers.iter().find(|p| p.provider.eq_ignore_ascii_case(provider))
    }

    /// The family's row (case-insensitive).
    pub fn family(&self, provider: &str, family: &str) -> Option<&CertifiedFamily> {
        self.families
            .iter()
            .find(|f| f.provider.eq_ignore_ascii_case(provider) && f.family.eq_ignore_ascii_case(family))
    }
}

fn fail(file: &str, message: String) -> Result<(), CatalogError> {
    Err(CatalogError { file: file.to_owned(), message })
}

/// Checks the size rows: known placeholders, an architecture, https sources, at most one
/// way to count vCPUs, no pattern twice.
pub fn check_sizes(rows: &[InstanceSizeRow]) -> Result<(), CatalogError> {
    let mut seen = std::collections::BTreeSet::new();
    for (i, row) in rows.iter().enumerate() {
        let at = format!("row {} (`{}`)", i + 1, row.pattern);
        let bare = row.pattern.replace("{n}", "").replace("{x}", "");
        if bare.trim().is_empty() || bare.contains(['{', '}', ' ', '*']) {
            return fail(SIZES_FILE, format!("{at}: the pattern must be text with only {{n}} and {{x}} placeholders"));
        }
        if !["x86_64", "arm64"].contains(&row.arch.as_str()) {
            return fail(SIZES_FILE, format!("{at}: `arch` must be x86_64 or arm64"));
        }
        if row.vcpus.is_some() && row.vcpus_per_n.is_some() || row.vcpus_per_n.is_some() && !row.pattern.contains("{n}")
        {
            return fail(SIZES_FILE, format!("{at}: give `vcpus`, or `vcpus_per_n` with a {{n}} pattern, not both"));
        }
        if row.threads_per_core.is_some_and(|t| !(1..=2).contains(&t)) {
            return fail(SIZES_FILE, format!("{at}: `threads_per_core` must be 1 or 2"));
        }
        if !row.source.starts_with("https://") || row.family.trim().is_empty() {
            return fail(SIZES_FILE, format!("{at}: needs a family and an https source"));
        }
        if !seen.insert((row.provider.to_ascii_lowercase(), row.pattern.to_ascii_lowercase())) {
            return fail(SIZES_FILE, format!("{at}: appears twice"));
        }
    }
    Ok(())
}

/// Checks the certified table: https sources, no provider or family twice, every family of
/// the size table listed (certified or not), so a known size always has an answer.
pub fn check_certified(table: &CertifiedPlatforms, sizes: &[InstanceSizeRow]) -> Result<(), CatalogError> {
    let mut seen = std::collections::BTreeSet::new();
    for (i, p) in table.providers.iter().enumerate() {
        if !p.source.starts_with("https://") || !seen.insert(p.provider.to_ascii_lowercase()) {
            return fail(
                CERTIFIED_FILE,
                format!("provider row {} (`{}`): twice, or no https source", i + 1, p.provider),
            );
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, f) in table.families.iter().enumerate() {
        let key = (f.provider.to_ascii_lowercase(), f.family.to_ascii_lowercase());
        if !f.source.starts_with("https://") || !seen.insert(key) {
            return fail(CERTIFIED_FILE, format!("family row {} (`{}`): twice, or no https source", i + 1, f.family));
        }
        if !f.certified && f.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            return fail(
                CERTIFIED_FILE,
                format!("family row {} (`{}`): a family not certified needs a note saying why", i + 1, f.family),
            );
        }
    }
    for row in sizes {
        if table.family(&row.provider, &row.family).is_none() {
            let why = format!("family `{}` ({}) of the size table is not listed", row.family, row.provider);
            return fail(CERTIFIED_FILE, why);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(provider: &str, pattern: &str, vcpus: Option<u32>, per_n: Option<u32>) -> InstanceSizeRow {
        InstanceSizeRow {
            provider: provider.into(),
            pattern: pattern.into(),
            family: "f".into(),
            arch: "x86_64".into(),
            vcpus,
            vcpus_per_n: per_n,
            threads_per_core: None,
            source: "https://example.com".into(),
            confidence: Confidence::Verified,
            note: None,
        }
    }

    #[test]
    fn sizes_match_by_pattern_and_count_vcpus() {
        let rows = [
            row("aws", "m7g.large", Some(2), None),
            row("aws", "m7g.{n}xlarge", None, Some(4)),
            row("azure", "Standard_D{n}ps_v5", None, Some(1)),
            row("azure", "Standard_M{n}s_{x}_v3", None, Some(1)),
            row("gcp", "n2-standard-{n}", None, Some(1)),
        ];
        let vcpus = |p: &str, s: &str| lookup(&rows, p, s).map(|f| f.vcpus);
        assert_eq!(vcpus("aws", "m7g.large"), Some(Some(2)));
        assert_eq!(vcpus("aws", "M7G.16xlarge"), Some(Some(64)));
        assert_eq!(vcpus("aws", "m7g.xlarge"), None, "no {{n}} digits: not a guess");
        assert_eq!(vcpus("azure", "standard_d4ps_v5"), Some(Some(4)));
        assert_eq!(vcpus("azure", "Standard_D4pds_v5"), None);
        assert_eq!(vcpus("azure", "Standard_M96s_2_v3"), Some(Some(96)));
        assert_eq!(vcpus("gcp", "zones/us-east1-b/machineTypes/n2-standard-8"), Some(Some(8)));
        assert_eq!(vcpus("gcp", "n2-standard-8x"), None);
        assert_eq!(vcpus("aws", "n2-standard-8"), None, "another provider's size is unknown");
        assert_eq!(vcpus("aws", "m7g.99999999999xlarge"), None, "an overflowing number is unknown");
        let long = format!("m7g.{}xlarge", "9".repeat(100_000));
        assert_eq!(vcpus("aws", &long), None, "a text longer than any size is not matched");
    }

    #[test]
    fn bad_rows_are_rejected() {
        assert!(check_sizes(&[row("aws", "m5.*", Some(2), None)]).is_err());
        assert!(check_sizes(&[row("aws", "m5.large", Some(2), Some(4))]).is_err());
        assert!(check_sizes(&[row("aws", "m5.large", None, Some(4))]).is_err());
        assert!(check_sizes(&[row("aws", "a", None, None), row("AWS", "A", None, None)]).is_err());
        let mut arch = row("aws", "a", None, None);
        arch.arch = "arm".into();
        assert!(check_sizes(&[arch]).is_err());
        let sizes = [row("aws", "m5.large", Some(2), None)];
        assert!(check_certified(&CertifiedPlatforms::default(), &sizes).is_err(), "unlisted family");
    }
}
