//! What a change adds: the totals of two BOMs (a Terraform plan's `before` and `after`, or
//! `--baseline` and now) compared per billing model and product.

use entitle_sdk::units::Amount;
use serde::{Deserialize, Serialize};

use super::Total;

/// The change between two BOMs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delta {
    /// What the BOM is compared with (`the plan's before` or the baseline file).
    pub against: String,
    /// Totals that changed, sorted by billing and product.
    pub changes: Vec<Change>,
}

/// One total that changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The billing model.
    pub billing: String,
    /// The product (or `add-on: ha`).
    pub product: String,
    /// Instances before.
    pub before: Amount,
    /// Instances after.
    pub after: Amount,
    /// Instances added (negative: removed).
    pub instances: i64,
    /// Physical or Virtual Nodes subscriptions added (BYOS only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_pairs: Option<i64>,
    /// vCPUs added.
    pub vcpus: i64,
    /// The change in words (`+6 RHEL Server BYOS instances → +3 Physical or Virtual Nodes subscriptions`).
    pub text: String,
}

fn diff(before: u64, after: u64) -> i64 {
    i64::try_from(after).unwrap_or(i64::MAX).saturating_sub(i64::try_from(before).unwrap_or(i64::MAX))
}

fn signed(n: i64) -> String {
    if n >= 0 { format!("+{n}") } else { n.to_string() }
}

/// Compares `before` with `after` totals.
pub fn compare(against: &str, before: &[Total], after: &[Total]) -> Delta {
    let mut keys: Vec<(&str, &str)> =
        before.iter().chain(after).map(|t| (t.billing.as_str(), t.product.as_str())).collect();
    keys.sort();
    keys.dedup();
    let find = |list: &[Total], key: (&str, &str)| {
        list.iter().find(|t| (t.billing.as_str(), t.product.as_str()) == key).cloned()
    };
    let changes = keys
        .into_iter()
        .filter_map(|key| {
            let (b, a) = (find(before, key).unwrap_or_default(), find(after, key).unwrap_or_default());
            let instances = diff(b.instances.value, a.instances.value);
            let vcpus = diff(b.vcpus.value, a.vcpus.value);
            if instances == 0 && vcpus == 0 {
                return None;
            }
            let byos = key.0 == "byos";
            let pairs = |t: &Total| t.node_pairs.map_or(0, |p| p.value);
            let node_pairs = (byos && a.node_pairs.or(b.node_pairs).is_some()).then(|| diff(pairs(&b), pairs(&a)));
            let bound =
                if b.instances.exact && a.instances.exact { "" } else { " (counts partly unknown: lower bounds)" };
            let mut text = format!("{} {} {} instance(s)", signed(instances), key.1, key.0.to_ascii_uppercase());
            if let Some(n) = node_pairs {
                text.push_str(&format!(" → {} Physical or Virtual Nodes subscription(s)", signed(n)));
            }
            if vcpus != 0 {
                text.push_str(&format!(", {} vCPUs", signed(vcpus)));
            }
            text.push_str(bound);
            Some(Change {
                billing: key.0.into(),
                product: key.1.into(),
                before: b.instances,
                after: a.instances,
                instances,
                node_pairs,
                vcpus,
                text,
            })
        })
        .collect();
    Delta { against: against.into(), changes }
}
