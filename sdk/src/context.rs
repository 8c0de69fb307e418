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
    /// The OpenShift cluster network, for runs whose files do not show it (a `Network` object
    /// or an `install-config.yaml` in the run wins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openshift_network: Option<ClusterNetwork>,
}

/// The cluster network of the OpenShift cluster the run's manifests target.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterNetwork {
    /// `OVNKubernetes` or `OpenShiftSDN`.
    pub network_type: String,
    /// Whether OVN-Kubernetes hybrid overlay networking is configured; absent means not said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hybrid_overlay: Option<bool>,
}

/// Accepted `openshift_network.network_type` values.
pub const NETWORK_TYPES: [&str; 2] = ["OVNKubernetes", "OpenShiftSDN"];

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
    /// `production` or `non-production` for what deploys into this account; overrides
    /// the context's `environment` there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
}

/// One RHEL subscription (a line of the Red Hat account).
///
/// An add-on is written as its name (`ha`) or as `{name, unit, support_level}` when it is
/// bought with its own unit or support level; [`Subscription::addons`] keeps every name
/// either way, and [`Subscription::addon_terms`] the entries written as objects.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "SubscriptionEntry", into = "SubscriptionEntry")]
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
    pub support_level: Option<String>,
    /// Names of the add-ons bought with it (`ha`, `eus`, `els`, `smart-management`, …).
    pub addons: Vec<String>,
    /// The add-ons written as objects, with their own unit or support level.
    pub addon_terms: Vec<AddOn>,
    /// The subscription type (`type` in the file): one of [`SUBSCRIPTION_TYPES`]; `None`
    /// when not stated, which rules read as `standard`.
    pub kind: Option<String>,
    /// Who holds it: `individual` or `organisation`.
    pub owner: Option<String>,
    /// Input path prefixes whose workloads this subscription entitles; empty means every
    /// input of the run (the BYOS RHEL instances, as `BYOS-SUBSCRIPTION-COUNT` counts them).
    pub paths: Vec<String>,
}

/// An add-on written as an object: its name, and the unit and support level it was bought with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddOn {
    /// The add-on (`ha`).
    pub name: String,
    /// Its unit of measure, which must match the subscription's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Its support level, which must match the subscription's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_level: Option<String>,
}

/// One element of `addons` as written: a name or an object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
enum AddOnEntry {
    Name(String),
    Terms(AddOn),
}

/// A subscription as the file writes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubscriptionEntry {
    sku: String,
    product: String,
    unit: String,
    quantity: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    support_level: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    addons: Vec<AddOnEntry>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    paths: Vec<String>,
}

impl From<SubscriptionEntry> for Subscription {
    fn from(e: SubscriptionEntry) -> Subscription {
        let mut s = Subscription {
            sku: e.sku,
            product: e.product,
            unit: e.unit,
            quantity: e.quantity,
            support_level: e.support_level,
            kind: e.kind,
            owner: e.owner,
            paths: e.paths,
            ..Subscription::default()
        };
        for entry in e.addons {
            match entry {
                AddOnEntry::Name(name) => s.addons.push(name),
                AddOnEntry::Terms(terms) => {
                    s.addons.push(terms.name.clone());
                    s.addon_terms.push(terms);
                }
            }
        }
        s
    }
}

impl From<Subscription> for SubscriptionEntry {
    fn from(s: Subscription) -> SubscriptionEntry {
        let mut terms = s.addon_terms;
        let mut addons: Vec<AddOnEntry> = s
            .addons
            .into_iter()
            .map(|name| match terms.iter().position(|t| t.name == name) {
                Some(i) => AddOnEntry::Terms(terms.remove(i)),
                None => AddOnEntry::Name(name),
            })
            .collect();
        addons.extend(terms.into_iter().map(AddOnEntry::Terms));
        SubscriptionEntry {
            sku: s.sku,
            product: s.product,
            unit: s.unit,
            quantity: s.quantity,
            support_level: s.support_level,
            addons,
            kind: s.kind,
            owner: s.owner,
            paths: s.paths,
        }
    }
}

impl Subscription {
    /// Whether this subscription entitles workloads of the input at `path`: it names no
    /// paths, or one of its paths prefixes `path`.
    pub fn covers_path(&self, path: &str) -> bool {
        self.paths.is_empty() || self.paths.iter().any(|p| path.starts_with(p.as_str()))
    }

    /// The terms written for the add-on `name` as an object, if it was.
    pub fn terms_of(&self, name: &str) -> Option<&AddOn> {
        self.addon_terms.iter().find(|t| t.name == name)
    }
}

/// The accepted values of the enumerated fields, for validation and documentation.
pub const CLOUDS: [&str; 3] = ["azure", "aws", "gcp"];
/// Accepted `environment` values.
pub const ENVIRONMENTS: [&str; 2] = ["production", "non-production"];
/// Accepted `support_level` values.
pub const SUPPORT_LEVELS: [&str; 3] = ["self-support", "standard", "premium"];
/// Accepted subscription `type` values; each has a row of terms in the catalog
/// (`subscription-terms.json`).
pub const SUBSCRIPTION_TYPES: [&str; 3] = ["standard", "developer-individual", "developer-teams"];
/// Accepted subscription `owner` values.
pub const OWNERS: [&str; 2] = ["individual", "organisation"];

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

    /// The environment of what deploys on `cloud` from the input at `path`, and where
    /// that is said: the `environment` of the accounts it deploys into (production when
    /// any of them says so), else the context's own; `None` when nothing says.
    pub fn environment_for(&self, cloud: &str, path: &str) -> Option<(&str, String)> {
        let accounts = self.accounts_for(cloud, path);
        let stated: Vec<&CloudAccount> = accounts.into_iter().filter(|a| a.environment.is_some()).collect();
        let pick = stated
            .iter()
            .find(|a| a.environment.as_deref() == Some("production"))
            .or(stated.first())
            .and_then(|a| Some((a.environment.as_deref()?, format!("account {} ({})", a.id, a.cloud))));
        pick.or_else(|| Some((self.environment.as_deref()?, "the org context's `environment`".to_owned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn addons_are_names_or_objects_and_round_trip() {
        let written = json!({"subscriptions": [{"sku": "RH00004", "product": "p", "unit": "vCPU", "quantity": 4,
            "type": "standard", "addons": ["ha", {"name": "eus", "unit": "Core", "support_level": "premium"}]}]});
        let ctx: OrgContext = serde_json::from_value(written.clone()).unwrap();
        let sub = &ctx.subscriptions[0];
        assert_eq!(sub.addons, ["ha", "eus"]);
        assert_eq!(sub.terms_of("eus").and_then(|t| t.unit.as_deref()), Some("Core"));
        assert!(sub.terms_of("ha").is_none());
        assert_eq!(sub.kind.as_deref(), Some("standard"));
        assert_eq!(serde_json::to_value(&ctx).unwrap()["subscriptions"], written["subscriptions"]);
        let unknown = json!({"subscriptions": [{"sku": "a", "product": "p", "unit": "u", "quantity": 1, "typo": 1}]});
        assert!(serde_json::from_value::<OrgContext>(unknown).is_err());
    }

    #[test]
    fn an_accounts_environment_overrides_the_contexts() {
        let ctx: OrgContext = serde_json::from_value(json!({"environment": "non-production", "accounts": [
            {"cloud": "azure", "id": "p", "cloud_access": true, "paths": ["prod/"], "environment": "production"}]}))
        .unwrap();
        assert_eq!(ctx.environment_for("azure", "prod/vm.json").map(|(e, _)| e), Some("production"));
        assert_eq!(ctx.environment_for("azure", "dev/vm.json").map(|(e, _)| e), Some("non-production"));
        assert_eq!(ctx.environment_for("aws", "prod/vm.json").map(|(e, _)| e), Some("non-production"));
        assert!(OrgContext::default().environment_for("aws", "x").is_none());
    }
}
