//! `POST /v1/check`: the files of one request checked as `entitle check` checks a
//! directory holding them — the same discovery, reading, policies, gate and report
//! writers — and the report returned (JSON, or SARIF on `Accept: application/sarif+json`)
//! with the exit code the command would give in the `Entitle-Exit-Code` header.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use entitle_sdk::{Date, Severity};
use serde::Deserialize;
use serde_json::Value;

use super::error::ApiError;
use super::limits;
use super::state::AppState;
use super::upload::{Upload, Uploaded};
use crate::gate::GateOptions;
use crate::project_root::{CONFIG_FILE, WAIVERS_FILE};
use crate::{CheckOptions, Checker, FailOn, Report};

/// The platforms `--platform` takes.
const PLATFORMS: [&str; 5] = ["openshift", "aks", "eks", "gke", "kubernetes"];

/// A `/v1/check` request: the files and the options of `entitle check`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The uploaded files (at least one).
    pub files: Vec<Upload>,
    /// The uploaded names to check (default: all of them, as `entitle check .`).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Evaluation date, YYYY-MM-DD.
    pub as_of: Option<String>,
    /// `error` (default), `warning`, `info` or `never`.
    pub fail_on: Option<String>,
    /// The "expiring soon" horizon in days.
    pub warn_within: Option<u32>,
    /// An uploaded organisation context file (default: the server's `--context`).
    pub context: Option<String>,
    /// Policy settings keyed by policy id (default: the server's `--settings`).
    pub settings: Option<BTreeMap<String, Value>>,
    /// An uploaded rule-override file (default: `entitle.toml` when uploaded).
    pub config: Option<String>,
    /// An uploaded waiver file (default: `.entitle-waivers.toml` when uploaded).
    pub waivers: Option<String>,
    /// An uploaded parameters file (ARM or CloudFormation).
    pub params: Option<String>,
    /// The cluster Kubernetes manifests run on.
    pub platform: Option<String>,
    /// The region for region-keyed choices.
    pub region: Option<String>,
    /// Report only these rules.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Leave these rules out.
    #[serde(default)]
    pub skip_rules: Vec<String>,
}

/// The reply's format.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reply {
    Json,
    Sarif,
}

/// The handler.
pub async fn handle(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    limits::within_deadline(&state, run(&state, headers, body)).await
}

async fn run(state: &AppState, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    let reply = reply_format(&headers)?;
    limits::require_json(&headers)?;
    let bytes = limits::read_body(state, &headers, body).await?;
    let request: CheckRequest = limits::parse_json(&bytes, "check request")?;
    drop(bytes);
    if request.files.is_empty() {
        return Err(ApiError::bad_request("`files` is empty: upload at least one descriptor"));
    }
    let max_files = state.inner.limits.max_files;
    if request.files.len() > max_files {
        return Err(ApiError::bad_request(format!("{} files uploaded; the limit is {max_files}", request.files.len())));
    }
    let fail_on = fail_on(request.fail_on.as_deref())?;
    let shared = state.clone();
    let (outcome, seconds) = limits::evaluate(state, move |checker| {
        let report = check(checker, &shared, &request)?;
        let code = report.exit_code(fail_on);
        Ok::<_, ApiError>((report, code))
    })
    .await?;
    let (report, exit_code) = outcome?;
    state.inner.metrics.report(&report, seconds);
    let (text, content_type) = match reply {
        Reply::Json => (report.to_json(), "application/json"),
        Reply::Sarif => (crate::report::render_sarif(&report), "application/sarif+json"),
    };
    let mut response = (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], text).into_response();
    response.headers_mut().insert("entitle-exit-code", HeaderValue::from(u16::from(exit_code)));
    Ok(response)
}

/// Writes the uploads, checks them, applies the gate and names files as uploaded.
fn check(checker: &Checker, state: &AppState, request: &CheckRequest) -> Result<Report, ApiError> {
    let evaluation = &state.inner.evaluation;
    let uploaded = Uploaded::write(&request.files)?;
    let paths = match request.paths.is_empty() {
        true => vec![uploaded.root().to_path_buf()],
        false => request.paths.iter().map(|p| uploaded.path_of(p)).collect::<Result<_, _>>()?,
    };
    let as_of = match &request.as_of {
        Some(text) => Date::parse(text).map_err(|e| ApiError::bad_request(format!("`as_of`: {e}")))?,
        None => evaluation.as_of.unwrap_or_else(today),
    };
    let mut read = evaluation.read.clone();
    if let Some(platform) = &request.platform {
        if !PLATFORMS.contains(&platform.as_str()) {
            let known = PLATFORMS.join(", ");
            return Err(ApiError::bad_request(format!("`platform` must be one of {known}")));
        }
        read.platform = Some(platform.clone());
    }
    if let Some(region) = &request.region {
        read.region = Some(region.clone());
    }
    if let Some(params) = &request.params {
        read.params = Some(uploaded.path_of(params)?);
    }
    let (mut files, mut errors) = crate::discover(&paths);
    uploaded.name_inputs(&mut files);
    let context_file = match &request.context {
        Some(name) => crate::context::read_file(&uploaded.path_of(name)?).map_err(|e| errors.push(e)).ok(),
        None => state.inner.admission.context.clone(),
    };
    let context = context_file.as_ref().map_or(Value::Null, |f| f.document.value.clone());
    let options = CheckOptions {
        as_of,
        warn_within_days: request.warn_within.unwrap_or(evaluation.warn_within_days),
        settings: request.settings.clone().unwrap_or_else(|| evaluation.settings.clone()),
        context,
        context_file,
        jobs: 1,
        read,
        verbosity: 0,
        progress: Default::default(),
    };
    let mut report = checker.check(&files, errors, &options);
    uploaded.relativise(&mut report);
    let at_root = |name: &str| uploaded.root().join(name).is_file().then(|| uploaded.root().join(name));
    let (config, config_found) = match &request.config {
        Some(name) => (Some(uploaded.path_of(name)?), "--config"),
        None => (at_root(CONFIG_FILE), "project root"),
    };
    let waivers = match &request.waivers {
        Some(name) => Some(uploaded.path_of(name)?),
        None => at_root(WAIVERS_FILE),
    };
    let gate = GateOptions { config, config_found, waivers, baseline: None };
    crate::gate::apply(&mut report, &gate);
    report.select_rules(&request.rules, &request.skip_rules).map_err(|e| ApiError::bad_request(e.to_string()))?;
    uploaded.relativise(&mut report);
    Ok(report)
}

/// JSON unless the client asks for SARIF; 406 when it accepts neither.
fn reply_format(headers: &HeaderMap) -> Result<Reply, ApiError> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("*/*").to_ascii_lowercase();
    let types: Vec<&str> = accept.split(',').map(|t| t.split(';').next().unwrap_or("").trim()).collect();
    if types.contains(&"application/sarif+json") {
        return Ok(Reply::Sarif);
    }
    if types.iter().any(|t| matches!(*t, "application/json" | "application/*" | "*/*" | "")) {
        return Ok(Reply::Json);
    }
    Err(ApiError::new(
        StatusCode::NOT_ACCEPTABLE,
        "the reply is application/json or application/sarif+json; the request's Accept header allows neither",
    ))
}

/// `fail_on` as `--fail-on` reads it.
fn fail_on(text: Option<&str>) -> Result<FailOn, ApiError> {
    Ok(match text.unwrap_or("error") {
        "error" => FailOn::Severity(Severity::Error),
        "warning" => FailOn::Severity(Severity::Warning),
        "info" => FailOn::Severity(Severity::Info),
        "never" => FailOn::Never,
        other => {
            let other = crate::escape::text(other).into_owned();
            return Err(ApiError::bad_request(format!("`fail_on` is `{other}`; use error, warning, info or never")));
        }
    })
}

/// Today in UTC.
pub(crate) fn today() -> Date {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    Date::from_days_since_epoch((secs / 86_400) as i64)
}
