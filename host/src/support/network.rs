//! The subnet an ARM VM sits in: the subnet id of the NICs it names, resolved through
//! variables, parameter defaults and `resourceId('…/subnets', vnet, subnet)` as far as they
//! are literal. What does not resolve to text stays unknown (`network` is left empty), so
//! two ways of writing one subnet never look like two subnets.

use entitle_sdk::Workload;
use entitle_sdk::model::NetworkPlacement;
use serde_json::Value;

use super::graph::Node;

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
