//! `entitle inspect`: what a policy module says about itself and what it is made of,
//! read with the host's own loader: metadata from the custom section, imports and
//! exports of the compiled module, and whether this host would load it, and why not.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::runtime::{self, Policy, Runtime};
use entitle_sdk::PolicyMetadata;

/// Everything `inspect` reports on one module.
#[derive(Debug, Serialize)]
pub struct Inspection {
    /// The file as named.
    pub path: String,
    /// Size of the file in bytes.
    pub size: usize,
    /// sha256 of the wasm module (of the assembled module for `.wat` text), as `check` reports it.
    pub sha256: Option<String>,
    /// The `entitle:metadata` section, when it is present and valid.
    pub metadata: Option<PolicyMetadata>,
    /// Why there is no valid metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_error: Option<String>,
    /// Settings schema: policies declare none; they check settings in their settings phase.
    pub settings_schema: Option<serde_json::Value>,
    /// `module.name: type` of every import.
    pub imports: Vec<String>,
    /// `name: type` of every export.
    pub exports: Vec<String>,
    /// Whether this host loads the module (ABI, metadata, limits, a live ABI call).
    pub loads: bool,
    /// Why it does not load.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_error: Option<String>,
    /// The ABI version this host speaks.
    pub host_abi_version: i32,
}

/// Inspects the module `bytes` (wasm or `.wat`) named `path`.
pub fn inspect(runtime: &Runtime, path: &str, bytes: &[u8]) -> Inspection {
    let mut out = Inspection {
        path: path.to_owned(),
        size: bytes.len(),
        sha256: None,
        metadata: None,
        metadata_error: None,
        settings_schema: None,
        imports: Vec::new(),
        exports: Vec::new(),
        loads: false,
        load_error: None,
        host_abi_version: entitle_sdk::ABI_VERSION,
    };
    let limits = &runtime.options.compile;
    let wasm = match (bytes.len() <= limits.max_module_bytes).then(|| runtime::wasm_bytes(bytes)) {
        Some(Ok(wasm)) => wasm,
        Some(Err(why)) => {
            out.load_error = Some(why);
            return out;
        }
        None => {
            out.load_error = Some(format!("the module is {} bytes, more than the limit", bytes.len()));
            return out;
        }
    };
    let sha256 = runtime::hex(&Sha256::digest(&wasm));
    out.sha256 = Some(sha256.clone());
    match runtime::read_metadata(&wasm) {
        Ok(meta) => out.metadata = Some(meta),
        Err(why) => out.metadata_error = Some(why),
    }
    let module = runtime::check_shape(&wasm, limits)
        .and_then(|()| runtime::compile(&runtime.engine, runtime.cache.as_ref(), &sha256, &wasm, limits));
    match module {
        Ok(module) => {
            out.imports =
                module.imports().map(|i| format!("{}.{}: {}", i.module(), i.name(), shown(&i.ty()))).collect();
            out.exports = module.exports().map(|e| format!("{}: {}", e.name(), shown(&e.ty()))).collect();
        }
        Err(why) => {
            out.load_error = Some(why);
            return out;
        }
    }
    match Policy::load(runtime, path, bytes) {
        Ok(_) => out.loads = true,
        Err(e) => out.load_error = Some(e.to_string()),
    }
    out
}

/// An import or export type in words.
fn shown(ty: &wasmtime::ExternType) -> String {
    match ty {
        wasmtime::ExternType::Func(f) => {
            let params: Vec<String> = f.params().map(|p| p.to_string()).collect();
            let results: Vec<String> = f.results().map(|r| r.to_string()).collect();
            format!("func ({}) -> ({})", params.join(", "), results.join(", "))
        }
        wasmtime::ExternType::Memory(m) => format!("memory (min {} pages)", m.minimum()),
        wasmtime::ExternType::Global(g) => format!("global {}", g.content()),
        wasmtime::ExternType::Table(t) => format!("table {}", t.element()),
        wasmtime::ExternType::Tag(_) => "tag".to_owned(),
    }
}

impl Inspection {
    /// The human-readable report (every text from the module is escaped).
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let e = |s: &str| crate::escape::text(s).into_owned();
        let mut out = String::new();
        let _ = writeln!(out, "file:        {}", e(&self.path));
        let _ = writeln!(out, "size:        {} bytes", self.size);
        let _ = writeln!(out, "sha256:      {}", self.sha256.as_deref().unwrap_or("-"));
        match (&self.metadata, &self.metadata_error) {
            (Some(m), _) => {
                let _ = writeln!(out, "id:          {}", e(&m.id));
                let _ = writeln!(out, "version:     {}", e(&m.version));
                let _ = writeln!(out, "abi version: {} (this host: {})", m.abi_version, self.host_abi_version);
                let _ = writeln!(
                    out,
                    "scope:       {}",
                    serde_json::to_value(m.scope).unwrap_or_default().as_str().unwrap_or("?")
                );
                let tables = if m.catalog.is_empty() { "all".to_owned() } else { e(&m.catalog.join(", ")) };
                let _ = writeln!(out, "catalog:     {tables}");
                let _ = writeln!(out, "settings:    no schema declared (checked by the policy's settings phase)");
                if !m.description.is_empty() {
                    let _ = writeln!(out, "description: {}", e(&m.description));
                }
                let _ = writeln!(out, "rules:       {}", m.rules.len());
                for r in &m.rules {
                    let help = r.help_url.as_deref().map(|u| format!(" <{}>", e(u))).unwrap_or_default();
                    let _ = writeln!(out, "  {} [{}] {}{help}", e(&r.id), r.severity, e(&r.title));
                }
            }
            (None, Some(why)) => {
                let _ = writeln!(out, "metadata:    invalid: {}", e(why));
            }
            (None, None) => {
                let _ = writeln!(out, "metadata:    not read");
            }
        }
        let _ = writeln!(out, "imports:     {}", self.imports.len());
        for i in &self.imports {
            let _ = writeln!(out, "  {}", e(i));
        }
        let _ = writeln!(out, "exports:     {}", self.exports.len());
        for x in &self.exports {
            let _ = writeln!(out, "  {}", e(x));
        }
        match &self.load_error {
            None if self.loads => out.push_str("loads:       yes\n"),
            Some(why) => {
                let _ = writeln!(out, "loads:       no: {}", e(why));
            }
            None => out.push_str("loads:       no\n"),
        }
        out
    }
}
