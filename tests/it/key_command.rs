//! `api_key_cmd` runs at most `api_key_cmd_timeout_secs` (issue 14): a command that
//! hangs is stopped after the configured time and its stderr is shown; the key is
//! checked like every other (file, line, key on a bad value).
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use std::process::Output;

use crate::support;

fn rolo(config: &str) -> (Output, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, config).unwrap();
    let out = support::bare(dir.path())
        .env("ROLO_CONFIG", &path)
        .args(["add", "--set", "firstname=Ana", "--set", "lastname=Díaz"])
        .args(["--set", "phone=+573188779043"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, said)
}

const PROFILE: &str = r#"default_profile = "wm"
[profiles.wm]
api = "whatsmark"
base_url = "http://127.0.0.1:9"
api_key_cmd = "echo 'gpg: waiting for your passphrase' >&2; sleep 30"
"#;

#[test]
fn a_hanging_key_command_stops_at_the_configured_time_with_its_stderr() {
    let (out, said) = rolo(&format!("{PROFILE}api_key_cmd_timeout_secs = 1\n"));
    assert_eq!(out.status.code(), Some(4), "no key is exit 4: {said}");
    assert!(said.contains("timed out after 1 s"), "{said}");
    assert!(said.contains("api_key_cmd_timeout_secs"), "{said}");
    assert!(said.contains("gpg: waiting for your passphrase"), "{said}");
}

#[test]
fn a_bad_timeout_names_file_line_and_key() {
    let (out, said) = rolo(&format!("{PROFILE}api_key_cmd_timeout_secs = 0\n"));
    assert_ne!(out.status.code(), Some(0), "{said}");
    assert!(said.contains("config.toml:6"), "{said}");
    assert!(
        said.contains("profiles.wm.api_key_cmd_timeout_secs: 0 is out of range (1 to 3600)"),
        "{said}"
    );
}

/// Issue 15: a key that cannot be had exits 4, as the README's table says (it was 1).
#[test]
fn a_missing_key_exits_4_as_the_readme_says() {
    let config = PROFILE.replace(
        "api_key_cmd = \"echo 'gpg: waiting for your passphrase' >&2; sleep 30\"",
        "api_key_env = \"ROLO_T_NOT_SET_ANYWHERE\"",
    );
    let (out, said) = rolo(&config);
    assert_eq!(out.status.code(), Some(4), "{said}");
    assert!(
        said.contains("ROLO_T_NOT_SET_ANYWHERE: is not set"),
        "{said}"
    );
}
