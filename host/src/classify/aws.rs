//! Decides what an AWS AMI (name or filter, owner, usage operation) says about OS, billing and add-ons, with reasons.
//!
//! Billing comes from the billing word in the AMI name (`Hourly2`, `Access2`), else from the usage
//! operation (or platform details); owners, words and usage operations are catalog rows
//! (`aws-images.json`). The release and the HA/SAP add-ons come from the name, parsed by hand
//! (domain reference §5.2):
//!
//! `RHEL[_HA][-SAP]-<major>.<minor>[.<patch>]_HVM[_BETA|_GA]-<date>-<arch>-<build>-<word>-<GP2|GP3>`
//!
//! A name filter may put `*` or `?` anywhere; a number counts only when a literal non-digit ends
//! it (`RHEL-8.10.0_HVM-*` pins 8.10, `RHEL-8.1*` pins only 8), except that a major before the
//! wildcard is taken (`RHEL-9*` is RHEL 9; RHEL 90 does not exist).

use entitle_sdk::Catalog;
use entitle_sdk::catalog::{AwsNameToken, AwsUsageOperation};
use entitle_sdk::model::BillingModel;

use super::{BYOS_STREAM, Classification, billing_name, major_number, present, release_number, with_addons};

/// The catalog file the rows come from, named in evidence.
const CATALOG_FILE: &str = "aws-images.json";

/// Why a PAYG AMI has no stream here (domain reference §3.3).
const RHUI_STREAM: &str = "AWS AMIs take their update stream from the RHUI client package";

/// The literal parts of an AMI reference (any may be absent).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AwsImage<'a> {
    /// AMI name, or a name filter pattern (`RHEL-9.4.0_HVM-*-x86_64-*-Hourly2-GP3`).
    pub name: Option<&'a str>,
    /// Owner account id or alias (`309956199498`, `aws-marketplace`).
    pub owner: Option<&'a str>,
    /// Usage operation (`RunInstances:0010`).
    pub usage_operation: Option<&'a str>,
    /// Platform details (`Red Hat Enterprise Linux`).
    pub platform_details: Option<&'a str>,
}

/// What an AMI name or name pattern says; `None` where a pattern leaves the value open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct AmiName {
    major: Option<u32>,
    minor: Option<u32>,
    ha: bool,
    sap: bool,
    /// A wildcard before the add-on words: the pattern may also match HA or SAP AMIs.
    open: bool,
}

/// Classifies an AMI against the catalog.
pub fn classify_aws(image: &AwsImage<'_>, catalog: &Catalog) -> Classification {
    let mut c = Classification {
        owner: present(image.owner).map(str::to_owned),
        usage_operation: present(image.usage_operation).map(str::to_owned),
        ..Classification::default()
    };
    let name = present(image.name);
    let parsed = name.and_then(parse_ami_name);
    let usage = present(image.usage_operation);
    let platform = present(image.platform_details);
    let usage_row = match usage {
        Some(u) => catalog.aws_usage_operation(u),
        None => platform.and_then(|p| catalog.aws_platform_details(p)),
    };
    owner(&mut c, present(image.owner), catalog, parsed.is_some() || usage_row.is_some());
    if parsed.is_none() && usage_row.is_none() {
        // Another distribution's AMI name says what it is (SLES, Amazon Linux, Ubuntu, …).
        if let Some(other) = name.and_then(super::distro::from_ami_name) {
            other.apply_to(&mut c);
            return c;
        }
        c.lacks("os.product", not_rhel_reason(name, usage, platform));
        return c;
    }
    (c.os.vendor, c.os.product) = (Some("redhat".to_owned()), Some("rhel".to_owned()));
    release(&mut c, name, parsed);
    billing(&mut c, name, catalog, usage_row);
    stream(&mut c, name.unwrap_or_default(), parsed);
    c
}

/// Evidence about the owner. A RHEL AMI whose owner the catalog does not list is a custom image,
/// which Red Hat counts as BYOS (domain reference rule 18); the billing still comes only from the
/// name and usage operation, so the model is never changed silently.
fn owner(c: &mut Classification, owner: Option<&str>, catalog: &Catalog, rhel: bool) {
    let Some(owner) = owner else { return };
    let Some(row) = catalog.aws_owner(owner) else {
        if rhel {
            let why = "a custom image, which Red Hat counts as BYOS (domain reference rule 18)";
            let billing = "billing follows the name and usage operation only";
            c.saw(format!(
                "owner {owner} is not a Red Hat AMI owner in the catalog ({CATALOG_FILE}): {why}; {billing}"
            ));
        }
        return;
    };
    let confidence = row.confidence.as_str();
    if row.publisher == "redhat" {
        c.os.vendor = Some("redhat".to_owned());
        let partition = &row.partition;
        c.saw(format!("owner {owner} is Red Hat's AMI account ({partition}) (catalog {CATALOG_FILE}, {confidence})"));
    } else {
        let publisher = &row.publisher;
        c.saw(format!("owner {owner} is {publisher}, not a custom image (catalog {CATALOG_FILE}, {confidence})"));
    }
    if let Some(note) = &row.note {
        c.saw(format!("catalog note on owner {owner}: {note}"));
    }
}

/// Why an AMI with no RHEL name, no RHEL usage operation and no other distribution's
/// name has no product.
fn not_rhel_reason(name: Option<&str>, usage: Option<&str>, platform: Option<&str>) -> String {
    if let Some(name) = name {
        return format!("AMI name {name} does not follow Red Hat's AMI name grammar");
    }
    match (usage, platform) {
        (Some(u), _) => format!("usage operation {u} is not a RHEL usage operation in the catalog ({CATALOG_FILE})"),
        (None, Some(p)) => {
            format!("platform details {p} are not RHEL platform details in the catalog ({CATALOG_FILE})")
        }
        (None, None) => "the AMI name and usage operation are not known".to_owned(),
    }
}

/// Major, minor and the HA / SAP add-ons from the name.
fn release(c: &mut Classification, name: Option<&str>, parsed: Option<AmiName>) {
    let (Some(name), Some(n)) = (name, parsed) else {
        let reason = match name {
            Some(name) => format!("AMI name {name} does not follow Red Hat's AMI name grammar"),
            None => "the AMI name is not known".to_owned(),
        };
        c.lacks("os.major", reason.clone());
        return c.lacks("os.minor", reason);
    };
    (c.os.major, c.os.minor) = (n.major, n.minor);
    match (n.major, n.minor) {
        (Some(major), Some(minor)) => c.saw(format!("AMI name {name} is RHEL {major}.{minor}")),
        (Some(major), None) => {
            c.saw(format!("AMI name {name} is RHEL {major}"));
            c.lacks("os.minor", format!("name pattern {name} does not pin the minor release"));
        }
        (None, _) => {
            c.lacks("os.major", format!("name pattern {name} does not pin the major release"));
            c.lacks("os.minor", format!("name pattern {name} does not pin the minor release"));
        }
    }
    if n.ha {
        c.saw(format!("AMI name {name} is a RHEL High Availability AMI (RHEL_HA)"));
        c.add_addons(["ha"]);
    }
    if n.sap {
        // Red Hat's image validation suite: an AMI for "RHEL for SAP with HA and Update Services"
        // must contain SAP (domain reference §1.3); that product includes HA (§4).
        c.saw(format!("AMI name {name} is a RHEL for SAP with HA and Update Services AMI (SAP)"));
        c.add_addons(["sap", "ha"]);
    }
    if n.open {
        c.lacks("addons", format!("name pattern {name} may also match HA or SAP AMIs"));
    }
}

/// Billing from the name's billing word, else the usage operation; add-ons from the usage operation.
fn billing(c: &mut Classification, name: Option<&str>, catalog: &Catalog, row: Option<&AwsUsageOperation>) {
    if let Some(row) = row {
        let (op, details, confidence) = (&row.usage_operation, &row.platform_details, row.confidence.as_str());
        let (billing, addons) = (billing_name(row.billing), with_addons(&row.addons));
        c.saw(format!("usage operation {op} ({details}) is {billing}{addons} (catalog {CATALOG_FILE}, {confidence})"));
        c.add_addons(row.addons.iter().map(String::as_str));
    }
    let tokens = name.map(|n| name_tokens(n, catalog)).unwrap_or_default();
    let token = match tokens[..] {
        [] => None,
        [t] => Some(t),
        [a, b, ..] => {
            let reason = format!("AMI name {} carries both {} and {}", name.unwrap_or_default(), a.token, b.token);
            return c.lacks("billing.model", reason);
        }
    };
    match (token, row) {
        (Some(t), row) => {
            c.billing = t.billing;
            let (billing, confidence) = (billing_name(t.billing), t.confidence.as_str());
            c.saw(format!("AMI name word {} is {billing} (catalog {CATALOG_FILE}, {confidence})", t.token));
            if let Some(row) = row.filter(|r| r.billing != t.billing) {
                let (op, says) = (&row.usage_operation, billing_name(row.billing));
                let rule = "billing follows the name (domain reference rule 19)";
                c.saw(format!("usage operation {op} says {says} but name word {} says {billing}; {rule}", t.token));
            }
        }
        (None, Some(row)) => c.billing = row.billing,
        (None, None) => c.lacks("billing.model", "no billing word in the AMI name and no RHEL usage operation"),
    }
}

/// The catalog's billing words that appear as whole words of `name`.
fn name_tokens<'c>(name: &str, catalog: &'c Catalog) -> Vec<&'c AwsNameToken> {
    let words: Vec<&str> = name.split(['-', '_', '*', '?']).collect();
    catalog.aws_name_tokens.iter().filter(|t| words.contains(&t.token.as_str())).collect()
}

/// The update stream. Reading of domain reference §1.3 and §3.3: AWS names carry the minor, but
/// whether an on-demand AMI stays on that minor is decided by its RHUI client package, which the
/// name does not show, so the stream stays unknown; the exception is the SAP AMIs, which are "RHEL
/// for SAP with HA and Update Services" (Update Services = E4S), locked to the minor in the name.
/// BYOS AMIs take their stream from the subscription.
fn stream(c: &mut Classification, name: &str, parsed: Option<AmiName>) {
    let byos = c.billing == BillingModel::Byos;
    match parsed {
        Some(n) if n.sap && byos => {
            c.saw(format!("Red Hat's image validation suite says SAP AMIs never carry Access2, yet {name} is BYOS"));
            c.lacks("os.stream", BYOS_STREAM);
        }
        Some(n) if n.sap => match n.minor {
            Some(minor) => {
                c.os.stream = Some("e4s".to_owned());
                c.saw(format!("AMI name {name} is an Update Services (E4S) AMI, locked to minor {minor}"));
            }
            None => c.lacks("os.stream", format!("name pattern {name} does not pin the minor its E4S stream locks to")),
        },
        _ if byos => c.lacks("os.stream", BYOS_STREAM),
        _ => c.lacks("os.stream", RHUI_STREAM),
    }
}

/// An AMI name or name pattern in the grammar above, or `None`.
fn parse_ami_name(name: &str) -> Option<AmiName> {
    let wild = |s: &str| s.starts_with(['*', '?']);
    let mut n = AmiName::default();
    let mut rest = name.trim().strip_prefix("RHEL")?;
    if let Some(r) = rest.strip_prefix("_HA") {
        (n.ha, rest) = (true, r);
    }
    if wild(rest) {
        n.open = !n.ha;
        return Some(n);
    }
    rest = rest.strip_prefix('-')?;
    if let Some(r) = rest.strip_prefix("SAP-") {
        (n.sap, rest) = (true, r);
    }
    let (major, rest) = leading_digits(rest);
    if major.is_empty() {
        n.open = !n.ha && !n.sap;
        return wild(rest).then_some(n);
    }
    if wild(rest) {
        n.major = major_number(major);
        return Some(n);
    }
    n.major = Some(major_number(major)?);
    let (minor, rest) = leading_digits(rest.strip_prefix('.')?);
    if wild(rest) {
        return Some(n);
    }
    n.minor = Some(release_number(minor)?);
    let rest = match rest.strip_prefix('.') {
        Some(patch) => leading_digits(patch).1,
        None => rest,
    };
    (rest.starts_with("_HVM") || wild(rest)).then_some(n)
}

/// Splits the ASCII digits off the front of `s`.
fn leading_digits(s: &str) -> (&str, &str) {
    s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{catalog, check_reasons, check_summaries};
    use super::*;

    /// Classifies `name | owner | usage operation | platform details`, `-` for an absent part.
    fn classify(case: &str) -> Classification {
        let mut parts = case.split(" | ").map(|p| Some(p).filter(|p| *p != "-"));
        let mut next = || parts.next().flatten();
        let (name, owner, usage_operation, platform_details) = (next(), next(), next(), next());
        classify_aws(&AwsImage { name, owner, usage_operation, platform_details }, catalog())
    }

    #[test]
    fn parses_names() {
        let n = |major, minor, ha, sap| Some(AmiName { major, minor, ha, sap, open: false });
        let table = [
            ("RHEL-9.4.0_HVM-20240605-x86_64-82-Hourly2-GP3", n(Some(9), Some(4), false, false)),
            ("RHEL-8.8.0_HVM-20230802-x86_64-64-Access2-GP2", n(Some(8), Some(8), false, false)),
            ("RHEL-7.9_HVM-20221027-x86_64-0-Hourly2-GP2", n(Some(7), Some(9), false, false)),
            ("RHEL-7.2_HVM_GA-20151112-x86_64-1-Hourly2-GP2", n(Some(7), Some(2), false, false)),
            ("RHEL-9.1.0_HVM_BETA-20220829-arm64-0-Hourly2-GP2", n(Some(9), Some(1), false, false)),
            ("RHEL-10.0.0_HVM-20250520-x86_64-0-Hourly2-GP3", n(Some(10), Some(0), false, false)),
            ("RHEL-8.10.0_HVM-20240604-arm64-0-Hourly2-GP3", n(Some(8), Some(10), false, false)),
            ("RHEL_HA-8.4.0_HVM-20210504-x86_64-2-Hourly2-GP2", n(Some(8), Some(4), true, false)),
            ("RHEL-SAP-8.4.0_HVM-20211007-x86_64-0-Hourly2-GP2", n(Some(8), Some(4), false, true)),
            ("RHEL-8.10.0_HVM-*-x86_64-*", n(Some(8), Some(10), false, false)),
            ("RHEL-9.*_HVM-*-x86_64-*-Hourly2-GP3", n(Some(9), None, false, false)),
            ("RHEL-9*", n(Some(9), None, false, false)),
            ("RHEL-8.1*", n(Some(8), None, false, false)),
            ("RHEL-8.10.*", n(Some(8), Some(10), false, false)),
            ("RHEL_HA-9.*", n(Some(9), None, true, false)),
            ("RHEL-SAP-8.*", n(Some(8), None, false, true)),
            ("RHEL-1*", n(None, None, false, false)),
            ("RHEL-*", Some(AmiName { open: true, ..AmiName::default() })),
            ("RHEL*", Some(AmiName { open: true, ..AmiName::default() })),
            ("RHEL-9.4", None),
            ("RHEL-9.4.0", None),
            ("RHEL-9", None),
            ("RHEL-9.4.0-golden", None),
            ("RHEL-09.4.0_HVM-x", None),
            ("RHEL-1.4.0_HVM-x", None),
            ("RHEL-9.04.0_HVM-x", None),
            ("RHEL-9..0_HVM-x", None),
            ("rhel-9.4.0_HVM-x", None),
            ("RHEL-SAPHANA-8.4.0_HVM-x", None),
            ("RHELX-9.4.0_HVM-x", None),
            ("", None),
            ("ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*", None),
        ];
        for (name, expected) in table {
            assert_eq!(parse_ami_name(name), expected, "{name:?}");
        }
    }

    /// `name | owner | usage | platform => vendor/product major.minor stream billing [addons]`.
    const CASES: &[&str] = &[
        "RHEL-9.4.0_HVM-20240605-x86_64-82-Hourly2-GP3 | 309956199498 => redhat/rhel 9.4 ? payg []",
        "RHEL-8.8.0_HVM-20230802-x86_64-64-Access2-GP2 | 309956199498 => redhat/rhel 8.8 ? byos []",
        "RHEL_HA-8.4.0_HVM-20210504-x86_64-2-Hourly2-GP2 | 219670896067 => redhat/rhel 8.4 ? payg [ha]",
        "RHEL-SAP-8.4.0_HVM-20211007-x86_64-0-Hourly2-GP2 | 841258680906 => redhat/rhel 8.4 e4s payg [sap,ha]",
        "RHEL-SAP-8.*_HVM-* | aws-marketplace => redhat/rhel 8.? ? unknown [sap,ha]",
        "RHEL-SAP-8.4.0_HVM-20211007-x86_64-0-Access2-GP2 => redhat/rhel 8.4 ? byos [sap,ha]",
        "RHEL-8.10.0_HVM-*-x86_64-* | 309956199498 => redhat/rhel 8.10 ? unknown []",
        "RHEL-9* | 309956199498 => redhat/rhel 9.? ? unknown []",
        "RHEL-9.*-Hourly2-* => redhat/rhel 9.? ? payg []",
        "RHEL-9.*_HVM-*-Hourly2-GP3 | 309956199498 | RunInstances:00g0 => redhat/rhel 9.? ? payg []",
        "RHEL-9.4.0_HVM-*-Hourly2-*Access2* => redhat/rhel 9.4 ? unknown []",
        "RHEL-9.4.0_HVM-20240605-x86_64-82-Hourly2-GP3 | 123456789012 => redhat/rhel 9.4 ? payg []",
        "RHEL-* | 309956199498 => redhat/rhel ?.? ? unknown []",
        // the usage operation and platform details
        "RHEL-9.2.0_HVM-20230503-x86_64-41-Hourly2-GP2 | - | RunInstances:1010 => redhat/rhel 9.2 ? payg [ha]",
        "- | - | RunInstances:0010 => redhat/rhel ?.? ? payg []",
        "- | - | runinstances:00G0 => redhat/rhel ?.? ? byos []",
        "- | - | RunInstances:1110 => redhat/rhel ?.? ? payg [ha]",
        "- | - | RunInstances:0210 => redhat/rhel ?.? ? payg []",
        "- | - | - | Red Hat BYOL Linux => redhat/rhel ?.? ? byos []",
        "my-golden-rhel9 | 123456789012 | RunInstances:00g0 => redhat/rhel ?.? ? byos []",
        // not RHEL, or not known to be
        "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-* | 099720109477 => canonical/ubuntu 22.4 ? unknown []",
        "al2023-ami-2023.*-x86_64 | amazon => amazon/amazon-linux 2023.? ? unknown []",
        "Windows_Server-2022-English-Full-Base-* => microsoft/windows ?.? ? unknown []",
        "RHEL-9.4 | 309956199498 => redhat/? ?.? ? unknown []",
        "my-golden-rhel9 | 123456789012 => ?/? ?.? ? unknown []",
        "- | - | RunInstances:0002 => ?/? ?.? ? unknown []",
        "- | - | - | Windows => ?/? ?.? ? unknown []",
        "- | 309956199498 => redhat/? ?.? ? unknown []",
        "- => ?/? ?.? ? unknown []",
    ];

    /// `case => field | text`: `text` within a reason for `field`, within an `evidence` line, or
    /// `unknown | none` for no unknowns.
    const REASONS: &[&str] = &[
        "RHEL-9.4.0_HVM-20240605-x86_64-82-Hourly2-GP3 => os.stream | AWS AMIs take their update stream from the RHUI",
        "RHEL-9.4.0_HVM-*-Hourly2-GP3 => evidence | AMI name word Hourly2 is PAYG (catalog aws-images.json, verified)",
        "RHEL-9.4.0_HVM-20240605-x86_64-82-Hourly2-GP3 => evidence | -x86_64-82-Hourly2-GP3 is RHEL 9.4",
        "RHEL-9.4.0_HVM-* | 309956199498 => evidence | owner 309956199498 is Red Hat's AMI account (commercial)",
        "RHEL-9.4.0_HVM-* | 123456789012 => evidence | owner 123456789012 is not a Red Hat AMI owner in the catalog",
        "RHEL-9.4.0_HVM-* | 123456789012 => evidence | Red Hat counts as BYOS (domain reference rule 18); billing",
        "RHEL-8.8.0_HVM-20230802-x86_64-64-Access2-GP2 => os.stream | BYOS images take their update stream from the",
        "RHEL-SAP-8.4.0_HVM-20211007-x86_64-0-Hourly2-GP2 => unknown | none",
        "RHEL-SAP-8.4.0_HVM-20211007-x86_64-0-Hourly2-GP2 => evidence | Update Services (E4S) AMI, locked to minor 4",
        "RHEL-SAP-8.4.0_HVM-20211007-x86_64-0-Hourly2-GP2 => evidence | is a RHEL for SAP with HA and Update Services",
        "RHEL-SAP-8.*_HVM-* => os.stream | name pattern RHEL-SAP-8.*_HVM-* does not pin the minor its E4S stream",
        "RHEL-9.*-Hourly2-* | - | RunInstances:00g0 => evidence | RunInstances:00g0 says BYOS but name word Hourly2",
        "RHEL-9.*-Hourly2-* => os.minor | name pattern RHEL-9.*-Hourly2-* does not pin the minor release",
        "RHEL-8.10.0_HVM-*-x86_64-* => billing.model | no billing word in the AMI name and no RHEL usage operation",
        "RHEL-9.4.0_HVM-*-Hourly2-*Access2* => billing.model | carries both Hourly2 and Access2",
        "RHEL-* => addons | name pattern RHEL-* may also match HA or SAP AMIs",
        "RHEL-* => os.major | name pattern RHEL-* does not pin the major release",
        "- | - | RunInstances:1010 => evidence | RunInstances:1010 (Red Hat Enterprise Linux with HA) is PAYG with",
        "- | - | RunInstances:1010 => os.major | the AMI name is not known",
        "my-golden-rhel9 | - | RunInstances:00g0 => os.minor | AMI name my-golden-rhel9 does not follow Red Hat's",
        "- | aws-marketplace | RunInstances:0010 => evidence | aws-marketplace is aws-marketplace, not a custom image",
        "ubuntu/images/hvm-ssd/ubuntu-jammy-* => evidence | AMI name ubuntu/images/hvm-ssd/ubuntu-jammy-* is Ubuntu",
        "my-golden-rhel9 => os.product | AMI name my-golden-rhel9 does not follow Red Hat's AMI name grammar",
        "- | - | RunInstances:0002 => os.product | usage operation RunInstances:0002 is not a RHEL usage operation",
        "- | - | - | Windows => os.product | platform details Windows are not RHEL platform details in the catalog",
        "- => os.product | the AMI name and usage operation are not known",
    ];

    #[test]
    fn classifies_amis() {
        check_summaries(CASES, classify);
    }

    #[test]
    fn gives_reasons_and_evidence() {
        check_reasons(REASONS, classify);
    }
}
