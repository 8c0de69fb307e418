//! Totals of the default deployment per billing model and product, and per add-on, in the
//! units each subscription type counts (instances, node pairs, vCPUs, cores; socket pairs
//! are never countable for cloud VMs), with lower bounds said so; and the PAYG spend drivers.

use entitle_sdk::units::{self, Amount, Group, Measure};
use serde::{Deserialize, Serialize};

use super::Item;

/// One total.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Total {
    /// `payg`, `byos`, `unknown` or `none`.
    pub billing: String,
    /// The product and variant, or `add-on: ha` for the instances needing an add-on.
    pub product: String,
    /// Items summed.
    pub items: usize,
    /// Instances.
    pub instances: Amount,
    /// Physical or Virtual Nodes subscriptions (2 instances each, catalog licensing.json;
    /// `None` when the catalog has no such unit).
    pub node_pairs: Option<Amount>,
    /// vCPUs (each instance of unknown size counted as 1: a lower bound).
    pub vcpus: Amount,
    /// Cores (each instance whose cores the catalog does not give counted as 1: a lower bound).
    pub cores: Amount,
    /// Socket pairs: cloud VMs do not expose sockets, so never countable.
    pub socket_pairs: String,
}

/// What puts RHEL on a cloud bill.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaygDriver {
    /// The workload.
    pub workload: String,
    /// The cloud.
    pub cloud: String,
    /// RHEL and the premiums billed with it (`RHEL`, `HA`, `SAP`).
    pub charges: Vec<String>,
    /// Instances (`None`: unknown).
    pub count: Option<u64>,
    /// `path:line`.
    pub location: String,
}

/// The totals of the default deployment's items, sorted by billing and product;
/// `node_pair` is the instances one Physical or Virtual Nodes subscription covers.
pub fn of(items: &[Item], node_pair: Option<u64>) -> Vec<Total> {
    let mut keys: Vec<(String, String)> = Vec::new();
    for item in items.iter().filter(|i| i.alternative.is_none()) {
        keys.push((item.billing.clone(), item.product.clone()));
        keys.extend(item.addons.iter().map(|a| (item.billing.clone(), format!("add-on: {a}"))));
    }
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|(billing, product)| {
            let addon = product.strip_prefix("add-on: ");
            let members: Vec<Group> = items
                .iter()
                .filter(|i| i.alternative.is_none() && i.billing == billing)
                .filter(|i| match addon {
                    Some(a) => i.addons.iter().any(|x| x == a),
                    None => i.product == product,
                })
                .map(Item::group)
                .collect();
            let sum = |m: Measure| units::need(&members, m).unwrap_or_default();
            let instances = sum(Measure::Instances);
            Total {
                billing,
                product,
                items: members.len(),
                instances,
                node_pairs: node_pair.map(|n| instances.units(n)),
                vcpus: sum(Measure::Vcpus),
                cores: sum(Measure::Cores),
                socket_pairs: "not countable: cloud VMs do not expose sockets".into(),
            }
        })
        .collect()
}

/// The PAYG items of the default deployment, with the premiums they bill.
pub fn payg(items: &[Item]) -> Vec<PaygDriver> {
    items
        .iter()
        .filter(|i| i.alternative.is_none() && i.billing == "payg")
        .map(|i| {
            let mut charges = vec!["RHEL".to_owned()];
            for (addon, name) in [("ha", "HA"), ("sap", "SAP")] {
                if i.addons.iter().any(|a| a == addon) {
                    charges.push(name.into());
                }
            }
            PaygDriver {
                workload: i.workload.clone(),
                cloud: i.cloud.clone(),
                charges,
                count: i.count,
                location: i.location(),
            }
        })
        .collect()
}

/// `Amount` for display in a table cell (`6`, `≥6`).
pub fn cell(a: Amount) -> String {
    if a.exact { a.value.to_string() } else { format!("≥{}", a.value) }
}
