//! A policy prepared with its catalog: the guest parses the catalog tables once
//! (`entitle_prepare`), the instance is snapshotted (wizer: memory and globals become
//! the module's data), and every evaluation starts a fresh instance from that image
//! instead of sending and parsing the catalog again. The compiled snapshot is cached
//! under a key that binds the policy's sha256 to the exact catalog bytes, so no cache
//! can serve a snapshot of another policy or catalog; without a cache nothing is
//! prepared (compiling a snapshot costs more than one run saves) and the catalog is sent.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use entitle_sdk::PolicyMetadata;
use sha2::{Digest, Sha256};
use wasmtime::{InstancePre, Store};
use wasmtime_wizer::{InstanceState, SnapshotVal, ValType, Wizer};

use super::Runtime;
use super::abi::{self, CallError};
use super::compile;
use super::policy::{Policy, Snapshot, hex};
use super::store::StoreState;
use crate::LoadedCatalog;

/// The optional ABI-1 export that parses the catalog: `(ptr, len) -> 0 | 1`.
pub(crate) const PREPARE: &str = "entitle_prepare";

/// Names the snapshot layout; part of every key, so a new layout never reads an old file.
const LAYOUT: &str = "entitle prepared policy 1";

/// A policy's snapshot after it parsed one catalog.
#[derive(Clone)]
pub struct Prepared {
    pub(crate) pre: InstancePre<StoreState>,
}

impl Policy {
    /// The snapshot the policy was loaded from, when it was loaded for the catalog whose
    /// files hash to `catalog` ([`LoadedCatalog::sha256`]): the same files give the same
    /// tables in one process, so they need not be serialised again to be compared.
    pub fn prepared_for(&self, catalog: &str) -> Option<Prepared> {
        self.snapshot.as_ref().filter(|s| s.catalog == catalog).map(|s| s.prepared.clone())
    }

    /// Prepares the policy with `catalog` (the JSON of the tables it reads), from the
    /// cache or by snapshotting it now. `None` when the policy has no `entitle_prepare`
    /// (built with an older SDK), when there is no cache, or when preparing failed:
    /// the catalog is then sent with every request, as before, and any fault in it is
    /// reported by the evaluation that reads it.
    pub fn prepare(&self, runtime: &Runtime, catalog: &[u8]) -> Option<Prepared> {
        if let Some(snapshot) = &self.snapshot
            && snapshot.tables.as_slice() == catalog
        {
            return Some(snapshot.prepared.clone());
        }
        let has_export = matches!(self.pre.module().get_export(PREPARE), Some(wasmtime::ExternType::Func(f))
            if f.params().len() == 2 && f.results().len() == 1);
        let cache = runtime.cache.as_ref().filter(|_| has_export)?;
        let key = key(&self.sha256, catalog);
        let module = match cache.lookup(&runtime.engine, &key) {
            Some(module) => module,
            None => {
                // A panic in wizer (it asserts what its instrumentation exported) is a
                // snapshot not made, not a failed run.
                let wasm = crate::guard::run(|| self.snapshot(runtime, catalog)).ok()?.ok()?;
                let limits = &runtime.options.compile;
                compile::check_shape(&wasm, limits).ok()?;
                compile::compile(&runtime.engine, Some(cache), &key, &wasm, limits).ok()?
            }
        };
        abi::check_module(&module).ok()?;
        let pre = runtime.linker.instantiate_pre(&module).ok()?;
        Some(Prepared { pre })
    }

    /// The policy's wasm with its state after `entitle_prepare(catalog)` as its data.
    fn snapshot(&self, runtime: &Runtime, catalog: &[u8]) -> Result<Vec<u8>, String> {
        let mut wizer = Wizer::new();
        wizer.init_func(PREPARE);
        let (context, instrumented) = wizer.instrument(&self.wasm).map_err(|e| format!("{e:#}"))?;
        let module = compile::compile(&runtime.engine, None, "", &instrumented, &runtime.options.compile)?;
        let pre = runtime.linker.instantiate_pre(&module).map_err(|e| format!("{e:#}"))?;
        let mut store = Store::new(&runtime.engine, StoreState::new(runtime.options.memory_limit));
        store.limiter(|state| state);
        store.set_epoch_deadline(runtime.deadline_ticks());
        if runtime.options.meter_fuel {
            store.set_fuel(u64::MAX).map_err(|e| format!("{e:#}"))?;
        }
        let instance = pre.instantiate(&mut store).map_err(|e| format!("{e:#}"))?;
        let memory = instance.get_memory(&mut store, "memory").ok_or("no exported memory")?;
        let (ptr, len) = abi::write_input(&mut store, &instance, &memory, catalog).map_err(|e| match e {
            CallError::Reply(m) => m,
            CallError::Wasm(e) => format!("{e:#}"),
        })?;
        let prepare = instance.get_typed_func::<(i32, i32), i32>(&mut store, PREPARE).map_err(|e| format!("{e:#}"))?;
        match prepare.call(&mut store, (ptr, len)) {
            Ok(0) => {}
            Ok(_) => return Err(store.data().last_error_log().unwrap_or("entitle_prepare failed").to_owned()),
            Err(e) => return Err(format!("{e:#}")),
        }
        let mut state = Snapshotted { store: &mut store, instance };
        match poll_once(wizer.snapshot(&context, &mut state)) {
            Some(Ok(wasm)) => Ok(wasm),
            Some(Err(e)) => Err(format!("{e:#}")),
            None => Err("the snapshot did not complete".into()),
        }
    }
}

impl Prepared {
    /// The snapshot of the policy `sha256` (with `metadata`) prepared with the tables of
    /// `catalog` it reads, when the cache holds one (see [`Policy::prepare`], which then
    /// compares bytes instead of hashing them again, and [`Policy::prepared_for`]).
    pub(super) fn cached(
        runtime: &Runtime,
        sha256: &str,
        metadata: &PolicyMetadata,
        catalog: &LoadedCatalog,
    ) -> Option<Snapshot> {
        let cache = runtime.cache.as_ref()?;
        let tables = serde_json::to_vec(&catalog.catalog.subset(&metadata.catalog)).ok()?;
        let module = cache.lookup(&runtime.engine, &key(sha256, &tables))?;
        abi::check_module(&module).ok()?;
        let pre = runtime.linker.instantiate_pre(&module).ok()?;
        Some(Snapshot { tables, catalog: catalog.sha256.clone(), prepared: Prepared { pre } })
    }
}

/// The cache key of `policy` (its sha256) prepared with exactly `catalog`.
fn key(policy: &str, catalog: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(LAYOUT.as_bytes());
    hasher.update(b"\0");
    hasher.update(policy.as_bytes());
    hasher.update(b"\0");
    hasher.update(catalog);
    format!("prepared-{}", hex(&hasher.finalize()))
}

/// Polls a future that never waits (wizer's snapshot over a synchronous store) once.
fn poll_once<F: Future>(future: F) -> Option<F::Output> {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => Some(value),
        Poll::Pending => None,
    }
}

/// The prepared instance as wizer reads it.
struct Snapshotted<'a> {
    store: &'a mut Store<StoreState>,
    instance: wasmtime::Instance,
}

impl InstanceState for Snapshotted<'_> {
    async fn global_get(&mut self, name: &str, _: ValType) -> SnapshotVal {
        let global = self.instance.get_global(&mut *self.store, name).expect("wizer exported the global");
        match global.get(&mut *self.store) {
            wasmtime::Val::I32(x) => SnapshotVal::I32(x),
            wasmtime::Val::I64(x) => SnapshotVal::I64(x),
            wasmtime::Val::F32(x) => SnapshotVal::F32(x),
            wasmtime::Val::F64(x) => SnapshotVal::F64(x),
            wasmtime::Val::V128(x) => SnapshotVal::V128(x.as_u128()),
            _ => unreachable!("wizer refuses reference-typed mutable globals"),
        }
    }

    async fn memory_contents(&mut self, name: &str, contents: impl FnOnce(&[u8]) + Send) {
        let memory = self.instance.get_memory(&mut *self.store, name).expect("wizer exported the memory");
        contents(memory.data(&*self.store))
    }
}
