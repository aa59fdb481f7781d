//! The parts of a profile that feed the form: field defaults, the catalog entries an
//! API cannot list (Wipsy tags, stages and custom fields; WhatsMark staff and countries)
//! written inline, and the side files that hold long ones.

// The typed tables hold `Option<Val<T>>` fields, and readers take them as written.
#![allow(clippy::ref_option)]

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::Path;

use super::colour::hex_color;
use super::schema::{CUSTOM_PREFIX, CUSTOM_TYPES, default_keys};
use super::types::{CustomFieldToml, Label, NumberedToml, ProfileToml, StageToml, TagToml};
use super::val::Val;
use super::val::{Field, Tab};
use super::{ConfigError, List, Problems, SideFile};
use crate::contact::catalog::{CustomFieldDef, CustomType, Item};
use crate::contact::fields::{FieldKind, Flavour};

/// What a profile declares beside its connection. `defaults` is `None` when the flavour
/// is unknown (which fields are defaults depends on it).
pub(super) struct Lists {
    pub defaults: Option<BTreeMap<String, String>>,
    pub tags: Vec<Item>,
    pub stages: Vec<Item>,
    pub custom_fields: Vec<CustomFieldDef>,
    pub assignees: Vec<Item>,
    pub countries: Vec<Item>,
    pub side_files: Vec<SideFile>,
}

/// Reads defaults, inline lists and side-file keys; each bad entry is left out, its
/// error in `problems`, and the entries after it still checked.
pub(super) fn read(
    t: &Tab<'_>,
    p: &ProfileToml,
    api: Option<Flavour>,
    config_dir: &Path,
    problems: &mut Problems,
) -> Lists {
    let defaults = api.map(|api| read_defaults(t, p, api, problems));
    let mut lists = Lists {
        defaults,
        tags: elements(t, "tags", &p.tags, problems, tag),
        stages: elements(t, "stages", &p.stages, problems, stage),
        custom_fields: elements(t, "custom_fields", &p.custom_fields, problems, custom_field),
        assignees: elements(t, "assignees", &p.assignees, problems, numbered),
        countries: elements(t, "countries", &p.countries, problems, numbered),
        side_files: Vec::new(),
    };
    for list in List::ALL {
        let (inline, file) = match list {
            List::Tags => (p.tags.is_some(), &p.tags_file),
            List::Stages => (p.stages.is_some(), &p.stages_file),
            List::CustomFields => (p.custom_fields.is_some(), &p.custom_fields_file),
            List::Assignees => (p.assignees.is_some(), &p.assignees_file),
            List::Countries => (p.countries.is_some(), &p.countries_file),
        };
        if let Some(side) = problems
            .take(side_file(t, list, inline, file, config_dir))
            .flatten()
        {
            lists.side_files.push(side);
        }
    }
    lists
}

/// `tags_file = "tags.csv"` and its kin: a path relative to the config file's folder.
fn side_file(
    t: &Tab<'_>,
    list: List,
    inline: bool,
    v: &Option<Val<String>>,
    config_dir: &Path,
) -> Result<Option<SideFile>, ConfigError> {
    let Some(f) = t.get(list.file_key(), v)? else {
        return Ok(None);
    };
    if f.value.trim().is_empty() {
        return Err(f.error("must not be empty; name a CSV file, like \"tags.csv\""));
    }
    if inline {
        return Err(f.error(format!(
            "{} are also written inline in this profile; keep one of the two",
            list.key()
        )));
    }
    Ok(Some(SideFile {
        list,
        path: config_dir.join(f.value.trim()),
        named_at: f.place(),
    }))
}

/// Inline lists longer than this are read at every start before the form opens (a
/// side file is read after it, and cached): past it, rolo says how to move them.
const LONG_INLINE: usize = 2_000;

/// A warning for each inline list long enough to slow every start.
pub(super) fn long_inline(t: &Tab<'_>, p: &ProfileToml) -> Vec<String> {
    fn len<T>(v: Option<&Val<Vec<T>>>) -> Option<(usize, usize)> {
        v.map(|v| (v.span.start, v.got.as_ref().map_or(0, Vec::len)))
    }
    let lists = [
        ("tags", len(p.tags.as_ref())),
        ("stages", len(p.stages.as_ref())),
        ("custom_fields", len(p.custom_fields.as_ref())),
        ("assignees", len(p.assignees.as_ref())),
        ("countries", len(p.countries.as_ref())),
    ];
    lists
        .into_iter()
        .filter_map(|(key, found)| found.filter(|(_, n)| *n > LONG_INLINE).map(|f| (key, f)))
        .map(|(key, (at, n))| {
            t.doc
                .error(
                    &(at..at),
                    &t.key(key),
                    format!(
                        "{n} entries written inline are read at every start, before the form \
                         opens; `rolo config split` moves them to a side file, read after it"
                    ),
                )
                .to_string()
        })
        .collect()
}

/// An error for every key of another flavour that this profile has.
pub(super) fn other_flavour_keys(t: &Tab<'_>, p: &ProfileToml, api: Flavour) -> Vec<ConfigError> {
    let own = api.spec().profile_keys;
    let mut errors = Vec::new();
    for other in Flavour::ALL.into_iter().filter(|f| *f != api) {
        for key in other
            .spec()
            .profile_keys
            .iter()
            .filter(|k| !own.contains(k))
        {
            if let Some(span) = written(p, key) {
                errors.push(t.doc.error(
                    span,
                    &t.key(key),
                    format!("only applies to api = \"{other}\" (this profile is api = \"{api}\")"),
                ));
            }
        }
    }
    errors.sort_by_key(|e| e.line);
    errors
}

/// Where a key only some flavours take is written in `p`, if it is.
fn written<'p>(p: &'p ProfileToml, key: &str) -> Option<&'p Range<usize>> {
    fn span<T>(v: &Option<Val<T>>) -> Option<&Range<usize>> {
        v.as_ref().map(|v| &v.span)
    }
    match key {
        "monthly_contact_limit" => span(&p.monthly_contact_limit),
        "account_id" => span(&p.account_id),
        "inbox_id" => span(&p.inbox_id),
        "tags" => span(&p.tags),
        "tags_file" => span(&p.tags_file),
        "stages" => span(&p.stages),
        "stages_file" => span(&p.stages_file),
        "custom_fields" => span(&p.custom_fields),
        "custom_fields_file" => span(&p.custom_fields_file),
        "assignees" => span(&p.assignees),
        "assignees_file" => span(&p.assignees_file),
        "countries" => span(&p.countries),
        "countries_file" => span(&p.countries_file),
        _ => None,
    }
}

/// `[profiles.NAME.defaults]`: contract field key → value (lists comma-joined).
fn read_defaults(
    t: &Tab<'_>,
    p: &ProfileToml,
    api: Flavour,
    problems: &mut Problems,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(f) = problems.take(t.get("defaults", &p.defaults)).flatten() else {
        return out;
    };
    let table = Tab {
        doc: t.doc,
        path: f.key.clone(),
        span: f.span.clone(),
    };
    // In file order, so the first problem is the first written.
    let mut written: Vec<(&String, &Val<toml::Value>)> = f.value.iter().collect();
    written.sort_by_key(|(_, v)| v.span.start);
    for (key, v) in written {
        let Some(value) = problems.take(table.of(key, v)) else {
            continue;
        };
        // `custom.Industry = "x"` unquoted is a dotted key, so TOML nests it in a table.
        if let (true, toml::Value::Table(inner)) = (key == "custom", value.value)
            && api.has_custom_fields()
        {
            for (name, v) in inner {
                // toml's plain values keep no place: the line that writes this key is
                // found after the table's own, in the text.
                let at = dotted_line(t.doc.text, value.span.start, name);
                let span = at..at;
                let one = Field {
                    value: v,
                    span: &span,
                    key: super::val::join(&value.key, name),
                    doc: t.doc,
                };
                if let Some(text) = problems.take(default_value(&one, v)) {
                    out.insert(format!("{CUSTOM_PREFIX}{name}"), text);
                }
            }
            continue;
        }
        let text = check_default_key(&value, key, api)
            .and_then(|()| default_value(&value, value.value))
            .and_then(|text| check_enum(&value, key, api, &text).map(|()| text));
        if let Some(text) = problems.take(text) {
            out.insert(key.clone(), text);
        }
    }
    out
}

/// The offset of the first line at or after `from` that writes `custom.NAME` (bare or
/// quoted), or `from` when none does.
fn dotted_line(text: &str, from: usize, name: &str) -> usize {
    let from = from.min(text.len());
    let mut at = from;
    for line in text[from..].split_inclusive('\n') {
        let key = line.trim_start().trim_start_matches('"');
        if let Some(rest) = key
            .strip_prefix(CUSTOM_PREFIX)
            .and_then(|k| k.strip_prefix(name))
            && rest.trim_start().starts_with(['=', '"'])
        {
            return at;
        }
        at += line.len();
    }
    from
}

fn check_default_key<T>(f: &Field<'_, T>, key: &str, api: Flavour) -> Result<(), ConfigError> {
    if let Some(name) = key.strip_prefix(CUSTOM_PREFIX) {
        if !api.has_custom_fields() {
            let with: Vec<String> = Flavour::ALL
                .into_iter()
                .filter(|f| f.has_custom_fields())
                .map(|f| format!("api = {:?}", f.as_str()))
                .collect();
            return Err(f.error(format!("custom fields only exist in {}", with.join(" or "))));
        }
        if name.trim().is_empty() {
            return Err(f.error("name the custom field after \"custom.\""));
        }
        return Ok(());
    }
    if key == "custom_fields" && api.has_custom_fields() {
        return Err(f.error("write one default per field, as \"custom.<field name>\" = \"value\""));
    }
    let known = default_keys(api);
    if known.contains(&key) {
        return Ok(());
    }
    let custom = if api.has_custom_fields() {
        ", custom.<name>"
    } else {
        ""
    };
    Err(f.error(format!(
        "not a {api} field (expected one of: {}{custom})",
        known.join(", ")
    )))
}

/// A default is text on the form, so integers and lists are flattened to text.
fn default_value<T>(f: &Field<'_, T>, v: &toml::Value) -> Result<String, ConfigError> {
    let one = |v: &toml::Value| match v {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(n) => Ok(n.to_string()),
        other => Err(f.error(format!(
            "expected a string or an integer, found {}",
            article(other.type_str())
        ))),
    };
    match v {
        toml::Value::Array(items) => Ok(items
            .iter()
            .map(one)
            .collect::<Result<Vec<_>, _>>()?
            .join(",")),
        toml::Value::String(_) | toml::Value::Integer(_) => one(v),
        _ => Err(f.error("expected a string, an integer or an array of strings")),
    }
}

fn article(type_name: &str) -> String {
    let a = if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{a} {type_name}")
}

fn check_enum<T>(
    f: &Field<'_, T>,
    key: &str,
    api: Flavour,
    value: &str,
) -> Result<(), ConfigError> {
    match api.field(key).map(|f| f.kind) {
        Some(FieldKind::Enum(allowed)) if !allowed.contains(&value) => Err(f.error(format!(
            "{value:?} is not allowed (expected one of: {})",
            allowed.join(", ")
        ))),
        _ => Ok(()),
    }
}

/// Something a list holds: it has an id no other entry of the list may share.
trait Entry {
    fn id(&self) -> &str;
}

impl Entry for Item {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Entry for CustomFieldDef {
    fn id(&self) -> &str {
        &self.id
    }
}

/// The entries of an inline list, each read by `one` (given its table and position);
/// a bad entry or a repeated id is left out, its error in `problems`.
fn elements<T: Entry, E>(
    t: &Tab<'_>,
    key: &str,
    v: &Option<Val<Vec<Val<E>>>>,
    problems: &mut Problems,
    one: impl Fn(&Tab<'_>, &E, usize, &mut Problems) -> Option<T>,
) -> Vec<T> {
    let Some(list) = problems.take(t.get(key, v)).flatten() else {
        return Vec::new();
    };
    let mut out: Vec<T> = Vec::with_capacity(list.value.len());
    let mut seen = HashSet::with_capacity(list.value.len());
    for (i, e) in list.value.iter().enumerate() {
        let at = t.element(key, i, &e.span);
        problems.extend(at.doc.unknown_in(&at.path));
        let table = match &e.got {
            Ok(table) => table,
            Err(why) => {
                problems.push(at.here(&at.path, why.clone()));
                continue;
            }
        };
        let Some(item) = one(&at, table, i, problems) else {
            continue;
        };
        if seen.insert(item.id().to_owned()) {
            out.push(item);
        } else {
            problems.push(at.here(&at.path, format!("duplicate id {:?}", item.id())));
        }
    }
    out
}

fn tag(t: &Tab<'_>, e: &TagToml, _: usize, problems: &mut Problems) -> Option<Item> {
    let id = problems.take(required_text(t, "id", &e.id));
    let name = problems.take(required_text(t, "name", &e.name));
    let color = problems.take(read_hex(t, &e.color));
    Some(Item {
        id: id?,
        name: name?,
        color: color?,
        ..Item::default()
    })
}

fn stage(t: &Tab<'_>, e: &StageToml, _: usize, problems: &mut Problems) -> Option<Item> {
    let id = problems.take(required_text(t, "id", &e.id));
    let name = problems.take(required_text(t, "name", &e.name));
    let color = problems.take(read_hex(t, &e.color));
    let order = problems.take(t.int_in("order", &e.order, i64::MIN..=i64::MAX));
    let system = problems.take(t.bool_or("system", &e.system, false));
    Some(Item {
        id: id?,
        name: name?,
        color: color?,
        order: order?,
        system: system?,
    })
}

/// An assignee or a country: integer ids, kept as text like the API's.
fn numbered(t: &Tab<'_>, e: &NumberedToml, _: usize, problems: &mut Problems) -> Option<Item> {
    let id = problems.take(t.int_in("id", &e.id, 0..=i64::MAX).and_then(|id| {
        id.ok_or_else(|| {
            t.here(
                &t.key("id"),
                "missing; every entry needs an integer id and a name",
            )
        })
    }));
    let name = problems.take(required_text(t, "name", &e.name));
    Some(Item {
        id: id?.to_string(),
        name: name?,
        ..Item::default()
    })
}

/// One custom-field definition; `order` defaults to the position in the list.
fn custom_field(
    t: &Tab<'_>,
    e: &CustomFieldToml,
    position: usize,
    problems: &mut Problems,
) -> Option<CustomFieldDef> {
    let kind = problems.take(read_custom_type(t, e));
    // Whether options belong depends on the type.
    let options = kind.and_then(|kind| problems.take(read_options(t, e, kind)));
    let id = problems.take(required_text(t, "id", &e.id));
    let name = problems.take(required_text(t, "name", &e.name));
    let required = problems.take(t.bool_or("required", &e.required, false));
    let order = problems.take(t.int_in("order", &e.order, i64::MIN..=i64::MAX));
    Some(CustomFieldDef {
        id: id?,
        name: name?,
        kind: kind?,
        options: options?,
        required: required?,
        pattern: None,
        order: order?.unwrap_or_else(|| i64::try_from(position).unwrap_or(i64::MAX)),
    })
}

/// A custom-field type name, as written in config or in a side file.
pub(super) fn custom_type(raw: &str) -> Result<CustomType, String> {
    if CUSTOM_TYPES.contains(&raw) {
        Ok(CustomType::parse(raw))
    } else {
        Err(format!(
            "unknown type {raw:?} (expected one of: {})",
            CUSTOM_TYPES.join(", ")
        ))
    }
}

fn read_custom_type(t: &Tab<'_>, e: &CustomFieldToml) -> Result<CustomType, ConfigError> {
    match t.get("type", &e.kind)? {
        None => Ok(CustomType::Text),
        Some(f) => custom_type(f.value).map_err(|m| f.error(m)),
    }
}

fn read_options(
    t: &Tab<'_>,
    e: &CustomFieldToml,
    kind: CustomType,
) -> Result<Vec<String>, ConfigError> {
    let options = match t.get("options", &e.options)? {
        Some(f) if kind != CustomType::Select => {
            return Err(f.error("options only apply to type = \"select\""));
        }
        Some(f) => f
            .value
            .iter()
            .enumerate()
            .map(|(i, o)| {
                o.got
                    .clone()
                    .map_err(|why| t.doc.error(&o.span, &format!("{}[{i}]", f.key), why))
            })
            .collect::<Result<Vec<_>, ConfigError>>()?,
        None => Vec::new(),
    };
    if kind == CustomType::Select && options.is_empty() {
        return Err(t.here(
            &t.key("options"),
            "a select field needs options = [\"…\", \"…\"]",
        ));
    }
    Ok(options)
}

fn required_text(t: &Tab<'_>, key: &str, v: &Option<Val<Label>>) -> Result<String, ConfigError> {
    let f = t.require(key, v, "every entry needs an id and a name")?;
    let text = f.value.text();
    if text.is_empty() {
        return Err(f.error("must not be empty"));
    }
    Ok(text)
}

fn read_hex(t: &Tab<'_>, v: &Option<Val<String>>) -> Result<Option<String>, ConfigError> {
    t.get("color", v)?
        .map(|f| {
            hex_color(f.value.trim())
                .ok_or_else(|| f.error(format!("{:?} is not a #RRGGBB colour", f.value)))
        })
        .transpose()
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
