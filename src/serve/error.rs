//! Every failure of a request as a JSON body with a stable code: bad input
//! is never a 500.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// `{"error": {"code", "message", "diagnostics"?}}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// stable: `zhice::serve::not-found`, `zhice::serve::too-large`, …
    pub code: String,
    /// for people; may be reworded
    pub message: String,
    /// for a policy that failed to check: its problems, as `zhice check --error-format plain` shows them
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<String>,
}

/// A failure of a request: its status, a stable code, and its words, worded
/// when the answer is written (in the request's language).
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: crate::lang::Words,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<crate::lang::Words>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<crate::lang::Words>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "zhice::serve::not-found", message)
    }

    pub fn bad_request(message: impl Into<crate::lang::Words>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "zhice::serve::bad-request", message)
    }

    pub fn too_large(message: impl Into<crate::lang::Words>) -> Self {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "zhice::serve::too-large", message)
    }

    pub fn timeout(message: impl Into<crate::lang::Words>) -> Self {
        ApiError::new(StatusCode::REQUEST_TIMEOUT, "zhice::serve::timeout", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message.text(),
                diagnostics: None,
            },
        };
        (self.status, axum::Json(body)).into_response()
    }
}
