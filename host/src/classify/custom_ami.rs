//! AMI names a team gave its own RHEL images (`RHEL-9-cis-hardened-*`, `my-golden-rhel9`,
//! `base-rhel-8.10-2024`, `CIS Red Hat Enterprise Linux 8 Benchmark*`): not Red Hat's name
//! grammar, but RHEL by what the name says. A name that also names another distribution or a
//! RHEL rebuild (`rhel-compatible-rocky`, `centos-7-rhel-like`, `almalinux`, `ol8`) is not RHEL.

use entitle_sdk::Catalog;

use super::major_number;

/// Words that make a name something other than RHEL: other distributions, RHEL rebuilds and
/// derivatives, Red Hat's CoreOS (not subscription-billed RHEL), and words that deny or qualify
/// (`non-rhel`, `rhel-like`, `rhel-compatible`). Compared with whole lowercase words.
const NOT_RHEL: &[&str] = &[
    "rocky",
    "rockylinux",
    "alma",
    "almalinux",
    "centos",
    "oracle",
    "oraclelinux",
    "oel",
    "ol",
    "eurolinux",
    "navy",
    "springdale",
    "scientific",
    "fedora",
    "amzn",
    "amazon",
    "ubuntu",
    "debian",
    "suse",
    "sles",
    "opensuse",
    "windows",
    "cloudlinux",
    "coreos",
    "rhcos",
    "compatible",
    "compat",
    "clone",
    "rebuild",
    "like",
    "non",
    "not",
];

/// Words that may stand between `red hat` / `rhel` and the release number.
const FILLER: &[&str] = &["enterprise", "linux", "server"];

/// A custom image name that says RHEL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomName {
    /// The major release, when the name writes one the catalog knows.
    pub major: Option<u32>,
    /// The minor release, when the name writes `<major>.<minor>`.
    pub minor: Option<u32>,
}

/// Reads `name` as a custom image named RHEL, or `None` when it does not say RHEL (or also
/// names another distribution).
pub fn rhel_named(name: &str, catalog: &Catalog) -> Option<CustomName> {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> =
        lower.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.')).filter(|w| !w.is_empty()).collect();
    let plain: Vec<&str> = words.iter().map(|w| w.trim_matches('.')).collect();
    let other = |w: &str| {
        NOT_RHEL.contains(&w)
            || w.strip_prefix("ol").is_some_and(|d| {
                d.starts_with(|c: char| c.is_ascii_digit()) && d.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            })
    };
    if plain.iter().any(|w| other(w)) {
        return None;
    }
    let (at, glued) = plain.iter().enumerate().find_map(|(i, w)| marker(&plain, i, w))?;
    let version = if glued.is_empty() {
        plain[at + 1..].iter().find(|w| !FILLER.contains(w)).filter(|w| w.starts_with(|c: char| c.is_ascii_digit()))
    } else {
        Some(&glued)
    };
    let (major, minor) = version.map_or((None, None), |v| release(v, catalog));
    Some(CustomName { major, minor })
}

/// When word `i` starts a RHEL marker (`rhel`, `rhel9`, `redhat8`, `red hat enterprise`,
/// `redhat-9`), the index the release is looked for after, and the release written in the
/// same word.
fn marker<'w>(words: &[&'w str], i: usize, word: &'w str) -> Option<(usize, &'w str)> {
    let digits_after = |prefix: &str| {
        word.strip_prefix(prefix).filter(|r| r.is_empty() || r.starts_with(|c: char| c.is_ascii_digit()))
    };
    if let Some(rest) = digits_after("rhel") {
        return Some((i, rest));
    }
    let (end, rest) = match digits_after("redhat") {
        Some(rest) => (i, rest),
        None if word == "red" && words.get(i + 1) == Some(&"hat") => (i + 1, ""),
        None => return None,
    };
    // `red hat` / `redhat` alone names the vendor; RHEL only with `enterprise` or a release.
    let next = words.get(end + 1).copied().unwrap_or_default();
    let says = !rest.is_empty() || next == "enterprise" || next.starts_with(|c: char| c.is_ascii_digit());
    says.then_some((end, rest))
}

/// `9`, `9.4`, `9.4.0`: the major when the catalog knows it, the minor when written.
fn release(text: &str, catalog: &Catalog) -> (Option<u32>, Option<u32>) {
    let mut parts = text.split('.');
    let major = parts.next().and_then(major_number).filter(|m| catalog.major(*m).is_some());
    let minor = major.and(parts.next()).and_then(super::release_number);
    (major, minor)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::catalog;
    use super::*;

    #[test]
    fn reads_custom_rhel_names() {
        type Release = Option<(Option<u32>, Option<u32>)>;
        let cases: &[(&str, Release)] = &[
            ("RHEL-9-cis-hardened-*", Some((Some(9), None))),
            ("my-golden-rhel9", Some((Some(9), None))),
            ("base-rhel-8.10-2024-01-02", Some((Some(8), Some(10)))),
            ("rhel8.6-app", Some((Some(8), Some(6)))),
            ("RHEL_7_golden_*", Some((Some(7), None))),
            ("CIS Red Hat Enterprise Linux 8 Benchmark*", Some((Some(8), None))),
            ("redhat-9-base", Some((Some(9), None))),
            ("packer-rhel-*", Some((None, None))),
            ("rhel94-golden", Some((None, None))),
            ("RHEL-9.*", Some((Some(9), None))),
            // not RHEL
            ("rhel-compatible-rocky-9", None),
            ("rocky-9-rhel", None),
            ("centos-7-rhel-like", None),
            ("almalinux-9-golden", None),
            ("ol8-golden-*", None),
            ("OL8.9-x86_64-HVM", None),
            ("oracle-linux-8-rhel-kernel", None),
            ("rhel-coreos-9", None),
            ("non-rhel-base", None),
            ("redhat-openshift-node", None),
            ("rhelper-tools", None),
            ("my-golden-image", None),
            ("ubuntu-22.04-rhel-tools", None),
            ("", None),
        ];
        for (name, expected) in cases {
            let got = rhel_named(name, catalog()).map(|c| (c.major, c.minor));
            assert_eq!(got, *expected, "{name:?}");
        }
    }
}
