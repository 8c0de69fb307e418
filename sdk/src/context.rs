//! The organisation's context (`--context FILE`): what no descriptor says — the cloud
//! accounts and whether each is enrolled in Red Hat Cloud Access, the Azure offer type,
//! the RHEL subscriptions owned, the environment, the platforms that must have Red Hat
//! support. The host validates the file (errors name the field and line); policies
//! read it with [`OrgContext::from_evaluation`].

use serde::{Deserialize, Serialize};

/// The whole context file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgContext {
    /// `production` or `non-production`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Cloud accounts (Azure subscriptions, AWS accounts, GCP projects).
    #[serde(default)]
    pub accounts: Vec<CloudAccount>,
    /// RHEL subscriptions the organisation owns.
    #[serde(default)]
    pub subscriptions: Vec<Subscription>,
    /// Platforms (`azure`, `aws`, `gcp`, …) on which the organisation requires Red Hat support.
    #[serde(default)]
    pub require_red_hat_support: Vec<String>,
}

/// One cloud account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudAccount {
    /// `azure`, `aws` or `gcp`.
    pub cloud: String,
    /// Azure subscription id, AWS account id or GCP project id.
    pub id: String,
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Enrolled in Red Hat Cloud Access.
    pub cloud_access: bool,
    /// Azure offer type of the subscription: `ea`, `csp`, `payg`, `mca`, `msdn`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_type: Option<String>,
    /// Input path prefixes deployed into this account; empty means every input of its cloud.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
}

/// One RHEL subscription (a line of the Red Hat account).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subscription {
    /// The SKU (`RH00004`).
    pub sku: String,
    /// The product name (`Red Hat Enterprise Linux Server, Standard (Physical or Virtual Nodes)`).
    pub product: String,
    /// The unit of measure (`Physical or Virtual Nodes`, `vCPU`, `Core`, …).
    pub unit: String,
    /// How many units.
    pub quantity: u64,
    /// `self-support`, `standard` or `premium`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_level: Option<String>,
    /// Add-ons bought with it (`ha`, `eus`, `els`, `sap`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addons: Vec<String>,
}

/// The accepted values of the enumerated fields, for validation and documentation.
pub const CLOUDS: [&str; 3] = ["azure", "aws", "gcp"];
/// Accepted `environment` values.
pub const ENVIRONMENTS: [&str; 2] = ["production", "non-production"];
/// Accepted `support_level` values.
pub const SUPPORT_LEVELS: [&str; 3] = ["self-support", "standard", "premium"];

impl OrgContext {
    /// The context of an evaluation: `None` when none was given (`null`).
    pub fn from_evaluation(eval: &crate::Evaluation) -> Result<Option<OrgContext>, String> {
        if eval.context.is_null() {
            return Ok(None);
        }
        serde_json::from_value(eval.context.clone()).map(Some).map_err(|e| format!("the org context: {e}"))
    }

    /// The accounts of `cloud` that an input at `path` deploys into: those whose
    /// `paths` prefix the path, else those of the cloud that name no paths.
    pub fn accounts_for(&self, cloud: &str, path: &str) -> Vec<&CloudAccount> {
        let of_cloud: Vec<&CloudAccount> =
            self.accounts.iter().filter(|a| a.cloud.eq_ignore_ascii_case(cloud)).collect();
        let matching: Vec<&CloudAccount> =
            of_cloud.iter().copied().filter(|a| a.paths.iter().any(|p| path.starts_with(p.as_str()))).collect();
        if matching.is_empty() { of_cloud.into_iter().filter(|a| a.paths.is_empty()).collect() } else { matching }
    }
}
