//! Helpers shared by the integration tests: paths, the bless switch, readable diffs.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

/// True when expected files should be rewritten (`ENTITLE_BLESS=1`).
pub fn blessing() -> bool {
    std::env::var_os("ENTITLE_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Compares `actual` with the file at `expected`, or rewrites it when blessing.
/// Returns a description of the mismatch, if any.
pub fn compare(expected: &Path, actual: &str) -> Option<String> {
    if blessing() {
        std::fs::write(expected, actual).unwrap_or_else(|e| panic!("write {}: {e}", expected.display()));
        return None;
    }
    let want = match std::fs::read_to_string(expected) {
        Ok(text) => text,
        Err(_) => return Some(format!("{} is missing; run with ENTITLE_BLESS=1 to create it", expected.display())),
    };
    (want != actual).then(|| format!("{} differs:\n{}", expected.display(), diff(&want, actual)))
}

/// A small line diff (`-` expected, `+` actual) with two lines of context: the one
/// `entitle test` prints.
pub fn diff(want: &str, got: &str) -> String {
    entitle::authoring::diff(want, got)
}
