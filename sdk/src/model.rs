//! The canonical deployment model: the only thing policies must understand.
//!
//! Every front-end (ARM, Terraform, CloudFormation, Kubernetes, native, …) turns its
//! format into [`Workload`]s. A value the descriptor does not show stays `None`, with
//! the reason in [`Workload::unknown`]; every value keeps where it came from in
//! [`Workload::provenance`], so the host can put any finding at its line.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::products::{Product, WindowsNode};
pub use crate::support::{Evidence, HaMembership, Instance, KernelChange, NetworkPlacement, SapWorkload, Strength};

/// One input file's workloads, as handed to a policy.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    /// The input file, as the user named it.
    pub path: String,
    /// The detected format (`arm`, `native`, …).
    pub format: String,
    /// Every compute workload found in the input.
    pub workloads: Vec<Workload>,
}

/// Where a value came from: file, JSON pointer, and the line and column the host resolved.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Source {
    /// The file, as the user named it.
    pub path: String,
    /// RFC 6901 pointer into the parsed document.
    pub pointer: String,
    /// 1-based line, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column (in characters), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

/// How the RHEL fee is paid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BillingModel {
    /// Pay-as-you-go: the fee is on the cloud bill.
    Payg,
    /// Bring your own subscription (Red Hat Cloud Access).
    Byos,
    /// The descriptor does not say; see [`Workload::unknown`].
    #[default]
    Unknown,
}

/// The image a workload boots, as the descriptor names it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// A one-line display form (`RedHat:RHEL:7.2:latest`, an AMI id, a container reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Azure publisher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Azure offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// Azure SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// Image version (`latest` or a pinned build).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// A resource id, AMI id or image name when the image is not a marketplace URN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Azure marketplace plan (top-level `plan` of the resource).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    /// AWS: the AMI's owner account or alias, when the descriptor shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// AWS: the AMI's or instance's usage operation (`RunInstances:0010`), when shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_operation: Option<String>,
}

impl Image {
    /// `publisher:offer:sku:version` when publisher, offer and sku are known
    /// (version `latest` when absent).
    pub fn urn(&self) -> Option<String> {
        let (p, o, s) = (self.publisher.as_ref()?, self.offer.as_ref()?, self.sku.as_ref()?);
        Some(format!("{p}:{o}:{s}:{}", self.version.as_deref().unwrap_or("latest")))
    }
}

/// An Azure marketplace purchase plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Plan name (the SKU for `rhel-byos`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Plan publisher (`redhat`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Plan product (`rhel-byos`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
}

/// The operating system inside the image.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Os {
    /// `redhat`, `canonical`, `suse`, `microsoft`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// `rhel`, `ubuntu`, `sles`, `windows`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Major release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub major: Option<u32>,
    /// Minor release; `None` for an image that rolls to the latest minor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minor: Option<u32>,
    /// Update stream: `standard` (rolls forward), `eus`, `e4s` or `els`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
}

/// Who pays for RHEL, and any licence override.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Billing {
    /// The effective model.
    #[serde(default)]
    pub model: BillingModel,
    /// Azure `licenseType` (Terraform `license_type`) as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_type: Option<String>,
}

/// A different deployment the descriptor can become when a parameter takes another value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alternative {
    /// The choice that makes it (`parameter rhelOSVersion = 6.7`).
    pub when: String,
    /// The image under that choice.
    #[serde(default)]
    pub image: Image,
    /// The OS under that choice.
    #[serde(default)]
    pub os: Os,
    /// The billing under that choice.
    #[serde(default)]
    pub billing: Billing,
    /// The add-ons under that choice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addons: Vec<String>,
    /// The resource's name under that choice, when the choice changes it
    /// (`…/jboss-byos-server0` where the default deploys `…/jboss-payg-server0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Field path → where the value came from under that choice (as
    /// [`Workload::provenance`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub provenance: BTreeMap<String, Source>,
    /// Field path → the chain the value travelled under that choice, outermost first (as
    /// [`Workload::trail`]): the chosen parameter's value, each lookup, the literal.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub trail: BTreeMap<String, Vec<Source>>,
}

/// Stands for one part of a partly known string (U+FFFC OBJECT REPLACEMENT CHARACTER):
/// `concat('register --org ', parameters('orgId'))` with no value for `orgId` is
/// `"register --org \u{FFFC}"`. A word made of or containing a hole is not known; the
/// known words around it are.
pub const HOLE: char = '\u{FFFC}';

/// Boot-time configuration a descriptor carries: custom data / cloud-init, user data,
/// startup scripts, VM extensions and their command lines.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootConfig {
    /// `custom_data`, `user_data`, `startup_script` or `extension`.
    pub kind: String,
    /// Extension publisher (`Microsoft.Azure.Extensions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Extension type (`CustomScript`, `AHBForRHEL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_type: Option<String>,
    /// The script or command line, decoded from base64 where it was encoded. A script
    /// built from known text and values that are not known (a secure parameter without a
    /// default) keeps its known text, with [`HOLE`] standing for each unknown part; `unknown`
    /// then says why those parts are not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Why the text (or, when `text` holds [`HOLE`]s, part of it) is not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
    /// Where it is declared.
    #[serde(default)]
    pub source: Source,
}

/// Evidence that a workload registers with Red Hat (RHSM, Satellite, `rhc`) or attaches
/// a subscription when it boots, found in a boot script or a machine's OS settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// `register`, `attach`, `auto_attach`, `pool`, `activation_key`, `satellite` or
    /// `rhc_connect`.
    pub action: String,
    /// The command or setting as written, with secrets redacted.
    pub text: String,
    /// Where it is declared.
    #[serde(default)]
    pub source: Source,
}

/// The cluster a Kubernetes, OpenShift or KubeVirt workload (or a cluster's machine) runs on:
/// stated with `--platform`, or detected from the documents of the run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// `openshift`, `aks`, `eks`, `gke` or `kubernetes` (a cluster of no known distribution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// OpenShift's cluster network type (`OVNKubernetes`, `OpenShiftSDN`), from `Network.operator.openshift.io`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_type: Option<String>,
    /// Whether OVN-Kubernetes hybrid overlay networking is configured (Windows nodes need it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hybrid_overlay: Option<bool>,
}

/// The fields of a [`Workload`] a policy can name in its metadata's `workload_fields`: every
/// field but the ones each workload carries (`id`, `kind`, `provider`, `resource`, `source`),
/// `properties` (`reads_properties`) and what stays with the host (`alternatives`, which
/// reach a policy as workloads of their own, `provenance` and `trail`).
pub const WORKLOAD_FIELDS: [&str; 19] = [
    "count",
    "region",
    "image",
    "os",
    "billing",
    "addons",
    "unknown",
    "evidence",
    "boot",
    "registration",
    "cluster",
    "ha",
    "sap",
    "instance",
    "kernel",
    "network",
    "products",
    "windows",
    "tags",
];

/// One compute thing: a VM, scale set, launch template, instance template, pod template, …
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// Unique within the input: the resource's address or type/name.
    pub id: String,
    /// `vm`, `scale_set`, `launch_template`, `instance_template`, `pod`, `virtual_machine`, …
    pub kind: String,
    /// `azure`, `aws`, `gcp`, `kubernetes` or `unknown`.
    pub provider: String,
    /// The resource as a reviewer knows it (`Microsoft.Compute/virtualMachines/web1`).
    pub resource: String,
    /// Where the workload is declared.
    pub source: Source,
    /// How many instances (`None` when it depends on something unknown).
    #[serde(default)]
    pub count: Option<u64>,
    /// Region or location, when literal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The image.
    #[serde(default)]
    pub image: Image,
    /// The OS derived from the image (or declared, in the native descriptor).
    #[serde(default)]
    pub os: Os,
    /// The billing model.
    #[serde(default)]
    pub billing: Billing,
    /// Add-ons declared or implied by the image: `els`, `eus`, `e4s`, `ha`, `sap`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addons: Vec<String>,
    /// Other deployments a parameter choice can produce.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Alternative>,
    /// Field path → why the value is not known.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unknown: BTreeMap<String, String>,
    /// How a derived value was reached (`offer rhel-byos → BYOS`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// Boot-time configuration (custom data, extensions, startup scripts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boot: Vec<BootConfig>,
    /// Red Hat registration or subscription attach configured for boot.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registration: Vec<Registration>,
    /// The cluster it runs on (Kubernetes front-end only; `cluster.platform` is unknown with a
    /// reason when neither the documents nor `--platform` say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Cluster>,
    /// Membership in a high-availability cluster, when any evidence shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ha: Option<HaMembership>,
    /// An SAP workload on the machine, when any evidence shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sap: Option<SapWorkload>,
    /// The machine's size and architecture (`instance.size` has provenance like any field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<Instance>,
    /// Kernel changes at boot or in machine configuration that leave Red Hat's support scope.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kernel: Vec<KernelChange>,
    /// The network and subnet the machine is attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkPlacement>,
    /// Red Hat products other than RHEL it runs or deploys (OpenShift, CloudForms, JBoss EAP).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<Product>,
    /// A Windows Server worker node of an OpenShift cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows: Option<WindowsNode>,
    /// Tag key → value: Azure tags, AWS `Tags`/`tags`, GCP labels, Kubernetes labels and
    /// annotations, the entitle descriptor's `tags`. A value the descriptor does not show is
    /// `None`, with the reason in [`Workload::unknown`] under `tags.<key>`; when the set of
    /// tags itself is not wholly known (a parameter without a value), `unknown["tags"]` says
    /// why and any key not listed may still be there. Read it with [`Workload::tag`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, Option<String>>,
    /// The resource body as the front-end evaluated it (ARM expressions, CloudFormation
    /// intrinsics, Terraform values applied; a value not known before deployment is `null`,
    /// with the reason in [`Workload::unknown`] under `properties.<path>`). A finding's
    /// field `properties.<path>` (members joined by `.`, array items by index) is placed at
    /// that member's line. Only sent to policies whose metadata sets `reads_properties`;
    /// `null` otherwise and for workloads with no resource body.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub properties: serde_json::Value,
    /// Field path → where its value came from: the place a user would edit.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub provenance: BTreeMap<String, Source>,
    /// Field path → the chain the value travelled before it (variables, parameter
    /// defaults, parameters-file values, linked templates' outputs), outermost first.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub trail: BTreeMap<String, Vec<Source>>,
}

/// A tag as [`Workload::tag`] finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag<'a> {
    /// The tag is set to this value.
    Present(&'a str),
    /// The tag is not set (and the set of tags is wholly known).
    Absent,
    /// The tag's value, or whether the tag is set at all, is not known; the reason says why.
    Unknown(&'a str),
}

impl Tag<'_> {
    /// True when the tag is known to be set.
    pub fn is_present(&self) -> bool {
        matches!(self, Tag::Present(_))
    }

    /// True when the tag is known not to be set.
    pub fn is_absent(&self) -> bool {
        matches!(self, Tag::Absent)
    }
}

impl Workload {
    /// Resets to its default every field of [`WORKLOAD_FIELDS`] that `keep` does not name: what
    /// the host does before sending a workload to a policy that lists its `workload_fields`.
    /// Every field is named here, so a new one is a compile error rather than one never sent.
    pub fn keep_fields(&mut self, keep: impl Fn(&str) -> bool) {
        let Workload {
            id: _,
            kind: _,
            provider: _,
            resource: _,
            source: _,
            count,
            region,
            image,
            os,
            billing,
            addons,
            alternatives: _,
            unknown,
            evidence,
            boot,
            registration,
            cluster,
            ha,
            sap,
            instance,
            kernel,
            network,
            products,
            windows,
            tags,
            properties: _,
            provenance: _,
            trail: _,
        } = self;
        if !keep("count") {
            *count = Default::default();
        }
        if !keep("region") {
            *region = Default::default();
        }
        if !keep("image") {
            *image = Default::default();
        }
        if !keep("os") {
            *os = Default::default();
        }
        if !keep("billing") {
            *billing = Default::default();
        }
        if !keep("addons") {
            *addons = Default::default();
        }
        if !keep("unknown") {
            *unknown = Default::default();
        }
        if !keep("evidence") {
            *evidence = Default::default();
        }
        if !keep("boot") {
            *boot = Default::default();
        }
        if !keep("registration") {
            *registration = Default::default();
        }
        if !keep("cluster") {
            *cluster = Default::default();
        }
        if !keep("ha") {
            *ha = Default::default();
        }
        if !keep("sap") {
            *sap = Default::default();
        }
        if !keep("instance") {
            *instance = Default::default();
        }
        if !keep("kernel") {
            *kernel = Default::default();
        }
        if !keep("network") {
            *network = Default::default();
        }
        if !keep("products") {
            *products = Default::default();
        }
        if !keep("windows") {
            *windows = Default::default();
        }
        if !keep("tags") {
            *tags = Default::default();
        }
    }
}

impl Workload {
    /// The tag `key` (exact key): present with its value, absent, or unknown with why. A
    /// finding about it names the field `tags.<key>`; the host places a present or unknown
    /// tag at its value and an absent one at the resource.
    pub fn tag(&self, key: &str) -> Tag<'_> {
        const NOT_KNOWN: &str = "the tag's value is not known";
        match self.tags.get(key) {
            Some(Some(value)) => Tag::Present(value),
            Some(None) => Tag::Unknown(self.unknown.get(&format!("tags.{key}")).map_or(NOT_KNOWN, String::as_str)),
            None => match self.unknown.get("tags") {
                Some(why) => Tag::Unknown(why),
                None => Tag::Absent,
            },
        }
    }

    /// True when the OS is known to be Red Hat Enterprise Linux.
    pub fn is_rhel(&self) -> bool {
        self.os.product.as_deref() == Some("rhel")
    }

    /// True when the add-on is declared or implied (case-insensitive).
    pub fn has_addon(&self, addon: &str) -> bool {
        self.addons.iter().any(|a| a.eq_ignore_ascii_case(addon))
    }

    /// `major.minor` or `major` for display (`7.9`, `9`).
    pub fn release(&self) -> Option<String> {
        match (self.os.major, self.os.minor) {
            (Some(major), Some(minor)) => Some(format!("{major}.{minor}")),
            (Some(major), None) => Some(major.to_string()),
            _ => None,
        }
    }

    /// A display name for the image: its reference, id, or `an image of unknown identity`.
    pub fn image_display(&self) -> String {
        self.image
            .reference
            .clone()
            .or_else(|| self.image.id.clone())
            .unwrap_or_else(|| "an image of unknown identity".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workload with every field of [`WORKLOAD_FIELDS`] set to something other than its default.
    fn full() -> Workload {
        Workload {
            id: "vm".into(),
            count: Some(2),
            region: Some("eastus".into()),
            image: Image { publisher: Some("RedHat".into()), ..Default::default() },
            os: Os { product: Some("rhel".into()), ..Default::default() },
            billing: Billing { model: BillingModel::Byos, ..Default::default() },
            addons: vec!["ha".into()],
            unknown: [("count".to_owned(), "a parameter".to_owned())].into(),
            evidence: vec!["offer rhel-byos".into()],
            boot: vec![BootConfig::default()],
            registration: vec![Registration::default()],
            cluster: Some(Cluster::default()),
            ha: Some(HaMembership::default()),
            sap: Some(SapWorkload::default()),
            instance: Some(Instance::default()),
            kernel: vec![KernelChange::default()],
            network: Some(NetworkPlacement::default()),
            products: vec![Product::default()],
            windows: Some(WindowsNode::default()),
            tags: [("team".to_owned(), None)].into(),
            ..Default::default()
        }
    }

    fn json(w: &Workload) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::to_value(w).expect("serialises") {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("a workload is an object"),
        }
    }

    #[test]
    fn each_field_named_is_the_member_it_resets() {
        let full = json(&full());
        for name in WORKLOAD_FIELDS {
            let mut w = self::full();
            w.keep_fields(|f| f != name);
            let kept = json(&w);
            let changed: Vec<&String> = full.keys().filter(|k| kept.get(*k) != full.get(*k)).collect();
            assert_eq!(changed, [name], "resetting `{name}`");
        }
        let mut w = self::full();
        w.keep_fields(|_| true);
        assert_eq!(json(&w), full);
        w.keep_fields(|_| false);
        let default = Workload { id: "vm".into(), ..Default::default() };
        assert_eq!(w, default);
    }
}
