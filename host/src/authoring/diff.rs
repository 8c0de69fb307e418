//! A small line diff for golden files: what a mismatch prints.

/// Most lines compared by the full table; past it the diff shows every line as
/// changed rather than spend quadratic time and memory on a huge file.
const MAX_LINES: usize = 4000;

/// A line diff (`-` expected, `+` actual) with two lines of context around changes.
pub fn diff(want: &str, got: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let mut ops = Vec::new();
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        ops.extend(a.iter().map(|l| ('-', *l)));
        ops.extend(b.iter().map(|l| ('+', *l)));
    } else {
        // Longest common subsequence table.
        let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
            }
        }
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

#[cfg(test)]
mod tests {
    use super::diff;

    #[test]
    fn changed_lines_are_marked_with_context() {
        let out = diff("a\nb\nc\nd\n", "a\nB\nc\nd\n");
        assert_eq!(out, "  a\n+ B\n- b\n  c\n  d\n");
        assert_eq!(diff("same\n", "same\n"), "");
    }
}
