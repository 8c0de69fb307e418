//! The instance signal: a size a front-end read (`instance.size`, located like any value)
//! is looked up in the catalog's size table for its family, vCPUs and architecture. A size
//! the table does not know stays unknown with the reason; nothing is guessed from its look.

use entitle_sdk::model::{Instance, Source};
use entitle_sdk::{Catalog, Workload};

/// Records `size` as the workload's instance size, read at `at` when the front-end has not
/// recorded `instance.size`'s provenance itself (front-ends call this).
pub(crate) fn set_size(w: &mut Workload, size: &str, at: Option<Source>) {
    let size = size.trim();
    if size.is_empty() {
        return;
    }
    w.instance.get_or_insert_with(Instance::default).size = Some(size.to_owned());
    if let Some(at) = at {
        w.provenance.insert("instance.size".into(), at);
    }
}

/// Fills family, vCPUs and architecture of every workload whose size is known. Values the
/// descriptor declared (the entitle descriptor's `vcpus`, `arch`) are kept; a catalog
/// architecture that disagrees with a declared one is noted in the evidence.
pub(crate) fn resolve(workloads: &mut [Workload], catalog: &Catalog) {
    for w in workloads {
        let Some(size) = w.instance.as_ref().and_then(|i| i.size.clone()) else { continue };
        let Some(facts) = entitle_sdk::platform::lookup(&catalog.instance_sizes, &w.provider, &size) else {
            let why = format!("the size {size} is not in the catalog's size table (instance-sizes.json)");
            w.unknown.entry("instance.family".into()).or_insert(why);
            continue;
        };
        let row = facts.row;
        let at = w.provenance.get("instance.size").cloned();
        let instance = w.instance.get_or_insert_with(Instance::default);
        instance.family = Some(row.family.clone());
        if instance.vcpus.is_none() {
            instance.vcpus = facts.vcpus;
        }
        match &instance.arch {
            Some(declared) if !declared.eq_ignore_ascii_case(&row.arch) => w.evidence.push(format!(
                "instance size {size} is {} in the catalog, but {declared} is declared; the declared value is kept",
                row.arch
            )),
            Some(_) => {}
            None => instance.arch = Some(row.arch.clone()),
        }
        let vcpus = instance.vcpus.map_or_else(|| "vCPUs not listed".to_owned(), |v| format!("{v} vCPUs"));
        w.evidence.push(format!(
            "instance size {size}: family {}, {vcpus}, {} (catalog instance-sizes.json, {})",
            row.family,
            row.arch,
            row.confidence.as_str()
        ));
        if let Some(at) = at {
            for field in ["instance.family", "instance.vcpus", "instance.arch"] {
                w.provenance.entry(field.into()).or_insert_with(|| at.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vm(provider: &str, size: &str) -> Workload {
        let mut w = Workload { id: "vm".into(), provider: provider.into(), ..Workload::default() };
        set_size(&mut w, size, Some(Source { path: "f".into(), pointer: "/s".into(), line: Some(3), column: Some(9) }));
        w
    }

    #[test]
    fn known_sizes_get_family_vcpus_and_arch_from_the_catalog() {
        let catalog = crate::LoadedCatalog::builtin().catalog;
        let mut ws = [
            vm("aws", "m7g.large"),
            vm("azure", "Standard_D4ps_v5"),
            vm("gcp", "t2a-standard-4"),
            vm("aws", "m5.4xlarge"),
            vm("azure", "Standard_M64s"),
        ];
        resolve(&mut ws, &catalog);
        let got: Vec<_> = ws
            .iter()
            .map(|w| {
                let i = w.instance.as_ref().unwrap();
                (i.family.clone().unwrap(), i.vcpus, i.arch.clone().unwrap())
            })
            .collect();
        assert_eq!(got[0], ("m7g".into(), Some(2), "arm64".into()));
        assert_eq!(got[1], ("Dpsv5".into(), Some(4), "arm64".into()));
        assert_eq!(got[2], ("t2a-standard".into(), Some(4), "arm64".into()));
        assert_eq!(got[3], ("m5".into(), Some(16), "x86_64".into()));
        assert_eq!(got[4], ("M".into(), Some(64), "x86_64".into()));
        assert_eq!(ws[0].provenance["instance.arch"].line, Some(3));
    }

    #[test]
    fn an_unknown_size_stays_unknown() {
        let catalog = crate::LoadedCatalog::builtin().catalog;
        let mut ws = [vm("aws", "zz9.large"), vm("azure", "m7g.large")];
        resolve(&mut ws, &catalog);
        for w in &ws {
            let i = w.instance.as_ref().unwrap();
            assert_eq!((i.family.as_ref(), i.arch.as_ref(), i.vcpus), (None, None, None));
            assert!(w.unknown["instance.family"].contains("not in the catalog"));
        }
    }
}
