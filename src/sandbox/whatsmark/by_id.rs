//! `GET` and `PATCH /contacts/{id}`: one contact of the tenant, read or partly updated,
//! as `ContactController::show` / `update` answer (README, `GET /contacts/{id}` and
//! `PATCH /contacts/{id}`).
//!
//! Readings this sandbox picks where the contract is open:
//! - the route has no digits constraint, so an id that is not a 64-bit integer reaches the
//!   controller's `int $id` and ends in Laravel's generic 500 `{"message": "Server Error"}`,
//!   outside the envelope (after a PATCH body's validation, which runs first);
//! - `GET` always answers `data.data` (`ApiResponse::resource()` keeps Laravel's wrapper).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::pages::Query;
use super::table::{self, Statement};
use super::validate::{self, Mode};
use super::{contact_json, failed, named_json, ok, serve, wm_error};
use crate::sandbox::App;
use crate::sandbox::errors::{Flavour, json_response, read_json_object};
use crate::sandbox::state::{WmContact, WmTenant};

/// The `{id}` segment as the controller's `int $id` takes it.
fn id_of(req: &Request) -> Option<i64> {
    req.uri().path().rsplit('/').next()?.parse().ok()
}

/// Laravel's answer to an exception outside the API's own handling (production mode).
fn server_error() -> Response {
    json_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        &json!({ "message": "Server Error" }),
    )
}

fn not_found() -> Response {
    wm_error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "Contact not found.",
        None,
    )
}

fn find(tenant: &WmTenant, id: i64) -> Option<&WmContact> {
    tenant.contacts.iter().find(|c| c.id == id)
}

/// `GET /contacts/{id}?include=groups,source,status`.
pub async fn get_contact(State(app): State<App>, req: Request) -> Response {
    serve(app, req, "contacts:read", |app, caller, req| async move {
        let Some(id) = id_of(&req) else {
            return server_error();
        };
        let include = Query::parse(&req)
            .get("include")
            .unwrap_or_default()
            .to_owned();
        let wants = |name: &str| include.split(',').any(|part| part.trim() == name);
        let world = app.state.lock();
        let tenant = &world.whatsmark[caller.tenant];
        let Some(c) = find(tenant, id) else {
            return not_found();
        };
        let mut data = contact_json(tenant, c, wants("groups"));
        if wants("source") {
            data["source"] = named_json(tenant.sources.iter().find(|s| s.id == c.source_id));
        }
        if wants("status") {
            data["status"] = named_json(tenant.statuses.iter().find(|s| s.id == c.status_id));
        }
        ok(StatusCode::OK, json!({ "data": data }), None)
    })
    .await
}

/// `PATCH /contacts/{id}`: validation (422) before the lookup (404), then the UPDATE,
/// which can fail on a column's width (500). No plan-limit check.
pub async fn update_contact(State(app): State<App>, req: Request) -> Response {
    serve(app, req, "contacts:write", |app, caller, req| async move {
        let id = id_of(&req);
        let body = match read_json_object(req.into_body(), Flavour::Whatsmark).await {
            Ok(b) => b,
            Err(resp) => return resp,
        };
        let mut world = app.state.lock();
        let now = world.now_rfc3339();
        let tenant = &mut world.whatsmark[caller.tenant];
        let mode = Mode::Update(id.unwrap_or(i64::MIN));
        let changes = match validate::check(tenant, &body, mode) {
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
        let Some(id) = id else {
            return server_error();
        };
        let Some(mut contact) = find(tenant, id).cloned() else {
            return not_found();
        };
        let columns: Vec<&'static str> = changes.text.iter().map(|(k, _)| *k).collect();
        let columns = [
            columns,
            [
                ("source_id", changes.source_id.is_some()),
                ("status_id", changes.status_id.is_some()),
                ("country_id", changes.country_id.is_some()),
                ("assigned_id", changes.assigned_id.is_some()),
            ]
            .into_iter()
            .filter_map(|(k, given)| given.then_some(k))
            .collect(),
        ]
        .concat();
        let touched = !columns.is_empty() || changes.groups.is_some();
        changes.apply(&mut contact);
        if touched {
            contact.updated_at = now;
        }
        if !columns.is_empty()
            && let Err(sql) = table::check(tenant, &contact, &Statement::Update(columns))
        {
            return failed("Failed to update contact", &sql);
        }
        let data = contact_json(tenant, &contact, true);
        tenant.replace(contact);
        drop(world);
        app.state.touch();
        ok(StatusCode::OK, data, Some("Contact updated successfully"))
    })
    .await
}
