//! The JSON Schema of `config.toml` (`rolo config schema`), for editors that check a
//! TOML file against one (taplo, Even Better TOML): they complete keys, show each key's
//! description, and mark a wrong value as it is typed.
//!
//! Decisions:
//! - Draft-07: the draft taplo and most editors read. No `$ref`: in draft-07 a `$ref`
//!   hides the keywords beside it, descriptions included, so every table is spelled out
//!   where it stands.
//! - Every key is written here by hand with its description (from the comments of
//!   `config.example.toml`); which keys exist is the reader's business ([`super::keys`]),
//!   and `schema_suite.rs` holds the two together both ways.
//! - The schema is as strict as the reader wherever JSON Schema can say it: types,
//!   ranges, enums, every spelling of a colour the reader takes, the https rule, the keys
//!   of the other flavour, a select field's options, unknown keys (`additionalProperties:
//!   false` wherever the reader refuses them). What it cannot say (whether a region code
//!   exists, whether `default_profile` names a profile, duplicate ids, an integer written
//!   as a float) is left to `rolo config check`, which reports every problem.
//! - Rules that depend on the flavour (its own keys, its defaults, whether `base_url` is
//!   required) are generated from the flavour specs, the same data the reader uses.

use serde_json::{Map, Value, json};

use super::keys;
use super::profile::{
    COLOR_NAMES, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, MAX_TIMEOUT, normalize_color,
};
use crate::contact::fields::{FieldKind, Flavour};

/// The JSON Schema (draft-07) of `config.toml`.
#[must_use]
pub fn schema() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "rolo config.toml",
        "description": "Profiles for rolo: each one tenant of one WhatsApp CRM (Wipsy or \
            WhatsMark). See config.example.toml; `rolo config check` reports every problem.",
        "type": "object",
        "additionalProperties": false,
        "required": ["profiles"],
        "properties": {
            "default_profile": {
                "description": "The profile used when neither --profile nor ROLO_PROFILE \
                    names one. Optional; without it rolo uses the first profile in the file.",
                "type": "string",
            },
            "profiles": {
                "description": "One table per tenant, [profiles.NAME]. The name (up to 64 \
                    ASCII letters, digits, '-', '_' or '.', starting with a letter or digit) \
                    is also the OS keyring user name.",
                "type": "object",
                "minProperties": 1,
                "propertyNames": { "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$" },
                "additionalProperties": profile(),
            },
        },
    })
}

/// One `[profiles.NAME]` table.
fn profile() -> Value {
    let mut properties = connection();
    properties.extend(display());
    properties.extend(lists());
    let mut rules = vec![secret_rule(), https_rule()];
    rules.extend(Flavour::ALL.into_iter().map(flavour_rule));
    json!({
        "description": "One tenant of one CRM.",
        "type": "object",
        "additionalProperties": false,
        "required": ["api"],
        "properties": properties,
        "allOf": rules,
    })
}

/// `schema` with a description.
fn described(description: &str, mut schema: Value) -> Value {
    if let Value::Object(map) = &mut schema {
        map.insert("description".to_owned(), Value::from(description));
    }
    schema
}

fn properties<const N: usize>(entries: [(&str, Value); N]) -> Map<String, Value> {
    entries
        .into_iter()
        .map(|(key, schema)| (key.to_owned(), schema))
        .collect()
}

/// A string with something in it besides spaces.
fn text() -> Value {
    json!({ "type": "string", "pattern": "\\S" })
}

fn boolean(description: &str) -> Value {
    described(description, json!({ "type": "boolean", "default": false }))
}

/// The API, its address and where its key comes from.
fn connection() -> Map<String, Value> {
    let names: Vec<&str> = Flavour::ALL.iter().map(|f| f.as_str()).collect();
    properties([
        (
            "api",
            described(
                "Which CRM API this tenant speaks. Required.",
                json!({ "type": "string", "enum": names }),
            ),
        ),
        (
            "base_url",
            described(
                "The tenant's API root: for WhatsMark (where it is required) ending in /api/v2; \
             Wipsy defaults to its public endpoint. Must be https://; plain http:// only on \
             127.0.0.1, ::1 and localhost, or with allow_insecure_http = true. No user name, \
             password, ?query or #fragment.",
                json!({ "type": "string", "pattern": URL }),
            ),
        ),
        (
            "api_key_env",
            described(
                "An environment variable holding the API key (ignored when unset or empty). \
             Key sources are tried in this order: api_key_env, api_key_cmd, keyring, \
             api_key; at least one is required.",
                json!({ "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" }),
            ),
        ),
        (
            "api_key_cmd",
            described(
                "A command run with `sh -c` whose trimmed stdout is the API key, like \
             `pass show crm/acme`.",
                text(),
            ),
        ),
        (
            "keyring",
            boolean(
                "Look for the API key in the OS keyring: service \"rolo\", user = the profile name.",
            ),
        ),
        (
            "api_key",
            described(
                "The API key itself, inline. Not recommended: rolo warns, and refuses the key \
             unless the file is readable by you alone (chmod 600). Prefer api_key_env, \
             api_key_cmd or keyring = true.",
                text(),
            ),
        ),
        (
            "allow_insecure_http",
            boolean(
                "Accept a plain http:// base_url on a host that is not loopback (an intranet \
             test server, say). The key then travels unencrypted.",
            ),
        ),
    ])
}

/// How the profile looks and behaves.
fn display() -> Map<String, Value> {
    properties([
        (
            "label",
            described(
                "Shown in the frame and the profile switcher instead of the profile name.",
                text(),
            ),
        ),
        (
            "color",
            described(
                "Frame colour, so the active tenant is unmistakable: black, red, green, yellow, \
             blue, magenta, cyan, gray (or grey), darkgray, lightred, lightgreen, \
             lightyellow, lightblue, lightmagenta, lightcyan, white (any case; \"bright-red\" \
             means lightred), or \"#RRGGBB\".",
                json!({
                    "type": "string",
                    "anyOf": [
                        { "enum": COLOR_NAMES },
                        { "pattern": HEX },
                        { "pattern": color_spellings() },
                    ],
                }),
            ),
        ),
        (
            "default_region",
            described(
                "Region for phone numbers typed without +country: a two-letter ISO 3166 code, \
             like IN, CO or BR.",
                json!({ "type": "string", "pattern": "^\\s*[A-Za-z]{2}\\s*$" }),
            ),
        ),
        (
            "confirm_submit",
            boolean("Ask for confirmation before every submit."),
        ),
        (
            "read_only",
            boolean("Never submit from this profile: fill drafts and browse only."),
        ),
        (
            "connect_timeout_secs",
            timeout("the TCP connection", DEFAULT_CONNECT_TIMEOUT),
        ),
        ("timeout_secs", timeout("a whole request", DEFAULT_TIMEOUT)),
        (
            "api_key_cmd_timeout_secs",
            timeout(
                "api_key_cmd to print the key (it is stopped after that, and its first \
                 lines of stderr shown)",
                crate::secret::CMD_TIMEOUT.as_secs(),
            ),
        ),
    ])
}

fn timeout(what: &str, default: u64) -> Value {
    described(
        &format!("Seconds to wait for {what}. Default {default} (1 to {MAX_TIMEOUT})."),
        json!({ "type": "integer", "minimum": 1, "maximum": MAX_TIMEOUT, "default": default }),
    )
}

/// Defaults, limits and the catalog entries an API cannot list.
fn lists() -> Map<String, Value> {
    properties([
        ("defaults", defaults()),
        (
            "monthly_contact_limit",
            described(
                "Contacts the plan allows each month. The API only says so once it is spent \
             (429), so rolo counts against this number to warn early. Wipsy only.",
                json!({ "type": "integer", "minimum": 1, "maximum": u32::MAX }),
            ),
        ),
        (
            "tags",
            list(
                "Tags, which the API cannot list: id (the uuid), name, and optionally color \
             (#RRGGBB). Wipsy only.",
                item(keys::TAG),
            ),
        ),
        (
            "stages",
            list(
                "Pipeline stages: id, name, and optionally color (#RRGGBB), order (position in \
             the pipeline) and system (a stage Wipsy manages itself). Wipsy only.",
                item(keys::STAGE),
            ),
        ),
        (
            "custom_fields",
            list(
                "Custom-field definitions: id, name, type (default text), options (select only, \
             and then required), required and order (default: the position in the file). \
             Wipsy only.",
                custom_field(),
            ),
        ),
        (
            "assignees",
            list(
                "Staff a contact can be assigned to (assigned_id): an integer id and a name \
             each. WhatsMark only.",
                numbered(),
            ),
        ),
        (
            "countries",
            list(
                "Countries for country_id; when present, this list replaces the bundled one \
             (India = 101). WhatsMark only.",
                numbered(),
            ),
        ),
    ])
}

fn list(description: &str, items: Value) -> Value {
    let mut schema = json!({ "type": "array" });
    schema["items"] = items;
    described(description, schema)
}

/// One tag or stage: `keys` says which of id, name, color, order, system it may have.
fn item(keys: &[&str]) -> Value {
    let all = properties([
        ("id", label("The id the CRM gives it (the uuid).")),
        ("name", label("Its name.")),
        (
            "color",
            described(
                "Its colour, #RRGGBB.",
                json!({ "type": "string", "pattern": HEX }),
            ),
        ),
        (
            "order",
            described(
                "Its position in the pipeline.",
                json!({ "type": "integer" }),
            ),
        ),
        ("system", boolean("A stage Wipsy manages itself.")),
    ]);
    let chosen: Map<String, Value> = all
        .into_iter()
        .filter(|(key, _)| keys.contains(&key.as_str()))
        .collect();
    entry(chosen)
}

/// An id or a name: text, or an integer read as text.
fn label(description: &str) -> Value {
    described(
        description,
        json!({ "type": ["string", "integer"], "pattern": "\\S" }),
    )
}

/// A table of a list: these keys and no other, `id` and `name` required.
fn entry(properties: Map<String, Value>) -> Value {
    let mut schema = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "name"],
    });
    schema["properties"] = Value::Object(properties);
    schema
}

fn custom_field() -> Value {
    let mut schema = entry(properties([
        ("id", label("The field's id (the uuid Wipsy gives it).")),
        ("name", label("The field's name, as on the form.")),
        (
            "type",
            described(
                "How the field is edited and checked. Default text.",
                json!({ "type": "string", "enum": keys::CUSTOM_TYPES, "default": "text" }),
            ),
        ),
        (
            "options",
            described(
                "The choices of a select field (required for one, refused for any other type).",
                json!({ "type": "array", "items": { "type": "string" } }),
            ),
        ),
        ("required", boolean("Whether a contact must have it.")),
        (
            "order",
            described(
                "Its position on the form. Default: its position in the file.",
                json!({ "type": "integer" }),
            ),
        ),
    ]));
    // A select field needs options; no other type takes them.
    let select = json!({
        "if": { "required": ["type"], "properties": { "type": { "const": "select" } } },
        "then": { "required": ["options"], "properties": { "options": { "minItems": 1 } } },
        "else": { "properties": { "options": false } },
    });
    if let (Value::Object(map), Value::Object(rule)) = (&mut schema, select) {
        map.extend(rule);
    }
    schema
}

/// An assignee or a country: an integer id and a name.
fn numbered() -> Value {
    entry(properties([
        (
            "id",
            described(
                "Its integer id in the CRM.",
                json!({ "type": "integer", "minimum": 0 }),
            ),
        ),
        ("name", label("Its name.")),
    ]))
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
    if api.spec().default_base_url.is_none()
        && let Value::Object(map) = &mut then
    {
        map.insert("required".to_owned(), json!(["base_url"]));
    }
    json!({
        "if": { "required": ["api"], "properties": { "api": { "const": api.as_str() } } },
        "then": then,
    })
}

/// `[profiles.NAME.defaults]` for every flavour at once (so an editor completes them
/// all); [`defaults_of`] narrows it to the profile's flavour.
fn defaults() -> Value {
    let mut fields = Map::new();
    for api in Flavour::ALL {
        for key in keys::defaults(api) {
            if !fields.contains_key(key) {
                fields.insert(key.to_owned(), default_field(key));
            }
        }
    }
    let mut schema = json!({
        "description": "Values prefilled on every new contact, by contract field name. A value \
            is a string, an integer, or an array (sent as a comma-separated list).",
        "type": "object",
        "additionalProperties": false,
        "properties": fields,
    });
    if Flavour::ALL.iter().any(|f| f.has_custom_fields()) {
        add_custom_defaults(&mut schema);
    }
    schema
}

/// `custom.<field>` defaults: quoted (`"custom.Industry" = …`) or dotted, which TOML
/// nests in a `custom` table.
fn add_custom_defaults(schema: &mut Value) {
    let with: Vec<&str> = Flavour::ALL
        .iter()
        .filter(|f| f.has_custom_fields())
        .map(|f| f.as_str())
        .collect();
    let description = format!(
        "A default for a custom field, by its name or id ({} only).",
        with.join(", ")
    );
    schema["properties"]["custom"] = described(
        &description,
        json!({ "type": "object", "additionalProperties": any_default() }),
    );
    schema["patternProperties"] = json!({ CUSTOM_KEY: described(&description, any_default()) });
}

/// The pattern of a quoted custom-field default: a name after the prefix.
const CUSTOM_KEY: &str = "^custom\\..*\\S";

/// One default, described from the flavours that have the field.
fn default_field(key: &str) -> Value {
    let with: Vec<Flavour> = Flavour::ALL
        .into_iter()
        .filter(|f| keys::defaults(*f).contains(&key))
        .collect();
    let specs: Vec<_> = with.iter().filter_map(|f| f.field(key)).collect();
    let Some(first) = specs.first() else {
        return any_default();
    };
    let same = specs.iter().all(|s| s.kind == first.kind);
    let names: Vec<&str> = with.iter().map(|f| f.as_str()).collect();
    let description = format!(
        "{}: {} ({}).",
        first.label,
        what(first.kind),
        names.join(", ")
    );
    let schema = if same {
        default_value(first.kind)
    } else {
        any_default()
    };
    described(&description, schema)
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
    let own = keys::defaults(api);
    let mut fields: Map<String, Value> = Flavour::ALL
        .into_iter()
        .flat_map(keys::defaults)
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

/// `#RRGGBB`, any case, spaces around it.
const HEX: &str = "^\\s*#[0-9A-Fa-f]{6}\\s*$";

/// An http(s) URL with no user name, password, query or fragment.
const URL: &str = "^\\s*[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#@]+(/[^?#]*)?\\s*$";

/// https, or plain http on a loopback host.
const SECURE_URL: &str = "^\\s*([Hh][Tt][Tt][Pp][Ss]://|[Hh][Tt][Tt][Pp]://\
    ([Ll][Oo][Cc][Aa][Ll][Hh][Oo][Ss][Tt]|127(\\.[0-9]+){3}|\\[(0{0,4}:){2,7}0{0,3}1\\])\
    ([:/]|\\s*$))";

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
        let colour =
            &schema()["properties"]["profiles"]["additionalProperties"]["properties"]["color"];
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
            let reader = super::super::profile::check_base_url(raw, false).is_ok();
            assert_eq!(reader, ok && safe, "{raw}");
        }
    }
}
