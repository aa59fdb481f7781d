//! Answer shapes shared by every handler: each flavour's error body, the WhatsMark
//! envelope, and reading a JSON body without ever panicking or waiting forever.

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::state::now_rfc3339;

/// Largest request body the sandbox reads, as a typical API gateway allows.
pub const MAX_BODY: usize = 1024 * 1024;

/// Which API's shapes to answer in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// `{ "error": "..." }`.
    Wipsy,
    /// `{ success: false, error: {code, message, details}, meta }`.
    Whatsmark,
    /// `{ "error": "..." }`, as Chatwoot's controllers answer.
    Chatwoot,
}

impl Flavour {
    /// The flavour that serves a path, by its prefix.
    #[must_use]
    pub fn of_path(path: &str) -> Self {
        if path.starts_with("/wipsy") {
            Self::Wipsy
        } else if path.starts_with("/chatwoot") {
            Self::Chatwoot
        } else {
            Self::Whatsmark
        }
    }
}

/// WhatsMark's `meta` object.
#[must_use]
pub fn meta() -> Value {
    json!({
        "request_id": uuid::Uuid::new_v4().to_string(),
        "timestamp": now_rfc3339(),
    })
}

/// An error in the flavour's shape. Wipsy ignores `code`; `details` goes beside
/// `error` for Wipsy (its quota answer carries free-text details).
#[must_use]
pub fn error_response(
    flavour: Flavour,
    status: StatusCode,
    code: &str,
    message: &str,
    details: Option<Value>,
) -> Response {
    let body = match flavour {
        Flavour::Chatwoot => json!({ "error": message }),
        Flavour::Wipsy => {
            let mut b = json!({ "error": message });
            if let Some(d) = details {
                b["details"] = d;
            }
            b
        }
        Flavour::Whatsmark => {
            let mut err = json!({ "code": code, "message": message });
            if let Some(d) = details {
                err["details"] = d;
            }
            json!({ "success": false, "error": err, "meta": meta() })
        }
    };
    json_response(status, &body)
}

/// A JSON answer with the right content type.
#[must_use]
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    resp
}

/// Reads a request body as a JSON object, answering in the flavour's error shape when
/// it is too large, not JSON, or not an object.
pub async fn read_json_object(
    body: Body,
    flavour: Flavour,
) -> Result<serde_json::Map<String, Value>, Response> {
    let bytes = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        error_response(
            flavour,
            StatusCode::PAYLOAD_TOO_LARGE,
            "INVALID_REQUEST",
            "Request body too large (the limit is 1 MiB).",
            None,
        )
    })?;
    let bad = |msg: String| {
        // Rails answers a body it cannot parse with 400 (ActionDispatch::ParseError).
        let status = match flavour {
            Flavour::Wipsy | Flavour::Chatwoot => StatusCode::BAD_REQUEST,
            Flavour::Whatsmark => StatusCode::UNPROCESSABLE_ENTITY,
        };
        error_response(flavour, status, "INVALID_REQUEST", &msg, None)
    };
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| bad(format!("Invalid JSON in request body: {e}")))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(bad("The request body must be a JSON object.".to_owned())),
    }
}

/// Answer for paths the sandbox does not serve.
#[must_use]
pub fn not_found(flavour: Flavour) -> Response {
    error_response(
        flavour,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "The requested endpoint does not exist.",
        None,
    )
}

/// Answer for a known path with the wrong method.
#[must_use]
pub fn method_not_allowed(flavour: Flavour) -> Response {
    error_response(
        flavour,
        StatusCode::METHOD_NOT_ALLOWED,
        "INVALID_REQUEST",
        "Method not allowed for this endpoint.",
        None,
    )
}
