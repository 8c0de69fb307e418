//! The resources of one input document as a small graph, for signals that live in
//! resources other than the machine (role assignments, IAM policies, load balancers):
//! ARM `resources` (and their child resources), CloudFormation `Resources`, Terraform plan
//! `resource_changes`, Deployment Manager `resources`. An edge says one resource names
//! another: an ARM expression that contains the other's name expression, a CloudFormation
//! `Ref` / `Fn::GetAtt` / `${…}`, a Terraform configuration reference or a literal name
//! equal to the other's, a Deployment Manager `$(ref.NAME…)` or the service account's
//! e-mail or custom role's path written out.
//!
//! Bounded: at most [`MAX_NODES`] resources, and at most [`MAX_WORK`] bytes of resource
//! text searched for names in all; a larger document is not linked at all, and says why.

use serde_json::Value;

use crate::formats::Format;

/// Resources linked in one document.
pub const MAX_NODES: usize = 400;

/// Bytes of resource text searched for other resources' names, in all (each resource's
/// text is searched once per other resource).
pub const MAX_WORK: usize = 64 << 20;

/// One resource.
#[derive(Debug)]
pub struct Node<'a> {
    /// The resource type (`Microsoft.Authorization/roleDefinitions`, `AWS::IAM::Policy`, `aws_iam_policy`).
    pub ty: String,
    /// The name as a reviewer knows it (ARM name as written, logical id, address).
    pub name: String,
    /// JSON pointer of the resource in the document.
    pub pointer: String,
    /// The resource as JSON text (for searching names and actions), made on first use ([`Node::text`]): an input
    /// past [`MAX_NODES`] is not linked, and serialising each of its resources (a 50 MB plan's 24,000) only to say so
    /// was a tenth of its check.
    text: std::cell::OnceCell<String>,
    /// The resource itself (borrowed from the document: a copy doubled a large input's memory).
    pub value: &'a Value,
    /// Indices of the nodes it names.
    pub names: Vec<usize>,
}

/// The resources of a document in `format` (empty for formats without such resources),
/// linked; or, past the bounds, unlinked with the reason.
pub fn nodes(format: Format, doc: &Value) -> (Vec<Node<'_>>, Option<String>) {
    let mut out = match format {
        Format::Arm => arm(doc),
        Format::CloudFormation => cfn(doc),
        Format::TerraformPlan => tfplan(doc),
        Format::GcpDeploymentManager => dm(doc),
        _ => Vec::new(),
    };
    if out.len() > MAX_NODES {
        let why = format!(
            "the input has {} resources; fence roles, IAM policies and load balancers are linked to machines in inputs of at most {MAX_NODES} resources and {MAX_WORK} bytes searched",
            out.len(),
        );
        return (out, Some(why));
    }
    let text: usize = out.iter().map(|n| n.text().len()).sum();
    if out.len().saturating_mul(text) > MAX_WORK {
        let why = format!(
            "the input has {} resources ({} bytes); fence roles, IAM policies and load balancers are linked to machines in inputs of at most {MAX_NODES} resources and {MAX_WORK} bytes searched",
            out.len(),
            text
        );
        return (out, Some(why));
    }
    link(format, doc, &mut out);
    (out, None)
}

fn node<'a>(ty: &str, name: &str, pointer: String, value: &'a Value) -> Node<'a> {
    Node { ty: ty.to_owned(), name: name.to_owned(), pointer, text: Default::default(), value, names: Vec::new() }
}

impl Node<'_> {
    /// The resource as JSON text.
    pub fn text(&self) -> &str {
        self.text.get_or_init(|| self.value.to_string())
    }
}

fn arm(doc: &Value) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    // Resources are a list, or (language version 2.0) an object of symbolic names.
    let resources: Vec<(String, &Value)> = match doc.get("resources") {
        Some(Value::Array(list)) => list.iter().enumerate().map(|(i, r)| (i.to_string(), r)).collect(),
        Some(Value::Object(map)) => map.iter().map(|(k, r)| (crate::document::escape_token(k), r)).collect(),
        _ => return out,
    };
    for (key, r) in resources {
        let at = format!("/resources/{key}");
        push_arm(&mut out, r, at.clone(), None);
        for (j, child) in r.get("resources").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let parent = r.get("type").and_then(Value::as_str);
            push_arm(&mut out, child, format!("{at}/resources/{j}"), parent);
        }
    }
    out
}

fn push_arm<'a>(out: &mut Vec<Node<'a>>, r: &'a Value, pointer: String, parent: Option<&str>) {
    let ty = r.get("type").and_then(Value::as_str).unwrap_or_default();
    let ty = match parent {
        Some(p) if !ty.contains('/') || !ty.contains('.') => format!("{p}/{ty}"),
        _ => ty.to_owned(),
    };
    let name = r.get("name").and_then(Value::as_str).unwrap_or_default();
    out.push(node(&ty, name, pointer, r));
}

fn cfn(doc: &Value) -> Vec<Node<'_>> {
    let Some(resources) = doc.get("Resources").and_then(Value::as_object) else { return Vec::new() };
    resources
        .iter()
        .map(|(name, r)| {
            let ty = r.get("Type").and_then(Value::as_str).unwrap_or_default();
            node(ty, name, format!("/Resources/{}", crate::document::escape_token(name)), r)
        })
        .collect()
}

fn dm(doc: &Value) -> Vec<Node<'_>> {
    let Some(resources) = doc.get("resources").and_then(Value::as_array) else { return Vec::new() };
    resources
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let ty = r.get("type").and_then(Value::as_str)?;
            let name = r.get("name").and_then(Value::as_str)?;
            Some(node(ty, name, format!("/resources/{i}"), r))
        })
        .collect()
}

fn tfplan(doc: &Value) -> Vec<Node<'_>> {
    let Some(changes) = doc.get("resource_changes").and_then(Value::as_array) else { return Vec::new() };
    changes
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let address = r.get("address").and_then(Value::as_str)?;
            let ty = r.get("type").and_then(Value::as_str).unwrap_or_default();
            let after = r.pointer("/change/after").filter(|a| a.is_object())?;
            Some(node(ty, address, format!("/resource_changes/{i}"), after))
        })
        .collect()
}

/// Fills each node's `names`.
fn link(format: Format, doc: &Value, nodes: &mut [Node]) {
    let found: Vec<Vec<usize>> = match format {
        Format::Arm => by_handles(nodes, &nodes.iter().map(|n| arm_handles(&n.name)).collect::<Vec<_>>()),
        Format::CloudFormation => nodes
            .iter()
            .map(|n| {
                let refs = cfn_refs(n.value);
                (0..nodes.len()).filter(|&j| refs.contains(&nodes[j].name)).collect()
            })
            .collect(),
        Format::TerraformPlan => {
            let config = tf_references(doc);
            let literal: Vec<Vec<String>> = nodes.iter().map(|n| tf_literal_names(n.value)).collect();
            nodes
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let own = unindexed(&n.name);
                    let refs = config.iter().find(|(a, _)| *a == own).map(|(_, r)| r.as_slice()).unwrap_or(&[]);
                    (0..nodes.len())
                        .filter(|&j| j != i)
                        .filter(|&j| {
                            let other = unindexed(&nodes[j].name);
                            refs.iter().any(|r| r == other || r.starts_with(&format!("{other}.")))
                                || literal[j].iter().any(|name| strings(n.value).any(|s| s == name))
                        })
                        .collect()
                })
                .collect()
        }
        Format::GcpDeploymentManager => by_handles(nodes, &nodes.iter().map(dm_handles).collect::<Vec<_>>()),
        _ => vec![Vec::new(); nodes.len()],
    };
    for (n, names) in nodes.iter_mut().zip(found) {
        n.names = names;
    }
}

/// For each node, the other nodes one of whose `handles` its text contains.
fn by_handles(nodes: &[Node], handles: &[Vec<String>]) -> Vec<Vec<usize>> {
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (0..nodes.len()).filter(|&j| j != i && handles[j].iter().any(|h| n.text().contains(h.as_str()))).collect()
        })
        .collect()
}

/// How other ARM resources name this one: the name's expression (without brackets), or the
/// literal's last segment quoted as an expression or a JSON string would hold it.
fn arm_handles(name: &str) -> Vec<String> {
    if let Some(inner) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        let inner = inner.trim();
        return if inner.len() >= 8 { vec![inner.to_owned()] } else { Vec::new() };
    }
    let last = name.rsplit('/').next().unwrap_or(name);
    if last.len() < 3 {
        return Vec::new();
    }
    vec![format!("'{last}'"), format!("\"{last}\""), format!("/{last}\""), format!("/{last}'")]
}

/// How other Deployment Manager resources name this one: `$(ref.NAME.…)` or `$(ref.NAME)`,
/// a service account's e-mail (`ACCOUNT@`), a custom role's path (`roles/ROLE_ID"`).
fn dm_handles(n: &Node) -> Vec<String> {
    let mut out = vec![format!("$(ref.{}.", n.name), format!("$(ref.{})", n.name)];
    let text = |at: &str| n.value.pointer(at).and_then(Value::as_str).filter(|t| t.len() >= 3 && !t.contains("$("));
    if let Some(account) = text("/properties/accountId") {
        out.push(format!("{account}@"));
    }
    if let Some(role) = text("/properties/roleId") {
        out.push(format!("roles/{role}\""));
    }
    out
}

/// Logical ids a CloudFormation value refers to.
fn cfn_refs(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("Ref") {
                    out.push(r.clone());
                }
                if let Some(first) = map.get("Fn::GetAtt").and_then(|g| match g {
                    Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_owned),
                    Value::String(s) => s.split('.').next().map(str::to_owned),
                    _ => None,
                }) {
                    out.push(first);
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            Value::String(s) => {
                let mut rest = s.as_str();
                while let Some(i) = rest.find("${") {
                    rest = &rest[i + 2..];
                    let end = rest.find('}').unwrap_or(rest.len());
                    out.push(rest[..end].split('.').next().unwrap_or_default().to_owned());
                    rest = &rest[end..];
                }
            }
            _ => {}
        }
    }
    out
}

/// A resource address without its instance key (`aws_instance.node[0]` → `aws_instance.node`).
pub fn unindexed(address: &str) -> &str {
    address.split('[').next().unwrap_or(address)
}

/// The configuration `expressions` of the root module resource at `address` (unindexed).
pub fn tf_expressions<'a>(doc: &'a Value, address: &str) -> Option<&'a Value> {
    let resources = doc.pointer("/configuration/root_module/resources").and_then(Value::as_array)?;
    resources
        .iter()
        .find(|r| match r.get("address").and_then(Value::as_str) {
            Some(a) => a == address,
            None => {
                let (ty, name) = (r.get("type").and_then(Value::as_str), r.get("name").and_then(Value::as_str));
                ty.zip(name).is_some_and(|(t, n)| address.strip_prefix(t).and_then(|r| r.strip_prefix('.')) == Some(n))
            }
        })
        .and_then(|r| r.get("expressions"))
}

/// Root module configuration references by resource address.
fn tf_references(doc: &Value) -> Vec<(String, Vec<String>)> {
    let Some(resources) = doc.pointer("/configuration/root_module/resources").and_then(Value::as_array) else {
        return Vec::new();
    };
    resources
        .iter()
        .filter_map(|r| {
            // A plan names each resource's address; the Terraform-source bridge only its type and name.
            let address = match r.get("address").and_then(Value::as_str) {
                Some(a) => a.to_owned(),
                None => {
                    format!("{}.{}", r.get("type").and_then(Value::as_str)?, r.get("name").and_then(Value::as_str)?)
                }
            };
            let mut refs = Vec::new();
            let mut stack: Vec<&Value> = r.get("expressions").into_iter().collect();
            while let Some(v) = stack.pop() {
                match v {
                    Value::Object(map) => {
                        if let Some(Value::Array(list)) = map.get("references") {
                            refs.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
                        }
                        stack.extend(map.values());
                    }
                    Value::Array(items) => stack.extend(items),
                    _ => {}
                }
            }
            Some((address, refs))
        })
        .collect()
}

/// A Terraform resource's own literal name (`name`), by which others may name it.
fn tf_literal_names(after: &Value) -> Vec<String> {
    after.get("name").and_then(Value::as_str).filter(|n| n.len() >= 3).map(str::to_owned).into_iter().collect()
}

/// Every string in a value.
fn strings(value: &Value) -> impl Iterator<Item = &str> {
    let mut stack = vec![value];
    std::iter::from_fn(move || {
        while let Some(v) = stack.pop() {
            match v {
                Value::String(s) => return Some(s.as_str()),
                Value::Object(map) => stack.extend(map.values()),
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{MAX_NODES, nodes};
    use crate::formats::Format;

    /// An input past the node bound is said to be unlinked without serialising a resource; a smaller one is linked
    /// through each resource's text.
    #[test]
    fn resources_are_serialised_only_to_be_searched() {
        let vms = |n: usize| -> Value {
            let list: Vec<Value> = (0..n)
                .map(|i| json!({"type": "Microsoft.Compute/virtualMachines", "name": format!("vm{i}"), "dependsOn": ["vm0"]}))
                .collect();
            json!({ "resources": list })
        };
        let large = vms(MAX_NODES + 1);
        let (found, why) = nodes(Format::Arm, &large);
        assert!(why.is_some_and(|why| why.contains(&format!("{} resources", MAX_NODES + 1))));
        assert!(found.iter().all(|n| n.text.get().is_none()), "no resource of an unlinked input is serialised");
        let small = vms(3);
        let (found, why) = nodes(Format::Arm, &small);
        assert!(why.is_none());
        assert!(found.iter().all(|n| n.text.get().is_some()));
        assert_eq!(found[1].names, [0], "vm1 names vm0");
    }
}
