//! What `entitle serve` is started with: where it listens, its limits, and the cluster
//! context admission reviews are checked in. Built by the binary from flags and
//! environment variables; plain values here, so the library has no clap.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use entitle_sdk::{Date, Severity};
use serde_json::Value;

use crate::{LoadedCatalog, ReadOptions, RuntimeOptions};

/// The server's configuration.
pub struct ServeConfig {
    /// The address to listen on (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// A PEM certificate chain and private key: serve HTTPS instead of HTTP.
    pub tls: Option<TlsFiles>,
    /// Sandbox limits of every evaluation, and the code cache.
    pub runtime: RuntimeOptions,
    /// Load the built-in policies.
    pub builtin: bool,
    /// Extra policy files or directories.
    pub policies: Vec<PathBuf>,
    /// The catalog.
    pub catalog: LoadedCatalog,
    /// Limits on requests.
    pub limits: Limits,
    /// How every check is evaluated (settings, horizon, evaluation date).
    pub evaluation: Evaluation,
    /// How admission reviews are answered.
    pub admission: AdmissionConfig,
}

/// A certificate chain and its key, both PEM.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    /// The certificate chain (leaf first).
    pub cert: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// Bounds on what one request may cost.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The largest request body in bytes (413 past it).
    pub max_body: usize,
    /// The time a request may take, reading and evaluating (504 past it).
    pub request_timeout: Duration,
    /// Evaluations running at once; more requests wait in a queue.
    pub max_concurrent: usize,
    /// Requests that may wait for a slot (503 with `Retry-After` past it; 0: none wait).
    pub max_queued: usize,
    /// Files one `/v1/check` request may upload.
    pub max_files: usize,
}

/// The server-wide defaults of an evaluation; `/v1/check` requests may override some.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// A fixed evaluation date (default: today, UTC, per request).
    pub as_of: Option<Date>,
    /// The "expiring soon" horizon in days.
    pub warn_within_days: u32,
    /// Settings per policy id.
    pub settings: BTreeMap<String, Value>,
    /// How inputs are read (`platform`, `region`, AMI catalogue); `confine` is set per request.
    pub read: ReadOptions,
}

/// What the admission webhook does with findings and failures.
#[derive(Clone, Debug)]
pub struct AdmissionConfig {
    /// Findings at or above this severity deny the object (`None`: never deny on findings).
    pub deny_on: Option<Severity>,
    /// What to answer when the object could not be checked.
    pub failure_policy: FailurePolicy,
    /// The organisation context admission reviews are checked with (`--context`).
    pub context: Option<crate::context::ContextFile>,
}

/// The webhook's stance when a check fails (Kubernetes' `failurePolicy`, answered by
/// the webhook itself so the reason reaches the user).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailurePolicy {
    /// Deny the object, saying why it could not be checked.
    Fail,
    /// Allow the object with a warning saying why it could not be checked.
    Ignore,
}
