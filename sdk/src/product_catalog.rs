//! Catalog tables for the `product-support` policy: the Windows Machine Config Operator
//! prerequisites per platform (`wmco.json`, table `wmco`) and the life cycles of Red Hat
//! products other than RHEL (`product-lifecycle.json`, table `product-lifecycle`). Every
//! row carries a source URL and a confidence, like every catalog table.

use serde::{Deserialize, Serialize};

use crate::Date;
use crate::catalog::{CatalogError, Confidence, DatedFact};

/// The file of the WMCO table.
pub const WMCO_FILE: &str = "wmco.json";
/// The file of the product life cycle table.
pub const LIFECYCLE_FILE: &str = "product-lifecycle.json";

/// One Windows Server release WMCO supports on one platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WmcoRow {
    /// `aws`, `azure`, `gcp`, `vsphere`, `nutanix` or `none` (BYOH).
    pub platform: String,
    /// The Windows Server release (`2019`, `2022`, `2025`).
    pub windows_server: String,
    /// The oldest OpenShift minor that supports Windows nodes on the platform (`4.11`).
    pub min_ocp: String,
    /// The oldest WMCO release for the platform (`6.0`).
    pub min_wmco: String,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The cluster network Windows nodes need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WmcoNetwork {
    /// The network type (`OVNKubernetes`), compared case-insensitively.
    pub network_type: String,
    /// Whether hybrid overlay networking must be configured.
    pub hybrid_overlay: bool,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Default for WmcoNetwork {
    /// No requirement known (an empty table, as a policy that did not ask for it sees it).
    fn default() -> WmcoNetwork {
        WmcoNetwork {
            network_type: String::new(),
            hybrid_overlay: false,
            source: String::new(),
            confidence: Confidence::Unverified,
            note: None,
        }
    }
}

/// The `wmco.json` file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WmcoTable {
    /// What the table holds.
    #[serde(default)]
    pub description: String,
    /// The network requirement (every platform).
    pub network: WmcoNetwork,
    /// Supported (platform, Windows Server) pairs; a pair not listed is not supported.
    pub rows: Vec<WmcoRow>,
}

impl WmcoTable {
    /// The rows of a platform (case-insensitive).
    pub fn platform(&self, platform: &str) -> Vec<&WmcoRow> {
        self.rows.iter().filter(|r| r.platform.eq_ignore_ascii_case(platform)).collect()
    }

    /// Checks every row's source and the platform names.
    pub fn check(&self) -> Result<(), CatalogError> {
        let fail = |message: String| Err(CatalogError { file: WMCO_FILE.into(), message });
        if !self.network.source.starts_with("https://") {
            return fail(format!("`network.source` must be an https URL, got `{}`", self.network.source));
        }
        for (i, row) in self.rows.iter().enumerate() {
            let at = format!("row {} ({} {})", i + 1, row.platform, row.windows_server);
            if !row.source.starts_with("https://") {
                return fail(format!("{at}: `source` must be an https URL, got `{}`", row.source));
            }
            if !["aws", "azure", "gcp", "vsphere", "nutanix", "none"].contains(&row.platform.as_str()) {
                return fail(format!("{at}: unknown platform `{}`", row.platform));
            }
        }
        Ok(())
    }
}

/// One release of a Red Hat product and when its support ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductRelease {
    /// `openshift`, `cloudforms` or `jboss-eap`.
    pub product: String,
    /// The product's name for a message (`Red Hat OpenShift Container Platform`).
    pub title: String,
    /// The release: a version prefix (`4.12` covers `4.12.3`, `7` covers `7.4`).
    pub version: String,
    /// End of regular (maintenance) support; `None` when no source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<DatedFact>,
    /// End of a paid extension after it (OpenShift EUS term, EAP ELS), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_end: Option<DatedFact>,
    /// What the extension is called (`Extended Update Support term`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_name: Option<String>,
    /// The product's life cycle page.
    pub source: String,
    /// How sure the row is as a whole (an `end` of `None` is always `unverified`).
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ProductRelease {
    /// True when `version` is this release or a later patch of it (`4.12` matches `4.12.3`, not `4.1`).
    pub fn covers(&self, version: &str) -> bool {
        version == self.version
            || version.strip_prefix(self.version.as_str()).is_some_and(|rest| rest.starts_with(['.', '-', '+']))
    }

    /// The end date that decides (the extension's when `extended` is true).
    pub fn end_date(&self, extended: bool) -> Option<Date> {
        if extended { self.extended_end.as_ref().map(|f| f.date) } else { self.end.as_ref().map(|f| f.date) }
    }
}

/// Checks the product life cycle rows: https sources, no duplicate release, an
/// extension that ends after the regular end, an unverified row where no end is given.
pub fn check_lifecycle(rows: &[ProductRelease]) -> Result<(), CatalogError> {
    let fail = |message: String| Err(CatalogError { file: LIFECYCLE_FILE.into(), message });
    let mut seen = std::collections::BTreeSet::new();
    for (i, row) in rows.iter().enumerate() {
        let at = format!("row {} ({} {})", i + 1, row.product, row.version);
        if !seen.insert((row.product.clone(), row.version.clone())) {
            return fail(format!("{at}: appears twice"));
        }
        let facts = [Some(row.source.as_str()), row.end.as_ref().map(|f| f.source.as_str())];
        let extended = row.extended_end.as_ref().map(|f| f.source.as_str());
        if let Some(bad) = facts.into_iter().chain([extended]).flatten().find(|s| !s.starts_with("https://")) {
            return fail(format!("{at}: sources must be https URLs, got `{bad}`"));
        }
        if row.end.is_none() && row.confidence != Confidence::Unverified {
            return fail(format!("{at}: a row without an `end` must be `unverified`"));
        }
        if let (Some(end), Some(ext)) = (&row.end, &row.extended_end)
            && ext.date < end.date
        {
            return fail(format!("{at}: `extended_end` is before `end`"));
        }
    }
    Ok(())
}
