//! Errors as the canonical API writes them: `{"detail": "..."}`, or for 422 a
//! FastAPI-style list `{"detail": [{"loc", "msg", "type"}]}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug)]
pub enum AppError {
    BadRequest(String),
    Unauthorized(String),
    Forbidden(String),
    NotFound(String),
    Conflict(String),
    /// 413: the body is over the server's limit.
    TooLarge(String),
    Validation(Vec<FieldError>),
    TooManyRequests {
        detail: String,
        retry_after_secs: u64,
    },
    Unavailable(String),
    /// 503 with `Retry-After`: the server sheds load rather than queue it.
    Overloaded {
        detail: String,
        retry_after_secs: u64,
    },
    Internal(anyhow::Error),
}

#[derive(Debug, Clone)]
pub struct FieldError {
    pub loc: Vec<String>,
    pub msg: String,
    pub kind: String,
}

impl FieldError {
    pub fn body(field: &str, msg: impl Into<String>) -> Self {
        FieldError {
            loc: vec!["body".into(), field.into()],
            msg: msg.into(),
            kind: "value_error".into(),
        }
    }

    pub fn query(field: &str, msg: impl Into<String>) -> Self {
        FieldError {
            loc: vec!["query".into(), field.into()],
            msg: msg.into(),
            kind: "value_error".into(),
        }
    }
}

pub type ApiResult<T> = Result<T, AppError>;

impl AppError {
    pub fn validation(field: &str, msg: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::body(field, msg)])
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        AppError::Internal(err)
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(err: rusqlite::Error) -> Self {
        AppError::Internal(err.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let detail = |status: StatusCode, text: String| (status, Json(json!({ "detail": text })));
        match self {
            AppError::BadRequest(m) => detail(StatusCode::BAD_REQUEST, m).into_response(),
            AppError::Unauthorized(m) => {
                let mut r = detail(StatusCode::UNAUTHORIZED, m).into_response();
                r.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                r
            }
            AppError::Forbidden(m) => detail(StatusCode::FORBIDDEN, m).into_response(),
            AppError::NotFound(m) => detail(StatusCode::NOT_FOUND, m).into_response(),
            AppError::Conflict(m) => detail(StatusCode::CONFLICT, m).into_response(),
            AppError::TooLarge(m) => detail(StatusCode::PAYLOAD_TOO_LARGE, m).into_response(),
            AppError::Unavailable(m) => detail(StatusCode::SERVICE_UNAVAILABLE, m).into_response(),
            AppError::Validation(errors) => {
                let list: Vec<_> = errors
                    .into_iter()
                    .map(|e| json!({ "loc": e.loc, "msg": e.msg, "type": e.kind }))
                    .collect();
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Json(json!({ "detail": list })),
                )
                    .into_response()
            }
            AppError::TooManyRequests {
                detail: text,
                retry_after_secs,
            } => with_retry_after(
                detail(StatusCode::TOO_MANY_REQUESTS, text).into_response(),
                retry_after_secs,
            ),
            AppError::Overloaded {
                detail: text,
                retry_after_secs,
            } => with_retry_after(
                detail(StatusCode::SERVICE_UNAVAILABLE, text).into_response(),
                retry_after_secs,
            ),
            AppError::Internal(err) => {
                tracing::error!(error = format!("{err:#}"), "internal error");
                detail(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal server error".into(),
                )
                .into_response()
            }
        }
    }
}

fn with_retry_after(mut response: Response, secs: u64) -> Response {
    if let Ok(v) = HeaderValue::try_from(secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}
