//! The keys the reader knows, table by table. The reader refuses any other key with
//! these lists, and `rolo config schema` describes exactly these: a test
//! (`schema_suite.rs`) holds the schema and these lists together, so a key added
//! to the reader without a description in the schema fails the build's tests.

use crate::contact::fields::{FieldKind, Flavour};

/// The top level of `config.toml`.
pub const ROOT: &[&str] = &["default_profile", "profiles"];

/// Keys every `[profiles.NAME]` table may have, whatever its `api`.
pub const PROFILE_COMMON: &[&str] = &[
    "api",
    "base_url",
    "api_key_env",
    "api_key_cmd",
    "api_key_cmd_timeout_secs",
    "keyring",
    "api_key",
    "label",
    "color",
    "default_region",
    "confirm_submit",
    "read_only",
    "allow_insecure_http",
    "connect_timeout_secs",
    "timeout_secs",
    "defaults",
];

/// Every key a profile table may have: [`PROFILE_COMMON`], then each flavour's own keys
/// (what its API cannot tell or list). A key of another flavour is a known key that the
/// reader refuses with whose it is, rather than as unknown.
#[must_use]
pub fn profile() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = PROFILE_COMMON.to_vec();
    for key in Flavour::ALL.iter().flat_map(|f| f.spec().profile_keys) {
        if !all.contains(key) {
            all.push(key);
        }
    }
    all
}

/// The keys of one `[[profiles.NAME.tags]]` entry.
pub const TAG: &[&str] = super::lists::TAG_KEYS;

/// The keys of one `[[profiles.NAME.stages]]` entry.
pub const STAGE: &[&str] = super::lists::STAGE_KEYS;

/// The keys of one `[[profiles.NAME.custom_fields]]` entry.
pub const CUSTOM_FIELD: &[&str] = &["id", "name", "type", "options", "required", "order"];

/// The keys of one `[[profiles.NAME.assignees]]` or `countries` entry.
pub const NUMBERED: &[&str] = &["id", "name"];

/// The `type` values of a custom-field definition.
pub const CUSTOM_TYPES: &[&str] = &["text", "email", "phone", "number", "date", "select"];

/// The keys of `[profiles.NAME.defaults]` for a profile of `api`: its contract fields,
/// except the custom-fields object itself (a default for one custom field is written
/// `"custom.<name>"`, which only flavours with custom fields take).
#[must_use]
pub fn defaults(api: Flavour) -> Vec<&'static str> {
    api.fields()
        .iter()
        .filter(|f| f.kind != FieldKind::CustomFields)
        .map(|f| f.key)
        .collect()
}

/// The prefix of a default for one custom field (`"custom.Industry" = "Retail"`).
pub const CUSTOM_PREFIX: &str = "custom.";
