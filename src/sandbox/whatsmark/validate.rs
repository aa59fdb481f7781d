//! WhatsMark's create and update rules, written as the server's Laravel requests state
//! them (`StoreContactRequest`, `UpdateContactRequest`). This is the server's own reading
//! of the contract; it shares nothing with rolo's client-side validation, so each side
//! checks the other. The validator allows more than the table holds: the table's widths
//! are checked after validation, in [`super::table`].

use serde_json::{Map, Value};

use crate::sandbox::state::{Store, WmContact, WmTenant};

/// Every field a create or update body may carry.
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

/// Optional text fields and the validator's `max` (characters), in rule order.
const OPTIONAL_TEXT: [(&str, Option<usize>); 6] = [
    ("company", Some(255)),
    ("description", None),
    ("city", Some(255)),
    ("state", Some(255)),
    ("zip", Some(20)),
    ("address", Some(500)),
];

/// Collected messages, field → list, in rule order.
pub type Errors = Map<String, Value>;

/// Which request is validated: a create, where the required fields must be present, or
/// an update of the contact with this id (`sometimes|required`: absent keeps the value,
/// and uniqueness ignores the contact itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `POST /contacts`.
    Create,
    /// `PATCH /contacts/{id}`.
    Update(i64),
}

/// What a body does to one field it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write<T> {
    /// Store this value.
    Set(T),
    /// Null: clear a nullable field.
    Clear,
}

impl<T> Write<T> {
    fn into_option(self) -> Option<T> {
        match self {
            Self::Set(v) => Some(v),
            Self::Clear => None,
        }
    }
}

/// What a valid body writes. A field the body does not carry is `None` (or absent from
/// `text`) and keeps its value.
#[derive(Debug, Default)]
pub struct Changes {
    /// Text fields by name.
    pub text: Vec<(&'static str, Write<String>)>,
    /// `source_id`.
    pub source_id: Option<i64>,
    /// `status_id`.
    pub status_id: Option<i64>,
    /// `country_id`.
    pub country_id: Option<Write<i64>>,
    /// `assigned_id`.
    pub assigned_id: Option<Write<i64>>,
    /// `groups`, deduplicated in first-seen order.
    pub groups: Option<Vec<i64>>,
}

impl Changes {
    /// Writes the changes into a stored contact.
    pub fn apply(self, c: &mut WmContact) {
        for (key, value) in self.text {
            match value {
                Write::Set(v) => c.text.insert(key.to_owned(), v),
                Write::Clear => c.text.remove(key),
            };
        }
        if let Some(v) = self.source_id {
            c.source_id = v;
        }
        if let Some(v) = self.status_id {
            c.status_id = v;
        }
        if let Some(v) = self.country_id {
            c.country_id = v.into_option();
        }
        if let Some(v) = self.assigned_id {
            c.assigned_id = v.into_option();
        }
        if let Some(v) = self.groups {
            c.groups = v;
        }
    }
}

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

/// A key as Laravel's middleware leaves it: absent, null (also `""` and blanks, which
/// `TrimStrings` + `ConvertEmptyStringsToNull` turn into null), or a value.
enum Given<'a> {
    Absent,
    Null,
    Value(&'a Value),
}

fn given<'a>(body: &'a Map<String, Value>, field: &str) -> Given<'a> {
    match body.get(field) {
        None => Given::Absent,
        Some(Value::Null) => Given::Null,
        Some(Value::String(s)) if s.trim().is_empty() => Given::Null,
        Some(v) => Given::Value(v),
    }
}

/// Whether a missing or null value breaks `required`: always on a create, and on an
/// update only when the key was sent (`sometimes|required`).
fn required_broken(mode: Mode, g: &Given<'_>) -> bool {
    match g {
        Given::Absent => mode == Mode::Create,
        Given::Null => true,
        Given::Value(_) => false,
    }
}

/// A string rule. `Ok(None)` is "not sent"; `Err(())` an error already pushed.
fn string(
    body: &Map<String, Value>,
    errors: &mut Errors,
    field: &str,
    mode: Mode,
    required: Option<&str>,
    max: Option<usize>,
) -> Result<Option<Write<String>>, ()> {
    let g = given(body, field);
    if let Some(msg) = required
        && required_broken(mode, &g)
    {
        push(errors, field, msg);
        return Err(());
    }
    let value = match g {
        Given::Absent => return Ok(None),
        Given::Null => return Ok(Some(Write::Clear)),
        Given::Value(Value::String(s)) => s.trim().to_owned(),
        Given::Value(_) => {
            let msg = format!("The {} field must be a string.", attr(field));
            push(errors, field, msg);
            return Err(());
        }
    };
    if let Some(max) = max
        && value.chars().count() > max
    {
        let msg = format!(
            "The {} field must not be greater than {max} characters.",
            attr(field)
        );
        push(errors, field, msg);
        return Err(());
    }
    Ok(Some(Write::Set(value)))
}

/// An integer rule, read as `string` is.
fn integer(
    body: &Map<String, Value>,
    errors: &mut Errors,
    field: &str,
    mode: Mode,
    required: Option<&str>,
) -> Result<Option<Write<i64>>, ()> {
    let g = given(body, field);
    if let Some(msg) = required
        && required_broken(mode, &g)
    {
        push(errors, field, msg);
        return Err(());
    }
    match g {
        Given::Absent => Ok(None),
        Given::Null => Ok(Some(Write::Clear)),
        Given::Value(v) => {
            if let Some(n) = v.as_i64() {
                Ok(Some(Write::Set(n)))
            } else {
                let msg = format!("The {} field must be an integer.", attr(field));
                push(errors, field, msg);
                Err(())
            }
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

/// `groups`: an array of integers. On an update null (or absent) keeps what is stored;
/// on a create the contract does not make it nullable, so null is not an array.
fn groups(body: &Map<String, Value>, errors: &mut Errors, mode: Mode) -> Option<Vec<i64>> {
    match body.get("groups") {
        None => None,
        Some(Value::Null) if mode != Mode::Create => None,
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item.as_i64() {
                    Some(n) if !out.contains(&n) => out.push(n),
                    Some(_) => {}
                    None => push(
                        errors,
                        &format!("groups.{i}"),
                        format!("The groups.{i} field must be an integer."),
                    ),
                }
            }
            Some(out)
        }
        Some(_) => {
            push(errors, "groups", "The groups field must be an array.");
            None
        }
    }
}

/// Whether another contact of the tenant holds `value` in `field` (`Rule::unique`, with
/// `->ignore($id)` on an update).
fn taken_by_other(tenant: &WmTenant, field: &str, value: &str, mode: Mode) -> bool {
    if tenant.allow_duplicates || !tenant.taken(field, value) {
        return false;
    }
    match mode {
        Mode::Create => true,
        Mode::Update(id) => tenant
            .contacts
            .iter()
            .any(|c| c.id != id && c.text.get(field).map(String::as_str) == Some(value)),
    }
}

/// firstname, lastname, phone and email, with the tenant's uniqueness rules.
fn identity(
    tenant: &WmTenant,
    body: &Map<String, Value>,
    e: &mut Errors,
    mode: Mode,
    out: &mut Changes,
) {
    for (field, msg) in [
        ("firstname", "First name is required."),
        ("lastname", "Last name is required."),
    ] {
        if let Ok(Some(v)) = string(body, e, field, mode, Some(msg), Some(255)) {
            out.text.push((field, v));
        }
    }
    let phone = string(
        body,
        e,
        "phone",
        mode,
        Some("Phone number is required."),
        Some(20),
    );
    if let Ok(Some(v)) = phone {
        if let Write::Set(p) = &v
            && taken_by_other(tenant, "phone", p, mode)
        {
            push(e, "phone", "This phone number already exists.");
        }
        out.text.push(("phone", v));
    }
    if let Ok(Some(v)) = string(body, e, "email", mode, None, Some(191)) {
        if let Write::Set(m) = &v {
            if !email_ok(m) {
                push(e, "email", "The email field must be a valid email address.");
            } else if taken_by_other(tenant, "email", m, mode) {
                push(e, "email", "This email address already exists.");
            }
        }
        out.text.push(("email", v));
    }
}

/// type, `source_id` and `status_id`, which must name the tenant's own catalog entries.
fn crm(
    tenant: &WmTenant,
    body: &Map<String, Value>,
    e: &mut Errors,
    mode: Mode,
    out: &mut Changes,
) {
    let kind = given(body, "type");
    if required_broken(mode, &kind) {
        push(e, "type", "Type is required.");
    } else if let Given::Value(v) = kind {
        let k = v.as_str().map(str::trim).unwrap_or_default();
        if ["lead", "customer", "guest"].contains(&k) {
            out.text.push(("type", Write::Set(k.to_owned())));
        } else {
            push(e, "type", "Type must be either lead, customer, or guest.");
        }
    }
    // Required, so a value that passed is never a null.
    if let Ok(Some(Write::Set(id))) =
        integer(body, e, "source_id", mode, Some("Source is required."))
    {
        if !tenant.sources.iter().any(|s| s.id == id) {
            let msg = "The selected source does not exist or does not belong to your account.";
            push(e, "source_id", msg);
        }
        out.source_id = Some(id);
    }
    // Required, so a value that passed is never a null.
    if let Ok(Some(Write::Set(id))) =
        integer(body, e, "status_id", mode, Some("Status is required."))
    {
        if !tenant.statuses.iter().any(|s| s.id == id) {
            let msg = "The selected status does not exist or does not belong to your account.";
            push(e, "status_id", msg);
        }
        out.status_id = Some(id);
    }
}

/// Validates a create or update body for one tenant. `Err` holds the 422 details.
pub fn check(tenant: &WmTenant, body: &Map<String, Value>, mode: Mode) -> Result<Changes, Errors> {
    let mut e = Errors::new();
    for key in body.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
        push(&mut e, key, format!("The {key} field is prohibited."));
    }
    let mut out = Changes::default();
    identity(tenant, body, &mut e, mode, &mut out);
    crm(tenant, body, &mut e, mode, &mut out);
    for (key, max) in OPTIONAL_TEXT {
        if let Ok(Some(v)) = string(body, &mut e, key, mode, None, max) {
            out.text.push((key, v));
        }
    }
    if let Ok(Some(v)) = integer(body, &mut e, "country_id", mode, None) {
        out.country_id = Some(v);
    }
    if let Ok(Some(v)) = integer(body, &mut e, "assigned_id", mode, None) {
        out.assigned_id = Some(v);
    }
    out.groups = groups(body, &mut e, mode);
    if e.is_empty() { Ok(out) } else { Err(e) }
}

/// Validates a create body for one tenant. `Err` holds the 422 details.
pub fn build_contact(
    tenant: &WmTenant,
    id: i64,
    body: &Map<String, Value>,
    now: String,
) -> Result<WmContact, Errors> {
    let changes = check(tenant, body, Mode::Create)?;
    let mut c = WmContact {
        id,
        created_at: now.clone(),
        updated_at: now,
        ..WmContact::default()
    };
    changes.apply(&mut c);
    Ok(c)
}

/// Stores a seed contact through the same rules as a create (plan limit aside), created
/// `now`.
pub fn seed_contact(
    tenant: &mut WmTenant,
    id: i64,
    body: &Value,
    now: String,
) -> Result<(), String> {
    let Value::Object(map) = body else {
        return Err("a seed contact must be an object".to_owned());
    };
    let c = build_contact(tenant, id, map, now).map_err(|e| Value::Object(e).to_string())?;
    super::table::check(tenant, &c, &super::table::Statement::Insert)?;
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
