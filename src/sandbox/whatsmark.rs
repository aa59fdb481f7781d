//! The WhatsMark flavour: bearer tokens with scopes, a per-token rate limit, the
//! success/error envelopes, 15-item pages, and Laravel-style validation messages.
//!
//! Readings this sandbox picks where the contract is open:
//! - strings are trimmed and an empty string counts as absent (Laravel's middleware);
//! - integer fields take JSON integers only; fields the contract does not list are refused
//!   ("The x field is prohibited."), so a client typo shows up here;
//! - requests without a valid token are limited per client address (600 a minute);
//! - the per-token order is: token (401) → IP whitelist (403) → rate limit (429) →
//!   scope (403) → validation (422) → plan limit (403) → create (201).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::errors::{Flavour, error_response, json_response, meta, read_json_object};
use super::state::{RateAnswer, Store, WmContact, WmTenant, count_request};
use super::{App, Peer};

mod by_id;
mod pages;
mod table;
mod validate;

pub use by_id::{get_contact, update_contact};

pub use validate::seed_contact;

/// Requests a minute allowed to a client that sent no valid token.
const ANONYMOUS_LIMIT: u32 = 600;

/// Who is calling: tenant and token indices.
struct Caller {
    tenant: usize,
}

fn with_rate_headers(mut resp: Response, rate: &RateAnswer) -> Response {
    let h = resp.headers_mut();
    let limit = rate
        .limit
        .map_or_else(|| "unlimited".to_owned(), |l| l.to_string());
    let remaining = if rate.limit.is_some() {
        i64::from(rate.remaining)
    } else {
        -1
    };
    for (name, value) in [
        ("x-ratelimit-limit", limit),
        ("x-ratelimit-remaining", remaining.to_string()),
        ("x-ratelimit-reset", rate.reset.to_string()),
        ("x-ratelimit-window", rate.window.to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    }
    resp
}

fn wm_error(status: StatusCode, code: &str, message: &str, details: Option<Value>) -> Response {
    error_response(Flavour::Whatsmark, status, code, message, details)
}

/// Authenticates, counts the request and checks the scope. Every answer it gives, and
/// the handler's answer after it, carries the rate-limit headers.
fn admit(
    app: &App,
    headers: &HeaderMap,
    peer: Option<&Peer>,
    scope: &str,
) -> (Result<Caller, Response>, RateAnswer) {
    let mut world = app.state.lock();
    let ip = peer.map(|p| p.0.ip().to_string()).unwrap_or_default();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let found = bearer.and_then(|b| {
        world.whatsmark.iter().enumerate().find_map(|(ti, t)| {
            t.tokens
                .iter()
                .position(|k| k.token == b)
                .map(|ki| (ti, ki))
        })
    });
    let anonymous = |world: &mut super::state::World, code: &str, msg: &str| {
        let rate = count_request(world, &format!("ip:{ip}"), Some(ANONYMOUS_LIMIT), 60);
        (
            Err(wm_error(StatusCode::UNAUTHORIZED, code, msg, None)),
            rate,
        )
    };
    let Some((ti, ki)) = found else {
        return match bearer {
            None => anonymous(
                &mut world,
                "AUTHENTICATION_REQUIRED",
                "Authentication required. Send an API token as 'Authorization: Bearer <token>'.",
            ),
            Some(_) => anonymous(&mut world, "INVALID_TOKEN", "The API token is invalid."),
        };
    };
    let token = world.whatsmark[ti].tokens[ki].clone();
    if token.revoked {
        return anonymous(
            &mut world,
            "TOKEN_REVOKED",
            "This API token has been revoked.",
        );
    }
    if token.expired {
        return anonymous(&mut world, "TOKEN_EXPIRED", "This API token has expired.");
    }
    let limit = world.whatsmark[ti].rate_limit_per_minute;
    let window = world.whatsmark[ti].rate_window_secs;
    let rate = count_request(&mut world, &token.token, limit, window);
    if !token.ip_whitelist.is_empty() && !token.ip_whitelist.contains(&ip) {
        let msg = format!("Access from IP address {ip} is not allowed for this token.");
        return (
            Err(wm_error(
                StatusCode::FORBIDDEN,
                "IP_NOT_WHITELISTED",
                &msg,
                None,
            )),
            rate,
        );
    }
    if !rate.allowed {
        return (Err(rate_limited(&rate)), rate);
    }
    if !token.scopes.iter().any(|s| s == "*" || s == scope) {
        let msg = format!("This token does not have the required scope: {scope}");
        let details = json!({ "required_scope": scope, "token_scopes": token.scopes });
        return (
            Err(wm_error(
                StatusCode::FORBIDDEN,
                "INSUFFICIENT_SCOPE",
                &msg,
                Some(details),
            )),
            rate,
        );
    }
    (Ok(Caller { tenant: ti }), rate)
}

fn rate_limited(rate: &RateAnswer) -> Response {
    let wait = (rate.reset - rate.now).max(1);
    let mut m = meta();
    m["retry_after"] = json!(wait);
    let body = json!({
        "success": false,
        "error": {
            "code": "RATE_LIMIT_EXCEEDED",
            "message": format!("Too many requests. Try again in {wait} seconds."),
        },
        "meta": m,
    });
    let mut resp = json_response(StatusCode::TOO_MANY_REQUESTS, &body);
    if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// Runs `f` for an admitted caller, adding the rate headers to whatever comes back.
async fn serve<F, Fut>(app: App, req: Request, scope: &str, f: F) -> Response
where
    F: FnOnce(App, Caller, Request) -> Fut,
    Fut: Future<Output = Response>,
{
    let peer = req.extensions().get::<Peer>().copied();
    let (admitted, rate) = admit(&app, req.headers(), peer.as_ref(), scope);
    let resp = match admitted {
        Ok(caller) => f(app, caller, req).await,
        Err(resp) => resp,
    };
    with_rate_headers(resp, &rate)
}

fn ok(status: StatusCode, data: Value, message: Option<&str>) -> Response {
    let mut body = json!({ "success": true });
    body["data"] = data;
    if let Some(m) = message {
        body["message"] = json!(m);
    }
    body["meta"] = meta();
    json_response(status, &body)
}

/// 500 `INTERNAL_ERROR` as Laravel answers a failed query: the exception text in
/// `details.error`.
fn failed(message: &str, error: &str) -> Response {
    let details = json!({ "error": error });
    wm_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_ERROR",
        message,
        Some(details),
    )
}

/// `POST /contacts`.
pub async fn create(State(app): State<App>, req: Request) -> Response {
    serve(app, req, "contacts:write", |app, caller, req| async move {
        let body = match read_json_object(req.into_body(), Flavour::Whatsmark).await {
            Ok(b) => b,
            Err(resp) => return resp,
        };
        let mut world = app.state.lock();
        let id = world.next_wm_id;
        let now = world.now_rfc3339();
        let tenant = &mut world.whatsmark[caller.tenant];
        let contact = match validate::build_contact(tenant, id, &body, now) {
            Ok(c) => c,
            Err(details) => {
                return wm_error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "VALIDATION_ERROR",
                    "Validation failed",
                    Some(Value::Object(details)),
                );
            }
        };
        let current = i64::try_from(tenant.contacts.len()).unwrap_or(i64::MAX);
        if tenant.contact_limit >= 0 && current >= tenant.contact_limit {
            let details =
                json!({ "feature": "contacts", "current": current, "maximum": tenant.contact_limit });
            return wm_error(
                StatusCode::FORBIDDEN,
                "FEATURE_LIMIT_EXCEEDED",
                "Feature limit exceeded for contacts. Please upgrade your plan.",
                Some(details),
            );
        }
        if let Err(sql) = table::check(tenant, &contact, &table::Statement::Insert) {
            return failed("Failed to create contact", &sql);
        }
        let data = contact_json(tenant, &contact, true);
        tenant.store(contact);
        world.next_wm_id += 1;
        drop(world);
        app.state.touch();
        ok(StatusCode::CREATED, data, Some("Contact created successfully"))
    })
    .await
}

/// `GET /contacts?page=&per_page=&search=&sort=&include=`.
pub async fn list_contacts(State(app): State<App>, req: Request) -> Response {
    serve(app, req, "contacts:read", |app, caller, req| async move {
        let q = pages::Query::parse(&req);
        let world = app.state.lock();
        let tenant = &world.whatsmark[caller.tenant];
        let needle = q.get("search").map(str::to_lowercase).unwrap_or_default();
        let mut found: Vec<&WmContact> = tenant
            .contacts
            .iter()
            .filter(|c| needle.is_empty() || matches_search(c, &needle))
            .collect();
        sort_contacts(&mut found, q.get("sort").unwrap_or("-id"));
        let include = q.get("include").unwrap_or_default().to_owned();
        let items: Vec<Value> = found
            .iter()
            .map(|c| {
                let mut v = contact_json(tenant, c, include.contains("groups"));
                if include.contains("source") {
                    v["source"] = named_json(tenant.sources.iter().find(|s| s.id == c.source_id));
                }
                if include.contains("status") {
                    v["status"] = named_json(tenant.statuses.iter().find(|s| s.id == c.status_id));
                }
                v
            })
            .collect();
        json_response(StatusCode::OK, &q.page(items, q.per_page()))
    })
    .await
}

fn matches_search(c: &WmContact, needle: &str) -> bool {
    ["firstname", "lastname", "email", "phone", "company"]
        .iter()
        .filter_map(|k| c.text.get(*k))
        .any(|v| v.to_lowercase().contains(needle))
}

fn sort_contacts(items: &mut [&WmContact], sort: &str) {
    let (desc, key) = match sort.strip_prefix('-') {
        Some(k) => (true, k),
        None => (false, sort),
    };
    match key {
        "firstname" | "lastname" => {
            items.sort_by(|a, b| a.text.get(key).cmp(&b.text.get(key)).then(a.id.cmp(&b.id)));
        }
        "created_at" => {
            items.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        }
        "updated_at" => {
            items.sort_by(|a, b| a.updated_at.cmp(&b.updated_at).then(a.id.cmp(&b.id)));
        }
        _ => items.sort_by_key(|c| c.id),
    }
    if desc {
        items.reverse();
    }
}

/// `GET /sources`, `/statuses`, `/groups`: always 15 a page.
pub async fn catalog(State(app): State<App>, req: Request) -> Response {
    let resource = req
        .uri()
        .path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let scope = format!("{resource}:read");
    serve(app, req, &scope, |app, caller, req| async move {
        let q = pages::Query::parse(&req);
        let world = app.state.lock();
        let tenant = &world.whatsmark[caller.tenant];
        let list = match resource.as_str() {
            "sources" => &tenant.sources,
            "statuses" => &tenant.statuses,
            _ => &tenant.groups,
        };
        let needle = q.get("search").map(str::to_lowercase).unwrap_or_default();
        let items: Vec<Value> = list
            .iter()
            .filter(|n| n.name.to_lowercase().contains(&needle))
            .map(|n| named_json(Some(n)))
            .collect();
        json_response(StatusCode::OK, &q.page(items, 15))
    })
    .await
}

fn single(tenant: &WmTenant, data: Value) -> Response {
    let data = if tenant.double_wrap {
        json!({ "data": data })
    } else {
        data
    };
    ok(StatusCode::OK, data, None)
}

/// `GET /account`.
pub async fn account(State(app): State<App>, req: Request) -> Response {
    serve(app, req, "account:read", |app, caller, _| async move {
        let world = app.state.lock();
        let t = &world.whatsmark[caller.tenant];
        let data = json!({
            "id": t.id, "name": t.name, "subdomain": t.subdomain, "status": "active",
            "created_at": CATALOG_TIME,
            "subscription": {
                "plan_name": t.plan_name, "plan_id": t.plan_id, "status": "active", "expires_at": null,
            },
        });
        single(t, data)
    })
    .await
}

fn usage_entry(current: i64, limit: i64) -> Value {
    if limit < 0 {
        return json!({ "current": current, "limit": -1, "remaining": -1,
                       "percentage_used": 0.0, "is_unlimited": true });
    }
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    let pct = if limit == 0 {
        100.0
    } else {
        ((current as f64) * 10_000.0 / (limit as f64)).round() / 100.0
    };
    json!({ "current": current, "limit": limit, "remaining": (limit - current).max(0),
            "percentage_used": pct, "is_unlimited": false })
}

/// `GET /account/usage`.
pub async fn usage(State(app): State<App>, req: Request) -> Response {
    serve(app, req, "account:read", |app, caller, _| async move {
        let world = app.state.lock();
        let t = &world.whatsmark[caller.tenant];
        let current = i64::try_from(t.contacts.len()).unwrap_or(i64::MAX);
        let data = json!({
            "contacts": usage_entry(current, t.contact_limit),
            "conversations": usage_entry(0, 1000),
            "campaigns": usage_entry(0, 20),
            "staff": usage_entry(1, 5),
        });
        single(t, data)
    })
    .await
}

/// `GET /account/limits`.
pub async fn limits(State(app): State<App>, req: Request) -> Response {
    serve(app, req, "account:read", |app, caller, _| async move {
        let world = app.state.lock();
        let t = &world.whatsmark[caller.tenant];
        let limit =
            |name: &str, l: i64| json!({ "limit": l, "feature_name": name, "is_unlimited": l < 0 });
        let rpm = t.rate_limit_per_minute.map_or(-1, i64::from);
        let data = json!({
            "limits": {
                "contacts": limit("Contacts", t.contact_limit),
                "conversations": limit("Conversations", 1000),
                "campaigns": limit("Campaigns", 20),
                "staff": limit("Staff", 5),
                "api_calls_per_minute": limit("API calls per minute", rpm),
            },
            "features": { "api_access": true, "bulk_import": true, "webhooks": false },
        });
        single(t, data)
    })
    .await
}

/// When the seeded catalog items "were created".
const CATALOG_TIME: &str = "2026-01-05T09:30:00.000000Z";

fn named_json(n: Option<&super::state::Named>) -> Value {
    let Some(n) = n else { return Value::Null };
    let mut v = json!({ "id": n.id, "name": n.name, "created_at": CATALOG_TIME, "updated_at": CATALOG_TIME });
    if let Some(c) = &n.color {
        v["color"] = json!(c);
    }
    v
}

/// A stored contact as the API returns it; `with_groups` loads the group objects.
#[must_use]
pub fn contact_json(tenant: &WmTenant, c: &WmContact, with_groups: bool) -> Value {
    let mut obj = Map::new();
    obj.insert("id".into(), json!(c.id));
    for key in ["firstname", "lastname", "company", "type", "email", "phone"] {
        obj.insert(key.into(), json!(c.text.get(key)));
    }
    obj.insert("status_id".into(), json!(c.status_id));
    obj.insert("source_id".into(), json!(c.source_id));
    for key in ["description", "city", "state", "zip", "address"] {
        obj.insert(key.into(), json!(c.text.get(key)));
    }
    obj.insert("country_id".into(), json!(c.country_id));
    obj.insert("assigned_id".into(), json!(c.assigned_id));
    obj.insert("group_id".into(), json!(c.groups));
    obj.insert("is_opted_out".into(), json!(false));
    if with_groups {
        let groups: Vec<Value> = c
            .groups
            .iter()
            .filter_map(|id| tenant.groups.iter().find(|g| g.id == *id))
            .map(|g| named_json(Some(g)))
            .collect();
        obj.insert("groups".into(), Value::Array(groups));
    }
    obj.insert("created_at".into(), json!(c.created_at));
    obj.insert("updated_at".into(), json!(c.updated_at));
    Value::Object(obj)
}
