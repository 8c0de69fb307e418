//! Operating system names as cluster objects write them: KubeVirt labels and preferences
//! (`rhel-7.4`, `rhel.9`, `rhel9`, `os.template.kubevirt.io/rhel8.2`) and machine
//! `operatingSystem` values (`ubuntu`, `rhel`): a product word, then an optional major and minor.

/// Product words whose vendor entitle names. Display only: a product not listed keeps no vendor,
/// and only `rhel` makes a workload RHEL.
const VENDORS: &[(&str, &str)] = &[
    ("rhel", "redhat"),
    ("rhcos", "redhat"),
    ("ubuntu", "canonical"),
    ("debian", "debian"),
    ("centos", "centos"),
    ("fedora", "fedora"),
    ("rocky", "rocky"),
    ("rockylinux", "rocky"),
    ("almalinux", "almalinux"),
    ("sles", "suse"),
    ("opensuse", "suse"),
    ("flatcar", "kinvolk"),
    ("amzn", "amazon"),
    ("windows", "microsoft"),
];

/// What an OS name says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OsName {
    /// The vendor, when the product is one entitle names.
    pub vendor: Option<&'static str>,
    /// The product word, lowercase (`rhel`, `ubuntu`).
    pub product: String,
    /// The major, when written.
    pub major: Option<u32>,
    /// The minor, when written.
    pub minor: Option<u32>,
}

/// Parses `<product>[sep]<major>[sep<minor>]` (sep one of `-`, `.`, `_` or none); `None` for a
/// placeholder (`<< OS_NAME >>`, `${OS}`) or text that is not an OS name.
pub fn parse_os_name(text: &str) -> Option<OsName> {
    let lower = text.trim().to_ascii_lowercase();
    let word_len = lower.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (product, rest) = lower.split_at(word_len);
    if product.len() < 2 {
        return None;
    }
    let rest = rest.strip_prefix(['-', '.', '_']).unwrap_or(rest);
    let number = |s: &str| -> (Option<u32>, usize) {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        (s[..n].parse().ok().filter(|_| n <= 3), n)
    };
    let (major, used) = number(rest);
    let after = &rest[used..];
    let minor = match (major, after.strip_prefix(['.', '-', '_'])) {
        (Some(_), Some(m)) => number(m).0,
        _ => None,
    };
    let vendor = VENDORS.iter().find(|(p, _)| *p == product).map(|(_, v)| *v);
    Some(OsName { vendor, product: product.to_owned(), major, minor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let cases = [
            ("rhel-7.4", Some(("rhel", Some(7), Some(4)))),
            ("rhel7.4", Some(("rhel", Some(7), Some(4)))),
            ("rhel.9", Some(("rhel", Some(9), None))),
            ("RHEL9", Some(("rhel", Some(9), None))),
            ("rhel", Some(("rhel", None, None))),
            ("ubuntu", Some(("ubuntu", None, None))),
            ("centos-stream9", Some(("centos", None, None))),
            ("debian-11", Some(("debian", Some(11), None))),
            ("<< OS_NAME >>", None),
            ("${OS}", None),
            ("", None),
            ("x", None),
            ("rhel9x", Some(("rhel", Some(9), None))),
        ];
        for (text, expected) in cases {
            let got = parse_os_name(text).map(|o| (o.product, o.major, o.minor));
            assert_eq!(got, expected.map(|(p, a, b)| (p.to_owned(), a, b)), "{text}");
        }
        assert_eq!(parse_os_name("ubuntu").unwrap().vendor, Some("canonical"));
        assert_eq!(parse_os_name("plan9os").unwrap().vendor, None);
    }
}
