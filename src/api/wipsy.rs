//! Wipsy answers: `{error}` bodies placed on fields where the message names one, the
//! monthly quota (429), and harvesting stages, tags and field definitions from contacts
//! (Wipsy has no endpoint that lists them).

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::Value;

use super::{AuthProblem, Outcome, excerpt};
use crate::contact::catalog::{CustomFieldDef, CustomType, Item};
use crate::contact::{Catalog, CatalogKind};

/// Words in a message that point at a field, most specific first.
const FIELD_WORDS: &[(&str, &str)] = &[
    ("whatsapp_id", "whatsapp_id"),
    ("whatsapp id", "whatsapp_id"),
    ("last_name", "last_name"),
    ("last name", "last_name"),
    ("pipeline", "pipeline_stage_id"),
    ("stage", "pipeline_stage_id"),
    ("profile_picture", "profile_picture_url"),
    ("picture", "profile_picture_url"),
    ("phone", "phone"),
    ("email", "email"),
    ("tag", "tags"),
    ("address", "address"),
    ("city", "city"),
    ("province", "province"),
    ("company", "company"),
    ("notes", "notes"),
    ("custom_fields", "custom_fields"),
    ("name", "name"),
];

/// The field a free-text error names: a custom field by its quoted name first, then
/// the documented fields by keyword.
#[must_use]
pub fn field_for_message(message: &str, catalog: &Catalog) -> Option<String> {
    let lower = message.to_lowercase();
    let quoted = catalog.custom_fields.iter().find(|d| {
        let name = d.name.to_lowercase();
        lower.contains(&format!("'{name}'")) || lower.contains(&format!("\"{name}\""))
    });
    if let Some(def) = quoted {
        return Some(format!("custom.{}", def.id));
    }
    if let Some(def) = catalog
        .custom_fields
        .iter()
        .find(|d| lower.contains(&d.id.to_lowercase()))
    {
        return Some(format!("custom.{}", def.id));
    }
    FIELD_WORDS
        .iter()
        .find(|(word, _)| lower.contains(word))
        .map(|(_, key)| (*key).to_owned())
}

fn message_of(json: &Value) -> String {
    json.get("error")
        .and_then(Value::as_str)
        .or_else(|| json.get("message").and_then(Value::as_str))
        .map_or_else(|| excerpt(json.to_string().as_bytes()), str::to_owned)
}

fn number(json: &Value, keys: &[&str]) -> Option<i64> {
    keys.iter()
        .find_map(|k| json.get(*k).and_then(Value::as_i64))
}

/// Maps a Wipsy answer to an outcome.
#[must_use]
pub fn create_outcome(status: StatusCode, json: &Value, catalog: &Catalog) -> Outcome {
    let message = message_of(json);
    match status.as_u16() {
        200 | 201 => {
            let data = super::unwrap_data(json).clone();
            match data
                .get("id")
                .and_then(Value::as_str)
                .filter(|id| super::is_an_id(id))
            {
                Some(id) => Outcome::Created {
                    id: id.to_owned(),
                    echo: data,
                },
                None => Outcome::Undecodable {
                    status: status.as_u16(),
                    excerpt: excerpt(json.to_string().as_bytes()),
                },
            }
        }
        400 | 409 | 422 => {
            let mut fields = BTreeMap::new();
            let mut form = Vec::new();
            match field_for_message(&message, catalog) {
                Some(key) => {
                    fields.insert(key, vec![message]);
                }
                None => form.push(message),
            }
            Outcome::FieldErrors { fields, form }
        }
        401 | 403 => Outcome::Auth {
            problem: if message.to_lowercase().contains("missing") {
                AuthProblem::Missing
            } else {
                AuthProblem::Invalid
            },
            message,
        },
        429 => {
            let details = json
                .get("details")
                .map(|d| d.as_str().map_or_else(|| d.to_string(), str::to_owned))
                .unwrap_or_default();
            let figures = json
                .get("details")
                .filter(|d| d.is_object())
                .unwrap_or(json);
            Outcome::QuotaExceeded {
                current: number(figures, &["current", "used"]),
                maximum: number(figures, &["maximum", "limit"]),
                details: if details.is_empty() {
                    message
                } else {
                    format!("{message}. {details}")
                },
            }
        }
        code => Outcome::ServerError {
            status: code,
            message,
        },
    }
}

/// Learns stages, tags and custom-field definitions from contacts the API returned.
pub fn harvest(catalog: &mut Catalog, contacts: &[Value]) {
    // Gathered first and merged once per kind: a merge into a big list indexes it, and
    // a list of 500 contacts must not index 100,000 tags 500 times.
    let (mut stages, mut tags, mut defs) = (Vec::new(), Vec::new(), Vec::new());
    for c in contacts {
        remember(catalog, c);
        if let Some(stage) = c.get("pipeline_stage").filter(|s| s.is_object()) {
            let id = stage
                .get("id")
                .or_else(|| c.get("pipeline_stage_id"))
                .and_then(Value::as_str);
            if let Some(id) = id {
                stages.push(Item {
                    id: id.to_owned(),
                    name: text(stage, "name").unwrap_or_else(|| id.to_owned()),
                    color: text(stage, "color"),
                    order: stage.get("stage_order").and_then(Value::as_i64),
                    system: stage
                        .get("is_system")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                });
            }
        }
        let each = c
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        tags.extend(each.filter_map(|t| {
            Some(Item {
                id: text(t, "id")?,
                name: text(t, "name")?,
                color: text(t, "color"),
                ..Item::default()
            })
        }));
        let fields = c
            .get("custom_fields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        defs.extend(fields.filter_map(field_def));
    }
    catalog.merge_items(CatalogKind::Stages, stages);
    catalog.merge_items(CatalogKind::Tags, tags);
    catalog.merge_custom_fields(defs);
}

/// How many recent contacts a Wipsy catalog keeps for the duplicate check.
const RECENT: usize = 2000;

/// Keeps a contact the API returned, newest first, for the duplicate check.
fn remember(catalog: &mut Catalog, c: &Value) {
    let Some(id) = text(c, "id") else { return };
    let known = crate::contact::duplicates::Known {
        name: format!(
            "{} {}",
            text(c, "name").unwrap_or_default(),
            text(c, "last_name").unwrap_or_default()
        )
        .trim()
        .to_owned(),
        phone: text(c, "phone").unwrap_or_default(),
        email: text(c, "email").unwrap_or_default(),
        created_at: text(c, "created_at").unwrap_or_default(),
        id,
    };
    catalog.recent.retain(|k| k.id != known.id);
    catalog.recent.push(known);
    catalog
        .recent
        .sort_by(|a, b| b.created_at.cmp(&a.created_at));
    catalog.recent.truncate(RECENT);
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn field_def(value: &Value) -> Option<CustomFieldDef> {
    let def = value.get("field")?;
    let id = text(value, "field_id").or_else(|| text(def, "id"))?;
    Some(CustomFieldDef {
        id,
        name: text(def, "field_name")?,
        kind: CustomType::parse(
            def.get("field_type")
                .and_then(Value::as_str)
                .unwrap_or("text"),
        ),
        options: super::strings(def.get("field_options")),
        required: def
            .get("is_required")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        order: def
            .get("field_order")
            .and_then(Value::as_i64)
            .unwrap_or(i64::MAX),
        pattern: None,
    })
}

/// Wipsy lists nothing: its stages, tags and field definitions are harvested from its
/// most recent contacts.
pub(super) async fn refresh(client: &super::Client, out: &mut super::refreshed::Refreshed) {
    let (result, rate) = client.get("/api-get-contacts?limit=500").await;
    out.rate = rate.or(out.rate);
    match result {
        Ok(json) => {
            let contacts = super::unwrap_data(&json)
                .as_array()
                .cloned()
                .unwrap_or_default();
            harvest(&mut out.catalog, &contacts);
            out.fetched = true;
        }
        Err(o) => out.failed("recent contacts", &o),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_land_on_the_field_they_name() {
        let mut catalog = Catalog::default();
        catalog.custom_fields.push(CustomFieldDef {
            id: "f-1".into(),
            name: "Fecha de cumpleaños".into(),
            kind: CustomType::Date,
            options: vec![],
            required: false,
            order: 0,
            pattern: None,
        });
        let cases = [
            ("name is required", Some("name")),
            (
                "A contact with this phone number already exists",
                Some("phone"),
            ),
            (
                "A contact with this whatsapp_id already exists",
                Some("whatsapp_id"),
            ),
            ("Tag not found: 123", Some("tags")),
            ("Pipeline stage not found: x", Some("pipeline_stage_id")),
            (
                "Custom field 'Fecha de cumpleaños' must be a date (YYYY-MM-DD)",
                Some("custom.f-1"),
            ),
            ("Something broke", None),
        ];
        for (msg, field) in cases {
            assert_eq!(field_for_message(msg, &catalog).as_deref(), field, "{msg}");
        }
    }

    #[test]
    fn a_429_is_the_monthly_quota_with_its_details() {
        let out = create_outcome(
            StatusCode::TOO_MANY_REQUESTS,
            &json!({ "error": "Monthly contact limit reached", "details": "100 of 100 used" }),
            &Catalog::default(),
        );
        let Outcome::QuotaExceeded { details, .. } = out else {
            panic!("{out:?}")
        };
        assert!(details.contains("100 of 100 used"));
    }
}
