//! Request bodies exactly as the contracts say: empty optionals omitted, tags and groups
//! as id arrays, custom fields as an object, integer ids as JSON integers, and the phone
//! in E.164 (normalised with the profile's default region).

use serde_json::{Map, Value};

use crate::contact::fields::FieldKind;
use crate::contact::phone::to_e164;
use crate::contact::{Draft, Flavour};

/// The create body of a draft for one flavour.
#[must_use]
pub fn create_body(flavour: Flavour, draft: &Draft, default_region: Option<&str>) -> Value {
    let mut body = Map::new();
    for spec in flavour.fields() {
        let key = spec.key;
        match spec.kind {
            FieldKind::MultiPick(_) => {
                let ids = draft.list(key);
                if !ids.is_empty() {
                    body.insert(
                        key.to_owned(),
                        Value::Array(ids.iter().map(|id| id_value(flavour, id)).collect()),
                    );
                }
            }
            FieldKind::CustomFields => {
                let custom: Map<String, Value> = draft
                    .custom
                    .iter()
                    .filter(|(_, v)| !v.trim().is_empty())
                    .map(|(id, v)| (id.clone(), Value::String(v.trim().to_owned())))
                    .collect();
                if !custom.is_empty() {
                    body.insert(key.to_owned(), Value::Object(custom));
                }
            }
            FieldKind::SinglePick(_) => {
                let v = draft.get(key).trim();
                if !v.is_empty() {
                    body.insert(key.to_owned(), id_value(flavour, v));
                }
            }
            FieldKind::Phone => {
                let v = draft.get(key).trim();
                if !v.is_empty() {
                    let phone = to_e164(v, default_region).unwrap_or_else(|_| v.to_owned());
                    body.insert(key.to_owned(), Value::String(phone));
                }
            }
            FieldKind::MultiLine => {
                // Keep inner line breaks; only the ends are trimmed.
                let v = draft.get(key).trim();
                if !v.is_empty() {
                    body.insert(key.to_owned(), Value::String(v.to_owned()));
                }
            }
            _ => {
                let v = draft.get(key).trim();
                if !v.is_empty() {
                    body.insert(key.to_owned(), Value::String(v.to_owned()));
                }
            }
        }
    }
    Value::Object(body)
}

/// WhatsMark ids are integers on the wire; Wipsy ids are uuid strings. A WhatsMark id
/// that is not a number is sent as typed so the server's own message explains it.
fn id_value(flavour: Flavour, id: &str) -> Value {
    let id = id.trim();
    match id.parse::<i64>() {
        Ok(n) if flavour.caps().integer_ids => Value::from(n),
        _ => Value::String(id.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whatsmark_body_has_integers_and_omits_empty_fields() {
        let mut d = Draft::default();
        d.set("firstname", " Ana ");
        d.set("lastname", "Pérez");
        d.set("phone", "+57 318 877 9043");
        d.set("type", "lead");
        d.set("source_id", "115");
        d.set("status_id", "287");
        d.set("company", "   ");
        d.lists
            .insert("groups".into(), vec!["12".into(), "14".into()]);
        let body = create_body(Flavour::Whatsmark, &d, None);
        assert_eq!(
            body,
            json!({ "firstname": "Ana", "lastname": "Pérez", "phone": "+573188779043", "type": "lead",
                    "source_id": 115, "status_id": 287, "groups": [12, 14] })
        );
    }

    #[test]
    fn wipsy_body_has_tag_ids_and_a_custom_field_object() {
        let mut d = Draft::default();
        d.set("name", "José");
        d.set("phone", "318 877 9043");
        d.set("notes", "línea 1\nlínea 2\n");
        d.lists.insert("tags".into(), vec!["t-1".into()]);
        d.custom.insert("f-1".into(), "1990-04-01".into());
        d.custom.insert("f-2".into(), String::new());
        let body = create_body(Flavour::Wipsy, &d, Some("CO"));
        assert_eq!(
            body,
            json!({ "name": "José", "phone": "+573188779043", "tags": ["t-1"],
                    "notes": "línea 1\nlínea 2", "custom_fields": { "f-1": "1990-04-01" } })
        );
    }
}
