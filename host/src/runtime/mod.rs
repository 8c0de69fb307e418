//! The sandboxed wasm runtime: one engine per process, policies compiled once and
//! cached on disk, and a fresh store with a time and memory limit per evaluation.

mod abi;
mod cache;
mod compile;
mod engine;
mod policy;
mod prepared;
mod reply;
mod store;

pub(crate) use abi::{EXPORTS, check_module};
pub use cache::CacheMode;
pub(crate) use compile::{check_shape, compile};
pub use engine::{CompileLimits, Runtime, RuntimeOptions};
pub use policy::{Evaluated, LoadHints, Policy};
pub(crate) use policy::{hex, read_metadata, wasm_bytes};
pub use prepared::Prepared;
