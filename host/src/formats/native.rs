//! entitle's own descriptor: a JSON or YAML file shaped like the canonical model, for
//! deployments no other format describes (or to state facts a template cannot).
//!
//! ```yaml
//! entitle: 1
//! workloads:
//!   - id: erp-db
//!     provider: azure
//!     count: 2
//!     image: {publisher: RedHat, offer: RHEL, sku: "7.9", version: latest}
//!     os: {product: rhel, version: "7.9"}    # optional when the image says it
//!     billing: {model: payg}
//!     addons: [els]
//!     instance: {size: Standard_E16s_v5, vcpus: 16, arch: x86_64}   # optional
//!     kernel: [{kind: dkms, text: dkms autoinstall}]               # optional
//!     cluster: {id: erp-db-ha, type: pacemaker, fencing: azure-fence-agent}
//!     workload: sap-hana
//!     tags: {cost-center: cc-1234}                                    # optional
//!     properties: {diagnostics: true}                                # optional, free-form
//! ```

use entitle_sdk::model::{
    Billing, BillingModel, Evidence, HaMembership, Image, KernelChange, Os, Plan, Registration, SapWorkload, Strength,
};
use entitle_sdk::{Catalog, Workload};
use serde::Deserialize;
use serde_json::Value;

use super::{apply_cloud_image, apply_license_type, apply_own_azure_image, source};
use crate::document::Document;
use crate::{Error, ErrorKind, Phase};

/// The add-ons a native descriptor may declare.
const ADDONS: [&str; 7] = ["els", "eus", "enhanced-eus", "e4s", "ha", "sap", "resilient-storage"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NativeDoc {
    entitle: u32,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    workloads: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NativeWorkload {
    id: String,
    #[serde(default = "default_kind")]
    kind: String,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    count: Option<u64>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    image: Option<NativeImage>,
    #[serde(default)]
    os: Option<NativeOs>,
    #[serde(default)]
    billing: Option<NativeBilling>,
    #[serde(default)]
    addons: Vec<String>,
    /// How the workload registers with Red Hat; absent means not declared (unknown).
    #[serde(default)]
    registration: Option<Vec<NativeRegistration>>,
    /// The machine's size, vCPUs and architecture.
    #[serde(default)]
    instance: Option<NativeInstance>,
    /// Kernel changes the machine gets (a non-Red Hat kernel, DKMS, live patching).
    #[serde(default)]
    kernel: Vec<NativeKernel>,
    /// The HA cluster the workload is a member of.
    #[serde(default)]
    cluster: Option<NativeCluster>,
    /// The SAP workload it runs (`sap-hana`, `s4hana`, `netweaver`, `sap`).
    #[serde(default)]
    workload: Option<String>,
    /// Tags (or labels): key → a string, number or boolean.
    #[serde(default)]
    tags: Option<serde_json::Map<String, Value>>,
    /// The resource's own settings, as free-form JSON, for policies that read properties.
    #[serde(default)]
    properties: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NativeInstance {
    size: Option<String>,
    vcpus: Option<u32>,
    arch: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NativeKernel {
    kind: String,
    #[serde(default)]
    text: Option<String>,
}

/// The kernel change kinds a native descriptor may declare (the model's vocabulary).
const KERNEL_KINDS: [&str; 5] = ["third-party-kernel", "dkms", "out-of-tree-module", "live-patch", "kernel-rpm"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NativeCluster {
    id: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    fencing: Option<String>,
}

/// The SAP workloads a native descriptor may declare.
const SAP_WORKLOADS: [&str; 4] = ["sap-hana", "s4hana", "netweaver", "sap"];
/// The cluster types a native descriptor may declare.
const CLUSTER_TYPES: [&str; 1] = ["pacemaker"];
/// The fencing methods a native descriptor may declare.
const FENCING: [&str; 6] = ["azure-fence-agent", "fence_aws", "fence_gce", "sbd", "watchdog", "other"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NativeRegistration {
    action: String,
    #[serde(default)]
    text: Option<String>,
}

/// The registration actions a native descriptor may declare (the model's vocabulary).
const REGISTRATION_ACTIONS: [&str; 7] =
    ["register", "attach", "auto_attach", "pool", "activation_key", "satellite", "rhc_connect"];

fn default_kind() -> String {
    "vm".to_owned()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NativeImage {
    reference: Option<String>,
    publisher: Option<String>,
    offer: Option<String>,
    sku: Option<String>,
    version: Option<String>,
    id: Option<String>,
    plan: Option<Plan>,
    owner: Option<String>,
    usage_operation: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NativeOs {
    vendor: Option<String>,
    product: Option<String>,
    /// `"7.9"` or `"9"`: shorthand for major and minor.
    version: Option<String>,
    major: Option<u32>,
    minor: Option<u32>,
    stream: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NativeBilling {
    model: Option<BillingModel>,
    license_type: Option<String>,
}

/// The workloads of a native descriptor; a shape error names the field's pointer.
pub fn workloads(path: &str, doc: &Document, catalog: &Catalog) -> Result<Vec<Workload>, Error> {
    let shape = |pointer: &str, message: String| {
        let at = doc.nearest_position(pointer);
        Error::new(Phase::Model, ErrorKind::Shape(message)).path(path).at(at.line, at.column).pointer(pointer)
    };
    let top: NativeDoc = serde_json::from_value(doc.value.clone())
        .map_err(|e| shape("", format!("not a valid entitle descriptor: {e}")))?;
    if top.entitle != 1 {
        return Err(shape(
            "/entitle",
            format!("descriptor version {} is not supported (this entitle reads version 1)", top.entitle),
        ));
    }
    let mut out: Vec<Workload> = Vec::new();
    for (i, raw) in top.workloads.into_iter().enumerate() {
        let at = format!("/workloads/{i}");
        let native: NativeWorkload =
            serde_json::from_value(raw).map_err(|e| shape(&at, format!("workload {i}: {e}")))?;
        if out.iter().any(|w| w.id == native.id) {
            return Err(shape(&format!("{at}/id"), format!("workload id `{}` is used twice", native.id)));
        }
        out.push(
            workload(path, &at, native, catalog)
                .map_err(|(field, message)| shape(&format!("{at}/{field}"), message))?,
        );
    }
    Ok(out)
}

fn workload(path: &str, at: &str, n: NativeWorkload, catalog: &Catalog) -> Result<Workload, (String, String)> {
    let mut w = Workload {
        resource: n.name.clone().unwrap_or_else(|| n.id.clone()),
        id: n.id,
        kind: n.kind,
        provider: n.provider.unwrap_or_else(|| "unknown".to_owned()),
        source: source(path, at),
        count: Some(n.count.unwrap_or(1)),
        region: n.region,
        ..Workload::default()
    };
    let here = |field: &str| source(path, &format!("{at}/{field}"));
    if let Some(tags) = &n.tags {
        if let Some((key, _)) =
            tags.iter().find(|(_, v)| !matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_)))
        {
            let field = format!("tags/{}", crate::document::escape_token(key));
            return Err((field, format!("tag `{key}` must be a string, number or boolean")));
        }
        let tags = Value::Object(tags.clone());
        super::body::tags(&mut w, Some(&super::body::Node::json(&tags, path, &format!("{at}/tags"))));
    }
    if let Some(properties) = &n.properties {
        super::body::record(&mut w, &super::body::Node::json(properties, path, &format!("{at}/properties")));
    }
    w.provenance.insert("count".into(), here("count"));
    w.provenance.insert("provider".into(), here("provider"));
    if let Some(image) = n.image {
        w.image = Image {
            reference: image.reference,
            publisher: image.publisher,
            offer: image.offer,
            sku: image.sku,
            version: image.version,
            id: image.id,
            plan: image.plan,
            owner: image.owner,
            usage_operation: image.usage_operation,
        };
        if w.image.reference.is_none() {
            w.image.reference = w.image.urn();
        }
        for key in ["reference", "publisher", "offer", "sku", "version", "id", "plan", "owner", "usage_operation"] {
            w.provenance.insert(format!("image.{key}"), here(&format!("image/{key}")));
        }
        let cloud_ref = w.image.reference.clone().or_else(|| w.image.id.clone());
        if let (Some(reference), "gcp" | "aws") = (&cloud_ref, w.provider.as_str()) {
            let field = if w.image.reference.is_some() { "image/reference" } else { "image/id" };
            apply_cloud_image(&mut w, reference, here(field), catalog);
        } else if w.image.publisher.is_some() && w.image.offer.is_some() {
            apply_own_azure_image(&mut w, catalog);
        }
    }
    if let Some(os) = n.os {
        declared_os(&mut w, os, &here)?;
    }
    if let Some(billing) = n.billing {
        let Billing { model, license_type } = &mut w.billing;
        if let Some(m) = billing.model {
            *model = m;
            w.unknown.remove("billing.model");
            w.provenance.insert("billing.model".into(), here("billing/model"));
        }
        if let Some(lt) = billing.license_type {
            *license_type = Some(lt.clone());
            w.provenance.insert("billing.license_type".into(), here("billing/license_type"));
            if billing.model.is_none() {
                apply_license_type(&mut w, &lt, here("billing/license_type"), catalog);
            }
        }
    }
    for addon in n.addons {
        let lower = addon.to_ascii_lowercase();
        if !ADDONS.contains(&lower.as_str()) {
            return Err(("addons".into(), format!("unknown add-on `{addon}` (known: {})", ADDONS.join(", "))));
        }
        if !w.addons.contains(&lower) {
            w.addons.push(lower);
        }
    }
    w.provenance.insert("addons".into(), here("addons"));
    match n.registration {
        None => {
            let why = "the entitle descriptor does not declare `registration` for this workload";
            w.unknown.insert("registration".into(), why.into());
        }
        Some(declared) => {
            for (i, r) in declared.into_iter().enumerate() {
                if !REGISTRATION_ACTIONS.contains(&r.action.as_str()) {
                    let known = REGISTRATION_ACTIONS.join(", ");
                    return Err((
                        format!("registration/{i}/action"),
                        format!("unknown action `{}` (known: {known})", r.action),
                    ));
                }
                let source = here(&format!("registration/{i}"));
                w.provenance.insert(format!("registration.{i}"), source.clone());
                let text = r.text.map_or_else(|| r.action.clone(), |t| crate::registration::redact_text(&t));
                w.registration.push(Registration { action: r.action, text, source });
            }
        }
    }
    if let Some(instance) = n.instance {
        declared_instance(&mut w, instance, &here)?;
    }
    for (i, k) in n.kernel.into_iter().enumerate() {
        if !KERNEL_KINDS.contains(&k.kind.as_str()) {
            let known = KERNEL_KINDS.join(", ");
            return Err((format!("kernel/{i}/kind"), format!("unknown kernel change `{}` (known: {known})", k.kind)));
        }
        let text = k.text.map_or_else(|| k.kind.clone(), |t| crate::registration::redact_text(&t));
        let source = here(&format!("kernel/{i}"));
        w.provenance.insert(format!("kernel.{i}"), source.clone());
        w.kernel.push(KernelChange { kind: k.kind, text, strength: Strength::Declared, source });
    }
    if let Some(c) = n.cluster {
        declared_cluster(&mut w, c, &here)?;
    }
    if let Some(kind) = n.workload {
        let lower = kind.to_ascii_lowercase();
        if !SAP_WORKLOADS.contains(&lower.as_str()) {
            return Err((
                "workload".into(),
                format!("unknown workload `{kind}` (known: {})", SAP_WORKLOADS.join(", ")),
            ));
        }
        let source = here("workload");
        w.provenance.insert("sap".into(), source.clone());
        let text = format!("the entitle descriptor declares workload {lower}");
        w.sap = Some(SapWorkload {
            kind: lower,
            strength: Strength::Declared,
            evidence: vec![Evidence { text, strength: Strength::Declared, source }],
        });
    }
    if w.os.product.is_none() && !w.unknown.contains_key("os.product") {
        w.unknown.insert("os.product".into(), "neither `os` nor a recognised image says which OS this is".into());
    }
    Ok(w)
}

/// A declared size (looked up in the catalog after the front-end), vCPUs and architecture.
fn declared_instance(
    w: &mut Workload,
    n: NativeInstance,
    here: &dyn Fn(&str) -> entitle_sdk::model::Source,
) -> Result<(), (String, String)> {
    let arch = match n.arch.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => None,
        Some("x86_64" | "amd64" | "x64") => Some("x86_64".to_owned()),
        Some("arm64" | "aarch64") => Some("arm64".to_owned()),
        Some(other) => {
            return Err(("instance/arch".into(), format!("unknown architecture `{other}` (known: x86_64, arm64)")));
        }
    };
    let instance = w.instance.get_or_insert_with(Default::default);
    (instance.vcpus, instance.arch) = (n.vcpus, arch);
    for (field, set) in [("vcpus", n.vcpus.is_some()), ("arch", instance.arch.is_some())] {
        if set {
            w.provenance.insert(format!("instance.{field}"), here(&format!("instance/{field}")));
        }
    }
    if let Some(size) = n.size {
        crate::support::instance::set_size(w, &size, Some(here("instance/size")));
    }
    Ok(())
}

/// A declared cluster: its id shared by the members, its type and fencing.
fn declared_cluster(
    w: &mut Workload,
    c: NativeCluster,
    here: &dyn Fn(&str) -> entitle_sdk::model::Source,
) -> Result<(), (String, String)> {
    let check = |field: &str, value: Option<String>, known: &[&str]| match value.map(|v| v.to_ascii_lowercase()) {
        Some(v) if !known.contains(&v.as_str()) => {
            Err((format!("cluster/{field}"), format!("unknown cluster {field} `{v}` (known: {})", known.join(", "))))
        }
        v => Ok(v),
    };
    let kind = check("type", c.kind, &CLUSTER_TYPES)?;
    let fencing = check("fencing", c.fencing, &FENCING)?;
    let source = here("cluster");
    w.provenance.insert("ha".into(), source.clone());
    if fencing.is_some() {
        w.provenance.insert("ha.fencing".into(), here("cluster/fencing"));
    }
    let text = format!("the entitle descriptor declares cluster {}", c.id);
    w.ha = Some(HaMembership {
        id: c.id,
        kind: Some(kind.unwrap_or_else(|| "pacemaker".to_owned())),
        fencing,
        strength: Strength::Declared,
        evidence: vec![Evidence { text, strength: Strength::Declared, source }],
    });
    Ok(())
}

/// Declared OS facts override what the image implies.
fn declared_os(
    w: &mut Workload,
    os: NativeOs,
    here: &dyn Fn(&str) -> entitle_sdk::model::Source,
) -> Result<(), (String, String)> {
    let (mut major, mut minor) = (os.major, os.minor);
    if let Some(version) = &os.version {
        let mut parts = version.split('.');
        let parse = |p: Option<&str>| p.map(|t| t.parse::<u32>());
        match (parse(parts.next()), parse(parts.next()), parts.next()) {
            (Some(Ok(ma)), None, None) => major = Some(ma),
            (Some(Ok(ma)), Some(Ok(mi)), None) => (major, minor) = (Some(ma), Some(mi)),
            _ => return Err(("os/version".into(), format!("os.version `{version}` must be MAJOR or MAJOR.MINOR"))),
        }
    }
    let declared = Os {
        vendor: os.vendor.or_else(|| os.product.as_deref().filter(|p| *p == "rhel").map(|_| "redhat".to_owned())),
        product: os.product.map(|p| p.to_ascii_lowercase()),
        major,
        minor,
        stream: os.stream.map(|s| s.to_ascii_lowercase()),
    };
    let version_field = if os.version.is_some() { "os/version" } else { "os/major" };
    if declared.product.is_some() {
        w.os.vendor = declared.vendor.or(w.os.vendor.take());
        w.os.product = declared.product;
        w.unknown.remove("os.product");
        w.provenance.insert("os.product".into(), here("os/product"));
        w.provenance.insert("os.vendor".into(), here("os/product"));
    }
    if declared.major.is_some() {
        w.os.major = declared.major;
        w.os.minor = declared.minor;
        w.unknown.remove("os.major");
        w.unknown.remove("os.minor");
        w.provenance.insert("os.major".into(), here(version_field));
        w.provenance.insert("os.minor".into(), here(if os.version.is_some() { "os/version" } else { "os/minor" }));
    }
    if declared.stream.is_some() {
        w.os.stream = declared.stream;
        w.unknown.remove("os.stream");
        w.provenance.insert("os.stream".into(), here("os/stream"));
    }
    Ok(())
}
