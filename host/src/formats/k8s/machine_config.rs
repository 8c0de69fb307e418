//! OpenShift `MachineConfig` objects (`machineconfiguration.openshift.io`): what the Machine
//! Config Operator writes onto a pool's nodes at boot. Each becomes a `machine_config` workload
//! (provider `kubernetes`, Red Hat's node OS) whose boot entries are its systemd units and
//! the files it writes (Ignition `data:` URLs decoded), so the host's kernel and registration
//! scans read them like any boot script. `kernelType` (`realtime`, `64k-pages`: Red Hat's own
//! kernels), `extensions` (Red Hat's packages) and `kernelArguments` (they tune the kernel
//! that boots, never replace it) are evidence, not changes; a kernel module file (`*.ko`) it
//! writes is an out-of-tree module.

use entitle_sdk::Workload;
use entitle_sdk::model::{BootConfig, KernelChange, Strength};
use serde_json::Value;

use super::objects::Obj;
use super::{Cx, provenance};
use crate::formats::base64;
use crate::registration::redact_text;

/// The workload of a `MachineConfig`, if `obj` is one.
pub fn machine_config(cx: &Cx<'_>, obj: &Obj) -> Vec<Workload> {
    let api = obj.text("/apiVersion").unwrap_or_default();
    if !api.starts_with("machineconfiguration.openshift.io/") {
        return Vec::new();
    }
    let mut w = cx.workload(obj, "machine_config", obj.resource(), "kubernetes");
    w.os.vendor = Some("redhat".into());
    w.unknown.insert("count".into(), "a machine config applies to every node of its pool".into());
    match obj.text("/metadata/labels/machineconfiguration.openshift.io~1role") {
        Some(role) => w.evidence.push(format!("applies to the {role} machine config pool")),
        None => w.evidence.push("no machineconfiguration.openshift.io/role label: the pool is not named".into()),
    }
    if let Some(kind) = obj.text("/spec/kernelType") {
        provenance(&mut w, cx, "kernel_type", &obj.at("/spec/kernelType"));
        w.evidence.push(format!("kernelType {kind} (a Red Hat kernel)"));
    }
    let extensions: Vec<&str> = match obj.value.pointer("/spec/extensions") {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !extensions.is_empty() {
        w.evidence.push(format!("RHCOS extensions {} (Red Hat packages)", extensions.join(", ")));
    }
    let units = obj.value.pointer("/spec/config/systemd/units").and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, unit) in units.iter().enumerate() {
        let Some(text) = unit.get("contents").and_then(Value::as_str) else { continue };
        let at = obj.at(&format!("/spec/config/systemd/units/{i}/contents"));
        w.boot.push(BootConfig {
            kind: "machine_config_unit".into(),
            text: Some(exec_lines(text)),
            source: cx.at(&at),
            ..BootConfig::default()
        });
    }
    let arguments: Vec<&str> = match obj.value.pointer("/spec/kernelArguments") {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !arguments.is_empty() {
        let shown = redact_text(&arguments.join(" "));
        w.evidence.push(format!("kernel arguments {shown} (arguments do not change which kernel boots)"));
    }
    let files = obj.value.pointer("/spec/config/storage/files").and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, file) in files.iter().enumerate() {
        if let Some(path) = file.get("path").and_then(Value::as_str).filter(|p| kernel_module(p)) {
            let at = obj.at(&format!("/spec/config/storage/files/{i}/path"));
            w.kernel.push(KernelChange {
                kind: "out-of-tree-module".into(),
                text: format!("path: {}", redact_text(path)),
                strength: Strength::Declared,
                source: cx.at(&at),
            });
        }
        let Some(url) = file.pointer("/contents/source").and_then(Value::as_str) else { continue };
        let at = obj.at(&format!("/spec/config/storage/files/{i}/contents/source"));
        let (text, unknown) = match data_url(url) {
            Some(text) => (Some(text), None),
            None => (None, Some(format!("the file's contents come from {url}, which is not in the manifest"))),
        };
        w.boot.push(BootConfig {
            kind: "machine_config_file".into(),
            text,
            unknown,
            source: cx.at(&at),
            ..BootConfig::default()
        });
    }
    vec![w]
}

/// A kernel module file (`*.ko`, compressed or not): RHCOS's own modules come with its image,
/// so a module a machine config writes is built outside Red Hat.
fn kernel_module(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default().to_ascii_lowercase();
    [".ko", ".ko.xz", ".ko.gz", ".ko.zst"].iter().any(|ext| name.ends_with(ext) && name.len() > ext.len())
}

/// A systemd unit's commands: the values of its `Exec…=` lines (the rest is configuration).
fn exec_lines(unit: &str) -> String {
    let mut out = String::new();
    for line in unit.lines().map(str::trim) {
        if let Some((key, value)) = line.split_once('=')
            && key.trim().starts_with("Exec")
        {
            out.push_str(value.trim().trim_start_matches(['-', '@', '+', '!', ':']));
            out.push('\n');
        }
    }
    out
}

/// The text of an Ignition `data:` URL (`data:,percent%20encoded` or `data:…;base64,…`).
fn data_url(url: &str) -> Option<String> {
    let (meta, data) = url.strip_prefix("data:")?.split_once(',')?;
    if meta.ends_with(";base64") {
        let decoded = percent_encoding::percent_decode_str(data).decode_utf8().ok()?;
        base64::decode_text(&decoded)
    } else {
        percent_encoding::percent_decode_str(data).decode_utf8().ok().map(|t| t.into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_and_unit_commands_are_read() {
        assert_eq!(data_url("data:,dnf%20install%20kernel-ml").as_deref(), Some("dnf install kernel-ml"));
        assert_eq!(data_url("data:text/plain;charset=utf-8;base64,aW5zbW9kIGEua28=").as_deref(), Some("insmod a.ko"));
        assert_eq!(data_url("https://example.com/x"), None);
        let unit = "[Service]\nType=oneshot\nExecStartPre=-/usr/sbin/insmod /opt/x.ko\nExecStart=/bin/true\n# ExecStart=kcarectl\n";
        assert_eq!(exec_lines(unit), "/usr/sbin/insmod /opt/x.ko\n/bin/true\n");
        assert!(kernel_module("/usr/lib/modules/extra/nvidia.ko.xz") && kernel_module("/opt/drv/x.ko"));
        assert!(
            !kernel_module("/etc/modules-load.d/x.conf") && !kernel_module("/opt/.ko") && !kernel_module("/opt/kokoro")
        );
    }
}
