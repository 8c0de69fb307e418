//! `OCP-WINDOWS-UNSUPPORTED`: a Windows node's Windows Server release against the catalog's
//! WMCO table for its platform, and the cluster network against the WMCO network requirement.

use entitle_sdk::catalog::WmcoRow;
use entitle_sdk::context::OrgContext;
use entitle_sdk::{Evaluation, Finding, Severity, Workload};

use crate::OCP_WINDOWS;

/// The findings for one workload (none unless it is a Windows node).
pub fn check(eval: &Evaluation, w: &Workload) -> Vec<Finding> {
    let Some(node) = &w.windows else { return Vec::new() };
    let table = &eval.catalog.wmco;
    let rows = table.platform(&node.platform);
    let supported = |rows: &[&WmcoRow]| {
        let mut v: Vec<String> = rows.iter().map(|r| format!("Windows Server {}", r.windows_server)).collect();
        v.dedup();
        if v.is_empty() { "no Windows Server release".to_owned() } else { v.join(", ") }
    };
    let place = if node.byoh { "a bring-your-own-host instance".to_owned() } else { platform_name(&node.platform) };
    let mut out = Vec::new();
    let network = network(eval, w);
    match &node.version {
        Some(version) if !rows.iter().any(|r| r.windows_server == *version) => {
            let mut f = Finding::new(
                OCP_WINDOWS,
                w,
                "windows.version",
                format!(
                    "Windows Server {version} is not supported for OpenShift Windows nodes on {place}: the Windows Machine Config Operator supports {} there",
                    supported(&rows)
                ),
            );
            f = node.evidence.iter().fold(f, |f, e| f.evidence(e.clone()));
            for r in &rows {
                f = f.evidence(row_text(r));
            }
            if node.platform == "vsphere" && version == "2019" {
                f = f.evidence("vSphere needs hybrid OVN-Kubernetes with a custom VXLAN port, which Windows Server 2019 does not support");
            }
            if let Network::NotChecked(why) = &network {
                f = f.evidence(format!("network not checked: {why}"));
            }
            out.push(f.fix(format!("Use a {} image for the Windows MachineSet.", supported(&rows))));
        }
        Some(version) => {
            // The release is supported on the platform: is the cluster new enough for it?
            let row = rows.iter().find(|r| r.windows_server == *version);
            if let (Some(row), Some((ocp, named))) = (row, crate::ocp_version::of_input(eval))
                && crate::ocp_version::older(&ocp, &row.min_ocp)
            {
                let f = Finding::new(
                    OCP_WINDOWS,
                    w,
                    "windows.version",
                    format!(
                        "Windows Server {version} nodes on {place} need OpenShift {} or later (WMCO {}), but the cluster runs OpenShift {ocp}",
                        row.min_ocp, row.min_wmco
                    ),
                )
                .evidence(format!("OpenShift {ocp}: {named}"))
                .evidence(row_text(row));
                out.push(f.fix(format!(
                    "Update the cluster to OpenShift {} or later before adding Windows nodes, with WMCO {} or later.",
                    row.min_ocp, row.min_wmco
                )));
            }
        }
        None if !node.byoh => {
            let why = w.unknown.get("windows.version").cloned().unwrap_or_else(|| "the release is not shown".into());
            out.push(
                Finding::new(
                    OCP_WINDOWS,
                    w,
                    "windows.version",
                    format!("The Windows Server release of this Windows node on {place} is not checked: {why}"),
                )
                .severity(Severity::Info)
                .evidence(format!("supported on {place}: {}", supported(&rows))),
            );
        }
        None => {}
    }
    match network {
        Network::Bad(field, message, from_context) => {
            let n = &table.network;
            let mut f = Finding::new(OCP_WINDOWS, w, field, format!("{message} (Windows node {})", w.resource));
            if let Some(pointer) = from_context {
                f = f.rests_on_context(pointer).evidence("the cluster network as the org context states it (openshift_network): no Network object or install-config.yaml in the run shows it");
            }
            out.push(
                f
                    .evidence(format!(
                        "catalog wmco.json network: {} with hybrid overlay ({}, {}){}",
                        n.network_type,
                        n.confidence.as_str(),
                        n.source,
                        n.note.as_ref().map(|t| format!("; {t}")).unwrap_or_default()
                    ))
                    .fix("Windows nodes need OVN-Kubernetes with hybrid overlay networking (spec.defaultNetwork.ovnKubernetesConfig.hybridOverlayConfig), set when the cluster is installed."),
            );
        }
        Network::NotChecked(why) if out.is_empty() => {
            out.push(
                Finding::new(
                    OCP_WINDOWS,
                    w,
                    "windows",
                    format!("The cluster network of this Windows node is not checked: {why}"),
                )
                .severity(Severity::Info)
                .evidence(format!("Windows nodes need {} with hybrid overlay networking", table.network.network_type)),
            );
        }
        _ => {}
    }
    out
}

enum Network {
    Fine,
    /// The field the finding rests on, the message, and the org context entry when the
    /// network comes from there.
    Bad(&'static str, String, Option<&'static str>),
    NotChecked(String),
}

fn network(eval: &Evaluation, w: &Workload) -> Network {
    let need = &eval.catalog.wmco.network;
    let mut cluster = w.cluster.clone().unwrap_or_default();
    // The run's files win; the org context speaks only when they show nothing.
    let stated = (cluster.network_type.is_none() && cluster.hybrid_overlay.is_none())
        .then(|| OrgContext::from_evaluation(eval).ok().flatten().and_then(|c| c.openshift_network))
        .flatten();
    let from_context = stated.is_some();
    if let Some(n) = stated {
        (cluster.network_type, cluster.hybrid_overlay) = (Some(n.network_type), n.hybrid_overlay);
    }
    // A network stated in the org context has no place in the workload: the finding goes to
    // the Windows node's image, and the context entry joins its trail.
    let (type_field, hybrid_field) = if from_context {
        ("windows.version", "windows.version")
    } else {
        ("cluster.network_type", "cluster.hybrid_overlay")
    };
    let entry = |pointer: &'static str| from_context.then_some(pointer);
    match (cluster.network_type.as_deref(), cluster.hybrid_overlay) {
        (Some(t), _) if !t.eq_ignore_ascii_case(&need.network_type) => Network::Bad(
            type_field,
            format!("The cluster network type is {t}: Windows nodes are supported only with {} hybrid networking", need.network_type),
            entry("/openshift_network/network_type"),
        ),
        (_, Some(false)) if need.hybrid_overlay => Network::Bad(
            hybrid_field,
            format!("The cluster's {} network configures no hybrid overlay: Windows nodes need hybrid overlay networking", need.network_type),
            entry("/openshift_network/hybrid_overlay"),
        ),
        (_, Some(true)) | (_, Some(false)) => Network::Fine,
        (Some(_), None) if from_context => Network::NotChecked(
            "the org context states OVN-Kubernetes but not whether the hybrid overlay is configured (openshift_network.hybrid_overlay)".into(),
        ),
        (Some(_), None) => Network::NotChecked(
            "the network type is OVN-Kubernetes, but no Network.operator.openshift.io object in the run shows the hybrid overlay".into(),
        ),
        (None, None) => Network::NotChecked(
            "no Network object or install-config.yaml in the run, and no openshift_network in the org context, shows the cluster network".into(),
        ),
    }
}

fn platform_name(platform: &str) -> String {
    match platform {
        "aws" => "AWS",
        "azure" => "Azure",
        "gcp" => "GCP",
        "vsphere" => "vSphere",
        "nutanix" => "Nutanix",
        other => other,
    }
    .to_owned()
}

fn row_text(r: &WmcoRow) -> String {
    format!(
        "catalog wmco.json: {} Windows Server {} from OpenShift {} / WMCO {} ({}, {})",
        r.platform,
        r.windows_server,
        r.min_ocp,
        r.min_wmco,
        r.confidence.as_str(),
        r.source
    )
}
