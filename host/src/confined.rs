//! Reading a file that a descriptor names (an ARM linked template, a script a template
//! loads) or that a walk found: only inside the directory tree of the input the user
//! named, after resolving symlinks; only a regular file; only up to a size limit; and
//! never blocking (a FIFO is opened non-blocking and refused). A descriptor can then not
//! make entitle read `/etc/passwd`, hang on `/dev/stdin`, or fill memory from `/dev/zero`.

use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The largest linked template read (Azure itself rejects templates over 4 MB).
pub const TEMPLATE_LIMIT: u64 = 4 << 20;

/// The largest input file read (a large Terraform plan is tens of MB).
pub const INPUT_LIMIT: u64 = 256 << 20;

/// Why a file was not read. Never carries any of the file's contents.
#[derive(Debug)]
pub enum Refused {
    /// It resolves (after symlinks and `..`) outside the root.
    Outside,
    /// It is a directory, FIFO, socket or device.
    NotRegular(&'static str),
    /// It is larger than the limit.
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// It could not be opened or read.
    Io(std::io::Error),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Outside => write!(f, "not read: outside the directory tree of the input"),
            Refused::NotRegular(kind) => write!(f, "not read: {kind}, not a regular file"),
            Refused::TooLarge { limit } => write!(f, "not read: larger than {limit} bytes"),
            Refused::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

impl std::error::Error for Refused {}

/// A directory tree that files may be read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    /// The directory as given, made absolute without touching the disk.
    lexical: PathBuf,
    /// The directory with every symlink resolved.
    canonical: PathBuf,
}

impl Root {
    /// The tree under `dir` (which must exist).
    pub fn new(dir: &Path) -> Result<Root, Refused> {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        let canonical = dir.canonicalize().map_err(Refused::Io)?;
        Ok(Root { lexical: lexical(dir), canonical })
    }

    /// The tree holding `file`: its directory.
    pub fn of_file(file: &Path) -> Result<Root, Refused> {
        Root::new(file.parent().unwrap_or(Path::new(".")))
    }

    /// `path` with symlinks resolved, when it stays inside the tree. A path whose words
    /// already leave the tree (absolute elsewhere, or `..` past the root) is refused
    /// without looking at the disk; then symlinks are resolved and checked again.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, Refused> {
        if !lexical(path).starts_with(&self.lexical) {
            return Err(Refused::Outside);
        }
        let found = path.canonicalize().map_err(Refused::Io)?;
        if !found.starts_with(&self.canonical) {
            return Err(Refused::Outside);
        }
        Ok(found)
    }

    /// The bytes of `path`, a regular file inside the tree of at most `limit` bytes.
    pub fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, Refused> {
        read_regular(&self.resolve(path)?, limit)
    }
}

/// The bytes of `path` when it is a regular file of at most `limit` bytes. It is checked
/// before opening, opened without blocking and checked again through the open handle,
/// and at most `limit + 1` bytes are read (a `/proc` file says its size is 0).
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Refused> {
    regular(&std::fs::metadata(path).map_err(Refused::Io)?, limit)?;
    let file = open(path).map_err(Refused::Io)?;
    let meta = file.metadata().map_err(Refused::Io)?;
    regular(&meta, limit)?;
    // Sized from the file (`take` hides the size, and a doubling buffer holds up to twice the file); a file that grew
    // since still reads, up to the limit.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(Refused::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Refused::TooLarge { limit });
    }
    Ok(bytes)
}

/// Refuses what is not a regular file, or is larger than `limit`.
pub fn regular(meta: &std::fs::Metadata, limit: u64) -> Result<(), Refused> {
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(Refused::NotRegular(kind_name(&kind)));
    }
    if meta.len() > limit {
        return Err(Refused::TooLarge { limit });
    }
    Ok(())
}

/// What a file that is not a regular file is, in words.
pub fn kind_name(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32).open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// `path` made absolute (against the working directory) with `.` removed and `..`
/// folded, without touching the disk.
fn lexical(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("entitle-confined-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("tree/sub")).unwrap();
        std::fs::write(dir.join("tree/sub/a.json"), "{}").unwrap();
        std::fs::write(dir.join("secret.txt"), "SECRET").unwrap();
        dir
    }

    #[test]
    fn a_file_inside_is_read() {
        let dir = scratch("inside");
        let root = Root::new(&dir.join("tree")).unwrap();
        assert_eq!(root.read(&dir.join("tree/sub/../sub/a.json"), 10).unwrap(), b"{}");
    }

    #[test]
    fn absolute_parent_and_symlinked_escapes_are_outside() {
        let dir = scratch("outside");
        let root = Root::new(&dir.join("tree")).unwrap();
        for path in [Path::new("/etc/passwd").to_path_buf(), dir.join("tree/sub/../../secret.txt")] {
            assert!(matches!(root.read(&path, 1 << 20), Err(Refused::Outside)), "{}", path.display());
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("secret.txt"), dir.join("tree/link.txt")).unwrap();
            assert!(matches!(root.read(&dir.join("tree/link.txt"), 1 << 20), Err(Refused::Outside)));
            // A link that stays inside is followed.
            std::os::unix::fs::symlink(dir.join("tree/sub/a.json"), dir.join("tree/b.json")).unwrap();
            assert_eq!(root.read(&dir.join("tree/b.json"), 10).unwrap(), b"{}");
        }
    }

    #[test]
    fn large_files_and_endless_devices_are_refused() {
        let dir = scratch("large");
        let root = Root::new(&dir.join("tree")).unwrap();
        assert!(matches!(root.read(&dir.join("tree/sub/a.json"), 1), Err(Refused::TooLarge { limit: 1 })));
        #[cfg(unix)]
        {
            assert!(matches!(read_regular(Path::new("/dev/zero"), 10), Err(Refused::NotRegular("a device"))));
            assert!(matches!(read_regular(Path::new("/dev/urandom"), 10), Err(Refused::NotRegular("a device"))));
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = scratch("fifo");
        let fifo = dir.join("tree/pipe.json");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        let root = Root::new(&dir.join("tree")).unwrap();
        assert!(matches!(root.read(&fifo, 10), Err(Refused::NotRegular("a FIFO"))));
    }
}
