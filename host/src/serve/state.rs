//! What every request shares: the loaded checker (once policies are compiled), the
//! evaluation slots, the configuration and the metrics.

use std::sync::{Arc, OnceLock};

use tokio::sync::Semaphore;

use super::config::{AdmissionConfig, Evaluation, Limits};
use super::metrics::Metrics;
use crate::Checker;

/// The state behind every handler (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

/// The shared parts.
pub(crate) struct Inner {
    /// Set once policies are compiled: until then `/readyz` is 503.
    pub checker: OnceLock<Arc<Checker>>,
    /// One permit per evaluation that may run at once.
    pub slots: Arc<Semaphore>,
    /// Requests waiting for a slot.
    pub queued: std::sync::atomic::AtomicUsize,
    pub limits: Limits,
    pub evaluation: Evaluation,
    pub admission: AdmissionConfig,
    pub metrics: Metrics,
}

impl AppState {
    /// State before policies are loaded.
    pub(crate) fn new(limits: Limits, evaluation: Evaluation, admission: AdmissionConfig) -> AppState {
        let slots = Arc::new(Semaphore::new(limits.max_concurrent));
        let inner = Inner {
            checker: OnceLock::new(),
            slots,
            queued: Default::default(),
            limits,
            evaluation,
            admission,
            metrics: Metrics::new(),
        };
        AppState { inner: Arc::new(inner) }
    }
}
