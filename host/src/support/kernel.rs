//! The kernel signal: commands in a workload's boot entries (user data, custom data,
//! cloud-init, cfn-init, startup scripts, extension command lines) that leave Red Hat's
//! support scope by changing the kernel: a non-Red Hat kernel (ELRepo `kernel-ml` /
//! `kernel-lt`, its `elrepo-release` repository, a kernel RPM from a URL or file outside
//! Red Hat, `grubby --set-default` to an ELRepo kernel), `dkms` builds, out-of-tree modules
//! (`insmod`, `make modules_install`, `kmod-*` from a file, URL or ELRepo), and third-party
//! live patching (KernelCare, Canonical Livepatch, Ksplice).
//!
//! Commands are read with the registration scan's word reading, so quoting and comments
//! are handled once: a word in a comment (`# kernel-ml`) or an argument of `echo` is not a
//! command. Red Hat's `kpatch` and `kmod-*` packages from Red Hat repositories are fine.

use entitle_sdk::Workload;
use entitle_sdk::model::{BootConfig, KernelChange, Strength};

use crate::registration::{commands, redact_text, words};

/// Fills `kernel` of every workload from its boot entries, each change once, located at
/// its boot entry (`kernel.N` in the provenance).
pub(crate) fn scan(workloads: &mut [Workload]) {
    for w in workloads {
        for boot in &w.boot {
            let Some(text) = &boot.text else { continue };
            for change in scan_text(text, boot) {
                if !w.kernel.contains(&change) {
                    w.kernel.push(change);
                }
            }
        }
        for (i, k) in w.kernel.iter().enumerate() {
            w.provenance.entry(format!("kernel.{i}")).or_insert_with(|| k.source.clone());
        }
    }
}

/// The kernel changes in one boot entry's text.
fn scan_text(text: &str, boot: &BootConfig) -> Vec<KernelChange> {
    let mut out = Vec::new();
    let mut section = String::new();
    for line in text.lines() {
        // cloud-init: the top-level key a list item belongs to (`packages:`).
        if !line.starts_with([' ', '\t', '-', '#']) && !line.trim().is_empty() {
            section = line.split(':').next().unwrap_or_default().trim().to_owned();
        }
        for command in commands(line) {
            let mut words = words(&command);
            if let Some(cut) = words.iter().position(|w| w.starts_with('#')) {
                words.truncate(cut);
            }
            let list_item = words.first().is_some_and(|w| w == "-");
            if list_item {
                words.remove(0);
                // cloud-init's `- [dnf, install, kernel-ml]` form.
                for w in &mut words {
                    *w = w.trim_matches(|c| c == '[' || c == ']' || c == ',').trim_matches(['"', '\'']).to_owned();
                }
                words.retain(|w| !w.is_empty());
            }
            let kinds =
                if list_item && section == "packages" { packages(&words, false) } else { command_changes(&words) };
            // A file a machine config writes may or may not be run; a script or unit is.
            let strength = if boot.kind == "machine_config_file" { Strength::Weak } else { Strength::Strong };
            for kind in kinds {
                let text = redact_text(&words.join(" "));
                out.push(KernelChange { kind: kind.to_owned(), text, strength, source: boot.source.clone() });
            }
        }
    }
    out.dedup();
    out
}

/// The program of a command: the first word after `sudo`, `env`, `nohup`, `exec` and
/// variable assignments, by its file name.
fn program(words: &[String]) -> Option<(usize, &str)> {
    words.iter().enumerate().find_map(|(i, w)| {
        let name = w.rsplit('/').next().unwrap_or(w);
        let prefix = ["sudo", "env", "nohup", "exec", "time"].contains(&name) || w.starts_with('-') && i > 0;
        let assignment = w.contains('=') && !w.starts_with('-');
        (!prefix && !assignment).then_some((i, name))
    })
}

/// The kernel changes one command makes.
fn command_changes(words: &[String]) -> Vec<&'static str> {
    let Some((at, name)) = program(words) else { return Vec::new() };
    let args = &words[at + 1..];
    let has = |sub: &str| args.iter().any(|a| a == sub);
    let mut found = Vec::new();
    match name {
        "yum" | "dnf" | "microdnf" | "yum-config-manager" | "dnf-3" => {
            let installs = args
                .iter()
                .any(|a| ["install", "localinstall", "reinstall", "upgrade", "update"].contains(&a.as_str()));
            let elrepo =
                args.iter().any(|a| a.starts_with("--enablerepo") && a.to_ascii_lowercase().contains("elrepo"));
            if installs {
                found.extend(packages(args, elrepo));
            }
            if args.iter().any(|a| a.to_ascii_lowercase().contains("elrepo.org")) {
                found.push("third-party-kernel");
            }
        }
        "rpm" => {
            let installs = args.iter().any(|a| {
                a == "--install"
                    || a == "--upgrade"
                    || (a.starts_with('-')
                        && !a.starts_with("--")
                        && a.contains(['i', 'U', 'F'])
                        && !a.contains(['q', 'e']))
            });
            // Importing ELRepo's key (`rpm --import`) changes nothing yet; its install does.
            if installs {
                found.extend(packages(args, false));
            }
        }
        "dkms" if has("autoinstall") || has("install") || has("build") || has("add") => found.push("dkms"),
        "insmod" => found.push("out-of-tree-module"),
        "make" if has("modules_install") => found.push("out-of-tree-module"),
        "kcarectl" | "kernelcare" => found.push("live-patch"),
        "canonical-livepatch" if has("enable") => found.push("live-patch"),
        "snap" if has("install") && has("canonical-livepatch") => found.push("live-patch"),
        "uptrack-upgrade" | "uptrack-install" => found.push("live-patch"),
        "grubby" => {
            let target = args
                .iter()
                .position(|a| a.starts_with("--set-default"))
                .and_then(|i| args[i].split_once('=').map(|(_, v)| v.to_owned()).or_else(|| args.get(i + 1).cloned()));
            if target.is_some_and(|t| third_party_kernel_file(&t)) {
                found.push("third-party-kernel");
            }
        }
        "curl" | "wget" => {
            // A downloaded installer piped to a shell runs as the next command; the URL says whose.
            let live = ["kernelcare.com", "cloudlinux.com/kernelcare", "ksplice.oracle.com", "install-uptrack"];
            if args.iter().any(|a| live.iter().any(|l| a.to_ascii_lowercase().contains(l))) {
                found.push("live-patch");
            }
        }
        _ => {}
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// The kernel changes of installing `args` (package names, files, URLs); `third_party`:
/// the command enables a non-Red Hat kernel repository (ELRepo).
fn packages(args: &[String], third_party: bool) -> Vec<&'static str> {
    let mut found = Vec::new();
    for arg in args.iter().filter(|a| !a.starts_with('-')) {
        let lower = arg.to_ascii_lowercase();
        let file = lower.rsplit('/').next().unwrap_or(&lower);
        let outside = (lower.contains("://") || lower.ends_with(".rpm")) && !red_hat_url(&lower);
        if file.starts_with("kernel-ml") || file.starts_with("kernel-lt") || file.starts_with("elrepo-release") {
            found.push("third-party-kernel");
        } else if file == "dkms" || file.starts_with("dkms-") {
            found.push("dkms");
        } else if file.starts_with("kmod-") && (outside || third_party) {
            found.push("out-of-tree-module");
        } else if file.starts_with("kernel") && outside {
            found.push("kernel-rpm");
        } else if ["kernelcare", "uptrack", "canonical-livepatch"].iter().any(|p| file.starts_with(p)) {
            found.push("live-patch");
        } else if lower.contains("elrepo.org") {
            found.push("third-party-kernel");
        }
    }
    found
}

/// A URL on a Red Hat host (`*.redhat.com`), whose packages are Red Hat's.
fn red_hat_url(url: &str) -> bool {
    let host = url.split_once("://").map_or("", |(_, rest)| rest.split('/').next().unwrap_or_default());
    host == "redhat.com" || host.ends_with(".redhat.com")
}

/// A kernel image path that names an ELRepo or mainline build (`vmlinuz-6.6.1-1.el9.elrepo.x86_64`).
fn third_party_kernel_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("elrepo") || lower.contains("kernel-ml") || lower.contains("kernel-lt")
}

#[cfg(test)]
#[path = "kernel_tests.rs"]
mod tests;
