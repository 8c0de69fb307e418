//! Kubernetes, OpenShift and KubeVirt manifests: pods and their controllers, OpenShift templates,
//! image streams and builds, KubeVirt virtual machines and machine provisioning objects, turned
//! into workloads. What only the whole run can settle (an image stream in another file, the
//! cluster the objects target) is finished by [`resolve::resolve_run`] once every input is read.

mod body;
mod cluster;
mod containers;
mod kubevirt;
mod machine_config;
mod machines;
mod objects;
mod os_names;
mod release;
mod resolve;
mod streams;
mod template;
mod windows;

use entitle_sdk::model::Source;
use entitle_sdk::{Catalog, Workload};
use serde_json::Value;

pub use cluster::ClusterSignals;
pub use resolve::resolve_run;

use super::Extracted;
use crate::document::Document;
use objects::Obj;

/// What one input holds that the run-wide pass needs.
#[derive(Clone, Debug, Default)]
pub struct RunFacts {
    /// Workloads whose image is an image stream tag, to be looked up in every input.
    pub links: Vec<StreamLink>,
    /// Image stream tags declared: (namespace, stream, tag, workload id).
    pub tags: Vec<(Option<String>, String, String, String)>,
    /// OpenShift API groups and network configuration seen.
    pub cluster: ClusterSignals,
}

/// A workload whose image is named through an image stream tag.
#[derive(Clone, Debug)]
pub struct StreamLink {
    /// The workload's id (within its input).
    pub workload: String,
    /// The image stream's namespace, when named.
    pub namespace: Option<String>,
    /// The image stream.
    pub stream: String,
    /// The tag.
    pub tag: String,
    /// Where the reference is written.
    pub at: Source,
}

/// True when the document is a Kubernetes object (or a `List` / OpenShift `Template` of them):
/// a string `apiVersion` and `kind`; or an OpenShift `install-config.yaml`, whose cluster
/// network the Windows node rule reads.
pub fn detect(doc: &Document) -> bool {
    let Value::Object(top) = &doc.value else { return false };
    let text = |k: &str| top.get(k).and_then(Value::as_str).is_some_and(|s| !s.trim().is_empty());
    text("apiVersion") && (text("kind") || objects::is_install_config(&doc.value))
}

/// The workloads of one document.
pub fn workloads(path: &str, doc: &Document, catalog: &Catalog) -> Extracted {
    let mut out = Extracted::default();
    let (objects, params) = objects::objects(doc);
    let cx = Cx { path, doc, catalog, params: &params };
    for obj in &objects {
        out.k8s.cluster.see(&cx, obj);
        let found = match obj.kind.as_str() {
            "ImageStream" => {
                let tags = streams::image_stream(&cx, obj, &mut out.k8s.links);
                for w in &tags {
                    let tag = w.id.rsplit_once(':').map_or("", |(_, t)| t).to_owned();
                    out.k8s.tags.push((obj.namespace.clone(), obj.name.clone(), tag, w.id.clone()));
                }
                tags
            }
            "BuildConfig" => streams::build_config(&cx, obj, &mut out.k8s.links),
            "VirtualMachine" | "VirtualMachineInstance" => kubevirt::virtual_machine(&cx, obj),
            "ClusterVersion" => release::cluster_version(&cx, obj),
            "ConfigMap" => windows::byoh(&cx, obj),
            "MachineSet" | "Machine" | "MachineDeployment" | "AWSMachineTemplate" | "AzureMachineTemplate" => {
                machines::machine(&cx, obj)
            }
            "MachineConfig" => machine_config::machine_config(&cx, obj),
            _ => containers::pod_workloads(&cx, obj, &mut out.k8s.links),
        };
        out.workloads.extend(found);
    }
    out
}

/// What the builders share for one document.
pub(crate) struct Cx<'a> {
    /// The input as shown.
    pub path: &'a str,
    /// The document (positions).
    pub doc: &'a Document,
    /// The catalog.
    pub catalog: &'a Catalog,
    /// The OpenShift template parameters applied (empty outside a template).
    pub params: &'a template::Params,
}

impl Cx<'_> {
    /// A located source for `pointer` in this document.
    pub fn at(&self, pointer: &str) -> Source {
        let position = self.doc.nearest_position(pointer);
        Source {
            path: self.path.to_owned(),
            pointer: pointer.to_owned(),
            line: Some(position.line),
            column: Some(position.column),
        }
    }

    /// Where the template parameters substituted into the value at `pointer` are declared.
    pub fn trail(&self, pointer: &str) -> Vec<Source> {
        self.params.used_at(pointer).into_iter().map(|p| self.at(&p)).collect()
    }

    /// A workload of `obj` with its id, kind, provider and source.
    pub fn workload(&self, obj: &Obj, kind: &str, id: String, provider: &str) -> Workload {
        let mut w = Workload {
            id,
            kind: kind.to_owned(),
            provider: provider.to_owned(),
            resource: obj.resource(),
            source: self.at(&obj.pointer),
            ..Workload::default()
        };
        body::record(&mut w, self, obj);
        w
    }

    /// Why a string still holding `${X}` is not known.
    pub fn unresolved(&self, text: &str) -> Option<String> {
        self.params.unresolved(text)
    }
}

/// Records `field` as coming from `at` with the parameters' trail.
pub(crate) fn provenance(w: &mut Workload, cx: &Cx<'_>, field: &str, pointer: &str) {
    w.provenance.insert(field.to_owned(), cx.at(pointer));
    let trail = cx.trail(pointer);
    if !trail.is_empty() {
        w.trail.insert(field.to_owned(), trail);
    }
}

/// A replica count at `pointer` of `obj` (`default` when absent), or why it is unknown.
pub(crate) fn replicas(cx: &Cx<'_>, obj: &Obj, pointer: &str, default: u64, w: &mut Workload) {
    match obj.value.pointer(pointer) {
        None => {
            w.count = Some(default);
            w.evidence
                .push(format!("no {} is written: the default {default}", pointer.rsplit('/').next().unwrap_or("")));
        }
        Some(v) => match v.as_u64() {
            Some(n) => {
                w.count = Some(n);
                provenance(w, cx, "count", &format!("{}{pointer}", obj.pointer));
            }
            None => {
                let text = v.as_str().unwrap_or_default();
                let why = cx.unresolved(text).unwrap_or_else(|| format!("the replica count {v} is not a number"));
                w.unknown.insert("count".into(), why);
                provenance(w, cx, "count", &format!("{}{pointer}", obj.pointer));
            }
        },
    }
}

#[cfg(test)]
mod tests;
