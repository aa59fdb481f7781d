//! Request bodies exactly as the contracts say: empty optionals omitted, tags and groups
//! as id arrays, custom fields as an object, integer ids as JSON integers, and the phone
//! in E.164 (normalised with the profile's default region).

use serde_json::{Map, Value};

use crate::contact::catalog::{CustomFieldDef, CustomType, yes_no};
use crate::contact::fields::FieldKind;
use crate::contact::phone::to_e164;
use crate::contact::{Draft, Flavour, Role};

/// The create body of a draft for one flavour. A dotted key is a nested one
/// (`additional_attributes.city`); `defs` type the custom values of an API that takes
/// them typed (a number, currency or percent as a JSON number, a checkbox as a boolean).
#[must_use]
pub fn create_body(
    flavour: Flavour,
    draft: &Draft,
    default_region: Option<&str>,
    defs: &[CustomFieldDef],
) -> Value {
    let mut body = Map::new();
    for spec in flavour.fields() {
        let key = spec.key;
        let value = match spec.kind {
            FieldKind::MultiPick(kind) => {
                let ids = draft.list(key);
                let by_name = kind.by_name();
                (!ids.is_empty()).then(|| {
                    Value::Array(
                        ids.iter()
                            .map(|id| {
                                if by_name {
                                    Value::String(id.trim().to_owned())
                                } else {
                                    id_value(flavour, id)
                                }
                            })
                            .collect(),
                    )
                })
            }
            FieldKind::CustomFields => {
                let typed = flavour.caps().typed_custom_values;
                let custom: Map<String, Value> = draft
                    .custom
                    .iter()
                    .filter(|(_, v)| !v.trim().is_empty())
                    .map(|(id, v)| {
                        let def = defs.iter().find(|d| d.id == *id).filter(|_| typed);
                        (id.clone(), custom_value(def.map(|d| d.kind), v.trim()))
                    })
                    .collect();
                (!custom.is_empty()).then_some(Value::Object(custom))
            }
            FieldKind::SinglePick(_) => {
                let v = draft.get(key).trim();
                (!v.is_empty()).then(|| id_value(flavour, v))
            }
            FieldKind::Phone => {
                let v = draft.get(key).trim();
                (!v.is_empty()).then(|| {
                    Value::String(to_e164(v, default_region).unwrap_or_else(|_| v.to_owned()))
                })
            }
            // ISO 3166 codes go in upper case, as the CRM's own contacts hold them.
            _ if spec.role == Role::CountryCode => {
                let v = draft.get(key).trim();
                (!v.is_empty()).then(|| Value::String(v.to_ascii_uppercase()))
            }
            // Inner line breaks of a multi-line field are kept; only the ends are trimmed.
            _ => {
                let v = draft.get(key).trim();
                (!v.is_empty()).then(|| Value::String(v.to_owned()))
            }
        };
        if let Some(value) = value {
            put(&mut body, key, value);
        }
    }
    Value::Object(body)
}

/// Puts `value` at `key`, a dotted key inside the object its first part names.
pub fn put(body: &mut Map<String, Value>, key: &str, value: Value) {
    match key.split_once('.') {
        Some((outer, inner)) => {
            let slot = body
                .entry(outer.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(map) = slot {
                put(map, inner, value);
            }
        }
        None => {
            body.insert(key.to_owned(), value);
        }
    }
}

/// The value at `key` of a body or contact, a dotted key looked up inside.
#[must_use]
pub fn lookup<'v>(body: &'v Value, key: &str) -> Option<&'v Value> {
    match key.split_once('.') {
        Some((outer, inner)) => lookup(body.get(outer)?, inner),
        None => body.get(key),
    }
}

/// A custom value as sent: typed by its definition where the API takes typed values
/// (a number that does not parse, or a checkbox that is neither yes nor no, goes as
/// typed, for the server's own words), text otherwise.
fn custom_value(kind: Option<CustomType>, text: &str) -> Value {
    match kind {
        Some(k) if k.numeric() => text
            .parse::<i64>()
            .map(Value::from)
            .ok()
            .or_else(|| {
                text.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
            })
            .unwrap_or_else(|| Value::String(text.to_owned())),
        Some(CustomType::Checkbox) => {
            yes_no(text).map_or_else(|| Value::String(text.to_owned()), Value::Bool)
        }
        _ => Value::String(text.to_owned()),
    }
}

/// A contact as the server holds it, as a draft: what an opened contact loads into the
/// form. List fields take their ids (`WhatsMark`'s `group_id`, what was stored, before
/// `groups`, which lists only groups that still exist), custom fields their values.
#[must_use]
pub fn draft_of(flavour: Flavour, contact: &Value) -> Draft {
    let mut draft = Draft::default();
    for spec in flavour.fields() {
        let key = spec.key;
        match spec.kind {
            FieldKind::MultiPick(_) => {
                let stored = if key == "groups" {
                    contact.get("group_id").filter(|v| v.is_array())
                } else {
                    None
                };
                let ids: Vec<String> = stored
                    .or_else(|| lookup(contact, key))
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| scalar(v.get("id").unwrap_or(v)))
                    .collect();
                if !ids.is_empty() {
                    draft.lists.insert(key.to_owned(), ids);
                }
            }
            FieldKind::CustomFields => match contact.get(key) {
                Some(Value::Array(values)) => {
                    for v in values {
                        let id = v.get("field_id").and_then(scalar);
                        let value = v.get("field_value").and_then(scalar);
                        if let (Some(id), Some(value)) = (id, value) {
                            draft.custom.insert(id, value);
                        }
                    }
                }
                Some(Value::Object(map)) => {
                    for (id, v) in map {
                        let value = match v {
                            // A checkbox as the form writes it.
                            Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_owned()),
                            v => scalar(v),
                        };
                        if let Some(value) = value {
                            draft.custom.insert(id.clone(), value);
                        }
                    }
                }
                _ => {}
            },
            _ => {
                // A contact's inbox is not a field of it but where it was created: the
                // first of its `contact_inboxes` (Chatwoot).
                let inbox = || {
                    let first = contact.pointer("/contact_inboxes/0/inbox/id");
                    first.filter(|_| spec.role == Role::Inbox).and_then(scalar)
                };
                if let Some(value) = lookup(contact, key).and_then(scalar).or_else(inbox) {
                    draft.set(key, value);
                }
            }
        }
    }
    draft
}

/// Text or a number as text; `null`, `true`, objects and arrays are no value here.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One field an update changes: its key, what the server holds, and what is sent
/// (`Value::Null` clears it).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The contract key.
    pub key: &'static str,
    /// What the contact holds now (`None`: nothing).
    pub old: Option<Value>,
    /// What the update sends.
    pub new: Value,
}

/// The partial update that turns `before` (the contact as opened) into `after` (as the
/// agent left it): only the fields that differ, by their create bodies (so a phone typed
/// another way but the same number is no change); a cleared optional field is `null`, a
/// list the agent changed is sent whole (`[]` clears it). A required field left empty is
/// refused here, by key, before anything is sent.
pub fn update_body(
    flavour: Flavour,
    before: &Draft,
    after: &Draft,
    default_region: Option<&str>,
    defs: &[CustomFieldDef],
) -> Result<(Value, Vec<Change>), Vec<&'static str>> {
    let old = create_body(flavour, before, default_region, defs);
    let new = create_body(flavour, after, default_region, defs);
    let mut body = Map::new();
    let mut changes = Vec::new();
    let mut cleared_required = Vec::new();
    for spec in flavour.fields().iter().filter(|f| !f.create_only) {
        let (was, now) = (lookup(&old, spec.key), lookup(&new, spec.key));
        if was == now {
            continue;
        }
        let sent = match now {
            // Custom values go one by one, as an API that merges them into what it holds
            // takes them: only those that changed (one with no definition here is not
            // sent back retyped), and one cleared as `null`, or the merge would keep it.
            _ if spec.kind == FieldKind::CustomFields => {
                let empty = Map::new();
                let was = was.and_then(Value::as_object).unwrap_or(&empty);
                let now = now.and_then(Value::as_object).unwrap_or(&empty);
                let mut sent: Map<String, Value> = now
                    .iter()
                    .filter(|(k, v)| was.get(*k) != Some(*v))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                for gone in was.keys().filter(|k| !now.contains_key(*k)) {
                    sent.insert(gone.clone(), Value::Null);
                }
                Value::Object(sent)
            }
            Some(v) => v.clone(),
            None if spec.required => {
                cleared_required.push(spec.key);
                continue;
            }
            None if matches!(spec.kind, FieldKind::MultiPick(_)) => Value::Array(Vec::new()),
            None => Value::Null,
        };
        put(&mut body, spec.key, sent.clone());
        changes.push(Change {
            key: spec.key,
            old: was.cloned(),
            new: sent,
        });
    }
    if cleared_required.is_empty() {
        Ok((Value::Object(body), changes))
    } else {
        Err(cleared_required)
    }
}

/// `before` with every field `typed` fills laid over it: what the duplicate warning's
/// update sends. A field typed empty keeps the contact's value (this path never
/// clears), and typed list ids are added to the contact's own.
#[must_use]
pub fn overlay(before: &Draft, typed: &Draft) -> Draft {
    let mut out = before.clone();
    for (key, value) in &typed.values {
        if !value.trim().is_empty() {
            out.set(key, value.clone());
        }
    }
    for (key, ids) in &typed.lists {
        let list = out.lists.entry(key.clone()).or_default();
        for id in ids {
            if !list.contains(id) {
                list.push(id.clone());
            }
        }
    }
    for (id, value) in &typed.custom {
        if !value.trim().is_empty() {
            out.custom.insert(id.clone(), value.clone());
        }
    }
    out
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
        let body = create_body(Flavour::Whatsmark, &d, None, &[]);
        assert_eq!(
            body,
            json!({ "firstname": "Ana", "lastname": "Pérez", "phone": "+573188779043", "type": "lead",
                    "source_id": 115, "status_id": 287, "groups": [12, 14] })
        );
    }

    /// A Chatwoot country code goes nested, in upper case whatever case was typed.
    #[test]
    fn a_country_code_is_sent_in_upper_case() {
        let mut d = Draft::default();
        d.set("name", "Ana");
        d.set("additional_attributes.country_code", " co ");
        let body = create_body(Flavour::Chatwoot, &d, Some("CO"), &[]);
        assert_eq!(body["additional_attributes"]["country_code"], "CO");
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
        let body = create_body(Flavour::Wipsy, &d, Some("CO"), &[]);
        assert_eq!(
            body,
            json!({ "name": "José", "phone": "+573188779043", "tags": ["t-1"],
                    "notes": "línea 1\nlínea 2", "custom_fields": { "f-1": "1990-04-01" } })
        );
    }

    fn opened() -> (Value, Draft) {
        let contact = json!({
            "id": 1001, "firstname": "Ana María", "lastname": "Pérez", "phone": "+573188779043",
            "email": "ana@example.com", "company": null, "type": "lead", "source_id": 115,
            "status_id": 287, "city": "Bogotá", "group_id": [12, 99],
            "groups": [{ "id": 12, "name": "VIP" }], "created_at": "2026-11-02T10:00:00Z"
        });
        let draft = draft_of(Flavour::Whatsmark, &contact);
        (contact, draft)
    }

    #[test]
    fn an_opened_contact_is_a_draft_with_its_stored_group_ids() {
        let (_, d) = opened();
        assert_eq!(d.get("firstname"), "Ana María");
        assert_eq!(d.get("source_id"), "115");
        assert_eq!(d.get("company"), "");
        assert_eq!(d.list("groups"), ["12", "99"]);
    }

    #[test]
    fn an_update_sends_only_what_changed_and_null_for_a_cleared_field() {
        let (_, before) = opened();
        let mut after = before.clone();
        after.set("city", "");
        after.set("company", "Acme");
        after.set("phone", "+57 318 877 9043"); // the same number, typed another way
        after.lists.insert("groups".into(), vec!["14".into()]);
        let (body, changes) = update_body(Flavour::Whatsmark, &before, &after, None, &[]).unwrap();
        assert_eq!(
            body,
            json!({ "company": "Acme", "groups": [14], "city": null })
        );
        assert_eq!(changes.len(), 3);
        assert_eq!(changes[2].old, Some(json!("Bogotá")));
        after.lists.remove("groups");
        let (body, _) = update_body(Flavour::Whatsmark, &before, &after, None, &[]).unwrap();
        assert_eq!(
            body["groups"],
            json!([]),
            "an emptied list is cleared, not kept"
        );
    }

    /// Chatwoot merges custom attributes: an update sends the ones that changed (not the
    /// others retyped), a cleared one as `null`, nested attributes nested, and never the
    /// inbox (which only a create takes).
    #[test]
    fn a_merged_update_sends_only_changed_attributes_and_nulls() {
        let contact = json!({ "id": 4, "name": "Ana", "inbox_id": 1,
            "additional_attributes": { "city": "Cali", "company_name": "Acme" },
            "custom_attributes": { "vip_since": true, "orders": 12, "plan": "oro" } });
        let before = draft_of(Flavour::Chatwoot, &contact);
        assert_eq!(before.get("additional_attributes.city"), "Cali");
        assert_eq!(before.custom["vip_since"], "yes");
        let mut after = before.clone();
        after.set("additional_attributes.city", "Medellín");
        after.set("inbox_id", "2");
        after.custom.remove("plan");
        after.custom.insert("orders".into(), "13".into());
        let defs = [CustomFieldDef {
            id: "orders".into(),
            name: "Pedidos".into(),
            kind: CustomType::Number,
            options: Vec::new(),
            required: false,
            order: 0,
            pattern: None,
        }];
        let (body, _) = update_body(Flavour::Chatwoot, &before, &after, None, &defs).unwrap();
        assert_eq!(
            body,
            json!({ "additional_attributes": { "city": "Medellín" },
                    "custom_attributes": { "orders": 13, "plan": null } })
        );
        // The last attribute cleared: `null`, not an empty object the merge ignores.
        let mut none = before.clone();
        none.custom.clear();
        let (body, _) = update_body(Flavour::Chatwoot, &before, &none, None, &defs).unwrap();
        assert_eq!(
            body["custom_attributes"],
            json!({ "vip_since": null, "orders": null, "plan": null })
        );
    }

    #[test]
    fn a_required_field_cannot_be_cleared() {
        let (_, before) = opened();
        let mut after = before.clone();
        after.set("lastname", "");
        after.set("type", "");
        assert_eq!(
            update_body(Flavour::Whatsmark, &before, &after, None, &[]),
            Err(vec!["lastname", "type"])
        );
    }

    #[test]
    fn the_duplicate_path_never_clears_and_adds_groups() {
        let (_, before) = opened();
        let mut typed = Draft::default();
        typed.set("firstname", "Ana María");
        typed.set("email", "ana.perez@example.com");
        typed.set("city", "");
        typed
            .lists
            .insert("groups".into(), vec!["14".into(), "12".into()]);
        let after = overlay(&before, &typed);
        let (body, _) = update_body(Flavour::Whatsmark, &before, &after, None, &[]).unwrap();
        assert_eq!(
            body,
            json!({ "email": "ana.perez@example.com", "groups": [12, 99, 14] })
        );
    }
}
