//! The OpenShift release a cluster runs, from its `ClusterVersion` (`config.openshift.io`):
//! `spec.desiredUpdate.version`, else the tag of `spec.desiredUpdate.image`, else the minor of
//! `spec.channel` (`stable-4.12`). The object becomes a workload of kind `cluster_version`, so
//! a lifecycle finding has a place.

use entitle_sdk::Workload;
use entitle_sdk::model::Product;

use super::Cx;
use super::objects::Obj;
use crate::classify::parse_container_image;
use crate::formats::products;

/// The workload of a ClusterVersion, with the OpenShift release it names.
pub fn cluster_version(cx: &Cx<'_>, obj: &Obj) -> Vec<Workload> {
    if obj.group != "config.openshift.io" {
        return Vec::new();
    }
    let mut w = cx.workload(obj, "cluster_version", obj.resource(), "kubernetes");
    w.unknown.insert("count".into(), "a ClusterVersion describes the cluster; it runs no machine itself".into());
    let found = version(obj).or_else(|| image(obj)).or_else(|| channel(obj));
    match found {
        Some((product, pointer)) => {
            let at = obj.at(&pointer);
            w.evidence.push(product.evidence.clone());
            products::attach(std::slice::from_mut(&mut w), &product, &cx.at(&at), &cx.trail(&at));
        }
        None => {
            let why = "the ClusterVersion names no desiredUpdate version or image and no channel";
            w.unknown.insert("products.openshift".into(), why.into());
        }
    }
    vec![w]
}

fn version(obj: &Obj) -> Option<(Product, String)> {
    let pointer = "/spec/desiredUpdate/version";
    let text = obj.text(pointer)?.trim();
    let ok = text.split('.').take(2).filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())).count() == 2;
    ok.then(|| {
        let evidence = format!("ClusterVersion desiredUpdate.version {text}");
        (Product { name: "openshift".into(), version: Some(text.to_owned()), evidence }, pointer.to_owned())
    })
}

fn image(obj: &Obj) -> Option<(Product, String)> {
    let pointer = "/spec/desiredUpdate/image";
    let r = parse_container_image(obj.text(pointer)?)?;
    let product = products::from_container(&r.registry, &r.repository, r.tag.as_deref())?;
    Some((product, pointer.to_owned()))
}

fn channel(obj: &Obj) -> Option<(Product, String)> {
    let pointer = "/spec/channel";
    let text = obj.text(pointer)?.trim();
    let (_, minor) = text.rsplit_once('-')?;
    let ok = minor.split('.').count() == 2
        && minor.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    ok.then(|| {
        let evidence = format!("ClusterVersion channel {text}");
        (Product { name: "openshift".into(), version: Some(minor.to_owned()), evidence }, pointer.to_owned())
    })
}
