//! Turns literal image references into OS, billing and add-on facts, so every front-end classifies images alike.
//!
//! Front-ends pass the parts of an image reference they could read as literals; the classifier
//! answers with values, the evidence for each, and a reason for each value it cannot know.

pub mod aws;
pub mod azure;
pub mod container;
pub mod custom_ami;
pub mod distro;
pub mod gcp;
pub mod sku;

pub use aws::{AwsImage, classify_aws};
pub use azure::{AzureImage, Classification, classify_azure};
pub use container::{ContainerRef, classify_container, classify_stream_tag, parse_container_image};
pub use gcp::{GcpImage, classify_gcp, parse_gcp_image};

use entitle_sdk::model::BillingModel;

/// Why a BYOS image has no stream here (the GCP and AWS classifiers; `azure.rs` keeps its own copy).
const BYOS_STREAM: &str = "BYOS images take their update stream from the Red Hat subscription";

/// Recording helpers for the GCP and AWS classifiers (`azure.rs` has its own private ones).
impl Classification {
    /// Records why `field` is unknown.
    fn lacks(&mut self, field: &str, reason: impl Into<String>) {
        self.unknown.push((field.to_owned(), reason.into()));
    }

    /// Adds an evidence line.
    fn saw(&mut self, line: String) {
        self.evidence.push(line);
    }

    /// Adds the add-ons not already listed, keeping their order.
    fn add_addons<'a>(&mut self, addons: impl IntoIterator<Item = &'a str>) {
        for addon in addons {
            if !self.addons.iter().any(|a| a == addon) {
                self.addons.push(addon.to_owned());
            }
        }
    }
}

/// How evidence names a billing model.
fn billing_name(billing: BillingModel) -> &'static str {
    match billing {
        BillingModel::Payg => "PAYG",
        BillingModel::Byos => "BYOS",
        BillingModel::Unknown => "of unknown billing",
    }
}

/// ` with add-ons a, b` for a non-empty list, else nothing.
fn with_addons(addons: &[String]) -> String {
    if addons.is_empty() { String::new() } else { format!(" with add-ons {}", addons.join(", ")) }
}

/// A value a front-end passed, trimmed, unless empty.
fn present(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

/// A release number in an image name: one or two digits, no leading zero on two.
fn release_number(s: &str) -> Option<u32> {
    let ok = matches!(s.len(), 1 | 2) && s.bytes().all(|b| b.is_ascii_digit()) && !(s.len() == 2 && s.starts_with('0'));
    if ok { s.parse().ok() } else { None }
}

/// A RHEL major release number: a [`release_number`] of at least 2.
fn major_number(s: &str) -> Option<u32> {
    release_number(s).filter(|m| *m >= 2)
}

/// Shared helpers for the classifier tests.
#[cfg(test)]
pub(crate) mod test_support {
    use std::path::Path;

    use entitle_sdk::Catalog;

    use super::Classification;

    /// The checkout's own catalog (`policies/catalog`), loaded once.
    pub fn catalog() -> &'static Catalog {
        static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        CATALOG.get_or_init(|| {
            entitle_sdk::testing::catalog_from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/catalog"))
        })
    }

    /// `vendor/product major.minor stream billing [addons]`, `?` for an absent value; panics when a
    /// field has two reasons.
    pub fn summary(c: &Classification) -> String {
        let mut fields: Vec<&str> = c.unknown.iter().map(|(f, _)| f.as_str()).collect();
        fields.sort_unstable();
        assert!(fields.windows(2).all(|w| w[0] != w[1]), "one reason per field: {c:#?}");
        let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".to_owned());
        let number = |v: Option<u32>| v.map_or_else(|| "?".to_owned(), |v| v.to_string());
        let (os, billing, addons) = (&c.os, format!("{:?}", c.billing).to_lowercase(), c.addons.join(","));
        let release = format!("{}.{}", number(os.major), number(os.minor));
        format!("{}/{} {release} {} {billing} [{addons}]", text(&os.vendor), text(&os.product), text(&os.stream))
    }

    /// True when `text` is within a reason for `field`, within an evidence line (field `evidence`),
    /// or when `c` has no unknowns at all (field `unknown`, text `none`).
    pub fn has(c: &Classification, field: &str, text: &str) -> bool {
        match field {
            "evidence" => c.evidence.iter().any(|e| e.contains(text)),
            "unknown" => c.unknown.is_empty() && text == "none",
            _ => c.unknown.iter().any(|(f, r)| f == field && r.contains(text)),
        }
    }

    /// Checks each `input => summary` row of `cases` against `classify(input)`.
    pub fn check_summaries(cases: &[&str], classify: impl Fn(&str) -> Classification) {
        for case in cases {
            let (input, expected) = case.split_once(" => ").unwrap_or_default();
            let c = classify(input);
            assert_eq!(summary(&c), expected, "{input}: {c:#?}");
        }
    }

    /// Checks each `input => field | text` row of `reasons` with [`has`].
    pub fn check_reasons(reasons: &[&str], classify: impl Fn(&str) -> Classification) {
        for case in reasons {
            let (input, expected) = case.split_once(" => ").unwrap_or_default();
            let (field, text) = expected.split_once(" | ").unwrap_or_default();
            let c = classify(input);
            assert!(has(&c, field, text), "{case}\n{c:#?}");
        }
    }
}
