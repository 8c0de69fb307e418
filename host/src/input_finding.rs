//! Findings entitle itself makes about an input while reading it: the input was checked,
//! and something in it is wrong — a parameters-file value that is not one of the
//! parameter's allowed values, which the cloud would reject. Not a failure to check (no
//! exit 2): the template is modelled with its default, and saying so is the finding.

use entitle_sdk::model::Source;
use entitle_sdk::{RuleMetadata, Severity};
use sha2::{Digest, Sha256};

use crate::report;

/// Rule id: a parameters-file value outside the parameter's allowed values.
pub const PARAM_NOT_ALLOWED: &str = "ENTITLE-PARAM-NOT-ALLOWED";

/// The rule's metadata, listed with entitle's other rules.
pub fn rules() -> Vec<RuleMetadata> {
    vec![RuleMetadata {
        id: PARAM_NOT_ALLOWED.into(),
        title: "A parameter value is not one of its allowed values".into(),
        severity: Severity::Error,
        description: "A parameters file gives a value that the template's allowedValues (ARM) or AllowedValues (CloudFormation) do not list: the cloud rejects the deployment. entitle checks the template with the parameter's default instead, and says so.".into(),
        help_url: None,
    }]
}

/// One finding about an input, located at the value it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFinding {
    /// Rule id (one of [`rules`]).
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
    /// What to change.
    pub fix: String,
    /// What it is about, as a reviewer names it (`parameter storageKind`).
    pub subject: String,
    /// Facts it rests on.
    pub evidence: Vec<String>,
    /// Where the value is written (line and column filled by the front-end).
    pub source: Source,
}

impl InputFinding {
    /// A parameters-file value of `name` that is not among `allowed`; `cloud` is who
    /// rejects it (`Azure`, `CloudFormation`), `fallback` what entitle checked instead.
    pub fn param_not_allowed(
        cloud: &str,
        name: &str,
        given: &str,
        allowed: &[String],
        fallback: &str,
        source: Source,
    ) -> InputFinding {
        let listed = allowed.join(", ");
        InputFinding {
            rule: PARAM_NOT_ALLOWED,
            message: format!(
                "parameter {name} = {given} is not one of its allowed values ({listed}): {cloud} would reject the deployment; {fallback}"
            ),
            fix: format!("Set {name} to one of its allowed values ({listed}) in {}.", source.path),
            subject: format!("parameter {name}"),
            evidence: vec![format!("allowed values of {name}: {listed}"), format!("given: {given}")],
            source,
        }
    }

    /// The finding as reported (policy `entitle`).
    pub fn to_report(&self) -> report::Finding {
        let location = crate::choice_findings::location(&self.source);
        let digest = Sha256::digest(
            format!("{}\0{}\0{}\0{}", self.rule, self.source.path, self.source.pointer, self.message).as_bytes(),
        );
        report::Finding {
            rule: self.rule.to_owned(),
            policy: report::HOST_POLICY.to_owned(),
            severity: Severity::Error,
            message: self.message.clone(),
            resource: self.subject.clone(),
            workload: String::new(),
            field: String::new(),
            location,
            trail: Vec::new(),
            alternative: None,
            evidence: self.evidence.clone(),
            fix: Some(self.fix.clone()),
            fingerprint: crate::runtime::hex(&digest[..8]),
            suppression: None,
        }
    }
}
