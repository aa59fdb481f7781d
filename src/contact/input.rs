//! Turning what people type (ids or catalog names, comma lists, custom fields by name)
//! into a [`Draft`]. Shared by `rolo add`, profile defaults, and the form.

use super::fields::FieldKind;
use super::{Catalog, CatalogKind, Draft, Flavour};

/// How many names a "no entry named" message lists.
const SHOWN: usize = 20;

/// Resolves one catalog reference: an id or a name. An unknown name is an error naming
/// the choices; a bare number is kept when the catalog cannot tell (WhatsMark ids are
/// not all listable: countries and staff).
pub fn resolve(
    catalog: &Catalog,
    kind: CatalogKind,
    flavour: Flavour,
    value: &str,
) -> Result<String, String> {
    if let Some(item) = catalog.resolve(kind, value) {
        return Ok(item.id.clone());
    }
    let items = catalog.items(kind);
    let opaque = !flavour.caps().integer_ids;
    if items.is_empty() && (opaque || value.trim().parse::<i64>().is_ok()) {
        return Ok(value.trim().to_owned());
    }
    if items.is_empty() {
        return Err(format!(
            "no {} named {value:?} is known yet (`rolo catalog refresh` fetches what the CRM lists)",
            kind.noun()
        ));
    }
    let known: Vec<&str> = items.iter().take(SHOWN).map(|i| i.name.as_str()).collect();
    let more = match items.len().saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!(" and {n} more: `rolo catalog show` lists them"),
    };
    Err(format!(
        "no entry named {value:?} (known: {}{more})",
        known.join(", ")
    ))
}

/// Puts one KEY=VALUE into the draft.
pub fn apply(
    draft: &mut Draft,
    flavour: Flavour,
    catalog: &Catalog,
    key: &str,
    value: &str,
) -> Result<(), String> {
    if let Some(name) = key.strip_prefix("custom.") {
        if !flavour.has_custom_fields() {
            return Err(format!("{flavour} contacts have no custom fields"));
        }
        let def = catalog.custom_field(name).ok_or_else(|| {
            let known: Vec<&str> = catalog
                .custom_fields
                .iter()
                .map(|d| d.name.as_str())
                .collect();
            format!(
                "no custom field named {name:?} (known: {})",
                known.join(", ")
            )
        })?;
        draft.custom.insert(def.id.clone(), value.to_owned());
        return Ok(());
    }
    let spec = flavour.field(key).ok_or_else(|| {
        let known: Vec<&str> = flavour.fields().iter().map(|f| f.key).collect();
        format!("not a {flavour} field (fields: {})", known.join(", "))
    })?;
    match spec.kind {
        FieldKind::MultiPick(kind) => {
            let ids = value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| resolve(catalog, kind, flavour, v))
                .collect::<Result<Vec<_>, _>>()?;
            draft.lists.insert(key.to_owned(), ids);
        }
        FieldKind::SinglePick(kind) if !value.trim().is_empty() => {
            draft.set(key, resolve(catalog, kind, flavour, value)?);
        }
        FieldKind::CustomFields => {
            return Err("set custom fields one by one: custom.NAME=VALUE".to_owned());
        }
        _ => draft.set(key, value),
    }
    Ok(())
}

/// A draft holding a profile's defaults; entries that do not resolve are skipped and
/// returned as messages, so a stale default never blocks the form.
pub fn defaults<'a>(
    flavour: Flavour,
    catalog: &Catalog,
    pairs: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> (Draft, Vec<String>) {
    let mut draft = Draft::default();
    // The flavour's own defaults first (WhatsMark: type lead, as its contract advises;
    // guest only when chosen), under the profile's.
    for &(k, v) in flavour.spec().defaults {
        draft.set(k, v);
    }
    let mut skipped = Vec::new();
    for (k, v) in pairs {
        if let Err(e) = apply(&mut draft, flavour, catalog, k, v) {
            skipped.push(format!("default {k}: {e}"));
        }
    }
    (draft, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::catalog::Item;

    /// A name not found lists 20 names and says how many more there are; with none known
    /// yet it says how to fetch them (it printed "known: " and nothing).
    #[test]
    fn a_name_not_found_says_what_is_known_and_how_much_more() {
        let mut c = Catalog::default();
        let err = resolve(&c, CatalogKind::Sources, Flavour::Whatsmark, "Website").unwrap_err();
        assert!(
            err.starts_with("no source named \"Website\" is known yet"),
            "{err}"
        );
        c.merge_items(
            CatalogKind::Groups,
            (0..23).map(|i| Item {
                id: (100 + i).to_string(),
                name: format!("Group {i}"),
                ..Item::default()
            }),
        );
        let err = resolve(&c, CatalogKind::Groups, Flavour::Whatsmark, "Nope").unwrap_err();
        assert!(
            err.contains("Group 19 and 3 more: `rolo catalog show` lists them)"),
            "{err}"
        );
    }

    #[test]
    fn names_and_ids_both_resolve_and_lists_split_on_commas() {
        let mut c = Catalog::default();
        c.merge_items(
            CatalogKind::Groups,
            [Item {
                id: "12".into(),
                name: "Mayoristas".into(),
                ..Item::default()
            }],
        );
        let mut d = Draft::default();
        apply(&mut d, Flavour::Whatsmark, &c, "groups", "mayoristas, 12").unwrap();
        assert_eq!(d.list("groups"), ["12", "12"]);
        assert!(apply(&mut d, Flavour::Whatsmark, &c, "groups", "Nope").is_err());
        assert!(apply(&mut d, Flavour::Whatsmark, &c, "nickname", "x").is_err());
        apply(&mut d, Flavour::Whatsmark, &c, "country_id", "101").unwrap();
        assert_eq!(d.get("country_id"), "101");
    }
}
