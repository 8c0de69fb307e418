//! Versioned reference data: lifecycle dates, image tables, each fact with a source.
//!
//! The data lives as JSON files under `policies/catalog/`; the host reads, checks and
//! hashes them and hands the result to every policy. Parsing and checking live here so
//! native policy tests use the same code ([`Catalog::from_files`]).

use serde::{Deserialize, Serialize};

use crate::Date;

/// How sure the catalog is of a fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Read in a Red Hat or cloud vendor primary source.
    Verified,
    /// From a secondary source that copies a primary one.
    Secondary,
    /// Not confirmed; a finding resting on it says so.
    Unverified,
}

impl Confidence {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Verified => "verified",
            Confidence::Secondary => "secondary",
            Confidence::Unverified => "unverified",
        }
    }
}

/// A dated fact with where it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatedFact {
    /// The date.
    pub date: Date,
    /// Source URL (or document reference).
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One RHEL major release's lifecycle (domain reference §3.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MajorRelease {
    /// The major release number.
    pub major: u32,
    /// General availability.
    pub ga: DatedFact,
    /// End of Full Support.
    pub full_support_end: DatedFact,
    /// End of Maintenance Support: after it, only ELS keeps the release supported.
    pub maintenance_end: DatedFact,
    /// End of the ELS add-on, the conservative value where sources conflict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub els_end: Option<DatedFact>,
    /// Other published ELS end dates that conflict with `els_end`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub els_end_conflicts: Vec<DatedFact>,
    /// The last minor release (the only one ELS covers), when it has shipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_minor: Option<u32>,
}

/// One RHEL minor release's update streams (domain reference §3.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinorRelease {
    /// Major release.
    pub major: u32,
    /// Minor release.
    pub minor: u32,
    /// Whether Extended Update Support exists for it.
    pub eus: bool,
    /// Whether Update Services for SAP Solutions exists for it.
    pub e4s: bool,
    /// The final minor of its major (follows Maintenance Support).
    #[serde(default)]
    pub last: bool,
    /// End of EUS, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eus_end: Option<DatedFact>,
    /// End of Enhanced EUS (RHEL 9 and later), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enhanced_eus_end: Option<DatedFact>,
    /// End of E4S, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e4s_end: Option<DatedFact>,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How an Azure marketplace offer is billed and what it includes (domain reference §5.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureOffer {
    /// Publisher, compared case-insensitively.
    pub publisher: String,
    /// Offer, compared case-insensitively.
    pub offer: String,
    /// OS vendor (`redhat`).
    pub vendor: String,
    /// OS product (`rhel`).
    pub product: String,
    /// `payg` or `byos`.
    pub billing: crate::model::BillingModel,
    /// Add-ons the offer includes (`ha`, `sap`, `e4s`).
    #[serde(default)]
    pub addons: Vec<String>,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An Azure `licenseType` value and what it does (domain reference §1.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureLicenseType {
    /// The exact, case-sensitive value.
    pub value: String,
    /// The distribution it applies to (`rhel`, `sles`, …); `null` for `None`.
    pub distro: Option<String>,
    /// The billing it switches to; `null` when it restores the image's own.
    pub billing: Option<crate::model::BillingModel>,
    /// Add-ons it brings (`eus`, `sap`, `ha`, `els`).
    #[serde(default)]
    pub addons: Vec<String>,
    /// The update stream it connects the VM to (`eus`, `e4s`, `els`), if it changes it.
    #[serde(default)]
    pub stream: Option<String>,
    /// What it does, per Microsoft.
    pub meaning: String,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
}

/// All reference data, as handed to policies. A policy receives only the tables its
/// metadata names (the others are empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// The catalog's version (`catalog.json`).
    pub version: String,
    /// RHEL major releases (`lifecycle.json`, table `lifecycle`).
    #[serde(default)]
    pub lifecycle: Vec<MajorRelease>,
    /// Majors whose minors are all listed in `minor_releases` (an unlisted minor of
    /// these has no EUS or E4S).
    #[serde(default)]
    pub minor_release_majors: Vec<u32>,
    /// RHEL minor releases with EUS / E4S (`minor-releases.json`, table `minor-releases`).
    #[serde(default)]
    pub minor_releases: Vec<MinorRelease>,
    /// Azure marketplace offers (`azure-images.json`, table `azure-images`).
    #[serde(default)]
    pub azure_offers: Vec<AzureOffer>,
    /// Azure `licenseType` values (`azure-license-types.json`, table `azure-license-types`).
    #[serde(default)]
    pub azure_license_types: Vec<AzureLicenseType>,
}

/// Names of the catalog's tables, as a policy lists them in `policy.json`.
pub const CATALOG_TABLES: [&str; 4] = ["lifecycle", "minor-releases", "azure-images", "azure-license-types"];

/// A catalog file that failed to parse or check, naming the file and row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogError {
    /// The file name inside the catalog directory.
    pub file: String,
    /// What is wrong, with the row where there is one.
    pub message: String,
}

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "catalog file {}: {}", self.file, self.message)
    }
}

impl std::error::Error for CatalogError {}

/// The files a catalog directory must hold.
pub const CATALOG_FILES: [&str; 5] =
    ["catalog.json", "lifecycle.json", "minor-releases.json", "azure-images.json", "azure-license-types.json"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    version: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MinorTable {
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    majors: Vec<u32>,
    rows: Vec<MinorRelease>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table<T> {
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    rows: Vec<T>,
}

impl Catalog {
    /// Builds a catalog from `(file name, text)` pairs, one for each of [`CATALOG_FILES`].
    pub fn from_files(files: &[(&str, &str)]) -> Result<Catalog, CatalogError> {
        let text = |name: &str| {
            files
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| *t)
                .ok_or_else(|| CatalogError { file: name.to_owned(), message: "missing from the catalog".to_owned() })
        };
        let header: Header = parse("catalog.json", text("catalog.json")?)?;
        let lifecycle: Table<MajorRelease> = parse("lifecycle.json", text("lifecycle.json")?)?;
        let azure: Table<AzureOffer> = parse("azure-images.json", text("azure-images.json")?)?;
        let licenses: Table<AzureLicenseType> = parse("azure-license-types.json", text("azure-license-types.json")?)?;
        let minors: MinorTable = parse("minor-releases.json", text("minor-releases.json")?)?;
        let catalog = Catalog {
            version: header.version,
            lifecycle: lifecycle.rows,
            minor_release_majors: minors.majors,
            minor_releases: minors.rows,
            azure_offers: azure.rows,
            azure_license_types: licenses.rows,
        };
        catalog.check()?;
        Ok(catalog)
    }

    /// A copy holding only `tables` (all of them when `tables` is empty).
    pub fn subset(&self, tables: &[String]) -> Catalog {
        let wants = |t: &str| tables.is_empty() || tables.iter().any(|x| x == t);
        let minors = wants("minor-releases");
        Catalog {
            version: self.version.clone(),
            lifecycle: if wants("lifecycle") { self.lifecycle.clone() } else { Vec::new() },
            minor_release_majors: if minors { self.minor_release_majors.clone() } else { Vec::new() },
            minor_releases: if minors { self.minor_releases.clone() } else { Vec::new() },
            azure_offers: if wants("azure-images") { self.azure_offers.clone() } else { Vec::new() },
            azure_license_types: if wants("azure-license-types") {
                self.azure_license_types.clone()
            } else {
                Vec::new()
            },
        }
    }

    /// The `licenseType` row for an exact (case-sensitive) value.
    pub fn azure_license_type(&self, value: &str) -> Option<&AzureLicenseType> {
        self.azure_license_types.iter().find(|l| l.value == value)
    }

    /// The row of a minor release, if it has EUS or E4S.
    pub fn minor(&self, major: u32, minor: u32) -> Option<&MinorRelease> {
        self.minor_releases.iter().find(|r| r.major == major && r.minor == minor)
    }

    /// The lifecycle row of a major release.
    pub fn major(&self, major: u32) -> Option<&MajorRelease> {
        self.lifecycle.iter().find(|r| r.major == major)
    }

    /// The Azure offer row for a publisher and offer (case-insensitive).
    pub fn azure_offer(&self, publisher: &str, offer: &str) -> Option<&AzureOffer> {
        self.azure_offers
            .iter()
            .find(|o| o.publisher.eq_ignore_ascii_case(publisher) && o.offer.eq_ignore_ascii_case(offer))
    }

    fn check(&self) -> Result<(), CatalogError> {
        let fail = |file: &str, message: String| Err(CatalogError { file: file.to_owned(), message });
        if self.version.trim().is_empty() {
            return fail("catalog.json", "`version` is empty".into());
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, row) in self.lifecycle.iter().enumerate() {
            let at = format!("row {} (RHEL {})", i + 1, row.major);
            if !seen.insert(row.major) {
                return fail("lifecycle.json", format!("{at}: major {} appears twice", row.major));
            }
            let mut facts = vec![("ga", &row.ga), ("full_support_end", &row.full_support_end)];
            facts.push(("maintenance_end", &row.maintenance_end));
            facts.extend(row.els_end.iter().map(|f| ("els_end", f)));
            facts.extend(row.els_end_conflicts.iter().map(|f| ("els_end_conflicts", f)));
            for (name, fact) in &facts {
                if !fact.source.starts_with("https://") && !fact.source.starts_with("http://") {
                    return fail(
                        "lifecycle.json",
                        format!("{at}: `{name}.source` must be a URL, got `{}`", fact.source),
                    );
                }
            }
            let order = [row.ga.date, row.full_support_end.date, row.maintenance_end.date];
            if !order.windows(2).all(|w| w[0] <= w[1]) {
                return fail("lifecycle.json", format!("{at}: dates must run ga ≤ full_support_end ≤ maintenance_end"));
            }
            if let Some(els) = row.els_end.as_ref().filter(|els| els.date < row.maintenance_end.date) {
                return fail("lifecycle.json", format!("{at}: els_end {} is before maintenance_end", els.date));
            }
        }
        let mut offers = std::collections::BTreeSet::new();
        for (i, row) in self.azure_offers.iter().enumerate() {
            let at = format!("row {} ({}:{})", i + 1, row.publisher, row.offer);
            if !offers.insert((row.publisher.to_ascii_lowercase(), row.offer.to_ascii_lowercase())) {
                return fail("azure-images.json", format!("{at}: offer appears twice"));
            }
            if !row.source.starts_with("https://") {
                return fail("azure-images.json", format!("{at}: `source` must be a URL"));
            }
            if row.billing == crate::model::BillingModel::Unknown {
                return fail("azure-images.json", format!("{at}: `billing` must be payg or byos"));
            }
        }
        let mut minors = std::collections::BTreeSet::new();
        for (i, row) in self.minor_releases.iter().enumerate() {
            let at = format!("row {} (RHEL {}.{})", i + 1, row.major, row.minor);
            if !minors.insert((row.major, row.minor)) || !self.minor_release_majors.contains(&row.major) {
                return fail("minor-releases.json", format!("{at}: appears twice, or its major is not in `majors`"));
            }
            let facts = [&row.eus_end, &row.enhanced_eus_end, &row.e4s_end];
            if let Some(bad) = facts.into_iter().flatten().find(|f| !f.source.starts_with("https://")) {
                return fail("minor-releases.json", format!("{at}: source `{}` is not a URL", bad.source));
            }
            if (row.eus_end.is_some() && !row.eus) || (row.e4s_end.is_some() && !row.e4s) {
                return fail("minor-releases.json", format!("{at}: an end date for a stream it does not have"));
            }
        }
        let mut values = std::collections::BTreeSet::new();
        for (i, row) in self.azure_license_types.iter().enumerate() {
            if !values.insert(row.value.as_str()) || !row.source.starts_with("https://") {
                let why = "appears twice or has no https source";
                return fail("azure-license-types.json", format!("row {} ({}): {why}", i + 1, row.value));
            }
        }
        Ok(())
    }
}

fn parse<'a, T: Deserialize<'a>>(file: &str, text: &'a str) -> Result<T, CatalogError> {
    serde_json::from_str(text).map_err(|e| CatalogError { file: file.to_owned(), message: e.to_string() })
}
