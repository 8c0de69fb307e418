//! The contract between the `entitle` host and its WebAssembly policies.
//!
//! A policy is a plain Rust function from an [`Evaluation`] (the deployment, the
//! evaluation date, the reference catalog, the organisation's context and the
//! policy's settings) to a list of [`Finding`]s. One macro call exports it with
//! ABI version 1, and the policy's `policy.json` becomes its metadata:
//!
//! ```
//! use entitle_sdk::{Evaluation, Finding, testing};
//!
//! fn evaluate(eval: &Evaluation) -> Vec<Finding> {
//!     eval.rhel_workloads()
//!         .filter(|w| w.os.major == Some(6))
//!         .map(|w| Finding::new("ORG-NO-RHEL6", w, "os.major", "RHEL 6 is not allowed here"))
//!         .collect()
//! }
//!
//! // In the policy crate, next to its policy.json:
//! // entitle_sdk::export_policy!(evaluate);
//!
//! let eval = testing::evaluation("2026-11-25", Default::default(), vec![testing::rhel("db", "6.10", &[])]);
//! let found = testing::run(evaluate, &eval);
//! assert_eq!(found[0].rule, "ORG-NO-RHEL6");
//! ```
//!
//! An organisation's rule reads the workload's tags; an absent tag's finding is placed at
//! the resource:
//!
//! ```
//! use entitle_sdk::model::BillingModel;
//! use entitle_sdk::{Evaluation, Finding, Tag, testing};
//!
//! fn evaluate(eval: &Evaluation) -> Vec<Finding> {
//!     eval.rhel_workloads()
//!         .filter(|w| w.billing.model == BillingModel::Byos)
//!         .filter_map(|w| match w.tag("cost-center") {
//!             Tag::Present(_) => None,
//!             Tag::Absent => Some(Finding::new("ORG-COST-CENTER", w, "tags.cost-center", "no cost-center tag")),
//!             Tag::Unknown(why) => {
//!                 entitle_sdk::log::warn(&format!("{}: cost-center not known: {why}", w.id));
//!                 None
//!             }
//!         })
//!         .collect()
//! }
//!
//! let mut byos = testing::rhel("db", "9.4", &[]);
//! byos.billing.model = BillingModel::Byos;
//! let mut tagged = byos.clone();
//! tagged.id = "web".into();
//! tagged.tags.insert("cost-center".into(), Some("cc-1".into()));
//! let found = testing::run(evaluate, &testing::evaluation("2026-11-25", Default::default(), vec![byos, tagged]));
//! assert_eq!(found.iter().map(|f| f.workload.as_str()).collect::<Vec<_>>(), ["db"]);
//! ```
//!
//! [`log`] lines show on the host's stderr with `entitle check -v` (`-vv` adds info, `-vvv`
//! debug), and `--format json` carries errors and warnings in the report's `logs`.
//!
//! The same crate builds natively, so `cargo test -p <policy>` runs the rule with no
//! wasm; [`testing`] has helpers for that. The host imports these types from here,
//! so there is one definition of the wire format.
#![deny(missing_docs)]

mod abi;
pub mod catalog;
mod container_images;
pub mod context;
pub mod coverage;
mod date;
mod evaluation;
mod export;
mod finding;
pub mod licensing;
pub mod log;
mod metadata;
pub mod model;
pub mod platform;
mod prepared;
mod product_catalog;
mod products;
pub mod subscription_terms;
mod support;
pub mod testing;
pub mod units;

pub use catalog::Catalog;
pub use date::{Date, DateError};
pub use evaluation::{Evaluation, EvaluationReply, SettingsReply};
pub use finding::{CONTEXT_WORKLOAD, Finding};
pub use metadata::{ABI_VERSION, METADATA_SECTION, PolicyMetadata, RuleMetadata, Scope, Severity};
pub use model::{Deployment, Tag, Workload};

#[doc(hidden)]
pub mod __private {
    //! Used by the expansion of [`export_policy!`](crate::export_policy); not API.
    pub use crate::abi::*;
    pub use serde_json;
}
