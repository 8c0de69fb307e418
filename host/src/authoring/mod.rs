//! Tools for policy authors, inside and outside this repository: the golden-case
//! runner (`entitle test`, and the workspace's own golden suite), building a policy
//! crate to wasm, a new crate from templates (`entitle new`), reading a module without
//! loading it (`entitle inspect`), timing evaluations (`entitle bench`) and the checks a
//! third party runs before shipping a policy (`entitle conformance`).

mod bench;
mod build;
mod cases;
mod conformance;
mod diff;
mod error;
mod inspect;
mod request;
mod sample;
mod scaffold;

pub use bench::{BenchOptions, BenchRow, bench, table as bench_table};
pub use build::{WASM_TARGET, build_crate};
pub use cases::{CaseOutcome, CaseRun, case_files, run_case, run_cases};
pub use conformance::{Check, ConformanceOptions, conformance, table as conformance_table};
pub use diff::diff;
pub use error::AuthoringError;
pub use inspect::{Inspection, inspect};
pub use request::request;
pub use scaffold::{SdkSource, new_policy};
