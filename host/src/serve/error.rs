//! The errors of `entitle serve`: why the server could not start (typed, for the
//! binary to print), and the JSON error reply of a request it refuses.

use std::fmt;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Why the server could not start or stopped.
#[derive(Debug)]
pub enum ServeError {
    /// The listening address could not be bound.
    Bind(std::io::Error),
    /// The TLS certificate or key could not be read or used.
    Tls(String),
    /// The async runtime could not be built or the server failed.
    Io(std::io::Error),
    /// Policies or the catalog could not be loaded (each error is listed).
    Load(Vec<crate::Error>),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Bind(e) => write!(f, "cannot listen: {e}"),
            ServeError::Tls(why) => write!(f, "TLS: {why}"),
            ServeError::Io(e) => write!(f, "server failed: {e}"),
            ServeError::Load(errors) => {
                write!(f, "policies could not be loaded, so nothing can be checked")?;
                for e in errors {
                    write!(f, "; {e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ServeError {}

/// A refused request: its status and a message saying why, sent as
/// `{"error": {"status": N, "message": "..."}}`.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What was wrong, for the client.
    pub message: String,
    /// Seconds after which to retry (sent as `Retry-After`).
    pub retry_after: Option<u32>,
}

impl ApiError {
    /// A refusal with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into(), retry_after: None }
    }

    /// 400 Bad Request.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": {"status": self.status.as_u16(), "message": self.message}});
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
