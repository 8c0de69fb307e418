//! HA cluster membership found in resources beside the machines: the Azure fence agent's
//! custom role (`powerOff` and `start` actions; ARM or azurerm) assigned to the nodes or to an
//! identity they carry, AWS IAM policies that let the nodes stop or reboot each other (`fence_aws`) or move
//! an overlay IP (`ec2:ReplaceRoute`, `aws-vpc-move-ip`), Google Cloud custom roles that
//! let the nodes' service account stop and start or reset instances (`fence_gce`), and an
//! internal load balancer with HA ports and a probe in front of the nodes.
//!
//! A set of machines is a cluster only when it has two or more instances: one machine
//! allowed to stop instances is a scheduler, not a cluster node.

use std::collections::BTreeSet;

use entitle_sdk::model::{Evidence, Source, Strength};
use serde_json::Value;

use super::graph::Node;

/// A cluster seen in resources: its id, fencing, members (node indices) and evidence.
#[derive(Debug)]
pub struct Found {
    /// Cluster id (the fence role's, policy's or load balancer's name).
    pub id: String,
    /// The fencing, when the resources show it.
    pub fencing: Option<&'static str>,
    /// Node indices of the machines.
    pub members: BTreeSet<usize>,
    /// What makes them members.
    pub evidence: Evidence,
}

/// Every cluster the resources show. `is_machine` tells which nodes hold workloads, with
/// their instance counts (an unknown count counts as 1).
pub fn clusters(path: &str, nodes: &[Node], machines: &dyn Fn(usize) -> Option<u64>) -> Vec<Found> {
    let mut out = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        let found = if azure_fence_role(n) {
            let members = reach(
                nodes,
                i,
                &|t: &str| {
                    let t = t.to_ascii_lowercase();
                    t.ends_with("roleassignments")
                        || t.ends_with("userassignedidentities")
                        || t == "azurerm_role_assignment"
                        || t == "azurerm_user_assigned_identity"
                },
                machines,
            );
            let text = format!(
                "custom role '{}' grants the Azure fence agent's powerOff and start actions to these machines",
                n.name
            );
            Some((members, Some("azure-fence-agent"), text, Strength::Strong))
        } else if let Some((fencing, what)) = aws_fence_policy(n) {
            let members =
                reach(nodes, i, &|t: &str| t.starts_with("aws_iam_") || t.starts_with("AWS::IAM::"), machines);
            let text = format!("IAM policy in '{}' allows {what} to these instances' role", n.name);
            Some((members, fencing, text, Strength::Strong))
        } else if gcp_fence_role(n) {
            let members = reach(
                nodes,
                i,
                &|t: &str| {
                    let lower = t.to_ascii_lowercase();
                    t.starts_with("google_project_iam_")
                        || t.starts_with("google_service_account")
                        || lower.ends_with("iammemberbinding")
                        || lower.ends_with("serviceaccount")
                        || lower.ends_with("serviceaccounts")
                },
                machines,
            );
            let text = format!(
                "custom role '{}' grants fence_gce's compute.instances stop and start/reset permissions to these machines' service account",
                n.name
            );
            Some((members, Some("fence_gce"), text, Strength::Strong))
        } else if ha_ports_balancer(n) {
            let members =
                reach(nodes, i, &|t: &str| t.eq_ignore_ascii_case("Microsoft.Network/networkInterfaces"), machines);
            let text = format!(
                "internal load balancer '{}' with HA ports and a health probe in front of these machines",
                n.name
            );
            Some((members, None, text, Strength::Weak))
        } else {
            None
        };
        let Some((members, fencing, text, strength)) = found else { continue };
        let instances: u64 = members.iter().map(|m| machines(*m).unwrap_or(1)).sum();
        if instances < 2 {
            continue;
        }
        let source = Source { path: path.to_owned(), pointer: n.pointer.clone(), line: None, column: None };
        // An Azure role reads better by its role name than by its (usually generated) name.
        let named = if n.ty == "azurerm_role_definition" { "/name" } else { "/properties/roleName" };
        let role_name = n.value.pointer(named).and_then(Value::as_str).filter(|r| !r.starts_with('['));
        let id = role_name.unwrap_or(&n.name).to_owned();
        out.push(Found { id, fencing, members, evidence: Evidence { text, strength, source } });
    }
    out
}

/// Machines reached from node `start` through nodes whose type `via` accepts, following
/// references either way; a machine is reached when it names, or is named by, a reached node.
fn reach(
    nodes: &[Node],
    start: usize,
    via: &dyn Fn(&str) -> bool,
    machines: &dyn Fn(usize) -> Option<u64>,
) -> BTreeSet<usize> {
    let linked = |a: usize, b: usize| nodes[a].names.contains(&b) || nodes[b].names.contains(&a);
    let mut seen = BTreeSet::from([start]);
    let mut queue = vec![start];
    let mut members = BTreeSet::new();
    while let Some(at) = queue.pop() {
        for (other, node) in nodes.iter().enumerate() {
            if seen.contains(&other) || !linked(at, other) {
                continue;
            }
            if machines(other).is_some() {
                members.insert(other);
            } else if via(&node.ty) {
                seen.insert(other);
                queue.push(other);
            }
        }
    }
    members
}

/// An Azure custom role (ARM `roleDefinitions`, Terraform `azurerm_role_definition`) with a
/// VM `powerOff` action and a `start` action.
fn azure_fence_role(n: &Node) -> bool {
    if !n.ty.eq_ignore_ascii_case("Microsoft.Authorization/roleDefinitions") && n.ty != "azurerm_role_definition" {
        return false;
    }
    let actions = n.text().to_ascii_lowercase();
    actions.contains("/poweroff/action") && actions.contains("/start/action")
}

/// An AWS policy that lets the nodes fence each other (`ec2:StopInstances` with
/// `ec2:StartInstances` or `ec2:RebootInstances`: fence_aws) or move an overlay IP
/// (`ec2:ReplaceRoute`: aws-vpc-move-ip): the fencing, and the actions for a message.
/// Actions compare whole (`ec2:ReplaceRouteTableAssociation` is not `ec2:ReplaceRoute`); a
/// policy that also runs or terminates instances, or allows every EC2 action, provisions
/// machines and is no fencing evidence.
fn aws_fence_policy(n: &Node) -> Option<(Option<&'static str>, String)> {
    let iam = n.ty.starts_with("aws_iam_") || n.ty.starts_with("AWS::IAM::");
    if !iam || n.ty.contains("instance_profile") || n.ty.contains("InstanceProfile") {
        return None;
    }
    let actions = ec2_actions(n.value, 0);
    let has = |action: &str| actions.contains(&action.to_ascii_lowercase());
    if has("ec2:*") || has("ec2:RunInstances") || has("ec2:TerminateInstances") {
        return None;
    }
    if has("ec2:StopInstances") && (has("ec2:StartInstances") || has("ec2:RebootInstances")) {
        let named: Vec<&str> =
            ["ec2:StopInstances", "ec2:StartInstances", "ec2:RebootInstances"].into_iter().filter(|a| has(a)).collect();
        return Some((Some("fence_aws"), named.join(", ")));
    }
    has("ec2:ReplaceRoute").then(|| (None, "ec2:ReplaceRoute (the aws-vpc-move-ip agent's overlay IP)".to_owned()))
}

/// Every `ec2:` action named in a value, lower case; a policy document held as JSON text
/// (Terraform's `policy`) is read too, nested at most twice.
fn ec2_actions(value: &Value, depth: u8) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) if s.to_ascii_lowercase().starts_with("ec2:") => {
                out.insert(s.trim().to_ascii_lowercase());
            }
            Value::String(s) if depth < 2 && s.trim_start().starts_with('{') => {
                if let Ok(inner) = serde_json::from_str::<Value>(s) {
                    out.extend(ec2_actions(&inner, depth + 1));
                }
            }
            Value::Object(map) => stack.extend(map.values()),
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

/// A Google Cloud custom role (Terraform `google_project_iam_custom_role`, Deployment
/// Manager `gcp-types/iam-v1:projects.roles`) with the permissions fence_gce uses:
/// `compute.instances.stop` with `compute.instances.start` or `compute.instances.reset`. A
/// role that also creates or deletes instances, or holds every instance permission,
/// provisions machines and is no fencing evidence.
fn gcp_fence_role(n: &Node) -> bool {
    let at = match n.ty.as_str() {
        "google_project_iam_custom_role" | "google_organization_iam_custom_role" => "/permissions",
        t if t.ends_with("iam-v1:projects.roles") || t.ends_with("iam-v1:organizations.roles") => {
            "/properties/role/includedPermissions"
        }
        _ => return false,
    };
    let permissions: BTreeSet<String> = n
        .value
        .pointer(at)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|p| p.trim().to_ascii_lowercase())
        .collect();
    let has = |p: &str| permissions.contains(p);
    if has("compute.instances.*") || has("compute.instances.create") || has("compute.instances.delete") {
        return false;
    }
    has("compute.instances.stop") && (has("compute.instances.start") || has("compute.instances.reset"))
}

/// An ARM load balancer with an HA-ports rule (protocol All, ports 0), a probe, and no
/// public frontend.
fn ha_ports_balancer(n: &Node) -> bool {
    if !n.ty.eq_ignore_ascii_case("Microsoft.Network/loadBalancers") {
        return false;
    }
    let props = n.value.get("properties");
    let list = |key: &str| props.and_then(|p| p.get(key)).and_then(Value::as_array).cloned().unwrap_or_default();
    let ha_rule = list("loadBalancingRules").iter().any(|r| {
        let p = r.get("properties");
        let get = |k: &str| p.and_then(|p| p.get(k));
        get("protocol").and_then(Value::as_str).is_some_and(|s| s.eq_ignore_ascii_case("all"))
            && get("frontendPort").and_then(Value::as_i64) == Some(0)
            && get("backendPort").and_then(Value::as_i64) == Some(0)
    });
    let public = list("frontendIPConfigurations").iter().any(|f| f.pointer("/properties/publicIPAddress").is_some());
    ha_rule && !list("probes").is_empty() && !public
}
