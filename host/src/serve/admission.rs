//! `POST /v1/admission`: a Kubernetes validating webhook. The object of an
//! `admission.k8s.io/v1` AdmissionReview is checked through the Kubernetes front-end with
//! the cluster context the server was started with; the answer allows, allows with
//! warnings, or denies naming the rule, the field and the fix. A review of a kind the
//! webhook does not check is refused with 400, so a misregistered webhook is seen.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::config::FailurePolicy;
use super::error::ApiError;
use super::limits;
use super::state::AppState;
use super::upload::{Upload, Uploaded};
use crate::report::Finding;
use crate::{CheckOptions, Checker, Report};

/// The kinds the webhook checks: (API group, kind).
pub const KINDS: [(&str, &str); 13] = [
    ("kubevirt.io", "VirtualMachine"),
    ("kubevirt.io", "VirtualMachineInstance"),
    ("machine.openshift.io", "MachineSet"),
    ("", "Pod"),
    ("", "ReplicationController"),
    ("apps", "Deployment"),
    ("apps", "StatefulSet"),
    ("apps", "DaemonSet"),
    ("apps", "ReplicaSet"),
    ("batch", "Job"),
    ("batch", "CronJob"),
    ("apps.openshift.io", "DeploymentConfig"),
    ("image.openshift.io", "ImageStream"),
];

/// Kubernetes keeps a warning to 256 characters; longer ones are cut by the API server.
const WARNING_CHARS: usize = 256;
/// At most this many warnings are sent (the API server caps their total size).
const MAX_WARNINGS: usize = 12;

/// The parts of an AdmissionReview the webhook reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Review {
    api_version: String,
    kind: String,
    request: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReviewRequest {
    uid: String,
    kind: GroupVersionKind,
    #[serde(default)]
    operation: String,
    #[serde(default)]
    object: Value,
}

#[derive(Debug, Deserialize)]
struct GroupVersionKind {
    #[serde(default)]
    group: String,
    kind: String,
}

/// The handler.
pub async fn handle(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    limits::within_deadline(&state, run(&state, headers, body)).await
}

async fn run(state: &AppState, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    limits::require_json(&headers)?;
    let bytes = limits::read_body(state, &headers, body).await?;
    let review: Review = limits::parse_json(&bytes, "AdmissionReview")?;
    drop(bytes);
    if review.api_version != "admission.k8s.io/v1" || review.kind != "AdmissionReview" {
        return Err(ApiError::bad_request(format!(
            "expected an admission.k8s.io/v1 AdmissionReview, got {} {}",
            crate::escape::text(&review.api_version),
            crate::escape::text(&review.kind)
        )));
    }
    let Some(request) = review.request else {
        return Err(ApiError::bad_request("the AdmissionReview has no `request`"));
    };
    let request: ReviewRequest = serde_json::from_value(request).map_err(|e| {
        ApiError::bad_request(format!(
            "the AdmissionReview's `request` is malformed: {}",
            crate::escape::text(&e.to_string())
        ))
    })?;
    let (group, kind) = (request.kind.group.as_str(), request.kind.kind.as_str());
    if !KINDS.contains(&(group, kind)) {
        let shown = if group.is_empty() { kind.to_owned() } else { format!("{kind}.{group}") };
        let known: Vec<String> =
            KINDS.iter().map(|(g, k)| if g.is_empty() { k.to_string() } else { format!("{k}.{g}") }).collect();
        return Err(ApiError::bad_request(format!(
            "entitle does not check {} objects; register the webhook only for {}",
            crate::escape::text(&shown),
            known.join(", ")
        )));
    }
    let uid = request.uid.clone();
    // Only what is created or changed is checked; a deletion or connection is allowed.
    if !matches!(request.operation.as_str(), "CREATE" | "UPDATE") {
        return Ok(answer(&uid, Decision::allow(Vec::new())));
    }
    if !request.object.is_object() {
        return Err(ApiError::bad_request("the AdmissionReview's `request.object` is not an object"));
    }
    let said = request.object.get("kind").and_then(Value::as_str).unwrap_or("");
    let api = request.object.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let said_group = api.rsplit_once('/').map_or("", |(g, _)| g);
    if (said_group, said) != (group, kind) {
        return Err(ApiError::bad_request(format!(
            "the object is `{}` `{}`, but the review is for {kind} in the API group `{group}`",
            crate::escape::text(api),
            crate::escape::text(said)
        )));
    }
    let text = serde_json::to_string_pretty(&request.object).expect("a JSON value serialises");
    let shared = state.clone();
    let (outcome, seconds) = limits::evaluate(state, move |checker| check(checker, &shared, text)).await?;
    let report = outcome?;
    state.inner.metrics.report(&report, seconds);
    Ok(answer(&uid, decide(&report, state)))
}

/// Checks the object as a one-file upload named `object.json`.
fn check(checker: &Checker, state: &AppState, text: String) -> Result<Report, ApiError> {
    let uploaded = Uploaded::write(&[Upload { name: "object.json".into(), content: text }])?;
    let (mut files, errors) = crate::discover(&[uploaded.root().join("object.json")]);
    uploaded.name_inputs(&mut files);
    let evaluation = &state.inner.evaluation;
    let context_file = state.inner.admission.context.clone();
    let options = CheckOptions {
        as_of: evaluation.as_of.unwrap_or_else(super::check_endpoint::today),
        warn_within_days: evaluation.warn_within_days,
        settings: evaluation.settings.clone(),
        context: context_file.as_ref().map_or(Value::Null, |f| f.document.value.clone()),
        context_file,
        jobs: 1,
        read: evaluation.read.clone(),
        verbosity: 0,
        progress: Default::default(),
    };
    let mut report = checker.check(&files, errors, &options);
    uploaded.relativise(&mut report);
    Ok(report)
}

/// The webhook's answer.
struct Decision {
    allowed: bool,
    message: Option<String>,
    warnings: Vec<String>,
}

impl Decision {
    fn allow(warnings: Vec<String>) -> Decision {
        Decision { allowed: true, message: None, warnings }
    }
}

/// Denies on findings at or above the threshold, or on a check error when the failure
/// policy is `fail`; every other finding is a warning.
fn decide(report: &Report, state: &AppState) -> Decision {
    let config = &state.inner.admission;
    let open: Vec<&Finding> = report.findings.iter().filter(|f| f.suppression.is_none()).collect();
    let denies = |f: &Finding| config.deny_on.is_some_and(|min| f.severity >= min);
    let mut warnings: Vec<String> = open.iter().filter(|f| !denies(f)).map(|f| cut(&describe(f))).collect();
    // An object the front-end found no workload in was not checked: never a silent allow.
    let modelled = report.inputs.iter().any(|i| i.workloads > 0);
    if !report.errors.is_empty() || !modelled {
        let mut why: Vec<String> = report.errors.iter().map(|e| e.message.clone()).collect();
        if !modelled && why.is_empty() {
            why.push("entitle found no workload in it (is its spec complete?)".into());
        }
        let why = crate::escape::text(&format!("entitle could not check this object: {}", why.join("; "))).into_owned();
        if config.failure_policy == FailurePolicy::Fail {
            return Decision { allowed: false, message: Some(why), warnings: capped(warnings) };
        }
        warnings.insert(0, cut(&format!("{why} (allowed: the webhook's failure policy is ignore)")));
    }
    let denied: Vec<String> = open.iter().filter(|f| denies(f)).map(|f| describe(f)).collect();
    if denied.is_empty() {
        return Decision::allow(capped(warnings));
    }
    let message = format!("entitle denied this object: {}", denied.join(" | "));
    Decision { allowed: false, message: Some(message), warnings: capped(warnings) }
}

/// `RULE (severity) at FIELD (POINTER): message; fix: FIX`.
fn describe(f: &Finding) -> String {
    let severity = format!("{:?}", f.severity).to_ascii_lowercase();
    let pointer = &f.location.pointer;
    let field = match (f.field.is_empty(), pointer.is_empty()) {
        (false, false) => format!("{} ({pointer})", f.field),
        (false, true) => f.field.clone(),
        (true, _) => pointer.clone(),
    };
    let mut text = format!("{} ({severity}) at {field}: {}", f.rule, f.message.trim_end_matches('.'));
    if let Some(fix) = &f.fix {
        text.push_str(&format!("; fix: {fix}"));
    }
    crate::escape::text(&text).into_owned()
}

fn cut(text: &str) -> String {
    if text.chars().count() <= WARNING_CHARS {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(WARNING_CHARS - 1).collect();
    out.push('…');
    out
}

fn capped(mut warnings: Vec<String>) -> Vec<String> {
    if warnings.len() > MAX_WARNINGS {
        let more = warnings.len() - (MAX_WARNINGS - 1);
        warnings.truncate(MAX_WARNINGS - 1);
        warnings.push(format!("and {more} more findings: run `entitle check` on the object for all of them"));
    }
    warnings
}

/// The AdmissionReview reply.
fn answer(uid: &str, decision: Decision) -> Response {
    let mut response = json!({"uid": uid, "allowed": decision.allowed});
    if let Some(message) = decision.message {
        response["status"] = json!({"code": 403, "reason": "Forbidden", "message": message});
    }
    if !decision.warnings.is_empty() {
        response["warnings"] = json!(decision.warnings);
    }
    let review = json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": response});
    (StatusCode::OK, axum::Json(review)).into_response()
}
