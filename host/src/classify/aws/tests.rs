//! The AWS classifier's tables: names parsed, AMIs classified, reasons given.

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
    "my-golden-rhel9 | 123456789012 | RunInstances:00g0 => redhat/rhel 9.? ? byos []",
    "my-golden-rhel9 | 123456789012 | RunInstances:0010 => redhat/rhel 9.? ? payg []",
    // custom images named RHEL (domain reference rule 18)
    "my-golden-rhel9 | 123456789012 => redhat/rhel 9.? ? byos []",
    "RHEL-9-cis-hardened-* | self => redhat/rhel 9.? ? byos []",
    "base-rhel-8.10-* | 111122223333 => redhat/rhel 8.10 ? byos []",
    "CIS Red Hat Enterprise Linux 8 Benchmark* | aws-marketplace => redhat/rhel 8.? ? unknown []",
    "my-golden-rhel9 => redhat/rhel 9.? ? unknown []",
    "packer-rhel-* | self => redhat/rhel ?.? ? byos []",
    "rhel-compatible-rocky-9 | self => ?/? ?.? ? unknown []",
    "centos-7-rhel-like-* | self => ?/? ?.? ? unknown []",
    "almalinux-9-golden | self => ?/? ?.? ? unknown []",
    "ol8-golden-* | self => ?/? ?.? ? unknown []",
    "my-golden-image | self => ?/? ?.? ? unknown []",
    // not RHEL, or not known to be
    "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-* | 099720109477 => canonical/ubuntu 22.4 ? unknown []",
    "al2023-ami-2023.*-x86_64 | amazon => amazon/amazon-linux 2023.? ? unknown []",
    "Windows_Server-2022-English-Full-Base-* => microsoft/windows ?.? ? unknown []",
    "RHEL-9.4 | 309956199498 => redhat/? ?.? ? unknown []",
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
    "my-golden-rhel9 | - | RunInstances:00g0 => os.minor | custom AMI name my-golden-rhel9 does not say the minor",
    "- | aws-marketplace | RunInstances:0010 => evidence | aws-marketplace is aws-marketplace, not a custom image",
    "ubuntu/images/hvm-ssd/ubuntu-jammy-* => evidence | AMI name ubuntu/images/hvm-ssd/ubuntu-jammy-* is Ubuntu",
    "my-golden-image => os.product | AMI name my-golden-image does not follow Red Hat's AMI name grammar",
    "my-golden-rhel9 => billing.model | the AMI's owner is not known: a custom image",
    "RHEL-9-cis-* | self => evidence | AMI name RHEL-9-cis-* is a custom image named RHEL, not Red Hat's grammar: RHEL 9",
    "RHEL-9-cis-* | self => evidence | owner self is not a Red Hat AMI owner in the catalog (aws-images.json): a custom image, which Red Hat counts as BYOS (domain reference rule 18); no billing word",
    "RHEL-9-cis-* | self => os.stream | BYOS images take their update stream",
    "RHEL-9.4 | 309956199498 => os.product | AMI name RHEL-9.4 does not follow",
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
