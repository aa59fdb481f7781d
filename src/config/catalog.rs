//! The parts of a profile that feed the form: field defaults, and the catalog entries
//! an API cannot list (Wipsy tags, stages and custom fields; WhatsMark staff and countries).

use std::collections::BTreeMap;

use super::keys::{CUSTOM_FIELD, CUSTOM_PREFIX, CUSTOM_TYPES, NUMBERED};
use super::lists::Ids;
use super::profile::hex_color;
use super::reader::{Entry, Table};
use super::{ConfigError, Problems};
use crate::contact::catalog::{CustomFieldDef, CustomType, Item};
use crate::contact::fields::{FieldKind, Flavour};

/// `[profiles.NAME.defaults]`: contract field key → value (lists comma-joined). A bad
/// default is left out, its error in `problems`.
pub(super) fn read_defaults(
    t: &Table<'_>,
    api: Flavour,
    problems: &mut Problems,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(entry) = t.get("defaults") else {
        return out;
    };
    let Some(table) = problems.take(entry.as_table()) else {
        return out;
    };
    for e in table.entries() {
        // `custom.Industry = "x"` unquoted is a dotted key, so TOML nests it in a table.
        if e.key == "custom" && e.is_table() && api.has_custom_fields() {
            for inner in problems
                .take(e.as_table())
                .map(|t| t.entries())
                .unwrap_or_default()
            {
                if let Some(value) = problems.take(default_value(&inner)) {
                    out.insert(format!("{CUSTOM_PREFIX}{}", inner.key), value);
                }
            }
            continue;
        }
        let value = check_default_key(&e, api)
            .and_then(|()| default_value(&e))
            .and_then(|value| check_enum(&e, api, &value).map(|()| value));
        if let Some(value) = problems.take(value) {
            out.insert(e.key.to_owned(), value);
        }
    }
    out
}

fn check_default_key(e: &Entry<'_>, api: Flavour) -> Result<(), ConfigError> {
    if let Some(name) = e.key.strip_prefix(CUSTOM_PREFIX) {
        if !api.has_custom_fields() {
            let with: Vec<Flavour> = Flavour::ALL
                .into_iter()
                .filter(|f| f.has_custom_fields())
                .collect();
            let with: Vec<String> = with
                .iter()
                .map(|f| format!("api = {:?}", f.as_str()))
                .collect();
            return Err(e.error(format!("custom fields only exist in {}", with.join(" or "))));
        }
        if name.trim().is_empty() {
            return Err(e.error("name the custom field after \"custom.\""));
        }
        return Ok(());
    }
    if e.key == "custom_fields" && api.has_custom_fields() {
        return Err(e.error("write one default per field, as \"custom.<field name>\" = \"value\""));
    }
    let known = super::keys::defaults(api);
    if known.contains(&e.key) {
        return Ok(());
    }
    let custom = if api.has_custom_fields() {
        ", custom.<name>"
    } else {
        ""
    };
    Err(e.error(format!(
        "not a {api} field (expected one of: {}{custom})",
        known.join(", ")
    )))
}

/// A default is text on the form, so integers and lists are flattened to text.
fn default_value(e: &Entry<'_>) -> Result<String, ConfigError> {
    match e.as_array() {
        Ok(items) => Ok(items
            .iter()
            .map(Entry::as_text)
            .collect::<Result<Vec<_>, _>>()?
            .join(",")),
        Err(_) => e
            .as_text()
            .map_err(|_| e.error("expected a string, an integer or an array of strings")),
    }
}

fn check_enum(e: &Entry<'_>, api: Flavour, value: &str) -> Result<(), ConfigError> {
    match api.field(e.key).map(|f| f.kind) {
        Some(FieldKind::Enum(allowed)) if !allowed.contains(&value) => Err(e.error(format!(
            "{value:?} is not allowed (expected one of: {})",
            allowed.join(", ")
        ))),
        _ => Ok(()),
    }
}

/// `[[profiles.NAME.tags]]` or `[[profiles.NAME.stages]]`; `allowed` lists the keys
/// each entry may have, all of them among id, name, color, order, system. A bad entry
/// is left out, its error in `problems`, and the entries after it are still checked.
///
/// A list the fast path read comes with its plainly right entries already built; the
/// tables it left are read here like any other, which says what is wrong with them (or
/// takes them after all), so there is one set of messages.
pub(super) fn read_items(
    t: &Table<'_>,
    key: &str,
    allowed: &[&str],
    problems: &mut Problems,
) -> Vec<Item> {
    let Some(entry) = t.get(key) else {
        return Vec::new();
    };
    let Some(group) = entry.flat_list() else {
        let Some(entries) = problems.take(entry.elements()) else {
            return Vec::new();
        };
        let mut items: Vec<Item> = Vec::with_capacity(entries.size_hint().0);
        let mut seen = Ids::default();
        for e in entries {
            push_item(&mut items, &mut seen, &e, allowed, problems);
        }
        return items;
    };
    let (built, lines) = group.built.take();
    if group.tables.is_empty() {
        return built;
    }
    // Some tables need the reader: the list again in file order, every id checked.
    let Some(mut left) = problems.take(entry.elements()) else {
        return Vec::new();
    };
    let mut built = built.into_iter().zip(lines);
    let mut items: Vec<Item> = Vec::with_capacity(group.len);
    let mut seen = Ids::with_capacity(group.len);
    let mut odd = group.tables.iter().map(|(at, _)| *at).peekable();
    for i in 0..group.len {
        if odd.next_if_eq(&i).is_some() {
            match left.next() {
                Some(e) => push_item(&mut items, &mut seen, &e, allowed, problems),
                None => problems.push(entry.error("a table went missing")),
            }
        } else {
            let Some((item, line)) = built.next() else {
                problems.push(entry.error("an entry went missing"));
                continue;
            };
            if seen.fresh(&items, &item.id, |i| &i.id) {
                items.push(item);
            } else {
                let message = format!("duplicate id {:?}", item.id);
                problems.push(entry.element_error(i, line as usize, &message));
            }
        }
    }
    items
}

/// Reads one entry of a tags or stages list and keeps it when it is right and its id new.
fn push_item(
    items: &mut Vec<Item>,
    seen: &mut Ids,
    e: &Entry<'_>,
    allowed: &[&str],
    problems: &mut Problems,
) {
    if let Some(item) = read_item(e, allowed, problems)
        && problems
            .take(check_unique(seen, e, items, &item.id, |i| &i.id))
            .is_some()
    {
        items.push(item);
    }
}

/// One entry of a tags or stages list, checked; `None` when any key of it is wrong.
fn read_item(e: &Entry<'_>, allowed: &[&str], problems: &mut Problems) -> Option<Item> {
    let table = problems.take(e.as_table())?;
    let before = problems.len();
    problems.extend(table.unknown(allowed));
    let id = problems.take(required_text(&table, "id"));
    let name = problems.take(required_text(&table, "name"));
    let color = problems.take(read_hex(&table));
    let order = problems.take(table.get("order").map(|o| o.as_int()).transpose());
    let system = problems.take(table.bool_or("system", false));
    if problems.len() != before {
        return None;
    }
    Some(Item {
        id: id?,
        name: name?,
        color: color?,
        order: order?,
        system: system?,
    })
}

/// `[[profiles.NAME.assignees]]` or `countries`: integer ids, kept as text like the API's.
pub(super) fn read_numbered(t: &Table<'_>, key: &str, problems: &mut Problems) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut seen = Ids::default();
    for e in entries_of(t, key, problems) {
        let Some(table) = problems.take(e.as_table()) else {
            continue;
        };
        let before = problems.len();
        problems.extend(table.unknown(NUMBERED));
        let id = problems.take(
            table
                .require("id", "every entry needs an integer id and a name")
                .and_then(|id| id.as_int_in(0..=i64::MAX)),
        );
        let name = problems.take(required_text(&table, "name"));
        // Only an entry that will be kept may be recorded: `seen` holds its index.
        let (Some(id), Some(name), true) = (id, name, problems.len() == before) else {
            continue;
        };
        let item = Item {
            id: id.to_string(),
            name,
            ..Item::default()
        };
        let fresh = problems.take(check_unique(&mut seen, &e, &items, &item.id, |i| &i.id));
        if fresh.is_some() {
            items.push(item);
        }
    }
    items
}

/// `[[profiles.NAME.custom_fields]]`; `order` defaults to the position in the file.
pub(super) fn read_custom_fields(t: &Table<'_>, problems: &mut Problems) -> Vec<CustomFieldDef> {
    let mut defs: Vec<CustomFieldDef> = Vec::new();
    let mut seen = Ids::default();
    for (position, e) in entries_of(t, "custom_fields", problems).enumerate() {
        let Some(def) = read_custom_field(&e, position, problems) else {
            continue;
        };
        if problems
            .take(check_unique(&mut seen, &e, &defs, &def.id, |d| &d.id))
            .is_some()
        {
            defs.push(def);
        }
    }
    defs
}

/// One custom-field definition; `None` when any key of it is wrong.
fn read_custom_field(
    e: &Entry<'_>,
    position: usize,
    problems: &mut Problems,
) -> Option<CustomFieldDef> {
    let table = problems.take(e.as_table())?;
    let before = problems.len();
    problems.extend(table.unknown(CUSTOM_FIELD));
    let kind = problems.take(read_custom_type(&table));
    // Whether options belong depends on the type.
    let options = kind.and_then(|kind| problems.take(read_options(&table, kind)));
    let id = problems.take(required_text(&table, "id"));
    let name = problems.take(required_text(&table, "name"));
    let required = problems.take(table.bool_or("required", false));
    let order = problems.take(match table.get("order") {
        Some(o) => o.as_int(),
        None => Ok(i64::try_from(position).unwrap_or(i64::MAX)),
    });
    if problems.len() != before {
        return None;
    }
    Some(CustomFieldDef {
        id: id?,
        name: name?,
        kind: kind?,
        options: options?,
        required: required?,
        order: order?,
    })
}

fn read_custom_type(t: &Table<'_>) -> Result<CustomType, ConfigError> {
    let Some((raw, e)) = t.opt_str("type")? else {
        return Ok(CustomType::Text);
    };
    if CUSTOM_TYPES.contains(&raw) {
        Ok(CustomType::parse(raw))
    } else {
        Err(e.error(format!(
            "unknown type {raw:?} (expected one of: {})",
            CUSTOM_TYPES.join(", ")
        )))
    }
}

fn read_options(t: &Table<'_>, kind: CustomType) -> Result<Vec<String>, ConfigError> {
    let options = match t.get("options") {
        Some(e) if kind != CustomType::Select => {
            return Err(e.error("options only apply to type = \"select\""));
        }
        Some(e) => e
            .as_array()?
            .iter()
            .map(|o| Ok(o.as_str()?.to_owned()))
            .collect::<Result<Vec<_>, ConfigError>>()?,
        None => Vec::new(),
    };
    if kind == CustomType::Select && options.is_empty() {
        let key = super::reader::join(&t.path(), "options");
        return Err(t.error_here(&key, "a select field needs options = [\"…\", \"…\"]"));
    }
    Ok(options)
}

/// The elements of an array of tables (or an inline array of tables), if present; a
/// value that is not an array is a problem, and no elements.
fn entries_of<'a>(t: &Table<'a>, key: &str, problems: &mut Problems) -> Elements<'a> {
    t.get(key)
        .and_then(|e| problems.take(e.elements()))
        .into_iter()
        .flatten()
}

/// What [`entries_of`] yields.
type Elements<'a> = std::iter::Flatten<std::option::IntoIter<super::reader::Elements<'a>>>;

fn required_text(t: &Table<'_>, key: &str) -> Result<String, ConfigError> {
    let e = t.require(key, "every entry needs an id and a name")?;
    let text = match e.as_str() {
        Ok(s) => s.trim().to_owned(),
        Err(_) => e.as_text()?.trim().to_owned(),
    };
    if text.is_empty() {
        return Err(e.error("must not be empty"));
    }
    Ok(text)
}

fn read_hex(t: &Table<'_>) -> Result<Option<String>, ConfigError> {
    t.opt_str("color")?
        .map(|(s, e)| {
            hex_color(s.trim()).ok_or_else(|| e.error(format!("{s:?} is not a #RRGGBB colour")))
        })
        .transpose()
}

/// Records an entry's `id`, refusing one an earlier entry of `list` has. Only for an
/// entry that is pushed onto `list` next: `seen` keeps the index it will have there.
fn check_unique<T>(
    seen: &mut Ids,
    e: &Entry<'_>,
    list: &[T],
    id: &str,
    id_of: impl Fn(&T) -> &str,
) -> Result<(), ConfigError> {
    if seen.fresh(list, id, id_of) {
        Ok(())
    } else {
        Err(e.error(format!("duplicate id {id:?}")))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::{Config, ConfigError};

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("c.toml"))
    }

    const WIPSY: &str = "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n";
    const WM: &str = "[profiles.m]\napi = \"whatsmark\"\nbase_url = \"https://x.example/api/v2\"\napi_key_env = \"M\"\n";

    #[test]
    fn custom_field_defaults_may_be_dotted_or_quoted() {
        let text = format!(
            "{WIPSY}[profiles.w.defaults]\ncustom.Industria = \"Retail\"\n\"custom.Talla\" = [\"M\", \"L\"]\n"
        );
        let p = &parse(&text).unwrap().profiles[0];
        assert_eq!(p.defaults["custom.Industria"], "Retail");
        assert_eq!(p.defaults["custom.Talla"], "M,L");
        let wm = format!("{WM}[profiles.m.defaults]\n\"custom.Industria\" = \"Retail\"\n");
        assert!(
            parse(&wm)
                .unwrap_err()
                .message
                .contains("only exist in api = \"wipsy\"")
        );
    }

    #[test]
    fn catalog_entries_may_be_inline_arrays() {
        let text = format!(
            "{WM}assignees = [{{ id = 7, name = \"Priya\" }}, {{ id = 9, name = \"Arjun\" }}]\n"
        );
        let p = &parse(&text).unwrap().profiles[0];
        assert_eq!(
            (p.assignees[1].id.as_str(), p.assignees[1].name.as_str()),
            ("9", "Arjun")
        );
        let bad = format!("{WM}countries = [{{ id = \"101\", name = \"India\" }}]\n");
        let err = parse(&bad).unwrap_err();
        assert_eq!(
            err.key.as_deref(),
            Some("profiles.m.countries[0].id"),
            "{err}"
        );
    }

    #[test]
    fn custom_fields_default_to_text_in_file_order() {
        let text = format!(
            "{WIPSY}[[profiles.w.custom_fields]]\nid = \"b\"\nname = \"B\"\n\
             [[profiles.w.custom_fields]]\nid = \"a\"\nname = \"A\"\ntype = \"number\"\n"
        );
        let defs = parse(&text).unwrap().profiles[0].custom_fields.clone();
        assert_eq!((defs[0].order, defs[1].order), (0, 1));
        assert_eq!(defs[0].kind, crate::contact::catalog::CustomType::Text);
        let opts = format!(
            "{WIPSY}[[profiles.w.custom_fields]]\nid = \"a\"\nname = \"A\"\noptions = [\"x\"]\n"
        );
        assert!(
            parse(&opts)
                .unwrap_err()
                .message
                .contains("only apply to type = \"select\"")
        );
    }
}
