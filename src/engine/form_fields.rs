//! The form's fields for a profile, face-neutral: every documented field of its flavour,
//! the custom fields its catalog defines expanded in their place, each with how it is
//! answered (typed, chosen from fixed values, or picked from a catalog), in form order.
//!
//! The one list every face shows: the full-screen form's rows and the linear prompts are
//! made from it; a face building its own would drift from the others, so it asks here.

use crate::contact::catalog::CustomType;
use crate::contact::fields::{FieldKind, Section};
use crate::contact::validate::CUSTOM_PREFIX;
use crate::contact::{Catalog, CatalogKind, Draft, Flavour};

/// How a field is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// One line of text (email, phone, URL and free text; checked by its kind).
    Line,
    /// Several lines (notes, description).
    Lines,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// A number.
    Number,
    /// One of fixed values (`WhatsMark` `type`, a select custom field).
    Choice(Vec<String>),
    /// One id from a catalog.
    Single(CatalogKind),
    /// Several ids from a catalog.
    Multi(CatalogKind),
}

/// One field of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    /// Contract key, or `custom.<id>` for a custom field.
    pub key: String,
    /// Label, as the form shows it.
    pub label: String,
    /// Whether a create needs it.
    pub required: bool,
    /// How it is answered.
    pub input: Input,
    /// The group it sits in.
    pub section: Section,
    /// Free text that may run long (notes, description, a text custom field): a face
    /// may offer the user's own editor for it.
    pub free_text: bool,
}

/// The fields of `flavour`'s form over `catalog`, in form order. A staff picker with no
/// staff configured is typed as a plain id, as the form does.
#[must_use]
pub fn form_fields(flavour: Flavour, catalog: &Catalog) -> Vec<FormField> {
    let mut out = Vec::new();
    for spec in flavour.fields() {
        let input = match spec.kind {
            FieldKind::MultiLine => Input::Lines,
            FieldKind::SinglePick(CatalogKind::Assignees) if catalog.assignees.is_empty() => {
                Input::Line
            }
            FieldKind::SinglePick(k) => Input::Single(k),
            FieldKind::MultiPick(k) => Input::Multi(k),
            FieldKind::Enum(values) => {
                Input::Choice(values.iter().map(|v| (*v).to_owned()).collect())
            }
            FieldKind::CustomFields => {
                out.extend(custom_fields(catalog));
                continue;
            }
            FieldKind::Text | FieldKind::Email | FieldKind::Phone | FieldKind::Url => Input::Line,
        };
        out.push(FormField {
            key: spec.key.to_owned(),
            label: spec.label.to_owned(),
            required: spec.required,
            free_text: input == Input::Lines,
            input,
            section: spec.section,
        });
    }
    // Stable: fields of one section keep their contract order.
    out.sort_by_key(|f| f.section);
    out
}

fn custom_fields(catalog: &Catalog) -> impl Iterator<Item = FormField> + '_ {
    catalog.custom_fields.iter().map(|d| FormField {
        key: format!("{CUSTOM_PREFIX}{}", d.id),
        label: d.name.clone(),
        required: d.required,
        input: match d.kind {
            CustomType::Select => Input::Choice(d.options.clone()),
            CustomType::Date => Input::Date,
            CustomType::Number | CustomType::Currency | CustomType::Percent => Input::Number,
            CustomType::Checkbox => Input::Choice(vec!["yes".to_owned(), "no".to_owned()]),
            CustomType::Text | CustomType::Email | CustomType::Phone | CustomType::Link => {
                Input::Line
            }
        },
        section: Section::Notes,
        free_text: d.kind == CustomType::Text,
    })
}

/// The value of a single-valued field (`custom.<id>` included); "" when unset.
#[must_use]
pub fn value<'a>(draft: &'a Draft, key: &str) -> &'a str {
    match key.strip_prefix(CUSTOM_PREFIX) {
        Some(id) => draft.custom.get(id).map_or("", String::as_str),
        None => draft.get(key),
    }
}

/// Sets a single-valued field (`custom.<id>` included); an empty value removes it.
pub fn set_value(draft: &mut Draft, key: &str, value: &str) {
    match key.strip_prefix(CUSTOM_PREFIX) {
        Some(id) if value.is_empty() => {
            draft.custom.remove(id);
        }
        Some(id) => {
            draft.custom.insert(id.to_owned(), value.to_owned());
        }
        None => draft.set(key, value),
    }
}

/// Sets a list field; an empty list removes it.
pub fn set_list(draft: &mut Draft, key: &str, ids: Vec<String>) {
    if ids.is_empty() {
        draft.lists.remove(key);
    } else {
        draft.lists.insert(key.to_owned(), ids);
    }
}

/// A picked id as people read it: its catalog name, or the id itself when the catalog
/// does not know it. Looked up by id only (an index), never by scanning names: faces
/// call it while drawing.
#[must_use]
pub fn picked_name(catalog: &Catalog, kind: CatalogKind, id: &str) -> String {
    catalog
        .items(kind)
        .find(id)
        .map_or_else(|| id.to_owned(), |i| i.name.clone())
}

/// A field's value as people read it: picked ids as their catalog names (an id the
/// catalog does not know as itself), lists joined with commas; "" when empty.
#[must_use]
pub fn shown(field: &FormField, draft: &Draft, catalog: &Catalog) -> String {
    let name = |kind: CatalogKind, id: &str| picked_name(catalog, kind, id);
    match &field.input {
        Input::Multi(kind) => draft
            .list(&field.key)
            .iter()
            .map(|id| name(*kind, id))
            .collect::<Vec<_>>()
            .join(", "),
        Input::Single(kind) => {
            let id = value(draft, &field.key);
            if id.is_empty() {
                String::new()
            } else {
                name(*kind, id)
            }
        }
        _ => value(draft, &field.key).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::catalog::CustomFieldDef;

    #[test]
    fn every_documented_field_is_listed_with_custom_fields_in_place() {
        let wm = form_fields(Flavour::Whatsmark, &Catalog::default());
        assert_eq!(wm.len(), 16);
        assert_eq!(wm[0].key, "firstname");
        assert_eq!(
            wm[5].input,
            Input::Choice(vec!["lead".into(), "customer".into(), "guest".into()])
        );
        let assignee = wm.iter().find(|f| f.key == "assigned_id").unwrap();
        assert_eq!(assignee.input, Input::Line, "no staff configured: typed");
        let mut c = Catalog::default();
        c.merge_custom_fields([CustomFieldDef {
            id: "f1".into(),
            name: "Talla".into(),
            kind: CustomType::Select,
            options: vec!["S".into(), "M".into()],
            required: true,
            order: 0,
            pattern: None,
        }]);
        let wipsy = form_fields(Flavour::Wipsy, &c);
        assert_eq!(wipsy.len(), 14);
        let last = wipsy.last().unwrap();
        assert_eq!((last.key.as_str(), last.required), ("custom.f1", true));
        let mut d = Draft::default();
        set_value(&mut d, "custom.f1", "M");
        assert_eq!(value(&d, "custom.f1"), "M");
        assert_eq!(shown(last, &d, &c), "M");
    }
}
