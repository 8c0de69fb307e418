//! OpenShift image streams and builds: every `ImageStream.spec.tags[]` becomes a workload of kind
//! `image_stream_tag` (its `from` a `DockerImage`, or an `ImageStreamTag` alias resolved across the
//! run), and a `BuildConfig`'s strategy `from` a workload of kind `build` (the builder image).

use entitle_sdk::Workload;
use serde_json::Value;

use super::containers::from_reference;
use super::objects::Obj;
use super::{Cx, StreamLink};

/// Why an image stream tag has no count.
const TAG_COUNT: &str =
    "an image stream tag runs nothing itself: the pods that use it are counted where they are declared";

/// The tags of an `ImageStream`.
pub fn image_stream(cx: &Cx<'_>, obj: &Obj, links: &mut Vec<StreamLink>) -> Vec<Workload> {
    let tags = obj.value.pointer("/spec/tags").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (i, tag) in tags.iter().enumerate() {
        let Some(name) = tag.get("name").and_then(Value::as_str) else { continue };
        let mut w = cx.workload(obj, "image_stream_tag", format!("{}:{name}", obj.resource()), "kubernetes");
        w.source = cx.at(&obj.at(&format!("/spec/tags/{i}/name")));
        w.unknown.insert("count".into(), TAG_COUNT.into());
        let from = |k: &str| tag.pointer(&format!("/from/{k}")).and_then(Value::as_str);
        match (from("kind"), from("name")) {
            (Some(kind), Some(target)) => {
                let at = obj.at(&format!("/spec/tags/{i}/from/name"));
                let target = match (kind, target.contains(':')) {
                    ("ImageStreamTag", false) => {
                        w.evidence.push(format!("tag {name} is an alias of tag {target} of the same image stream"));
                        format!("{}:{target}", obj.name)
                    }
                    _ => target.to_owned(),
                };
                let namespace = from("namespace").or(obj.namespace.as_deref());
                from_reference(cx, &mut w, kind, &target, namespace, &at, links);
            }
            _ => {
                w.unknown
                    .insert("image".into(), format!("tag {name} has no `from`: it is filled by pushes or imports"));
            }
        }
        out.push(w);
    }
    out
}

/// The builder image of a `BuildConfig` (`spec.strategy.{source,docker,custom}Strategy.from`).
pub fn build_config(cx: &Cx<'_>, obj: &Obj, links: &mut Vec<StreamLink>) -> Vec<Workload> {
    let mut out = Vec::new();
    for strategy in ["sourceStrategy", "dockerStrategy", "customStrategy"] {
        let base = format!("/spec/strategy/{strategy}/from");
        let Some(from) = obj.value.pointer(&base) else { continue };
        let text = |k: &str| from.get(k).and_then(Value::as_str);
        let (Some(kind), Some(name)) = (text("kind"), text("name")) else { continue };
        let mut w = cx.workload(obj, "build", format!("{}/{strategy}", obj.resource()), "kubernetes");
        w.unknown.insert("count".into(), "a build runs when it is triggered; it deploys nothing itself".into());
        w.evidence.push(format!("the {strategy} builder image of {}", obj.resource()));
        let namespace = text("namespace").or(obj.namespace.as_deref());
        from_reference(cx, &mut w, kind, name, namespace, &obj.at(&format!("{base}/name")), links);
        out.push(w);
    }
    out
}
