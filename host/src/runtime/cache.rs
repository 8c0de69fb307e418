//! On-disk cache of compiled policy code (`.cwasm`), so a policy compiles once per machine.
//!
//! Keyed by the module's sha256, the wasmtime version and the engine's compatibility
//! hash; written atomically (temp file + rename); any load failure recompiles. Loading
//! precompiled code is the one unsafe operation outside the SDK: see `load`.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use wasmtime::{Engine, Module};

/// Where compiled code goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheMode {
    /// `$ENTITLE_CACHE_DIR`, else `$XDG_CACHE_HOME/entitle`, else `~/.cache/entitle`.
    Default,
    /// A given directory.
    Dir(PathBuf),
    /// No cache (`--no-cache`): compile every time.
    Disabled,
}

/// A directory of precompiled modules for one engine configuration.
pub struct ModuleCache {
    dir: PathBuf,
    engine_hash: u64,
}

/// The wasmtime version compiled in (from Cargo.lock, see build.rs).
const WASMTIME_VERSION: &str = env!("ENTITLE_WASMTIME_VERSION");

impl ModuleCache {
    /// Opens (creating if needed) the cache directory; `None` when caching is off or
    /// the directory cannot be used safely (it is then reported on stderr once).
    pub fn open(mode: &CacheMode, engine: &Engine) -> Option<ModuleCache> {
        let dir = match mode {
            CacheMode::Disabled => return None,
            CacheMode::Dir(dir) => dir.clone(),
            CacheMode::Default => default_dir()?,
        };
        if let Err(why) = prepare_dir(&dir) {
            let shown = format!("{}: {why}", dir.display());
            eprintln!("entitle: not caching compiled policies in {}", crate::escape::text(&shown));
            return None;
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Some(ModuleCache { dir, engine_hash: hasher.finish() })
    }

    /// The compiled module for `wasm` (whose sha256 is `sha256`): from the cache, or
    /// compiled now and written to the cache.
    pub fn module(&self, engine: &Engine, sha256: &str, wasm: &[u8]) -> wasmtime::Result<Module> {
        let path = self.dir.join(format!("{sha256}-wasmtime-{WASMTIME_VERSION}-{:016x}.cwasm", self.engine_hash));
        // A stale or damaged file falls through: recompile and overwrite it.
        if let Some(module) = path.exists().then(|| load(engine, &path).ok()).flatten() {
            return Ok(module);
        }
        let module = Module::new(engine, wasm)?;
        if let Ok(bytes) = module.serialize() {
            let tmp = path.with_extension(format!("tmp{}", std::process::id()));
            if std::fs::write(&tmp, &bytes).is_ok() && std::fs::rename(&tmp, &path).is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
        }
        Ok(module)
    }
}

/// Loads precompiled code written by [`ModuleCache::module`].
#[allow(unsafe_code)]
fn load(engine: &Engine, path: &Path) -> wasmtime::Result<Module> {
    // SAFETY: `deserialize_file` runs the machine code in the file, so the file must
    // come from `Module::serialize`. It does: the cache directory is the user's own
    // (created 0700, refused when group- or world-writable, see `prepare_dir`), files
    // appear there only by atomic rename of our own output, and the name binds the
    // source module's sha256, the wasmtime version and the engine configuration.
    // wasmtime itself rejects files from another version or configuration.
    unsafe { Module::deserialize_file(engine, path) }
}

fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ENTITLE_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("entitle"));
    }
    std::env::var_os("HOME").filter(|d| !d.is_empty()).map(|home| PathBuf::from(home).join(".cache").join("entitle"))
}

fn prepare_dir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(dir).map_err(|e| e.to_string())?;
        if meta.permissions().mode() & 0o022 != 0 {
            let restricted = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
            if restricted.is_err() {
                return Err("the directory is writable by other users".into());
            }
        }
    }
    Ok(())
}
