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

/// The rest of the line from `source`'s line and column: what a location points at.
/// `Err` says why it points at nothing (no position, not a file, outside the file).
pub fn text_at(source: &entitle_sdk::model::Source) -> Result<String, &'static str> {
    let (Some(line), Some(column)) = (source.line, source.column) else { return Err("has no position") };
    let text = std::fs::read_to_string(&source.path).map_err(|_| "is not a file")?;
    let line = text.lines().nth((line as usize).saturating_sub(1)).ok_or("is outside the file")?;
    let start = line.char_indices().nth((column as usize).saturating_sub(1)).ok_or("is outside the file")?.0;
    Ok(line[start..].to_owned())
}

/// Whether `at` (a location's text) is a function call (`concat(…)`), where a value built
/// by it is edited.
pub fn is_call(at: &str) -> bool {
    at.split_once('(').is_some_and(|(name, _)| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}
