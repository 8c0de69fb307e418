//! Reads the RHEL release out of an Azure marketplace SKU and image version, so the release comes from values.
//!
//! SKU shapes (domain reference §5.1, compared case-insensitively):
//!
//! * `7.2`, `8_4`, `9_4-gen2`: `<major>` `.` or `_` `<minor>`, a minor-version ("pinned") SKU;
//! * `83-gen2`, `88sapha-gen2`, `810sapha-gen2`, `102-gen2`: compact digits, major then minor;
//! * `7-LVM`, `8-lvm-gen2`, `10-lvm-gen2`, `9`: one major only, rolling to the latest minor;
//! * BYOS `rhel-lvm84`, `rhel-raw69`, `rhel-76`, `rhel-lvm8`: `rhel-`, then `lvm`/`raw`, then the above.
//!
//! Compact digits: a single digit (or exactly `10`) is a major alone; digits starting with `10` and
//! three or more long are RHEL 10 plus a minor; otherwise the first digit is the major and the rest
//! the minor. Words after the release must be known variant words ([`VARIANTS`]); anything else is
//! not a SKU this parser knows, and the caller reports it as unknown rather than guessing.

/// The release a RHEL SKU names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SkuRelease {
    /// Major release.
    pub major: u32,
    /// Minor release, when the SKU names one.
    pub minor: Option<u32>,
    /// True for a minor-version SKU (the SKU names the minor; the image does not roll to a newer one).
    pub pinned: bool,
}

/// Words that may follow the release in a RHEL SKU (partitioning, generation, add-on, architecture).
const VARIANTS: &[&str] = &["lvm", "raw", "ci", "gen1", "gen2", "sapha", "sapapps", "sap", "ha", "arm64", "cvm"];

/// The release a RHEL SKU names, or `None` when the SKU does not follow a known pattern.
pub fn parse_rhel_sku(sku: &str) -> Option<SkuRelease> {
    let lower = sku.trim().to_ascii_lowercase();
    let rest = match lower.strip_prefix("rhel-") {
        Some(byos) => byos.strip_prefix("lvm").or_else(|| byos.strip_prefix("raw")).unwrap_or(byos),
        None => lower.as_str(),
    };
    let (release, tail) = release(rest)?;
    variants_known(tail).then_some(release)
}

/// Azure image version `<major>.<minor>.<YYYYMMDDHH>` (e.g. "8.4.2021053101") → (major, minor); "latest" → None.
pub fn parse_image_version(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.trim().split('.');
    let (major, minor, build) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || build.is_empty() || !build.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((major_number(major)?, number(minor)?))
}

/// Splits the release off the front of `s`, returning it and the rest (the variant words).
fn release(s: &str) -> Option<(SkuRelease, &str)> {
    let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, after) = s.split_at(digits_end);
    if digits.is_empty() {
        return None;
    }
    // `<major>.<minor>` or `<major>_<minor>`: the separator must be followed by a digit, so that
    // `81_gen2` stays a compact release followed by a variant word.
    let (major, minor, tail) = match after.strip_prefix(['.', '_']) {
        Some(sep_rest) if sep_rest.starts_with(|c: char| c.is_ascii_digit()) => {
            let minor_end = sep_rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(sep_rest.len());
            let (minor, tail) = sep_rest.split_at(minor_end);
            (digits, Some(minor), tail)
        }
        _ => match digits.len() {
            1 => (digits, None, after),
            _ if digits == "10" => (digits, None, after),
            3 | 4 if digits.starts_with("10") => (&digits[..2], Some(&digits[2..]), after),
            2 | 3 => (&digits[..1], Some(&digits[1..]), after),
            _ => return None,
        },
    };
    let minor = match minor {
        Some(minor) => Some(number(minor)?),
        None => None,
    };
    let release = SkuRelease { major: major_number(major)?, minor, pinned: minor.is_some() };
    Some((release, tail))
}

/// A RHEL major: one or two digits, no leading zero, at least 2 (there was never a RHEL 1).
fn major_number(s: &str) -> Option<u32> {
    number(s).filter(|m| *m >= 2)
}

/// A release number (a minor, or a major before [`major_number`]'s check): one or two digits, no leading zero on two.
fn number(s: &str) -> Option<u32> {
    let ok = matches!(s.len(), 1 | 2) && s.bytes().all(|b| b.is_ascii_digit()) && !(s.len() == 2 && s.starts_with('0'));
    if ok { s.parse().ok() } else { None }
}

/// True when `tail` is empty or only known variant words, separated by `-` or `_`.
fn variants_known(tail: &str) -> bool {
    if tail.is_empty() {
        return true;
    }
    let words = tail.strip_prefix(['-', '_']).unwrap_or(tail);
    !words.is_empty() && words.split(['-', '_']).all(|w| VARIANTS.contains(&w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pinned(major: u32, minor: u32) -> Option<SkuRelease> {
        Some(SkuRelease { major, minor: Some(minor), pinned: true })
    }

    fn rolling(major: u32) -> Option<SkuRelease> {
        Some(SkuRelease { major, minor: None, pinned: false })
    }

    #[test]
    fn sku_table() {
        let table = [
            // `<major>.<minor>`
            ("7.2", pinned(7, 2)),
            ("6.7", pinned(6, 7)),
            ("7.9", pinned(7, 9)),
            ("7.4", pinned(7, 4)),
            ("6.10", pinned(6, 10)),
            // `<major>_<minor>`
            ("8_4", pinned(8, 4)),
            ("9_0", pinned(9, 0)),
            ("9_4", pinned(9, 4)),
            ("9_6", pinned(9, 6)),
            ("8_10", pinned(8, 10)),
            ("9_4-gen2", pinned(9, 4)),
            ("10_0-gen2", pinned(10, 0)),
            // compact digits
            ("83-gen2", pinned(8, 3)),
            ("79-gen2", pinned(7, 9)),
            ("88sapha-gen2", pinned(8, 8)),
            ("92sapapps-gen2", pinned(9, 2)),
            ("810sapha-gen2", pinned(8, 10)),
            ("94SAPHA-GEN2", pinned(9, 4)),
            ("100-gen2", pinned(10, 0)),
            ("102-gen2", pinned(10, 2)),
            ("81gen2", pinned(8, 1)),
            ("81_gen2", pinned(8, 1)),
            // a major alone
            ("7-LVM", rolling(7)),
            ("7-RAW", rolling(7)),
            ("7-RAW-CI", rolling(7)),
            ("8-lvm", rolling(8)),
            ("8-gen2", rolling(8)),
            ("8-lvm-gen2", rolling(8)),
            ("9-lvm", rolling(9)),
            ("9-lvm-gen2", rolling(9)),
            ("10-lvm-gen2", rolling(10)),
            ("7-raw", rolling(7)),
            ("8-raw", rolling(8)),
            ("9-raw", rolling(9)),
            ("8", rolling(8)),
            ("9", rolling(9)),
            ("7lvm-gen2", rolling(7)),
            // BYOS
            ("rhel-lvm74", pinned(7, 4)),
            ("rhel-lvm84", pinned(8, 4)),
            ("rhel-lvm87", pinned(8, 7)),
            ("rhel-lvm8", rolling(8)),
            ("rhel-lvm9", rolling(9)),
            ("rhel-lvm96-gen2", pinned(9, 6)),
            ("rhel-raw69", pinned(6, 9)),
            ("rhel-76", pinned(7, 6)),
            ("rhel-lvm810", pinned(8, 10)),
            ("RHEL-LVM84", pinned(8, 4)),
            (" 8_4 ", pinned(8, 4)),
            // not RHEL SKUs, or not a shape this parser knows
            ("", None),
            ("latest", None),
            ("rhel-lvm", None),
            ("RHEL-SAP-HANA", None),
            ("2019-datacenter-gensecond", None),
            ("18.04-LTS", None),
            ("12-SP1", None),
            ("11", None),
            ("1_2", None),
            ("0", None),
            ("8-", None),
            ("8_", None),
            ("8.", None),
            ("8--lvm", None),
            ("8-foo", None),
            ("8_04", None),
            ("9999999999999999999999", None),
            ("10000", None),
            ("8_4x", None),
            ("é8", None),
        ];
        for (sku, expected) in table {
            assert_eq!(parse_rhel_sku(sku), expected, "sku {sku:?}");
        }
    }

    #[test]
    fn image_versions() {
        let table = [
            ("8.4.2021053101", Some((8, 4))),
            ("7.6.2019062021", Some((7, 6))),
            ("8.10.2024071801", Some((8, 10))),
            ("latest", None),
            ("Latest", None),
            ("", None),
            ("8.4", None),
            ("8.4.", None),
            ("8.4.2021.1", None),
            ("8.x.2021053101", None),
            ("17763.1.190", None),
            ("99999999999.4.1", None),
        ];
        for (version, expected) in table {
            assert_eq!(parse_image_version(version), expected, "version {version:?}");
        }
    }
}
