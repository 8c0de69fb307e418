//! Support-scope signals found by the host for every front-end, after it has built the
//! workloads: HA cluster membership (fence agents' roles and policies, HA-ports load
//! balancers, Pacemaker in boot scripts), SAP workloads (installers in boot scripts, SAP
//! names on SAP-certified sizes), the instance size where the front-end left it empty, and
//! the subnet an Azure VM's NICs sit in. Each value is placed in `Workload.provenance`.
//! Then, for every front-end alike (see `input::derive_evidence`): the instance size's
//! family, vCPUs and architecture from the catalog ([`instance`]), and kernel changes in
//! boot scripts ([`kernel`]). Front-ends never repeat this detection.

mod fence;
pub(crate) mod framework;
mod graph;
pub(crate) mod instance;
pub(crate) mod kernel;
mod network;
mod sap;
mod script;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use entitle_sdk::Workload;
use entitle_sdk::model::{Evidence, HaMembership, Instance, SapWorkload, Source, Strength};
use serde_json::Value;

use crate::formats::Format;
use crate::registration::Locator;

/// One piece of HA evidence for one workload.
struct Hit {
    /// Key of the cluster it names (members of one key are one cluster); keys start with
    /// their rank, so a cluster is named by a `pcs cluster setup` name first, then by a
    /// fence resource, then by a boot script.
    key: String,
    /// The cluster id the key stands for.
    label: String,
    fencing: Option<&'static str>,
    evidence: Evidence,
}

/// Fills `ha`, `sap`, `instance` (when empty) and `network` of the workloads of one input.
/// `doc` is the input's one document (`None` when the input has none or several).
pub fn detect(workloads: &mut [Workload], format: Option<Format>, doc: Option<&Value>, path: &str, locate: Locator) {
    let (nodes, unlinked) = match (format, doc) {
        (Some(format), Some(doc)) => graph::nodes(format, doc),
        _ => (Vec::new(), None),
    };
    let index = NodeIndex::new(&nodes);
    let owner: Vec<Option<usize>> = workloads.iter().map(|w| index.node_of(w, &nodes, path)).collect();
    let place = |mut s: Source| {
        if s.line.is_none()
            && let Some((line, column)) = locate(&s.path, &s.pointer)
        {
            (s.line, s.column) = (Some(line), Some(column));
        }
        s
    };
    let mut hits: Vec<Vec<Hit>> = workloads.iter().map(|_| Vec::new()).collect();
    // Machines per node, counted once (asked for per node, not per node and workload).
    let mut counted: HashMap<usize, u64> = HashMap::new();
    for (o, w) in owner.iter().zip(workloads.iter()) {
        if let Some(o) = o {
            *counted.entry(*o).or_default() += w.count.unwrap_or(1);
        }
    }
    let machines = |i: usize| counted.get(&i).copied();
    for found in fence::clusters(path, &nodes, &machines) {
        for (w, o) in owner.iter().enumerate() {
            if o.is_some_and(|o| found.members.contains(&o)) {
                let evidence = Evidence { source: place(found.evidence.source.clone()), ..found.evidence.clone() };
                let key = format!("2 {}", found.evidence.source.pointer);
                hits[w].push(Hit { key, label: found.id.clone(), fencing: found.fencing, evidence });
            }
        }
    }
    for (i, w) in workloads.iter().enumerate() {
        for boot in &w.boot {
            for word in script::ha_words(boot) {
                let (key, label) = match &word.cluster {
                    Some(name) => (format!("1 {name}"), name.clone()),
                    None => (
                        format!("3 {}#{}", boot.source.path, boot.source.pointer),
                        format!("{} boot script", w.resource),
                    ),
                };
                hits[i].push(Hit { key, label, fencing: word.fencing, evidence: word.evidence });
            }
        }
    }
    let clusters = group(&hits);
    for (i, w) in workloads.iter_mut().enumerate() {
        if let Some(n) = owner[i] {
            fill_instance(w, &nodes[n], doc, format, path, &place);
            match (format, doc) {
                (Some(Format::Arm), Some(doc)) => network::arm(w, &nodes, n, doc),
                (Some(Format::TerraformPlan), Some(doc)) => network::terraform(w, &nodes, n, doc),
                _ => {}
            }
        }
        if w.ha.is_none()
            && !hits[i].is_empty()
            && let Some((id, fencing)) = clusters.get(&hits[i][0].key)
        {
            let mut evidence: Vec<Evidence> = hits[i].iter().map(|h| h.evidence.clone()).collect();
            evidence.sort_by(|a, b| (&a.source, &a.text).cmp(&(&b.source, &b.text)));
            evidence.dedup();
            let strength = evidence.iter().map(|e| e.strength).max().unwrap_or_default();
            let strongest = evidence.iter().find(|e| e.strength == strength).map(|e| e.source.clone());
            if let Some(at) = strongest {
                w.provenance.insert("ha".into(), at);
            }
            if let Some(at) = hits[i].iter().find(|h| h.fencing.is_some()).map(|h| h.evidence.source.clone()) {
                w.provenance.insert("ha.fencing".into(), at);
            }
            w.ha = Some(HaMembership {
                id: id.clone(),
                kind: Some("pacemaker".into()),
                fencing: fencing.map(str::to_owned),
                strength,
                evidence,
            });
        }
        if let (None, Some(why)) = (&w.ha, &unlinked) {
            w.unknown.entry("ha".into()).or_insert_with(|| why.clone());
        }
        if w.sap.is_none() {
            sap_of(w, owner[i].map(|n| &nodes[n]), &place);
        }
        let declared = w.ha.iter_mut().flat_map(|h| h.evidence.iter_mut());
        for e in declared.chain(w.sap.iter_mut().flat_map(|s| s.evidence.iter_mut())) {
            e.source = place(std::mem::take(&mut e.source));
        }
    }
}

/// The nodes by pointer and by name, so finding a workload's node costs the depth of its
/// pointer rather than a pass over every node (a plan has thousands of each).
struct NodeIndex<'a> {
    by_pointer: HashMap<&'a str, Vec<usize>>,
    by_name: HashMap<&'a str, Vec<usize>>,
}

impl<'a> NodeIndex<'a> {
    fn new(nodes: &'a [graph::Node]) -> NodeIndex<'a> {
        let (mut by_pointer, mut by_name) = (HashMap::<_, Vec<_>>::new(), HashMap::<_, Vec<_>>::new());
        for (i, n) in nodes.iter().enumerate() {
            by_pointer.entry(n.pointer.as_str()).or_default().push(i);
            by_name.entry(n.name.as_str()).or_default().push(i);
        }
        NodeIndex { by_pointer, by_name }
    }

    /// The node a workload is declared in: the deepest whose pointer holds the workload's
    /// source, or (Terraform) whose address is the workload's id; of equals, the last.
    fn node_of(&self, w: &Workload, nodes: &[graph::Node], path: &str) -> Option<usize> {
        let mut found: Vec<usize> = self.by_name.get(w.id.as_str()).cloned().unwrap_or_default();
        if w.source.path == path {
            let pointer = w.source.pointer.as_str();
            // The pointer itself and each ancestor (every prefix that ends before a `/`).
            let ancestors = pointer.match_indices('/').map(|(at, _)| &pointer[..at]).chain([pointer]);
            for ancestor in ancestors {
                found.extend(self.by_pointer.get(ancestor).into_iter().flatten());
            }
        }
        found.into_iter().max_by_key(|&i| (nodes[i].pointer.len(), i))
    }
}

/// Cluster key → (cluster id shown, fencing): keys that share a workload are one cluster,
/// named by the label of its smallest key; its fencing is the first seen (resources before scripts).
fn group(hits: &[Vec<Hit>]) -> BTreeMap<String, (String, Option<&'static str>)> {
    let mut parent: BTreeMap<String, String> = BTreeMap::new();
    fn root(parent: &BTreeMap<String, String>, key: &str) -> String {
        let mut at = key.to_owned();
        for _ in 0..parent.len() + 1 {
            match parent.get(&at) {
                Some(p) if *p != at => at = p.clone(),
                _ => break,
            }
        }
        at
    }
    for hs in hits {
        for h in hs {
            parent.entry(h.key.clone()).or_insert_with(|| h.key.clone());
        }
        let roots: BTreeSet<String> = hs.iter().map(|h| root(&parent, &h.key)).collect();
        if let Some(first) = roots.iter().next().cloned() {
            for r in roots {
                parent.insert(r, first.clone());
            }
        }
    }
    let mut fencing: BTreeMap<String, &'static str> = BTreeMap::new();
    for h in hits.iter().flatten() {
        if let Some(f) = h.fencing {
            fencing.entry(root(&parent, &h.key)).or_insert(f);
        }
    }
    let labels: BTreeMap<&str, &str> = hits.iter().flatten().map(|h| (h.key.as_str(), h.label.as_str())).collect();
    parent
        .keys()
        .map(|k| {
            let r = root(&parent, k);
            let label = labels.get(r.as_str()).copied().unwrap_or_default().to_owned();
            (k.clone(), (label, fencing.get(&r).copied()))
        })
        .collect()
}

/// SAP evidence: installers in boot scripts (strong), SAP names (weak; strong on an
/// SAP-certified size).
fn sap_of(w: &mut Workload, node: Option<&graph::Node>, place: &dyn Fn(Source) -> Source) {
    let mut found: Vec<(&'static str, Evidence)> = Vec::new();
    for boot in &w.boot {
        found.extend(script::sap_words(boot).into_iter().map(|s| (s.kind, s.evidence)));
    }
    let mut names = vec![w.resource.clone(), w.id.clone()];
    if let Some(n) = node {
        names.extend(referenced_names(n.text()));
        names.extend(tags(n.value));
    }
    if let Some((kind, word)) = names.iter().find_map(|n| sap::named(n)) {
        let size = w.instance.as_ref().and_then(|i| i.size.clone()).filter(|s| sap::certified_family(s));
        let (text, strength) = match &size {
            Some(size) => (format!("SAP-named (`{word}`) on SAP-certified size {size}"), Strength::Strong),
            None => (format!("SAP-named (`{word}`)"), Strength::Weak),
        };
        let at = if size.is_some() { w.provenance.get("instance.size").cloned() } else { None };
        found.push((kind, Evidence { text, strength, source: place(at.unwrap_or_else(|| w.source.clone())) }));
    }
    if found.is_empty() {
        return;
    }
    found.sort_by(|a, b| (&a.1.source, &a.1.text).cmp(&(&b.1.source, &b.1.text)));
    let strength = found.iter().map(|f| f.1.strength).max().unwrap_or_default();
    let specific = |k: &str| k != "sap";
    let kind = ["s4hana", "sap-hana", "netweaver"]
        .into_iter()
        .find(|k| found.iter().any(|f| f.0 == *k && f.1.strength == strength))
        .or_else(|| found.iter().map(|f| f.0).find(|k| specific(k)))
        .unwrap_or("sap");
    if let Some(at) = found.iter().find(|f| f.1.strength == strength).map(|f| f.1.source.clone()) {
        w.provenance.insert("sap".into(), at);
    }
    w.sap = Some(SapWorkload { kind: kind.to_owned(), strength, evidence: found.into_iter().map(|f| f.1).collect() });
}

/// Parameter and variable names a resource uses (`parameters('sapSystemId')`, `Ref`, `var.`).
fn referenced_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for open in ["parameters('", "variables('", "\"Ref\":\""] {
        let mut rest = text;
        while let Some(i) = rest.find(open) {
            rest = &rest[i + open.len()..];
            let end = rest.find(['\'', '"']).unwrap_or(rest.len());
            out.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    out
}

/// Tag values and keys of a resource (ARM `tags`, CloudFormation `Tags`, Terraform `tags`).
fn tags(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for at in ["/tags", "/Properties/Tags"] {
        match value.pointer(at) {
            Some(Value::Object(map)) => {
                for (k, v) in map {
                    out.push(k.clone());
                    out.extend(v.as_str().map(str::to_owned));
                }
            }
            Some(Value::Array(items)) => {
                out.extend(items.iter().filter_map(|t| t.get("Value").and_then(Value::as_str)).map(str::to_owned));
            }
            _ => {}
        }
    }
    out
}

/// The instance size as written, when the front-end left `instance` empty: its literal, or
/// the default of the one parameter it names.
fn fill_instance(
    w: &mut Workload,
    node: &graph::Node,
    doc: Option<&Value>,
    format: Option<Format>,
    path: &str,
    place: &dyn Fn(Source) -> Source,
) {
    if w.instance.is_some() {
        return;
    }
    let keys: &[&str] = match format {
        Some(Format::Arm) => &["/properties/hardwareProfile/vmSize", "/sku/name"],
        Some(Format::CloudFormation) => &["/Properties/InstanceType", "/Properties/LaunchTemplateData/InstanceType"],
        Some(Format::TerraformPlan) => &["/instance_type", "/size", "/vm_size", "/machine_type"],
        _ => return,
    };
    let Some((key, value)) = keys.iter().find_map(|k| node.value.pointer(k).map(|v| (*k, v))) else { return };
    let base = if format == Some(Format::TerraformPlan) {
        format!("{}/change/after", node.pointer)
    } else {
        node.pointer.clone()
    };
    let (size, pointer) = match value {
        Value::String(s) if !s.starts_with('[') => (s.clone(), format!("{base}{key}")),
        Value::String(s) => {
            let Some(name) = s.strip_prefix("[parameters('").and_then(|r| r.strip_suffix("')]")) else { return };
            let at = format!("/parameters/{}/defaultValue", crate::document::escape_token(name));
            let Some(Value::String(d)) = doc.and_then(|d| d.pointer(&at)) else { return };
            (d.clone(), at)
        }
        Value::Object(map) => {
            let Some(Value::String(name)) = map.get("Ref") else { return };
            let at = format!("/Parameters/{}/Default", crate::document::escape_token(name));
            let Some(Value::String(d)) = doc.and_then(|d| d.pointer(&at)) else { return };
            (d.clone(), at)
        }
        _ => return,
    };
    if size.is_empty() {
        return;
    }
    let source = place(Source { path: path.to_owned(), pointer, line: None, column: None });
    w.provenance.insert("instance.size".into(), source);
    w.instance = Some(Instance { size: Some(size), ..Instance::default() });
}

#[cfg(test)]
mod tests;
