//! Chatwoot answers and requests (`shared/api/chatwoot.openapi.yaml`, the README's
//! "Flavour chatwoot"): every contact path under the profile's account, a create that
//! answers 200 with `payload.contact`, labels set by a second call that overwrites the
//! whole list, 422 `{message, attributes}` put under the fields it names, search 15 a
//! page over resolved contacts, and custom-attribute definitions as a bare array
//! (always asked for `contact_attribute`, and filtered on it too).

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::Value;

use super::{AuthProblem, Outcome, excerpt};
use crate::contact::catalog::{Catalog, CustomFieldDef, CustomType, Item};
use crate::contact::duplicates::Known;
use crate::contact::fields::CatalogKind;

/// Contacts a search page holds: fewer means it was the last.
pub const SEARCH_PAGE: usize = 15;

/// The custom-attribute definitions of contacts (never the conversations').
pub const DEFINITIONS: &str = "/custom_attribute_definitions?attribute_model=contact_attribute";

/// The path of one page of a contact search for `term` (`+` goes as `%2B`).
#[must_use]
pub fn search_path(term: &str, page: u32) -> String {
    let page = page.to_string();
    let query =
        serde_urlencoded::to_string([("q", term), ("page", page.as_str())]).unwrap_or_default();
    format!("/contacts/search?{query}")
}

/// The contacts of a search page (`payload`).
#[must_use]
pub fn listed(json: &Value) -> Vec<Value> {
    json.get("payload")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A listed or echoed contact, as the duplicate check and Find show it.
#[must_use]
pub fn known(c: &Value) -> Known {
    Known {
        id: match c.get("id") {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        },
        name: text(c, "name").trim().to_owned(),
        phone: text(c, "phone_number"),
        email: text(c, "email"),
        // Unix seconds on this API; RFC 3339 everywhere in rolo.
        created_at: c
            .get("created_at")
            .and_then(Value::as_i64)
            .and_then(|s| jiff::Timestamp::from_second(s).ok())
            .map_or_else(|| text(c, "created_at"), |t| t.to_string()),
    }
}

/// The contact an answer carries: `payload.contact` (create) or `payload` (get, update).
fn contact_of(json: &Value) -> Option<&Value> {
    let payload = json.get("payload")?;
    payload
        .get("contact")
        .filter(|c| c.is_object())
        .or_else(|| payload.is_object().then_some(payload))
}

/// The server's words: `message`, `error`, or devise's `errors` list.
fn message_of(json: &Value) -> String {
    if let Some(m) = ["message", "error"]
        .iter()
        .find_map(|k| json.get(*k).and_then(Value::as_str))
    {
        return m.to_owned();
    }
    match json.get("errors").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("; "),
        None => excerpt(json.to_string().as_bytes()),
    }
}

/// A model attribute as Rails writes it at the head of a full message
/// (`phone_number` → "Phone number").
fn humanized(attribute: &str) -> String {
    let words = attribute.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The field a model attribute is on the form (`company_name` is in
/// `additional_attributes`; the rest keep their names).
fn field_of(attribute: &str) -> String {
    match attribute {
        "company_name" | "city" | "country" | "country_code" | "description" => {
            format!("additional_attributes.{attribute}")
        }
        other => other.to_owned(),
    }
}

/// 422 `{message, attributes}`: each of the joined full messages under the attribute
/// it begins with; what begins with none goes under the first attribute named, and
/// with no attribute at all, on the form.
fn invalid(json: &Value) -> Outcome {
    let message = message_of(json);
    let attributes: Vec<String> = json
        .get("attributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(first) = attributes.first() {
        for part in message.split(", ").filter(|p| !p.trim().is_empty()) {
            let owner = attributes
                .iter()
                .filter(|a| part.starts_with(&humanized(a)))
                .max_by_key(|a| a.len())
                .unwrap_or(first);
            fields
                .entry(field_of(owner))
                .or_default()
                .push(part.to_owned());
        }
        for a in &attributes {
            fields
                .entry(field_of(a))
                .or_insert_with(|| vec![message.clone()]);
        }
        return Outcome::FieldErrors {
            fields,
            form: Vec::new(),
        };
    }
    // The inbox's own need ("param is missing or the value is empty: contact phone
    // number"): under the field it names.
    // Only that wording (`ContactInboxBuilder`'s): another 422 naming a word like
    // "email" (a fork's "Labels do not exist: email-leads") is the form's.
    let lower = message.to_lowercase();
    let need = lower
        .strip_prefix("param is missing or the value is empty:")
        .map(str::trim);
    let named = match need {
        Some(n) if n.contains("phone") => Some("phone_number"),
        Some(n) if n.contains("email") => Some("email"),
        _ => None,
    };
    match named {
        Some(key) => {
            fields.insert(key.to_owned(), vec![message]);
            Outcome::FieldErrors {
                fields,
                form: Vec::new(),
            }
        }
        None => Outcome::FieldErrors {
            fields,
            form: vec![message],
        },
    }
}

/// Maps a Chatwoot answer to an outcome; a contact answer is [`Outcome::Created`] with
/// the contact.
#[must_use]
pub fn outcome(status: StatusCode, json: &Value) -> Outcome {
    let message = message_of(json);
    match status.as_u16() {
        200 | 201 => {
            let contact = contact_of(json);
            let id = contact.and_then(|c| match c.get("id") {
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            });
            match (id.filter(|id| super::is_an_id(id)), contact) {
                (Some(id), Some(c)) => Outcome::Created {
                    id,
                    echo: c.clone(),
                },
                _ => Outcome::Undecodable {
                    status: status.as_u16(),
                    excerpt: excerpt(json.to_string().as_bytes()),
                },
            }
        }
        422 => invalid(json),
        400 => Outcome::FieldErrors {
            fields: BTreeMap::new(),
            form: vec![message],
        },
        401 | 403 => {
            let lower = message.to_lowercase();
            let problem = if json.get("errors").is_some() || lower.contains("sign in") {
                AuthProblem::Missing
            } else if lower.contains("this account") {
                AuthProblem::Scope("membership of this account".to_owned())
            } else if lower.contains("this action") {
                AuthProblem::Scope("this action".to_owned())
            } else {
                AuthProblem::Invalid
            };
            Outcome::Auth { problem, message }
        }
        // `{"error": "Resource could not be found"}`: the API's own answer (a wrong
        // base URL answers a page, not this).
        404 if json.get("error").is_some() => Outcome::NotFound { message },
        429 => Outcome::RateLimited {
            retry_after: None,
            message,
        },
        s => Outcome::ServerError { status: s, message },
    }
}

/// A create's answer: as [`outcome`], except that a 404 means the inbox (the contact
/// is not there yet to be missing): the field's error when an inbox was sent.
#[must_use]
pub fn create_outcome(status: StatusCode, json: &Value, body: &Value) -> Outcome {
    match outcome(status, json) {
        Outcome::NotFound { message } if body.get("inbox_id").is_some() => {
            let inbox = body
                .get("inbox_id")
                .map(Value::to_string)
                .unwrap_or_default();
            let mut fields = BTreeMap::new();
            fields.insert(
                "inbox_id".to_owned(),
                vec![format!(
                    "Chatwoot has no inbox {inbox} in this account ({message}): pick \
                     another, or check the profile's inbox_id and account_id"
                )],
            );
            Outcome::FieldErrors {
                fields,
                form: Vec::new(),
            }
        }
        // No contact is named yet: what is not found is the account itself.
        Outcome::NotFound { message } => Outcome::Auth {
            problem: AuthProblem::NoAccount,
            message,
        },
        other => other,
    }
}

/// The labels of a `GET`/`POST .../contacts/{id}/labels` answer.
#[must_use]
pub fn labels_of(json: &Value) -> Option<Vec<Value>> {
    json.get("payload").and_then(Value::as_array).cloned()
}

/// The account's labels (`GET .../labels`): the title is both id and name.
#[must_use]
pub fn label_items(json: &Value) -> Vec<Item> {
    json.get("payload")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| {
            let title = l.get("title")?.as_str()?.to_owned();
            Some(Item {
                id: title.clone(),
                name: title,
                color: l
                    .get("color")
                    .and_then(Value::as_str)
                    .filter(|c| c.len() == 7 && c.starts_with('#'))
                    .map(str::to_owned),
                ..Item::default()
            })
        })
        .collect()
}

/// The contact-attribute definitions of a definitions answer (a bare array; a
/// `payload` wrapping is taken too), other models' left out.
#[must_use]
pub fn definitions(json: &Value) -> Vec<CustomFieldDef> {
    let list = json
        .as_array()
        .or_else(|| json.get("payload").and_then(Value::as_array));
    list.into_iter()
        .flatten()
        .filter(|d| {
            d.get("attribute_model")
                .is_none_or(|m| m == "contact_attribute" || m == 1)
        })
        .enumerate()
        .filter_map(|(i, d)| {
            let key = d.get("attribute_key")?.as_str()?.to_owned();
            Some(CustomFieldDef {
                name: d
                    .get("attribute_display_name")
                    .and_then(Value::as_str)
                    .unwrap_or(&key)
                    .to_owned(),
                id: key,
                kind: display_type(
                    d.get("attribute_display_type")
                        .and_then(Value::as_str)
                        .unwrap_or("text"),
                ),
                options: super::strings(d.get("attribute_values")),
                required: false,
                order: i64::try_from(i).unwrap_or(i64::MAX),
                pattern: d
                    .get("regex_pattern")
                    .and_then(Value::as_str)
                    .filter(|p| !p.trim().is_empty())
                    .map(str::to_owned),
            })
        })
        .collect()
}

/// Reads an `attribute_display_type`; unknown types are edited as text.
fn display_type(s: &str) -> CustomType {
    match s {
        "number" => CustomType::Number,
        "currency" => CustomType::Currency,
        "percent" => CustomType::Percent,
        "link" => CustomType::Link,
        "date" => CustomType::Date,
        "list" => CustomType::Select,
        "checkbox" => CustomType::Checkbox,
        _ => CustomType::Text,
    }
}

/// Chatwoot: the account's labels (with colours) and its contact-attribute definitions,
/// each replacing the old list. It has no quota and no usage to read.
pub(super) async fn refresh(client: &super::Client, out: &mut super::refreshed::Refreshed) {
    let (labels, rate) = client.get("/labels").await;
    out.rate = rate.or(out.rate);
    match labels {
        Ok(json) => {
            *out.catalog.list_mut(CatalogKind::Labels) = label_items(&json).into();
            out.fetched = true;
        }
        Err(o) => out.failed("labels", &o),
    }
    let (defs, rate) = client.get(DEFINITIONS).await;
    out.rate = rate.or(out.rate);
    match defs {
        Ok(json) => {
            out.catalog.custom_fields = definitions(&json);
            out.fetched = true;
        }
        Err(o) => out.failed("custom attribute definitions", &o),
    }
}

/// Learns the inboxes contacts were seen in (`contact_inboxes[].inbox`): the API lists
/// no inboxes in this contract, so the picker offers those and the profile's default.
pub fn harvest(catalog: &mut Catalog, contacts: &[Value]) {
    let mut inboxes = Vec::new();
    for c in contacts {
        let each = c
            .get("contact_inboxes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        inboxes.extend(each.filter_map(|ci| {
            let inbox = ci.get("inbox")?;
            let id = match inbox.get("id")? {
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            let name = inbox.get("name").and_then(Value::as_str).unwrap_or(&id);
            let channel = inbox
                .get("channel_type")
                .and_then(Value::as_str)
                .map(|c| c.trim_start_matches("Channel::"));
            Some(Item {
                name: channel.map_or_else(|| name.to_owned(), |c| format!("{name} ({c})")),
                id,
                ..Item::default()
            })
        }));
    }
    catalog.merge_items(CatalogKind::Inboxes, inboxes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_422_puts_each_message_under_its_field() {
        let out = outcome(
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!({ "message": "Email has already been taken, Phone number should be in e164 format",
                "attributes": ["email", "phone_number"] }),
        );
        let Outcome::FieldErrors { fields, form } = out else {
            panic!("{out:?}")
        };
        assert_eq!(fields["email"], ["Email has already been taken"]);
        assert_eq!(
            fields["phone_number"],
            ["Phone number should be in e164 format"]
        );
        assert!(form.is_empty());
        let inbox = outcome(
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!({ "error": "param is missing or the value is empty: contact phone number" }),
        );
        assert!(
            matches!(inbox, Outcome::FieldErrors { ref fields, .. } if fields.contains_key("phone_number"))
        );
    }

    #[test]
    fn a_create_answers_payload_contact_and_a_get_payload() {
        let created = outcome(
            StatusCode::OK,
            &json!({ "payload": { "contact": { "id": 9, "name": "Ana" }, "contact_inbox": { "inbox": null } } }),
        );
        assert!(matches!(created, Outcome::Created { ref id, .. } if id == "9"));
        let got = outcome(
            StatusCode::OK,
            &json!({ "payload": { "id": 4, "name": "Ana" } }),
        );
        assert!(matches!(got, Outcome::Created { ref id, .. } if id == "4"));
        let missing = create_outcome(
            StatusCode::NOT_FOUND,
            &json!({ "error": "Resource could not be found" }),
            &json!({ "inbox_id": 99 }),
        );
        assert!(
            matches!(missing, Outcome::FieldErrors { ref fields, .. } if fields.contains_key("inbox_id"))
        );
    }

    #[test]
    fn auth_answers_are_told_apart() {
        let problem = |json: Value| match outcome(StatusCode::UNAUTHORIZED, &json) {
            Outcome::Auth { problem, .. } => problem,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            problem(json!({ "errors": ["You need to sign in or sign up before continuing."] })),
            AuthProblem::Missing
        );
        assert_eq!(
            problem(json!({ "error": "Invalid Access Token" })),
            AuthProblem::Invalid
        );
        assert!(matches!(
            problem(json!({ "error": "You are not authorized to access this account" })),
            AuthProblem::Scope(_)
        ));
    }

    #[test]
    fn definitions_keep_contact_attributes_only() {
        let defs = definitions(&json!([
            { "attribute_key": "plan", "attribute_display_name": "Plan", "attribute_display_type": "list",
              "attribute_values": ["Basic", "Pro"], "attribute_model": "contact_attribute" },
            { "attribute_key": "csat", "attribute_display_type": "number", "attribute_model": "conversation_attribute" },
        ]));
        assert_eq!(defs.len(), 1);
        assert_eq!(defs[0].kind, CustomType::Select);
        assert_eq!(defs[0].options, ["Basic", "Pro"]);
    }

    #[test]
    fn a_search_term_is_encoded() {
        assert_eq!(
            search_path("+573001", 2),
            "/contacts/search?q=%2B573001&page=2"
        );
    }
}
