//! Configuration: the profiles a user writes in `config.toml` (see `config.example.toml`).
//!
//! The file is validated as a whole when it is loaded, so that a typo fails at start-up
//! with `file:line: key: message` instead of surfacing halfway through a form. Unknown
//! keys are errors for the same reason.

mod colour;
mod entries;
mod schema;
#[cfg(test)]
mod schema_suite;
pub mod side;
#[cfg(test)]
mod suite;
mod types;
mod unknown;
mod val;
mod validate;

pub use schema::{CUSTOM_PREFIX, CUSTOM_TYPES, default_keys};
pub use types::schema;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::contact::catalog::{CustomFieldDef, Items};
use crate::contact::fields::Flavour;
use crate::secret::SecretSpec;

use val::Doc;

/// Environment variable that overrides [`data_dir`], so tests and scripts can isolate state.
pub const DATA_DIR_ENV: &str = "ROLO_DATA_DIR";

/// A loaded and validated configuration file.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from; every error and warning names it.
    pub path: PathBuf,
    /// `default_profile`, already checked to name one of `profiles`.
    pub default_profile: Option<String>,
    /// Profiles in the order they appear in the file (never empty after `parse`).
    pub profiles: Vec<Profile>,
    /// Non-fatal problems worth showing once (for example an inline `api_key`),
    /// each in the same `file:line: key: message` shape as errors.
    pub warnings: Vec<String>,
}

/// One tenant of one CRM, as configured under `[profiles.NAME]`.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The table name under `profiles`; also the OS keyring user name.
    pub name: String,
    /// Which CRM API this tenant speaks.
    pub api: Flavour,
    /// Base URL of the API, without a trailing slash (https, or http on loopback
    /// or with `allow_insecure_http`).
    pub base_url: url::Url,
    /// Where the API key comes from.
    pub secret: SecretSpec,
    /// Name shown in the frame instead of `name`.
    pub label: Option<String>,
    /// Frame colour: a lowercase colour name ratatui parses, or `#RRGGBB`.
    pub color: Option<String>,
    /// ISO 3166 region (uppercase) for phones typed without `+country`.
    pub default_region: Option<String>,
    /// Ask before each submit.
    pub confirm_submit: bool,
    /// Never submit from this profile (browse and draft only).
    pub read_only: bool,
    /// Allow a plain `http://` base URL that is not loopback.
    pub allow_insecure_http: bool,
    /// The account every request goes to (Chatwoot `account_id`).
    pub account_id: Option<u64>,
    /// Wipsy plan quota of contacts a month, which the API cannot tell.
    pub monthly_contact_limit: Option<u32>,
    /// TCP connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Prefilled field values by contract key (`type`, `source_id`, `tags`, or
    /// `custom.<name>`); lists are comma-joined.
    pub defaults: BTreeMap<String, String>,
    /// Wipsy tags known from the config (shared with the catalog built from it).
    pub tags: Items,
    /// Wipsy pipeline stages known from the config.
    pub stages: Items,
    /// Wipsy custom-field definitions known from the config.
    pub custom_fields: Vec<CustomFieldDef>,
    /// WhatsMark staff (`assigned_id`); integer ids as text.
    pub assignees: Items,
    /// WhatsMark countries overriding the bundled list; integer ids as text.
    pub countries: Items,
    /// Lists kept in CSV files of their own (`tags_file = …`), still to be read: the
    /// engine reads them (off the UI thread, through its cache) into the lists above.
    pub side_files: Vec<SideFile>,
}

/// A list a profile may declare, inline or in a side file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum List {
    /// Wipsy tags (`tags`, `tags_file`).
    Tags,
    /// Wipsy pipeline stages.
    Stages,
    /// Wipsy custom-field definitions.
    CustomFields,
    /// WhatsMark staff.
    Assignees,
    /// WhatsMark countries.
    Countries,
}

impl List {
    /// Every list, in the order a profile's keys are checked.
    pub const ALL: [List; 5] = [
        List::Tags,
        List::Stages,
        List::CustomFields,
        List::Assignees,
        List::Countries,
    ];

    /// The key of the inline list (`tags`).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            List::Tags => "tags",
            List::Stages => "stages",
            List::CustomFields => "custom_fields",
            List::Assignees => "assignees",
            List::Countries => "countries",
        }
    }

    /// The key naming its side file (`tags_file`).
    #[must_use]
    pub fn file_key(self) -> &'static str {
        match self {
            List::Tags => "tags_file",
            List::Stages => "stages_file",
            List::CustomFields => "custom_fields_file",
            List::Assignees => "assignees_file",
            List::Countries => "countries_file",
        }
    }
}

/// A list kept in a CSV file of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideFile {
    /// Which list it holds.
    pub list: List,
    /// The file, relative paths already resolved against the config file's folder.
    pub path: PathBuf,
    /// Where the config names it (`config.toml:12: profiles.big.tags_file`), for
    /// errors about the file as a whole.
    pub named_at: String,
}

impl Profile {
    /// Puts the entries a side file of `list` held in place of the list's inline ones.
    pub fn set_list(&mut self, list: List, entries: side::Entries) {
        let items = match entries {
            side::Entries::CustomFields(defs) => {
                self.custom_fields = defs;
                return;
            }
            side::Entries::Items(items) => items.into(),
        };
        match list {
            List::Tags => self.tags = items,
            List::Stages => self.stages = items,
            List::Assignees => self.assignees = items,
            List::Countries => self.countries = items,
            List::CustomFields => {}
        }
    }

    /// The name to show: the label if set, else the profile name.
    #[must_use]
    pub fn display_name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
}

/// What went wrong, for callers that react differently (a missing file is not a typo).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigErrorKind {
    /// The file does not exist.
    NotFound,
    /// The file exists but could not be read.
    Io,
    /// The file is not valid TOML.
    Syntax,
    /// Valid TOML, but a key or value is wrong.
    Invalid,
    /// The requested profile is not in the file.
    UnknownProfile,
}

/// A configuration error, displayed as `file:line: key: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// The configuration file.
    pub path: PathBuf,
    /// 1-based line, when the problem is at a place in the file.
    pub line: Option<usize>,
    /// Dotted key, like `profiles.acme.base_url`, when one is involved.
    pub key: Option<String>,
    /// What is wrong and, where it helps, how to fix it.
    pub message: String,
    /// The kind of failure.
    pub kind: ConfigErrorKind,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": {key}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl ConfigError {
    fn without_place(path: &Path, kind: ConfigErrorKind, message: String) -> Self {
        Self {
            path: path.to_path_buf(),
            line: None,
            key: None,
            message,
            kind,
        }
    }
}

/// Everything wrong with a config file, not only the first problem: what
/// `rolo config check` reports. [`Config::load`] and [`Config::parse`] stop at the first
/// of these errors, which is the same error they gave before errors were collected.
#[derive(Debug)]
pub struct Checked {
    /// The config as far as it could be read: the profiles that read without a problem,
    /// and every warning. With no errors, it is what [`Config::load`] returns.
    pub config: Config,
    /// Every problem, in the order the reader met them (file order within a table).
    pub errors: Vec<ConfigError>,
}

impl Checked {
    /// The config, or the first problem.
    fn first(self) -> Result<Config, ConfigError> {
        match self.errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(self.config),
        }
    }

    /// A file that could not be read at all (missing, unreadable, not TOML).
    fn failed(path: &Path, error: ConfigError) -> Self {
        Self {
            config: Config {
                path: path.to_path_buf(),
                default_profile: None,
                profiles: Vec::new(),
                warnings: Vec::new(),
            },
            errors: vec![error],
        }
    }
}

/// The problems met while reading, in the order met. [`Config::parse`] reports the
/// first, as it always has; [`Config::check`] reports them all. Reading goes on after a
/// problem wherever what follows does not depend on the broken value (a bad `api` skips
/// the checks that need the flavour), so one mistake gives one message, not a cascade.
#[derive(Debug, Default)]
struct Problems(Vec<ConfigError>);

impl Problems {
    /// The value, or `None` with the error kept.
    fn take<T>(&mut self, result: Result<T, ConfigError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    fn push(&mut self, error: ConfigError) {
        self.0.push(error);
    }

    fn extend(&mut self, errors: impl IntoIterator<Item = ConfigError>) {
        self.0.extend(errors);
    }

    /// How many so far: a reader compares before and after to tell whether its part
    /// of the file was clean.
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl Config {
    /// Reads and validates the file at `path`. Side files (`tags_file = …`) are named,
    /// not read: see [`Profile::side_files`].
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = read(path)?;
        let mut config = Self::parse(&text, path)?;
        config.warn_if_shared();
        Ok(config)
    }

    /// Reads the file at `path` and finds every problem in it and in the side files it
    /// names, not only the first (see [`Checked`]); the warnings [`Config::load`] gives
    /// are in `config.warnings`.
    #[must_use]
    pub fn check(path: &Path) -> Checked {
        let text = match read(path) {
            Ok(text) => text,
            Err(e) => return Checked::failed(path, e),
        };
        let mut checked = Self::check_text(&text, path);
        checked.config.warn_if_shared();
        // Side files too: every problem of every file, as `rolo config check` promises.
        for profile in &checked.config.profiles {
            for file in &profile.side_files {
                if let Err(errors) = side::read(file) {
                    checked.errors.extend(errors);
                }
            }
        }
        checked
    }

    /// Validates `text` as if read from `path` (which names the file in messages and is
    /// where relative side-file paths start).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        Self::check_text(text, path).first()
    }

    /// Every problem of `text` as if read from `path` ([`Config::check`] without the
    /// file): serde reads it into typed tables (a value of the wrong type is kept as a
    /// problem, not a stop), keys no type knows are collected on the way, then one pass
    /// validates the rest.
    #[must_use]
    pub fn check_text(text: &str, path: &Path) -> Checked {
        let doc = Doc {
            path,
            text,
            unknown: &[],
        };
        let tree = match toml::de::DeTable::parse(text) {
            Ok(tree) => tree,
            Err(e) => return Checked::failed(path, doc.syntax_error(&e)),
        };
        let mut unknown = Vec::new();
        let file: Result<types::File, _> =
            serde_ignored::deserialize(toml::de::Deserializer::from(tree), |at| {
                unknown.push(val::steps(&at));
            });
        let file = match file {
            Ok(file) => file,
            Err(e) => return Checked::failed(path, doc.syntax_error(&e)),
        };
        // The tree went into serde; a file with unknown keys (rare) is parsed again to
        // find their lines, so that a big file is never held twice.
        let unknown = if unknown.is_empty() {
            Vec::new()
        } else {
            match toml::de::DeTable::parse(text) {
                Ok(tree) => unknown::told(doc, &tree, unknown),
                Err(e) => return Checked::failed(path, doc.syntax_error(&e)),
            }
        };
        let doc = Doc {
            unknown: &unknown,
            ..doc
        };
        let mut problems = Problems::default();
        problems.extend(doc.unknown_in(""));
        let mut warnings = Vec::new();
        let (names, profiles) = read_profiles(doc, &file, &mut warnings, &mut problems)
            .map_or((None, Vec::new()), |(names, profiles)| {
                (Some(names), profiles)
            });
        let default_profile = read_default_profile(doc, &file, names.as_deref(), &mut problems);
        Checked {
            config: Config {
                path: path.to_path_buf(),
                default_profile,
                profiles,
                warnings,
            },
            errors: problems.0,
        }
    }

    /// The profile to use: `wanted` (from `--profile` or `ROLO_PROFILE`), else
    /// `default_profile`, else the first in the file.
    pub fn select(&self, wanted: Option<&str>) -> Result<&Profile, ConfigError> {
        let name = wanted.or(self.default_profile.as_deref());
        let found = match name {
            Some(name) => self.profile(name),
            None => self.profiles.first(),
        };
        found.ok_or_else(|| {
            let message = match name {
                Some(name) => format!("unknown profile {name:?} ({})", self.known_profiles()),
                None => "no profiles are configured; add a [profiles.NAME] table".to_owned(),
            };
            ConfigError::without_place(&self.path, ConfigErrorKind::UnknownProfile, message)
        })
    }

    /// The profile called `name`, if any.
    #[must_use]
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// An inline key in a file others can read will be refused at submit time; say so
    /// now, while the user is looking at the start-up messages.
    fn warn_if_shared(&mut self) {
        let inline: Vec<&str> = self
            .profiles
            .iter()
            .filter(|p| p.secret.inline.is_some())
            .map(|p| p.name.as_str())
            .collect();
        if !inline.is_empty() && is_shared(&self.path) {
            self.warnings.push(format!(
                "{}: readable by group or others, so the inline api_key of {} will be refused; \
                 run `chmod 600 {}`",
                self.path.display(),
                inline.join(", "),
                self.path.display()
            ));
        }
    }

    fn known_profiles(&self) -> String {
        let names: Vec<&str> = self.profiles.iter().map(|p| p.name.as_str()).collect();
        known_profiles(&names)
    }
}

fn known_profiles(names: &[&str]) -> String {
    if names.is_empty() {
        "no profiles are configured".to_owned()
    } else {
        format!("known profiles: {}", names.join(", "))
    }
}

/// The file's text; a missing or unreadable file is its own kind of error.
fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            ConfigErrorKind::NotFound
        } else {
            ConfigErrorKind::Io
        };
        ConfigError::without_place(path, kind, format!("cannot read the config file: {e}"))
    })
}

/// The top of the file, for keys of the root table.
fn root(doc: Doc<'_>) -> val::Tab<'_> {
    val::Tab {
        doc,
        path: String::new(),
        span: 0..0,
    }
}

/// The profiles table: the name of every profile written (good or bad), and the
/// profiles that read without a problem, in file order. `None` when there is no
/// profiles table to read.
fn read_profiles<'f>(
    doc: Doc<'f>,
    file: &'f types::File,
    warnings: &mut Vec<String>,
    problems: &mut Problems,
) -> Option<(Vec<&'f str>, Vec<Profile>)> {
    const HOW: &str = "add at least one [profiles.NAME] table (see config.example.toml)";
    let table = problems.take(root(doc).require("profiles", &file.profiles, HOW))?;
    if table.value.is_empty() {
        problems.push(table.error(format!("no profiles; {HOW}")));
        return None;
    }
    let mut written: Vec<(&String, &val::Val<types::ProfileToml>)> = table.value.iter().collect();
    written.sort_by_key(|(_, v)| v.span.start);
    let dir = doc.path.parent().unwrap_or(Path::new(""));
    let mut profiles = Vec::new();
    for (name, v) in &written {
        let t = val::Tab {
            doc,
            path: val::join("profiles", name),
            span: v.span.clone(),
        };
        match &v.got {
            Ok(p) => profiles.extend(validate::profile(name, &t, p, dir, warnings, problems)),
            Err(why) => problems.push(t.here(&t.path, why.clone())),
        }
    }
    Some((
        written.iter().map(|(name, _)| name.as_str()).collect(),
        profiles,
    ))
}

/// `default_profile`, checked against the names of the profiles written: a profile
/// with a problem of its own still exists, and is not reported twice.
fn read_default_profile(
    doc: Doc<'_>,
    file: &types::File,
    names: Option<&[&str]>,
    problems: &mut Problems,
) -> Option<String> {
    let f = problems.take(root(doc).get("default_profile", &file.default_profile))??;
    match names {
        Some(names) if !names.contains(&f.value.as_str()) => {
            problems.push(f.error(format!(
                "no profile named {:?} ({})",
                f.value,
                known_profiles(names)
            )));
            None
        }
        _ => Some(f.value.clone()),
    }
}

#[cfg(unix)]
fn is_shared(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn is_shared(_path: &Path) -> bool {
    false
}

/// Where the config file lives by default: the platform config dir, e.g.
/// `~/.config/rolo/config.toml` on Linux.
#[must_use]
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "rolo").map(|d| d.config_dir().join("config.toml"))
}

/// Where drafts, history, the outbox, caches and logs live: `$ROLO_DATA_DIR` if set and
/// not empty, else the platform data dir (e.g. `~/.local/share/rolo` on Linux).
#[must_use]
pub fn data_dir() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => directories::ProjectDirs::from("", "", "rolo").map(|d| d.data_dir().to_path_buf()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = "/etc/rolo/config.toml";

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new(PATH))
    }

    const ONE: &str = "[profiles.acme]\napi = \"wipsy\"\napi_key_env = \"ACME_TOKEN\"\n";

    #[test]
    fn a_minimal_profile_gets_the_documented_defaults() {
        let config = parse(ONE).unwrap();
        let p = config.select(None).unwrap();
        assert_eq!(p.display_name(), "acme");
        assert_eq!(p.base_url.as_str(), "https://api.getwipsy.com/functions/v1");
        assert_eq!((p.connect_timeout.as_secs(), p.timeout.as_secs()), (5, 20));
        assert!(!p.confirm_submit && !p.read_only && !p.allow_insecure_http);
        assert!(p.defaults.is_empty() && p.tags.is_empty() && config.warnings.is_empty());
    }

    #[test]
    fn inline_tables_and_dotted_keys_are_the_same_config() {
        let text =
            "profiles.acme = { api = \"wipsy\", api_key_cmd = \"printf k\", label = \"A\" }\n";
        let p = &parse(text).unwrap().profiles[0];
        assert_eq!((p.name.as_str(), p.display_name()), ("acme", "A"));
    }

    #[test]
    fn a_file_without_profiles_says_how_to_add_one() {
        let err = parse("default_profile = \"x\"\n").unwrap_err();
        assert_eq!((err.line, err.key.as_deref()), (Some(1), Some("profiles")));
        assert!(err.message.contains("[profiles.NAME]"), "{err}");
        let empty = parse("[profiles]\n").unwrap_err();
        assert!(empty.message.contains("no profiles"), "{empty}");
    }

    #[test]
    fn profile_names_must_be_path_safe() {
        let err = parse(&ONE.replace("acme", "\"../acme\"")).unwrap_err();
        assert_eq!(err.key.as_deref(), Some("profiles.\"../acme\""), "{err}");
        assert!(err.message.contains("invalid profile name"), "{err}");
    }

    #[test]
    fn an_inline_key_is_accepted_with_a_warning_in_the_error_shape() {
        let config =
            parse(&ONE.replace("api_key_env = \"ACME_TOKEN\"", "api_key = \"wpy_k\"")).unwrap();
        assert!(config.warnings[0].starts_with(&format!("{PATH}:3: profiles.acme.api_key: ")));
        assert!(!config.warnings[0].contains("wpy_k"));
    }

    #[test]
    fn errors_without_a_place_still_name_the_file() {
        let config = parse(ONE).unwrap();
        let err = config.select(Some("acme-prod")).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{PATH}: unknown profile \"acme-prod\" (known profiles: acme)")
        );
    }

    #[test]
    fn the_default_config_path_is_rolo_config_toml() {
        if let Some(path) = default_config_path() {
            assert!(path.ends_with("config.toml"));
            assert!(path.to_string_lossy().contains("rolo"));
        }
    }
}
