//! Red Hat products other than RHEL that a descriptor deploys (OpenShift, CloudForms,
//! JBoss EAP), and Windows worker nodes of an OpenShift cluster: what the host saw, so
//! the `product-support` policy can judge their lifecycle and support scope.
//!
//! Each value's location is in [`Workload::provenance`](crate::Workload::provenance):
//! `products.<name>` for a product, `windows.version` for a Windows node's release.

use serde::{Deserialize, Serialize};

/// One Red Hat product a workload runs or deploys.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// `openshift`, `cloudforms` or `jboss-eap` (the catalog's `product-lifecycle` names).
    pub name: String,
    /// The release as the descriptor names it (`3.11`, `4.12.3`, `7.4`); `None` when not shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// What named it (`parameter OpenshiftContainerPlatformVersion = 3.11`), for a message.
    pub evidence: String,
}

/// A Windows Server worker node (a MachineSet the Windows Machine Config Operator turns
/// into nodes, or a bring-your-own-host instance).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowsNode {
    /// Windows Server release: `2012-r2`, `2016`, `2019`, `2022`, `2025`; `None` when the
    /// descriptor does not show it (an AMI id, a BYOH address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The platform the node runs on: `aws`, `azure`, `gcp`, `vsphere`, `nutanix` or `none` (BYOH).
    pub platform: String,
    /// A bring-your-own-host instance from the `windows-instances` ConfigMap.
    #[serde(default)]
    pub byoh: bool,
    /// What made it a Windows node and its release (`offer WindowsServer, sku 2019-Datacenter`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}
