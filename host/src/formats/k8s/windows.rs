//! Windows worker nodes of an OpenShift cluster: MachineSets (and Machines) the Windows Machine
//! Config Operator turns into nodes — marked by the `machine.openshift.io/os-id: Windows` label or
//! a Windows image (Azure `offer: WindowsServer` and its SKU, a GCP `windows-cloud` image or
//! `windows-*` family, a vSphere template or Nutanix image named for Windows Server) — and
//! bring-your-own-host instances listed in the `windows-instances` ConfigMap.

use entitle_sdk::Workload;
use entitle_sdk::model::WindowsNode;
use serde_json::Value;

use super::objects::Obj;
use super::{Cx, provenance};

/// The label WMCO requires on a Windows MachineSet's machines.
const OS_ID: &str = "machine.openshift.io~1os-id";

/// The ConfigMap that lists bring-your-own-host Windows instances, and its namespace.
const BYOH: (&str, &str) = ("windows-instances", "openshift-windows-machine-config-operator");

/// Marks `w` (a MachineSet or Machine whose provider spec is at `value`) as a Windows node
/// when its label or image says so, with the Windows Server release its image names.
pub fn machine(cx: &Cx<'_>, obj: &Obj, value: &str, set: bool, w: &mut Workload) {
    let Some(spec) = obj.value.pointer(value) else { return };
    let kind = spec.get("kind").and_then(Value::as_str).unwrap_or_default();
    let platform = match kind {
        k if k.starts_with("AWS") => "aws",
        k if k.starts_with("Azure") => "azure",
        k if k.starts_with("GCP") => "gcp",
        k if k.starts_with("VSphere") => "vsphere",
        k if k.starts_with("Nutanix") => "nutanix",
        _ => return,
    };
    let labels = if set { "/spec/template/metadata/labels" } else { "/metadata/labels" };
    let label_at = format!("{labels}/{OS_ID}");
    let labelled = obj.text(&label_at).is_some_and(|t| t.trim().eq_ignore_ascii_case("windows"));
    let (image_at, image) = image_of(obj, value, platform);
    let windows_image = image.as_deref().is_some_and(|i| names_windows(platform, i));
    if !labelled && !windows_image {
        return;
    }
    let mut node = WindowsNode { platform: platform.to_owned(), ..WindowsNode::default() };
    if labelled {
        node.evidence.push("label machine.openshift.io/os-id: Windows".into());
    }
    match image.as_deref().filter(|_| windows_image) {
        Some(text) => {
            node.version = Some(release(text).unwrap_or_else(|| text.to_ascii_lowercase()));
            node.evidence.push(format!("Windows image {text}"));
            provenance(w, cx, "windows.version", &obj.at(&image_at));
        }
        None => {
            let why = match image {
                Some(text) => format!("the image {text} does not name its Windows Server release"),
                None => "no image that names a Windows Server release is written".to_owned(),
            };
            w.unknown.insert("windows.version".into(), why);
            provenance(w, cx, "windows.version", &obj.at(if labelled { &label_at } else { &image_at }));
        }
    }
    w.windows = Some(node);
}

/// Where a provider spec names its image, and the text (Azure: the SKU, when the offer is
/// Windows Server).
fn image_of(obj: &Obj, value: &str, platform: &str) -> (String, Option<String>) {
    let at = |p: &str| format!("{value}{p}");
    let text = |p: &str| obj.text(&at(p)).map(str::to_owned).filter(|t| !t.trim().is_empty());
    match platform {
        "azure" => {
            let windows = text("/image/offer").is_some_and(|o| o.eq_ignore_ascii_case("WindowsServer"));
            let sku = text("/image/sku").filter(|_| windows).map(|s| format!("WindowsServer {s}"));
            (at("/image/sku"), sku)
        }
        "gcp" => {
            let disks = obj.value.pointer(&at("/disks")).and_then(Value::as_array).cloned().unwrap_or_default();
            let boot = disks.iter().position(|d| d.get("boot") == Some(&Value::Bool(true))).unwrap_or(0);
            (at(&format!("/disks/{boot}/image")), text(&format!("/disks/{boot}/image")))
        }
        "vsphere" => (at("/template"), text("/template")),
        "nutanix" => (at("/image/name"), text("/image/name")),
        _ => (at("/ami/id"), text("/ami/id")),
    }
}

/// True when the image text names Windows (an AMI id never does).
fn names_windows(platform: &str, image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    match platform {
        "azure" => lower.starts_with("windowsserver "),
        "aws" => false,
        _ => lower.contains("windows"),
    }
}

/// The Windows Server release an image text names: `2012-r2`, `2016`, `2019`, `2022`, `2025`
/// (`1809`, the 2019 LTSC build, is 2019).
fn release(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    for (i, word) in words.iter().enumerate() {
        match *word {
            "2012" if words.get(i + 1) == Some(&"r2") => return Some("2012-r2".into()),
            "2008" | "2012" | "2016" | "2019" | "2022" | "2025" => return Some((*word).to_owned()),
            "1809" => return Some("2019".into()),
            _ => {}
        }
    }
    None
}

/// One workload per instance of the bring-your-own-host ConfigMap.
pub fn byoh(cx: &Cx<'_>, obj: &Obj) -> Vec<Workload> {
    if obj.name != BYOH.0 || obj.namespace.as_deref().is_some_and(|n| n != BYOH.1) {
        return Vec::new();
    }
    let Some(data) = obj.value.pointer("/data").and_then(Value::as_object) else { return Vec::new() };
    let mut out = Vec::new();
    for (address, entry) in data {
        let id = format!("{}/{address}", obj.resource());
        let mut w = cx.workload(obj, "windows_instance", id, "unknown");
        w.count = Some(1);
        let at = obj.at(&format!("/data/{}", crate::document::escape_token(address)));
        provenance(&mut w, cx, "windows.version", &at);
        let user = entry.as_str().and_then(|e| e.trim().strip_prefix("username=")).unwrap_or("?");
        w.evidence.push(format!("bring-your-own-host Windows instance {address} (user {user})"));
        w.unknown.insert(
            "windows.version".into(),
            "a bring-your-own-host entry names an address, not the Windows Server release".into(),
        );
        w.windows = Some(WindowsNode {
            platform: "none".into(),
            byoh: true,
            evidence: vec![format!("ConfigMap {} lists {address}", BYOH.0)],
            ..WindowsNode::default()
        });
        out.push(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::release;

    #[test]
    fn releases_are_read_from_skus_families_and_template_names() {
        assert_eq!(release("WindowsServer 2012-R2-Datacenter").as_deref(), Some("2012-r2"));
        assert_eq!(release("WindowsServer 2022-datacenter-azure-edition").as_deref(), Some("2022"));
        assert_eq!(release("projects/windows-cloud/global/images/family/windows-2019").as_deref(), Some("2019"));
        assert_eq!(release("WindowsServer 2019-Datacenter-with-Containers").as_deref(), Some("2019"));
        assert_eq!(release("windows-golden-images/windows-server-2022-template").as_deref(), Some("2022"));
        assert_eq!(release("WindowsServer datacenter-core-1809-with-containers-smalldisk").as_deref(), Some("2019"));
        assert_eq!(release("WindowsServer datacenter-core-20h2-with-containers"), None);
    }
}
