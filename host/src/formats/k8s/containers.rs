//! Containers of pods and of the controllers that make pods (Deployment, StatefulSet, DaemonSet,
//! ReplicaSet, ReplicationController, Job, CronJob, OpenShift DeploymentConfig): one workload of
//! kind `container` per container, counted by the controller's replicas, its image classified
//! or, when an OpenShift image trigger sets it, named through an image stream tag.

use entitle_sdk::Workload;
use serde_json::Value;

use super::objects::Obj;
use super::{Cx, StreamLink, provenance, replicas};
use crate::classify::{classify_container, classify_stream_tag, parse_container_image};
use crate::formats::apply_classification_at;

/// The annotation OpenShift reads image triggers from.
const TRIGGERS: &str = "image.openshift.io/triggers";

/// The container lists of a pod spec.
const LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

/// An image trigger: which container it sets, and from what.
struct Trigger {
    list: String,
    container: Selector,
    kind: String,
    name: String,
    namespace: Option<String>,
    /// Where the trigger is written.
    at: String,
    /// How to describe it in evidence.
    how: String,
}

enum Selector {
    Name(String),
    Index(usize),
}

/// The container workloads of `obj`, if it is a pod or makes pods.
pub fn pod_workloads(cx: &Cx<'_>, obj: &Obj, links: &mut Vec<StreamLink>) -> Vec<Workload> {
    let (spec, count) = match obj.kind.as_str() {
        "Pod" => ("/spec", None),
        "Deployment" | "StatefulSet" | "ReplicaSet" | "ReplicationController" | "DeploymentConfig" => {
            ("/spec/template/spec", Some("/spec/replicas"))
        }
        "DaemonSet" => ("/spec/template/spec", None),
        "Job" => ("/spec/template/spec", Some("/spec/parallelism")),
        "CronJob" => ("/spec/jobTemplate/spec/template/spec", Some("/spec/jobTemplate/spec/parallelism")),
        _ => return Vec::new(),
    };
    let (triggers, problem) = triggers(obj);
    let mut out = Vec::new();
    for list in LISTS {
        let containers = obj.value.pointer(&format!("{spec}/{list}")).and_then(Value::as_array);
        for (i, c) in containers.into_iter().flatten().enumerate() {
            let name = c.get("name").and_then(Value::as_str).map_or_else(|| i.to_string(), str::to_owned);
            let mut w = cx.workload(obj, "container", format!("{}/{list}/{name}", obj.resource()), "kubernetes");
            w.evidence.push(format!("container {name} ({list}) of {}", obj.resource()));
            match (obj.kind.as_str(), count) {
                ("DaemonSet", _) => {
                    w.unknown.insert(
                        "count".into(),
                        "a DaemonSet runs one pod on every matching node; the node count is not in the descriptor"
                            .into(),
                    );
                }
                (_, Some(at)) => replicas(cx, obj, at, 1, &mut w),
                (_, None) => w.count = Some(1),
            }
            if let Some(problem) = &problem {
                w.evidence.push(problem.clone());
            }
            if obj.kind == "CronJob" {
                w.evidence.push("a CronJob runs its pods on a schedule: the count is per run".into());
            }
            let image_at = obj.at(&format!("{spec}/{list}/{i}/image"));
            let chosen = triggers.iter().find(|t| {
                t.list == list
                    && match &t.container {
                        Selector::Name(n) => *n == name,
                        Selector::Index(n) => *n == i,
                    }
            });
            match chosen {
                Some(t) => {
                    let written = c.get("image").and_then(Value::as_str).unwrap_or("").trim();
                    let shown = if written.is_empty() { "blank".to_owned() } else { format!("`{written}`") };
                    w.evidence.push(format!("the written image is {shown}; {} sets it", t.how));
                    let namespace = t.namespace.as_deref().or(obj.namespace.as_deref());
                    from_reference(cx, &mut w, &t.kind, &t.name, namespace, &t.at, links);
                }
                None => image(cx, &mut w, c.get("image").and_then(Value::as_str), &image_at),
            }
            out.push(w);
        }
    }
    out
}

/// Classifies a container image reference written at `at`.
pub fn image(cx: &Cx<'_>, w: &mut Workload, text: Option<&str>, at: &str) {
    provenance(w, cx, "image", at);
    let Some(text) = text else {
        w.unknown.insert("image".into(), "no image is written".into());
        return;
    };
    let Some(r) = parse_container_image(text) else {
        let why = cx.unresolved(text).unwrap_or_else(|| match text.trim() {
            "" => "the image is blank and no image trigger sets it".to_owned(),
            t => format!("`{t}` is not a container image reference"),
        });
        w.unknown.insert("image".into(), why);
        w.unknown.insert("os.product".into(), "the image is not known".into());
        return;
    };
    w.image.reference = Some(text.trim().to_owned());
    (w.image.publisher, w.image.offer) = (Some(r.registry.clone()), Some(r.repository.clone()));
    (w.image.version, w.image.id) = (r.tag.clone(), r.digest.clone());
    if r.registry_implicit {
        w.evidence.push(format!("{text} names no registry: it is pulled from {}", r.registry));
    }
    apply_classification_at(w, classify_container(&r, cx.catalog), &cx.at(at), &cx.trail(at));
    if let Some(product) = crate::formats::products::from_container(&r.registry, &r.repository, r.tag.as_deref()) {
        crate::formats::products::attach(std::slice::from_mut(w), &product, &cx.at(at), &cx.trail(at));
    }
}

/// Sets a workload's image from an OpenShift object reference (`ImageStreamTag`, `DockerImage`,
/// `ImageStreamImage`) written at `at`.
pub fn from_reference(
    cx: &Cx<'_>,
    w: &mut Workload,
    kind: &str,
    name: &str,
    namespace: Option<&str>,
    at: &str,
    links: &mut Vec<StreamLink>,
) {
    match kind {
        "DockerImage" => image(cx, w, Some(name), at),
        "ImageStreamTag" => {
            provenance(w, cx, "image", at);
            if let Some(why) = cx.unresolved(name) {
                w.unknown.insert("image".into(), why);
                return;
            }
            let (stream, tag) = name.split_once(':').unwrap_or((name, "latest"));
            let ns = namespace.filter(|n| !n.contains("${"));
            let shown = ns.map_or(format!("{stream}:{tag}"), |n| format!("{n}/{stream}:{tag}"));
            w.image.reference = Some(format!("ImageStreamTag {shown}"));
            w.image.offer = Some(stream.to_owned());
            w.image.version = Some(tag.to_owned());
            let mut found = classify_stream_tag(tag, cx.catalog);
            found.evidence.insert(
                0,
                format!(
                    "image stream {stream} is not among the inputs: what it holds is read from the tag name {tag} alone"
                ),
            );
            apply_classification_at(w, found, &cx.at(at), &cx.trail(at));
            links.push(StreamLink {
                workload: w.id.clone(),
                namespace: ns.map(str::to_owned),
                stream: stream.to_owned(),
                tag: tag.to_owned(),
                at: cx.at(at),
            });
        }
        other => {
            provenance(w, cx, "image", at);
            w.image.reference = Some(format!("{other} {name}"));
            w.unknown.insert("image".into(), format!("a {other} reference ({name}) is resolved by the cluster"));
            w.unknown.insert("os.product".into(), "the image is not known".into());
        }
    }
}

/// The image triggers of `obj`: its `image.openshift.io/triggers` annotation and, on a
/// DeploymentConfig, `spec.triggers` of type ImageChange.
fn triggers(obj: &Obj) -> (Vec<Trigger>, Option<String>) {
    let mut out = Vec::new();
    let mut problem = None;
    let annotation = obj.value.pointer("/metadata/annotations").and_then(|a| a.get(TRIGGERS)).and_then(Value::as_str);
    if let Some(text) = annotation {
        let at = obj.at(&format!("/metadata/annotations/{}", crate::document::escape_token(TRIGGERS)));
        let parsed: Vec<Value> = serde_json::from_str(text).unwrap_or_else(|e| {
            problem =
                Some(format!("the {TRIGGERS} annotation is not a JSON list of triggers ({e}), so it sets no image"));
            Vec::new()
        });
        for t in parsed {
            let from = |k: &str| t.pointer(&format!("/from/{k}")).and_then(Value::as_str).map(str::to_owned);
            let Some((list, container)) = t.get("fieldPath").and_then(Value::as_str).and_then(field_path) else {
                continue;
            };
            let (Some(kind), Some(name)) = (from("kind"), from("name")) else { continue };
            let how = format!("the {TRIGGERS} annotation (a JSON string) naming {kind} {name}");
            out.push(Trigger { list, container, kind, name, namespace: from("namespace"), at: at.clone(), how });
        }
    }
    if obj.kind == "DeploymentConfig" {
        let list = obj.value.pointer("/spec/triggers").and_then(Value::as_array).cloned().unwrap_or_default();
        for (i, t) in list.iter().enumerate() {
            let Some(params) =
                t.get("imageChangeParams").filter(|_| t.get("type").and_then(Value::as_str) == Some("ImageChange"))
            else {
                continue;
            };
            let from = |k: &str| params.pointer(&format!("/from/{k}")).and_then(Value::as_str).map(str::to_owned);
            let (Some(kind), Some(name)) = (from("kind"), from("name")) else { continue };
            let at = obj.at(&format!("/spec/triggers/{i}/imageChangeParams/from/name"));
            let names = params.get("containerNames").and_then(Value::as_array).cloned().unwrap_or_default();
            for n in names.iter().filter_map(Value::as_str) {
                let how = format!("the DeploymentConfig's ImageChange trigger naming {kind} {name}");
                out.push(Trigger {
                    list: "containers".into(),
                    container: Selector::Name(n.to_owned()),
                    kind: kind.clone(),
                    name: name.clone(),
                    namespace: from("namespace"),
                    at: at.clone(),
                    how,
                });
            }
        }
    }
    (out, problem)
}

/// The container a trigger's `fieldPath` sets: `spec.template.spec.containers[?(@.name=="x")].image`
/// or `…containers[0].image`.
fn field_path(path: &str) -> Option<(String, Selector)> {
    let list = LISTS.iter().find(|l| path.contains(&format!(".{l}[")))?;
    let inside = path.split_once(&format!(".{list}["))?.1.split_once(']')?.0;
    let selector = match inside.parse::<usize>() {
        Ok(n) => Selector::Index(n),
        Err(_) => {
            let (_, name) = inside.split_once("name==")?;
            Selector::Name(name.trim_matches(|c| c == '"' || c == '\'' || c == ')' || c == ' ').to_owned())
        }
    };
    Some(((*list).to_owned(), selector))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths() {
        let name = |p: &str| match field_path(p) {
            Some((list, Selector::Name(n))) => format!("{list} {n}"),
            Some((list, Selector::Index(i))) => format!("{list} #{i}"),
            None => "none".into(),
        };
        assert_eq!(name("spec.template.spec.containers[?(@.name==\"postgresql\")].image"), "containers postgresql");
        assert_eq!(name("spec.template.spec.initContainers[?(@.name=='init')].image"), "initContainers init");
        assert_eq!(name("spec.template.spec.containers[1].image"), "containers #1");
        assert_eq!(name("spec.replicas"), "none");
    }
}
