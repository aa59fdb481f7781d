//! The config file as users write it: the shipped example, broken files (each error must
//! name the file, the line and the key), and where API keys come from.
//!
//! Tests that need environment variables run in a child copy of this test binary with
//! the variables set, because `std::env::set_var` is `unsafe` in Rust 2024 and the crate
//! forbids unsafe code.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::config::{Config, ConfigError, ConfigErrorKind};
use crate::contact::catalog::CustomType;
use crate::contact::fields::Flavour;
use crate::secret::{self, SecretSpec};

const FAKE_PATH: &str = "/home/ana/.config/rolo/config.toml";

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml")
}

/// The example with its templates for a real CRM taken into use, as its comment says:
/// the first "# " of each template line removed.
fn example_with_templates() -> String {
    let text = std::fs::read_to_string(example_path()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // From the rule under "# TEMPLATES" to the rule above "# Two keys kept out".
    let head = lines
        .iter()
        .position(|l| l.starts_with("# TEMPLATES"))
        .unwrap();
    let start = head
        + lines[head..]
            .iter()
            .position(|l| l.starts_with("# ===="))
            .unwrap()
        + 1;
    let end = lines
        .iter()
        .position(|l| l.starts_with("# Two keys kept out"))
        .unwrap()
        - 1;
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let taken = if (start..end).contains(&i) {
            line.strip_prefix("# ")
                .or_else(|| line.strip_prefix('#').filter(|l| l.starts_with('#')))
                .unwrap_or(line)
        } else {
            line
        };
        out.push_str(taken);
        out.push('\n');
    }
    out
}

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new(FAKE_PATH))
}

/// Parses `text`, expects an error at `line` on `key`, and checks its Display.
fn broken(text: &str, line: usize, key: &str, says: &str) -> ConfigError {
    let err = parse(text).expect_err("config should be refused");
    assert_eq!(err.path, Path::new(FAKE_PATH), "{err}");
    assert_eq!(err.line, Some(line), "{err}");
    assert_eq!(err.key.as_deref(), Some(key), "{err}");
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("{FAKE_PATH}:{line}: {key}: ")),
        "{shown}"
    );
    assert!(shown.contains(says), "{shown:?} should contain {says:?}");
    err
}

const MINIMAL: &str = r#"
[profiles.acme]
api = "whatsmark"
base_url = "https://crm.example.com/api/v2"
api_key_env = "ACME_TOKEN"
"#;

// ----- the shipped example -----

/// Issue 25 (9): as shipped, the example's profiles are the sandbox's, which work
/// against `rolo sandbox` with no setup; the real-CRM profiles are templates, commented.
#[test]
fn the_example_config_parses_with_all_its_profiles() {
    let config = Config::load(&example_path()).unwrap();
    let names: Vec<&str> = config.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["sandbox-whatsmark", "sandbox", "sandbox-chatwoot"]);
    assert_eq!(config.default_profile.as_deref(), Some("sandbox-whatsmark"));
    assert_eq!(config.select(None).unwrap().name, "sandbox-whatsmark");
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    // The templates, taken into use as the file says, parse with every key they show.
    let config = parse(&example_with_templates()).unwrap();
    let names: Vec<&str> = config.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "sandbox-whatsmark",
            "sandbox",
            "sandbox-chatwoot",
            "acme",
            "sonrisa",
            "soporte"
        ]
    );
    // Chatwoot's own keys: the account, and the inbox as the inbox field's default.
    let soporte = config.profile("soporte").unwrap();
    assert_eq!(soporte.api, Flavour::Chatwoot);
    assert_eq!(soporte.account_id, Some(3));
    assert_eq!(soporte.defaults["inbox_id"], "7");
    assert_eq!(soporte.defaults["labels"], "whatsapp");
}

#[test]
fn a_chatwoot_profile_needs_its_account_and_takes_it_nowhere_else() {
    let cw = "[profiles.cw]\napi = \"chatwoot\"\napi_key_env = \"K\"\n";
    let err = parse(cw).unwrap_err().to_string();
    assert!(
        err.contains("config.toml:1: profiles.cw.account_id: missing;"),
        "{err}"
    );
    let err = parse(&format!("{cw}account_id = 0\n"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("config.toml:4: profiles.cw.account_id: 0 is not an account id"),
        "{err}"
    );
    // A wrong account does not hide a wrong inbox; a number too big is out of range.
    let checked = Config::check_text(
        &format!("{cw}account_id = -3\ninbox_id = \"seven\"\n"),
        Path::new(FAKE_PATH),
    );
    let errors: Vec<String> = checked.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[0].ends_with("profiles.cw.account_id: -3 is not an account id (1 or more)"));
    assert!(errors[1].ends_with("profiles.cw.inbox_id: expected an integer, found a string"));
    let err = parse(&format!("{cw}account_id = 99999999999\n"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("profiles.cw.account_id: 99999999999 is out of range (1 to 2147483647)"),
        "{err}"
    );
    let wm = "[profiles.w]\napi = \"whatsmark\"\nbase_url = \"https://x.example/api/v2\"\n\
              api_key_env = \"K\"\naccount_id = 1\n";
    let err = parse(wm).unwrap_err().to_string();
    assert!(
        err.contains("profiles.w.account_id: only applies to api = \"chatwoot\""),
        "{err}"
    );
}

#[test]
fn the_example_whatsmark_profile_has_its_catalog_and_defaults() {
    let config = parse(&example_with_templates()).unwrap();
    let acme = config.profile("acme").unwrap();
    assert_eq!(acme.api, Flavour::Whatsmark);
    assert_eq!(
        acme.base_url.as_str(),
        "https://crm.acme-retail.example/api/v2"
    );
    assert_eq!(acme.display_name(), "ACME (production)");
    assert_eq!(acme.color.as_deref(), Some("red"));
    assert_eq!(acme.default_region.as_deref(), Some("IN"));
    assert!(acme.confirm_submit);
    assert_eq!(acme.secret.describe(), "env ACME_TOKEN");
    assert_eq!(acme.defaults["type"], "lead");
    assert_eq!(acme.defaults["source_id"], "111");
    assert_eq!(acme.defaults["groups"], "11,19");
    assert_eq!(acme.assignees[0].id, "7");
    assert_eq!(acme.assignees[1].name, "Arjun Mehta");
    assert_eq!(acme.countries[0].id, "101");
    assert_eq!(acme.timeout.as_secs(), 20);
}

#[test]
fn the_example_wipsy_profile_has_tags_stages_and_custom_fields() {
    let config = parse(&example_with_templates()).unwrap();
    let p = config.profile("sonrisa").unwrap();
    assert_eq!(p.api, Flavour::Wipsy);
    assert_eq!(p.monthly_contact_limit, Some(5000));
    assert_eq!(
        p.secret.describe(),
        "command `pass show crm/sonrisa`, then OS keyring (rolo/sonrisa)"
    );
    assert_eq!(p.tags.len(), 2);
    assert_eq!(p.tags[0].color.as_deref(), Some("#0EA5E9"));
    assert_eq!(p.stages[0].order, Some(0));
    assert!(p.stages[0].system);
    let convenio = &p.custom_fields[0];
    assert_eq!(convenio.kind, CustomType::Select);
    assert_eq!(convenio.options, ["Unimed", "Bradesco Saúde", "Particular"]);
    assert!(convenio.required);
    assert_eq!(p.custom_fields[1].kind, CustomType::Date);
    assert_eq!(p.defaults["custom.Convênio"], "Particular");
    assert_eq!(p.defaults["tags"], "0296bac6-8acd-5b71-9be4-3f2e32c8d79b");
}

#[test]
fn the_example_sandbox_profiles_point_at_the_local_sandbox() {
    let config = Config::load(&example_path()).unwrap();
    let wipsy = config.select(Some("sandbox")).unwrap();
    assert_eq!(wipsy.base_url.as_str(), "http://127.0.0.1:7878/wipsy");
    let wm = config.profile("sandbox-whatsmark").unwrap();
    assert_eq!(
        wm.base_url.as_str(),
        "http://127.0.0.1:7878/whatsmark/api/v2"
    );
    // It works as shipped: writable, its key from rolo itself, names for its defaults.
    assert!(!wm.read_only);
    assert_eq!(
        wm.secret.describe(),
        "command `rolo sandbox --print-key whatsmark`"
    );
    assert_eq!(wm.defaults["source_id"], "WhatsApp");
}

#[test]
fn the_example_holds_no_inline_key() {
    let text = std::fs::read_to_string(example_path()).unwrap();
    let live = text.lines().map(str::trim).filter(|l| !l.starts_with('#'));
    assert!(live.clone().all(|l| !l.starts_with("api_key =")));
    assert!(
        !text.contains("wpy_") && !text.contains("wm_"),
        "no demo keys in the example"
    );
}

// ----- broken files: file, line and key in every error -----

#[test]
fn an_unknown_key_is_refused_with_the_keys_that_exist() {
    let text = MINIMAL.replace("base_url =", "base_urll =");
    broken(
        &text,
        4,
        "profiles.acme.base_urll",
        "unknown key (expected one of: api, base_url,",
    );
}

#[test]
fn an_unknown_top_level_key_is_refused() {
    broken(
        &format!("default_profle = \"acme\"\n{MINIMAL}"),
        1,
        "default_profle",
        "unknown key",
    );
}

#[test]
fn a_bad_api_is_refused() {
    let text = MINIMAL.replace("\"whatsmark\"", "\"whatsapp\"");
    broken(
        &text,
        3,
        "profiles.acme.api",
        "expected \"wipsy\" or \"whatsmark\"",
    );
}

#[test]
fn a_missing_api_points_at_the_profile_header() {
    let text = MINIMAL.replace("api = \"whatsmark\"\n", "");
    broken(&text, 2, "profiles.acme.api", "missing");
}

#[test]
fn plain_http_is_refused_with_the_way_out() {
    let text = MINIMAL.replace("https://crm.example.com", "http://crm.example.com");
    broken(
        &text,
        4,
        "profiles.acme.base_url",
        "allow_insecure_http = true",
    );
}

#[test]
fn plain_http_is_allowed_on_loopback_or_when_asked() {
    for host in [
        "127.0.0.1:7878",
        "127.8.9.10",
        "[::1]:7878",
        "localhost:7878",
    ] {
        let text = MINIMAL.replace("https://crm.example.com", &format!("http://{host}"));
        let config = parse(&text).unwrap_or_else(|e| panic!("{host}: {e}"));
        assert_eq!(config.profiles[0].base_url.scheme(), "http");
    }
    let text = MINIMAL.replace("https://crm.example.com", "http://crm.lan")
        + "allow_insecure_http = true\n";
    assert!(parse(&text).unwrap().profiles[0].allow_insecure_http);
}

#[test]
fn an_unparseable_url_is_refused() {
    let text = MINIMAL.replace("https://crm.example.com/api/v2", "crm.example.com/api/v2");
    broken(&text, 4, "profiles.acme.base_url", "not a valid URL");
}

#[test]
fn a_bad_colour_is_refused_and_names_the_good_ones() {
    let text = format!("{MINIMAL}color = \"reddish\"\n");
    broken(&text, 6, "profiles.acme.color", "#RRGGBB");
    let ok = format!("{MINIMAL}color = \"Bright-Red\"\n");
    assert_eq!(
        parse(&ok).unwrap().profiles[0].color.as_deref(),
        Some("lightred")
    );
}

#[test]
fn a_bad_region_is_refused_and_a_good_one_uppercased() {
    broken(
        &format!("{MINIMAL}default_region = \"IND\"\n"),
        6,
        "profiles.acme.default_region",
        "two-letter",
    );
    let ok = format!("{MINIMAL}default_region = \"co\"\n");
    assert_eq!(
        parse(&ok).unwrap().profiles[0].default_region.as_deref(),
        Some("CO")
    );
}

#[test]
fn a_default_profile_that_does_not_exist_is_refused() {
    let text = format!("default_profile = \"acme-prod\"\n{MINIMAL}");
    broken(&text, 1, "default_profile", "known profiles: acme");
}

#[test]
fn a_profile_without_a_secret_source_is_refused() {
    let text = MINIMAL.replace("api_key_env = \"ACME_TOKEN\"\n", "");
    broken(
        &text,
        2,
        "profiles.acme",
        "api_key_env, api_key_cmd, keyring = true or api_key",
    );
    let off = MINIMAL.replace("api_key_env = \"ACME_TOKEN\"", "keyring = false");
    broken(&off, 2, "profiles.acme", "no API key source");
}

#[test]
fn a_syntax_error_names_the_line_and_the_key() {
    let text = MINIMAL.replace(
        "\"https://crm.example.com/api/v2\"",
        "\"https://crm.example.com/api/v2",
    );
    let err = broken(&text, 4, "profiles.acme.base_url", "TOML syntax error");
    assert_eq!(err.kind, ConfigErrorKind::Syntax);
}

#[test]
fn a_value_of_the_wrong_type_is_refused() {
    broken(
        &format!("{MINIMAL}confirm_submit = \"yes\"\n"),
        6,
        "profiles.acme.confirm_submit",
        "expected true or false, found a string",
    );
}

#[test]
fn a_key_of_the_other_flavour_is_refused() {
    let text = format!("{MINIMAL}monthly_contact_limit = 100\n");
    broken(
        &text,
        6,
        "profiles.acme.monthly_contact_limit",
        "only applies to api = \"wipsy\"",
    );
}

#[test]
fn catalog_entries_are_checked() {
    let wipsy = "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n";
    let dup = format!(
        "{wipsy}[[profiles.w.tags]]\nid = \"a\"\nname = \"A\"\n[[profiles.w.tags]]\nid = \"a\"\nname = \"B\"\n"
    );
    broken(&dup, 7, "profiles.w.tags[1]", "duplicate id");
    let select = format!(
        "{wipsy}[[profiles.w.custom_fields]]\nid = \"f\"\nname = \"Size\"\ntype = \"select\"\n"
    );
    broken(
        &select,
        4,
        "profiles.w.custom_fields[0].options",
        "needs options",
    );
    let colour =
        format!("{wipsy}[[profiles.w.stages]]\nid = \"s\"\nname = \"New\"\ncolor = \"blue\"\n");
    broken(&colour, 7, "profiles.w.stages[0].color", "#RRGGBB");
}

#[test]
fn defaults_must_be_fields_of_the_flavour() {
    let text = format!("{MINIMAL}[profiles.acme.defaults]\nfirst_name = \"Ana\"\n");
    broken(
        &text,
        7,
        "profiles.acme.defaults.first_name",
        "not a whatsmark field",
    );
    let bad_type = format!("{MINIMAL}[profiles.acme.defaults]\ntype = \"prospect\"\n");
    broken(
        &bad_type,
        7,
        "profiles.acme.defaults.type",
        "lead, customer, guest",
    );
}

#[test]
fn profiles_keep_file_order_and_selection_falls_back_in_order() {
    let text = format!(
        "{}{}",
        MINIMAL.replace("acme", "zeta"),
        MINIMAL.replace("acme", "alpha")
    );
    let config = parse(&text).unwrap();
    assert_eq!(config.select(None).unwrap().name, "zeta");
    assert_eq!(config.select(Some("alpha")).unwrap().name, "alpha");
    let err = config.select(Some("beta")).unwrap_err();
    assert_eq!(err.kind, ConfigErrorKind::UnknownProfile);
    assert!(
        err.to_string().contains("known profiles: zeta, alpha"),
        "{err}"
    );
}

#[test]
fn a_missing_file_is_told_apart_from_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let err = Config::load(&dir.path().join("nope.toml")).unwrap_err();
    assert_eq!(err.kind, ConfigErrorKind::NotFound);
    assert!(
        err.to_string()
            .starts_with(&dir.path().join("nope.toml").display().to_string())
    );
}

// ----- secrets -----

const CHILD_ENV: &str = "ROLO_CONFIG_TEST_CHILD";

/// True inside the child run of `test`; the parent reruns this test binary so.
fn in_child(test: &str) -> bool {
    std::env::var(CHILD_ENV).is_ok_and(|v| v == test)
}

/// Reruns only `test` in a child process with `vars` set, and asserts it passed.
fn run_in_child(test: &str, vars: &[(&str, &str)]) {
    // The test's full name in this binary: its module path without the crate's name.
    let module = module_path!().split_once("::").map_or("", |(_, m)| m);
    let full = format!("{module}::{test}");
    let out = Command::new(std::env::current_exe().unwrap())
        .args([full.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, test)
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "child run of {test} failed:\n{shown}");
    assert!(
        shown.contains("1 passed"),
        "child did not run {test}:\n{shown}"
    );
}

/// Writes `text` as a config file with `mode` and loads it.
fn config_file(text: &str, mode: u32) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    set_mode(&path, mode);
    let config = Config::load(&path).unwrap();
    (dir, config)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) {}

fn spec(env: Option<&str>, cmd: Option<&str>, inline: Option<&str>) -> SecretSpec {
    SecretSpec {
        profile: "acme".into(),
        env: env.map(Into::into),
        cmd: cmd.map(Into::into),
        cmd_timeout: None,
        keyring: false,
        inline: inline.map(Into::into),
    }
}

#[test]
fn the_env_var_wins_over_the_command() {
    const NAME: &str = "the_env_var_wins_over_the_command";
    if !in_child(NAME) {
        return run_in_child(NAME, &[("ROLO_T_ENV_WINS", "  wm_from_env\n")]);
    }
    let s = spec(Some("ROLO_T_ENV_WINS"), Some("printf wm_from_cmd"), None);
    let key = secret::resolve("acme", &s, Path::new(FAKE_PATH)).unwrap();
    assert_eq!(key.expose(), "wm_from_env");
    assert_eq!(format!("{key:?} {key}"), "ApiKey(***) ***");
}

#[test]
fn an_empty_env_var_falls_through_to_the_command() {
    const NAME: &str = "an_empty_env_var_falls_through_to_the_command";
    if !in_child(NAME) {
        return run_in_child(NAME, &[("ROLO_T_ENV_EMPTY", "")]);
    }
    let s = spec(Some("ROLO_T_ENV_EMPTY"), Some("printf wm_test"), None);
    assert_eq!(
        secret::resolve("acme", &s, Path::new(FAKE_PATH))
            .unwrap()
            .expose(),
        "wm_test"
    );
}

#[test]
fn an_unset_env_var_falls_through_to_the_command() {
    let s = spec(
        Some("ROLO_T_ENV_NEVER_SET_4F1C"),
        Some("printf wm_test"),
        None,
    );
    assert_eq!(
        secret::resolve("acme", &s, Path::new(FAKE_PATH))
            .unwrap()
            .expose(),
        "wm_test"
    );
}

#[test]
fn a_failing_command_is_named_but_its_output_never_shown() {
    let s = spec(None, Some("printf 'wm_%s' leaked; exit 3"), None);
    let err = secret::resolve("acme", &s, Path::new(FAKE_PATH)).unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(
        shown.contains("command `printf 'wm_%s' leaked; exit 3`"),
        "{shown}"
    );
    assert!(shown.contains("exit status: 3"), "{shown}");
    assert!(!shown.contains("wm_leaked"), "{shown}");
    let silent = spec(None, Some("true"), None);
    let err = secret::resolve("acme", &silent, Path::new(FAKE_PATH)).unwrap_err();
    assert!(err.to_string().contains("printed nothing"), "{err}");
}

#[cfg(target_os = "linux")]
#[test]
fn without_a_keyring_service_the_error_says_what_to_use_instead() {
    const NAME: &str = "without_a_keyring_service_the_error_says_what_to_use_instead";
    if !in_child(NAME) {
        let bogus = [
            (
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/rolo-test/bus",
            ),
            ("XDG_RUNTIME_DIR", "/nonexistent/rolo-test"),
        ];
        return run_in_child(NAME, &bogus);
    }
    let mut s = spec(Some("ROLO_T_KEYRING_UNSET"), None, None);
    s.keyring = true;
    let err = secret::resolve("acme", &s, Path::new(FAKE_PATH)).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("env ROLO_T_KEYRING_UNSET: is not set"),
        "{shown}"
    );
    assert!(
        shown.contains("OS keyring (rolo/acme): no OS keyring is available here"),
        "{shown}"
    );
    assert!(
        shown.contains("use api_key_env or api_key_cmd instead"),
        "{shown}"
    );
}

const INLINE: &str = r#"
[profiles.acme]
api = "wipsy"
api_key = "wpy_inline_secret_0001"
"#;

#[test]
fn an_inline_key_is_refused_when_others_can_read_the_file() {
    let (_dir, config) = config_file(INLINE, 0o644);
    assert!(
        config.warnings[0].contains(":4: profiles.acme.api_key: "),
        "{:?}",
        config.warnings
    );
    if cfg!(unix) {
        let shared = &config.warnings[1];
        assert!(
            shared.contains("will be refused; run `chmod 600"),
            "{shared}"
        );
    }
    let p = &config.profiles[0];
    let result = secret::resolve(&p.name, &p.secret, &config.path);
    if cfg!(unix) {
        let err = result.unwrap_err();
        let shown = format!("{err} {err:?} {:?} {:?}", p.secret, config);
        assert!(
            shown.contains(&format!("chmod 600 {}", config.path.display())),
            "{shown}"
        );
        assert!(!shown.contains("wpy_inline_secret_0001"), "{shown}");
    }
}

#[test]
fn an_inline_key_is_accepted_from_a_private_file() {
    let (_dir, config) = config_file(INLINE, 0o600);
    assert_eq!(config.warnings.len(), 1, "{:?}", config.warnings);
    let p = &config.profiles[0];
    assert_eq!(p.secret.describe(), "inline in config (not recommended)");
    let key = secret::resolve(&p.name, &p.secret, &config.path).unwrap();
    assert_eq!(key.expose(), "wpy_inline_secret_0001");
}

#[test]
fn every_source_is_tried_in_order_and_listed_when_all_fail() {
    let text = INLINE.replace(
        "api_key =",
        "api_key_env = \"ROLO_T_ALL_UNSET\"\napi_key_cmd = \"exit 1\"\napi_key =",
    );
    let (_dir, config) = config_file(&text, 0o644);
    let p = &config.profiles[0];
    let err = secret::resolve(&p.name, &p.secret, &config.path).unwrap_err();
    let sources: Vec<&str> = err.attempts.iter().map(|a| a.source.as_str()).collect();
    if cfg!(unix) {
        assert_eq!(
            sources,
            ["env ROLO_T_ALL_UNSET", "command `exit 1`", "inline api_key"]
        );
    }
    assert!(!format!("{err} {err:?}").contains("wpy_inline_secret_0001"));
    set_mode(&config.path, 0o600);
    let key = secret::resolve(&p.name, &p.secret, &config.path).unwrap();
    assert_eq!(key.expose(), "wpy_inline_secret_0001");
}

/// Issue 28: the old fast path read `\u+0e9` as `é` (Rust's radix parser takes a `+`);
/// TOML does not, and neither does rolo now that toml reads every file.
#[test]
fn a_unicode_escape_with_a_sign_is_refused_as_toml_refuses_it() {
    let text = format!("{MINIMAL}label = \"Caf\\u+0e9\"\n");
    let err = broken(&text, 6, "profiles.acme.label", "TOML syntax error");
    assert_eq!(err.kind, ConfigErrorKind::Syntax);
    let ok = format!("{MINIMAL}label = \"Caf\\u00e9\"\n");
    assert_eq!(parse(&ok).unwrap().profiles[0].display_name(), "Café");
}

/// Issue 28: a near miss is named, beside the keys that exist.
#[test]
fn an_unknown_key_near_a_known_one_says_which_was_meant() {
    let err = broken(
        &format!("{MINIMAL}colr = \"red\"\n"),
        6,
        "profiles.acme.colr",
        "unknown key (expected one of: api,",
    );
    assert!(err.message.ends_with("; did you mean color?"), "{err}");
    let far = broken(
        &format!("{MINIMAL}zz = 1\n"),
        6,
        "profiles.acme.zz",
        "unknown key",
    );
    assert!(!far.message.contains("did you mean"), "{far}");
    let nested = "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n[[profiles.w.tags]]\n\
                  id = \"t\"\nname = \"T\"\ncolour = \"#000000\"\n";
    let err = broken(
        nested,
        7,
        "profiles.w.tags[0].colour",
        "expected one of: id, name, color",
    );
    assert!(err.message.ends_with("did you mean color?"), "{err}");
}

/// Issue 28: long lists may live in CSV files beside the config; a list is written in
/// one place, and the file is named relative to the config.
#[test]
fn side_files_are_named_relative_to_the_config_and_exclusive_with_inline_lists() {
    let text = "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\ntags_file = \"lists/tags.csv\"\n\
                custom_fields_file = \"/srv/fields.csv\"\n";
    let config = parse(text).unwrap();
    let files = &config.profiles[0].side_files;
    assert_eq!(
        files[0].path,
        Path::new("/home/ana/.config/rolo/lists/tags.csv")
    );
    assert_eq!(
        files[0].named_at,
        format!("{FAKE_PATH}:4: profiles.w.tags_file")
    );
    assert_eq!(files[1].path, Path::new("/srv/fields.csv"));
    let both = format!("{text}[[profiles.w.tags]]\nid = \"t\"\nname = \"T\"\n");
    broken(&both, 4, "profiles.w.tags_file", "also written inline");
    let wm = MINIMAL.replace("ACME_TOKEN\"", "ACME_TOKEN\"\ntags_file = \"t.csv\"");
    broken(
        &wm,
        6,
        "profiles.acme.tags_file",
        "only applies to api = \"wipsy\"",
    );
}

/// Issue 28: thousands of inline entries still work, but every start reads them before
/// the form opens; rolo says so, and how to move them.
#[test]
fn a_long_inline_list_is_read_with_a_warning_naming_the_way_out() {
    use std::fmt::Write as _;
    let mut text = String::from("[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n");
    for n in 0..2_001 {
        write!(
            text,
            "[[profiles.w.tags]]\nid = \"t{n}\"\nname = \"T{n}\"\n"
        )
        .unwrap();
    }
    let config = parse(&text).unwrap();
    assert_eq!(config.profiles[0].tags.len(), 2_001);
    assert_eq!(
        config.warnings,
        [format!(
            "{FAKE_PATH}:4: profiles.w.tags: 2001 entries written inline are read at every \
             start, before the form opens; `rolo config split` moves them to a side file, read \
             after it"
        )]
    );
}

/// Review of issue 28: what serde's untagged enums would have said alone ("a string or
/// an integer") names what was found too.
#[test]
fn an_id_of_the_wrong_type_says_what_was_found() {
    let text = "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n\
                tags = [{ id = true, name = \"x\" }]\n";
    broken(
        text,
        4,
        "profiles.w.tags[0].id",
        "expected a string or an integer, found a boolean",
    );
}

/// Review of issue 28: a dotted custom-field default is named by its own key and line.
#[test]
fn a_bad_dotted_custom_default_is_named_by_its_own_key() {
    // The second: named by its own line even when an earlier value holds its name.
    let cases = [
        ("custom.Industria = \"Retail\"\n", 6),
        ("custom.Industria = \"Talla M\"\ncustom.tom = \"x\"\n", 7),
    ];
    for (before, line) in cases {
        let text = format!(
            "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n[profiles.w.defaults]\n\
             {before}custom.Talla = true\n"
        );
        broken(
            &text,
            line,
            "profiles.w.defaults.custom.Talla",
            "expected a string, an integer or an array of strings",
        );
    }
}

/// Review of issue 28: an unknown key inside a list entry is reported with that entry,
/// after the profile's own keys, as the reader always did; and a profile whose only
/// problem is an unknown key is left out like any other.
#[test]
fn unknown_keys_are_reported_with_their_own_table() {
    let text = "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\ncolor = \"reddish\"\n\
                [[profiles.w.tags]]\nid = \"t\"\nname = \"T\"\ncolr = \"#000000\"\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, text).unwrap();
    let checked = Config::check(&path);
    let lines: Vec<Option<usize>> = checked.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [Some(4), Some(8)], "{:?}", checked.errors);
    let only_unknown = "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\nzz = 1\n";
    std::fs::write(&path, only_unknown).unwrap();
    assert!(Config::check(&path).config.profiles.is_empty());
}
