//! The bounds on one request: its body (413 past the limit, read as it streams in, never
//! buffered whole), the content type, the evaluation slots (a bounded queue when all are
//! taken, 503 with `Retry-After` when it is full too) and the deadline (504). Evaluations are CPU-bound and synchronous, so
//! they run on the blocking pool, each holding its slot until it really ends.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};

use super::error::ApiError;
use super::state::AppState;
use crate::Checker;

/// Seconds a client is told to wait when the server is busy or still loading.
const RETRY_AFTER_SECS: u32 = 1;

/// Refuses a body that is not JSON (`application/json`, or `+json` types such as the
/// API server's), with 415.
pub fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = given.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json")) {
        return Ok(());
    }
    let shown = if given.is_empty() { "none".to_owned() } else { crate::escape::text(given).into_owned() };
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!("the body must be JSON (Content-Type: application/json); the request's content type is {shown}"),
    ))
}

/// Reads the body up to the configured limit: a `Content-Length` past it is refused
/// before reading anything, a streamed body as soon as it passes it.
pub async fn read_body(state: &AppState, headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let limit = state.inner.limits.max_body;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than the limit of {limit} bytes"),
        )
    };
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok(bytes),
        Err(e) => {
            let inner = e.into_inner();
            if inner.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                Err(too_large())
            } else {
                Err(ApiError::bad_request(format!("the request body could not be read: {inner}")))
            }
        }
    }
}

/// Parses a JSON body into `T`, saying where it is malformed.
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        let why = crate::escape::text(&e.to_string()).into_owned();
        ApiError::bad_request(format!("the body is not a valid {what}: {why}"))
    })
}

/// Runs `job` with the checker on the blocking pool, when a slot is free; returns its
/// result and the seconds it took. The caller bounds the whole request's time.
pub async fn evaluate<T, F>(state: &AppState, job: F) -> Result<(T, f64), ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Checker) -> T + Send + 'static,
{
    let inner = &state.inner;
    let Some(checker) = inner.checker.get().map(Arc::clone) else {
        let mut e = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "policies are still being loaded; retry shortly");
        e.retry_after = Some(RETRY_AFTER_SECS);
        return Err(e);
    };
    let permit = match Arc::clone(&inner.slots).try_acquire_owned() {
        Ok(permit) => permit,
        Err(_) => {
            // Every slot is taken: wait in a bounded queue (the caller's deadline bounds
            // the wait), or refuse at once when the queue is full.
            let queued = Queued::enter(&inner.queued, inner.limits.max_queued, inner.metrics.queued());
            let Some(_queued) = queued else {
                inner.metrics.busy();
                let message = format!(
                    "busy: all {} evaluation slots are in use and {} requests are waiting; retry after {RETRY_AFTER_SECS}s",
                    inner.limits.max_concurrent, inner.limits.max_queued
                );
                let mut e = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message);
                e.retry_after = Some(RETRY_AFTER_SECS);
                return Err(e);
            };
            Arc::clone(&inner.slots)
                .acquire_owned()
                .await
                .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping"))?
        }
    };
    let shared = state.clone();
    let task = tokio::task::spawn_blocking(move || {
        let metrics = &shared.inner.metrics;
        metrics.in_flight().inc();
        let started = Instant::now();
        let out = job(&checker);
        metrics.in_flight().dec();
        drop(permit);
        (out, started.elapsed().as_secs_f64())
    });
    match task.await {
        Ok(done) => Ok(done),
        Err(e) => {
            Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("the check failed inside entitle: {e}")))
        }
    }
}

/// A place in the queue of requests waiting for a slot, given back when dropped (the
/// request got its slot, or gave up at its deadline).
struct Queued<'a>(&'a AtomicUsize, &'a prometheus_client::metrics::gauge::Gauge);

impl<'a> Queued<'a> {
    /// A place, unless `max` requests are already waiting.
    fn enter(
        count: &'a AtomicUsize,
        max: usize,
        gauge: &'a prometheus_client::metrics::gauge::Gauge,
    ) -> Option<Queued<'a>> {
        count.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < max).then_some(n + 1)).ok()?;
        gauge.inc();
        Some(Queued(count, gauge))
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
        self.1.dec();
    }
}

/// Runs a request's handler within the server's request limit: its response, its error as a response, or a 504
/// naming the limit when the deadline passes first.
pub async fn within_deadline(
    state: &AppState,
    handler: impl std::future::Future<Output = Result<axum::response::Response, ApiError>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let deadline = state.inner.limits.request_timeout;
    match tokio::time::timeout(deadline, handler).await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => e.into_response(),
        Err(_) => ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            format!("the check took longer than the request limit of {}", humantime::format_duration(deadline)),
        )
        .into_response(),
    }
}
