//! Decides what a Google Cloud image reference says about OS, billing and add-ons, with reasons.
//!
//! Billing and add-ons come from the image project's catalog row (`gcp-images.json`); release and
//! stream from the family (an image name is its family plus `-v<YYYYMMDD>`); licences named on the
//! image decide billing, because GCP bills the licences attached to a disk (domain reference §1.4).
//!
//! Family grammar, parsed by hand and compared case-insensitively: `rhel-<major>[-<minor>]`, then
//! words in any order, each at most once: `sap`, `ha` (only with `sap`), `byos`, `eus`, `lvm`,
//! `arm64`, `gvnic`, `baremetal`. Licence names use the same grammar with `server` instead of
//! the layout words (`rhel-9-server`, `rhel-10-server-eus`, `rhel-8-sap-byos`).
//!
//! Streams (domain reference §3.3): families ending in `-eus` and SAP families are version-locked,
//! so a minor with `eus` is EUS and a minor with `sap` is E4S; a family without a minor rolls to
//! the latest minor (`standard`). Anything else stays unknown, with the reason.

use entitle_sdk::Catalog;
use entitle_sdk::catalog::GcpProject;
use entitle_sdk::model::BillingModel;

use super::{Classification, billing_name, major_number, present, release_number, with_addons};

/// The catalog file the project rows come from, named in evidence.
const CATALOG_FILE: &str = "gcp-images.json";

/// Public image projects known not to ship RHEL, with the OS vendor and product to show. Display
/// only: any project without a catalog row is not a Red Hat image project; this table names the OS.
const NON_RHEL_PROJECTS: &[(&str, &str, &str)] = &[
    ("debian-cloud", "debian", "debian"),
    ("ubuntu-os-cloud", "canonical", "ubuntu"),
    ("centos-cloud", "centos", "centos"),
    ("rocky-linux-cloud", "rocky", "rocky"),
    ("almalinux-cloud", "almalinux", "almalinux"),
    ("suse-cloud", "suse", "sles"),
    ("suse-sap-cloud", "suse", "sles"),
    ("windows-cloud", "microsoft", "windows"),
    ("cos-cloud", "google", "cos"),
];

/// The literal parts of a Google Cloud image reference (any may be absent).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GcpImage<'a> {
    /// Image project (`rhel-cloud`).
    pub project: Option<&'a str>,
    /// Image family (`rhel-9`, `rhel-8-4-sap-ha`).
    pub family: Option<&'a str>,
    /// Image name (`rhel-9-byos-v20250709`).
    pub name: Option<&'a str>,
    /// Licences on the image (`projects/rhel-cloud/global/licenses/rhel-9-server`, or the bare name).
    pub licenses: &'a [&'a str],
}

/// What a family, image name or licence name says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Family {
    major: u32,
    minor: Option<u32>,
    sap: bool,
    ha: bool,
    byos: bool,
    eus: bool,
    server: bool,
}

/// Splits an image reference as descriptors write it: a self link
/// (`https://www.googleapis.com/compute/v1/projects/P/global/images/family/F`),
/// `projects/P/global/images/family/F`, `projects/P/global/images/I`, `global/images/[family/]X`,
/// `family/F`, `P/X` or a bare `X`. A short-form `X` with a `-v<YYYYMMDD>` suffix is an image name,
/// otherwise a family. Anything else (unexpanded `$(ref.…)` or template text, characters no
/// name has) gives an image with no parts.
pub fn parse_gcp_image(reference: &str) -> GcpImage<'_> {
    let mut rest = reference.trim();
    if let Some((_, after)) = rest.split_once("://") {
        let Some(at) = after.find("/projects/") else { return GcpImage::default() };
        rest = &after[at + 1..];
    }
    let parts: Vec<&str> = rest.split('/').collect();
    // (project, family or name, whether it is a family when the form says)
    let (project, x, is_family) = match parts[..] {
        _ if parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))) =>
        {
            return GcpImage::default();
        }
        ["projects", p, "global", "images", "family", f] => (Some(p), f, Some(true)),
        ["projects", p, "global", "images", i] => (Some(p), i, Some(false)),
        ["global", "images", "family", f] | ["family", f] => (None, f, Some(true)),
        ["global", "images", i] => (None, i, Some(false)),
        [p, x] if p != "projects" && p != "global" => (Some(p), x, None),
        [x] => (None, x, None),
        _ => return GcpImage::default(),
    };
    let is_family = is_family.unwrap_or(family_of_name(x).is_none());
    GcpImage { project, family: is_family.then_some(x), name: (!is_family).then_some(x), licenses: &[] }
}

/// Classifies a Google Cloud image reference against the catalog.
pub fn classify_gcp(image: &GcpImage<'_>, catalog: &Catalog) -> Classification {
    let mut c = Classification::default();
    let project = present(image.project);
    let non_rhel = |p: &str| NON_RHEL_PROJECTS.iter().find(|(k, ..)| k.eq_ignore_ascii_case(p));
    if let Some((known, vendor, product)) = project.and_then(non_rhel) {
        c.os.vendor = Some((*vendor).to_owned());
        c.os.product = Some((*product).to_owned());
        c.saw(format!("project {known} publishes {product} images: not a Red Hat image"));
        return c;
    }
    let (label, family) = match (present(image.family), present(image.name)) {
        (Some(family), _) => (format!("family {family}"), Some(family)),
        (None, Some(name)) => (format!("image {name}"), Some(family_of_name(name).unwrap_or(name))),
        (None, None) => (String::new(), None),
    };
    let parsed = family.and_then(|f| parse_family(f, false));
    let row = project.and_then(|p| catalog.gcp_project(p));
    let licences = rhel_licences(image.licenses, catalog);
    if row.is_none() && licences.is_empty() && (project.is_some() || parsed.is_none()) {
        let reason = match (project, label.as_str()) {
            (Some(p), _) => format!("project {p} is not a Red Hat image project in the catalog ({CATALOG_FILE})"),
            (None, "") => "the image project, family and name are not known".to_owned(),
            (None, _) => format!("{label} does not follow the RHEL family grammar entitle knows"),
        };
        c.lacks("os.product", reason);
        return c;
    }
    match row {
        Some(row) => project_row(&mut c, row),
        None => {
            (c.os.vendor, c.os.product) = (Some("redhat".to_owned()), Some("rhel".to_owned()));
            let rhel = licences.first().map_or(format!("{label} follows the RHEL family grammar"), |(licence, _)| {
                format!("licence {licence} is a RHEL licence")
            });
            let project = project.map_or("not named".to_owned(), |p| format!("{p}, not in the catalog"));
            c.saw(format!("{rhel}; the image project is {project}"));
        }
    }
    release(&mut c, &label, parsed, &licences);
    billing(&mut c, row, &label, parsed, &licences);
    c
}

/// Product, billing and add-ons from the project's catalog row.
fn project_row(c: &mut Classification, row: &GcpProject) {
    (c.os.vendor, c.os.product) = (Some(row.vendor.clone()), Some(row.product.clone()));
    let (billing, addons, confidence) = (billing_name(row.billing), with_addons(&row.addons), row.confidence.as_str());
    c.saw(format!("project {} is {billing}{addons} (catalog {CATALOG_FILE}, {confidence})", row.project));
    if let Some(note) = &row.note {
        c.saw(format!("catalog note on project {}: {note}", row.project));
    }
    c.add_addons(row.addons.iter().map(String::as_str));
}

/// Major, minor, add-ons and stream from the family; with no family, what the licences say.
fn release(c: &mut Classification, label: &str, family: Option<Family>, licences: &[(&str, Family)]) {
    let eus_licence = licences.iter().find(|(_, f)| f.eus).map(|(l, _)| *l);
    let Some(f) = family else {
        let reason = match label {
            "" => "the image family and name are not known".to_owned(),
            _ => format!("{label} does not follow the RHEL family grammar entitle knows"),
        };
        match licences {
            [(licence, first), rest @ ..] if rest.iter().all(|(_, f)| f.major == first.major) => {
                c.os.major = Some(first.major);
                c.saw(format!("licence {licence} is a RHEL {} licence", first.major));
            }
            _ => c.lacks("os.major", reason.clone()),
        }
        c.lacks("os.minor", reason.clone());
        return match eus_licence {
            Some(licence) => eus_from_licence(c, licence),
            None => c.lacks("os.stream", reason),
        };
    };
    (c.os.major, c.os.minor) = (Some(f.major), f.minor);
    if f.minor.is_none() {
        c.lacks("os.minor", format!("{label} names no minor"));
    }
    let addons: Vec<&str> = [(f.sap, "sap"), (f.ha, "ha")].into_iter().filter(|(on, _)| *on).map(|(_, a)| a).collect();
    if !addons.is_empty() {
        c.saw(format!("{label} names add-ons {}", addons.join(", ")));
        c.add_addons(addons);
    }
    match (family_stream(label, f), eus_licence) {
        (Ok(("standard", _)), Some(licence)) => {
            c.lacks(
                "os.stream",
                format!("licence {licence} locks the image to EUS but {label} rolls to the latest minor"),
            );
        }
        (Ok((stream, why)), _) => {
            c.os.stream = Some(stream.to_owned());
            c.saw(why);
        }
        (Err(why), Some(licence)) => {
            c.saw(why);
            eus_from_licence(c, licence);
        }
        (Err(why), None) => c.lacks("os.stream", why),
    }
}

/// The stream a family names with its evidence line, or why it names none.
fn family_stream(label: &str, f: Family) -> Result<(&'static str, String), String> {
    let major = f.major;
    match (f.minor, f.eus, f.sap) {
        (None, false, false) => {
            Ok(("standard", format!("{label} names RHEL {major} without a minor (rolls to the latest minor)")))
        }
        (None, ..) => Err(format!("{label} is version-locked (-eus or SAP) but names no minor")),
        (Some(minor), true, _) => Ok(("eus", format!("{label} pins RHEL {major}.{minor} (-eus family: EUS)"))),
        (Some(minor), false, true) => Ok(("e4s", format!("{label} pins RHEL {major}.{minor} (SAP family: E4S)"))),
        (Some(minor), false, false) => {
            Err(format!("{label} pins RHEL {major}.{minor} but names no stream (-eus or SAP)"))
        }
    }
}

/// An EUS licence settles a stream the family left open.
fn eus_from_licence(c: &mut Classification, licence: &str) {
    c.os.stream = Some("eus".to_owned());
    c.saw(format!("licence {licence} locks the image to EUS"));
}

/// Billing from the licences (GCP bills the licences on the disk), else the family's `byos` word,
/// else the project row; `sap` from a SAP licence.
fn billing(
    c: &mut Classification,
    row: Option<&GcpProject>,
    label: &str,
    f: Option<Family>,
    licences: &[(&str, Family)],
) {
    if let Some((licence, _)) = licences.iter().find(|(_, f)| f.sap) {
        c.saw(format!("licence {licence} is a RHEL for SAP licence"));
        c.add_addons(["sap"]);
    }
    let mut by_licence = licences.iter().filter_map(|(l, f)| licence_billing(f).map(|b| (*l, b)));
    if let Some((first, model)) = by_licence.next() {
        if let Some((other, _)) = by_licence.find(|(_, b)| *b != model) {
            return c.lacks("billing.model", format!("licences {first} and {other} disagree on billing"));
        }
        c.billing = model;
        let why = "GCP bills the licences attached to the disk, whatever the image's project or family says";
        return c.saw(format!("licence {first} is {} ({why})", billing_name(model)));
    }
    match (f.is_some_and(|f| f.byos), row) {
        (true, _) => {
            c.billing = BillingModel::Byos;
            c.saw(format!("{label} carries the byos word: BYOS"));
        }
        (false, Some(row)) => c.billing = row.billing,
        (false, None) => {
            c.lacks("billing.model", format!("the image project is not named and {label} has no byos word"))
        }
    }
}

/// The billing a licence bills: `…-byos` BYOS, `…-server` and `…-sap` PAYG, an `…-eus` marker neither.
fn licence_billing(f: &Family) -> Option<BillingModel> {
    match (f.byos, f.eus, f.server || f.sap) {
        (true, _, _) => Some(BillingModel::Byos),
        (false, false, true) => Some(BillingModel::Payg),
        _ => None,
    }
}

/// The RHEL licences among `licenses`: a name in the licence grammar, in a catalog project (or none given).
fn rhel_licences<'a>(licenses: &[&'a str], catalog: &Catalog) -> Vec<(&'a str, Family)> {
    let licence = |l: &'a str| {
        let (path, name) = l.rsplit_once('/').unwrap_or(("", l));
        let project = path.split('/').skip_while(|p| *p != "projects").nth(1);
        let ours = project.is_none_or(|p| catalog.gcp_project(p).is_some());
        parse_family(name, true).filter(|_| ours).map(|f| (l, f))
    };
    licenses.iter().map(|l| l.trim()).filter_map(licence).collect()
}

/// The family part of an image name `<family>-v<YYYYMMDD…>`, when the name has that suffix.
fn family_of_name(name: &str) -> Option<&str> {
    let (family, version) = name.rsplit_once("-v")?;
    (version.len() >= 8 && version.bytes().all(|b| b.is_ascii_digit())).then_some(family)
}

/// A family (or, with `licence`, a licence name) in the grammar above, or `None`.
fn parse_family(text: &str, licence: bool) -> Option<Family> {
    let lower = text.trim().to_ascii_lowercase();
    let mut words = lower.strip_prefix("rhel-")?.split('-').peekable();
    let mut f = Family { major: major_number(words.next()?)?, ..Family::default() };
    f.minor = words.next_if(|w| release_number(w).is_some()).and_then(release_number);
    for word in words {
        let flag = match word {
            "sap" => &mut f.sap,
            "ha" => &mut f.ha,
            "byos" => &mut f.byos,
            "eus" => &mut f.eus,
            "server" if licence => &mut f.server,
            "lvm" | "arm64" | "gvnic" | "baremetal" if !licence => continue,
            _ => return None,
        };
        if std::mem::replace(flag, true) {
            return None;
        }
    }
    (!f.ha || f.sap).then_some(f)
}

#[cfg(test)]
mod tests;
