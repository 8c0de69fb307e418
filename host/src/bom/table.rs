//! The human BOM: an aligned table of items, then the totals, the PAYG spend drivers, the
//! comparison with the org context and the change, last. Every input text is escaped.

use std::fmt::Write as _;

use super::totals::cell;
use super::{Bom, Item};
use crate::escape;

/// Aligned columns (widths in characters), two spaces apart, no trailing spaces.
fn aligned(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> =
        (0..cols).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, text) in row.iter().enumerate() {
            line.push_str(text);
            if c + 1 < row.len() {
                line.push_str(&" ".repeat(width[c] - text.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn e(s: &str) -> String {
    escape::text(s).into_owned()
}

fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "-".to_owned(), e)
}

fn item_row(i: &Item) -> Vec<String> {
    let workload = match &i.alternative {
        Some(when) => format!("  under {}", e(when)),
        None => e(&i.workload),
    };
    let mut product = e(&i.product);
    if !i.addons.is_empty() {
        product.push_str(&format!(" +{}", i.addons.join(" +")));
    }
    vec![
        workload,
        product,
        opt(i.release.as_deref()),
        opt(i.stream.as_deref()),
        i.billing.to_ascii_uppercase(),
        e(&i.cloud),
        opt(i.region.as_deref()),
        i.count.map_or_else(|| "unknown".into(), |c| c.to_string()),
        opt(i.size.as_deref()),
        i.vcpus.map_or_else(|| "-".into(), |v| v.to_string()),
        e(&i.location()),
    ]
}

/// The table.
pub fn render(bom: &Bom) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Subscription bill of materials (as of {}, catalog {})", bom.as_of, e(&bom.catalog_version));
    let mut rows = vec![
        ["WORKLOAD", "PRODUCT", "RELEASE", "STREAM", "BILLING", "CLOUD", "REGION", "COUNT", "SIZE", "VCPUS", "SOURCE"]
            .map(str::to_owned)
            .to_vec(),
    ];
    rows.extend(bom.items.iter().map(item_row));
    out.push_str(&aligned(&rows));
    let unknown: Vec<&Item> = bom.items.iter().filter(|i| i.alternative.is_none() && i.billing == "unknown").collect();
    for i in unknown {
        let _ = writeln!(out, "billing of {}: {}", e(&i.workload), e(&i.billing_why));
    }
    out.push_str("\nTotals (as deployed by default; choices are listed, not summed; ≥ marks a lower bound)\n");
    let mut rows =
        vec![["BILLING", "PRODUCT", "ITEMS", "INSTANCES", "NODE PAIRS", "VCPUS", "CORES"].map(str::to_owned).to_vec()];
    for t in &bom.totals {
        let pairs = if t.billing == "byos" { t.node_pairs.map_or_else(|| "-".into(), cell) } else { "-".into() };
        rows.push(vec![
            t.billing.to_ascii_uppercase(),
            e(&t.product),
            t.items.to_string(),
            cell(t.instances),
            pairs,
            cell(t.vcpus),
            cell(t.cores),
        ]);
    }
    out.push_str(&aligned(&rows));
    out.push_str("Node pairs: Physical or Virtual Nodes subscriptions (2 VMs each). Socket pairs: not countable, cloud VMs do not expose sockets.\n");
    if !bom.payg.is_empty() {
        out.push_str("\nOn the cloud bill (PAYG)\n");
        let rows: Vec<Vec<String>> = bom
            .payg
            .iter()
            .map(|p| {
                let count = p.count.map_or_else(|| "unknown".into(), |c| c.to_string());
                vec![e(&p.workload), e(&p.cloud), p.charges.join(" + "), format!("× {count}"), e(&p.location)]
            })
            .collect();
        out.push_str(&aligned(&rows));
    }
    if let Some(c) = &bom.coverage {
        out.push_str("\nAgainst the org context\n");
        for o in &c.owned {
            let _ = writeln!(out, "owned: {}", e(&o.covers));
        }
        for u in &c.units {
            let surplus = u.surplus.map_or_else(String::new, |s| format!(", surplus {s}"));
            let _ = writeln!(out, "{}: required {}, owned {}{surplus}", u.measure, u.required.text(), u.owned);
        }
        if c.uncovered.value == 0 {
            out.push_str("covered: every BYOS RHEL instance\n");
        } else {
            let why = if c.unconfirmed { " (their size is unknown: not confirmed)" } else { "" };
            let _ = writeln!(out, "shortfall: {} BYOS RHEL instance(s) uncovered{why}", c.uncovered.text());
        }
        if let Some(buy) = &c.buy {
            let _ = writeln!(out, "to buy: {}", e(buy));
        }
        for a in &c.addons {
            let within = if a.included_in.is_empty() { "none".into() } else { e(&a.included_in.join(", ")) };
            let _ = write!(
                out,
                "add-on {}: required {}, included in {within}, uncovered {}",
                a.addon,
                a.required.text(),
                a.uncovered
            );
            match &a.buy {
                Some(buy) => {
                    let _ = writeln!(out, "; to buy: {}", e(buy));
                }
                None => out.push('\n'),
            }
        }
        for ch in &c.choices {
            let _ = write!(
                out,
                "under {} ({}): {} BYOS RHEL instance(s), uncovered {}",
                e(&ch.when),
                e(&ch.workload),
                ch.required.text(),
                ch.uncovered
            );
            match &ch.buy {
                Some(buy) => {
                    let _ = writeln!(out, "; to buy: {}", e(buy));
                }
                None => out.push('\n'),
            }
        }
    }
    if let Some(d) = &bom.delta {
        let _ = writeln!(out, "\nChange against {}", e(&d.against));
        if d.changes.is_empty() {
            out.push_str("no change in instances or vCPUs\n");
        }
        for c in &d.changes {
            let _ = writeln!(out, "{}", e(&c.text));
        }
    }
    out
}
