//! Fault injection, chosen per path, so tests can watch a client meet a bad network.
//!
//! Rules are added with `POST /_sandbox/faults` (or [`super::SandboxHandle::add_fault`])
//! and consumed in order: the first rule whose method and path match a request fires,
//! and a rule with `times` fires that many times, then disappears.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::App;
use super::errors::{Flavour, error_response, json_response};

/// What a fault does.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultKind {
    /// Wait `ms` milliseconds, then answer normally (or, with `after`, answer late).
    Delay {
        /// Milliseconds to wait.
        ms: u64,
    },
    /// Answer 500 in the flavour's error shape.
    Status500,
    /// Close the TCP connection without an answer.
    Drop,
    /// Answer with a JSON content type and a truncated, undecodable body.
    MalformedJson,
    /// Answer 502 with an HTML page, as a proxy in front of a broken server does.
    Html,
    /// Answer 307 to another origin (by default the same sandbox under `localhost`,
    /// so the request log shows whether credentials followed).
    Redirect {
        /// Where to send the client; absent means the same path on the other host name.
        #[serde(default)]
        location: Option<String>,
    },
    /// Answer with this status and JSON body, as a server that says something odd
    /// (a message with escape sequences, a shape of its own) would.
    Answer {
        /// The HTTP status.
        status: u16,
        /// The JSON body.
        body: serde_json::Value,
    },
}

/// One fault rule. (`deny_unknown_fields` cannot be combined with the flattened kind.)
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct FaultRule {
    /// Path to match, such as `/whatsmark/api/v2/contacts`; a trailing `*` matches a prefix.
    pub path: String,
    /// Method to match; absent matches any.
    #[serde(default)]
    pub method: Option<String>,
    /// What happens.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Run the real handler first (the contact is stored), then misbehave.
    #[serde(default)]
    pub after: bool,
    /// How many requests it fires for; absent is every request until cleared.
    #[serde(default)]
    pub times: Option<u32>,
}

impl FaultRule {
    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method));
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.path,
        };
        method_ok && path_ok
    }
}

/// Lets a handler close its own connection without answering.
#[derive(Debug, Clone)]
pub struct ConnKill(pub CancellationToken);

/// Takes the first matching rule, counting down its `times`.
fn take_rule(app: &App, method: &str, path: &str) -> Option<FaultRule> {
    let mut world = app.state.lock();
    let idx = world.faults.iter().position(|r| r.matches(method, path))?;
    let rule = world.faults[idx].clone();
    if let Some(times) = world.faults[idx].times.as_mut() {
        *times = times.saturating_sub(1);
        if *times == 0 {
            world.faults.remove(idx);
        }
    }
    Some(rule)
}

/// Middleware: applies the first matching fault rule, if any.
pub async fn inject(State(app): State<App>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let Some(rule) = take_rule(&app, req.method().as_str(), &path) else {
        return next.run(req).await;
    };
    let flavour = Flavour::of_path(&path);
    let kill = req.extensions().get::<ConnKill>().cloned();
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), ToString::to_string);
    let earlier = if rule.after {
        Some(next.run(req).await)
    } else if let FaultKind::Delay { ms } = rule.kind {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        return next.run(req).await;
    } else {
        None
    };
    match rule.kind {
        FaultKind::Delay { ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            earlier.unwrap_or_else(|| StatusCode::NO_CONTENT.into_response())
        }
        FaultKind::Status500 => error_response(
            flavour,
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "Internal server error (injected fault)",
            None,
        ),
        FaultKind::Drop => {
            if let Some(kill) = kill {
                kill.0.cancel();
            }
            std::future::pending::<Response>().await
        }
        FaultKind::MalformedJson => {
            let status = earlier.map_or(StatusCode::OK, |r| r.status());
            let mut resp = (status, "{\"success\": true, \"data\": {\"id\": ").into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            resp
        }
        FaultKind::Html => {
            let mut resp = (StatusCode::BAD_GATEWAY, HTML_502).into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            resp
        }
        FaultKind::Answer { status, body } => json_response(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &body,
        ),
        FaultKind::Redirect { location } => {
            let target = location.unwrap_or_else(|| other_origin(&host, &path_and_query));
            let mut resp = StatusCode::TEMPORARY_REDIRECT.into_response();
            if let Ok(v) = HeaderValue::from_str(&target) {
                resp.headers_mut().insert(header::LOCATION, v);
            }
            resp
        }
    }
}

/// The same sandbox under its other host name: `127.0.0.1` and `localhost` are
/// different origins to a client, but both reach this server.
fn other_origin(host: &str, path_and_query: &str) -> String {
    let port = host.rsplit_once(':').map_or("80", |(_, p)| p);
    let other = if host.starts_with("localhost") {
        "127.0.0.1"
    } else {
        "localhost"
    };
    format!("http://{other}:{port}{path_and_query}")
}

const HTML_502: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_by_method_and_path_or_prefix() {
        let rule: FaultRule =
            serde_json::from_str(r#"{"path":"/wipsy/*","method":"post","kind":"drop"}"#).unwrap();
        assert!(rule.matches("POST", "/wipsy/api-create-contact"));
        assert!(!rule.matches("GET", "/wipsy/api-create-contact"));
        assert!(!rule.matches("POST", "/whatsmark/api/v2/contacts"));
        let exact: FaultRule =
            serde_json::from_str(r#"{"path":"/a","kind":"delay","ms":5,"times":2}"#).unwrap();
        assert!(exact.matches("GET", "/a"));
        assert!(!exact.matches("GET", "/ab"));
        assert_eq!(exact.kind, FaultKind::Delay { ms: 5 });
    }

    #[test]
    fn other_origin_swaps_host_names_and_keeps_the_port() {
        assert_eq!(
            other_origin("127.0.0.1:4000", "/x?y=1"),
            "http://localhost:4000/x?y=1"
        );
        assert_eq!(
            other_origin("localhost:4000", "/x"),
            "http://127.0.0.1:4000/x"
        );
    }
}
