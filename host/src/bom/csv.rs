//! The BOM as CSV (RFC 4180) for a spreadsheet: one row per item, then one per total
//! (`record` says which). A cell starting with `=`, `+`, `-` or `@` is prefixed with `'` so
//! a spreadsheet never runs it as a formula.

use super::Bom;
use super::totals::cell;

const HEADER: [&str; 20] = [
    "record",
    "workload",
    "alternative",
    "resource",
    "product",
    "addons",
    "release",
    "stream",
    "billing",
    "billing_why",
    "bills",
    "supports",
    "cloud",
    "region",
    "count",
    "count_how",
    "size",
    "vcpus",
    "cores",
    "source",
];

fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

fn row(cells: &[String]) -> String {
    let mut line = cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// The CSV text.
pub fn render(bom: &Bom) -> String {
    let mut out = row(&HEADER.map(str::to_owned));
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    let n = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    for i in &bom.items {
        out.push_str(&row(&[
            "item".into(),
            i.workload.clone(),
            o(&i.alternative),
            i.resource.clone(),
            i.product.clone(),
            i.addons.join(" "),
            o(&i.release),
            o(&i.stream),
            i.billing.clone(),
            i.billing_why.clone(),
            o(&i.bills),
            o(&i.supports),
            i.cloud.clone(),
            o(&i.region),
            n(i.count),
            i.count_how.clone(),
            o(&i.size),
            n(i.vcpus.map(u64::from)),
            n(i.cores.map(u64::from)),
            i.location(),
        ]));
    }
    out.push_str(&row(
        &["record", "billing", "product", "items", "instances", "node_pairs", "vcpus", "cores"].map(str::to_owned)
    ));
    for t in &bom.totals {
        out.push_str(&row(&[
            "total".into(),
            t.billing.clone(),
            t.product.clone(),
            t.items.to_string(),
            cell(t.instances),
            t.node_pairs.map(cell).unwrap_or_default(),
            cell(t.vcpus),
            cell(t.cores),
        ]));
    }
    out
}
