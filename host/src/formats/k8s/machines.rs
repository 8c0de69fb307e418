//! Machine provisioning objects: OpenShift `MachineSet` / `Machine` provider specs (AWS `ami.id`,
//! Azure `image.*`, GCP `disks[].image`), Cluster API `AWSMachineTemplate` / `AzureMachineTemplate`,
//! and Kubermatic `cluster.k8s.io/v1alpha1 MachineDeployment` with its `operatingSystem` and the
//! RHEL subscription settings of `operatingSystemSpec`, which count only on a RHEL machine.

use entitle_sdk::Workload;
use entitle_sdk::model::Registration;
use serde_json::Value;

use super::objects::Obj;
use super::os_names::parse_os_name;
use super::{Cx, provenance, replicas};
use crate::formats::{apply_cloud_image, apply_own_azure_image};

/// Why a machine template has no count.
const TEMPLATE_COUNT: &str = "a machine template runs nothing itself: its machines are counted where it is used";

/// Kubermatic `operatingSystemSpec` keys that register a RHEL machine, with their action and
/// whether the value is a secret.
const RHEL_SETTINGS: &[(&str, &str, bool)] = &[
    ("rhelSubscriptionManagerUser", "register", false),
    ("rhelSubscriptionManagerPassword", "register", true),
    ("rhelActivationKey", "activation_key", true),
    ("rhelOrganizationName", "activation_key", false),
    ("rhelSatelliteServer", "satellite", false),
    ("rhelUseSatelliteServer", "satellite", false),
];

/// What the offline token does on a RHEL machine (it registers nothing itself).
const OFFLINE_TOKEN: &str = "rhsmOfflineToken is set: the machine controller removes the machine's RHSM subscriptions when the machine is deleted";

/// The workload of a machine object, if it is one entitle reads.
pub fn machine(cx: &Cx<'_>, obj: &Obj) -> Vec<Workload> {
    let w = match (obj.kind.as_str(), obj.group.as_str()) {
        ("MachineSet", "machine.openshift.io") => openshift(cx, obj, "/spec/template/spec/providerSpec/value", true),
        ("Machine", "machine.openshift.io") => openshift(cx, obj, "/spec/providerSpec/value", false),
        ("MachineDeployment", "cluster.k8s.io") => kubermatic(cx, obj),
        ("AWSMachineTemplate", _) => capi(cx, obj, "aws"),
        ("AzureMachineTemplate", _) => capi(cx, obj, "azure"),
        _ => None,
    };
    w.into_iter().collect()
}

/// An OpenShift MachineSet or Machine.
fn openshift(cx: &Cx<'_>, obj: &Obj, value: &str, set: bool) -> Option<Workload> {
    let spec = obj.value.pointer(value)?;
    let provider = match spec.get("kind").and_then(Value::as_str).unwrap_or_default() {
        k if k.starts_with("AWS") => "aws",
        k if k.starts_with("Azure") => "azure",
        k if k.starts_with("GCP") => "gcp",
        _ => "unknown",
    };
    let mut w = cx.workload(obj, if set { "machine_set" } else { "machine" }, obj.resource(), provider);
    if set {
        replicas(cx, obj, "/spec/replicas", 1, &mut w)
    } else {
        w.count = Some(1)
    }
    let size_key = match provider {
        "aws" => "instanceType",
        "azure" => "vmSize",
        _ => "machineType",
    };
    size(cx, obj, &format!("{value}/{size_key}"), &mut w);
    match provider {
        "aws" => aws_ami(cx, obj, &format!("{value}/ami/id"), &mut w),
        "azure" => azure_image(cx, obj, &format!("{value}/image"), &mut w),
        "gcp" => {
            let disks = spec.get("disks").and_then(Value::as_array).cloned().unwrap_or_default();
            let boot = disks.iter().position(|d| d.get("boot") == Some(&Value::Bool(true))).unwrap_or(0);
            gcp_image(cx, obj, &format!("{value}/disks/{boot}/image"), &mut w);
        }
        _ => {
            w.unknown.insert("image".into(), "the provider spec is of a platform entitle does not read".into());
        }
    }
    super::windows::machine(cx, obj, value, set, &mut w);
    Some(w)
}

/// A Cluster API machine template.
fn capi(cx: &Cx<'_>, obj: &Obj, provider: &str) -> Option<Workload> {
    let mut w = cx.workload(obj, "machine_template", obj.resource(), provider);
    w.unknown.insert("count".into(), TEMPLATE_COUNT.into());
    let size_key = if provider == "aws" { "instanceType" } else { "vmSize" };
    size(cx, obj, &format!("/spec/template/spec/{size_key}"), &mut w);
    match provider {
        "aws" => aws_ami(cx, obj, "/spec/template/spec/ami/id", &mut w),
        _ => azure_image(cx, obj, "/spec/template/spec/image/marketplace", &mut w),
    }
    Some(w)
}

/// A Kubermatic MachineDeployment.
fn kubermatic(cx: &Cx<'_>, obj: &Obj) -> Option<Workload> {
    let value = "/spec/template/spec/providerSpec/value";
    let spec = obj.value.pointer(value)?;
    let cloud = spec.get("cloudProvider").and_then(Value::as_str).unwrap_or_default();
    let provider = match cloud {
        "aws" | "azure" | "gcp" => cloud,
        "gce" => "gcp",
        _ => "unknown",
    };
    let mut w = cx.workload(obj, "machine_deployment", obj.resource(), provider);
    replicas(cx, obj, "/spec/replicas", 1, &mut w);
    w.evidence.push(format!("cloudProvider {cloud}"));
    for key in ["instanceType", "vmSize", "machineType"] {
        size(cx, obj, &format!("{value}/cloudProviderSpec/{key}"), &mut w);
    }
    for key in ["ami", "imageID", "image"] {
        let at = obj.at(&format!("{value}/cloudProviderSpec/{key}"));
        let Some(text) = obj.text(&format!("{value}/cloudProviderSpec/{key}")) else { continue };
        provenance(&mut w, cx, "image", &at);
        match placeholder(text) {
            true => {
                w.unknown.insert("image".into(), format!("{key} is the placeholder `{text}`, filled in before use"));
            }
            false if text.trim().is_empty() => {
                w.unknown.insert("image".into(), format!("{key} is empty: the operating system's default image"));
            }
            false => w.image.id = Some(text.to_owned()),
        }
        break;
    }
    let os_at = obj.at(&format!("{value}/operatingSystem"));
    match obj.text(&format!("{value}/operatingSystem")) {
        Some(text) if placeholder(text) => {
            provenance(&mut w, cx, "os.product", &os_at);
            w.unknown.insert(
                "os.product".into(),
                format!("operatingSystem is the placeholder `{text}`, filled in before use"),
            );
        }
        Some(text) => match parse_os_name(text) {
            Some(os) => {
                w.os.vendor = os.vendor.map(str::to_owned);
                (w.os.product, w.os.major, w.os.minor) = (Some(os.product.clone()), os.major, os.minor);
                for field in ["os.vendor", "os.product", "os.major", "os.minor"] {
                    provenance(&mut w, cx, field, &os_at);
                }
                w.evidence.push(format!("operatingSystem {text}"));
                if os.major.is_none() {
                    w.unknown.insert(
                        "os.major".into(),
                        format!("operatingSystem {text} names no release; the image decides it"),
                    );
                }
            }
            None => {
                w.unknown
                    .insert("os.product".into(), format!("operatingSystem `{text}` is not an OS name entitle reads"));
            }
        },
        None => {
            w.unknown.insert("os.product".into(), "no operatingSystem is written".into());
        }
    }
    if w.is_rhel() {
        let why =
            "operatingSystem names RHEL, but PAYG or BYOS is decided by the image, which the spec does not identify";
        w.unknown.insert("billing.model".into(), why.into());
    }
    registration(cx, obj, &format!("{value}/operatingSystemSpec"), &mut w);
    Some(w)
}

/// RHEL subscription settings become registration entries on a RHEL machine only; on any other
/// machine they are unused, and the evidence says so.
fn registration(cx: &Cx<'_>, obj: &Obj, spec: &str, w: &mut Workload) {
    let set: Vec<(&str, &str, String, String)> = RHEL_SETTINGS
        .iter()
        .filter_map(|(key, action, secret)| {
            let v = obj.value.pointer(&format!("{spec}/{key}"))?;
            let shown = match v {
                Value::String(s) if s.trim().is_empty() => return None,
                Value::Bool(false) | Value::Null => return None,
                Value::String(_) if *secret => "<redacted>".to_owned(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some((*key, *action, shown, obj.at(&format!("{spec}/{key}"))))
        })
        .collect();
    let token = obj.text(&format!("{spec}/rhsmOfflineToken")).is_some_and(|t| !t.trim().is_empty());
    if set.is_empty() && !token {
        return;
    }
    let mut keys: Vec<&str> = set.iter().map(|(k, ..)| *k).collect();
    if token {
        keys.push("rhsmOfflineToken");
    }
    if !w.is_rhel() {
        let os = w.os.product.clone().map_or("not known to be RHEL".to_owned(), |p| format!("{p}, not RHEL"));
        w.evidence.push(format!(
            "operatingSystemSpec sets {} but the machine's OS is {os}: the machine controller uses them only for RHEL",
            keys.join(", ")
        ));
        return;
    }
    if token {
        w.evidence.push(OFFLINE_TOKEN.into());
    }
    for (key, action, shown, at) in set {
        w.registration.push(Registration {
            action: action.to_owned(),
            text: format!("{key}: {shown}"),
            source: cx.at(&at),
        });
    }
}

/// The machine's size at `pointer` (`instanceType`, `vmSize`, `machineType`), when written.
fn size(cx: &Cx<'_>, obj: &Obj, pointer: &str, w: &mut Workload) {
    let Some(text) = obj.text(pointer) else { return };
    provenance(w, cx, "instance.size", &obj.at(pointer));
    if placeholder(text) {
        w.unknown.insert("instance.size".into(), format!("the size is the placeholder `{text}`, filled in before use"));
        return;
    }
    crate::support::instance::set_size(w, text, None);
}

/// An AWS AMI id at `pointer`.
fn aws_ami(cx: &Cx<'_>, obj: &Obj, pointer: &str, w: &mut Workload) {
    let at = obj.at(pointer);
    provenance(w, cx, "image", &at);
    match obj.text(pointer) {
        Some(id) if !placeholder(id) && !id.trim().is_empty() => {
            w.image.id = Some(id.to_owned());
            w.unknown
                .insert("os.product".into(), format!("AMI {id} is an id: its name and owner are not in the manifest"));
        }
        _ => {
            w.unknown.insert("image".into(), "no literal AMI id is written".into());
        }
    }
}

/// An Azure image object at `pointer` (`publisher`, `offer`, `sku`, `version`, `resourceID`).
fn azure_image(cx: &Cx<'_>, obj: &Obj, pointer: &str, w: &mut Workload) {
    let text = |k: &str| obj.text(&format!("{pointer}/{k}")).filter(|t| !t.trim().is_empty() && !placeholder(t));
    if let Some(id) = text("resourceID").or_else(|| text("id")) {
        provenance(w, cx, "image", &obj.at(&format!("{pointer}/resourceID")));
        w.image.id = Some(id.to_owned());
        w.unknown.insert("os.product".into(), format!("the image is the custom image {id}, whose OS is not visible"));
        return;
    }
    (w.image.publisher, w.image.offer) = (text("publisher").map(Into::into), text("offer").map(Into::into));
    (w.image.sku, w.image.version) = (text("sku").map(Into::into), text("version").map(Into::into));
    for part in ["publisher", "offer", "sku", "version"] {
        provenance(w, cx, &format!("image.{part}"), &obj.at(&format!("{pointer}/{part}")));
    }
    w.image.reference = w.image.urn();
    apply_own_azure_image(w, cx.catalog);
}

/// A GCP image reference at `pointer`.
fn gcp_image(cx: &Cx<'_>, obj: &Obj, pointer: &str, w: &mut Workload) {
    let at = obj.at(pointer);
    provenance(w, cx, "image", &at);
    match obj.text(pointer) {
        Some(image) => {
            w.image.reference = Some(image.to_owned());
            apply_cloud_image(w, image, cx.at(&at), cx.catalog);
        }
        None => {
            w.unknown.insert("image".into(), "no boot disk image is written".into());
        }
    }
}

/// A template placeholder (`<< OS_NAME >>`, `${X}`): not a value.
fn placeholder(text: &str) -> bool {
    (text.contains("<<") && text.contains(">>")) || text.contains("${")
}
