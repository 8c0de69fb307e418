//! What a run sends every policy ahead of an input's part of a request: its settings
//! and, unless the policy was prepared with them (a snapshot that parsed them once),
//! the catalog tables it reads.

use crate::LoadedCatalog;
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
    pub fn new(runtime: &Runtime, policy: &Policy, settings: &[u8], catalog: &LoadedCatalog) -> Prefix {
        // Loaded from its snapshot for this very catalog: no tables to serialise or compare.
        let (prepared, unprepared) = match policy.prepared_for(&catalog.sha256) {
            Some(prepared) => (Some(prepared), None),
            None => {
                let tables = catalog.catalog.subset(&policy.metadata.catalog);
                let tables = serde_json::to_vec(&tables).expect("the catalog serialises");
                match policy.prepare(runtime, &tables) {
                    Some(prepared) => (Some(prepared), None),
                    None => (None, Some(tables)),
                }
            }
        };
        let mut bytes = b"{\"settings\":".to_vec();
        bytes.extend_from_slice(settings);
        if let Some(tables) = unprepared {
            bytes.extend_from_slice(b",\"catalog\":");
            bytes.extend_from_slice(&tables);
        }
        bytes.push(b',');
        Prefix { bytes, prepared }
    }
}
