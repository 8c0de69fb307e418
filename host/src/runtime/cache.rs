//! On-disk cache of compiled policy code (`.cwasm`), so a policy compiles once per machine.
//!
//! Loading precompiled code runs machine code from the file, so the cache must never
//! make entitle run anything but the policy it was given. Each file holds a digest
//! that binds the artifact to the source module's sha256, the wasmtime version and
//! the engine configuration; it is verified on bytes already read into memory before
//! they are deserialised. Files are opened without following symlinks and used only
//! when they are regular files of the current user, in a directory of the current
//! user that no one else can write. On any doubt the policy is compiled again and
//! stderr says so once. This is the one unsafe operation outside the SDK: see `load`.

use std::hash::{Hash, Hasher};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

/// Where compiled code goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheMode {
    /// `$ENTITLE_CACHE_DIR`, else the platform's user cache directory (`$XDG_CACHE_HOME`
    /// or `~/.cache` on Linux) with `entitle` below it. One that others can write is
    /// refused, and code is compiled into a private directory instead.
    Default,
    /// A given directory.
    Dir(PathBuf),
    /// No cache (`--no-cache`): compile every time.
    Disabled,
}

/// A directory of precompiled modules for one engine configuration.
#[derive(Clone)]
pub struct ModuleCache {
    dir: PathBuf,
    engine_hash: u64,
    /// Set once a cached file was refused and that was said on stderr.
    warned: Arc<AtomicBool>,
}

/// The wasmtime version compiled in (from Cargo.lock, see build.rs).
const WASMTIME_VERSION: &str = env!("ENTITLE_WASMTIME_VERSION");

/// The start of every cache file; the digest follows, then the artifact.
const MAGIC: &[u8; 16] = b"entitle-cwasm-1\n";
const HEADER: usize = MAGIC.len() + 32;

/// Largest cache file read (compiled code of the largest module allowed is far less).
const MAX_FILE_BYTES: u64 = 256 << 20;

impl ModuleCache {
    /// Opens (creating if needed) the cache directory; `None` when caching is off or
    /// the directory cannot be used safely (it is then reported on stderr once).
    pub fn open(mode: &CacheMode, engine: &Engine) -> Option<ModuleCache> {
        let dir = match mode {
            CacheMode::Disabled => return None,
            CacheMode::Dir(dir) => dir.clone(),
            CacheMode::Default => default_dir()?,
        };
        let dir = match secure::prepare_dir(&dir) {
            Ok(()) => dir,
            Err(why) => {
                // Someone else could plant compiled code there: compile again, into a
                // private directory of this user, and say so.
                let shown = format!("{}: {why}", dir.display());
                let private = private_dir();
                match secure::prepare_dir(&private) {
                    Ok(()) => {
                        let to = private.display().to_string();
                        eprintln!(
                            "entitle: not using the cache directory {}; compiling policies into {} instead",
                            crate::escape::text(&shown),
                            crate::escape::text(&to)
                        );
                        private
                    }
                    Err(also) => {
                        let also = format!("{}: {also}", private.display());
                        eprintln!(
                            "entitle: not caching compiled policies in {} (nor in {})",
                            crate::escape::text(&shown),
                            crate::escape::text(&also)
                        );
                        return None;
                    }
                }
            }
        };
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Some(ModuleCache { dir, engine_hash: hasher.finish(), warned: Arc::new(AtomicBool::new(false)) })
    }

    /// The compiled module for `wasm` (whose sha256 is `sha256`): from the cache, or
    /// compiled now and written to the cache.
    pub fn module(&self, engine: &Engine, sha256: &str, wasm: &[u8]) -> wasmtime::Result<Module> {
        if let Some(module) = self.lookup(engine, sha256) {
            return Ok(module);
        }
        let path = self.path(sha256);
        let digest = |artifact: &[u8]| self.digest(sha256, artifact);
        let module = Module::new(engine, wasm)?;
        if let Ok(artifact) = module.serialize() {
            let mut bytes = Vec::with_capacity(HEADER + artifact.len());
            bytes.extend_from_slice(MAGIC);
            bytes.extend_from_slice(&digest(&artifact));
            bytes.extend_from_slice(&artifact);
            if let Err(why) = secure::write_atomically(&path, &bytes) {
                self.doubt(&path, &format!("cannot write it: {why}"));
            }
        }
        Ok(module)
    }

    /// The compiled module cached under `sha256` (a module's, or a prepared snapshot's
    /// key), verified as [`ModuleCache::module`] does; `None` when there is none to trust.
    pub fn lookup(&self, engine: &Engine, sha256: &str) -> Option<Module> {
        let path = self.path(sha256);
        let digest = |artifact: &[u8]| self.digest(sha256, artifact);
        match secure::read_own_file(&path, MAX_FILE_BYTES) {
            Ok(Some(bytes)) => match verified(&bytes, digest).and_then(|artifact| load(engine, artifact)) {
                Ok(module) => return Some(module),
                Err(why) => self.doubt(&path, &why),
            },
            Ok(None) => {}
            Err(why) => self.doubt(&path, &why),
        }
        None
    }

    fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}-wasmtime-{WASMTIME_VERSION}-{:016x}.cwasm", self.engine_hash))
    }

    /// The digest stored with an artifact: it names the source module, the wasmtime
    /// version and the engine configuration, so a valid artifact of another module,
    /// version or configuration does not verify under this name.
    fn digest(&self, sha256: &str, artifact: &[u8]) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(b"entitle compiled policy\0");
        hasher.update(sha256.as_bytes());
        hasher.update(b"\0");
        hasher.update(WASMTIME_VERSION.as_bytes());
        hasher.update(b"\0");
        hasher.update(self.engine_hash.to_le_bytes());
        hasher.update(artifact);
        hasher.finalize().into()
    }

    /// Says, once per run, that a cache file was not used.
    fn doubt(&self, path: &Path, why: &str) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            let shown = format!("{}: {why}", path.display());
            eprintln!(
                "entitle: not using cached compiled code {}; compiling the policy again",
                crate::escape::text(&shown)
            );
        }
    }
}

/// The artifact in `bytes`, when the header is ours and the digest matches.
fn verified(bytes: &[u8], digest: impl Fn(&[u8]) -> [u8; 32]) -> Result<&[u8], String> {
    let Some((header, artifact)) = bytes.split_at_checked(HEADER) else {
        return Err("it is shorter than its header".into());
    };
    if &header[..MAGIC.len()] != MAGIC {
        return Err("it was not written by this version of entitle".into());
    }
    if header[MAGIC.len()..] != digest(artifact) {
        return Err("its digest does not match this policy, wasmtime version and engine configuration".into());
    }
    Ok(artifact)
}

/// Loads precompiled code written by [`ModuleCache::module`].
#[allow(unsafe_code)]
fn load(engine: &Engine, artifact: &[u8]) -> Result<Module, String> {
    // SAFETY: `deserialize` runs the machine code in `artifact`, so it must be our own
    // `Module::serialize` output for this very module. It is: the bytes were read into
    // memory (no later change on disk can reach them) and verified against a sha256
    // that binds them to the source module's sha256, the wasmtime version and the
    // engine configuration (`verified`), from a regular file of the current user, not
    // a symlink, in a directory of the current user that no one else can write
    // (`secure`). wasmtime itself also rejects artifacts of another version or config.
    unsafe { Module::deserialize(engine, artifact) }.map_err(|e| format!("wasmtime refused it: {e:#}"))
}

/// `$ENTITLE_CACHE_DIR`, else the platform's per-user cache directory (`dirs`: XDG on
/// Linux, `~/Library/Caches` on macOS) with `entitle` below it.
fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ENTITLE_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    dirs::cache_dir().map(|dir| dir.join("entitle"))
}

/// Where code is compiled to when the cache directory cannot be trusted: a directory of
/// this user under the system's temporary directory (itself checked like any other).
fn private_dir() -> PathBuf {
    #[cfg(unix)]
    let user = rustix::process::geteuid().as_raw().to_string();
    #[cfg(not(unix))]
    let user = String::from("user");
    std::env::temp_dir().join(format!("entitle-cache-{user}"))
}

/// File-system checks: who owns what, and who may write it.
#[cfg(unix)]
mod secure {
    use std::fs::{DirBuilder, File, Metadata, OpenOptions};
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};

    use super::*;

    /// Creates `dir` (0700) when missing; refuses one that is not a directory of the
    /// current user, or that others can write. Never changes an existing directory.
    pub(super) fn prepare_dir(dir: &Path) -> Result<(), String> {
        DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(|e| e.to_string())?;
        let meta = std::fs::metadata(dir).map_err(|e| e.to_string())?;
        trusted(&meta, rustix::process::geteuid().as_raw(), true)
    }

    /// Why `meta` cannot be trusted by user `uid`, if it cannot: not a directory (or
    /// not a regular file), owned by someone else, or writable by group or others.
    pub(super) fn trusted(meta: &Metadata, uid: u32, dir: bool) -> Result<(), String> {
        let what = if dir { "directory" } else { "file" };
        if dir && !meta.is_dir() {
            return Err("it is not a directory".into());
        }
        if !dir && !meta.file_type().is_file() {
            return Err("it is not a regular file".into());
        }
        if meta.uid() != uid {
            return Err(format!("the {what} belongs to user {}, not to the current user {uid}", meta.uid()));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(format!("the {what} is writable by other users (mode {:o})", meta.mode() & 0o7777));
        }
        Ok(())
    }

    /// The bytes of `path`, opened without following a symlink or blocking on a FIFO;
    /// `None` when there is no such file; an error when it is not trusted or too large.
    pub(super) fn read_own_file(path: &Path, max: u64) -> Result<Option<Vec<u8>>, String> {
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::CLOEXEC;
        let file = match OpenOptions::new().read(true).custom_flags(flags.bits() as i32).open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
                return Err("it is a symbolic link".into());
            }
            Err(e) => return Err(e.to_string()),
        };
        let meta = file.metadata().map_err(|e| e.to_string())?;
        trusted(&meta, rustix::process::geteuid().as_raw(), false)?;
        if meta.len() > max {
            return Err(format!("it is {} bytes, more than the limit of {max}", meta.len()));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(max + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        if bytes.len() as u64 > max {
            return Err(format!("it grew past the limit of {max} bytes while being read"));
        }
        Ok(Some(bytes))
    }

    /// Writes `bytes` to a new file (0600, never through a symlink) beside `path` and
    /// renames it over `path`, which replaces whatever was there (a file, a link, a FIFO).
    pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
        let written = (|| {
            let mut file: File = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
                .open(&tmp)?;
            file.write_all(bytes)?;
            std::fs::rename(&tmp, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written.map_err(|e| e.to_string())
    }
}

/// Without Unix ownership and `O_NOFOLLOW`, nothing can be trusted: no cache.
#[cfg(not(unix))]
mod secure {
    use super::*;

    pub(super) fn prepare_dir(_: &Path) -> Result<(), String> {
        Err("file ownership cannot be checked on this platform".into())
    }

    pub(super) fn read_own_file(_: &Path, _: u64) -> Result<Option<Vec<u8>>, String> {
        Ok(None)
    }

    pub(super) fn write_atomically(_: &Path, _: &[u8]) -> Result<(), String> {
        Err("unsupported".into())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::secure::{prepare_dir, trusted};

    fn temp(tag: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("entitle-cache-unit-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_new_directory_is_private() {
        let dir = temp("new").join("nested");
        prepare_dir(&dir).expect("a fresh directory is usable");
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        let _ = std::fs::remove_dir_all(dir.parent().unwrap());
    }

    #[test]
    fn a_world_writable_directory_is_refused_and_left_alone() {
        let dir = temp("open");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        let error = prepare_dir(&dir).expect_err("others can write it");
        assert!(error.contains("writable by other users"), "{error}");
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o777, "the directory's mode is not changed");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_directory_or_file_of_another_user_is_refused() {
        let dir = temp("owner");
        std::fs::create_dir_all(&dir).unwrap();
        let meta = std::fs::metadata(&dir).unwrap();
        let mine = std::os::unix::fs::MetadataExt::uid(&meta);
        let other = mine.wrapping_add(1);
        let error = trusted(&meta, other, true).expect_err("owned by someone else");
        assert!(error.contains(&format!("belongs to user {mine}")), "{error}");
        let error = trusted(&meta, mine, false).expect_err("a directory is not a regular file");
        assert!(error.contains("not a regular file"), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
