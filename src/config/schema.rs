//! The JSON Schema of `config.toml` (`rolo config schema`), for editors that check a
//! TOML file against one (taplo, Even Better TOML). It is generated from the config
//! types ([`super::types`]) by `schemars`, their doc comments as descriptions; what a
//! type cannot say is added here: which keys each flavour takes, the defaults each
//! flavour's fields allow, and the rules across keys (a key source, https). The copy in
//! `docs/config.schema.json` is checked against it by a test.

use schemars::{Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

use super::colour::{COLOR_NAMES, normalize_color};
use crate::contact::fields::{FieldKind, Flavour};

/// The prefix of a default for one custom field (`"custom.Industry" = "Retail"`).
pub const CUSTOM_PREFIX: &str = "custom.";

/// The `type` values of a custom-field definition.
pub const CUSTOM_TYPES: &[&str] = &["text", "email", "phone", "number", "date", "select"];

/// The keys of `[profiles.NAME.defaults]` for a profile of `api`: its contract fields,
/// except the custom-fields object itself (a default for one custom field is written
/// `"custom.<name>"`, which only flavours with custom fields take).
#[must_use]
pub fn default_keys(api: Flavour) -> Vec<&'static str> {
    api.fields()
        .iter()
        .filter(|f| f.kind != FieldKind::CustomFields)
        .map(|f| f.key)
        .collect()
}

/// `#RRGGBB`, any case, spaces around it.
pub(super) const HEX: &str = "^\\s*#[0-9A-Fa-f]{6}\\s*$";

/// An http(s) URL with no user name, password, query or fragment.
pub(super) const URL: &str = "^\\s*[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#@]+(/[^?#]*)?\\s*$";

/// https, or plain http on a loopback host.
const SECURE_URL: &str = "^\\s*([Hh][Tt][Tt][Pp][Ss]://|[Hh][Tt][Tt][Pp]://\
    ([Ll][Oo][Cc][Aa][Ll][Hh][Oo][Ss][Tt]|127(\\.[0-9]+){3}|\\[(0{0,4}:){2,7}0{0,3}1\\])\
    ([:/]|\\s*$))";

/// `api`: one of the flavours' names.
pub(super) fn flavour_names(_: &mut SchemaGenerator) -> Schema {
    let names: Vec<&str> = Flavour::ALL.iter().map(|f| f.as_str()).collect();
    json_schema!({ "type": "string", "enum": names })
}

/// An id or a name: text, or an integer read as text.
pub(super) fn label(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": ["string", "integer"], "pattern": "\\S" })
}

/// A custom field's `type`.
pub(super) fn custom_types(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "enum": CUSTOM_TYPES, "default": "text" })
}

/// A frame colour: a name in any spelling the reader takes, or `#RRGGBB`.
pub(super) fn colour(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "anyOf": [
            { "enum": COLOR_NAMES },
            { "pattern": HEX },
            { "pattern": color_spellings() },
        ],
    })
}

/// A select field needs options; no other type takes them.
pub(super) fn select_rule(schema: &mut Schema) {
    schema.insert(
        "if".to_owned(),
        json!({ "required": ["type"], "properties": { "type": { "const": "select" } } }),
    );
    schema.insert(
        "then".to_owned(),
        json!({ "required": ["options"], "properties": { "options": { "minItems": 1 } } }),
    );
    schema.insert(
        "else".to_owned(),
        json!({ "properties": { "options": false } }),
    );
}

/// The rules across a profile's keys: a key source, https, and each flavour's own keys.
pub(super) fn profile_rules(schema: &mut Schema) {
    let mut rules = vec![secret_rule(), https_rule()];
    rules.extend(Flavour::ALL.into_iter().map(flavour_rule));
    schema.insert("allOf".to_owned(), Value::Array(rules));
}

/// At least one key source: a value that names one (`keyring = false` does not).
fn secret_rule() -> Value {
    json!({
        "anyOf": [
            { "required": ["api_key_env"] },
            { "required": ["api_key_cmd"] },
            { "required": ["api_key"] },
            { "required": ["keyring"], "properties": { "keyring": { "const": true } } },
        ],
    })
}

/// Plain http only on loopback, unless the profile allows it.
fn https_rule() -> Value {
    json!({
        "if": {
            "not": {
                "required": ["allow_insecure_http"],
                "properties": { "allow_insecure_http": { "const": true } },
            },
        },
        "then": { "properties": { "base_url": { "pattern": SECURE_URL } } },
    })
}

/// What a profile of `api` may not have (the other flavours' keys and defaults), and
/// what it must (`base_url`, when the flavour has no public endpoint).
fn flavour_rule(api: Flavour) -> Value {
    let own = api.spec().profile_keys;
    let mut keys: Map<String, Value> = Flavour::ALL
        .into_iter()
        .flat_map(|f| f.spec().profile_keys)
        .filter(|key| !own.contains(key))
        .map(|key| ((*key).to_owned(), Value::Bool(false)))
        .collect();
    keys.insert("defaults".to_owned(), defaults_of(api));
    let mut then = json!({ "properties": keys });
    if api.spec().default_base_url.is_none() {
        then["required"] = json!(["base_url"]);
    }
    json!({
        "if": { "required": ["api"], "properties": { "api": { "const": api.as_str() } } },
        "then": then,
    })
}

/// `[profiles.NAME.defaults]` for every flavour at once (so an editor completes them
/// all); [`defaults_of`] narrows it to the profile's flavour.
pub(super) fn defaults(_: &mut SchemaGenerator) -> Schema {
    let mut fields = Map::new();
    for api in Flavour::ALL {
        for key in default_keys(api) {
            if !fields.contains_key(key) {
                fields.insert(key.to_owned(), default_field(key));
            }
        }
    }
    let mut schema = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": fields,
    });
    let with: Vec<&str> = Flavour::ALL
        .iter()
        .filter(|f| f.has_custom_fields())
        .map(|f| f.as_str())
        .collect();
    if !with.is_empty() {
        // `custom.<field>`: quoted (`"custom.Industry" = …`) or dotted, which TOML nests
        // in a `custom` table.
        let description = format!(
            "A default for a custom field, by its name or id ({} only).",
            with.join(", ")
        );
        let mut custom = json!({ "type": "object", "additionalProperties": any_default() });
        custom["description"] = Value::from(description.clone());
        schema["properties"]["custom"] = custom;
        let mut one = any_default();
        one["description"] = Value::from(description);
        schema["patternProperties"] = json!({ CUSTOM_KEY: one });
    }
    Schema::try_from(schema).unwrap_or_default()
}

/// The pattern of a quoted custom-field default: a name after the prefix.
const CUSTOM_KEY: &str = "^custom\\..*\\S";

/// One default, described from the flavours that have the field.
fn default_field(key: &str) -> Value {
    let with: Vec<Flavour> = Flavour::ALL
        .into_iter()
        .filter(|f| default_keys(*f).contains(&key))
        .collect();
    let specs: Vec<_> = with.iter().filter_map(|f| f.field(key)).collect();
    let Some(first) = specs.first() else {
        return any_default();
    };
    let same = specs.iter().all(|s| s.kind == first.kind);
    let names: Vec<&str> = with.iter().map(|f| f.as_str()).collect();
    let mut schema = if same {
        default_value(first.kind)
    } else {
        any_default()
    };
    schema["description"] = Value::from(format!(
        "{}: {} ({}).",
        first.label,
        what(first.kind),
        names.join(", ")
    ));
    schema
}

/// A default as the reader takes it: text, an integer, or a list of them.
fn any_default() -> Value {
    json!({
        "type": ["string", "integer", "array"],
        "items": { "type": ["string", "integer"] },
    })
}

/// A default of a field of `kind`: one of fixed values (alone or as a one-element
/// list, which reads the same), or [`any_default`].
fn default_value(kind: FieldKind) -> Value {
    match kind {
        FieldKind::Enum(allowed) => json!({
            "anyOf": [
                { "type": "string", "enum": allowed },
                { "type": "array", "items": { "enum": allowed }, "minItems": 1, "maxItems": 1 },
            ],
        }),
        _ => any_default(),
    }
}

fn what(kind: FieldKind) -> String {
    match kind {
        FieldKind::Text | FieldKind::MultiLine | FieldKind::CustomFields => "text".to_owned(),
        FieldKind::Email => "an email address".to_owned(),
        FieldKind::Phone => "a phone number".to_owned(),
        FieldKind::Url => "an http(s) URL".to_owned(),
        FieldKind::Enum(allowed) => format!("one of {}", allowed.join(", ")),
        FieldKind::SinglePick(k) => {
            format!("a {} id, as `rolo catalog show` lists them", k.noun())
        }
        FieldKind::MultiPick(k) => format!("{} ids, an array or comma-separated", k.noun()),
    }
}

/// The defaults of a profile of `api`: the other flavours' fields refused, and custom
/// fields when `api` has none.
fn defaults_of(api: Flavour) -> Value {
    let own = default_keys(api);
    let mut fields: Map<String, Value> = Flavour::ALL
        .into_iter()
        .flat_map(default_keys)
        .filter(|key| !own.contains(key))
        .map(|key| (key.to_owned(), Value::Bool(false)))
        .collect();
    fields.extend(own.iter().filter_map(|key| {
        let kind = api.field(key)?.kind;
        Some(((*key).to_owned(), default_value(kind)))
    }));
    if api.has_custom_fields() {
        return json!({ "properties": fields });
    }
    fields.insert("custom".to_owned(), Value::Bool(false));
    json!({ "properties": fields, "patternProperties": { CUSTOM_KEY: false } })
}

/// Every colour name the reader takes, in every spelling it takes: any case, `-`, `_`
/// or spaces anywhere, `grey` for `gray`, `bright-red` for `lightred`. The names are
/// found by asking the reader ([`normalize_color`]) which candidates it takes.
fn color_spellings() -> String {
    let bright = COLOR_NAMES.iter().map(|n| format!("bright{n}"));
    let names: Vec<String> = COLOR_NAMES
        .iter()
        .map(|n| (*n).to_owned())
        .chain(bright)
        .filter(|n| normalize_color(n).is_some())
        .collect();
    let spelled: Vec<String> = names.iter().map(|n| spelled(n)).collect();
    format!("^\\s*[-_ ]*({})[-_ ]*\\s*$", spelled.join("|"))
}

/// `name` in any case with separators between its letters; the `a` of `gray` may be an `e`.
fn spelled(name: &str) -> String {
    let gray_a = name.find("gray").map(|i| i + 2);
    let letters: Vec<String> = name
        .char_indices()
        .map(|(i, c)| {
            if Some(i) == gray_a {
                "[aAeE]".to_owned()
            } else {
                format!("[{c}{}]", c.to_ascii_uppercase())
            }
        })
        .collect();
    letters.join("[-_ ]*")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(schema: &Value, value: &str) -> bool {
        jsonschema::draft7::is_valid(schema, &Value::from(value))
    }

    #[test]
    fn the_colour_pattern_takes_what_the_reader_takes() {
        let colour = &crate::config::schema()["properties"]["profiles"]["additionalProperties"]["properties"]
            ["color"];
        let spellings = [
            "red",
            "Red",
            "RED",
            "grey",
            "Dark-Grey",
            "dark_gray",
            "bright-red",
            "Bright Black",
            "light_blue",
            " lightcyan ",
            "#0ea5e9",
            " #ABCDEF ",
            "-red-",
            "b-r-i-g-h-t-white",
            "reddish",
            "#12345",
            "#GGGGGG",
            "",
            "brightgray",
            "lightgray",
            "derkgray",
            "light\tblue",
            "-\tred",
            "greyy",
            "brighter",
            "rouge",
        ];
        for raw in spellings {
            assert_eq!(
                valid(colour, raw),
                normalize_color(raw).is_some(),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn the_url_patterns_follow_the_reader() {
        let url = json!({ "type": "string", "pattern": URL });
        let secure = json!({ "type": "string", "pattern": SECURE_URL });
        for (raw, ok, safe) in [
            ("https://crm.example.com/api/v2", true, true),
            ("HTTPS://crm.example.com", true, true),
            ("http://127.0.0.1:7878/wipsy", true, true),
            ("http://127.8.9.10", true, true),
            ("http://[::1]:7878", true, true),
            ("http://LocalHost/x", true, true),
            ("http://10.0.0.5/api", true, false),
            ("http://localhost.example.com", true, false),
            ("https://ana:pw@crm.example.com", false, true),
            ("https://crm.example.com/api?x=1", false, true),
            ("https://crm.example.com/#top", false, true),
            ("ftp://crm.example.com", false, false),
            ("crm.example.com/api/v2", false, false),
        ] {
            assert_eq!(valid(&url, raw), ok, "{raw}");
            assert_eq!(valid(&secure, raw), safe, "{raw}");
            let reader = super::super::validate::check_base_url(raw, false).is_ok();
            assert_eq!(reader, ok && safe, "{raw}");
        }
    }
}
