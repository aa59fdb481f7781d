//! `config.toml` as serde reads it. Every value is a [`Val`]: typed, or why it could not
//! be, with the place it was written, so that one reading finds every problem and each
//! is told with its line (`validate.rs` turns these into profiles). The doc comments
//! are the descriptions of the JSON Schema (`rolo config schema`), generated from these
//! types by `schemars` (`schema.rs` adds the rules a type cannot say).

// The doc comments are the schema's descriptions, read by people in their editors:
// key names stay plain words there, not Markdown code.
#![allow(clippy::doc_markdown)]

use std::collections::BTreeMap;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::Deserialize;
use serde_json::Value;

use super::val::Val;

/// Profiles for rolo: each one tenant of one WhatsApp CRM (Wipsy or WhatsMark). See
/// config.example.toml; `rolo config check` reports every problem.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(title = "rolo config.toml", deny_unknown_fields)]
#[schemars(extend("required" = ["profiles"]))]
pub(super) struct File {
    /// The profile used when neither --profile nor ROLO_PROFILE names one. Optional;
    /// without it rolo uses the first profile in the file.
    pub default_profile: Option<Val<String>>,
    /// One table per tenant, [profiles.NAME]. The name (up to 64 ASCII letters, digits,
    /// '-', '_' or '.', starting with a letter or digit) is also the OS keyring user name.
    #[schemars(extend("minProperties" = 1, "propertyNames" = {"pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"}))]
    pub profiles: Option<Val<BTreeMap<String, Val<ProfileToml>>>>,
}

/// One tenant of one CRM.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields, extend("required" = ["api"]))]
#[schemars(transform = super::schema::profile_rules)]
pub(super) struct ProfileToml {
    /// Which CRM API this tenant speaks. Required.
    #[schemars(schema_with = "super::schema::flavour_names")]
    pub api: Option<Val<String>>,
    /// The tenant's API root: for WhatsMark (where it is required) ending in /api/v2;
    /// Wipsy defaults to its public endpoint. Must be https://; plain http:// only on
    /// 127.0.0.1, ::1 and localhost, or with allow_insecure_http = true. No user name,
    /// password, ?query or #fragment.
    #[schemars(regex(pattern = super::schema::URL))]
    pub base_url: Option<Val<String>>,
    /// An environment variable holding the API key (ignored when unset or empty). Key
    /// sources are tried in this order: api_key_env, api_key_cmd, keyring, api_key; at
    /// least one is required.
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub api_key_env: Option<Val<String>>,
    /// A command run with `sh -c` whose trimmed stdout is the API key, like
    /// `pass show crm/acme`.
    #[schemars(regex(pattern = r"\S"))]
    pub api_key_cmd: Option<Val<String>>,
    /// Seconds to wait for api_key_cmd to print the key (it is stopped after that, and
    /// its first lines of stderr shown). Default 10 (1 to 3600).
    #[schemars(range(min = 1, max = 3600), extend("default" = 10))]
    pub api_key_cmd_timeout_secs: Option<Val<i64>>,
    /// Look for the API key in the OS keyring: service "rolo", user = the profile name.
    #[schemars(extend("default" = false))]
    pub keyring: Option<Val<bool>>,
    /// The API key itself, inline. Not recommended: rolo warns, and refuses the key
    /// unless the file is readable by you alone (chmod 600). Prefer api_key_env,
    /// api_key_cmd or keyring = true.
    #[schemars(regex(pattern = r"\S"))]
    pub api_key: Option<Val<String>>,
    /// Accept a plain http:// base_url on a host that is not loopback (an intranet test
    /// server, say). The key then travels unencrypted.
    #[schemars(extend("default" = false))]
    pub allow_insecure_http: Option<Val<bool>>,
    /// Shown in the frame and the profile switcher instead of the profile name.
    #[schemars(regex(pattern = r"\S"))]
    pub label: Option<Val<String>>,
    /// Frame colour, so the active tenant is unmistakable: black, red, green, yellow,
    /// blue, magenta, cyan, gray (or grey), darkgray, lightred, lightgreen, lightyellow,
    /// lightblue, lightmagenta, lightcyan, white (any case; "bright-red" means
    /// lightred), or "#RRGGBB".
    #[schemars(schema_with = "super::schema::colour")]
    pub color: Option<Val<String>>,
    /// Region for phone numbers typed without +country: a two-letter ISO 3166 code,
    /// like IN, CO or BR.
    #[schemars(regex(pattern = r"^\s*[A-Za-z]{2}\s*$"))]
    pub default_region: Option<Val<String>>,
    /// Ask for confirmation before every submit.
    #[schemars(extend("default" = false))]
    pub confirm_submit: Option<Val<bool>>,
    /// Never submit from this profile: fill drafts and browse only.
    #[schemars(extend("default" = false))]
    pub read_only: Option<Val<bool>>,
    /// Seconds to wait for the TCP connection. Default 5 (1 to 3600).
    #[schemars(range(min = 1, max = 3600), extend("default" = 5))]
    pub connect_timeout_secs: Option<Val<i64>>,
    /// Seconds to wait for a whole request. Default 20 (1 to 3600).
    #[schemars(range(min = 1, max = 3600), extend("default" = 20))]
    pub timeout_secs: Option<Val<i64>>,
    /// Values prefilled on every new contact, by contract field name. A value is a
    /// string, an integer, or an array (sent as a comma-separated list).
    #[schemars(schema_with = "super::schema::defaults")]
    pub defaults: Option<Val<BTreeMap<String, Val<toml::Value>>>>,
    /// The account every request goes to: the number in the dashboard's address
    /// (`/app/accounts/3/...`). Chatwoot only; required there.
    #[schemars(range(min = 1, max = 2_147_483_647))]
    pub account_id: Option<Val<i64>>,
    /// The inbox a new contact is created in unless the form picks another (a WhatsApp
    /// inbox needs a phone, an email inbox an email). Chatwoot only.
    #[schemars(range(min = 1, max = 2_147_483_647))]
    pub inbox_id: Option<Val<i64>>,
    /// Contacts the plan allows each month. The API only says so once it is spent
    /// (429), so rolo counts against this number to warn early. Wipsy only.
    #[schemars(range(min = 1, max = 4_294_967_295_i64))]
    pub monthly_contact_limit: Option<Val<i64>>,
    /// Tags, which the API cannot list: id (the uuid), name, and optionally color
    /// (#RRGGBB). Wipsy only. A long list is better kept in tags_file.
    pub tags: Option<Val<Vec<Val<TagToml>>>>,
    /// A CSV file of tags (header `id,name,color`; color may be left empty), relative
    /// to this file. Read after the form's first frame and cached. Wipsy only.
    #[schemars(regex(pattern = r"\S"))]
    pub tags_file: Option<Val<String>>,
    /// Pipeline stages: id, name, and optionally color (#RRGGBB), order (position in the
    /// pipeline) and system (a stage Wipsy manages itself). Wipsy only.
    pub stages: Option<Val<Vec<Val<StageToml>>>>,
    /// A CSV file of stages (header `id,name`, and optionally `color`, `order`,
    /// `system`), relative to this file. Wipsy only.
    #[schemars(regex(pattern = r"\S"))]
    pub stages_file: Option<Val<String>>,
    /// Custom-field definitions: id, name, type (default text), options (select only,
    /// and then required), required and order (default: the position in the file).
    /// Wipsy only.
    pub custom_fields: Option<Val<Vec<Val<CustomFieldToml>>>>,
    /// A CSV file of custom-field definitions (header `id,name`, and optionally `type`,
    /// `options` (separated by `|`), `required`, `order`), relative to this file. Wipsy
    /// only.
    #[schemars(regex(pattern = r"\S"))]
    pub custom_fields_file: Option<Val<String>>,
    /// Staff a contact can be assigned to (assigned_id): an integer id and a name each.
    /// WhatsMark only.
    pub assignees: Option<Val<Vec<Val<NumberedToml>>>>,
    /// A CSV file of staff (header `id,name`, integer ids), relative to this file.
    /// WhatsMark only.
    #[schemars(regex(pattern = r"\S"))]
    pub assignees_file: Option<Val<String>>,
    /// Countries for country_id; when present, this list replaces the bundled one
    /// (India = 101). WhatsMark only.
    pub countries: Option<Val<Vec<Val<NumberedToml>>>>,
    /// A CSV file of countries (header `id,name`, integer ids), relative to this file;
    /// it replaces the bundled list. WhatsMark only.
    #[schemars(regex(pattern = r"\S"))]
    pub countries_file: Option<Val<String>>,
}

/// One tag.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields, extend("required" = ["id", "name"]))]
pub(super) struct TagToml {
    /// The id the CRM gives it (the uuid).
    #[schemars(schema_with = "super::schema::label")]
    pub id: Option<Val<Label>>,
    /// Its name.
    #[schemars(schema_with = "super::schema::label")]
    pub name: Option<Val<Label>>,
    /// Its colour, #RRGGBB.
    #[schemars(regex(pattern = super::schema::HEX))]
    pub color: Option<Val<String>>,
}

/// One pipeline stage.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields, extend("required" = ["id", "name"]))]
pub(super) struct StageToml {
    /// The id the CRM gives it (the uuid).
    #[schemars(schema_with = "super::schema::label")]
    pub id: Option<Val<Label>>,
    /// Its name.
    #[schemars(schema_with = "super::schema::label")]
    pub name: Option<Val<Label>>,
    /// Its colour, #RRGGBB.
    #[schemars(regex(pattern = super::schema::HEX))]
    pub color: Option<Val<String>>,
    /// Its position in the pipeline.
    pub order: Option<Val<i64>>,
    /// A stage Wipsy manages itself.
    #[schemars(extend("default" = false))]
    pub system: Option<Val<bool>>,
}

/// One custom-field definition.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields, extend("required" = ["id", "name"]))]
#[schemars(transform = super::schema::select_rule)]
pub(super) struct CustomFieldToml {
    /// The field's id (the uuid Wipsy gives it).
    #[schemars(schema_with = "super::schema::label")]
    pub id: Option<Val<Label>>,
    /// The field's name, as on the form.
    #[schemars(schema_with = "super::schema::label")]
    pub name: Option<Val<Label>>,
    /// How the field is edited and checked. Default text.
    #[serde(rename = "type")]
    #[schemars(schema_with = "super::schema::custom_types")]
    pub kind: Option<Val<String>>,
    /// The choices of a select field (required for one, refused for any other type).
    pub options: Option<Val<Vec<Val<String>>>>,
    /// Whether a contact must have it.
    #[schemars(extend("default" = false))]
    pub required: Option<Val<bool>>,
    /// Its position on the form. Default: its position in the file.
    pub order: Option<Val<i64>>,
}

/// An assignee or a country.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields, extend("required" = ["id", "name"]))]
pub(super) struct NumberedToml {
    /// Its integer id in the CRM.
    #[schemars(range(min = 0))]
    pub id: Option<Val<i64>>,
    /// Its name.
    #[schemars(schema_with = "super::schema::label")]
    pub name: Option<Val<Label>>,
}

/// An id or a name: text, or an integer read as text.
#[derive(Debug)]
pub(super) enum Label {
    /// Written as text.
    Text(String),
    /// Written as an integer.
    Int(i64),
}

/// By hand, not `untagged`: serde's untagged enums say only what they expected, and
/// the user is told what was found too ("expected a string or an integer, found a
/// boolean").
impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Label;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or an integer")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Label, E> {
                Ok(Label::Text(v.to_owned()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Label, E> {
                Ok(Label::Int(v))
            }
        }
        d.deserialize_any(Visit)
    }
}

impl Label {
    /// The label as text, trimmed.
    pub fn text(&self) -> String {
        match self {
            Self::Text(s) => s.trim().to_owned(),
            Self::Int(n) => n.to_string(),
        }
    }
}

/// The JSON Schema (draft-07) of `config.toml`.
#[must_use]
pub fn schema() -> Value {
    let mut settings = SchemaSettings::draft07();
    settings.inline_subschemas = true;
    let schema = settings
        .into_generator()
        .into_root_schema_for::<super::types::File>();
    let mut value = schema.to_value();
    tidy(&mut value);
    value
}

/// `Option` adds `null` to a type; TOML has no null, so the schema says nothing of it.
/// And a description is the doc comment's text without its line breaks (an editor
/// wraps it), paragraphs kept.
fn tidy(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(d)) = map.get_mut("description") {
                let paragraphs: Vec<String> = d
                    .split("\n\n")
                    .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                    .collect();
                *d = paragraphs.join("\n\n");
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let one = types.remove(0);
                    map.insert("type".to_owned(), one);
                }
            }
            map.values_mut().for_each(tidy);
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}
