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

use super::custom_ami::{CustomName, rhel_named};
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
    let owner_row = present(image.owner).and_then(|o| catalog.aws_owner(o));
    // A name outside Red Hat's grammar that says RHEL, on an image not from Red Hat's accounts.
    let custom = match (parsed, name) {
        (None, Some(n)) if owner_row.is_none_or(|r| r.publisher != "redhat") => {
            super::distro::from_ami_name(n).map_or_else(|| rhel_named(n, catalog), |_| None)
        }
        _ => None,
    };
    let rhel = parsed.is_some() || usage_row.is_some() || custom.is_some();
    owner(&mut c, present(image.owner), catalog, rhel, custom.is_some() && usage_row.is_none());
    if parsed.is_none() && usage_row.is_none() {
        // Another distribution's AMI name says what it is (SLES, Amazon Linux, Ubuntu, …).
        if let Some(other) = name.and_then(super::distro::from_ami_name) {
            other.apply_to(&mut c);
            return c;
        }
        if let (Some(name), Some(custom)) = (name, &custom) {
            custom_image(&mut c, name, custom, present(image.owner), owner_row.is_some());
            return c;
        }
        c.lacks("os.product", not_rhel_reason(name, usage, platform));
        return c;
    }
    (c.os.vendor, c.os.product) = (Some("redhat".to_owned()), Some("rhel".to_owned()));
    release(&mut c, name, parsed, custom.as_ref());
    billing(&mut c, name, catalog, usage_row);
    stream(&mut c, name.unwrap_or_default(), parsed);
    c
}

/// Evidence about the owner. A RHEL AMI whose owner the catalog does not list is a custom image,
/// which Red Hat counts as BYOS (domain reference rule 18); the billing still comes only from the
/// name and usage operation, so the model is never changed silently.
fn owner(c: &mut Classification, owner: Option<&str>, catalog: &Catalog, rhel: bool, custom: bool) {
    let Some(owner) = owner else { return };
    let Some(row) = catalog.aws_owner(owner) else {
        if rhel {
            let why = "a custom image, which Red Hat counts as BYOS (domain reference rule 18)";
            let billing = if custom {
                "no billing word or usage operation says otherwise, so it is BYOS"
            } else {
                "billing follows the name and usage operation only"
            };
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

/// A custom image named RHEL (not in Red Hat's grammar, no usage operation): RHEL, its release
/// from the name, and BYOS when its owner is an account the catalog does not list (`known_owner`:
/// a Marketplace listing, which bills as the listing says).
fn custom_image(c: &mut Classification, name: &str, custom: &CustomName, owner: Option<&str>, known_owner: bool) {
    (c.os.vendor, c.os.product) = (Some("redhat".to_owned()), Some("rhel".to_owned()));
    custom_release(c, name, custom);
    match (owner, known_owner) {
        (Some(_), false) => {
            c.billing = BillingModel::Byos;
            c.lacks("os.stream", BYOS_STREAM);
        }
        (Some(owner), true) => {
            let why = format!(
                "AMI {name} is a listing of {owner} named RHEL: it bills as its listing says, which the name does not show"
            );
            c.lacks("billing.model", why);
            c.lacks("os.stream", "a custom image's update stream is not in its name");
        }
        (None, _) => {
            let why = "the AMI's owner is not known: a custom image (an account that is not Red Hat's) is BYOS, a Marketplace listing bills as the listing says";
            c.lacks("billing.model", why);
            c.lacks("os.stream", "a custom image's update stream is not in its name");
        }
    }
}

/// The release a custom image's name says.
fn custom_release(c: &mut Classification, name: &str, custom: &CustomName) {
    let what = "a custom image named RHEL, not Red Hat's grammar";
    (c.os.major, c.os.minor) = (custom.major, custom.minor);
    match (custom.major, custom.minor) {
        (Some(major), Some(minor)) => c.saw(format!("AMI name {name} is {what}: RHEL {major}.{minor}")),
        (Some(major), None) => {
            c.saw(format!("AMI name {name} is {what}: RHEL {major}"));
            c.lacks("os.minor", format!("custom AMI name {name} does not say the minor release"));
        }
        (None, _) => {
            c.saw(format!("AMI name {name} is {what}; it does not say a release the catalog knows"));
            c.lacks("os.major", format!("custom AMI name {name} does not say the major release"));
            c.lacks("os.minor", format!("custom AMI name {name} does not say the minor release"));
        }
    }
}

/// Major, minor and the HA / SAP add-ons from the name.
fn release(c: &mut Classification, name: Option<&str>, parsed: Option<AmiName>, custom: Option<&CustomName>) {
    if let (Some(name), None, Some(custom)) = (name, parsed, custom) {
        return custom_release(c, name, custom);
    }
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
mod tests;
