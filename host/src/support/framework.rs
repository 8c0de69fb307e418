//! SAP deployment frameworks' own switches, read where only a framework's inputs are visible:
//! a variables file read alone and a module call that is not fetched. The SAP Deployment
//! Automation Framework (SDAF) names the system (`sid`, `database_sid`, `database_platform`)
//! and makes a tier a Pacemaker cluster with `database_high_availability` /
//! `scs_high_availability`; Google's SAP modules say it in their names (`sap_hana_ha`,
//! `sap_hana`, `sap_nw_ha`). Each is strong evidence: the framework deploys what it says.

use entitle_sdk::Workload;
use entitle_sdk::model::{Evidence, HaMembership, SapWorkload, Source, Strength};

/// HA switches and the tier each makes a cluster (SDAF).
const HA_SWITCHES: [(&str, &str); 2] = [("database_high_availability", "database"), ("scs_high_availability", "scs")];

/// Variables that name an SAP system (SDAF).
const SAP_KEYS: [&str; 3] = ["sid", "database_sid", "database_platform"];

/// One input's value, as far as a switch reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A known boolean.
    Bool(bool),
    /// Known text.
    Text(String),
    /// Anything else (unknown, a list, text read from a file).
    Other,
}

/// One input of a framework: its name, value and where it is written.
#[derive(Clone, Debug)]
pub struct Input {
    /// The variable or argument name.
    pub name: String,
    /// Its value.
    pub value: Value,
    /// Where it is written.
    pub at: Source,
}

/// True for an input name a framework switch reads.
pub fn reads(name: &str) -> bool {
    HA_SWITCHES.iter().any(|(n, _)| *n == name) || SAP_KEYS.contains(&name)
}

/// The tier a variable belongs to (`database_vm_image` → `database`), when it has one.
pub fn tier(name: &str) -> Option<&str> {
    let first = name.split('_').next()?;
    ["database", "scs", "application", "app", "web"].contains(&first).then_some(first)
}

/// Fills `ha` and `sap` of `w` (when empty) from a framework's `inputs`: the HA switches of
/// tier `tier` (every tier when `None`, as for a module call), and the module `source` the
/// inputs are passed to, located at `module_at`.
pub fn apply(w: &mut Workload, tier: Option<&str>, inputs: &[Input], module: Option<(&str, &Source)>) {
    let mut ha: Vec<Evidence> = Vec::new();
    let mut sap: Vec<(&'static str, Evidence)> = Vec::new();
    for input in inputs {
        if let Some((_, switch_tier)) = HA_SWITCHES.iter().find(|(n, _)| *n == input.name)
            && input.value == Value::Bool(true)
            && tier.is_none_or(|t| t == *switch_tier)
        {
            let text = format!(
                "`{} = true`: the SAP deployment framework deploys the {switch_tier} tier as a Pacemaker cluster",
                input.name
            );
            ha.push(Evidence { text, strength: Strength::Strong, source: input.at.clone() });
        }
    }
    let platform = inputs.iter().find(|i| i.name == "database_platform").and_then(|i| match &i.value {
        Value::Text(t) => Some(t.as_str()),
        _ => None,
    });
    if let Some(named) = inputs.iter().find(|i| SAP_KEYS.contains(&i.name.as_str()) && i.value != Value::Other) {
        let hana = platform.is_some_and(|p| p.eq_ignore_ascii_case("HANA"));
        let kind = match tier {
            Some("database") if hana => "sap-hana",
            Some("database") => "sap",
            Some(_) => "netweaver",
            None if hana => "sap-hana",
            None => "sap",
        };
        let platform = platform.map(|p| format!(", database platform {p}")).unwrap_or_default();
        let text = format!("`{}` set: a system of the SAP deployment framework{platform}", named.name);
        sap.push((kind, Evidence { text, strength: Strength::Strong, source: named.at.clone() }));
    }
    if let Some((source, at)) = module
        && let Some((kind, is_ha)) = sap_module(source)
    {
        let what = if kind == "sap-hana" { "SAP HANA" } else { "SAP NetWeaver" };
        let text = format!("module source {source} deploys {what}");
        sap.push((kind, Evidence { text: text.clone(), strength: Strength::Strong, source: at.clone() }));
        if is_ha {
            let text = format!("{text} as a Pacemaker HA pair");
            ha.push(Evidence { text, strength: Strength::Strong, source: at.clone() });
        }
    }
    if w.ha.is_none()
        && let Some(first) = ha.first()
    {
        w.provenance.insert("ha".into(), first.source.clone());
        let id = match tier {
            Some(t) => format!("{} {t} tier", w.source.path.rsplit('/').next().unwrap_or_default()),
            None => w.resource.clone(),
        };
        w.ha = Some(HaMembership {
            id,
            kind: Some("pacemaker".into()),
            fencing: None,
            strength: Strength::Strong,
            evidence: ha,
        });
    }
    if w.sap.is_none()
        && let Some((kind, first)) = sap.first()
    {
        w.provenance.insert("sap".into(), first.source.clone());
        let kind = sap.iter().map(|(k, _)| *k).find(|k| *k != "sap").unwrap_or(kind);
        let evidence = sap.into_iter().map(|(_, e)| e).collect();
        w.sap = Some(SapWorkload { kind: kind.to_owned(), strength: Strength::Strong, evidence });
    }
}

/// What an SAP module deploys, by the last part of its source (`…//modules/sap_hana_ha`,
/// `…/sap_hana_ha/sap_hana_ha_module.zip`): the SAP kind and whether it is an HA pair.
fn sap_module(source: &str) -> Option<(&'static str, bool)> {
    let path = source.split(['?', '#']).next().unwrap_or(source);
    let last = path.trim_end_matches('/').rsplit(['/', ':']).next()?.to_ascii_lowercase();
    let name = last.trim_end_matches(".zip").trim_end_matches("_module");
    let kind = if name.starts_with("sap_hana") {
        "sap-hana"
    } else if name.starts_with("sap_nw") || name.starts_with("sap_netweaver") {
        "netweaver"
    } else {
        return None;
    };
    Some((kind, name.ends_with("_ha")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_sources_name_what_they_deploy() {
        assert_eq!(sap_module("terraform-google-modules/sap/google//modules/sap_hana_ha"), Some(("sap-hana", true)));
        assert_eq!(
            sap_module(
                "https://storage.googleapis.com/cloudsapdeploy/terraform/latest/terraform/sap_hana/sap_hana_module.zip"
            ),
            Some(("sap-hana", false))
        );
        assert_eq!(sap_module("git::https://example.com/x.git//sap_nw_ha?ref=v1"), Some(("netweaver", true)));
        assert_eq!(sap_module("terraform-aws-modules/ec2-instance/aws"), None);
        assert_eq!(sap_module("./modules/sapling"), None);
    }

    #[test]
    fn switches_apply_to_their_tier() {
        let at = Source { path: "x.tfvars".into(), ..Source::default() };
        let input = |name: &str, value: Value| Input { name: name.into(), value, at: at.clone() };
        let inputs = vec![
            input("database_high_availability", Value::Bool(true)),
            input("scs_high_availability", Value::Bool(false)),
            input("database_platform", Value::Text("HANA".into())),
        ];
        let mut db = Workload { source: at.clone(), ..Workload::default() };
        apply(&mut db, Some("database"), &inputs, None);
        assert_eq!(db.ha.as_ref().map(|h| h.id.as_str()), Some("x.tfvars database tier"));
        assert_eq!(db.sap.as_ref().map(|s| s.kind.as_str()), Some("sap-hana"));
        let mut scs = Workload { source: at, ..Workload::default() };
        apply(&mut scs, Some("scs"), &inputs, None);
        assert!(scs.ha.is_none());
        assert_eq!(scs.sap.as_ref().map(|s| s.kind.as_str()), Some("netweaver"));
    }
}
