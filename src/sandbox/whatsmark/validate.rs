//! WhatsMark's create rules, written as the server's Laravel request would state them.
//! This is the server's own reading of the contract; it shares nothing with rolo's
//! client-side validation, so each side checks the other.

use serde_json::{Map, Value};

use crate::sandbox::state::{Store, WmContact, WmTenant, now_rfc3339};

/// Every field a create body may carry.
const FIELDS: [&str; 16] = [
    "firstname",
    "lastname",
    "phone",
    "type",
    "source_id",
    "status_id",
    "email",
    "company",
    "description",
    "city",
    "state",
    "zip",
    "address",
    "country_id",
    "assigned_id",
    "groups",
];

/// Collected messages, field → list, in rule order.
type Errors = Map<String, Value>;

fn push(errors: &mut Errors, field: &str, message: impl Into<String>) {
    let entry = errors
        .entry(field.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = entry {
        list.push(Value::String(message.into()));
    }
}

/// Laravel's attribute name: `source_id` → "source id".
fn attr(field: &str) -> String {
    field.replace('_', " ")
}

/// A string rule: trimmed, empty is absent, then required / type / max.
fn string(
    body: &Map<String, Value>,
    errors: &mut Errors,
    field: &str,
    required: Option<&str>,
    max: Option<usize>,
) -> Option<String> {
    let value = match body.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        None | Some(Value::Null | Value::String(_)) => {
            if let Some(msg) = required {
                push(errors, field, msg);
            }
            return None;
        }
        Some(_) => {
            push(
                errors,
                field,
                format!("The {} field must be a string.", attr(field)),
            );
            return None;
        }
    };
    if let Some(max) = max
        && value.chars().count() > max
    {
        push(
            errors,
            field,
            format!(
                "The {} field must not be greater than {max} characters.",
                attr(field)
            ),
        );
        return None;
    }
    Some(value)
}

/// An integer rule; `required` is the message when absent.
fn integer(
    body: &Map<String, Value>,
    errors: &mut Errors,
    field: &str,
    required: Option<&str>,
) -> Option<i64> {
    match body.get(field) {
        None | Some(Value::Null) => {
            if let Some(msg) = required {
                push(errors, field, msg);
            }
            None
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            if let Some(msg) = required {
                push(errors, field, msg);
            }
            None
        }
        Some(v) => {
            let n = v.as_i64();
            if n.is_none() {
                push(
                    errors,
                    field,
                    format!("The {} field must be an integer.", attr(field)),
                );
            }
            n
        }
    }
}

/// Laravel's `email` rule, roughly: one `@`, a non-empty local part and domain, no spaces.
fn email_ok(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

fn groups(body: &Map<String, Value>, errors: &mut Errors) -> Vec<i64> {
    match body.get("groups") {
        None => Vec::new(),
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item.as_i64() {
                    Some(n) => out.push(n),
                    None => push(
                        errors,
                        &format!("groups.{i}"),
                        format!("The groups.{i} field must be an integer."),
                    ),
                }
            }
            out
        }
        Some(_) => {
            push(errors, "groups", "The groups field must be an array.");
            Vec::new()
        }
    }
}

/// firstname, lastname, phone and email, with the tenant's uniqueness rules.
fn identity(tenant: &WmTenant, body: &Map<String, Value>, e: &mut Errors) -> [Option<String>; 4] {
    let firstname = string(
        body,
        e,
        "firstname",
        Some("First name is required."),
        Some(255),
    );
    let lastname = string(
        body,
        e,
        "lastname",
        Some("Last name is required."),
        Some(255),
    );
    let phone = string(
        body,
        e,
        "phone",
        Some("Phone number is required."),
        Some(20),
    );
    if let Some(p) = &phone
        && tenant.taken("phone", p)
    {
        push(e, "phone", "This phone number already exists.");
    }
    let email = string(body, e, "email", None, Some(191));
    if let Some(m) = &email {
        if !email_ok(m) {
            push(e, "email", "The email field must be a valid email address.");
        } else if tenant.taken("email", m) {
            push(e, "email", "This email address already exists.");
        }
    }
    [firstname, lastname, phone, email]
}

/// type, `source_id` and `status_id`, which must name the tenant's own catalog entries.
fn crm(
    tenant: &WmTenant,
    body: &Map<String, Value>,
    e: &mut Errors,
) -> (Option<String>, Option<i64>, Option<i64>) {
    let kind = match body.get("type") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        None | Some(Value::Null | Value::String(_)) => {
            push(e, "type", "Type is required.");
            None
        }
        Some(_) => Some(String::new()),
    };
    if let Some(k) = &kind
        && !["lead", "customer", "guest"].contains(&k.as_str())
    {
        push(e, "type", "Type must be either lead, customer, or guest.");
    }
    let source_id = integer(body, e, "source_id", Some("Source is required."));
    if source_id.is_some_and(|id| !tenant.sources.iter().any(|s| s.id == id)) {
        push(
            e,
            "source_id",
            "The selected source does not exist or does not belong to your account.",
        );
    }
    let status_id = integer(body, e, "status_id", Some("Status is required."));
    if status_id.is_some_and(|id| !tenant.statuses.iter().any(|s| s.id == id)) {
        push(
            e,
            "status_id",
            "The selected status does not exist or does not belong to your account.",
        );
    }
    (kind, source_id, status_id)
}

/// Validates a create body for one tenant. `Err` holds the 422 details.
pub fn build_contact(
    tenant: &WmTenant,
    id: i64,
    body: &Map<String, Value>,
) -> Result<WmContact, Errors> {
    let mut e = Errors::new();
    for key in body.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
        push(&mut e, key, format!("The {key} field is prohibited."));
    }
    let [firstname, lastname, phone, email] = identity(tenant, body, &mut e);
    let (kind, source_id, status_id) = crm(tenant, body, &mut e);
    let mut text = std::collections::HashMap::new();
    for (key, max) in [
        ("company", Some(255)),
        ("description", None),
        ("city", Some(255)),
        ("state", Some(255)),
        ("zip", Some(20)),
        ("address", Some(500)),
    ] {
        if let Some(v) = string(body, &mut e, key, None, max) {
            text.insert(key.to_owned(), v);
        }
    }
    let country_id = integer(body, &mut e, "country_id", None);
    let assigned_id = integer(body, &mut e, "assigned_id", None);
    let groups = groups(body, &mut e);
    if !e.is_empty() {
        return Err(e);
    }
    for (key, v) in [
        ("firstname", firstname),
        ("lastname", lastname),
        ("phone", phone),
        ("email", email),
        ("type", kind),
    ] {
        if let Some(v) = v {
            text.insert(key.to_owned(), v);
        }
    }
    Ok(WmContact {
        id,
        text,
        source_id: source_id.unwrap_or_default(),
        status_id: status_id.unwrap_or_default(),
        country_id,
        assigned_id,
        groups,
        created_at: now_rfc3339(),
    })
}

/// Stores a seed contact through the same rules as a create (plan limit aside).
pub fn seed_contact(tenant: &mut WmTenant, id: i64, body: &Value) -> Result<(), String> {
    let Value::Object(map) = body else {
        return Err("a seed contact must be an object".to_owned());
    };
    let c = build_contact(tenant, id, map).map_err(|e| Value::Object(e).to_string())?;
    tenant.store(c);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_names_read_like_laravel() {
        assert_eq!(attr("source_id"), "source id");
    }

    #[test]
    fn email_rule_accepts_plain_addresses_only() {
        assert!(email_ok("a@b"));
        assert!(email_ok("ana.perez@acme.co"));
        assert!(!email_ok("ana"));
        assert!(!email_ok("a b@c.d"));
        assert!(!email_ok("a@@c.d"));
    }
}
