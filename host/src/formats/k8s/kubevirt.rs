//! KubeVirt `VirtualMachine` and `VirtualMachineInstance`: the boot disk's image (a
//! `containerDisk`, a `dataVolumeTemplates` source, or a PVC whose image is not visible), and
//! when the image does not say, the OS the object declares (`spec.preference.name`, annotation
//! `vm.kubevirt.io/os`, labels `os.template.kubevirt.io/<os>` and `kubevirt.io/os`), marked as
//! the weaker evidence it is.

use entitle_sdk::Workload;
use serde_json::Value;

use super::containers::image;
use super::objects::Obj;
use super::os_names::parse_os_name;
use super::{Cx, provenance};

/// Why a VM's billing is not in the descriptor.
const BILLING: &str = "a KubeVirt guest's RHEL is entitled by the cluster's virtualization subscription or by the guest's own registration; the descriptor does not say which";

/// The workload of a virtual machine (instance).
pub fn virtual_machine(cx: &Cx<'_>, obj: &Obj) -> Vec<Workload> {
    let (spec, meta) = match obj.kind.as_str() {
        "VirtualMachine" => ("/spec/template/spec", "/spec/template/metadata"),
        _ => ("/spec", "/metadata"),
    };
    let mut w = cx.workload(obj, "virtual_machine", obj.resource(), "kubernetes");
    w.count = Some(1);
    let stopped = obj.value.pointer("/spec/running") == Some(&Value::Bool(false))
        || obj.text("/spec/runStrategy").is_some_and(|s| s == "Halted");
    if stopped {
        w.evidence.push("the VM is created stopped (running: false / runStrategy Halted)".into());
    }
    boot_disk(cx, obj, spec, &mut w);
    if w.os.product.is_none() {
        declared_os(cx, obj, meta, &mut w);
    }
    if w.os.product.is_some() && w.billing.model == entitle_sdk::model::BillingModel::Unknown {
        w.unknown.entry("billing.model".into()).or_insert_with(|| BILLING.into());
    }
    vec![w]
}

/// Classifies the boot disk: the disk with the lowest `bootOrder`, else the first.
fn boot_disk(cx: &Cx<'_>, obj: &Obj, spec: &str, w: &mut Workload) {
    let disks = obj.value.pointer(&format!("{spec}/domain/devices/disks")).and_then(Value::as_array);
    let boot = disks
        .into_iter()
        .flatten()
        .enumerate()
        .min_by_key(|(i, d)| (d.get("bootOrder").and_then(Value::as_u64).unwrap_or(u64::MAX), *i));
    let volumes = obj.value.pointer(&format!("{spec}/volumes")).and_then(Value::as_array);
    let named = |n: &str| volumes.into_iter().flatten().position(|v| v.get("name").and_then(Value::as_str) == Some(n));
    let index = match boot.and_then(|(_, d)| d.get("name").and_then(Value::as_str)) {
        Some(name) => named(name),
        None => volumes.filter(|v| !v.is_empty()).map(|_| 0),
    };
    let Some(i) = index else {
        w.unknown.insert("image".into(), "no boot volume is declared".into());
        return;
    };
    let base = format!("{spec}/volumes/{i}");
    let volume = &obj.value.pointer(&base).cloned().unwrap_or(Value::Null);
    if let Some(img) = volume.pointer("/containerDisk/image") {
        image(cx, w, img.as_str(), &obj.at(&format!("{base}/containerDisk/image")));
    } else if let Some(claim) = volume.pointer("/persistentVolumeClaim/claimName").and_then(Value::as_str) {
        provenance(w, cx, "image", &obj.at(&format!("{base}/persistentVolumeClaim/claimName")));
        let why = format!("the boot disk is the PersistentVolumeClaim {claim}, whose image is not visible");
        w.unknown.insert("image".into(), why);
    } else if let Some(name) = volume.pointer("/dataVolume/name").and_then(Value::as_str) {
        data_volume(cx, obj, name, w);
    } else {
        provenance(w, cx, "image", &obj.at(&base));
        w.unknown.insert("image".into(), "the boot volume is of a kind whose image is not visible".into());
    }
}

/// The source of a `dataVolumeTemplates` entry named `name`.
fn data_volume(cx: &Cx<'_>, obj: &Obj, name: &str, w: &mut Workload) {
    let templates = obj.value.pointer("/spec/dataVolumeTemplates").and_then(Value::as_array);
    let found =
        templates.into_iter().flatten().position(|t| t.pointer("/metadata/name").and_then(Value::as_str) == Some(name));
    let Some(i) = found else {
        w.unknown.insert("image".into(), format!("the boot disk is the DataVolume {name}, which is not declared here"));
        return;
    };
    let base = format!("/spec/dataVolumeTemplates/{i}/spec");
    let text = |p: &str| obj.text(&format!("{base}{p}"));
    if let Some(url) = text("/source/registry/url") {
        let reference = url.strip_prefix("docker://").unwrap_or(url);
        image(cx, w, Some(reference), &obj.at(&format!("{base}/source/registry/url")));
    } else if let Some(url) = text("/source/http/url") {
        provenance(w, cx, "image", &obj.at(&format!("{base}/source/http/url")));
        w.image.reference = Some(url.to_owned());
        w.unknown.insert("image".into(), format!("the boot disk is downloaded from {url}; its content is not visible"));
    } else if let Some(source) = text("/sourceRef/name") {
        let kind = text("/sourceRef/kind").unwrap_or("DataSource");
        let at = obj.at(&format!("{base}/sourceRef/name"));
        provenance(w, cx, "image", &at);
        w.image.reference = Some(format!("{kind} {source}"));
        w.unknown
            .insert("image".into(), format!("the boot disk is cloned from {kind} {source}, resolved by the cluster"));
        hint(cx, w, source, &at, &format!("the {kind} name {source}"));
    } else {
        w.unknown.insert("image".into(), format!("DataVolume {name} has a source whose image is not visible"));
    }
}

/// The OS the object declares, strongest first: preference, annotation, template label, OS label.
fn declared_os(cx: &Cx<'_>, obj: &Obj, meta: &str, w: &mut Workload) {
    if let Some(name) = obj.text("/spec/preference/name") {
        return hint(cx, w, name, &obj.at("/spec/preference/name"), &format!("the preference {name}"));
    }
    for m in [meta, "/metadata"] {
        if let Some((k, v, at)) =
            obj.meta_entries(m, "annotations").into_iter().find(|(k, ..)| k == "vm.kubevirt.io/os")
        {
            return hint(cx, w, &v, &at, &format!("the annotation {k} = {v}"));
        }
    }
    for m in [meta, "/metadata"] {
        let labels = obj.meta_entries(m, "labels");
        let template = labels.iter().find_map(|(k, v, at)| {
            k.strip_prefix("os.template.kubevirt.io/").filter(|_| v == "true").map(|os| (k, os, at))
        });
        if let Some((k, os, at)) = template {
            return hint(cx, w, os, at, &format!("the label {k}"));
        }
        if let Some((k, v, at)) = labels.iter().find(|(k, ..)| k == "kubevirt.io/os") {
            return hint(cx, w, v, at, &format!("the label {k} = {v}"));
        }
    }
}

/// Sets the OS from a declared name, saying that it is weaker evidence than an image.
fn hint(cx: &Cx<'_>, w: &mut Workload, text: &str, at: &str, what: &str) {
    let Some(os) = parse_os_name(text) else { return };
    w.os.vendor = os.vendor.map(str::to_owned);
    w.os.product = Some(os.product.clone());
    (w.os.major, w.os.minor) = (os.major, os.minor);
    for field in ["os.vendor", "os.product", "os.major", "os.minor"] {
        provenance(w, cx, field, at);
    }
    w.unknown.remove("os.product");
    if os.major.is_none() {
        w.unknown.insert("os.major".into(), format!("{what} names no major"));
    }
    if os.minor.is_none() {
        w.unknown.insert("os.minor".into(), format!("{what} names no minor"));
    }
    w.unknown.insert("os.stream".into(), format!("{what} names no update stream"));
    let image = w.unknown.get("image").cloned().unwrap_or_else(|| "the image does not say".into());
    w.evidence.push(format!(
        "OS from {what} only (weaker evidence: a name the author wrote, not read from the disk image; {image})"
    ));
}
