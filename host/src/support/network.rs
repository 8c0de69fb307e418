//! The subnet an Azure VM sits in: the subnet id of the NICs it names. In an ARM template,
//! resolved through variables, parameter defaults and `resourceId('…/subnets', vnet,
//! subnet)` as far as they are literal; in a Terraform plan (or source), the NIC's
//! `subnet_id` as a literal id, else the `azurerm_subnet` it refers to, named by its VNet and
//! name. What does not resolve stays unknown (`network` is left empty), and every form is
//! brought to `VNET/subnets/SUBNET`, so two ways of writing one subnet never look like two
//! subnets.

use entitle_sdk::Workload;
use entitle_sdk::model::NetworkPlacement;
use serde_json::Value;

use super::graph::{Node, tf_expressions, unindexed};

/// Expressions followed through variables and parameters at most this deep.
const DEPTH: usize = 4;

/// Fills `network` of an ARM VM (node `at`) from its NICs, when all of them resolve to one subnet.
pub fn arm(w: &mut Workload, nodes: &[Node], at: usize, doc: &Value) {
    if w.network.is_some() {
        return;
    }
    let nics =
        nodes[at].names.iter().filter(|&&n| nodes[n].ty.eq_ignore_ascii_case("Microsoft.Network/networkInterfaces"));
    let mut subnets = Vec::new();
    for &n in nics {
        let configs = nodes[n].value.pointer("/properties/ipConfigurations").and_then(Value::as_array);
        for c in configs.into_iter().flatten() {
            match c.pointer("/properties/subnet/id").and_then(Value::as_str).and_then(|s| resolve(s, doc, DEPTH)) {
                Some(s) => subnets.push(canonical(&s).unwrap_or(s)),
                None => return,
            }
        }
    }
    subnets.sort();
    subnets.dedup();
    if let [subnet] = subnets.as_slice() {
        let network = subnet.split("/subnets/").next().filter(|v| *v != subnet).map(str::to_owned);
        w.network = Some(NetworkPlacement { network, subnet: Some(subnet.clone()) });
    }
}

/// Fills `network` of an azurerm VM (node `at` of a Terraform plan) from its NICs, when all
/// of them resolve to one subnet.
pub fn terraform(w: &mut Workload, nodes: &[Node], at: usize, doc: &Value) {
    if w.network.is_some() || !nodes[at].ty.starts_with("azurerm_") || !nodes[at].ty.contains("virtual_machine") {
        return;
    }
    let nics: Vec<&Node> =
        nodes[at].names.iter().map(|&n| &nodes[n]).filter(|n| n.ty == "azurerm_network_interface").collect();
    let mut subnets = Vec::new();
    for nic in &nics {
        let configs = nic.value.get("ip_configuration").and_then(Value::as_array).cloned().unwrap_or_default();
        for (i, c) in configs.iter().enumerate() {
            let found = match c.get("subnet_id") {
                Some(Value::String(id)) => canonical(id),
                _ => referenced_subnet(nodes, doc, &nic.name, i),
            };
            match found {
                Some(s) => subnets.push(s),
                None => return,
            }
        }
    }
    subnets.sort();
    subnets.dedup();
    if let [subnet] = subnets.as_slice() {
        let network = subnet.split("/subnets/").next().filter(|v| *v != subnet).map(str::to_owned);
        w.network = Some(NetworkPlacement { network, subnet: Some(subnet.clone()) });
    }
}

/// A subnet id (`/subscriptions/…/virtualNetworks/VNET/subnets/SUBNET`) as `VNET/subnets/SUBNET`.
fn canonical(id: &str) -> Option<String> {
    let lower = id.to_ascii_lowercase();
    let v = lower.find("/virtualnetworks/")? + "/virtualnetworks/".len();
    let rest = &id[v..];
    let (vnet, subnet) = rest.split_once('/')?;
    let subnet = subnet.strip_prefix("subnets/").or_else(|| subnet.strip_prefix("Subnets/"))?;
    (!vnet.is_empty() && !subnet.is_empty() && !subnet.contains('/')).then(|| format!("{vnet}/subnets/{subnet}"))
}

/// The subnet the configuration of NIC `nic`'s ip configuration `i` refers to: one
/// `azurerm_subnet` instance (by VNet and name when the plan knows them), else `None`.
fn referenced_subnet(nodes: &[Node], doc: &Value, nic: &str, i: usize) -> Option<String> {
    let config = tf_expressions(doc, unindexed(nic))?.get("ip_configuration")?;
    let block = match config {
        Value::Array(items) => items.get(i)?,
        Value::Object(map) => map.get(&i.to_string())?,
        _ => return None,
    };
    let refs = block.pointer("/subnet_id/references")?.as_array()?;
    let mut targets: Vec<&str> = refs
        .iter()
        .filter_map(Value::as_str)
        .map(|r| r.strip_suffix(".id").unwrap_or(r))
        .filter(|r| r.starts_with("azurerm_subnet.") || r.starts_with("data.azurerm_subnet."))
        .collect();
    targets.sort_unstable();
    targets.dedup();
    // `azurerm_subnet.a[0]` and `azurerm_subnet.a` are one reference; more is a choice.
    let [target] = targets.as_slice() else {
        let unique: Vec<&str> = targets.iter().map(|t| unindexed(t)).collect();
        return (unique.len() == 2 && unique[0] == unique[1])
            .then(|| subnet_named(nodes, targets.iter().find(|t| t.contains('[')).copied().unwrap_or(targets[0])))
            .flatten();
    };
    subnet_named(nodes, target)
}

/// The subnet instance at `address` (an unindexed address needs exactly one instance).
fn subnet_named(nodes: &[Node], address: &str) -> Option<String> {
    if address.starts_with("data.") {
        return Some(address.to_owned());
    }
    let matches: Vec<&Node> = nodes
        .iter()
        .filter(|n| n.ty == "azurerm_subnet" && (n.name == address || unindexed(&n.name) == address))
        .collect();
    let [subnet] = matches.as_slice() else { return None };
    let text = |k: &str| subnet.value.get(k).and_then(Value::as_str);
    Some(match (text("virtual_network_name"), text("name")) {
        (Some(vnet), Some(name)) => format!("{vnet}/subnets/{name}"),
        _ => subnet.name.clone(),
    })
}

/// A string value as text, or `None` when it depends on something not literal.
fn resolve(value: &str, doc: &Value, depth: usize) -> Option<String> {
    let Some(expr) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) else { return Some(value.to_owned()) };
    expression(expr.trim(), doc, depth)
}

fn expression(expr: &str, doc: &Value, depth: usize) -> Option<String> {
    if depth == 0 {
        return None;
    }
    if let Some(lit) = expr.strip_prefix('\'').and_then(|e| e.strip_suffix('\'')) {
        return (!lit.contains('\'')).then(|| lit.to_owned());
    }
    let (func, args) = call(expr)?;
    match (func.to_ascii_lowercase().as_str(), args.as_slice()) {
        ("variables", [name]) => {
            let name = expression(name, doc, depth - 1)?;
            let v = doc.get("variables")?.get(&name)?.as_str()?;
            resolve(v, doc, depth - 1)
        }
        ("parameters", [name]) => {
            let name = expression(name, doc, depth - 1)?;
            let v = doc.get("parameters")?.get(&name)?.get("defaultValue")?.as_str()?;
            resolve(v, doc, depth - 1)
        }
        ("resourceid", [ty, vnet, subnet])
            if expression(ty, doc, depth - 1)?.eq_ignore_ascii_case("Microsoft.Network/virtualNetworks/subnets") =>
        {
            let (vnet, subnet) = (expression(vnet, doc, depth - 1)?, expression(subnet, doc, depth - 1)?);
            Some(format!("{vnet}/subnets/{subnet}"))
        }
        ("concat", parts) => parts.iter().map(|p| expression(p, doc, depth - 1)).collect(),
        _ => None,
    }
}

/// `name(arg, arg, …)` split at top-level commas; `None` for anything else.
fn call(expr: &str) -> Option<(&str, Vec<&str>)> {
    let open = expr.find('(')?;
    let inner = expr[open + 1..].strip_suffix(')')?;
    let (mut args, mut depth, mut quoted, mut start) = (Vec::new(), 0i32, false, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' | '[' if !quoted => depth += 1,
            ')' | ']' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                args.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        if depth < 0 {
            return None;
        }
    }
    if !inner.trim().is_empty() {
        args.push(inner[start..].trim());
    }
    Some((expr[..open].trim(), args))
}
