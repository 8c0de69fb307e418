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

/// How telling a kind is, first first: the change a reader must see quoted.
fn rank(kind: &str, text: &str) -> (usize, bool) {
    let order = ["third-party-kernel", "kernel-rpm", "live-patch", "dkms", "out-of-tree-module"];
    let package = text.contains("kernel-ml") || text.contains("kernel-lt");
    (order.iter().position(|k| *k == kind).unwrap_or(order.len()), !package)
}

/// One finding per boot entry (or declaration) of `w` that changes the kernel, quoting its
/// most telling command, with every change of that entry in the evidence.
pub fn judge(w: &Workload) -> Vec<Finding> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, k) in w.kernel.iter().enumerate() {
        let same = |g: &Vec<usize>| {
            w.kernel[g[0]].source.path == k.source.path && w.kernel[g[0]].source.pointer == k.source.pointer
        };
        match groups.iter_mut().find(|g| same(g)) {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    let release = match (w.kind.as_str(), w.release()) {
        ("machine_config", _) => "the pool's OpenShift nodes".to_owned(),
        (_, Some(r)) => format!("RHEL {r}"),
        _ => "RHEL".to_owned(),
    };
    groups
        .into_iter()
        .map(|group| {
            let mut ordered = group.clone();
            ordered.sort_by_key(|&i| (rank(&w.kernel[i].kind, &w.kernel[i].text), i));
            let lead = &w.kernel[ordered[0]];
            let (what, _) = explain(&lead.kind);
            let how = match lead.strength {
                Strength::Declared => "is declared",
                Strength::Weak => "is in a file written to the machine at boot",
                Strength::Strong => "runs at boot",
            };
            let others = ordered.len() - 1;
            let more = match others {
                0 => String::new(),
                1 => " (and 1 more kernel change in the same place)".to_owned(),
                n => format!(" (and {n} more kernel changes in the same place)"),
            };
            let message = format!(
                "`{}` {how} and {what}{more}; Red Hat supports {release} only with its own unmodified, untainted kernel",
                lead.text
            );
            let mut finding = Finding::new(KERNEL_TAINT, w, &format!("kernel.{}", group[0]), message);
            let mut fixes: Vec<&str> = Vec::new();
            for &i in &ordered {
                let k = &w.kernel[i];
                let strength = serde_json::to_string(&k.strength).unwrap_or_default();
                finding = finding.evidence(format!("kernel change {} ({}): `{}`", k.kind, strength.trim_matches('"'), k.text));
                let fix = explain(&k.kind).1;
                if !fixes.contains(&fix) {
                    fixes.push(fix);
                }
            }
            finding.fix(fixes.join(" "))
        })
        .collect()
}
