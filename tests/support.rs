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

/// A small line diff (`-` expected, `+` actual) with two lines of context.
pub fn diff(want: &str, got: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    // Longest common subsequence table; inputs here are a few hundred lines.
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', a[i]));
            (i, j) = (i + 1, j + 1);
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            ops.push(('+', b[j]));
            j += 1;
        } else {
            ops.push(('-', a[i]));
            i += 1;
        }
    }
    let near = |k: usize| ops[k.saturating_sub(2)..(k + 3).min(ops.len())].iter().any(|(c, _)| *c != ' ');
    let mut out = String::new();
    for (k, (c, line)) in ops.iter().enumerate() {
        if near(k) {
            out.push_str(&format!("{c} {line}\n"));
        }
    }
    out
}
