//! One `[profiles.NAME]` table: connection, secret source, display and limits.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use secrecy::SecretString;
use url::{Host, Url};

use super::reader::{Entry, Table};
use super::{ConfigError, Problems, Profile, catalog, keys};
use crate::contact::catalog::{CustomFieldDef, Item};
use crate::contact::fields::Flavour;
use crate::secret::SecretSpec;

/// Seconds to wait for the TCP connection when a profile does not say.
pub(super) const DEFAULT_CONNECT_TIMEOUT: u64 = 5;
/// Seconds to wait for a whole request when a profile does not say.
pub(super) const DEFAULT_TIMEOUT: u64 = 20;
/// An hour; anything longer is surely a unit mistake (milliseconds?).
pub(super) const MAX_TIMEOUT: i64 = 3600;

/// Reads and validates one profile; `warnings` collects non-fatal advice and `problems`
/// every error. `None` when the profile has any problem (each is in `problems`).
///
/// Every key is checked even after one is wrong, in the order the first-error reader
/// always checked them, so the first problem is the error `Config::load` gives.
pub(super) fn read(
    entry: &Entry<'_>,
    warnings: &mut Vec<String>,
    problems: &mut Problems,
) -> Option<Profile> {
    let before = problems.len();
    let name = problems.take(check_name(entry));
    let t = problems.take(entry.as_table())?;
    // Keys only some flavours take (what their API cannot tell or list) are known keys
    // everywhere; a profile of another flavour is told whose they are.
    problems.extend(t.unknown(&keys::profile()));
    let api = problems.take(read_api(&t));
    if let Some(api) = api {
        problems.extend(other_flavour_keys(&t, api));
    }
    let insecure = problems.take(t.bool_or("allow_insecure_http", false));
    // A base URL is only judged once the flavour and the http switch are known.
    let base_url = api
        .zip(insecure)
        .and_then(|(api, insecure)| problems.take(read_base_url(&t, api, insecure)));
    let secret = read_secret(&t, entry.key, warnings, problems);
    let rest = read_rest(&t, api, problems);
    if problems.len() != before {
        return None;
    }
    let url = base_url?;
    Some(rest?.into_profile(name?, api?, url, secret?, insecure?))
}

/// The keys after the connection: display, limits, defaults and catalog entries.
struct Rest {
    label: Option<String>,
    color: Option<String>,
    default_region: Option<String>,
    confirm_submit: bool,
    read_only: bool,
    monthly_contact_limit: Option<u32>,
    connect_timeout: Duration,
    timeout: Duration,
    defaults: BTreeMap<String, String>,
    tags: Vec<Item>,
    stages: Vec<Item>,
    custom_fields: Vec<CustomFieldDef>,
    assignees: Vec<Item>,
    countries: Vec<Item>,
}

/// Reads [`Rest`]; `None` when a key of it is wrong (the error is in `problems`).
fn read_rest(t: &Table<'_>, api: Option<Flavour>, problems: &mut Problems) -> Option<Rest> {
    let label = problems.take(read_label(t));
    let color = problems.take(read_color(t));
    let default_region = problems.take(read_region(t));
    let confirm_submit = problems.take(t.bool_or("confirm_submit", false));
    let read_only = problems.take(t.bool_or("read_only", false));
    let monthly_contact_limit = problems.take(read_monthly_limit(t));
    let connect = problems.take(read_timeout(
        t,
        "connect_timeout_secs",
        DEFAULT_CONNECT_TIMEOUT,
    ));
    let timeout = problems.take(read_timeout(t, "timeout_secs", DEFAULT_TIMEOUT));
    // Which defaults are fields depends on the flavour; the lists do not.
    let defaults = api.map(|api| catalog::read_defaults(t, api, problems));
    Some(Rest {
        tags: catalog::read_items(t, "tags", keys::TAG, problems),
        stages: catalog::read_items(t, "stages", keys::STAGE, problems),
        custom_fields: catalog::read_custom_fields(t, problems),
        assignees: catalog::read_numbered(t, "assignees", problems),
        countries: catalog::read_numbered(t, "countries", problems),
        label: label?,
        color: color?,
        default_region: default_region?,
        confirm_submit: confirm_submit?,
        read_only: read_only?,
        monthly_contact_limit: monthly_contact_limit?,
        connect_timeout: connect?,
        timeout: timeout?,
        defaults: defaults?,
    })
}

impl Rest {
    fn into_profile(
        self,
        name: &str,
        api: Flavour,
        base_url: Url,
        secret: SecretSpec,
        allow_insecure_http: bool,
    ) -> Profile {
        Profile {
            name: name.to_owned(),
            api,
            base_url,
            secret,
            label: self.label,
            color: self.color,
            default_region: self.default_region,
            confirm_submit: self.confirm_submit,
            read_only: self.read_only,
            allow_insecure_http,
            monthly_contact_limit: self.monthly_contact_limit,
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            defaults: self.defaults,
            tags: self.tags.into(),
            stages: self.stages.into(),
            custom_fields: self.custom_fields,
            assignees: self.assignees.into(),
            countries: self.countries.into(),
        }
    }
}

/// Profile names become keyring user names and parts of file names under the data
/// dir, so they are kept to a portable, path-safe alphabet.
fn check_name<'a>(entry: &Entry<'a>) -> Result<&'a str, ConfigError> {
    let name = entry.key;
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let ok_start = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if ok_chars && ok_start && name.len() <= 64 {
        Ok(name)
    } else {
        Err(entry.error(
            "invalid profile name: use up to 64 ASCII letters, digits, '-', '_' or '.', \
             starting with a letter or digit",
        ))
    }
}

/// `"wipsy" or "whatsmark"`: every flavour's name, quoted, for messages.
fn flavour_names(flavours: &[Flavour], sep: &str) -> String {
    let names: Vec<String> = flavours
        .iter()
        .map(|f| format!("{:?}", f.as_str()))
        .collect();
    names.join(sep)
}

fn read_api(t: &Table<'_>) -> Result<Flavour, ConfigError> {
    let choices: Vec<String> = Flavour::ALL
        .iter()
        .map(|f| format!("api = {:?}", f.as_str()))
        .collect();
    let entry = t.require("api", &format!("set {}", choices.join(" or ")))?;
    let name = entry.as_str()?;
    Flavour::from_name(name).ok_or_else(|| {
        entry.error(format!(
            "unknown api {name:?} (expected {})",
            flavour_names(&Flavour::ALL, " or ")
        ))
    })
}

/// An error for every key of another flavour that this profile has.
fn other_flavour_keys(t: &Table<'_>, api: Flavour) -> Vec<ConfigError> {
    let own = api.spec().profile_keys;
    let mut errors = Vec::new();
    for other in Flavour::ALL.into_iter().filter(|f| *f != api) {
        let foreign = other
            .spec()
            .profile_keys
            .iter()
            .filter(|k| !own.contains(k));
        errors.extend(foreign.filter_map(|k| t.get(k)).map(|e| {
            e.error(format!(
                "only applies to api = \"{other}\" (this profile is api = \"{api}\")"
            ))
        }));
    }
    errors
}

fn read_base_url(t: &Table<'_>, api: Flavour, allow_insecure: bool) -> Result<Url, ConfigError> {
    if let (Some(default), None) = (api.spec().default_base_url, t.get("base_url")) {
        return Url::parse(default).map_err(|e| t.error_here(&t.path(), e.to_string()));
    }
    let entry = t.require(
        "base_url",
        "set it to your WhatsMark address, like https://crm.example.com/api/v2",
    )?;
    check_base_url(entry.as_str()?, allow_insecure).map_err(|m| entry.error(m))
}

/// Parses and vets a base URL; the message says how to fix it.
pub(super) fn check_base_url(raw: &str, allow_insecure: bool) -> Result<Url, String> {
    let mut url = Url::parse(raw.trim()).map_err(|e| {
        format!("not a valid URL ({e}); write it like https://crm.example.com/api/v2")
    })?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure || is_loopback(&url) => {}
        "http" => {
            return Err(
                "plain http:// would send the API key unencrypted; use https://, \
                        or set allow_insecure_http = true in this profile if you must"
                    .to_owned(),
            );
        }
        other => return Err(format!("unsupported scheme \"{other}:\"; use https://")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain a user name or password; \
                    put the key in api_key_env, api_key_cmd or the OS keyring"
            .to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a ?query or #fragment; API paths are appended to it".to_owned());
    }
    // API paths are appended to it, so one canonical form avoids `//` in requests.
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

/// Plain http is harmless when the traffic never leaves the machine (the sandbox).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Where the key comes from; `None` when a source is wrong or there is none.
fn read_secret(
    t: &Table<'_>,
    name: &str,
    warnings: &mut Vec<String>,
    problems: &mut Problems,
) -> Option<SecretSpec> {
    let env = problems.take(read_env(t));
    let cmd = problems.take(t.opt_str("api_key_cmd").and_then(non_empty));
    let inline = problems.take(t.opt_str("api_key").and_then(non_empty));
    let keyring = problems.take(t.bool_or("keyring", false));
    let cmd_timeout = problems.take(read_timeout(
        t,
        "api_key_cmd_timeout_secs",
        crate::secret::CMD_TIMEOUT.as_secs(),
    ));
    if let Some(e) = t.get("api_key") {
        warnings.push(e.warning(
            "the API key is written in the config file; prefer api_key_env, api_key_cmd or \
             keyring = true (an inline key is refused unless the file is chmod 600)",
        ));
    }
    let (env, cmd, inline, keyring, cmd_timeout) = (env?, cmd?, inline?, keyring?, cmd_timeout?);
    if env.is_none() && cmd.is_none() && inline.is_none() && !keyring {
        problems.push(t.error_here(
            &t.path(),
            "no API key source; set one of api_key_env, api_key_cmd, keyring = true or api_key",
        ));
        return None;
    }
    Some(SecretSpec {
        profile: name.to_owned(),
        env,
        cmd,
        cmd_timeout: Some(cmd_timeout),
        keyring,
        inline: inline.map(SecretString::from),
    })
}

fn read_env(t: &Table<'_>) -> Result<Option<String>, ConfigError> {
    match t.opt_str("api_key_env")? {
        Some((var, e)) if !is_env_name(var) => {
            Err(e.error("must be an environment variable name, like ACME_TOKEN"))
        }
        other => Ok(other.map(|(var, _)| var.to_owned())),
    }
}

fn non_empty(value: Option<(&str, Entry<'_>)>) -> Result<Option<String>, ConfigError> {
    match value {
        Some((s, e)) if s.trim().is_empty() => Err(e.error("must not be empty")),
        other => Ok(other.map(|(s, _)| s.trim().to_owned())),
    }
}

fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn read_label(t: &Table<'_>) -> Result<Option<String>, ConfigError> {
    match t.opt_str("label")? {
        Some((s, e)) if s.trim().is_empty() => {
            Err(e.error("must not be empty; remove it to show the profile name"))
        }
        other => Ok(other.map(|(s, _)| s.trim().to_owned())),
    }
}

fn read_color(t: &Table<'_>) -> Result<Option<String>, ConfigError> {
    t.opt_str("color")?
        .map(|(s, e)| {
            normalize_color(s).ok_or_else(|| {
                e.error(format!(
                    "unknown colour {s:?}; use one of {} or #RRGGBB",
                    COLOR_NAMES.join(", ")
                ))
            })
        })
        .transpose()
}

/// The 16 terminal colours under the names ratatui's `Color::from_str` reads.
pub(super) const COLOR_NAMES: &[&str] = &[
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "darkgray",
    "lightred",
    "lightgreen",
    "lightyellow",
    "lightblue",
    "lightmagenta",
    "lightcyan",
    "white",
];

/// A colour name in the canonical spelling above (accepting `grey`, `bright-red`,
/// `light_blue`, `bright black`…), or `#RRGGBB` in upper case.
pub(super) fn normalize_color(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if let Some(hex) = hex_color(raw) {
        return Some(hex);
    }
    let squashed: String = raw
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect::<String>()
        .to_ascii_lowercase()
        .replace("grey", "gray");
    let name = match squashed.as_str() {
        "brightblack" | "darkgray" => "darkgray",
        "brightwhite" => "white",
        other => other
            .strip_prefix("bright")
            .map_or(other, |rest| match rest {
                "red" => "lightred",
                "green" => "lightgreen",
                "yellow" => "lightyellow",
                "blue" => "lightblue",
                "magenta" => "lightmagenta",
                "cyan" => "lightcyan",
                _ => other,
            }),
    };
    COLOR_NAMES.contains(&name).then(|| name.to_owned())
}

/// `#RRGGBB` in upper case, or `None`.
pub(super) fn hex_color(raw: &str) -> Option<String> {
    let digits = raw.strip_prefix('#')?;
    if digits.len() != 6 || !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = String::with_capacity(7);
    out.push('#');
    out.extend(digits.chars().map(|c| c.to_ascii_uppercase()));
    Some(out)
}

fn read_region(t: &Table<'_>) -> Result<Option<String>, ConfigError> {
    let Some((raw, e)) = t.opt_str("default_region")? else {
        return Ok(None);
    };
    let code = raw.trim().to_ascii_uppercase();
    let two_letters = code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic());
    if !two_letters {
        return Err(e.error("must be a two-letter ISO 3166 region code, like IN, CO or BR"));
    }
    if code.parse::<phonenumber::country::Id>().is_err() {
        return Err(e.error(format!(
            "unknown region {code:?}; use an ISO 3166 code like IN, CO or BR"
        )));
    }
    Ok(Some(code))
}

fn read_monthly_limit(t: &Table<'_>) -> Result<Option<u32>, ConfigError> {
    t.get("monthly_contact_limit")
        .map(|e| {
            let n = e.as_int_in(1..=i64::from(u32::MAX))?;
            u32::try_from(n).map_err(|_| e.error("out of range"))
        })
        .transpose()
}

fn read_timeout(t: &Table<'_>, key: &str, default: u64) -> Result<Duration, ConfigError> {
    let secs = match t.get(key) {
        Some(e) => e.as_int_in(1..=MAX_TIMEOUT)?.unsigned_abs(),
        None => default,
    };
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_read_in_any_common_spelling() {
        let cases = [
            ("Red", "red"),
            ("grey", "gray"),
            ("bright-red", "lightred"),
            ("light_blue", "lightblue"),
            ("bright black", "darkgray"),
            ("dark-grey", "darkgray"),
            ("#0ea5e9", "#0EA5E9"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_color(raw).as_deref(), Some(want), "{raw}");
        }
        for bad in ["reddish", "#12345", "#GGGGGG", "", "brightgray"] {
            assert_eq!(normalize_color(bad), None, "{bad}");
        }
    }

    #[test]
    fn base_urls_are_vetted_and_lose_their_trailing_slash() {
        let ok = check_base_url("https://crm.example.com/api/v2/", false).unwrap();
        assert_eq!(ok.as_str(), "https://crm.example.com/api/v2");
        assert!(check_base_url("http://127.0.0.1:7878/wipsy", false).is_ok());
        assert!(check_base_url("http://LOCALHOST/wipsy", false).is_ok());
        assert!(check_base_url("http://10.0.0.5/api", true).is_ok());
        let refused = [
            ("http://10.0.0.5/api", "allow_insecure_http"),
            ("ftp://crm.example.com", "unsupported scheme"),
            ("https://ana:pw@crm.example.com", "user name or password"),
            ("https://crm.example.com/api?x=1", "?query"),
            ("not a url", "not a valid URL"),
        ];
        for (raw, says) in refused {
            let err = check_base_url(raw, false).unwrap_err();
            assert!(err.contains(says), "{raw}: {err}");
        }
    }

    #[test]
    fn env_names_are_shell_names() {
        assert!(is_env_name("ACME_TOKEN") && is_env_name("_x1"));
        assert!(!is_env_name("1X") && !is_env_name("A-B") && !is_env_name(""));
    }
}
