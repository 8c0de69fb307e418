//! Red Hat products other than RHEL that a descriptor names: OpenShift from a release image
//! (`quay.io/openshift-release-dev/ocp-release:4.12.0-x86_64`), a ClusterVersion or an
//! installer / Quick Start parameter that names the version; JBoss EAP and CloudForms from
//! Red Hat registry images (`registry.redhat.io/jboss-eap-7/eap74-openjdk11-openshift-rhel8`,
//! `cloudforms46/cfme-openshift-app`). Only Red Hat registries count: a name elsewhere is a
//! name, not a product.

use entitle_sdk::Workload;
use entitle_sdk::model::{Product, Source};

/// Registries whose images are Red Hat's own.
const RED_HAT_REGISTRIES: [&str; 2] = ["registry.redhat.io", "registry.access.redhat.com"];

/// The repository OpenShift 4 release images are published in.
const RELEASE_REPOSITORY: (&str, &str) = ("quay.io", "openshift-release-dev/ocp-release");

/// The product a container image is, if it is one entitle knows.
pub fn from_container(registry: &str, repository: &str, tag: Option<&str>) -> Option<Product> {
    let registry = registry.to_ascii_lowercase();
    let repository = repository.to_ascii_lowercase();
    if (registry.as_str(), repository.as_str()) == RELEASE_REPOSITORY {
        let version = tag.and_then(|t| leading_version(t, 2))?;
        let evidence = format!("OpenShift release image {registry}/{repository}:{}", tag.unwrap_or_default());
        return Some(Product { name: "openshift".into(), version: Some(version), evidence });
    }
    if !RED_HAT_REGISTRIES.contains(&registry.as_str()) {
        return None;
    }
    let (first, rest) = repository.split_once('/').unwrap_or((repository.as_str(), ""));
    let shown = format!("image {registry}/{repository}");
    // `jboss-eap-7/eap74-openjdk11-openshift-rhel8`: the image name carries the minor.
    if let Some(major) = first.strip_prefix("jboss-eap-").filter(|m| is_number(m)) {
        let version = rest
            .strip_prefix("eap")
            .map(|r| r.chars().take_while(char::is_ascii_digit).collect::<String>())
            .filter(|d| d.len() >= 2 && d.starts_with(major))
            .map_or_else(|| major.to_owned(), |d| format!("{}.{}", &d[..major.len()], &d[major.len()..]));
        return Some(Product { name: "jboss-eap".into(), version: Some(version), evidence: shown });
    }
    // `cloudforms46/cfme-openshift-app`: CloudForms 4.6.
    if let Some(digits) = first.strip_prefix("cloudforms").filter(|d| d.len() >= 2 && is_number(d)) {
        let version = format!("{}.{}", &digits[..1], &digits[1..]);
        return Some(Product { name: "cloudforms".into(), version: Some(version), evidence: shown });
    }
    None
}

/// The OpenShift version a template parameter names: a parameter called like
/// `OpenshiftContainerPlatformVersion` / `ocpVersion` whose value is a version, or a
/// `…Version` parameter whose description names the OpenShift release it refines
/// (`minorVersion`, "Minor version of OpenShift 3.11 to deploy", value `69` → `3.11.69`).
pub fn from_parameter(name: &str, description: Option<&str>, value: &str) -> Option<Product> {
    let lower = name.to_ascii_lowercase();
    if !lower.contains("version") {
        return None;
    }
    let value = value.trim();
    if (lower.contains("openshift") || lower.starts_with("ocp")) && leading_version(value, 2).as_deref() == Some(value)
    {
        let evidence = format!("parameter {name} = {value}");
        return Some(Product { name: "openshift".into(), version: Some(value.to_owned()), evidence });
    }
    let description = description?;
    let release = description
        .split_whitespace()
        .skip_while(|w| !w.eq_ignore_ascii_case("openshift"))
        .skip(1)
        .take(2)
        .find_map(|w| leading_version(w.trim_matches(|c: char| !c.is_ascii_alphanumeric()), 2))?;
    let version = if is_number(value) { format!("{release}.{value}") } else { release };
    let evidence = format!("parameter {name} = {value} (\"{description}\")");
    Some(Product { name: "openshift".into(), version: Some(version), evidence })
}

/// Adds `product` to every workload (each deploys part of the product), with its place.
pub fn attach(workloads: &mut [Workload], product: &Product, at: &Source, trail: &[Source]) {
    for w in workloads {
        if w.products.iter().any(|p| p.name == product.name) {
            continue;
        }
        w.products.push(product.clone());
        let key = format!("products.{}", product.name);
        w.provenance.insert(key.clone(), at.clone());
        if !trail.is_empty() {
            w.trail.insert(key, trail.to_vec());
        }
    }
}

/// `4.12` from `4.12.0-x86_64` (at least `parts` numeric parts; at most 3 kept).
fn leading_version(text: &str, parts: usize) -> Option<String> {
    let head: String = text.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let nums: Vec<&str> = head.split('.').take_while(|p| is_number(p)).take(3).collect();
    (nums.len() >= parts).then(|| nums.join("."))
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.len() <= 6 && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(p: Option<Product>) -> Option<(String, String)> {
        p.map(|p| (p.name, p.version.unwrap_or_default()))
    }

    #[test]
    fn images_name_their_product_only_on_red_hat_registries() {
        let eap = from_container("registry.redhat.io", "jboss-eap-7/eap74-openjdk11-openshift-rhel8", None);
        assert_eq!(version(eap), Some(("jboss-eap".into(), "7.4".into())));
        let eap6 = from_container("registry.access.redhat.com", "jboss-eap-6/eap64-openshift", Some("1.9"));
        assert_eq!(version(eap6), Some(("jboss-eap".into(), "6.4".into())));
        let cf = from_container("registry.access.redhat.com", "cloudforms46/cfme-openshift-app", Some("latest"));
        assert_eq!(version(cf), Some(("cloudforms".into(), "4.6".into())));
        let release = from_container("quay.io", "openshift-release-dev/ocp-release", Some("4.12.0-x86_64"));
        assert_eq!(version(release), Some(("openshift".into(), "4.12.0".into())));
        assert_eq!(from_container("docker.io", "jboss-eap-7/eap74-openjdk11-openshift-rhel8", None), None);
        assert_eq!(from_container("quay.io", "openshift-release-dev/ocp-release", Some("latest")), None);
    }

    #[test]
    fn parameters_name_openshift_by_name_or_description() {
        let qs = from_parameter("OpenshiftContainerPlatformVersion", Some("OpenShift version to deploy"), "3.11");
        assert_eq!(version(qs), Some(("openshift".into(), "3.11".into())));
        let arm = from_parameter("minorVersion", Some("Minor version of OpenShift 3.11 to deploy"), "69");
        assert_eq!(version(arm), Some(("openshift".into(), "3.11.69".into())));
        assert_eq!(from_parameter("AnsibleVersion", Some("Ansible version"), "2.9"), None);
        assert_eq!(from_parameter("OpenshiftVersion", None, "latest"), None);
        assert_eq!(from_parameter("apiVersion", Some("OpenShift API version"), "v1"), None);
    }
}
