//! WhatsMark answers: the envelope, 422 details per field, the plan limit, scopes,
//! rate limiting, and `data.data` tolerated on single resources.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::Value;

use super::refreshed::Refreshed;
use super::{AuthProblem, Client, Outcome, RateLimit, excerpt, unwrap_data};
use crate::contact::CatalogKind;
use crate::contact::catalog::{Item, Tenant, Usage};

fn error_part<'a>(json: &'a Value, key: &str) -> Option<&'a Value> {
    json.get("error").and_then(|e| e.get(key))
}

fn message_of(json: &Value) -> String {
    error_part(json, "message")
        .and_then(Value::as_str)
        .or_else(|| json.get("message").and_then(Value::as_str))
        .map_or_else(|| excerpt(json.to_string().as_bytes()), str::to_owned)
}

/// `groups.1` → `groups`: the form shows list errors on the list.
fn field_key(detail_key: &str) -> String {
    detail_key
        .split('.')
        .next()
        .unwrap_or(detail_key)
        .to_owned()
}

fn field_errors(json: &Value, message: String) -> Outcome {
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(details) = error_part(json, "details").and_then(Value::as_object) {
        for (key, msgs) in details {
            let list = fields.entry(field_key(key)).or_default();
            match msgs {
                Value::Array(items) => list.extend(
                    items
                        .iter()
                        .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_owned)),
                ),
                Value::String(s) => list.push(s.clone()),
                other => list.push(other.to_string()),
            }
        }
    }
    let form = if fields.is_empty() {
        vec![message]
    } else {
        Vec::new()
    };
    Outcome::FieldErrors { fields, form }
}

fn scope_of(json: &Value, message: &str) -> String {
    error_part(json, "details")
        .and_then(|d| d.get("required_scope"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            message
                .split_whitespace()
                .find(|w| w.contains(':') && !w.ends_with(':'))
                .map(|w| {
                    w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != ':' && c != '*')
                        .to_owned()
                })
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn forbidden(json: &Value, code: &str, message: String) -> Outcome {
    match code {
        "FEATURE_LIMIT_EXCEEDED" => {
            let d = error_part(json, "details");
            let n = |k: &str| d.and_then(|d| d.get(k)).and_then(Value::as_i64);
            Outcome::QuotaExceeded {
                current: n("current"),
                maximum: n("maximum"),
                details: message,
            }
        }
        "IP_NOT_WHITELISTED" => Outcome::Auth {
            problem: AuthProblem::IpNotWhitelisted,
            message,
        },
        _ => Outcome::Auth {
            problem: AuthProblem::Scope(scope_of(json, &message)),
            message,
        },
    }
}

/// A listed contact, as the duplicate check needs it.
#[must_use]
pub fn known(c: &Value) -> crate::contact::duplicates::Known {
    let text = |k: &str| {
        c.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    crate::contact::duplicates::Known {
        // A number (the contract), or a string holding one; anything else is no id (and
        // `api::is_an_id` refuses it), never its JSON text with quotes.
        id: match c.get("id") {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        },
        name: format!("{} {}", text("firstname"), text("lastname"))
            .trim()
            .to_owned(),
        phone: text("phone"),
        email: text("email"),
        created_at: text("created_at"),
    }
}

/// Maps a WhatsMark answer to an outcome.
#[must_use]
pub fn outcome(status: StatusCode, json: &Value) -> Outcome {
    let code = error_part(json, "code")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let message = message_of(json);
    match status.as_u16() {
        200 | 201 => {
            let data = super::unwrap_data(json).clone();
            let id = match data.get("id") {
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            };
            match id.filter(|id| super::is_an_id(id)) {
                Some(id) => Outcome::Created { id, echo: data },
                None => Outcome::Undecodable {
                    status: status.as_u16(),
                    excerpt: excerpt(json.to_string().as_bytes()),
                },
            }
        }
        422 | 400 => field_errors(json, message),
        401 => Outcome::Auth {
            problem: match code.as_str() {
                "AUTHENTICATION_REQUIRED" => AuthProblem::Missing,
                "TOKEN_REVOKED" => AuthProblem::Revoked,
                "TOKEN_EXPIRED" => AuthProblem::Expired,
                _ => AuthProblem::Invalid,
            },
            message,
        },
        403 => forbidden(json, &code, message),
        // Only the API's own "not found" (a wrong base URL answers 404 too, and that is
        // the server's problem, not a contact's).
        404 if code == "NOT_FOUND" => Outcome::NotFound { message },
        429 => Outcome::RateLimited {
            retry_after: json.pointer("/meta/retry_after").and_then(Value::as_u64),
            message,
        },
        s => {
            let detail = error_part(json, "details")
                .and_then(|d| d.get("error"))
                .and_then(Value::as_str);
            if let Some(refused) = detail.and_then(column_refused) {
                return refused;
            }
            // The SQL a database error carries holds every value sent: only its head
            // ("SQLSTATE[…]: … for column 'x' at row 1") is worth showing.
            let message = match detail {
                Some(d) => format!("{message} ({})", sql_head(d)),
                None => message,
            };
            Outcome::ServerError { status: s, message }
        }
    }
}

/// A database error before " (Connection: …, SQL: …)".
fn sql_head(detail: &str) -> &str {
    detail
        .find(" (Connection:")
        .or_else(|| detail.find(" (SQL:"))
        .map_or(detail, |at| &detail[..at])
        .trim()
}

/// The tenant table refused a value the API's validator let through (a 500 whose
/// `details.error` names a column, see the contract's README): nothing was stored, and
/// the value is the field's problem, so it is put under that field as a 422 would be.
fn column_refused(detail: &str) -> Option<Outcome> {
    let after = detail.split("for column '").nth(1)?;
    let column = after.split('\'').next()?;
    let spec = crate::contact::Flavour::Whatsmark.field(column)?;
    let message = if detail.contains("Data too long") {
        match spec.max_len {
            Some(max) => {
                format!("Too long for the CRM's table: at most {max} characters; nothing was saved")
            }
            None => "Too long for the CRM's table; nothing was saved".to_owned(),
        }
    } else if detail.contains("Out of range") {
        "Out of range for the CRM's table; nothing was saved".to_owned()
    } else if column == "type" {
        "This tenant does not take guest contacts (its table refused the type): choose lead or \
         customer"
            .to_owned()
    } else {
        format!(
            "The CRM's table refused this value ({}); nothing was saved",
            sql_head(detail)
        )
    };
    let mut fields = std::collections::BTreeMap::new();
    fields.insert(column.to_owned(), vec![message]);
    Some(Outcome::FieldErrors {
        fields,
        form: Vec::new(),
    })
}

/// Pages followed at most per list, so a server that always says `has_more` cannot loop us.
const MAX_PAGES: u32 = 1000;

/// WhatsMark: sources, statuses and groups to the last page, each replacing the old
/// list, plus the tenant and its usage.
pub(super) async fn refresh(client: &Client, out: &mut Refreshed) {
    for (resource, kind) in [
        ("sources", CatalogKind::Sources),
        ("statuses", CatalogKind::Statuses),
        ("groups", CatalogKind::Groups),
    ] {
        match all_pages(client, resource, &mut out.rate).await {
            // The server's list replaces the old one: entries deleted there go away here.
            Ok(items) => {
                *out.catalog.list_mut(kind) = items.into();
                out.fetched = true;
            }
            Err(o) => out.failed(resource, &o),
        }
    }
    let (account, rate) = client.get("/account").await;
    out.rate = rate.or(out.rate);
    match account {
        Ok(json) => {
            out.fetched = true;
            let data = unwrap_data(&json);
            out.catalog.tenant = Some(Tenant {
                name: data
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                plan: data
                    .pointer("/subscription/plan_name")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            });
        }
        Err(o) => out.failed("account", &o),
    }
    match usage(client, &mut out.rate).await {
        Ok(u) => {
            out.catalog.usage = Some(u);
            out.fetched = true;
        }
        Err(o) => out.failed("usage", &o),
    }
}

/// Contacts used against the plan (`GET /account/usage`).
pub async fn usage(client: &Client, rate: &mut Option<RateLimit>) -> Result<Usage, Outcome> {
    let (result, r) = client.get("/account/usage").await;
    *rate = r.or(*rate);
    let json = result?;
    let contacts = unwrap_data(&json)
        .get("contacts")
        .cloned()
        .unwrap_or(Value::Null);
    let unlimited = contacts
        .get("is_unlimited")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(Usage {
        current: contacts.get("current").and_then(Value::as_i64).unwrap_or(0),
        limit: contacts
            .get("limit")
            .and_then(Value::as_i64)
            .filter(|l| !unlimited && *l >= 0),
    })
}

async fn all_pages(
    client: &Client,
    resource: &str,
    rate: &mut Option<RateLimit>,
) -> Result<Vec<Item>, Outcome> {
    let mut items = Vec::new();
    for page in 1..=MAX_PAGES {
        let (result, r) = client.get(&format!("/{resource}?page={page}")).await;
        *rate = r.or(*rate);
        let json = result?;
        let data = json
            .get("data")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        items.extend(data.iter().filter_map(named_item));
        let more = json
            .pointer("/meta/pagination/has_more")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !more || data.is_empty() {
            break;
        }
    }
    Ok(items)
}

fn named_item(v: &Value) -> Option<Item> {
    let id = match v.get("id")? {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    Some(Item {
        id,
        name: v.get("name")?.as_str()?.to_owned(),
        color: v.get("color").and_then(Value::as_str).map(str::to_owned),
        ..Item::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Issue 26: a 201 whose id is 10 KB long is not a created contact with that id.
    #[test]
    fn an_id_that_is_no_id_is_an_unreadable_answer() {
        let long = "9".repeat(10_000);
        let answer = json!({ "success": true, "data": { "id": long } });
        assert!(matches!(
            outcome(StatusCode::CREATED, &answer),
            Outcome::Undecodable { status: 201, .. }
        ));
        let answer = json!({ "success": true, "data": { "id": 1042 } });
        assert!(matches!(
            outcome(StatusCode::CREATED, &answer),
            Outcome::Created { id, .. } if id == "1042"
        ));
    }

    #[test]
    fn a_column_the_table_refuses_is_a_field_error_without_the_sql() {
        let answer = |error: &str| {
            json!({ "success": false, "error": { "code": "INTERNAL_ERROR",
                "message": "Failed to create contact", "details": { "error": error } } })
        };
        let long = "SQLSTATE[22001]: String data, right truncated: 1406 Data too long for column \
                    'city' at row 1 (Connection: mysql, SQL: insert into `acme_contacts` \
                    (`firstname`, `phone`) values (Ana, +573001112233))";
        let Outcome::FieldErrors { fields, form } =
            outcome(StatusCode::INTERNAL_SERVER_ERROR, &answer(long))
        else {
            panic!("a field error")
        };
        assert!(form.is_empty());
        assert_eq!(
            fields["city"],
            ["Too long for the CRM's table: at most 100 characters; nothing was saved"]
        );
        let guest = "SQLSTATE[01000]: Warning: 1265 Data truncated for column 'type' at row 1 \
                     (Connection: mysql, SQL: insert into x values (+573001112233))";
        let Outcome::FieldErrors { fields, .. } =
            outcome(StatusCode::INTERNAL_SERVER_ERROR, &answer(guest))
        else {
            panic!("a field error")
        };
        assert!(fields["type"][0].contains("does not take guest"));
        // A column that is no field: a server error, its SQL (every value sent) cut off.
        let other = "SQLSTATE[22001]: 1406 Data too long for column 'website' at row 1 \
                     (Connection: mysql, SQL: insert into x values (+573001112233))";
        let Outcome::ServerError { message, .. } =
            outcome(StatusCode::INTERNAL_SERVER_ERROR, &answer(other))
        else {
            panic!("a server error")
        };
        assert!(message.contains("column 'website'"), "{message}");
        assert!(!message.contains("+573001112233"), "{message}");
    }

    #[test]
    fn validation_details_map_to_fields() {
        let out = outcome(
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!({ "success": false, "error": { "code": "VALIDATION_ERROR", "message": "Validation failed",
                "details": { "phone": ["This phone number already exists."], "groups.1": ["The groups.1 field must be an integer."] } } }),
        );
        let Outcome::FieldErrors { fields, form } = out else {
            panic!("{out:?}")
        };
        assert_eq!(fields["phone"], ["This phone number already exists."]);
        assert_eq!(fields["groups"].len(), 1);
        assert!(form.is_empty());
    }

    #[test]
    fn forbidden_answers_are_told_apart() {
        let scope = outcome(
            StatusCode::FORBIDDEN,
            &json!({ "error": { "code": "INSUFFICIENT_SCOPE", "message": "This token does not have the required scope: contacts:write" } }),
        );
        assert_eq!(
            scope,
            Outcome::Auth {
                problem: AuthProblem::Scope("contacts:write".into()),
                message: "This token does not have the required scope: contacts:write".into()
            }
        );
        let limit = outcome(
            StatusCode::FORBIDDEN,
            &json!({ "error": { "code": "FEATURE_LIMIT_EXCEEDED", "message": "limit", "details": { "feature": "contacts", "current": 500, "maximum": 500 } } }),
        );
        assert!(matches!(
            limit,
            Outcome::QuotaExceeded {
                current: Some(500),
                maximum: Some(500),
                ..
            }
        ));
    }

    #[test]
    fn data_wrapped_twice_is_accepted() {
        let out = outcome(
            StatusCode::CREATED,
            &json!({ "success": true, "data": { "data": { "id": 7 } } }),
        );
        assert!(matches!(out, Outcome::Created { ref id, .. } if id == "7"));
    }
}
