//! The BOM as CycloneDX 1.6 JSON: one component per licensed item (its cloud, billing,
//! count, size and source as `entitle:` properties), the catalog version and digest and the
//! as-of date in the metadata. Typed structs of the few fields written, not the
//! `cyclonedx-bom` crate: its support of specification 1.6 was not confirmed, and the test
//! suite validates this output against the official 1.6 schema either way.

use serde::Serialize;

use super::Bom;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    bom_format: &'static str,
    spec_version: &'static str,
    version: u32,
    metadata: Metadata,
    components: Vec<Component>,
}

#[derive(Serialize)]
struct Metadata {
    timestamp: String,
    tools: Tools,
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<Tool>,
}

#[derive(Serialize)]
struct Tool {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: String,
}

#[derive(Serialize)]
struct Component {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    supplier: Supplier,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Supplier {
    name: &'static str,
}

#[derive(Serialize)]
struct Property {
    name: String,
    value: String,
}

fn prop(name: &str, value: impl Into<String>) -> Property {
    Property { name: format!("entitle:{name}"), value: value.into() }
}

/// The CycloneDX JSON text.
pub fn render(bom: &Bom) -> Result<String, serde_json::Error> {
    let components = bom
        .items
        .iter()
        .enumerate()
        .map(|(n, i)| {
            let mut properties = vec![
                prop("workload", i.workload.clone()),
                prop("cloud", i.cloud.clone()),
                prop("billing", i.billing.clone()),
                prop("billing-why", i.billing_why.clone()),
                prop("count", i.count.map_or_else(|| "unknown".into(), |c| c.to_string())),
                prop("count-how", i.count_how.clone()),
                prop("source", i.location()),
            ];
            let optional = [
                ("alternative", i.alternative.clone()),
                ("stream", i.stream.clone()),
                ("region", i.region.clone()),
                ("size", i.size.clone()),
                ("vcpus", i.vcpus.map(|v| v.to_string())),
                ("cores", i.cores.map(|v| v.to_string())),
                ("bills", i.bills.clone()),
                ("supports", i.supports.clone()),
            ];
            properties.extend(optional.into_iter().filter_map(|(k, v)| Some(prop(k, v?))));
            properties.extend(i.addons.iter().map(|a| prop("addon", a.clone())));
            let kind = if i.product.starts_with("RHEL") { "operating-system" } else { "application" };
            Component {
                kind,
                bom_ref: format!("item-{}", n + 1),
                supplier: Supplier { name: "Red Hat" },
                name: i.product.clone(),
                version: i.release.clone(),
                properties,
            }
        })
        .collect();
    let doc = Document {
        bom_format: "CycloneDX",
        spec_version: "1.6",
        version: 1,
        metadata: Metadata {
            timestamp: format!("{}T00:00:00Z", bom.as_of),
            tools: Tools {
                components: vec![Tool { kind: "application", name: "entitle", version: bom.tool_version.clone() }],
            },
            properties: vec![
                prop("as-of", bom.as_of.clone()),
                prop("catalog-version", bom.catalog_version.clone()),
                prop("catalog-sha256", bom.catalog_sha256.clone()),
                prop("schema", bom.schema.clone()),
            ],
        },
        components,
    };
    serde_json::to_string_pretty(&doc).map(|mut s| {
        s.push('\n');
        s
    })
}
