//! Counting in the units Red Hat sells: instances, node pairs, vCPUs, cores, socket pairs.
//! One implementation shared by `BYOS-SUBSCRIPTION-COUNT` (in the guest) and the host's
//! bill of materials, so a rule and a report never count the same run differently.
//!
//! A workload is a [`Group`] of identical instances (its count and size). A count or a size
//! the descriptor leaves unknown is counted as its smallest possible value (one instance,
//! one vCPU, one core) and the [`Amount`] is marked a lower bound: never a guess.

use serde::{Deserialize, Serialize};

use crate::Catalog;
use crate::context::Subscription;
use crate::licensing::SubscriptionUnit;
use crate::model::Workload;
use crate::platform::InstanceSizeRow;

/// What a subscription unit counts (`licensing.json` `counts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// Machines (Physical or Virtual Nodes, Virtual Node).
    Instances,
    /// Virtual CPUs.
    Vcpus,
    /// Physical cores.
    Cores,
    /// Physical hosts by socket pair, which a cloud VM does not expose.
    Hosts,
}

impl Measure {
    /// The measure of a catalog `counts` value.
    pub fn parse(counts: &str) -> Option<Measure> {
        match counts {
            "instances" => Some(Measure::Instances),
            "vcpus" => Some(Measure::Vcpus),
            "cores" => Some(Measure::Cores),
            "hosts" => Some(Measure::Hosts),
            _ => None,
        }
    }

    /// A plural noun for text (`vCPUs`).
    pub fn noun(self) -> &'static str {
        match self {
            Measure::Instances => "instances",
            Measure::Vcpus => "vCPUs",
            Measure::Cores => "cores",
            Measure::Hosts => "socket pairs",
        }
    }
}

/// A sum that is exact or a lower bound (something it rests on is unknown).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    /// The value (the least it can be when not exact).
    pub value: u64,
    /// False when the value is a lower bound.
    pub exact: bool,
}

impl Amount {
    /// An exact amount.
    pub fn exact(value: u64) -> Amount {
        Amount { value, exact: true }
    }

    /// The sum of two amounts.
    pub fn plus(self, other: Amount) -> Amount {
        Amount { value: self.value.saturating_add(other.value), exact: self.exact && other.exact }
    }

    /// How many units of `per_unit` cover it (rounded up).
    pub fn units(self, per_unit: u64) -> Amount {
        Amount { value: self.value.div_ceil(per_unit.max(1)), exact: self.exact }
    }

    /// `6` or `at least 6`.
    pub fn text(self) -> String {
        if self.exact { self.value.to_string() } else { format!("at least {}", self.value) }
    }
}

/// Identical instances: one workload (or alternative) with its count and size.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// The workload id.
    pub id: String,
    /// How many instances (`None`: unknown).
    pub count: Option<u64>,
    /// vCPUs per instance (`None`: size unknown to the catalog).
    pub vcpus: Option<u32>,
    /// Physical cores per instance (`None`: the catalog does not say).
    pub cores: Option<u32>,
}

impl Group {
    /// The group of a workload: its count, and its size resolved in the catalog's size table.
    pub fn of(w: &Workload, sizes: &[InstanceSizeRow]) -> Group {
        let instance = w.instance.as_ref();
        let facts =
            instance.and_then(|i| i.size.as_deref()).and_then(|size| crate::platform::lookup(sizes, &w.provider, size));
        let vcpus = instance.and_then(|i| i.vcpus).or_else(|| facts.as_ref().and_then(|f| f.vcpus));
        let cores = facts.as_ref().and_then(|f| f.cores());
        Group { id: w.id.clone(), count: w.count, vcpus, cores }
    }

    /// What one instance counts in `m`, if known (a socket pair never is, in a cloud).
    pub fn each(&self, m: Measure) -> Option<u64> {
        match m {
            Measure::Instances => Some(1),
            Measure::Vcpus => self.vcpus.map(u64::from),
            Measure::Cores => self.cores.map(u64::from),
            Measure::Hosts => None,
        }
    }

    /// The group's total in `m`; `None` for socket pairs (not countable for cloud VMs).
    pub fn need(&self, m: Measure) -> Option<Amount> {
        if m == Measure::Hosts {
            return None;
        }
        let count = self.count.unwrap_or(1);
        let each = self.each(m);
        Some(Amount { value: count.saturating_mul(each.unwrap_or(1)), exact: self.count.is_some() && each.is_some() })
    }
}

/// The total of groups in `m` (`None` for socket pairs).
pub fn need(groups: &[Group], m: Measure) -> Option<Amount> {
    groups.iter().try_fold(Amount::exact(0), |sum, g| Some(sum.plus(g.need(m)?)))
}

/// What one subscription line supplies, as far as cloud instances go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Supply {
    /// The measure and amount it covers; `None` when it covers no cloud instance.
    pub covers: Option<(Measure, u64)>,
    /// The unit row, when the unit is in the catalog.
    pub unit: Option<SubscriptionUnit>,
    /// What it covers and why, for evidence (`RH00004 1 × Physical or Virtual Nodes (…): covers 2 instance(s) (…)`).
    pub line: String,
}

/// What `sub` covers, from the catalog: host-based products cover no cloud VM; a type whose
/// terms cap the systems (Developer for Individuals) covers that many whatever its unit says;
/// otherwise quantity × the unit's `per_unit` in the unit's measure. Socket pairs and units
/// the catalog does not know cover nothing countable.
pub fn supply(sub: &Subscription, catalog: &Catalog) -> Supply {
    let table = &catalog.licensing;
    let name = format!("{} {} × {} ({})", sub.sku, sub.quantity, sub.unit, sub.product);
    let unit = table.unit(&sub.unit).cloned();
    if table.host_based(&sub.product).is_some() {
        return Supply { covers: None, unit, line: format!("{name}: host-based, covers no cloud VM") };
    }
    let terms = sub.kind.as_deref().and_then(|k| catalog.subscription_terms.kind(k));
    if let Some((row, max)) = terms.and_then(|r| Some((r, r.max_systems?))) {
        let why = format!("catalog subscription-terms.json: {}, {}", row.source, row.confidence.as_str());
        let line = format!("{name}: {} covers up to {max} systems ({why})", row.name);
        return Supply { covers: Some((Measure::Instances, max)), unit, line };
    }
    let Some(u) = unit.clone() else {
        let line = format!("{name}: unit `{}` is not in the catalog, so it is not counted", sub.unit);
        return Supply { covers: None, unit, line };
    };
    match Measure::parse(&u.counts) {
        Some(Measure::Hosts) | None => {
            let line =
                format!("{name}: counts {}, which a cloud VM does not expose, so it covers no cloud VM", u.counts);
            Supply { covers: None, unit, line }
        }
        Some(m) => {
            let covered = sub.quantity.saturating_mul(u.per_unit);
            let why = format!("catalog licensing.json: {} per unit, {}", u.per_unit, u.confidence.as_str());
            let line = format!("{name}: covers {covered} {} ({why})", m.noun());
            Supply { covers: Some((m, covered)), unit, line }
        }
    }
}

/// The part of a group no subscription covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uncovered {
    /// The group.
    pub group: Group,
    /// Its instances left uncovered (the least, when its count is unknown).
    pub instances: u64,
    /// True when they were left only because their size is unknown and the only capacity
    /// left counts vCPUs or cores: the shortfall cannot be confirmed.
    pub size_unknown: bool,
}

/// Groups weighed against capacities.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    /// What is left uncovered, group by group.
    pub uncovered: Vec<Uncovered>,
    /// False when a count is unknown (each such group was counted as one instance).
    pub exact: bool,
}

impl Allocation {
    /// True when every instance is covered.
    pub fn covered(&self) -> bool {
        self.uncovered.is_empty()
    }

    /// Instances left uncovered.
    pub fn instances(&self) -> u64 {
        self.uncovered.iter().map(|u| u.instances).sum()
    }

    /// The shortfall in `m` (a lower bound where a size or count is unknown).
    pub fn short(&self, m: Measure) -> Option<Amount> {
        let groups: Vec<Group> =
            self.uncovered.iter().map(|u| Group { count: Some(u.instances), ..u.group.clone() }).collect();
        need(&groups, m).map(|a| Amount { exact: a.exact && self.exact, ..a })
    }

    /// True when some uncovered instance is uncovered only because its size is unknown.
    pub fn unconfirmed(&self) -> bool {
        self.uncovered.iter().any(|u| u.size_unknown)
    }
}

/// Weighs groups against capacities (measure, amount). Instance capacity covers any size, so
/// it goes first to the groups whose size is unknown, then to the largest; what is left is
/// weighed against vCPU capacity, then core capacity, a whole instance at a time (no ratio
/// between units is ever applied). Work is linear in groups × measures.
pub fn allocate(groups: &[Group], capacities: &[(Measure, u64)]) -> Allocation {
    let cap = |m: Measure| capacities.iter().filter(|(x, _)| *x == m).map(|(_, n)| *n).fold(0u64, u64::saturating_add);
    let mut left = [cap(Measure::Instances), cap(Measure::Vcpus), cap(Measure::Cores)];
    let mut order: Vec<&Group> = groups.iter().collect();
    order.sort_by(|a, b| a.vcpus.is_some().cmp(&b.vcpus.is_some()).then(b.vcpus.cmp(&a.vcpus)).then(a.id.cmp(&b.id)));
    let mut out = Allocation { uncovered: Vec::new(), exact: groups.iter().all(|g| g.count.is_some()) };
    for g in order {
        let mut n = g.count.unwrap_or(1);
        let k = n.min(left[0]);
        (n, left[0]) = (n - k, left[0] - k);
        let mut size_unknown = false;
        for (slot, m) in [(1, Measure::Vcpus), (2, Measure::Cores)] {
            if n == 0 || left[slot] == 0 {
                continue;
            }
            match g.each(m) {
                Some(each) if each > 0 => {
                    let k = n.min(left[slot] / each);
                    (n, left[slot]) = (n - k, left[slot] - k * each);
                }
                _ => size_unknown = true,
            }
        }
        if n > 0 {
            out.uncovered.push(Uncovered { group: g.clone(), instances: n, size_unknown });
        }
    }
    out.uncovered.sort_by(|a, b| a.group.id.cmp(&b.group.id));
    out
}

/// The add-ons a BYOS instance needs on its subscription: `ha` for a member of a
/// high-availability cluster (seen by something that acts, or declared, or an HA image),
/// `sap`, `eus`, `e4s`, `els` from its image or stream. Sorted, no repeats.
pub fn addons_needed(w: &Workload) -> Vec<String> {
    let mut out: Vec<String> =
        w.addons.iter().map(|a| a.to_ascii_lowercase()).filter(|a| ADDONS.contains(&a.as_str())).collect();
    if w.ha.as_ref().is_some_and(|h| h.strength >= crate::model::Strength::Strong) {
        out.push("ha".into());
    }
    if let Some(stream) = w.os.stream.as_deref().filter(|s| ["eus", "e4s", "els"].contains(s)) {
        out.push(stream.to_owned());
    }
    out.sort();
    out.dedup();
    out
}

/// The add-ons counted against subscriptions.
pub const ADDONS: [&str; 5] = ["e4s", "els", "eus", "ha", "sap"];

/// Whether a subscription includes `addon` (by name, case-insensitively; `sap` also when the
/// product is RHEL for SAP, which includes it).
pub fn includes(sub: &Subscription, addon: &str) -> bool {
    sub.addons.iter().any(|a| a.eq_ignore_ascii_case(addon))
        || (addon == "sap" && sub.product.to_ascii_lowercase().contains("for sap"))
}

#[cfg(test)]
mod tests;

/// What to buy to cover an allocation's shortfall: more of an owned line that counts
/// instances (it covers any size), else of an owned vCPU or core line, else Physical or
/// Virtual Nodes (the unit the catalog names for cloud instances).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purchase {
    /// The SKU of the owned line to buy more of (`None`: no owned line fits).
    pub sku: Option<String>,
    /// The product of that line.
    pub product: Option<String>,
    /// The unit.
    pub unit: String,
    /// How many units.
    pub quantity: Amount,
}

impl Purchase {
    /// `2 × RH00004 Red Hat Enterprise Linux Server (Physical or Virtual Nodes)`.
    pub fn text(&self) -> String {
        let what = match (&self.sku, &self.product) {
            (Some(sku), Some(product)) => format!("{sku} {product}"),
            _ => "RHEL subscription".to_owned(),
        };
        if what.contains(&self.unit) {
            format!("{} × {what}", self.quantity.text())
        } else {
            format!("{} × {what} ({})", self.quantity.text(), self.unit)
        }
    }
}

/// The purchase that covers `alloc`'s shortfall given the lines owned (`None` when covered).
pub fn purchase(alloc: &Allocation, owned: &[(&Subscription, &Supply)], catalog: &Catalog) -> Option<Purchase> {
    if alloc.covered() {
        return None;
    }
    let pick = |m: Measure| owned.iter().find(|(_, s)| s.covers.is_some_and(|(x, _)| x == m) && s.unit.is_some());
    let line = pick(Measure::Instances).or_else(|| pick(Measure::Vcpus)).or_else(|| pick(Measure::Cores));
    if let Some((sub, supply)) = line {
        let unit = supply.unit.as_ref()?;
        let m = Measure::parse(&unit.counts)?;
        return Some(Purchase {
            sku: Some(sub.sku.clone()),
            product: Some(sub.product.clone()),
            unit: sub.unit.clone(),
            quantity: alloc.short(m)?.units(unit.per_unit),
        });
    }
    let unit = catalog.licensing.unit("Physical or Virtual Nodes")?;
    let quantity = alloc.short(Measure::Instances)?.units(unit.per_unit);
    Some(Purchase { sku: None, product: None, unit: unit.unit.clone(), quantity })
}
