//! `/_sandbox/...`: the control surface for tests and curious users.
//!
//! - `GET /_sandbox/tenants`: the seeded tenants with base URLs and keys
//! - `GET /_sandbox/state`: every tenant and stored contact
//! - `GET|DELETE /_sandbox/requests`: the request log (credentials never recorded)
//! - `GET|POST|DELETE /_sandbox/faults`: fault rules (see [`super::faults`])
//! - `PATCH /_sandbox/{flavour}/{tenant}`: change `rate_limit_per_minute` (null = unlimited),
//!   `contact_limit` (WhatsMark) or `monthly_quota` (Wipsy)
//! - `GET|POST /_sandbox/clock`: the sandbox's clock; `{"advance_secs": N}` moves it (a
//!   test ends a rate window or a quota month without waiting for it)

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, patch};
use serde::Deserialize;
use serde_json::{Value, json};

use super::errors::{Flavour, error_response, json_response};
use super::{App, FaultRule, TenantLine};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/_sandbox/tenants", get(tenants))
        .route("/_sandbox/state", get(state))
        .route("/_sandbox/requests", get(requests).delete(clear_requests))
        .route(
            "/_sandbox/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/_sandbox/{flavour}/{tenant}", patch(patch_tenant))
        .route("/_sandbox/clock", get(clock).post(move_clock))
}

/// Every seeded tenant, as `rolo sandbox` prints them.
pub fn tenant_lines(app: &App, origin: &str) -> Vec<TenantLine> {
    let world = app.state.lock();
    let wipsy = world.wipsy.iter().map(|t| TenantLine {
        flavour: "wipsy",
        name: t.name.clone(),
        base_url: format!("{origin}/wipsy"),
        key: t.api_key.clone(),
        account_id: None,
    });
    let whatsmark = world.whatsmark.iter().map(|t| TenantLine {
        flavour: "whatsmark",
        name: t.name.clone(),
        base_url: format!("{origin}/whatsmark/api/v2"),
        key: t
            .tokens
            .first()
            .map(|k| k.token.clone())
            .unwrap_or_default(),
        account_id: None,
    });
    let chatwoot = world.chatwoot.accounts.iter().map(|a| TenantLine {
        flavour: "chatwoot",
        name: a.name.clone(),
        base_url: format!("{origin}/chatwoot/api/v1"),
        key: super::chatwoot::member_token(&world.chatwoot, a.id).unwrap_or_default(),
        account_id: Some(a.id),
    });
    wipsy.chain(whatsmark).chain(chatwoot).collect()
}

fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

async fn tenants(State(app): State<App>, headers: HeaderMap) -> Response {
    let lines = tenant_lines(&app, &origin(&headers));
    json_response(StatusCode::OK, &json!(lines))
}

async fn state(State(app): State<App>) -> Response {
    json_response(StatusCode::OK, &app.state.snapshot())
}

async fn requests(State(app): State<App>) -> Response {
    let log: Vec<_> = app.state.lock().requests.iter().cloned().collect();
    json_response(StatusCode::OK, &json!(log))
}

async fn clear_requests(State(app): State<App>) -> Response {
    app.state.lock().requests.clear();
    json_response(StatusCode::OK, &json!({ "cleared": true }))
}

async fn list_faults(State(app): State<App>) -> Response {
    let faults = app.state.lock().faults.clone();
    json_response(StatusCode::OK, &json!(faults))
}

fn bad(message: &str) -> Response {
    error_response(
        Flavour::Whatsmark,
        StatusCode::BAD_REQUEST,
        "INVALID_REQUEST",
        message,
        None,
    )
}

async fn read<T: for<'de> Deserialize<'de>>(body: Body) -> Result<T, Response> {
    let bytes = axum::body::to_bytes(body, super::errors::MAX_BODY)
        .await
        .map_err(|e| bad(&e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| bad(&e.to_string()))
}

async fn add_fault(State(app): State<App>, body: Body) -> Response {
    match read::<FaultRule>(body).await {
        Ok(rule) => {
            app.state.lock().faults.push(rule.clone());
            json_response(StatusCode::CREATED, &json!(rule))
        }
        Err(resp) => resp,
    }
}

async fn clear_faults(State(app): State<App>) -> Response {
    app.state.lock().faults.clear();
    json_response(StatusCode::OK, &json!({ "cleared": true }))
}

/// The sandbox's clock and how far it runs from the wall clock.
fn clock_json(world: &super::state::World) -> Value {
    json!({ "now": world.now_rfc3339(), "ahead_secs": world.clock_ahead })
}

async fn clock(State(app): State<App>) -> Response {
    json_response(StatusCode::OK, &clock_json(&app.state.lock()))
}

/// A move of the sandbox's clock: seconds, forward (or back, when negative).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockMove {
    advance_secs: i64,
}

async fn move_clock(State(app): State<App>, body: Body) -> Response {
    let m = match read::<ClockMove>(body).await {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    let mut world = app.state.lock();
    if let Err(e) = world.move_clock(m.advance_secs) {
        return bad(&e);
    }
    let now = clock_json(&world);
    drop(world);
    json_response(StatusCode::OK, &now)
}

/// Limits a test may change on a running sandbox.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(clippy::option_option)] // absent = keep, null = unlimited, n = n
struct TenantPatch {
    #[serde(default, with = "double_option")]
    rate_limit_per_minute: Option<Option<u32>>,
    #[serde(default)]
    contact_limit: Option<i64>,
    #[serde(default)]
    rate_window_secs: Option<u32>,
    #[serde(default)]
    monthly_quota: Option<u32>,
    /// Both flavours: store contacts whose phone (or email, WhatsApp id) is taken.
    #[serde(default)]
    allow_duplicates: Option<bool>,
    /// WhatsMark: the tenant table's `type` enum lacks `guest` (newer builds), so a guest
    /// create fails at INSERT with the documented 500.
    #[serde(default)]
    type_enum_without_guest: Option<bool>,
}

/// Tells "absent" from "null" for a field where null means unlimited.
mod double_option {
    use serde::{Deserialize, Deserializer};

    #[allow(clippy::option_option)]
    pub fn deserialize<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(de).map(Some)
    }
}

async fn patch_tenant(
    State(app): State<App>,
    Path((flavour, tenant)): Path<(String, String)>,
    body: Body,
) -> Response {
    let p = match read::<TenantPatch>(body).await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let mut world = app.state.lock();
    let summary: Value = match flavour.as_str() {
        "wipsy" => {
            let Some(t) = world.wipsy.iter_mut().find(|t| t.name == tenant) else {
                return bad(&format!("no wipsy tenant named {tenant}"));
            };
            if let Some(q) = p.monthly_quota {
                t.monthly_quota = q;
            }
            if let Some(d) = p.allow_duplicates {
                t.allow_duplicates = d;
            }
            json!({ "name": t.name, "monthly_quota": t.monthly_quota,
                    "allow_duplicates": t.allow_duplicates })
        }
        "whatsmark" => {
            let Some(t) = world.whatsmark.iter_mut().find(|t| t.name == tenant) else {
                return bad(&format!("no whatsmark tenant named {tenant}"));
            };
            if let Some(r) = p.rate_limit_per_minute {
                t.rate_limit_per_minute = r;
            }
            if let Some(c) = p.contact_limit {
                t.contact_limit = c;
            }
            if let Some(w) = p.rate_window_secs {
                t.rate_window_secs = w.max(1);
            }
            if let Some(d) = p.allow_duplicates {
                t.allow_duplicates = d;
            }
            if let Some(g) = p.type_enum_without_guest {
                t.type_enum_without_guest = g;
            }
            json!({ "name": t.name, "contact_limit": t.contact_limit,
                    "rate_limit_per_minute": t.rate_limit_per_minute,
                    "allow_duplicates": t.allow_duplicates,
                    "type_enum_without_guest": t.type_enum_without_guest })
        }
        "chatwoot" => {
            let Some(a) = world
                .chatwoot
                .accounts
                .iter_mut()
                .find(|a| a.name == tenant)
            else {
                return bad(&format!("no chatwoot account named {tenant}"));
            };
            if let Some(d) = p.allow_duplicates {
                a.allow_duplicates = d;
            }
            json!({ "name": a.name, "allow_duplicates": a.allow_duplicates })
        }
        _ => return bad("flavour must be wipsy, whatsmark or chatwoot"),
    };
    drop(world);
    json_response(StatusCode::OK, &summary)
}
