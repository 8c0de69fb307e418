//! `/metrics`: what the server has done, in the Prometheus text format — requests by
//! endpoint and status, findings by rule and severity, request and evaluation latency,
//! policy errors and evaluations in flight.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::Report;

/// Labels of a request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    endpoint: String,
    status: u16,
}

/// Labels of a finding.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FindingLabels {
    rule: String,
    severity: String,
}

/// Labels of an error.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    phase: String,
    policy: String,
}

/// Labels of a latency.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndpointLabels {
    endpoint: String,
}

/// 1 ms to about 65 s, doubling.
fn latency_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 17))
}

/// The server's metrics, shared by every request.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    findings: Family<FindingLabels, Counter>,
    errors: Family<ErrorLabels, Counter>,
    request_seconds: Family<EndpointLabels, Histogram>,
    evaluation_seconds: Histogram,
    in_flight: Gauge,
    queued: Gauge,
    refused_busy: Counter,
}

impl Metrics {
    /// Empty metrics, registered.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("entitle");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("requests", "HTTP requests by endpoint and status", requests.clone());
        let findings = Family::<FindingLabels, Counter>::default();
        registry.register("findings", "Findings reported, by rule and severity", findings.clone());
        let errors = Family::<ErrorLabels, Counter>::default();
        registry.register(
            "check_errors",
            "Errors of checks (a policy that trapped or ran out of time, an input that could not be read), by phase and policy",
            errors.clone(),
        );
        let request_seconds =
            Family::<EndpointLabels, Histogram>::new_with_constructor(latency_buckets as fn() -> Histogram);
        registry.register("request_seconds", "Request latency by endpoint", request_seconds.clone());
        let evaluation_seconds = latency_buckets();
        registry.register(
            "evaluation_seconds",
            "Time of one check, reading and evaluating",
            evaluation_seconds.clone(),
        );
        let in_flight = Gauge::default();
        registry.register("evaluations_in_flight", "Checks running now", in_flight.clone());
        let queued = Gauge::default();
        registry.register("requests_queued", "Requests waiting for an evaluation slot", queued.clone());
        let refused_busy = Counter::default();
        registry.register(
            "refused_busy",
            "Requests refused with 503 because every evaluation slot was taken",
            refused_busy.clone(),
        );
        Metrics {
            registry,
            requests,
            findings,
            errors,
            request_seconds,
            evaluation_seconds,
            in_flight,
            queued,
            refused_busy,
        }
    }

    /// Counts a request answered with `status` after `seconds`.
    pub fn request(&self, endpoint: &str, status: u16, seconds: f64) {
        self.requests.get_or_create(&RequestLabels { endpoint: endpoint.to_owned(), status }).inc();
        self.request_seconds.get_or_create(&EndpointLabels { endpoint: endpoint.to_owned() }).observe(seconds);
    }

    /// Counts the findings and errors of a finished check that took `seconds`.
    pub fn report(&self, report: &Report, seconds: f64) {
        self.evaluation_seconds.observe(seconds);
        for f in report.findings.iter().filter(|f| f.suppression.is_none()) {
            let severity = format!("{:?}", f.severity).to_ascii_lowercase();
            self.findings.get_or_create(&FindingLabels { rule: f.rule.clone(), severity }).inc();
        }
        for e in &report.errors {
            let phase = format!("{:?}", e.phase).to_ascii_lowercase();
            let policy = e.policy.clone().unwrap_or_default();
            self.errors.get_or_create(&ErrorLabels { phase, policy }).inc();
        }
    }

    /// The gauge of evaluations in flight.
    pub fn in_flight(&self) -> &Gauge {
        &self.in_flight
    }

    /// The gauge of requests waiting for a slot.
    pub fn queued(&self) -> &Gauge {
        &self.queued
    }

    /// Counts a request refused because the server was busy.
    pub fn busy(&self) {
        self.refused_busy.inc();
    }

    /// The text exposition format.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry).expect("writing to a String cannot fail");
        text
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}
