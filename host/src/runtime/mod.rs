//! The sandboxed wasm runtime: one engine per process, policies compiled once and
//! cached on disk, and a fresh store with a time and memory limit per evaluation.

mod abi;
mod cache;
mod compile;
mod engine;
mod policy;
mod reply;
mod store;

pub use cache::CacheMode;
pub use engine::{CompileLimits, Runtime, RuntimeOptions};
pub(crate) use policy::hex;
pub use policy::{Evaluated, Policy};
