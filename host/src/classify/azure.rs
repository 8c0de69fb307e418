//! Decides what an Azure marketplace image reference says about OS, billing and add-ons, with reasons.
//!
//! Billing, product and add-ons come from the catalog row for the offer (`azure-images.json`); the
//! release comes from the SKU (and a pinned image version); the update stream from the two together
//! (domain reference §3.3). What the values do not show stays unknown, with the reason.

use entitle_sdk::Catalog;
use entitle_sdk::catalog::AzureOffer;
use entitle_sdk::model::{BillingModel, Os};

use super::sku::{SkuRelease, parse_image_version, parse_rhel_sku};

/// The catalog file the offer rows come from, named in evidence.
const CATALOG_FILE: &str = "azure-images.json";

/// Publishers known not to ship RHEL, with the OS vendor to show for them and the product
/// when the publisher ships one distribution only (SUSE ships SLES and openSUSE, Microsoft's
/// SQL Server offers run on Windows or Linux, Oracle ships more than Oracle Linux). Display
/// only: any publisher without a catalog row is treated as not RHEL.
const NON_RHEL_PUBLISHERS: &[(&str, &str, Option<&str>)] = &[
    ("Canonical", "canonical", Some("ubuntu")),
    ("MicrosoftWindowsServer", "microsoft", Some("windows")),
    ("MicrosoftWindowsDesktop", "microsoft", Some("windows")),
    ("MicrosoftSQLServer", "microsoft", None),
    ("SUSE", "suse", None),
    ("OpenLogic", "openlogic", Some("centos")),
    ("Oracle", "oracle", None),
    ("Debian", "debian", Some("debian")),
];

/// The first release whose Azure minor-version SKUs are locked to EUS. Microsoft's RHEL image list
/// (redhat-imagelist.md, December 2019; verified) lists the older minor SKUs (6.7–6.10, 7.2, 7.3) as
/// attached to the regular repositories, and 7.4 onward as attached to EUS.
const FIRST_EUS_LOCKED: (u32, u32) = (7, 4);

/// Why a BYOS image has no stream here.
const BYOS_STREAM: &str = "BYOS images take their update stream from the Red Hat subscription";

/// Compares publisher names as ARM does: case-insensitively.
fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The literal parts of an Azure marketplace image reference (any may be absent).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AzureImage<'a> {
    /// Publisher (`RedHat`).
    pub publisher: Option<&'a str>,
    /// Offer (`RHEL`, `rhel-byos`).
    pub offer: Option<&'a str>,
    /// SKU (`8_4`, `8-lvm-gen2`, `rhel-lvm84`).
    pub sku: Option<&'a str>,
    /// Version (`latest` or a pinned build such as `8.4.2021053101`).
    pub version: Option<&'a str>,
}

/// What an image says about OS, billing and add-ons, and why.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Classification {
    /// The OS: vendor `redhat`, product `rhel`, major, minor and stream for a RHEL image.
    pub os: Os,
    /// The billing model the offer implies.
    pub billing: BillingModel,
    /// Add-ons from the catalog row (`sap`, `ha`, `e4s`).
    pub addons: Vec<String>,
    /// How each derived value was reached.
    pub evidence: Vec<String>,
    /// (field path, reason) for each value the image does not show.
    pub unknown: Vec<(String, String)>,
    /// AWS: the owner the AMI was read with, if any.
    pub owner: Option<String>,
    /// AWS: the usage operation the AMI was read with, if any.
    pub usage_operation: Option<String>,
}

impl Classification {
    fn unknown(&mut self, field: &str, reason: impl Into<String>) {
        self.unknown.push((field.to_owned(), reason.into()));
    }

    fn note(&mut self, line: String) {
        self.evidence.push(line);
    }
}

/// Classifies an Azure marketplace image reference against the catalog.
pub fn classify_azure(image: &AzureImage<'_>, catalog: &Catalog) -> Classification {
    let mut c = Classification::default();
    let Some(publisher) = image.publisher else {
        c.unknown("os.product", "the image publisher is not known");
        return c;
    };
    let Some(first) = catalog.azure_offers.iter().find(|r| same(&r.publisher, publisher)) else {
        not_rhel(&mut c, publisher);
        return c;
    };
    c.os.vendor = Some(first.vendor.clone());
    let Some(row) = image.offer.and_then(|offer| catalog.azure_offer(publisher, offer)) else {
        let reason = match image.offer {
            Some(offer) => format!("{publisher} offer {offer} is not in the catalog ({CATALOG_FILE})"),
            None => "the image offer is not known".to_owned(),
        };
        c.note(format!("publisher {publisher} has RHEL offers in the catalog ({CATALOG_FILE})"));
        c.unknown("os.product", reason.clone());
        c.unknown("billing.model", reason);
        return c;
    };
    offer_row(&mut c, row);
    if row.product == "rhel" {
        release(&mut c, row, image);
    }
    c
}

/// A publisher with no catalog row: not RHEL, naming the vendor when the publisher is well known.
fn not_rhel(c: &mut Classification, publisher: &str) {
    let Some((known, vendor, product)) = NON_RHEL_PUBLISHERS.iter().find(|(p, ..)| same(p, publisher)) else {
        let reason = format!("publisher {publisher} offers no RHEL image in the catalog");
        return c.unknown("os.product", reason);
    };
    c.os.vendor = Some((*vendor).to_owned());
    match product {
        Some(product) => {
            c.os.product = Some((*product).to_owned());
            c.note(format!("publisher {known} publishes {product} images only: not a Red Hat image"));
        }
        None => {
            c.note(format!("publisher {known} publishes {vendor} images"));
            c.unknown("os.product", format!("not a Red Hat image (publisher {known})"));
        }
    }
}

/// Product, billing and add-ons from the offer's catalog row.
fn offer_row(c: &mut Classification, row: &AzureOffer) {
    c.os.product = Some(row.product.clone());
    c.billing = row.billing;
    c.addons = row.addons.clone();
    let billing = match row.billing {
        BillingModel::Payg => "PAYG",
        BillingModel::Byos => "BYOS",
        BillingModel::Unknown => "of unknown billing",
    };
    let addons = match row.addons.join(", ") {
        list if list.is_empty() => list,
        list => format!(" with add-ons {list}"),
    };
    let (confidence, offer) = (row.confidence.as_str(), format!("{}:{}", row.publisher, row.offer));
    c.note(format!("offer {offer} is {billing}{addons} (catalog {CATALOG_FILE}, {confidence})"));
    if let Some(note) = &row.note {
        c.note(format!("catalog note on offer {offer}: {note}"));
    }
    if row.billing == BillingModel::Unknown {
        c.unknown("billing.model", format!("the catalog row for offer {offer} names no billing model"));
    }
}

/// Major, minor and stream from the SKU and version of a RHEL offer.
fn release(c: &mut Classification, row: &AzureOffer, image: &AzureImage<'_>) {
    let byos = row.billing == BillingModel::Byos;
    let parsed = image.sku.map(|sku| (sku, parse_rhel_sku(sku)));
    let (sku, parsed) = match parsed {
        Some((sku, Some(parsed))) => (sku, parsed),
        other => {
            let reason = match other {
                Some((sku, _)) => format!("sku {sku} does not follow a RHEL SKU pattern entitle knows"),
                None => "the image SKU is not known".to_owned(),
            };
            c.unknown("os.major", reason.clone());
            c.unknown("os.minor", reason.clone());
            return c.unknown("os.stream", if byos { BYOS_STREAM.to_owned() } else { reason });
        }
    };
    let major = parsed.major;
    c.os.major = Some(major);
    if !byos {
        c.os.stream = Some(payg_stream(c, row, sku, parsed).to_owned());
    } else if let Some(minor) = parsed.minor {
        c.note(format!("sku {sku} is a RHEL {major}.{minor} image"));
    } else {
        c.note(format!("sku {sku} names RHEL {major} without a minor"));
    }
    match parsed.minor {
        Some(minor) => pinned_minor(c, sku, major, minor, image.version),
        None => minor_from_version(c, sku, major, image.version),
    }
    if byos {
        c.unknown("os.stream", BYOS_STREAM);
    }
}

/// The update stream of a PAYG image, with the evidence for it.
fn payg_stream(c: &mut Classification, row: &AzureOffer, sku: &str, parsed: SkuRelease) -> &'static str {
    let major = parsed.major;
    let Some(minor) = parsed.minor else {
        let why = "regular repositories: rolls to the latest minor";
        c.note(format!("sku {sku} names RHEL {major} without a minor ({why})"));
        return "standard";
    };
    let (stream, why) = if (major, minor) < FIRST_EUS_LOCKED {
        let (m, n) = FIRST_EUS_LOCKED;
        let why = format!(" older than RHEL {m}.{n}: regular repositories, not EUS, per Microsoft's RHEL image list");
        ("standard", why)
    } else if row.addons.iter().any(|a| a.eq_ignore_ascii_case("e4s")) {
        ("e4s", " on an E4S offer: E4S repositories".to_owned())
    } else {
        ("eus", ": EUS repositories".to_owned())
    };
    c.note(format!("sku {sku} pins RHEL {major}.{minor} (minor-version SKU{why})"));
    stream
}

/// A minor-version SKU: the release is the SKU's, unless a pinned build version disagrees with it.
fn pinned_minor(c: &mut Classification, sku: &str, major: u32, minor: u32, version: Option<&str>) {
    c.os.minor = Some(minor);
    let (Some(version), Some((v_major, v_minor))) = (version, version.and_then(parse_image_version)) else {
        return;
    };
    if (v_major, v_minor) == (major, minor) {
        return c.note(format!("version {version} is a RHEL {major}.{minor} build, as sku {sku} says"));
    }
    let reason =
        format!("sku {sku} pins RHEL {major}.{minor} but version {version} is a RHEL {v_major}.{v_minor} build");
    c.os.minor = None;
    if v_major != major {
        c.os.major = None;
        c.unknown("os.major", reason.clone());
    }
    c.unknown("os.minor", reason);
}

/// A SKU naming a major only: the minor comes from a pinned build version of that major, or stays unknown.
fn minor_from_version(c: &mut Classification, sku: &str, major: u32, version: Option<&str>) {
    let rolls = format!("sku {sku} rolls to the latest RHEL {major} minor");
    let Some(version) = version else {
        return c.unknown("os.minor", format!("{rolls} and the image version is not known"));
    };
    let reason = match parse_image_version(version) {
        Some((v_major, v_minor)) if v_major == major => {
            c.os.minor = Some(v_minor);
            return c.note(format!("version {version} pins a RHEL {major}.{v_minor} build of sku {sku}"));
        }
        Some((v_major, _)) => format!("version {version} is a RHEL {v_major} build but sku {sku} is RHEL {major}"),
        None if version.trim().eq_ignore_ascii_case("latest") => rolls,
        None => format!("{rolls} and version {version} is not a <major>.<minor>.<build> version"),
    };
    c.unknown("os.minor", reason);
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Classifies `Publisher:Offer:SKU:Version` (`-` marks an absent part) and summarises the result as
    /// `vendor/product major.minor stream billing [addons]`, `?` for an absent value.
    fn classify(urn: &str) -> (String, Classification) {
        let catalog =
            entitle_sdk::testing::catalog_from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/catalog"));
        let mut parts = urn.split(':').map(|p| Some(p).filter(|p| *p != "-"));
        let mut next = || parts.next().flatten();
        let mut image = AzureImage::default();
        (image.publisher, image.offer, image.sku, image.version) = (next(), next(), next(), next());
        let c = classify_azure(&image, &catalog);
        let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".to_owned());
        let number = |v: Option<u32>| v.map_or_else(|| "?".to_owned(), |v| v.to_string());
        let (os, billing, addons) = (&c.os, format!("{:?}", c.billing).to_lowercase(), c.addons.join(","));
        let (vendor, product, stream) = (text(&os.vendor), text(&os.product), text(&os.stream));
        let release = format!("{}.{}", number(os.major), number(os.minor));
        (format!("{vendor}/{product} {release} {stream} {billing} [{addons}]"), c)
    }

    /// `urn => summary`: the corpus combinations first, then edge cases.
    const CASES: &[&str] = &[
        "RedHat:RHEL:7.2:latest => redhat/rhel 7.2 standard payg []",
        "RedHat:RHEL:6.7:latest => redhat/rhel 6.7 standard payg []",
        "RedHat:RHEL:7-RAW:latest => redhat/rhel 7.? standard payg []",
        "redhat:rhel-byos:rhel-76:latest => redhat/rhel 7.6 ? byos []",
        "redhat:rhel:8_4:latest => redhat/rhel 8.4 eus payg []",
        "redhat:rhel-byos:rhel-lvm84:latest => redhat/rhel 8.4 ? byos []",
        "RedHat:RHEL:83-gen2:latest => redhat/rhel 8.3 eus payg []",
        "MicrosoftWindowsServer:WindowsServer:2019-datacenter-gensecond:latest => microsoft/windows ?.? ? unknown []",
        "Canonical:UbuntuServer:18.04-LTS:latest => canonical/ubuntu ?.? ? unknown []",
        "OpenLogic:CentOS:7.3:latest => openlogic/centos ?.? ? unknown []",
        "SUSE:SLES-SAP:12-SP1:latest => suse/? ?.? ? unknown []",
        "RedHat:RHEL-SAP-HA:88sapha-gen2:latest => redhat/rhel 8.8 e4s payg [sap,ha,e4s]",
        "RedHat:RHEL:7.4:latest => redhat/rhel 7.4 eus payg []",
        "RedHat:RHEL-HA:9_4-gen2:latest => redhat/rhel 9.4 eus payg [ha]",
        "RedHat:RHEL-SAP-APPS:92sapapps-gen2:latest => redhat/rhel 9.2 eus payg [sap]",
        "REDHAT:rhel-sap-hana:RHEL-SAP-HANA:latest => redhat/rhel ?.? ? payg [sap]",
        "RedHat:RHEL:8-lvm-gen2:8.4.2021053101 => redhat/rhel 8.4 standard payg []",
        "RedHat:RHEL:8-lvm-gen2:9.0.2022090613 => redhat/rhel 8.? standard payg []",
        "redhat:rhel-byos:rhel-lvm8:8.2.2020111912 => redhat/rhel 8.2 ? byos []",
        "RedHat:RHEL:8_4:8.6.2022051701 => redhat/rhel 8.? eus payg []",
        "RedHat:RHEL:8_4:9.0.2022090613 => redhat/rhel ?.? eus payg []",
        "RedHat:rh-jboss-eap:8:latest => redhat/? ?.? ? unknown []",
        "RedHat:rhel-ocp-marketplace:8:latest => redhat/? ?.? ? unknown []",
        "contoso:RHEL:8_4:latest => ?/? ?.? ? unknown []",
        "-:-:-:- => ?/? ?.? ? unknown []",
        "RedHat:-:-:- => redhat/? ?.? ? unknown []",
        "RedHat:RHEL:-:- => redhat/rhel ?.? ? payg []",
    ];

    /// `urn | field | reason`: a reason in `unknown`, or a line in `evidence`, or `unknown | none`.
    const REASONS: &[&str] = &[
        "RedHat:RHEL:7-RAW:latest | os.minor | sku 7-RAW rolls to the latest RHEL 7 minor",
        "RedHat:RHEL:8-lvm-gen2:latest | os.minor | sku 8-lvm-gen2 rolls to the latest RHEL 8 minor",
        "RedHat:RHEL:8-lvm:- | os.minor | sku 8-lvm rolls to the latest RHEL 8 minor and the image version is not known",
        "redhat:rhel-byos:rhel-76:latest | os.stream | BYOS images take their update stream from the Red Hat subscription",
        "redhat:rhel-byos:rhel-76:latest | evidence | offer RedHat:rhel-byos is BYOS (catalog azure-images.json, verified)",
        "RedHat:RHEL-SAP-HA:88sapha-gen2:latest | evidence | offer RedHat:RHEL-SAP-HA is PAYG with add-ons sap, ha, e4s \
         (catalog azure-images.json, verified)",
        "RedHat:RHEL:7.2:latest | evidence | sku 7.2 pins RHEL 7.2 (minor-version SKU older than RHEL 7.4: regular \
         repositories, not EUS, per Microsoft's RHEL image list)",
        "RedHat:RHEL:7-RAW:latest | evidence | sku 7-RAW names RHEL 7 without a minor (regular repositories: rolls to \
         the latest minor)",
        "RedHat:RHEL:8-lvm-gen2:8.4.2021053101 | evidence | version 8.4.2021053101 pins a RHEL 8.4 build of sku \
         8-lvm-gen2",
        "redhat:rhel:8_4:latest | evidence | sku 8_4 pins RHEL 8.4 (minor-version SKU: EUS repositories)",
        "redhat:rhel:8_4:latest | unknown | none",
        "RedHat:RHEL-SAP-HA:88sapha-gen2:latest | unknown | none",
        "RedHat:RHEL:8-lvm-gen2:8.4.2021053101 | unknown | none",
        "RedHat:RHEL-SAP-HA:88sapha-gen2:latest | evidence | sku 88sapha-gen2 pins RHEL 8.8 (minor-version SKU on an \
         E4S offer: E4S repositories)",
        "MicrosoftWindowsServer:WindowsServer:x:latest | evidence | publisher MicrosoftWindowsServer publishes windows images \
         only: not a Red Hat image",
        "contoso:RHEL:8_4:latest | os.product | publisher contoso offers no RHEL image in the catalog",
        "RedHat:rh-jboss-eap:8:latest | os.product | RedHat offer rh-jboss-eap is not in the catalog (azure-images.json)",
        "RedHat:rh-jboss-eap:8:latest | billing.model | RedHat offer rh-jboss-eap is not in the catalog (azure-images.json)",
        "RedHat:RHEL:8_4:8.6.2022051701 | os.minor | sku 8_4 pins RHEL 8.4 but version 8.6.2022051701 is a RHEL 8.6 build",
        "RedHat:RHEL:-:- | os.major | the image SKU is not known",
        "RedHat:RHEL:-:- | os.stream | the image SKU is not known",
        "RedHat:-:-:- | os.product | the image offer is not known",
        "-:-:-:- | os.product | the image publisher is not known",
        "openlogic:CentOS:7.3:latest | evidence | publisher OpenLogic publishes centos images only: not a Red Hat image",
        "REDHAT:rhel-sap-hana:RHEL-SAP-HANA:latest | os.major | sku RHEL-SAP-HANA does not follow a RHEL SKU pattern \
         entitle knows",
    ];

    #[test]
    fn classifies_images() {
        for case in CASES {
            let (urn, expected) = case.split_once(" => ").unwrap_or_default();
            let (summary, c) = classify(urn);
            assert_eq!(summary, expected, "{urn}: {c:#?}");
            let mut fields: Vec<&str> = c.unknown.iter().map(|(f, _)| f.as_str()).collect();
            fields.sort_unstable();
            assert!(fields.windows(2).all(|w| w[0] != w[1]), "one reason per field: {c:#?}");
        }
    }

    #[test]
    fn gives_reasons_and_evidence() {
        for case in REASONS {
            let [urn, field, reason] = case.splitn(3, " | ").collect::<Vec<_>>()[..] else { panic!("row {case}") };
            let (_, c) = classify(urn);
            let found = match field {
                "evidence" => c.evidence.iter().any(|e| e == reason),
                "unknown" => c.unknown.is_empty(),
                _ => c.unknown.iter().any(|(f, r)| f == field && r == reason),
            };
            assert!(found, "{case}\n{c:#?}");
        }
    }
}
