//! `choice_trail`: which fields of an alternative end their trail at the chosen value.

use entitle_sdk::Workload;
use entitle_sdk::model::Source;
use serde_json::json;

use super::{choice_trail, source};

fn workload(size: &str, sku: &str) -> Workload {
    let mut w =
        Workload { id: "vm".into(), properties: json!({"hardwareProfile": {"vmSize": size}}), ..Workload::default() };
    w.image.sku = Some(sku.into());
    for field in ["properties.hardwareProfile.vmSize", "image.sku", "kind"] {
        w.provenance.insert(field.into(), source("t.json", &format!("/{field}")));
    }
    w
}

#[test]
fn only_fields_the_choice_changes_get_the_chosen_value() {
    let chosen = [source("t.json", "/parameters/size/allowedValues/1")];
    let default = workload("Standard_D2s_v5", "9-lvm");
    let mut alt = workload("Standard_E4s_v5", "9-lvm");
    choice_trail(&mut alt, &default, &chosen);
    assert_eq!(
        alt.trail.get("properties.hardwareProfile.vmSize").map(Vec::as_slice),
        Some(&chosen[..]),
        "a body field"
    );
    assert!(!alt.trail.contains_key("image.sku") && !alt.trail.contains_key("kind"), "{:?}", alt.trail);

    let mut alt = workload("Standard_D2s_v5", "9-lvm-gen2");
    choice_trail(&mut alt, &default, &chosen);
    assert_eq!(alt.trail.keys().collect::<Vec<_>>(), ["image.sku"], "a field outside the body");

    let mut alt = workload("Standard_D2s_v5", "9-lvm");
    alt.provenance.insert("kind".into(), source("t.json", "/elsewhere"));
    alt.trail.insert("kind".into(), chosen.to_vec());
    choice_trail(&mut alt, &default, &chosen);
    assert_eq!(alt.trail.get("kind").map(Vec::len), Some(1), "a trail through the chosen value is left as it is");
    assert_eq!(alt.trail.len(), 1);

    let mut alt = workload("Standard_E4s_v5", "9-lvm");
    choice_trail(&mut alt, &default, &[] as &[Source]);
    assert!(alt.trail.is_empty(), "nothing chosen, nothing added");
}
