//! One BOM line per licensed item: the RHEL of each workload (and of each parameter choice,
//! marked as such), the Red Hat products a descriptor deploys, and UBI content, with the
//! billing, who bills and supports (catalog), count, size and where it is declared.

use entitle_sdk::model::{Alternative, BillingModel};
use entitle_sdk::units::{self, Group};
use entitle_sdk::{Catalog, Workload};
use serde::{Deserialize, Serialize};

/// One licensed item.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The workload id.
    pub workload: String,
    /// The parameter choice that produces this line (`parameter osImage = rhel-8.4`);
    /// `None` for the deployment as it is by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternative: Option<String>,
    /// The resource as a reviewer knows it.
    pub resource: String,
    /// The product and variant (`RHEL Server`, `RHEL for SAP Solutions`, `OpenShift Container Platform`).
    pub product: String,
    /// Add-ons the item needs (`ha`, `sap`, `eus`, `e4s`, `els`), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addons: Vec<String>,
    /// `major.minor` (or `major`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// The update stream (`standard`, `eus`, `e4s`, `els`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
    /// `payg` (on the cloud bill), `byos` (Cloud Access), `unknown`, or `none` (no fee: UBI).
    pub billing: String,
    /// How the billing model was reached, or why it is unknown.
    pub billing_why: String,
    /// Who bills for it (catalog licensing.json), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bills: Option<String>,
    /// Who supports it (catalog licensing.json), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports: Option<String>,
    /// `azure`, `aws`, `gcp`, `kubernetes`, `unknown`.
    pub cloud: String,
    /// Region or location, when literal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Instances (`None`: unknown, see `count_how`).
    pub count: Option<u64>,
    /// How the count was resolved, or why it is unknown.
    pub count_how: String,
    /// The instance size as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// vCPUs per instance (catalog instance-sizes.json), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcpus: Option<u32>,
    /// Physical cores per instance, when the catalog says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cores: Option<u32>,
    /// The file it is declared in.
    pub path: String,
    /// The line, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Item {
    /// The group of instances it counts, for [`entitle_sdk::units`].
    pub fn group(&self) -> Group {
        Group { id: self.workload.clone(), count: self.count, vcpus: self.vcpus, cores: self.cores }
    }

    /// `path:line`.
    pub fn location(&self) -> String {
        self.line.map_or_else(|| self.path.clone(), |l| format!("{}:{l}", self.path))
    }
}

/// The items of a run's workloads, in their order.
pub fn of(workloads: &[Workload], catalog: &Catalog) -> Vec<Item> {
    let mut out = Vec::new();
    for w in workloads.iter().filter(|w| !w.id.contains("#alternative-")) {
        if entitle_sdk::coverage::NOT_INSTANCES.contains(&w.kind.as_str()) {
            continue;
        }
        if w.is_rhel() {
            out.push(rhel(w, catalog));
            out.extend(
                w.alternatives
                    .iter()
                    .filter(|a| a.os.product.as_deref() == Some("rhel"))
                    .map(|a| choice(w, a, catalog)),
            );
        } else if w.os.product.as_deref() == Some("ubi") {
            out.push(ubi(w, catalog));
        }
        for p in &w.products {
            let mut item = base(w, catalog);
            item.product = product_name(&p.name);
            item.release.clone_from(&p.version);
            item.stream = None;
            item.addons.clear();
            item.billing = "unknown".into();
            item.billing_why =
                format!("{}; its subscription is not modelled (count it by the product's own unit)", p.evidence);
            (item.bills, item.supports) = (None, None);
            out.push(item);
        }
    }
    out
}

fn rhel(w: &Workload, catalog: &Catalog) -> Item {
    let mut item = base(w, catalog);
    item.product = variant(&item.addons).into();
    item
}

/// The line of a parameter choice: the workload's line with the choice's image, OS and billing.
fn choice(w: &Workload, a: &Alternative, catalog: &Catalog) -> Item {
    let mut as_chosen = w.clone();
    (as_chosen.os, as_chosen.billing, as_chosen.addons) = (a.os.clone(), a.billing.clone(), a.addons.clone());
    as_chosen.evidence.retain(|e| !e.starts_with("billing: "));
    let mut item = rhel(&as_chosen, catalog);
    item.alternative = Some(a.when.clone());
    item.billing_why = format!("under {}", a.when);
    item
}

fn ubi(w: &Workload, catalog: &Catalog) -> Item {
    let mut item = base(w, catalog);
    let host = w.cluster.as_ref().and_then(|c| c.platform.as_deref());
    item.product =
        if host == Some("openshift") { "UBI content on a Red Hat host (OpenShift)" } else { "UBI content" }.into();
    item.billing = "none".into();
    item.billing_why =
        "Universal Base Image: freely redistributable; Red Hat supports it only on a Red Hat host".into();
    (item.bills, item.supports) = (None, None);
    item
}

fn base(w: &Workload, catalog: &Catalog) -> Item {
    let group = Group::of(w, &catalog.instance_sizes);
    let billing = match w.billing.model {
        BillingModel::Payg => "payg",
        BillingModel::Byos => "byos",
        BillingModel::Unknown => "unknown",
    };
    let billing_why = w
        .unknown
        .get("billing.model")
        .map(|why| format!("unknown: {why}"))
        .or_else(|| w.evidence.iter().find_map(|e| e.strip_prefix("billing: ")).map(str::to_owned))
        .unwrap_or_else(|| match w.billing.model {
            BillingModel::Unknown => "unknown: nothing in the descriptor shows how RHEL is paid".into(),
            _ => "as the descriptor declares".into(),
        });
    let arrangement = (w.billing.model != BillingModel::Unknown)
        .then(|| catalog.licensing.support_for(&w.provider, w.billing.model))
        .flatten();
    let count_how = match (w.count, w.unknown.get("count"), w.provenance.get("count")) {
        (None, Some(why), _) => format!("unknown: {why}"),
        (None, None, _) => "unknown".into(),
        (Some(_), _, Some(at)) => match at.line {
            Some(line) => format!("from {}:{line}", at.path),
            None => format!("from {}", at.path),
        },
        (Some(_), _, None) => "one resource".into(),
    };
    Item {
        workload: w.id.clone(),
        alternative: None,
        resource: w.resource.clone(),
        product: String::new(),
        addons: units::addons_needed(w),
        release: w.release(),
        stream: w.os.stream.clone(),
        billing: billing.into(),
        billing_why,
        bills: arrangement.map(|r| r.bills.clone()),
        supports: arrangement.map(|r| r.supports.clone()),
        cloud: w.provider.clone(),
        region: w.region.clone(),
        count: w.count,
        count_how,
        size: w.instance.as_ref().and_then(|i| i.size.clone()),
        vcpus: group.vcpus,
        cores: group.cores,
        path: w.source.path.clone(),
        line: w.source.line,
    }
}

/// The RHEL variant an item's add-ons make it.
pub fn variant(addons: &[String]) -> &'static str {
    let has = |a: &str| addons.iter().any(|x| x == a);
    match (has("sap"), has("ha"), has("e4s") || has("eus")) {
        (true, true, true) => "RHEL for SAP with High Availability and Update Services",
        (true, _, _) => "RHEL for SAP Solutions",
        _ => "RHEL Server",
    }
}

fn product_name(name: &str) -> String {
    match name {
        "openshift" => "OpenShift Container Platform".into(),
        "jboss-eap" => "JBoss Enterprise Application Platform".into(),
        "cloudforms" => "CloudForms".into(),
        other => other.into(),
    }
}
