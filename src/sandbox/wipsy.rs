//! The Wipsy flavour: `x-api-key` auth, `POST /api-create-contact`, `GET /api-get-contacts`.
//!
//! Rules the contract leaves open, and the reading this sandbox picks (the client must
//! tolerate others):
//! - `tags` and `custom_fields` are not nullable: `null` is a 400; email is free text, as
//!   the schema says (rolo checks it on its side);
//! - fields the contract does not list are refused (400), so a client typo shows up here;
//! - a phone is normalised to `+` and 7–15 digits (spaces, dots, dashes and brackets
//!   dropped, a leading `00` read as `+`); anything else is a 400;
//! - a phone or `whatsapp_id` that another contact of the tenant already has is a 409;
//! - unknown tag, stage or custom-field ids are a 400 naming the id; custom-field values
//!   are checked by the field's type, and required custom fields must be present;
//! - the monthly quota counts contacts created in the current UTC calendar month;
//! - `GET /api-get-contacts?contactId=` for an id that does not exist is a 400, the only
//!   documented non-auth error of that path.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::App;
use super::errors::{Flavour, error_response, json_response, read_json_object};
use super::state::{Store, WipsyContact, WipsyTenant};

/// Optional text fields of a create body, in contract order.
const TEXT_FIELDS: [&str; 10] = [
    "last_name",
    "phone",
    "email",
    "whatsapp_id",
    "profile_picture_url",
    "address",
    "city",
    "province",
    "company",
    "notes",
];

/// Every field a create body may carry.
const ALL_FIELDS: [&str; 14] = [
    "name",
    "last_name",
    "phone",
    "email",
    "whatsapp_id",
    "pipeline_stage_id",
    "profile_picture_url",
    "address",
    "city",
    "province",
    "company",
    "notes",
    "tags",
    "custom_fields",
];

fn bad_request(message: &str) -> Response {
    error_response(Flavour::Wipsy, StatusCode::BAD_REQUEST, "", message, None)
}

/// Finds the tenant whose key came in `x-api-key`.
fn authenticate(app: &App, headers: &HeaderMap) -> Result<usize, Response> {
    let unauthorized =
        |m: &str| error_response(Flavour::Wipsy, StatusCode::UNAUTHORIZED, "", m, None);
    let Some(key) = headers.get("x-api-key") else {
        return Err(unauthorized(
            "Missing API key. Send it in the x-api-key header.",
        ));
    };
    let key = key.to_str().unwrap_or_default();
    app.state
        .lock()
        .wipsy
        .iter()
        .position(|t| !key.is_empty() && t.api_key == key)
        .ok_or_else(|| unauthorized("Invalid API key"))
}

/// The server's phone normalisation: `+` and 7–15 digits.
fn normalise_phone(raw: &str) -> Option<String> {
    let mut digits = String::new();
    let mut plus = false;
    for (i, ch) in raw.chars().enumerate() {
        match ch {
            '0'..='9' => digits.push(ch),
            '+' if i == 0 => plus = true,
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
            _ => return None,
        }
    }
    let digits = match digits.strip_prefix("00") {
        Some(rest) if !plus => rest.to_owned(),
        _ => digits,
    };
    (7..=15)
        .contains(&digits.len())
        .then(|| format!("+{digits}"))
}

fn plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

/// Checks a custom-field value by its definition's type.
fn check_custom_value(def: &super::state::FieldDef, value: &str) -> Result<(), String> {
    let name = &def.field_name;
    let ok = match def.field_type.as_str() {
        "number" => value.trim().parse::<f64>().is_ok_and(f64::is_finite),
        "date" => jiff::civil::Date::strptime("%Y-%m-%d", value.trim()).is_ok(),
        "email" => plausible_email(value.trim()),
        "phone" => normalise_phone(value.trim()).is_some(),
        "select" => def
            .field_options
            .as_ref()
            .is_some_and(|o| o.iter().any(|x| x == value)),
        _ => true,
    };
    if ok {
        return Ok(());
    }
    Err(match def.field_type.as_str() {
        "number" => format!("Custom field '{name}' must be a number"),
        "date" => format!("Custom field '{name}' must be a date (YYYY-MM-DD)"),
        "email" => format!("Custom field '{name}' must be a valid email"),
        "phone" => format!("Custom field '{name}' must be a valid phone number"),
        _ => format!(
            "Custom field '{name}' must be one of: {}",
            def.field_options.clone().unwrap_or_default().join(", ")
        ),
    })
}

/// Validates a create body against one tenant and builds the contact to store.
/// Errors are the 400 message; conflicts and quota are checked by the caller.
fn build_contact(
    tenant: &WipsyTenant,
    body: &Map<String, Value>,
    now: String,
) -> Result<WipsyContact, String> {
    if let Some(unknown) = body.keys().find(|k| !ALL_FIELDS.contains(&k.as_str())) {
        return Err(format!("Unknown field: {unknown}"));
    }
    let text = |key: &str| -> Result<Option<String>, String> {
        match body.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(_) => Err(format!("Field '{key}' must be a string")),
        }
    };
    // Any non-empty string is a name, as `minLength: 1` says; blanks are kept as sent.
    let name = match body.get("name") {
        Some(Value::String(s)) if !s.is_empty() => {
            if s.trim().is_empty() {
                s.clone()
            } else {
                s.trim().to_owned()
            }
        }
        None | Some(Value::Null | Value::String(_)) => return Err("name is required".to_owned()),
        Some(_) => return Err("Field 'name' must be a string".to_owned()),
    };
    let mut c = WipsyContact {
        id: uuid::Uuid::new_v4().to_string(),
        name,
        created_at: now,
        ..WipsyContact::default()
    };
    for key in TEXT_FIELDS {
        if let Some(v) = text(key)? {
            c.text.insert(key.to_owned(), v);
        }
    }
    if let Some(raw) = c.text.get("phone").cloned() {
        let phone = normalise_phone(&raw).ok_or_else(|| {
            format!("Invalid phone number '{raw}': expected a country code and 7 to 15 digits")
        })?;
        c.text.insert("phone".to_owned(), phone);
    }
    if !c.text.contains_key("whatsapp_id")
        && let Some(phone) = c.text.get("phone").cloned()
    {
        c.text.insert("whatsapp_id".to_owned(), phone);
    }
    c.pipeline_stage_id = text("pipeline_stage_id")?;
    if let Some(id) = &c.pipeline_stage_id
        && !tenant.stages.iter().any(|s| &s.id == id)
    {
        return Err(format!("Pipeline stage not found: {id}"));
    }
    c.tags = tag_ids(tenant, body.get("tags"))?;
    c.custom_fields = custom_values(tenant, body.get("custom_fields"))?;
    Ok(c)
}

fn tag_ids(tenant: &WipsyTenant, value: Option<&Value>) -> Result<Vec<String>, String> {
    let items = match value {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err("tags must be an array of tag ids".to_owned()),
    };
    let mut ids = Vec::new();
    for item in items {
        let Value::String(id) = item else {
            return Err("tags must be an array of tag ids".to_owned());
        };
        if !tenant.tags.iter().any(|t| &t.id == id) {
            return Err(format!("Tag not found: {id}"));
        }
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    Ok(ids)
}

fn custom_values(
    tenant: &WipsyTenant,
    value: Option<&Value>,
) -> Result<Vec<(String, String)>, String> {
    let map = match value {
        None => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => return Err("custom_fields must be an object of field_id: value".to_owned()),
    };
    let mut out = Vec::new();
    for (id, v) in &map {
        let Value::String(v) = v else {
            return Err(format!("Custom field {id}: the value must be a string"));
        };
        let def = tenant
            .custom_fields
            .iter()
            .find(|d| &d.id == id)
            .ok_or_else(|| format!("Custom field not found: {id}"))?;
        if v.trim().is_empty() {
            continue;
        }
        check_custom_value(def, v)?;
        out.push((id.clone(), v.trim().to_owned()));
    }
    let mut defs: Vec<_> = tenant.custom_fields.iter().collect();
    defs.sort_by_key(|d| d.field_order);
    if let Some(missing) = defs
        .iter()
        .find(|d| d.is_required && !out.iter().any(|(id, _)| id == &d.id))
    {
        return Err(format!("Custom field '{}' is required", missing.field_name));
    }
    Ok(out)
}

/// A 409 message when the contact's phone or `whatsapp_id` is taken.
fn conflict(tenant: &WipsyTenant, c: &WipsyContact) -> Option<&'static str> {
    if tenant.allow_duplicates {
        return None;
    }
    let same = |key: &str| c.text.get(key).is_some_and(|v| tenant.taken(key, v));
    if same("phone") {
        Some("A contact with this phone number already exists")
    } else if same("whatsapp_id") {
        Some("A contact with this whatsapp_id already exists")
    } else {
        None
    }
}

/// Contacts created in the month of `now` (RFC 3339).
fn created_this_month(tenant: &WipsyTenant, now: &str) -> usize {
    let month = now.chars().take(7).collect::<String>();
    tenant
        .contacts
        .iter()
        .filter(|c| c.created_at.starts_with(&month))
        .count()
}

/// Stores a seed contact through the same rules as a create (quota aside), created `now`.
pub fn seed_contact(tenant: &mut WipsyTenant, body: &Value, now: String) -> Result<(), String> {
    let Value::Object(map) = body else {
        return Err("a seed contact must be an object".to_owned());
    };
    let c = build_contact(tenant, map, now)?;
    if let Some(msg) = conflict(tenant, &c) {
        return Err(msg.to_owned());
    }
    tenant.store(c);
    Ok(())
}

/// `POST /api-create-contact`.
pub async fn create(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    let t = match authenticate(&app, &headers) {
        Ok(t) => t,
        Err(resp) => return resp,
    };
    let body = match read_json_object(body, Flavour::Wipsy).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let mut world = app.state.lock();
    let now = world.now_rfc3339();
    let tenant = &mut world.wipsy[t];
    let contact = match build_contact(tenant, &body, now.clone()) {
        Ok(c) => c,
        Err(msg) => return bad_request(&msg),
    };
    if let Some(msg) = conflict(tenant, &contact) {
        return error_response(Flavour::Wipsy, StatusCode::CONFLICT, "", msg, None);
    }
    let used = created_this_month(tenant, &now);
    if used >= tenant.monthly_quota as usize {
        let details = format!(
            "Your {} plan allows {} new contacts per month and {used} have been created this month. \
             Upgrade the plan or wait until the first day of next month.",
            tenant.plan, tenant.monthly_quota
        );
        return error_response(
            Flavour::Wipsy,
            StatusCode::TOO_MANY_REQUESTS,
            "",
            "Monthly contact limit reached",
            Some(Value::String(details)),
        );
    }
    let data = contact_json(tenant, &contact);
    tenant.store(contact);
    drop(world);
    app.state.touch();
    json_response(
        StatusCode::CREATED,
        &json!({ "success": true, "data": data, "message": "Contact created successfully" }),
    )
}

/// `GET /api-get-contacts?limit=&contactId=`.
pub async fn get_contacts(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let t = match authenticate(&app, &headers) {
        Ok(t) => t,
        Err(resp) => return resp,
    };
    let params: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let param = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let limit = match param("limit").map(|l| l.trim().parse::<usize>()) {
        None => 100,
        Some(Ok(n)) if (1..=500).contains(&n) => n,
        Some(_) => return bad_request("limit must be an integer between 1 and 500"),
    };
    let world = app.state.lock();
    let tenant = &world.wipsy[t];
    if let Some(id) = param("contactId") {
        if uuid::Uuid::parse_str(id).is_err() {
            return bad_request("contactId must be a UUID");
        }
        return match tenant.contacts.iter().find(|c| c.id == id) {
            Some(c) => json_response(
                StatusCode::OK,
                &json!({ "success": true, "data": contact_json(tenant, c) }),
            ),
            None => bad_request("Contact not found"),
        };
    }
    let data: Vec<Value> = tenant
        .contacts
        .iter()
        .rev()
        .take(limit)
        .map(|c| contact_json(tenant, c))
        .collect();
    json_response(StatusCode::OK, &json!({ "success": true, "data": data }))
}

/// A stored contact as the API returns it, with stage, tags and field definitions embedded.
#[must_use]
pub fn contact_json(tenant: &WipsyTenant, c: &WipsyContact) -> Value {
    let mut obj = Map::new();
    obj.insert("id".into(), json!(c.id));
    obj.insert("user_id".into(), json!(tenant.user_id));
    obj.insert("name".into(), json!(c.name));
    for key in TEXT_FIELDS {
        obj.insert(key.into(), json!(c.text.get(key)));
    }
    obj.insert("pipeline_stage_id".into(), json!(c.pipeline_stage_id));
    let stage = c
        .pipeline_stage_id
        .as_ref()
        .and_then(|id| tenant.stages.iter().find(|s| &s.id == id))
        .map(|s| {
            json!({
                "id": s.id, "name": s.name, "color": s.color, "stage_order": s.stage_order,
                "is_system": s.is_system, "created_at": c.created_at, "updated_at": c.created_at,
            })
        });
    obj.insert("pipeline_stage".into(), stage.unwrap_or(Value::Null));
    let tags: Vec<Value> = c
        .tags
        .iter()
        .filter_map(|id| tenant.tags.iter().find(|t| &t.id == id))
        .map(|t| json!({ "id": t.id, "name": t.name, "color": t.color }))
        .collect();
    obj.insert("tags".into(), Value::Array(tags));
    let fields: Vec<Value> = c
        .custom_fields
        .iter()
        .filter_map(|(id, v)| {
            let d = tenant.custom_fields.iter().find(|d| &d.id == id)?;
            Some(json!({
                "customer_id": c.id, "field_id": id, "field_value": v,
                "field": {
                    "id": d.id, "field_name": d.field_name, "field_type": d.field_type,
                    "field_options": d.field_options, "is_required": d.is_required,
                    "field_order": d.field_order,
                },
            }))
        })
        .collect();
    obj.insert("custom_fields".into(), Value::Array(fields));
    obj.insert("created_at".into(), json!(c.created_at));
    obj.insert("updated_at".into(), json!(c.created_at));
    Value::Object(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalised_like_the_server() {
        assert_eq!(
            normalise_phone("+57 318 877 9043").as_deref(),
            Some("+573188779043")
        );
        assert_eq!(
            normalise_phone("0057 (318) 877-90.43").as_deref(),
            Some("+573188779043")
        );
        assert_eq!(normalise_phone("12345"), None);
        assert_eq!(normalise_phone("+57 318 abc"), None);
        assert_eq!(normalise_phone("57+318877"), None);
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(plausible_email("ana@acme.co"));
        assert!(!plausible_email("ana@acme"));
        assert!(!plausible_email("ana acme.co"));
        assert!(!plausible_email("@acme.co"));
    }
}
