//! Licensing reference data (`licensing.json`, table `licensing`): how subscription
//! units count machines, which subscriptions are host-based, where Azure has no RHEL
//! images and which Azure images Hybrid Benefit excludes. Each row has a source and a
//! confidence, like every catalog table.

use serde::{Deserialize, Serialize};

use crate::catalog::{CatalogError, Confidence};

/// What one unit of a RHEL subscription covers (domain reference §2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionUnit {
    /// The unit as Red Hat names it (`Physical or Virtual Nodes`), compared case-insensitively.
    pub unit: String,
    /// Other spellings of the same unit, compared case-insensitively.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// What a unit is counted in: `instances` (machines), `vcpus`, `cores` or `hosts`.
    pub counts: String,
    /// How many of `counts` one unit covers (2 VMs for Physical or Virtual Nodes).
    pub per_unit: u64,
    /// Whether the unit is a cloud-compatible unit of measure for Cloud Access.
    pub cloud_compatible: bool,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Words in a subscription's product that make it host-based (RHEL for Virtual
/// Datacenters, unlimited guests): it entitles guests of a hypervisor, never cloud VMs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostBasedProduct {
    /// Lowercase words found in the product name (`virtual datacenters`).
    pub words: String,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
}

/// An Azure region of a cloud where Red Hat publishes no RHEL images (21Vianet).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureRegion {
    /// Region name as ARM writes it (`chinaeast2`), compared case- and space-insensitively.
    pub region: String,
    /// The cloud it belongs to (`Azure operated by 21Vianet`).
    pub cloud: String,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
}

/// Azure images Hybrid Benefit for Linux does not apply to although they are RHEL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AhbIneligibleImage {
    /// Publisher, compared case-insensitively.
    pub publisher: String,
    /// A word the offer contains (`rhel`), compared case-insensitively.
    pub offer_contains: String,
    /// What the image is (`SQL Server on RHEL`).
    pub what: String,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
}

/// Who bills for RHEL and who supports it, per cloud and billing model (domain reference §7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportArrangement {
    /// `azure`, `aws` or `gcp`.
    pub cloud: String,
    /// `payg` or `byos`.
    pub billing: crate::model::BillingModel,
    /// Who bills for RHEL, as a phrase.
    pub bills: String,
    /// Who supports it and where the customer opens a case, as a phrase.
    pub supports: String,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
}

/// The `licensing.json` file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicensingTable {
    /// What the file holds.
    #[serde(default)]
    pub description: String,
    /// Subscription units.
    pub subscription_units: Vec<SubscriptionUnit>,
    /// Host-based subscription products.
    pub host_based_products: Vec<HostBasedProduct>,
    /// Azure regions without RHEL images.
    pub azure_regions_without_rhel: Vec<AzureRegion>,
    /// RHEL images Azure Hybrid Benefit excludes.
    pub ahb_ineligible_images: Vec<AhbIneligibleImage>,
    /// Who bills and who supports, per cloud and model.
    pub support: Vec<SupportArrangement>,
}

impl LicensingTable {
    /// The unit row for a unit name or alias (case-insensitive).
    pub fn unit(&self, unit: &str) -> Option<&SubscriptionUnit> {
        let unit = unit.trim();
        self.subscription_units
            .iter()
            .find(|u| u.unit.eq_ignore_ascii_case(unit) || u.aliases.iter().any(|a| a.eq_ignore_ascii_case(unit)))
    }

    /// The host-based row whose words the product name contains.
    pub fn host_based(&self, product: &str) -> Option<&HostBasedProduct> {
        let product = product.to_ascii_lowercase();
        self.host_based_products.iter().find(|p| product.contains(&p.words))
    }

    /// The row of an Azure region without RHEL images.
    pub fn region_without_rhel(&self, region: &str) -> Option<&AzureRegion> {
        let key = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        self.azure_regions_without_rhel.iter().find(|r| key(&r.region) == key(region))
    }

    /// The exclusion row for an Azure image.
    pub fn ahb_ineligible(&self, publisher: &str, offer: &str) -> Option<&AhbIneligibleImage> {
        let offer = offer.to_ascii_lowercase();
        self.ahb_ineligible_images.iter().find(|r| {
            r.publisher.eq_ignore_ascii_case(publisher) && offer.contains(&r.offer_contains.to_ascii_lowercase())
        })
    }

    /// The arrangement for a cloud and billing model.
    pub fn support_for(&self, cloud: &str, billing: crate::model::BillingModel) -> Option<&SupportArrangement> {
        self.support.iter().find(|r| r.cloud.eq_ignore_ascii_case(cloud) && r.billing == billing)
    }

    /// Checks keys are unique and sources are URLs.
    pub fn check(&self) -> Result<(), CatalogError> {
        let fail = |message: String| Err(CatalogError { file: "licensing.json".into(), message });
        let mut seen = std::collections::BTreeSet::new();
        for (i, u) in self.subscription_units.iter().enumerate() {
            for name in std::iter::once(&u.unit).chain(&u.aliases) {
                if !seen.insert(name.to_ascii_lowercase()) {
                    return fail(format!("unit row {} (`{name}`) appears twice", i + 1));
                }
            }
            if !matches!(u.counts.as_str(), "instances" | "vcpus" | "cores" | "hosts") || u.per_unit == 0 {
                return fail(format!(
                    "unit row {} (`{}`): counts must be instances|vcpus|cores|hosts, per_unit > 0",
                    i + 1,
                    u.unit
                ));
            }
        }
        let sources = self
            .subscription_units
            .iter()
            .map(|r| &r.source)
            .chain(self.host_based_products.iter().map(|r| &r.source))
            .chain(self.azure_regions_without_rhel.iter().map(|r| &r.source))
            .chain(self.ahb_ineligible_images.iter().map(|r| &r.source))
            .chain(self.support.iter().map(|r| &r.source));
        for source in sources {
            if !source.starts_with("https://") {
                return fail(format!("source `{source}` is not an https URL"));
            }
        }
        Ok(())
    }
}
