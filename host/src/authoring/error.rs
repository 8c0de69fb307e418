//! The error of the authoring tools: what failed and on which file, never a panic.

use std::fmt;
use std::path::PathBuf;

/// Why an authoring command could not do its work (exit 2).
#[derive(Debug)]
#[non_exhaustive]
pub enum AuthoringError {
    /// A file or directory could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Building the policy crate failed; the compiler said why on stderr.
    Build(String),
    /// A golden case or an argument is not usable as given.
    Invalid(String),
}

impl AuthoringError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> AuthoringError {
        AuthoringError::Io { path: path.to_path_buf(), source }
    }
}

impl fmt::Display for AuthoringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthoringError::Io { path, source } => {
                write!(f, "{}: {source}", crate::escape::text(&path.display().to_string()))
            }
            AuthoringError::Build(m) | AuthoringError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for AuthoringError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AuthoringError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
