//! The subscription bill of materials (`entitle bom`): what a deployment needs to be
//! licensed and supported, one line per licensed item, summed in the units Red Hat sells
//! ([`entitle_sdk::units`], the counting `BYOS-SUBSCRIPTION-COUNT` uses), weighed against
//! the org context, and the change against a plan's `before` or a previous BOM.

mod against;
mod csv;
mod cyclonedx;
mod delta;
mod items;
mod table;
mod totals;

use entitle_sdk::context::OrgContext;
#[cfg(test)]
use entitle_sdk::units::Amount;
use entitle_sdk::{Date, Workload};
use serde::{Deserialize, Serialize};

pub use against::{AddonLine, ChoiceLine, Coverage, OwnedLine, UnitLine};
pub use csv::render as render_csv;
pub use cyclonedx::render as render_cyclonedx;
pub use delta::{Change, Delta, compare};
pub use items::Item;
pub use table::render as render_table;
pub use totals::{PaygDriver, Total};

/// The shape version of the BOM JSON (`schema` in the document).
pub const SCHEMA: &str = "entitle-bom/1";

/// The unit whose subscriptions the totals count as node pairs.
pub const NODE_UNIT: &str = "Physical or Virtual Nodes";

/// The bill of materials of a run.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Bom {
    /// [`SCHEMA`].
    pub schema: String,
    /// entitle's version.
    pub tool_version: String,
    /// The evaluation date.
    pub as_of: String,
    /// The catalog version.
    pub catalog_version: String,
    /// sha256 of the catalog files.
    pub catalog_sha256: String,
    /// One line per licensed item, in input order; alternatives follow their workload.
    pub items: Vec<Item>,
    /// Sums per billing model and product, of the default deployment (alternatives are not summed).
    pub totals: Vec<Total>,
    /// What puts RHEL (and which premiums) on the cloud bill.
    pub payg: Vec<PaygDriver>,
    /// Against the org context (`--context`), when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
    /// The change against the plan's `before` or `--baseline`, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta: Option<Delta>,
    /// What could not be read (the BOM is then incomplete; exit 2).
    #[serde(default, skip_deserializing)]
    pub errors: Vec<crate::report::ReportError>,
}

/// What a BOM is built from.
pub struct Inputs<'a> {
    /// The workloads of the run, as `entitle facts` prints them.
    pub workloads: &'a [Workload],
    /// The catalog.
    pub catalog: &'a crate::LoadedCatalog,
    /// The evaluation date.
    pub as_of: Date,
    /// The org context, when given.
    pub context: Option<&'a OrgContext>,
}

/// Builds the BOM of `inputs` (no delta, no errors: the caller adds them).
pub fn build(inputs: &Inputs<'_>) -> Bom {
    let catalog = &inputs.catalog.catalog;
    let items = items::of(inputs.workloads, catalog);
    let node_pair = catalog.licensing.unit(NODE_UNIT).filter(|u| u.counts == "instances").map(|u| u.per_unit);
    let totals = totals::of(&items, node_pair);
    let payg = totals::payg(&items);
    let coverage = inputs.context.map(|ctx| against::weigh(&items, ctx, catalog));
    Bom {
        schema: SCHEMA.into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        as_of: inputs.as_of.to_string(),
        catalog_version: catalog.version.clone(),
        catalog_sha256: inputs.catalog.sha256.clone(),
        items,
        totals,
        payg,
        coverage,
        delta: None,
        errors: Vec::new(),
    }
}

/// The BOM as pretty JSON (with a final newline).
pub fn render_json(bom: &Bom) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(bom).map(|mut s| {
        s.push('\n');
        s
    })
}

#[cfg(test)]
mod tests;
