//! What a classified image means for a workload: OS, billing and add-ons, each pointing at the
//! plan attribute that names the image and carrying the trail the identity was found by.

use entitle_sdk::Workload;
use entitle_sdk::model::Source;

use crate::classify::Classification;

/// The workload fields a classification fills.
/// Applies a classification; every classified field points at `at` and keeps `trail`.
/// Reasons already recorded are kept.
pub fn apply(w: &mut Workload, found: Classification, at: &Source, trail: &[Source]) {
    crate::formats::apply_classification_at(w, found, at, trail);
}

/// Records that the image's identity is not known: the OS and billing stay unknown for `reason`.
pub fn unidentified(w: &mut Workload, reason: &str, at: &Source) {
    for field in ["os.product", "billing.model"] {
        w.unknown.entry(field.to_owned()).or_insert_with(|| reason.to_owned());
        w.provenance.entry(field.to_owned()).or_insert_with(|| at.clone());
    }
}

/// `[publisher, offer, sku, version]` of an Azure platform image id
/// (`/Subscriptions/…/Publishers/P/ArtifactTypes/VMImage/Offers/O/Skus/S/Versions/V`).
pub fn platform_image(id: &str) -> Option<[&str; 4]> {
    let parts: Vec<&str> = id.split('/').collect();
    let after =
        |key: &str| parts.iter().position(|p| p.eq_ignore_ascii_case(key)).and_then(|i| parts.get(i + 1)).copied();
    Some([after("Publishers")?, after("Offers")?, after("Skus")?, after("Versions")?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_platform_image_ids() {
        let id = concat!(
            "/Subscriptions/s/Providers/Microsoft.Compute/Locations/eastus/Publishers/RedHat",
            "/ArtifactTypes/VMImage/Offers/RHEL/Skus/8_4/Versions/8.4.2021053101"
        );
        assert_eq!(platform_image(id), Some(["RedHat", "RHEL", "8_4", "8.4.2021053101"]));
        assert_eq!(platform_image("/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/images/golden"), None);
    }
}
