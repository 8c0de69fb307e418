//! On-disk cache of compiled policy code (`.cwasm`), so a policy compiles once per machine.
//!
//! Loading precompiled code runs machine code from the file, so the cache must never
//! make entitle run anything but the policy it was given. Each file ends with a digest
//! (BLAKE3: it is read on every run, and is several times faster than sha256) that
//! binds the artifact to the source module's sha256, the wasmtime version and
//! the engine configuration; it is verified on the open file before wasmtime maps that
//! same file (no copy: code and memory images are paged in from the page cache as used).
//! Files are opened without following symlinks and used only when they are regular
//! files of the current user, not writable by others, in a directory of the current
//! user that no one else can write. On any doubt the policy is compiled again and
//! stderr says so once. This is the one unsafe operation outside the SDK: see `load`.

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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

/// The end of every cache file, after the artifact and its digest. The artifact comes
/// first so that wasmtime can map the file as it is: its data segments stay page-aligned
/// in the file and become copy-on-write memory images without a copy.
const MAGIC: &[u8; 16] = b"entitle-cwasm-3\n";
const TRAILER: usize = 32 + MAGIC.len();

/// Names the file layout in every file name, so files of an older layout are not read.
const LAYOUT: &str = "3";

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
        let module = Module::new(engine, wasm)?;
        if let Ok(mut bytes) = module.serialize() {
            let mut hasher = self.hasher(sha256);
            hasher.update(&bytes);
            bytes.extend_from_slice(hasher.finalize().as_bytes());
            bytes.extend_from_slice(MAGIC);
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
        match secure::open_own_file(&path, MAX_FILE_BYTES) {
            Ok(Some((file, len))) => match verify(&file, len, self.hasher(sha256)).and_then(|()| load(engine, file)) {
                Ok(module) => return Some(module),
                Err(why) => self.doubt(&path, &why),
            },
            Ok(None) => {}
            Err(why) => self.doubt(&path, &why),
        }
        None
    }

    fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}-wasmtime-{WASMTIME_VERSION}-{:016x}-{LAYOUT}.cwasm", self.engine_hash))
    }

    /// The hasher of the digest stored with an artifact, before the artifact: the digest
    /// names the source module, the wasmtime version and the engine configuration, so a
    /// valid artifact of another module, version or configuration does not verify under
    /// this name.
    fn hasher(&self, sha256: &str) -> blake3::Hasher {
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"entitle compiled policy\0");
        hasher.update(sha256.as_bytes());
        hasher.update(b"\0");
        hasher.update(WASMTIME_VERSION.as_bytes());
        hasher.update(b"\0");
        hasher.update(&self.engine_hash.to_le_bytes());
        hasher
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

/// Checks that `file` (`len` bytes) ends with our trailer and that the digest in it is
/// `hasher` over the artifact before it. The file is read through a read-only mapping
/// (`secure::with_bytes`), never copied into memory.
fn verify(file: &File, len: u64, mut hasher: blake3::Hasher) -> Result<(), String> {
    let Some(artifact) = len.checked_sub(TRAILER as u64) else {
        return Err("it is shorter than its trailer".into());
    };
    secure::with_bytes(file, len, |bytes| {
        let (body, trailer) = bytes.split_at(artifact as usize);
        if &trailer[32..] != MAGIC {
            return Err("it was not written by this version of entitle".into());
        }
        hasher.update(body);
        if trailer[..32] != hasher.finalize().as_bytes()[..] {
            return Err("its digest does not match this policy, wasmtime version and engine configuration".into());
        }
        Ok(())
    })?
}

/// Loads precompiled code written by [`ModuleCache::module`] from its verified file.
#[allow(unsafe_code)]
fn load(engine: &Engine, file: File) -> Result<Module, String> {
    // SAFETY: `deserialize_open_file` runs the machine code in the file, and reads it for
    // as long as the module lives, so the file must hold our own `Module::serialize`
    // output for this very module and must not change while it is mapped. The file was
    // opened without following a symlink, is a regular file of the current user that no
    // other user can write, in a directory of the current user that no other user can
    // write (`secure`), and its contents were verified through this same open file
    // against a digest that binds them to the source module's sha256, the wasmtime
    // version and the engine configuration (`verify`). Only the current user (or root)
    // could change it after that, and they can already run code as this user; entitle
    // itself never writes a cache file in place (`write_atomically` renames a new file
    // over it, which leaves this mapping on the old one). wasmtime also rejects
    // artifacts of another version or configuration, and ignores the trailer after the
    // artifact's last section.
    unsafe { Module::deserialize_open_file(engine, file) }.map_err(|e| format!("wasmtime refused it: {e:#}"))
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

    /// `path`, opened without following a symlink or blocking on a FIFO, and its length;
    /// `None` when there is no such file; an error when it is not trusted or too large.
    pub(super) fn open_own_file(path: &Path, max: u64) -> Result<Option<(File, u64)>, String> {
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
        Ok(Some((file, meta.len())))
    }

    /// Runs `read` on the first `len` bytes of `file` (its length when it was opened),
    /// mapped read-only: hashing a file this way reads it from the page cache with no copy.
    #[allow(unsafe_code)]
    pub(super) fn with_bytes<T>(file: &File, len: u64, read: impl FnOnce(&[u8]) -> T) -> Result<T, String> {
        let len = usize::try_from(len).map_err(|_| "it is too large to map".to_owned())?;
        // SAFETY: the mapping is private and read-only, and lives only for this call. The
        // bytes could still change under it if the file were written in place, or the
        // process get SIGBUS if it were truncated; the file is a regular file of the
        // current user that no other user can write, in a directory of the current user
        // (`open_own_file`, `prepare_dir`), and entitle never writes or truncates a cache
        // file in place (`write_atomically` renames a new file over it, which leaves this
        // mapping on the old one), so only the current user (or root) could, and they can
        // already run code as this user. wasmtime maps the same file for as long as the
        // module lives (`load`), under the same terms.
        let map = unsafe { memmap2::MmapOptions::new().len(len).populate().map(file) }
            .map_err(|e| format!("it could not be mapped: {e}"))?;
        if map.len() != len {
            return Err("it changed while being read".into());
        }
        Ok(read(&map))
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

    pub(super) fn open_own_file(_: &Path, _: u64) -> Result<Option<(File, u64)>, String> {
        Ok(None)
    }

    pub(super) fn with_bytes<T>(_: &File, _: u64, _: impl FnOnce(&[u8]) -> T) -> Result<T, String> {
        Err("file ownership cannot be checked on this platform".into())
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
