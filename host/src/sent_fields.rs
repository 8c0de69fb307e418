//! What of each workload a policy is sent: its resource body only when its metadata says
//! `reads_properties`, and only the fields it lists in `workload_fields` (all when it lists
//! none). Policies that are sent the same share one serialised request part.

use entitle_sdk::{Deployment, PolicyMetadata, Workload};

/// The workload fields one policy is sent.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SentFields<'a> {
    /// Whether workloads carry their `properties`.
    pub properties: bool,
    /// The fields of [`entitle_sdk::model::WORKLOAD_FIELDS`] sent; empty: all of them.
    only: &'a [String],
}

impl<'a> SentFields<'a> {
    /// What the policy described by `metadata` is sent.
    pub fn of(metadata: &'a PolicyMetadata) -> SentFields<'a> {
        SentFields { properties: metadata.reads_properties, only: &metadata.workload_fields }
    }

    /// Bodies or not, and these fields (empty: all).
    pub fn new(properties: bool, only: &'a [String]) -> SentFields<'a> {
        SentFields { properties, only }
    }

    /// The fields sent (empty: all).
    pub fn only(&self) -> &'a [String] {
        self.only
    }

    /// Every field but the bodies: what a policy that declares nothing is sent.
    pub const PLAIN: SentFields<'static> = SentFields { properties: false, only: &[] };

    /// True when a policy sent `self` can share the request part made for `other`.
    pub fn same(&self, other: &SentFields<'_>) -> bool {
        self.properties == other.properties && self.only == other.only
    }

    /// True when every field is sent (with or without bodies).
    pub fn all(&self) -> bool {
        self.only.is_empty()
    }

    /// Resets the fields this policy is not sent.
    pub fn trim(&self, w: &mut Workload) {
        if !self.all() {
            w.keep_fields(|field| self.only.iter().any(|o| o == field));
        }
    }

    /// [`SentFields::trim`] on every workload of `deployment`.
    pub fn trim_all(&self, deployment: &mut Deployment) {
        if !self.all() {
            deployment.workloads.iter_mut().for_each(|w| self.trim(w));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(fields: &str) -> Result<PolicyMetadata, String> {
        let rules = r#"[{"id": "R", "title": "t", "severity": "info", "description": "d"}]"#;
        let text = format!(
            r#"{{"id": "p", "version": "1", "abi_version": 1, "rules": {rules}, "workload_fields": {fields}}}"#
        );
        PolicyMetadata::parse(text.as_bytes())
    }

    #[test]
    fn a_name_that_is_not_a_field_to_list_is_refused_when_the_policy_loads() {
        // A list is at most every field once, so trimming a workload is bounded work whatever a policy says.
        assert!(metadata(r#"["tags", "os", "tags"]"#).expect_err("twice").contains("`tags` is listed twice"));
        for (name, says) in [("evidences", "does not exist"), ("id", "always sent"), ("properties", "reads_properties")]
        {
            let error = metadata(&format!("[\"{name}\"]")).expect_err(name);
            assert!(error.contains(&format!("`{name}`")) && error.contains(says), "{error}");
        }
        assert!(metadata(r#"["tags", "evidence"]"#).is_ok());
    }

    #[test]
    fn only_the_listed_fields_survive() {
        let metadata = metadata(r#"["count", "os"]"#).expect("valid");
        let fields = SentFields::of(&metadata);
        let mut w = Workload { id: "vm".into(), count: Some(3), region: Some("eastus".into()), ..Default::default() };
        w.os.product = Some("rhel".into());
        w.evidence.push("why".into());
        let mut trimmed = w.clone();
        fields.trim(&mut trimmed);
        assert_eq!(trimmed, Workload { region: None, evidence: Vec::new(), ..w.clone() });
        let mut untouched = w.clone();
        SentFields::PLAIN.trim(&mut untouched);
        assert_eq!(untouched, w);
        assert!(!fields.same(&SentFields::PLAIN) && SentFields::PLAIN.same(&SentFields::PLAIN));
    }
}
