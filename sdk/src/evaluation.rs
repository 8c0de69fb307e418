//! What the host sends to a policy and what it gets back.

use serde::{Deserialize, Serialize};

use crate::{Catalog, Date, Deployment, Finding, Workload};

/// Everything a policy evaluates: one input's deployment plus the run's context.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// This policy's settings (`null` when none were given).
    #[serde(default)]
    pub settings: serde_json::Value,
    /// The evaluation date (`--as-of`).
    pub as_of: Date,
    /// How many days ahead "expiring soon" looks.
    #[serde(default = "default_warn_within")]
    pub warn_within_days: u32,
    /// The reference catalog.
    pub catalog: Catalog,
    /// The organisation's context (`--context`), `null` when none was given.
    #[serde(default)]
    pub context: serde_json::Value,
    /// The deployment to check.
    pub deployment: Deployment,
}

fn default_warn_within() -> u32 {
    180
}

impl Evaluation {
    /// The workloads whose OS is known to be RHEL.
    pub fn rhel_workloads(&self) -> impl Iterator<Item = &Workload> {
        self.deployment.workloads.iter().filter(|w| w.is_rhel())
    }

    /// The settings as the policy's own type.
    pub fn settings<T: serde::de::DeserializeOwned + Default>(&self) -> Result<T, String> {
        if self.settings.is_null() {
            return Ok(T::default());
        }
        serde_json::from_value(self.settings.clone()).map_err(|e| e.to_string())
    }
}

/// A policy's reply to `entitle_evaluate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase", deny_unknown_fields)]
pub enum EvaluationReply {
    /// The findings (possibly none).
    Ok {
        /// What the policy found.
        findings: Vec<Finding>,
    },
    /// The policy could not evaluate this input.
    Error {
        /// Why, in words.
        message: String,
    },
}

/// A policy's reply to `entitle_validate_settings`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase", deny_unknown_fields)]
pub enum SettingsReply {
    /// The settings are usable.
    Valid,
    /// They are not.
    Invalid {
        /// Why, naming the field.
        message: String,
    },
}
