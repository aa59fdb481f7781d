//! The one pass that turns what serde read ([`super::types`]) into profiles, collecting
//! every problem as `file:line: key: what is wrong`. A profile with any problem is left
//! out; the checks after a wrong key still run (in the order the reader has always used,
//! so the first problem is the one `Config::load` gives), except those that need the
//! broken value (a bad `api` skips what depends on the flavour).

// The typed tables hold `Option<Val<T>>` fields, and readers take them as written.
#![allow(clippy::ref_option)]

use std::net::IpAddr;
use std::time::Duration;

use secrecy::SecretString;
use url::{Host, Url};

use super::colour::{COLOR_NAMES, normalize_color};
use super::types::ProfileToml;
use super::val::{Field, Tab, Val};
use super::{ConfigError, Problems, Profile, entries};
use crate::contact::fields::Flavour;
use crate::secret::SecretSpec;

/// Seconds to wait for the TCP connection when a profile does not say.
const DEFAULT_CONNECT_TIMEOUT: u64 = 5;
/// Seconds to wait for a whole request when a profile does not say.
const DEFAULT_TIMEOUT: u64 = 20;
/// An hour; anything longer is surely a unit mistake (milliseconds?).
const MAX_TIMEOUT: i64 = 3600;

/// Reads and validates one profile; `warnings` collects non-fatal advice and `problems`
/// every error. `None` when the profile has any problem (each is in `problems`).
pub(super) fn profile(
    name: &str,
    t: &Tab<'_>,
    p: &ProfileToml,
    config_dir: &std::path::Path,
    warnings: &mut Vec<String>,
    problems: &mut Problems,
) -> Option<Profile> {
    let before = problems.len();
    problems.extend(t.doc.unknown_in(&t.path));
    let checked_name = problems.take(check_name(name, t));
    let api = problems.take(read_api(t, p));
    if let Some(api) = api {
        problems.extend(entries::other_flavour_keys(t, p, api));
    }
    let insecure = problems.take(t.bool_or("allow_insecure_http", &p.allow_insecure_http, false));
    // A base URL is only judged once the flavour and the http switch are known.
    let base_url = api
        .zip(insecure)
        .and_then(|(api, insecure)| problems.take(read_base_url(t, p, api, insecure)));
    let secret = read_secret(name, t, p, warnings, problems);
    let looks = read_looks(t, p, problems);
    let lists = entries::read(t, p, api, config_dir, problems);
    // Each told on its own: a wrong account does not hide a wrong inbox.
    let account = api.and_then(|api| problems.take(read_account(t, p, api)));
    let ids = 1..=i64::from(i32::MAX);
    let inbox = problems.take(t.int_in("inbox_id", &p.inbox_id, ids));
    warnings.extend(entries::long_inline(t, p));
    if problems.len() != before {
        return None;
    }
    let looks = looks?;
    Some(Profile {
        name: checked_name?.to_owned(),
        api: api?,
        base_url: base_url?,
        secret: secret?,
        label: looks.label,
        color: looks.color,
        default_region: looks.default_region,
        confirm_submit: looks.confirm_submit,
        read_only: looks.read_only,
        allow_insecure_http: insecure?,
        monthly_contact_limit: looks.monthly_contact_limit,
        connect_timeout: looks.connect_timeout,
        timeout: looks.timeout,
        defaults: with_inbox(lists.defaults?, inbox?.and_then(|n| u64::try_from(n).ok())),
        account_id: account?,
        tags: lists.tags.into(),
        stages: lists.stages.into(),
        custom_fields: lists.custom_fields,
        assignees: lists.assignees.into(),
        countries: lists.countries.into(),
        side_files: lists.side_files,
    })
}

/// How the profile looks and behaves.
struct Looks {
    label: Option<String>,
    color: Option<String>,
    default_region: Option<String>,
    confirm_submit: bool,
    read_only: bool,
    monthly_contact_limit: Option<u32>,
    connect_timeout: Duration,
    timeout: Duration,
}

fn read_looks(t: &Tab<'_>, p: &ProfileToml, problems: &mut Problems) -> Option<Looks> {
    let label = problems.take(read_label(t, p));
    let color = problems.take(read_color(t, p));
    let default_region = problems.take(read_region(t, p));
    let confirm_submit = problems.take(t.bool_or("confirm_submit", &p.confirm_submit, false));
    let read_only = problems.take(t.bool_or("read_only", &p.read_only, false));
    let limit = problems.take(t.int_in(
        "monthly_contact_limit",
        &p.monthly_contact_limit,
        1..=i64::from(u32::MAX),
    ));
    let connect = problems.take(timeout(
        t,
        "connect_timeout_secs",
        &p.connect_timeout_secs,
        DEFAULT_CONNECT_TIMEOUT,
    ));
    let whole = problems.take(timeout(t, "timeout_secs", &p.timeout_secs, DEFAULT_TIMEOUT));
    Some(Looks {
        label: label?,
        color: color?,
        default_region: default_region?,
        confirm_submit: confirm_submit?,
        read_only: read_only?,
        monthly_contact_limit: limit?.and_then(|n| u32::try_from(n).ok()),
        connect_timeout: connect?,
        timeout: whole?,
    })
}

/// Profile names become keyring user names and parts of file names under the data
/// dir, so they are kept to a portable, path-safe alphabet.
fn check_name<'n>(name: &'n str, t: &Tab<'_>) -> Result<&'n str, ConfigError> {
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
        Err(t.here(
            &t.path,
            "invalid profile name: use up to 64 ASCII letters, digits, '-', '_' or '.', \
             starting with a letter or digit",
        ))
    }
}

/// `"wipsy" or "whatsmark"`: every flavour's name, quoted, for messages.
pub(super) fn flavour_names(sep: &str) -> String {
    let names: Vec<String> = Flavour::ALL
        .iter()
        .map(|f| format!("{:?}", f.as_str()))
        .collect();
    names.join(sep)
}

fn read_api(t: &Tab<'_>, p: &ProfileToml) -> Result<Flavour, ConfigError> {
    let choices: Vec<String> = Flavour::ALL
        .iter()
        .map(|f| format!("api = {:?}", f.as_str()))
        .collect();
    let f = t.require("api", &p.api, &format!("set {}", choices.join(" or ")))?;
    Flavour::from_name(f.value).ok_or_else(|| {
        f.error(format!(
            "unknown api {:?} (expected {})",
            f.value,
            flavour_names(" or ")
        ))
    })
}

/// `account_id`, required by a flavour whose paths carry an account (Chatwoot's): a
/// positive integer.
fn read_account(t: &Tab<'_>, p: &ProfileToml, api: Flavour) -> Result<Option<u64>, ConfigError> {
    if !api.spec().profile_keys.contains(&"account_id") {
        return Ok(None);
    }
    let f = t.require(
        "account_id",
        &p.account_id,
        "the number in the dashboard's address after /accounts/, like account_id = 1",
    )?;
    if *f.value < 1 {
        return Err(f.error(format!("{} is not an account id (1 or more)", f.value)));
    }
    let id = t.int_in("account_id", &p.account_id, 1..=i64::from(i32::MAX))?;
    Ok(id.and_then(|n| u64::try_from(n).ok()))
}

/// The profile's `inbox_id` as the default of the form's inbox field, unless its
/// `[defaults]` name one already.
fn with_inbox(
    mut defaults: std::collections::BTreeMap<String, String>,
    inbox: Option<u64>,
) -> std::collections::BTreeMap<String, String> {
    if let Some(inbox) = inbox {
        defaults
            .entry("inbox_id".to_owned())
            .or_insert_with(|| inbox.to_string());
    }
    defaults
}

fn read_base_url(
    t: &Tab<'_>,
    p: &ProfileToml,
    api: Flavour,
    allow_insecure: bool,
) -> Result<Url, ConfigError> {
    if let (Some(default), None) = (api.spec().default_base_url, &p.base_url) {
        return Url::parse(default).map_err(|e| t.here(&t.path, e.to_string()));
    }
    let f = t.require(
        "base_url",
        &p.base_url,
        &format!(
            "set it to your {} address, like https://crm.example.com/api/v2",
            api.spec().title
        ),
    )?;
    check_base_url(f.value, allow_insecure).map_err(|m| f.error(m))
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
    name: &str,
    t: &Tab<'_>,
    p: &ProfileToml,
    warnings: &mut Vec<String>,
    problems: &mut Problems,
) -> Option<SecretSpec> {
    let env = problems.take(read_env(t, p));
    let cmd = problems.take(non_empty(t.get("api_key_cmd", &p.api_key_cmd)));
    let inline = problems.take(non_empty(t.get("api_key", &p.api_key)));
    let keyring = problems.take(t.bool_or("keyring", &p.keyring, false));
    let cmd_timeout = problems.take(timeout(
        t,
        "api_key_cmd_timeout_secs",
        &p.api_key_cmd_timeout_secs,
        crate::secret::CMD_TIMEOUT.as_secs(),
    ));
    if let Some(v) = &p.api_key {
        warnings.push(
            t.doc
                .error(
                    &v.span,
                    &t.key("api_key"),
                    "the API key is written in the config file; prefer api_key_env, \
                     api_key_cmd or keyring = true (an inline key is refused unless the file \
                     is chmod 600)",
                )
                .to_string(),
        );
    }
    let (env, cmd, inline, keyring, cmd_timeout) = (env?, cmd?, inline?, keyring?, cmd_timeout?);
    if env.is_none() && cmd.is_none() && inline.is_none() && !keyring {
        problems.push(t.here(
            &t.path,
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

fn read_env(t: &Tab<'_>, p: &ProfileToml) -> Result<Option<String>, ConfigError> {
    match t.get("api_key_env", &p.api_key_env)? {
        Some(f) if !is_env_name(f.value) => {
            Err(f.error("must be an environment variable name, like ACME_TOKEN"))
        }
        other => Ok(other.map(|f| f.value.clone())),
    }
}

fn non_empty(
    value: Result<Option<Field<'_, String>>, ConfigError>,
) -> Result<Option<String>, ConfigError> {
    match value? {
        Some(f) if f.value.trim().is_empty() => Err(f.error("must not be empty")),
        other => Ok(other.map(|f| f.value.trim().to_owned())),
    }
}

fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn read_label(t: &Tab<'_>, p: &ProfileToml) -> Result<Option<String>, ConfigError> {
    match t.get("label", &p.label)? {
        Some(f) if f.value.trim().is_empty() => {
            Err(f.error("must not be empty; remove it to show the profile name"))
        }
        other => Ok(other.map(|f| f.value.trim().to_owned())),
    }
}

fn read_color(t: &Tab<'_>, p: &ProfileToml) -> Result<Option<String>, ConfigError> {
    t.get("color", &p.color)?
        .map(|f| {
            normalize_color(f.value).ok_or_else(|| {
                f.error(format!(
                    "unknown colour {:?}; use one of {} or #RRGGBB",
                    f.value,
                    COLOR_NAMES.join(", ")
                ))
            })
        })
        .transpose()
}

fn read_region(t: &Tab<'_>, p: &ProfileToml) -> Result<Option<String>, ConfigError> {
    let Some(f) = t.get("default_region", &p.default_region)? else {
        return Ok(None);
    };
    let code = f.value.trim().to_ascii_uppercase();
    let two_letters = code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic());
    if !two_letters {
        return Err(f.error("must be a two-letter ISO 3166 region code, like IN, CO or BR"));
    }
    if code.parse::<phonenumber::country::Id>().is_err() {
        return Err(f.error(format!(
            "unknown region {code:?}; use an ISO 3166 code like IN, CO or BR"
        )));
    }
    Ok(Some(code))
}

fn timeout(
    t: &Tab<'_>,
    key: &str,
    v: &Option<Val<i64>>,
    default: u64,
) -> Result<Duration, ConfigError> {
    let secs = t
        .int_in(key, v, 1..=MAX_TIMEOUT)?
        .map_or(default, i64::unsigned_abs);
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

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
