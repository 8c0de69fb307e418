//! The cluster a run's manifests target: OpenShift when any document uses an OpenShift API group
//! (`*.openshift.io`), its network type from `Network.operator.openshift.io`
//! (`spec.defaultNetwork.type`, hybrid overlay under `ovnKubernetesConfig`) or
//! `Network.config.openshift.io` (`spec.networkType`) or an `install-config.yaml`
//! (`networking.networkType`; it cannot configure the hybrid overlay); `--platform` states it
//! when the files cannot.

use entitle_sdk::Workload;
use entitle_sdk::model::{Cluster, Source};

use super::Cx;
use super::objects::Obj;

/// What the documents of one input (or, merged, of a run) say about the cluster.
#[derive(Clone, Debug, Default)]
pub struct ClusterSignals {
    /// The first OpenShift API group seen, and where.
    pub openshift: Option<(String, Source)>,
    /// The cluster network type, and where.
    pub network: Option<(String, Source)>,
    /// Whether hybrid overlay networking is configured, and where the network config is.
    pub hybrid: Option<(bool, Source)>,
}

impl ClusterSignals {
    /// Records what `obj` says.
    pub(crate) fn see(&mut self, cx: &Cx<'_>, obj: &Obj) {
        if self.openshift.is_none() && obj.group.ends_with(".openshift.io") {
            self.openshift = Some((obj.group.clone(), cx.at(&obj.at("/apiVersion"))));
        }
        let (pointer, hybrid) = match (obj.kind.as_str(), obj.group.as_str()) {
            ("Network", "operator.openshift.io") => {
                ("/spec/defaultNetwork/type", Some("/spec/defaultNetwork/ovnKubernetesConfig/hybridOverlayConfig"))
            }
            ("Network", "config.openshift.io") => ("/spec/networkType", None),
            (super::objects::INSTALL_CONFIG, "") => ("/networking/networkType", None),
            _ => return,
        };
        if let Some(t) = obj.text(pointer).filter(|_| self.network.is_none()) {
            self.network = Some((t.to_owned(), cx.at(&obj.at(pointer))));
        }
        if let Some(h) = hybrid.filter(|_| self.hybrid.is_none()) {
            let on = obj.value.pointer(h).is_some_and(|v| !v.is_null());
            let at = if on { obj.at(h) } else { obj.at("/spec/defaultNetwork") };
            self.hybrid = Some((on, cx.at(&at)));
        }
    }

    /// Adds what another input said (the first sighting wins).
    pub fn merge(&mut self, other: &ClusterSignals) {
        if self.openshift.is_none() {
            self.openshift.clone_from(&other.openshift);
        }
        if self.network.is_none() {
            self.network.clone_from(&other.network);
        }
        if self.hybrid.is_none() {
            self.hybrid.clone_from(&other.hybrid);
        }
    }

    /// Sets a workload's cluster from the run's signals and `--platform`.
    pub fn apply(&self, w: &mut Workload, flag: Option<&str>) {
        let mut cluster = Cluster::default();
        match (flag, &self.openshift) {
            (Some(platform), detected) => {
                cluster.platform = Some(platform.to_owned());
                w.evidence.push(format!("cluster platform {platform}: stated with --platform"));
                if let Some((group, _)) = detected.as_ref().filter(|_| platform != "openshift") {
                    w.evidence
                        .push(format!("--platform {platform} overrides the OpenShift API group {group} in the inputs"));
                }
            }
            (None, Some((group, at))) => {
                cluster.platform = Some("openshift".to_owned());
                w.provenance.insert("cluster.platform".into(), at.clone());
                w.evidence.push(format!("cluster platform openshift: the inputs use the OpenShift API group {group}"));
            }
            (None, None) => {
                let why =
                    "no OpenShift API group among the inputs and no --platform: the cluster may be any Kubernetes";
                w.unknown.insert("cluster.platform".into(), why.into());
            }
        }
        if let Some((network, at)) = &self.network {
            cluster.network_type = Some(network.clone());
            w.provenance.insert("cluster.network_type".into(), at.clone());
        }
        if let Some((on, at)) = &self.hybrid {
            cluster.hybrid_overlay = Some(*on);
            w.provenance.insert("cluster.hybrid_overlay".into(), at.clone());
        }
        w.cluster = Some(cluster);
    }
}
