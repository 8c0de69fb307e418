//! Rule 28: each kernel change on a RHEL machine, at the boot entry (or declaration) that
//! makes it, with the command as the host quoted it (secrets already redacted).

use entitle_sdk::model::Strength;
use entitle_sdk::{Finding, Workload};

use crate::KERNEL_TAINT;

/// What a kind of change is, for the message, and what to do instead.
fn explain(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "third-party-kernel" => (
            "installs or boots a kernel Red Hat did not build",
            "Keep the RHEL kernel from Red Hat's repositories (remove the ELRepo or upstream kernel and its repository); for newer hardware support use a later RHEL minor release.",
        ),
        "kernel-rpm" => (
            "installs a kernel package from outside Red Hat's repositories",
            "Install kernel packages only from Red Hat's repositories (RHUI, the CDN or Satellite).",
        ),
        "dkms" => (
            "builds kernel modules with DKMS, which taints the kernel with unsigned out-of-tree modules",
            "Use the driver Red Hat ships (kmod-* packages from Red Hat repositories or a Red Hat Driver Update Program module) instead of a DKMS build.",
        ),
        "out-of-tree-module" => (
            "loads an out-of-tree kernel module, which taints the kernel",
            "Use the driver Red Hat ships (in-kernel or a Red Hat-signed kmod package) or a vendor driver certified for RHEL.",
        ),
        "live-patch" => (
            "enables third-party kernel live patching, which Red Hat does not support",
            "Use Red Hat's kpatch live patches (dnf install kpatch-dnf; kpatch auto) instead of KernelCare, Canonical Livepatch or Ksplice.",
        ),
        _ => ("changes the kernel", "Keep the kernel and its modules as Red Hat ships them."),
    }
}

/// One finding per kernel change of `w`.
pub fn judge(w: &Workload) -> Vec<Finding> {
    w.kernel
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let (what, fix) = explain(&k.kind);
            let how = if k.strength == Strength::Declared { "is declared" } else { "runs at boot" };
            let release = w.release().map_or_else(|| "RHEL".to_owned(), |r| format!("RHEL {r}"));
            let message = format!(
                "`{}` {how} and {what}; Red Hat supports {release} only with its own unmodified, untainted kernel",
                k.text
            );
            Finding::new(KERNEL_TAINT, w, &format!("kernel.{i}"), message)
                .evidence(format!("kernel change {} ({})", k.kind, serde_json::to_string(&k.strength).unwrap_or_default().trim_matches('"')))
                .fix(fix)
        })
        .collect()
}
