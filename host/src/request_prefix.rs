//! What a run sends every policy ahead of an input's part of a request: its settings
//! and, unless the policy was prepared with them (a snapshot that parsed them once),
//! the catalog tables it reads.

use entitle_sdk::Catalog;

use crate::runtime::{Policy, Prepared, Runtime};

/// The start of every request to one policy in one run.
#[derive(Clone)]
pub(crate) struct Prefix {
    /// `{"settings":…,` and `"catalog":…,` when the policy is not prepared.
    pub bytes: Vec<u8>,
    /// The policy's snapshot after parsing exactly these catalog tables.
    pub prepared: Option<Prepared>,
}

impl Prefix {
    /// The prefix for `policy` with `settings` (JSON) and the tables of `catalog` it reads.
    pub fn new(runtime: &Runtime, policy: &Policy, settings: &[u8], catalog: &Catalog) -> Prefix {
        let catalog = serde_json::to_vec(catalog).expect("the catalog serialises");
        let prepared = policy.prepare(runtime, &catalog);
        let mut bytes = b"{\"settings\":".to_vec();
        bytes.extend_from_slice(settings);
        if prepared.is_none() {
            bytes.extend_from_slice(b",\"catalog\":");
            bytes.extend_from_slice(&catalog);
        }
        bytes.push(b',');
        Prefix { bytes, prepared }
    }
}
