//! Table-driven tests of the Google Cloud image reference parser and classifier.

use super::super::test_support::{catalog, check_reasons, check_summaries};
use super::*;

/// Classifies `reference[ + licence, licence…]`.
fn classify(case: &str) -> Classification {
    let (reference, licences) = case.split_once(" + ").unwrap_or((case, ""));
    let licences: Vec<&str> = licences.split(", ").filter(|l| !l.is_empty()).collect();
    classify_gcp(&GcpImage { licenses: &licences, ..parse_gcp_image(reference) }, catalog())
}

/// `reference => project family name`, `-` for an absent part.
const REFERENCES: &[&str] = &[
    "projects/rhel-cloud/global/images/family/rhel-9 => rhel-cloud rhel-9 -",
    "https://www.googleapis.com/compute/v1/projects/rhel-sap-cloud/global/images/family/rhel-8-4-sap-ha \
     => rhel-sap-cloud rhel-8-4-sap-ha -",
    "https://compute.googleapis.com/compute/beta/projects/rhel-cloud/global/images/rhel-9-v20240815 \
     => rhel-cloud - rhel-9-v20240815",
    "projects/rhel-cloud/global/images/rhel-9-v20240815 => rhel-cloud - rhel-9-v20240815",
    "rhel-cloud/rhel-9 => rhel-cloud rhel-9 -",
    "rhel-byos-cloud/rhel-9-byos-v20250709 => rhel-byos-cloud - rhel-9-byos-v20250709",
    "rhel-9 => - rhel-9 -",
    " rhel-9-v20250709  => - - rhel-9-v20250709",
    "global/images/family/rhel-9 => - rhel-9 -",
    "family/rhel-10 => - rhel-10 -",
    "global/images/golden => - - golden",
    "debian-cloud/debian-12 => debian-cloud debian-12 -",
    " => - - -",
    "a//b => - - -",
    "projects/rhel-cloud => - - -",
    "https://example.com/rhel-9 => - - -",
    "projects/x/global/images/family/rhel-9/extra => - - -",
    "$(ref.image.selfLink) => - - -",
    "{{ COMPUTE_URL_BASE }}projects/rhel-cloud/global/images/family/rhel-7 => - - -",
];

/// `reference[ + licences] => vendor/product major.minor stream billing [addons]`.
const CASES: &[&str] = &[
    "projects/rhel-cloud/global/images/family/rhel-9 => redhat/rhel 9.? standard payg []",
    "https://www.googleapis.com/compute/v1/projects/rhel-sap-cloud/global/images/family/rhel-8-4-sap-ha \
     => redhat/rhel 8.4 e4s payg [sap,ha]",
    "rhel-cloud/rhel-9 => redhat/rhel 9.? standard payg []",
    "rhel-byos-cloud/rhel-9-byos-v20250709 => redhat/rhel 9.? standard byos []",
    "projects/rhel-cloud/global/images/rhel-9-v20240815 => redhat/rhel 9.? standard payg []",
    "rhel-9 => redhat/rhel 9.? standard unknown []",
    "rhel-9-byos => redhat/rhel 9.? standard byos []",
    "rhel-cloud/rhel-10-2-eus => redhat/rhel 10.2 eus payg []",
    "rhel-sap-cloud/rhel-9-4-sap => redhat/rhel 9.4 e4s payg [sap]",
    "rhel-sap-cloud/rhel-8-10-sap-byos => redhat/rhel 8.10 e4s byos [sap]",
    "rhel-byos-cloud/rhel-10-lvm-byos => redhat/rhel 10.? standard byos []",
    "rhel-byos-cloud/rhel-10-2-eus-lvm-byos-arm64 => redhat/rhel 10.2 eus byos []",
    "rhel-cloud/rhel-10-2-eus-gvnic-baremetal => redhat/rhel 10.2 eus payg []",
    // licences
    "rhel-cloud/rhel-10-2-eus + projects/rhel-cloud/global/licenses/rhel-10-server, \
     projects/rhel-cloud/global/licenses/rhel-10-server-eus => redhat/rhel 10.2 eus payg []",
    "rhel-byos-cloud/rhel-10-2-eus-byos + rhel-10-byos, rhel-10-server-eus => redhat/rhel 10.2 eus byos []",
    "rhel-cloud/rhel-9 + projects/rhel-cloud/global/licenses/rhel-9-byos => redhat/rhel 9.? standard byos []",
    "my-project/golden + projects/rhel-cloud/global/licenses/rhel-9-server => redhat/rhel 9.? ? payg []",
    "my-project/golden + rhel-8-sap-byos => redhat/rhel 8.? ? byos [sap]",
    "my-project/golden + rhel-10-byos, rhel-10-server-eus => redhat/rhel 10.? eus byos []",
    "my-project/golden + rhel-9-server, rhel-8-byos => redhat/rhel ?.? ? unknown []",
    "rhel-cloud/rhel-9-4 + rhel-9-server, rhel-9-server-eus => redhat/rhel 9.4 eus payg []",
    "rhel-cloud/rhel-9 + rhel-9-server, rhel-9-byos => redhat/rhel 9.? standard unknown []",
    "rhel-cloud/rhel-9 + rhel-9-server-eus => redhat/rhel 9.? ? payg []",
    "rhel-cloud/rhel-9 + projects/vm-options/global/licenses/enable-vmx => redhat/rhel 9.? standard payg []",
    "my-project/golden + https://www.googleapis.com/compute/v1/projects/rhel-cloud/global/licenses/rhel-8-byos \
     => redhat/rhel 8.? ? byos []",
    // the family does not settle it
    "rhel-cloud/rhel-9-4 => redhat/rhel 9.4 ? payg []",
    "rhel-sap-cloud/rhel-8-sap => redhat/rhel 8.? ? payg [sap]",
    "rhel-cloud/rhel-9-eus => redhat/rhel 9.? ? payg []",
    "rhel-cloud/rhel-9-custom => redhat/rhel ?.? ? payg []",
    "rhel-cloud/rhel-9-ha => redhat/rhel ?.? ? payg []",
    "rhel-cloud/rhel-9-byos-byos => redhat/rhel ?.? ? payg []",
    // not Red Hat images
    "debian-cloud/debian-12 => debian/debian ?.? ? unknown []",
    "projects/ubuntu-os-cloud/global/images/family/ubuntu-2204-lts => canonical/ubuntu ?.? ? unknown []",
    "centos-cloud/centos-7 => centos/centos ?.? ? unknown []",
    "rocky-linux-cloud/rocky-linux-9 => rocky/rocky ?.? ? unknown []",
    "suse-cloud/sles-15 => suse/sles ?.? ? unknown []",
    "windows-cloud/windows-2022 => microsoft/windows ?.? ? unknown []",
    "debian-cloud/rhel-9 + rhel-9-server => debian/debian ?.? ? unknown []",
    "my-project/rhel-9 => ?/? ?.? ? unknown []",
    "my-project/golden + projects/vm-options/global/licenses/enable-vmx => ?/? ?.? ? unknown []",
    "centos-7 => ?/? ?.? ? unknown []",
    "rhel-09 => ?/? ?.? ? unknown []",
    " => ?/? ?.? ? unknown []",
];

/// `case => field | text`: `text` within a reason for `field`, within an `evidence` line, or
/// `unknown | none` for no unknowns.
const REASONS: &[&str] = &[
    "rhel-cloud/rhel-9 => evidence | project rhel-cloud is PAYG (catalog gcp-images.json, secondary)",
    "rhel-sap-cloud/rhel-8-4-sap-ha => evidence | project rhel-sap-cloud is PAYG with add-ons sap (catalog",
    "rhel-sap-cloud/rhel-9-4-sap => evidence | family rhel-9-4-sap pins RHEL 9.4 (SAP family: E4S)",
    "rhel-sap-cloud/rhel-9-4-sap => unknown | none",
    "rhel-sap-cloud/rhel-8-10-sap-byos => evidence | family rhel-8-10-sap-byos carries the byos word: BYOS",
    "rhel-byos-cloud/rhel-9-byos-v20250709 => evidence | image rhel-9-byos-v20250709 carries the byos word",
    "rhel-9 => billing.model | the image project is not named and family rhel-9 has no byos word",
    "rhel-9 => evidence | family rhel-9 follows the RHEL family grammar; the image project is not named",
    "rhel-cloud/rhel-9 + rhel-9-byos => evidence | licence rhel-9-byos is BYOS (GCP bills the licences attached",
    "my-project/golden + rhel-9-server => evidence | licence rhel-9-server is a RHEL licence; the image project is \
     my-project, not in the catalog",
    "my-project/golden + rhel-9-server => evidence | licence rhel-9-server is a RHEL 9 licence",
    "my-project/golden + rhel-9-server => os.minor | family golden does not follow the RHEL family grammar",
    "rhel-cloud/rhel-9 + rhel-9-server, rhel-9-byos => billing.model | licences rhel-9-server and rhel-9-byos",
    "rhel-cloud/rhel-9 + rhel-9-server-eus => os.stream | licence rhel-9-server-eus locks the image to EUS but",
    "rhel-cloud/rhel-9-4 => os.stream | family rhel-9-4 pins RHEL 9.4 but names no stream (-eus or SAP)",
    "rhel-sap-cloud/rhel-8-sap => os.stream | family rhel-8-sap is version-locked (-eus or SAP) but names no minor",
    "rhel-cloud/rhel-9-custom => os.major | family rhel-9-custom does not follow the RHEL family grammar",
    "debian-cloud/debian-12 => unknown | none",
    "debian-cloud/debian-12 => evidence | project debian-cloud publishes debian images: not a Red Hat image",
    "my-project/rhel-9 => os.product | project my-project is not a Red Hat image project in the catalog",
    "centos-7 => os.product | family centos-7 does not follow the RHEL family grammar entitle knows",
    " => os.product | the image project, family and name are not known",
];

#[test]
fn parses_references() {
    for case in REFERENCES {
        let (reference, expected) = case.split_once(" => ").unwrap_or_default();
        let part = |p: Option<&str>| p.unwrap_or("-").to_owned();
        let image = parse_gcp_image(reference);
        let parts = [part(image.project), part(image.family), part(image.name)].join(" ");
        assert_eq!(parts, expected, "{reference:?}");
    }
}

#[test]
fn classifies_images() {
    check_summaries(CASES, classify);
}

#[test]
fn gives_reasons_and_evidence() {
    check_reasons(REASONS, classify);
}
