//! entitle checks cloud deployment descriptors for RHEL licensing and support-scope
//! problems. This library is the whole tool; the `entitle` binary only parses
//! arguments, calls it and picks the exit code.
//!
//! ```no_run
//! use entitle::{CheckOptions, Checker, LoadedCatalog, Runtime, RuntimeOptions};
//!
//! let runtime = Runtime::new(RuntimeOptions::default()).unwrap();
//! let (policies, load_errors) = entitle::load_policies(&runtime, true, &[]);
//! let checker = Checker { runtime, policies, catalog: LoadedCatalog::builtin() };
//! let (files, mut errors) = entitle::discover(&["infra".into()]);
//! errors.extend(load_errors);
//! let options = CheckOptions { jobs: 2, ..CheckOptions::new("2026-11-25".parse().unwrap()) };
//! let report = checker.check(&files, errors, &options);
//! print!("{}", report.to_json());
//! ```
#![deny(missing_docs)]

pub mod authoring;
mod bicep_input;
mod billing_evidence;
pub mod bom;
mod catalog;
mod check;
mod choice_findings;
pub mod classify;
pub mod confined;
pub mod context;
mod context_finding;
pub mod document;
mod error;
pub mod escape;
pub mod explain;
pub mod formats;
#[doc(hidden)]
pub mod fuzzing;
pub mod gate;
mod guard;
#[cfg(test)]
mod guard_tests;
pub mod guest_log;
mod input;
mod input_finding;
mod kept;
mod place;
mod policies;
pub mod progress;
pub mod project_root;
mod registration;
pub mod report;
mod request_prefix;
mod run_scope;
mod runtime;
mod sent_fields;
pub mod serve;
pub mod source_text;
mod stream;
mod support;
mod terraform_inputs;

pub use catalog::LoadedCatalog;
pub use check::{CheckOptions, Checker, read_all};
pub use error::{Error, ErrorKind, Phase};
pub use formats::{Format, ReadOptions};
pub use input::{InputFile, LoadedInput, discover, load, load_documents};
pub use policies::{BUILTIN_CASES, BUILTIN_POLICIES, LONG_VERSION, load_policies, load_policies_for};
pub use report::{FailOn, Report};
pub use runtime::{CacheMode, CompileLimits, Evaluated, LoadHints, Policy, Prepared, Runtime, RuntimeOptions};
