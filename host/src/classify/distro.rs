//! Images that are not RHEL, named well enough to say what they are: AMI names of
//! other distributions (`suse-sles-sap-12-sp4-…`, `amzn2-ami-…`, read by the AWS
//! classifier for every front-end), AWS's public SSM parameter paths
//! (`/aws/service/ami-amazon-linux-latest/…`, `/aws/service/canonical/…`), and
//! AWS-managed Image Builder images (which include RHEL).

use entitle_sdk::model::BillingModel;

use crate::classify::Classification;

/// A non-RHEL operating system and how it was recognised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Other {
    vendor: &'static str,
    product: &'static str,
    major: Option<u32>,
    minor: Option<u32>,
    billing: Option<BillingModel>,
    evidence: String,
}

impl Other {
    /// Writes the OS (and billing, for SUSE) into a classification.
    pub fn apply_to(self, c: &mut Classification) {
        (c.os.vendor, c.os.product) = (Some(self.vendor.to_owned()), Some(self.product.to_owned()));
        (c.os.major, c.os.minor) = (self.major, self.minor);
        if let Some(billing) = self.billing {
            c.billing = billing;
        }
        c.evidence.push(self.evidence);
    }

    /// As a classification of its own.
    pub fn classification(self) -> Classification {
        let mut c = Classification::default();
        self.apply_to(&mut c);
        c
    }
}

fn number(s: &str) -> Option<u32> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// An AMI name of another distribution.
pub fn from_ami_name(name: &str) -> Option<Other> {
    let other = |vendor, product, major, minor, evidence: String| Other {
        vendor,
        product,
        major,
        minor,
        billing: None,
        evidence: format!("AMI name {name} is {evidence}"),
    };
    if let Some(rest) = name.strip_prefix("suse-sles-") {
        let (sap, rest) = rest.strip_prefix("sap-").map_or((false, rest), |r| (true, r));
        let major = number(rest)?;
        let minor = rest.split('-').find_map(|p| p.strip_prefix("sp")).and_then(number);
        let byos = rest.split('-').any(|p| p == "byos");
        let release = minor.map_or(major.to_string(), |m| format!("{major} SP{m}"));
        let what = if sap { "SUSE Linux Enterprise Server for SAP" } else { "SUSE Linux Enterprise Server" };
        let billing = if byos { "BYOS (the name has -byos-)" } else { "PAYG (no -byos- in the name)" };
        let mut o =
            other("suse", "sles", Some(major), Some(minor.unwrap_or(0)), format!("{what} {release}, {billing}"));
        o.billing = Some(if byos { BillingModel::Byos } else { BillingModel::Payg });
        return Some(o);
    }
    if name.starts_with("amzn2-ami-") {
        return Some(other("amazon", "amazon-linux", Some(2), None, "Amazon Linux 2".into()));
    }
    if name.starts_with("al2023-ami-") {
        return Some(other("amazon", "amazon-linux", Some(2023), None, "Amazon Linux 2023".into()));
    }
    if name.starts_with("amzn-ami-") {
        return Some(other("amazon", "amazon-linux", Some(1), None, "Amazon Linux (AMI, version 1)".into()));
    }
    if let Some(rest) = name.strip_prefix("Windows_Server-") {
        let edition = rest.split('-').take(2).collect::<Vec<_>>().join(" ");
        return Some(other("microsoft", "windows", None, None, format!("Windows Server {edition}")));
    }
    if name.starts_with("ubuntu/") || name.starts_with("ubuntu-") {
        let version = name.split('-').find(|p| p.contains('.') && p.starts_with(|c: char| c.is_ascii_digit()));
        let (major, minor) =
            version.and_then(|v| v.split_once('.')).map_or((None, None), |(a, b)| (number(a), number(b)));
        return Some(other(
            "canonical",
            "ubuntu",
            major,
            minor,
            format!("Ubuntu {}", version.unwrap_or("(release not in the name)")),
        ));
    }
    if let Some(rest) = name.strip_prefix("debian-") {
        return Some(other("debian", "debian", number(rest), None, format!("Debian {}", number(rest)?)));
    }
    None
}

/// An SSM parameter path that AWS publishes for its own and partners' images.
pub fn from_ssm_path(path: &str) -> Option<Other> {
    let rest = path.strip_prefix("/aws/service/")?;
    let published = |mut o: Other, what: &str| {
        o.evidence = format!("SSM public parameter {path} is published by AWS for {what}");
        o
    };
    let last = rest.rsplit('/').next().unwrap_or_default();
    if let Some(name) =
        rest.strip_prefix("ami-amazon-linux-latest/").or_else(|| rest.strip_prefix("ami-windows-latest/"))
    {
        let o = from_ami_name(name)?;
        let what = o.evidence.rsplit(" is ").next().unwrap_or_default().to_owned();
        return Some(published(o, &what));
    }
    let parts: Vec<&str> = rest.split('/').collect();
    let simple =
        |vendor, product, major, minor| Other { vendor, product, major, minor, billing: None, evidence: String::new() };
    match parts.as_slice() {
        ["canonical", "ubuntu", _, version, ..] => {
            let (major, minor) = version.split_once('.').map_or((None, None), |(a, b)| (number(a), number(b)));
            Some(published(simple("canonical", "ubuntu", major, minor), &format!("Ubuntu {version}")))
        }
        ["suse", product, version, ..] if product.starts_with("sles") => {
            let major = number(version);
            let minor = version.split_once("-sp").and_then(|(_, m)| number(m)).or(Some(0));
            Some(published(simple("suse", "sles", major, minor), &format!("SUSE Linux Enterprise Server {version}")))
        }
        ["debian", "release", version, ..] => {
            Some(published(simple("debian", "debian", number(version), None), &format!("Debian {version}")))
        }
        ["ecs" | "eks", ..] if rest.contains("amazon-linux-2023") => {
            Some(published(simple("amazon", "amazon-linux", Some(2023), None), "an Amazon Linux 2023 container host"))
        }
        ["ecs" | "eks", ..] if rest.contains("amazon-linux-2") => {
            Some(published(simple("amazon", "amazon-linux", Some(2), None), "an Amazon Linux 2 container host"))
        }
        ["bottlerocket", ..] => Some(published(simple("amazon", "bottlerocket", None, None), "Bottlerocket")),
        _ if last.starts_with("Windows_Server-") => from_ami_name(last).map(|o| published(o, "Windows Server")),
        _ => None,
    }
}

/// An AWS-managed Image Builder image (`arn:aws:imagebuilder:<region>:aws:image/<name>/<version>`).
pub fn from_image_builder(arn: &str) -> Option<Classification> {
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() < 6 || parts[2] != "imagebuilder" || parts[4] != "aws" {
        return None;
    }
    let name = parts[5].strip_prefix("image/")?.split('/').next()?;
    if let Some(rest) = name.strip_prefix("red-hat-enterprise-linux-") {
        let mut c = Classification::default();
        (c.os.vendor, c.os.product, c.os.major) = (Some("redhat".into()), Some("rhel".into()), number(rest));
        c.evidence.push(format!("Image Builder image {name} is AWS's managed RHEL {} image", number(rest)?));
        let why = "an AWS-managed Image Builder image does not show its AMI name or billing";
        for field in ["os.minor", "billing.model", "os.stream"] {
            c.unknown.push((field.into(), why.into()));
        }
        return Some(c);
    }
    let known = [
        ("amazon-linux-2023", ("amazon", "amazon-linux", Some(2023))),
        ("amazon-linux-2", ("amazon", "amazon-linux", Some(2))),
        ("ubuntu-server-", ("canonical", "ubuntu", number(name.trim_start_matches("ubuntu-server-")))),
        ("windows-server-", ("microsoft", "windows", None)),
        (
            "suse-linux-enterprise-server-",
            ("suse", "sles", number(name.trim_start_matches("suse-linux-enterprise-server-"))),
        ),
    ];
    let (_, (vendor, product, major)) = known.into_iter().find(|(prefix, _)| name.starts_with(prefix))?;
    let evidence = format!("Image Builder image {name} is an AWS-managed {product} image");
    Some(Other { vendor, product, major, minor: None, billing: None, evidence }.classification())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(o: Option<Other>) -> Option<(&'static str, Option<u32>, Option<u32>)> {
        o.map(|o| (o.product, o.major, o.minor))
    }

    #[test]
    fn names_paths_and_arns() {
        assert_eq!(
            os(from_ami_name("suse-sles-sap-12-sp4-v20181212-hvm-ssd-x86_64-8f7b")),
            Some(("sles", Some(12), Some(4)))
        );
        let byos = from_ami_name("suse-sles-sap-15-byos-v20180816-hvm-ssd-x86_64").expect("sles");
        assert_eq!((byos.major, byos.minor, byos.billing), (Some(15), Some(0), Some(BillingModel::Byos)));
        assert_eq!(
            os(from_ami_name("ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-2024")),
            Some(("ubuntu", Some(22), Some(4)))
        );
        assert_eq!(os(from_ami_name("RHEL-9.4.0_HVM-x")), None);
        let al2 = from_ssm_path("/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2").expect("al2");
        assert_eq!((al2.product, al2.major), ("amazon-linux", Some(2)));
        assert!(al2.evidence.contains("published by AWS for Amazon Linux 2"), "{}", al2.evidence);
        let windows = from_ssm_path("/aws/service/ami-windows-latest/Windows_Server-2012-R2_RTM-English-64Bit-Base");
        assert_eq!(os(windows), Some(("windows", None, None)));
        let ubuntu = "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id";
        assert_eq!(os(from_ssm_path(ubuntu)), Some(("ubuntu", Some(22), Some(4))));
        assert_eq!(os(from_ssm_path("/aws/service/suse/sles/15-sp5/x86_64/latest")), Some(("sles", Some(15), Some(5))));
        assert_eq!(from_ssm_path("/my/golden/ami"), None);
        let rhel = from_image_builder("arn:aws:imagebuilder:us-east-1:aws:image/red-hat-enterprise-linux-9-x86/x.x.x");
        assert_eq!(rhel.map(|c| (c.os.product, c.os.major)), Some((Some("rhel".into()), Some(9))));
        assert!(from_image_builder("arn:aws:imagebuilder:us-east-1:123456789012:image/mine/1.0.0").is_none());
    }
}
