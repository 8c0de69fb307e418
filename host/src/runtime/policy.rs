//! `Policy`: a module compiled once, checked against the ABI when loaded, and
//! pre-linked, so that every evaluation is a fresh instance in a fresh store.

use std::sync::Arc;

use sha2::{Digest, Sha256};
use wasmtime::{InstancePre, Store, Trap};

use super::Runtime;
use super::abi::{self, CallError};
use super::compile;
use super::prepared::Prepared;
use super::reply::{self, Reply};
use super::store::StoreState;
use crate::LoadedCatalog;
use crate::{Error, ErrorKind, Phase};
use entitle_sdk::{ABI_VERSION, Finding, METADATA_SECTION, PolicyMetadata, SettingsReply};

/// A loaded policy.
#[derive(Clone)]
pub struct Policy {
    /// What the policy says about itself.
    pub metadata: PolicyMetadata,
    /// sha256 of the wasm module (hex).
    pub sha256: String,
    /// Where it came from: a file path, or `builtin:<file>`.
    pub origin: String,
    pub(super) pre: InstancePre<StoreState>,
    /// The module's wasm, for preparing a snapshot (`prepared.rs`).
    pub(super) wasm: WasmBytes,
    /// The prepared snapshot the policy was loaded from, when it was loaded for a catalog
    /// ([`LoadHints::catalog`]) and that snapshot was cached.
    pub(super) snapshot: Option<Snapshot>,
}

/// What the caller already knows about a policy it loads.
#[derive(Clone, Copy, Default)]
pub struct LoadHints<'a> {
    /// The module's sha256 (hex), computed when the binary was built (built-in policies).
    pub sha256: Option<&'a str>,
    /// The catalog the run will prepare the policy with. When its prepared snapshot is
    /// cached, that snapshot alone is loaded: it has every export the module has, and
    /// a request that carries a catalog is still answered from that catalog.
    pub catalog: Option<&'a LoadedCatalog>,
}

/// A prepared snapshot a policy was loaded from.
#[derive(Clone)]
pub(super) struct Snapshot {
    /// The catalog tables (JSON) the snapshot parsed.
    pub tables: Vec<u8>,
    /// The sha256 of the catalog those tables came from ([`LoadedCatalog::sha256`]).
    pub catalog: String,
    pub prepared: Prepared,
}

/// A policy's wasm: a built-in policy's bytes where the binary holds them, else a copy.
#[derive(Clone)]
pub(super) enum WasmBytes {
    Static(&'static [u8]),
    Loaded(Arc<[u8]>),
}

impl std::ops::Deref for WasmBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            WasmBytes::Static(bytes) => bytes,
            WasmBytes::Loaded(bytes) => bytes,
        }
    }
}

/// `(level, message)` lines a policy logged during one call.
pub type Logs = Vec<(i32, String)>;

/// What one evaluation produced besides findings.
pub struct Evaluated {
    /// The findings as the policy returned them.
    pub findings: Vec<Finding>,
    /// `(level, message)` lines the policy logged.
    pub logs: Logs,
    /// Wasm instructions the call ran (instantiation included), when the runtime
    /// meters fuel ([`crate::RuntimeOptions::meter_fuel`]).
    pub fuel: Option<u64>,
}

impl Policy {
    /// Loads a policy from wasm (or `.wat` text), checking its metadata and ABI.
    pub fn load(runtime: &Runtime, origin: &str, bytes: &[u8]) -> Result<Policy, Error> {
        Policy::load_with(runtime, origin, bytes, LoadHints::default())
    }

    /// [`Policy::load`], using what the caller knows (see [`LoadHints`]).
    pub fn load_with(runtime: &Runtime, origin: &str, bytes: &[u8], hints: LoadHints) -> Result<Policy, Error> {
        Policy::load_keeping(runtime, origin, bytes, hints, |wasm| WasmBytes::Loaded(Arc::from(&*wasm)))
    }

    /// [`Policy::load_with`] for bytes that live as long as the process (a built-in
    /// policy's, in the binary): they are kept as they are, not copied, so a run that loads
    /// the policy from its cached snapshot never reads them past the metadata.
    pub fn load_static(
        runtime: &Runtime,
        origin: &str,
        bytes: &'static [u8],
        hints: LoadHints,
    ) -> Result<Policy, Error> {
        Policy::load_keeping(runtime, origin, bytes, hints, |wasm| match wasm {
            std::borrow::Cow::Borrowed(wasm) => WasmBytes::Static(wasm),
            std::borrow::Cow::Owned(wasm) => WasmBytes::Loaded(Arc::from(wasm)),
        })
    }

    /// Loads a policy; `keep` says how the policy holds on to its wasm.
    fn load_keeping<'b>(
        runtime: &Runtime,
        origin: &str,
        bytes: &'b [u8],
        hints: LoadHints,
        keep: impl FnOnce(std::borrow::Cow<'b, [u8]>) -> WasmBytes,
    ) -> Result<Policy, Error> {
        let fail = |kind| Error::new(Phase::Load, kind).path(origin);
        let limits = &runtime.options.compile;
        if bytes.len() > limits.max_module_bytes {
            return Err(fail(ErrorKind::Compile(compile::too_large(bytes.len(), limits.max_module_bytes))));
        }
        let wasm = wasm_bytes(bytes).map_err(|m| fail(ErrorKind::Compile(m)))?;
        let sha256 = match hints.sha256 {
            Some(known) if matches!(wasm, std::borrow::Cow::Borrowed(_)) => known.to_owned(),
            _ => hex(&Sha256::digest(&wasm)),
        };
        let metadata = read_metadata(&wasm).map_err(|m| fail(ErrorKind::Abi(m)))?;
        if metadata.abi_version != ABI_VERSION {
            return Err(fail(ErrorKind::Abi(format!(
                "its metadata says ABI version {}, this host speaks version {ABI_VERSION}",
                metadata.abi_version
            )))
            .policy(&metadata.id));
        }
        let snapshot = hints.catalog.and_then(|catalog| Prepared::cached(runtime, &sha256, &metadata, catalog));
        let pre = match &snapshot {
            Some(snapshot) => snapshot.prepared.pre.clone(),
            None => {
                let module = compile::check_shape(&wasm, limits)
                    .and_then(|()| compile::compile(&runtime.engine, runtime.cache.as_ref(), &sha256, &wasm, limits))
                    .map_err(|m| fail(ErrorKind::Compile(m)).policy(&metadata.id))?;
                abi::check_module(&module).map_err(|m| fail(ErrorKind::Abi(m)).policy(&metadata.id))?;
                runtime.linker.instantiate_pre(&module).map_err(|e| fail(ErrorKind::Abi(format!("{e:#}"))))?
            }
        };
        let policy = Policy { metadata, sha256, origin: origin.to_owned(), pre, wasm: keep(wasm), snapshot };
        policy.check_live(runtime)?;
        Ok(policy)
    }

    /// The policy id.
    pub fn id(&self) -> &str {
        &self.metadata.id
    }

    /// Runs `entitle_abi_version` once, so a wrong version fails at load, not later.
    fn check_live(&self, runtime: &Runtime) -> Result<(), Error> {
        let (mut store, instance) =
            self.instantiate(runtime).map_err(|(store, e)| self.error_in(runtime, &store, Phase::Load, e))?;
        let version = instance
            .get_typed_func::<(), i32>(&mut store, "entitle_abi_version")
            .and_then(|f| f.call(&mut store, ()))
            .map_err(|e| self.error_in(runtime, &store, Phase::Load, CallError::Wasm(e)))?;
        if version != ABI_VERSION {
            return Err(Error::new(
                Phase::Load,
                ErrorKind::Abi(format!(
                    "entitle_abi_version() returned {version}, this host speaks version {ABI_VERSION}"
                )),
            )
            .path(&self.origin)
            .policy(self.id()));
        }
        Ok(())
    }

    /// What the module's `entitle_metadata` export returns, in a fresh instance (the host
    /// reads the custom section instead; conformance checks the two agree).
    pub(crate) fn metadata_reply(&self, runtime: &Runtime) -> Result<Vec<u8>, Error> {
        let (mut store, instance) =
            self.instantiate(runtime).map_err(|(store, e)| self.error_in(runtime, &store, Phase::Load, e))?;
        let result = (|| {
            let memory = instance
                .get_memory(&mut store, "memory")
                .ok_or_else(|| CallError::Reply("no exported memory".into()))?;
            let func = instance.get_typed_func::<(), i64>(&mut store, "entitle_metadata").map_err(CallError::Wasm)?;
            let packed = func.call(&mut store, ()).map_err(CallError::Wasm)?;
            abi::read_reply(&store, &memory, packed, runtime.options.max_reply_bytes)
        })();
        result.map_err(|e| self.error_in(runtime, &store, Phase::Load, e))
    }

    /// Asks the policy whether `settings` (JSON) are valid.
    pub fn validate_settings(&self, runtime: &Runtime, settings: &[u8]) -> Result<(), Error> {
        let (reply, _, _) = self.call(runtime, &self.pre, "entitle_validate_settings", &[settings])?;
        match serde_json::from_slice::<SettingsReply>(&reply) {
            Ok(SettingsReply::Valid) => Ok(()),
            Ok(SettingsReply::Invalid { message }) => Err(Error::new(
                Phase::Settings,
                ErrorKind::Config(format!("invalid settings for policy {}: {message}", self.id())),
            )
            .policy(self.id())),
            Err(e) => {
                Err(Error::new(Phase::Settings, ErrorKind::Reply(format!("{e}: {}", preview(&reply))))
                    .policy(self.id()))
            }
        }
    }

    /// Evaluates one request (an [`entitle_sdk::Evaluation`] as JSON) in a fresh instance.
    pub fn evaluate(&self, runtime: &Runtime, request: &[u8], input: &str) -> Result<Evaluated, Error> {
        self.evaluate_prepared(runtime, None, request, input)
    }

    /// [`Policy::evaluate`] in a fresh instance of `prepared` when given (a request
    /// without a catalog then uses the one the snapshot parsed).
    pub fn evaluate_prepared(
        &self,
        runtime: &Runtime,
        prepared: Option<&Prepared>,
        request: &[u8],
        input: &str,
    ) -> Result<Evaluated, Error> {
        self.evaluate_parts(runtime, prepared, &[request], input)
    }

    /// [`Policy::evaluate_prepared`] of the request that is the concatenation of `parts`.
    pub fn evaluate_parts(
        &self,
        runtime: &Runtime,
        prepared: Option<&Prepared>,
        parts: &[&[u8]],
        input: &str,
    ) -> Result<Evaluated, Error> {
        let pre = prepared.map_or(&self.pre, |p| &p.pre);
        let (reply, logs, fuel) = self.call(runtime, pre, "entitle_evaluate", parts).map_err(|e| e.path(input))?;
        let named = |kind| Error::new(Phase::Evaluate, kind).path(input).policy(self.id());
        match reply::parse(&reply, runtime.options.max_findings) {
            Ok(Reply::Ok(findings)) => Ok(Evaluated { findings, logs, fuel }),
            Ok(Reply::Error(message)) => Err(named(ErrorKind::PolicyFailed(message))),
            Err(e) => Err(named(ErrorKind::Reply(format!("{e}; the reply began {}", preview(&reply))))),
        }
    }

    fn instantiate(
        &self,
        runtime: &Runtime,
    ) -> Result<(Store<StoreState>, wasmtime::Instance), (Store<StoreState>, CallError)> {
        self.instantiate_from(runtime, &self.pre)
    }

    fn instantiate_from(
        &self,
        runtime: &Runtime,
        pre: &InstancePre<StoreState>,
    ) -> Result<(Store<StoreState>, wasmtime::Instance), (Store<StoreState>, CallError)> {
        let mut store = Store::new(&runtime.engine, StoreState::new(runtime.options.memory_limit));
        store.limiter(|state| state);
        store.set_epoch_deadline(runtime.deadline_ticks());
        if runtime.options.meter_fuel {
            store.set_fuel(u64::MAX).expect("the engine meters fuel");
        }
        match pre.instantiate(&mut store) {
            Ok(instance) => Ok((store, instance)),
            Err(e) => Err((store, CallError::Wasm(e))),
        }
    }

    /// Calls `export(ptr, len)` with `input` (the concatenation of its parts) in a fresh
    /// instance; returns the reply bytes, the logs and, when metered, the fuel it used.
    fn call(
        &self,
        runtime: &Runtime,
        pre: &InstancePre<StoreState>,
        export: &str,
        input: &[&[u8]],
    ) -> Result<(Vec<u8>, Logs, Option<u64>), Error> {
        let phase = if export == "entitle_evaluate" { Phase::Evaluate } else { Phase::Settings };
        let (mut store, instance) =
            self.instantiate_from(runtime, pre).map_err(|(store, e)| self.error_in(runtime, &store, phase, e))?;
        let result = (|| {
            let memory = instance
                .get_memory(&mut store, "memory")
                .ok_or_else(|| CallError::Reply("no exported memory".into()))?;
            let (ptr, len) = abi::write_parts(&mut store, &instance, &memory, input)?;
            let func = instance.get_typed_func::<(i32, i32), i64>(&mut store, export).map_err(CallError::Wasm)?;
            let packed = func.call(&mut store, (ptr, len)).map_err(CallError::Wasm)?;
            abi::read_reply(&store, &memory, packed, runtime.options.max_reply_bytes)
        })();
        match result {
            Ok(reply) => {
                let fuel = store.get_fuel().ok().map(|left| u64::MAX - left);
                Ok((reply, std::mem::take(&mut store.data_mut().logs), fuel))
            }
            Err(e) => Err(self.error_in(runtime, &store, phase, e)),
        }
    }

    /// Names a failed call: time limit, memory limit, trap (with the guest's last
    /// error log, usually its panic message) or a broken reply.
    fn error_in(&self, runtime: &Runtime, store: &Store<StoreState>, phase: Phase, e: CallError) -> Error {
        let kind = match e {
            CallError::Reply(m) => ErrorKind::Reply(m),
            CallError::Wasm(e) => {
                if store.data().out_of_memory {
                    ErrorKind::OutOfMemory { limit_bytes: runtime.options.memory_limit }
                } else if matches!(e.downcast_ref::<Trap>(), Some(Trap::Interrupt)) {
                    ErrorKind::Timeout { limit_ms: runtime.options.timeout.as_millis() as u64 }
                } else {
                    let mut message = match e.downcast_ref::<Trap>() {
                        Some(trap) => trap.to_string(),
                        None => format!("{e:#}"),
                    };
                    if let Some(log) = store.data().last_error_log() {
                        message.push_str(&format!(" (policy said: {log})"));
                    }
                    ErrorKind::Trap(message)
                }
            }
        };
        let error = Error::new(phase, kind).policy(self.id());
        if phase == Phase::Load { error.path(&self.origin) } else { error }
    }
}

/// The module's wasm bytes: as given, or assembled from `.wat` text.
pub(crate) fn wasm_bytes(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    if bytes.starts_with(b"\0asm") {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    if bytes.trim_ascii().is_empty() {
        return Err("the file is empty: not a WebAssembly module or .wat text".into());
    }
    // `.wat` text starts with a form or a comment; anything else is not a policy, and the
    // text parser's account of where it gave up would only confuse.
    let text = bytes.trim_ascii_start();
    if !(text.starts_with(b"(") || text.starts_with(b";;")) {
        return Err("not a WebAssembly module or .wat text".into());
    }
    let wasm = wat::parse_bytes(bytes).map_err(|e| format!("invalid .wat text: {e}"))?;
    Ok(std::borrow::Cow::Owned(wasm.into_owned()))
}

/// Reads and checks the `entitle:metadata` custom section. The code section is stepped
/// over whole, not walked function by function: it is most of a module's bytes, and this
/// runs for every policy on every run (`check_shape` and the compiler read it when needed).
pub(crate) fn read_metadata(wasm: &[u8]) -> Result<PolicyMetadata, String> {
    let (mut parser, mut rest) = (wasmparser::Parser::new(0), wasm);
    loop {
        let (consumed, payload) = match parser.parse(rest, true) {
            Ok(wasmparser::Chunk::Parsed { consumed, payload }) => (consumed, payload),
            Ok(wasmparser::Chunk::NeedMoreData(_)) => return Err("not a valid wasm module: it ends early".into()),
            Err(e) => return Err(format!("not a valid wasm module: {e}")),
        };
        rest = &rest[consumed..];
        match payload {
            wasmparser::Payload::CustomSection(section) if section.name() == METADATA_SECTION => {
                return PolicyMetadata::parse(section.data())
                    .map_err(|e| format!("its `{METADATA_SECTION}` section is invalid: {e}"));
            }
            wasmparser::Payload::CodeSectionStart { size, .. } => {
                parser.skip_section();
                rest = rest.get(size as usize..).ok_or("not a valid wasm module: its code section ends early")?;
            }
            wasmparser::Payload::End(_) => break,
            _ => {}
        }
    }
    Err(format!("it has no `{METADATA_SECTION}` custom section (build it with entitle_sdk::export_policy!)"))
}

/// A short, printable start of a reply for error messages.
fn preview(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(80)]).into_owned();
    format!("{text:?}{}", if bytes.len() > 80 { "…" } else { "" })
}

/// Lowercase hex of a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::read_metadata;

    /// A module of two functions with its metadata after the code section.
    fn module() -> Vec<u8> {
        let metadata = r#"{"id":"after-code","version":"0.1.0","abi_version":1,"description":"d","rules":[{"id":"R","title":"t","severity":"error","description":"d"}]}"#;
        let data = metadata.replace('"', "\\22");
        wat::parse_str(format!(
            r#"(module (func (nop)) (func (nop)) (@custom "entitle:metadata" (after code) "{data}"))"#
        ))
        .expect("valid wat")
    }

    #[test]
    fn metadata_after_the_code_section_is_found() {
        assert_eq!(read_metadata(&module()).expect("metadata").id, "after-code");
    }

    #[test]
    fn a_module_cut_inside_its_code_section_is_refused() {
        let wasm = module();
        let code = wasmparser::Parser::new(0)
            .parse_all(&wasm)
            .find_map(|p| match p {
                Ok(wasmparser::Payload::CodeSectionStart { range, .. }) => Some(range),
                _ => None,
            })
            .expect("a code section");
        let error = read_metadata(&wasm[..code.start + 2]).expect_err("cut");
        assert!(error.starts_with("not a valid wasm module"), "{error}");
    }
}
