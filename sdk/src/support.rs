//! Support-scope signals: what the host saw that decides whether Red Hat supports a
//! machine (HA cluster membership, an SAP workload, the instance size and architecture,
//! kernel changes, the network it sits in), each with its evidence and how sure it is.
//!
//! A signal never decides on a name alone: [`Strength::Weak`] evidence (an SAP-sounding
//! resource name) may inform a message, never an error.

use serde::{Deserialize, Serialize};

use crate::model::Source;

/// How sure a signal is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strength {
    /// A name or a habit only (a VM called `hana-db1`).
    #[default]
    Weak,
    /// Something that acts: a fence-agent role assignment, `pcs cluster setup` at boot.
    Strong,
    /// Said outright (the entitle descriptor's `cluster` or `workload`).
    Declared,
}

/// One piece of evidence for a signal: what was seen, and where.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// What was seen, for a message (`role assignment 'fence-agent' grants powerOff`),
    /// with secrets redacted.
    pub text: String,
    /// How sure this piece is on its own.
    #[serde(default)]
    pub strength: Strength,
    /// Where it is declared.
    #[serde(default)]
    pub source: Source,
}

/// Membership in a high-availability (Pacemaker) cluster.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HaMembership {
    /// Shared by every member of the same cluster within the input.
    pub id: String,
    /// `pacemaker` (the only kind RHEL HA supports) or what the descriptor declares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The fencing method when it can be seen: `azure-fence-agent`, `fence_aws`,
    /// `fence_gce`, `sbd`, `watchdog`, or another agent's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fencing: Option<String>,
    /// The strongest of the evidence.
    #[serde(default)]
    pub strength: Strength,
    /// Everything that made it a member, sorted by place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// An SAP workload on the machine.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SapWorkload {
    /// `sap-hana`, `s4hana`, `netweaver`, or `sap` when the product cannot be told.
    pub kind: String,
    /// The strongest of the evidence.
    #[serde(default)]
    pub strength: Strength,
    /// Everything that made it SAP, sorted by place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// The machine's size, from the descriptor and the catalog's table of sizes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// The size as written (`Standard_M64s`, `m7g.large`, `n2-highmem-8`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// The size's family in the catalog (`M`, `m7g`, `n2-highmem`), when the catalog knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// vCPUs, from the catalog (or declared in the entitle descriptor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcpus: Option<u32>,
    /// `x86_64` or `arm64`, from the catalog, the image, or the descriptor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
}

/// A change to the kernel that takes a machine out of Red Hat's support scope.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelChange {
    /// `third-party-kernel`, `dkms`, `out-of-tree-module`, `live-patch` or `kernel-rpm`.
    pub kind: String,
    /// The command or setting as written, with secrets redacted.
    pub text: String,
    /// How sure: a command that runs is `strong`, a declaration `declared`.
    #[serde(default)]
    pub strength: Strength,
    /// Where it is declared: the boot entry's line.
    #[serde(default)]
    pub source: Source,
}

/// Where the machine sits in the network, as far as the descriptor shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkPlacement {
    /// The virtual network (Azure VNet, AWS VPC, GCP network), as a name or id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// The subnet, as a name or id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet: Option<String>,
}
