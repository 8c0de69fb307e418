//! `entitle serve`: a stateless check service and Kubernetes admission webhook. Policies
//! are compiled once at start-up (through the disk cache, as `check` does) into one
//! engine; each request is checked in fresh sandboxes on the blocking pool, bounded in
//! body size, time and concurrency. Several replicas can run behind one Service.

mod admission;
mod check_endpoint;
pub mod config;
mod error;
mod limits;
mod metrics;
mod state;
mod tls;
mod upload;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use admission::KINDS as ADMISSION_KINDS;
pub use config::{AdmissionConfig, Evaluation, FailurePolicy, Limits, ServeConfig, TlsFiles};
pub use error::{ApiError, ServeError};
use state::AppState;

use crate::{Checker, Runtime};

/// A bound, not yet serving, server.
pub struct Server {
    listener: std::net::TcpListener,
    config: ServeConfig,
    tls: Option<Arc<rustls::ServerConfig>>,
}

impl Server {
    /// Reads the TLS certificate and key, and binds the listening address (so the caller
    /// can print it before serving).
    pub fn bind(config: ServeConfig) -> Result<Server, ServeError> {
        let tls = config.tls.as_ref().map(tls::server_config).transpose()?;
        let listener = std::net::TcpListener::bind(config.listen).map_err(ServeError::Bind)?;
        listener.set_nonblocking(true).map_err(ServeError::Bind)?;
        Ok(Server { listener, config, tls })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> Result<SocketAddr, ServeError> {
        self.listener.local_addr().map_err(ServeError::Bind)
    }

    /// Whether it serves HTTPS.
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// Serves until SIGTERM or SIGINT, then finishes the requests in flight. Policies
    /// are compiled in the background: `/readyz` answers 503 until they are, and the
    /// server stops with [`ServeError::Load`] if they cannot be.
    pub fn run(self) -> Result<(), ServeError> {
        let Server { listener, config, tls } = self;
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(ServeError::Io)?;
        let state = AppState::new(config.limits, config.evaluation.clone(), config.admission.clone());
        runtime.block_on(async move {
            let (failed_send, failed) = tokio::sync::oneshot::channel::<Vec<crate::Error>>();
            let loading = state.clone();
            let (options, builtin, policies, catalog) =
                (config.runtime, config.builtin, config.policies, config.catalog);
            tokio::task::spawn_blocking(move || match load(options, builtin, &policies, catalog) {
                Ok(checker) => {
                    let _ = loading.inner.checker.set(Arc::new(checker));
                }
                Err(errors) => {
                    let _ = failed_send.send(errors);
                }
            });
            let load_failed = Arc::new(std::sync::Mutex::new(None));
            let recorded = Arc::clone(&load_failed);
            let shutdown = async move {
                tokio::select! {
                    () = terminated() => {}
                    Ok(errors) = failed => { *recorded.lock().expect("not poisoned") = Some(errors); }
                }
            };
            let app = router(state);
            let tcp = tokio::net::TcpListener::from_std(listener).map_err(ServeError::Io)?;
            match tls {
                Some(tls) => {
                    let listener = tls::TlsListener::new(tcp, tls).map_err(ServeError::Io)?;
                    axum::serve(listener, app).with_graceful_shutdown(shutdown).await.map_err(ServeError::Io)?;
                }
                None => axum::serve(tcp, app).with_graceful_shutdown(shutdown).await.map_err(ServeError::Io)?,
            }
            match load_failed.lock().expect("not poisoned").take() {
                Some(errors) => Err(ServeError::Load(errors)),
                None => Ok(()),
            }
        })
    }
}

/// Compiles the policies into one engine (fail closed: any load error stops the server).
fn load(
    options: crate::RuntimeOptions,
    builtin: bool,
    policies: &[std::path::PathBuf],
    catalog: crate::LoadedCatalog,
) -> Result<Checker, Vec<crate::Error>> {
    let runtime = Runtime::new(options).map_err(|e| vec![e])?;
    let (policies, errors) = crate::load_policies_for(&runtime, builtin, policies, &catalog);
    if !errors.is_empty() {
        return Err(errors);
    }
    if policies.is_empty() {
        let none = crate::ErrorKind::Config("no policy is loaded, so nothing can be checked".into());
        return Err(vec![crate::Error::new(crate::Phase::Load, none)]);
    }
    Ok(Checker { runtime, policies, catalog })
}

/// The routes, with request metrics around them.
fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/check", post(check_endpoint::handle))
        .route("/v1/admission", post(admission::handle))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), count))
        .with_state(state)
}

async fn ready(State(state): State<AppState>) -> Response {
    match state.inner.checker.get() {
        Some(_) => (StatusCode::OK, "ready\n").into_response(),
        None => (StatusCode::SERVICE_UNAVAILABLE, "policies are still being loaded\n").into_response(),
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    let content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    ([(axum::http::header::CONTENT_TYPE, content_type)], state.inner.metrics.encode()).into_response()
}

async fn not_found(request: Request) -> ApiError {
    let path = crate::escape::text(request.uri().path()).chars().take(200).collect::<String>();
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no endpoint {path}: use POST /v1/check, POST /v1/admission, GET /healthz, /readyz or /metrics"),
    )
}

/// Counts each request by endpoint (unknown paths as `other`, so labels stay few) and status.
async fn count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let endpoint = match request.uri().path() {
        p @ ("/v1/check" | "/v1/admission" | "/healthz" | "/readyz" | "/metrics") => p.to_owned(),
        _ => "other".to_owned(),
    };
    let started = Instant::now();
    let response = next.run(request).await;
    state.inner.metrics.request(&endpoint, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

/// SIGTERM (Kubernetes stopping the pod) or SIGINT (Ctrl-C).
async fn terminated() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = term => {}
    }
}
