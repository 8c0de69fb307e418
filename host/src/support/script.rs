//! HA and SAP signals in a workload's boot scripts: Pacemaker installs and cluster set-up,
//! fence agents, SAP HANA and NetWeaver installers. Commands are read with the registration
//! scanner's tokenising (comments and blank pieces dropped, quotes removed), so a word in
//! a comment is never evidence.

use entitle_sdk::model::{BootConfig, Evidence, HOLE, Strength};

use crate::registration::{commands, redact_text, words};

/// What one boot command says about HA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HaWord {
    /// A cluster name shared by members (`pcs cluster setup NAME …`), when given.
    pub cluster: Option<String>,
    /// The fencing the command sets up, when it sets one up.
    pub fencing: Option<&'static str>,
    /// The command, redacted.
    pub evidence: Evidence,
}

/// What one boot command says about SAP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SapWord {
    /// `sap-hana`, `s4hana`, `netweaver` or `sap`.
    pub kind: &'static str,
    /// The command, redacted.
    pub evidence: Evidence,
}

/// Packages whose install makes a machine a Pacemaker cluster node.
const HA_PACKAGES: [&str; 5] = ["pacemaker", "pcs", "corosync", "fence-agents-all", "sbd"];

/// Package managers' install verbs.
const INSTALLERS: [&str; 3] = ["yum", "dnf", "microdnf"];

/// The fencing a fence agent's name stands for.
pub fn fencing_of(agent: &str) -> &'static str {
    match agent.to_ascii_lowercase().as_str() {
        "fence_azure_arm" => "azure-fence-agent",
        "fence_aws" => "fence_aws",
        "fence_gce" => "fence_gce",
        "fence_sbd" => "sbd",
        "fence_watchdog" => "watchdog",
        _ => "other",
    }
}

/// The HA commands of a boot entry.
pub fn ha_words(boot: &BootConfig) -> Vec<HaWord> {
    let Some(text) = &boot.text else { return Vec::new() };
    let mut out = Vec::new();
    for command in commands(text) {
        let w = words(&command);
        let found = |cluster: Option<String>, fencing: Option<&'static str>| HaWord {
            cluster,
            fencing,
            evidence: evidence(&command, boot, Strength::Strong),
        };
        if let Some(at) = program(&w, "pcs") {
            let args: Vec<&str> = w[at + 1..].iter().map(String::as_str).filter(|a| !a.starts_with('-')).collect();
            match args.as_slice() {
                ["cluster", "setup", name, ..] if known(name) => out.push(found(Some((*name).to_owned()), None)),
                ["cluster", ..] | ["resource", ..] | ["property", ..] => out.push(found(None, None)),
                ["stonith", "create", _, agent, ..] if known(agent) => {
                    out.push(found(None, Some(fencing_of(agent))));
                }
                ["stonith", "sbd", "enable", ..] => out.push(found(None, Some("sbd"))),
                ["stonith", ..] => out.push(found(None, None)),
                _ => {}
            }
        } else if let Some(packages) = installed(&w) {
            let ha = packages.iter().any(|p| {
                HA_PACKAGES.contains(&p.as_str())
                    || p.starts_with("fence-agents-")
                    || p.starts_with("resource-agents-sap")
            });
            if ha {
                let fencing = packages.iter().find_map(|p| match p.as_str() {
                    "fence-agents-azure-arm" => Some("azure-fence-agent"),
                    "fence-agents-aws" => Some("fence_aws"),
                    "fence-agents-gce" => Some("fence_gce"),
                    _ => None,
                });
                out.push(found(None, fencing));
            }
        }
    }
    out
}

/// The SAP commands of a boot entry: HANA's and SWPM's installers, SAP resource agents
/// and system roles.
pub fn sap_words(boot: &BootConfig) -> Vec<SapWord> {
    let Some(text) = &boot.text else { return Vec::new() };
    let mut out = Vec::new();
    for command in commands(text) {
        let w = words(&command);
        let base = |word: &String| word.rsplit('/').next().unwrap_or(word).to_ascii_lowercase();
        let names: Vec<String> = w.iter().map(base).collect();
        let any = |f: &dyn Fn(&str) -> bool| names.iter().any(|n| f(n));
        let kind = if any(&|n| n == "hdblcm" || n == "hdbinst" || n == "hdblcmgui") {
            Some("sap-hana")
        } else if any(&|n| n == "sapinst" || n == "sapinstgui") {
            Some(if any(&|n| n.contains("s4hana")) { "s4hana" } else { "netweaver" })
        } else if let Some(packages) = installed(&w) {
            packages.iter().find_map(|p| match p.as_str() {
                "resource-agents-sap-hana" | "resource-agents-sap-hana-scaleout" => Some("sap-hana"),
                "resource-agents-sap" | "sap-cluster-connector" => Some("netweaver"),
                "compat-sap-c++-9" | "compat-sap-c++-10" | "compat-sap-c++-11" | "compat-sap-c++-12" => Some("sap"),
                "rhel-system-roles-sap" => Some("sap"),
                _ => None,
            })
        } else {
            None
        };
        if let Some(kind) = kind {
            out.push(SapWord { kind, evidence: evidence(&command, boot, Strength::Strong) });
        }
    }
    out
}

/// The position of `name` as the program of a command (after `sudo`, env assignments, a path).
fn program(words: &[String], name: &str) -> Option<usize> {
    let at = words.iter().position(|w| !w.contains('=') && w != "sudo")?;
    (words[at].rsplit('/').next() == Some(name)).then_some(at)
}

/// The packages of a `yum|dnf install` command (lower case), when it is one.
fn installed(words: &[String]) -> Option<Vec<String>> {
    let at = INSTALLERS.iter().find_map(|i| program(words, i))?;
    let args: Vec<&String> = words[at + 1..].iter().filter(|a| !a.starts_with('-')).collect();
    if args.first().map(|a| a.as_str()) != Some("install") {
        return None;
    }
    Some(args[1..].iter().map(|p| p.to_ascii_lowercase()).collect())
}

/// A word with no unknown part.
fn known(word: &str) -> bool {
    !word.contains(HOLE)
}

fn evidence(command: &str, boot: &BootConfig, strength: Strength) -> Evidence {
    Evidence {
        text: format!("{} boot entry runs `{}`", boot.kind, redact_text(command)),
        strength,
        source: boot.source.clone(),
    }
}
