//! The BOM against the org context: per subscription line what it covers, required vs
//! owned in each unit, the shortfall or surplus and what to buy, and the add-ons (HA, SAP,
//! EUS, E4S, ELS) the BYOS instances need, weighed with [`entitle_sdk::units`] exactly as
//! `BYOS-SUBSCRIPTION-COUNT` weighs them.

use entitle_sdk::Catalog;
use entitle_sdk::context::{OrgContext, Subscription};
use entitle_sdk::units::{self, Amount, Group, Measure, Supply};
use serde::{Deserialize, Serialize};

use super::Item;

/// The whole comparison.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// The subscription lines owned.
    pub owned: Vec<OwnedLine>,
    /// Per unit counted: what the BYOS instances require and what is owned.
    pub units: Vec<UnitLine>,
    /// BYOS instances no owned line covers (a lower bound where counts are unknown).
    pub uncovered: Amount,
    /// True when some are uncovered only because their size is unknown (not confirmed).
    pub unconfirmed: bool,
    /// What to buy (`1 × RH00004 … (Physical or Virtual Nodes)`), when short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buy: Option<String>,
    /// Add-ons needed, and what covers them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addons: Vec<AddonLine>,
    /// Each parameter choice that would make a workload BYOS, weighed with the others at
    /// their defaults (as `BYOS-SUBSCRIPTION-COUNT` weighs it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<ChoiceLine>,
}

/// The coverage under one parameter choice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceLine {
    /// The workload.
    pub workload: String,
    /// The choice (`parameter rhelOSLicenseType = BYOS`).
    pub when: String,
    /// BYOS RHEL instances with the choice made.
    pub required: Amount,
    /// Those no owned line covers.
    pub uncovered: u64,
    /// What to buy, when short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buy: Option<String>,
}

/// One owned subscription line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnedLine {
    /// SKU.
    pub sku: String,
    /// Product.
    pub product: String,
    /// Unit.
    pub unit: String,
    /// Quantity.
    pub quantity: u64,
    /// Add-ons included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addons: Vec<String>,
    /// What it covers and why (catalog).
    pub covers: String,
}

/// Required vs owned in one unit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitLine {
    /// What the unit counts.
    pub measure: String,
    /// What the BYOS instances need in it (all of them, as if this unit covered everything).
    pub required: Amount,
    /// What the owned lines of this unit cover.
    pub owned: u64,
    /// `owned - required` when owned is more and the requirement is exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surplus: Option<u64>,
}

/// One add-on the BYOS instances need.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonLine {
    /// `ha`, `sap`, `eus`, `e4s`, `els`.
    pub addon: String,
    /// Instances needing it.
    pub required: Amount,
    /// SKUs of the owned lines that include it.
    pub included_in: Vec<String>,
    /// Instances needing it that those lines leave uncovered.
    pub uncovered: u64,
    /// What to buy, when short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buy: Option<String>,
}

/// Whether an item is a BYOS RHEL line.
fn byos_rhel(i: &Item) -> bool {
    i.billing == "byos" && i.product.starts_with("RHEL")
}

/// Weighs the default deployment's BYOS RHEL items against `ctx`, then each choice.
pub fn weigh(items: &[Item], ctx: &OrgContext, catalog: &Catalog) -> Coverage {
    let byos: Vec<&Item> = items.iter().filter(|i| i.alternative.is_none() && byos_rhel(i)).collect();
    let groups: Vec<Group> = byos.iter().map(|i| i.group()).collect();
    let supplies: Vec<Supply> = ctx.subscriptions.iter().map(|s| units::supply(s, catalog)).collect();
    let owned: Vec<(&Subscription, &Supply)> = ctx.subscriptions.iter().zip(&supplies).collect();
    let caps: Vec<(Measure, u64)> = supplies.iter().filter_map(|s| s.covers).collect();
    let alloc = units::allocate(&groups, &caps);
    let mut measures: Vec<Measure> = caps.iter().map(|(m, _)| *m).chain([Measure::Instances]).collect();
    measures.sort();
    measures.dedup();
    let unit_lines = measures
        .into_iter()
        .filter_map(|m| {
            let required = units::need(&groups, m)?;
            let owned = caps.iter().filter(|(x, _)| *x == m).map(|(_, n)| *n).sum();
            let surplus = (required.exact && owned > required.value).then(|| owned - required.value);
            Some(UnitLine { measure: m.noun().into(), required, owned, surplus })
        })
        .collect();
    let addons = units::ADDONS
        .iter()
        .filter_map(|addon| {
            let needing: Vec<Group> = byos
                .iter()
                .zip(&groups)
                .filter(|(i, _)| i.addons.iter().any(|a| a == addon))
                .map(|(_, g)| g.clone())
                .collect();
            if needing.is_empty() {
                return None;
            }
            let with: Vec<(&Subscription, &Supply)> =
                owned.iter().filter(|(s, _)| units::includes(s, addon)).copied().collect();
            let caps: Vec<(Measure, u64)> = with.iter().filter_map(|(_, s)| s.covers).collect();
            let alloc = units::allocate(&needing, &caps);
            let buy =
                units::purchase(&alloc, &with, catalog).map(|p| format!("{} with the `{addon}` add-on", p.text()));
            Some(AddonLine {
                addon: (*addon).into(),
                required: units::need(&needing, Measure::Instances).unwrap_or_default(),
                included_in: with.iter().map(|(s, _)| s.sku.clone()).collect(),
                uncovered: alloc.instances(),
                buy,
            })
        })
        .collect();
    Coverage {
        owned: owned
            .iter()
            .map(|(s, supply)| OwnedLine {
                sku: s.sku.clone(),
                product: s.product.clone(),
                unit: s.unit.clone(),
                quantity: s.quantity,
                addons: s.addons.clone(),
                covers: supply.line.clone(),
            })
            .collect(),
        units: unit_lines,
        uncovered: Amount { value: alloc.instances(), exact: alloc.exact },
        unconfirmed: alloc.unconfirmed(),
        buy: units::purchase(&alloc, &owned, catalog).map(|p| p.text()),
        addons,
        choices: choices(items, &groups, &owned, &caps, catalog),
    }
}

/// The choices that make a workload BYOS while its default is not, each weighed on its own.
fn choices(
    items: &[Item],
    base: &[Group],
    owned: &[(&Subscription, &Supply)],
    caps: &[(Measure, u64)],
    catalog: &Catalog,
) -> Vec<ChoiceLine> {
    let default_byos = |id: &str| items.iter().any(|i| i.alternative.is_none() && i.workload == id && byos_rhel(i));
    items
        .iter()
        .filter(|i| i.alternative.is_some() && byos_rhel(i) && !default_byos(&i.workload))
        .map(|i| {
            let mut groups = base.to_vec();
            groups.push(i.group());
            let alloc = units::allocate(&groups, caps);
            ChoiceLine {
                workload: i.workload.clone(),
                when: i.alternative.clone().unwrap_or_default(),
                required: units::need(&groups, Measure::Instances).unwrap_or_default(),
                uncovered: alloc.instances(),
                buy: units::purchase(&alloc, owned, catalog).map(|p| p.text()),
            }
        })
        .collect()
}
