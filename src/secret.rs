//! Secrets: where each profile's API key comes from, and fetching it.
//!
//! Sources are tried in a fixed order: `api_key_env`, `api_key_cmd`, the OS keyring,
//! and last an inline `api_key`. A key is never printed: [`ApiKey`] and
//! [`SecretSpec`] redact it in `Debug`, and no error message carries it (nor the output
//! of a failed command, which might hold part of it).

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};

/// The OS keyring service name; the user name is the profile name.
pub const KEYRING_SERVICE: &str = "rolo";

/// How long `api_key_cmd` may run: a password manager answers in well under a second,
/// and a hung command must not hold `rolo add` or a profile switch for long.
pub const CMD_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of a failed command's stderr its error shows: enough for the tool's own
/// message ("vault is locked"), not a page of it.
const STDERR_LINES: usize = 3;
const STDERR_CHARS: usize = 300;

/// Where one profile's API key comes from, as configured.
#[derive(Clone, Default)]
pub struct SecretSpec {
    /// The profile the key belongs to; also the OS keyring user name.
    pub profile: String,
    /// `api_key_env`: an environment variable holding the key.
    pub env: Option<String>,
    /// `api_key_cmd`: a shell command whose stdout is the key.
    pub cmd: Option<String>,
    /// `api_key_cmd_timeout_secs`: how long the command may run (`None`: [`CMD_TIMEOUT`]).
    pub cmd_timeout: Option<Duration>,
    /// `keyring = true`: look in the OS keyring (service `rolo`, user = profile).
    pub keyring: bool,
    /// `api_key`: the key written in the config file.
    pub inline: Option<SecretString>,
}

impl fmt::Debug for SecretSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretSpec")
            .field("profile", &self.profile)
            .field("env", &self.env)
            .field("cmd", &self.cmd)
            .field("cmd_timeout", &self.cmd_timeout)
            .field("keyring", &self.keyring)
            .field("inline", &self.inline.as_ref().map(|_| "***"))
            .finish()
    }
}

impl SecretSpec {
    /// Where the key comes from, in the order tried, never the key itself:
    /// `env ACME_TOKEN, then OS keyring (rolo/acme)`.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(var) = &self.env {
            parts.push(format!("env {var}"));
        }
        if let Some(cmd) = &self.cmd {
            parts.push(format!("command `{cmd}`"));
        }
        if self.keyring {
            parts.push(format!("OS keyring ({KEYRING_SERVICE}/{})", self.profile));
        }
        if self.inline.is_some() {
            parts.push("inline in config (not recommended)".to_owned());
        }
        if parts.is_empty() {
            return "no source configured".to_owned();
        }
        parts.join(", then ")
    }
}

/// An API key, ready to send to its own profile's origin and nowhere else.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps a key obtained elsewhere (for example the sandbox's demo keys).
    #[must_use]
    pub fn new(key: impl Into<String>) -> Self {
        Self(SecretString::from(key.into()))
    }

    /// The key itself, for the request header only.
    #[must_use]
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The key as the HTTP client takes it (still redacted in any `Debug` output).
    #[must_use]
    pub fn secret(&self) -> &SecretString {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// One source that was tried and why it gave no key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The source, as [`SecretSpec::describe`] names it.
    pub source: String,
    /// Why it yielded nothing (never the key, never a command's output).
    pub problem: String,
}

/// No source yielded a key; lists every source tried, in order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SecretError {
    /// The profile whose key was wanted.
    pub profile: String,
    /// Each configured source and why it failed; empty if none was configured.
    pub attempts: Vec<Attempt>,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no API key for profile {:?}", self.profile)?;
        if self.attempts.is_empty() {
            return f.write_str(
                ": no source is configured; set api_key_env, api_key_cmd or keyring = true",
            );
        }
        f.write_str(" (tried ")?;
        for (i, a) in self.attempts.iter().enumerate() {
            let sep = if i == 0 { "" } else { "; " };
            write!(f, "{sep}{}: {}", a.source, a.problem)?;
        }
        f.write_str(")")
    }
}

/// Fetches the key of `profile`, trying each configured source in order and falling
/// through to the next when one yields nothing. `config_path` is checked before an
/// inline key is accepted. Blocks (a command or the keyring may take a while), so call
/// it off the UI thread.
pub fn resolve(
    profile: &str,
    spec: &SecretSpec,
    config_path: &Path,
) -> Result<ApiKey, SecretError> {
    let mut attempts = Vec::new();
    let mut attempt = |source: String, result: Result<ApiKey, String>| match result {
        Ok(key) => Some(key),
        Err(problem) => {
            tracing::debug!(profile, %source, %problem, "API key source yielded nothing");
            attempts.push(Attempt { source, problem });
            None
        }
    };
    if let Some(var) = &spec.env
        && let Some(key) = attempt(format!("env {var}"), from_env(var))
    {
        return Ok(key);
    }
    if let Some(cmd) = &spec.cmd
        && let Some(key) = attempt(
            format!("command `{cmd}`"),
            from_command(cmd, spec.cmd_timeout),
        )
    {
        return Ok(key);
    }
    if spec.keyring
        && let Some(key) = attempt(
            format!("OS keyring ({KEYRING_SERVICE}/{profile})"),
            from_keyring(profile),
        )
    {
        return Ok(key);
    }
    if let Some(inline) = &spec.inline
        && let Some(key) = attempt(
            "inline api_key".to_owned(),
            from_inline(inline, config_path),
        )
    {
        return Ok(key);
    }
    Err(SecretError {
        profile: profile.to_owned(),
        attempts,
    })
}

fn from_env(var: &str) -> Result<ApiKey, String> {
    match std::env::var(var) {
        Ok(value) if value.trim().contains(['\n', '\r']) => {
            Err("holds a line break; a key is one line".to_owned())
        }
        Ok(value) if !value.trim().is_empty() => Ok(ApiKey::new(value.trim())),
        Ok(_) => Err("is empty".to_owned()),
        Err(std::env::VarError::NotPresent) => Err("is not set".to_owned()),
        Err(std::env::VarError::NotUnicode(_)) => Err("is not valid UTF-8".to_owned()),
    }
}

fn from_command(cmd: &str, limit: Option<Duration>) -> Result<ApiKey, String> {
    run_command(cmd, limit.unwrap_or(CMD_TIMEOUT))
}

/// Runs `sh -c cmd` with no stdin (the TUI owns the terminal); the trimmed stdout is
/// the key. Its stderr is captured, never shown as it comes: the first lines go into the
/// error when the command fails or times out (stdout never does: it may hold the key).
fn run_command(cmd: &str, limit: Duration) -> Result<ApiKey, String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start sh: {e}"))?;
    // Read both pipes on threads so a chatty command cannot block on a full pipe.
    let mut stdout = child.stdout.take().ok_or("no stdout pipe")?;
    let reader = std::thread::spawn(move || {
        let mut buf = String::new();
        stdout.read_to_string(&mut buf).map(|_| buf)
    });
    // stderr line by line over a channel: a grandchild (`sleep` under `sh`) may keep the
    // pipe open after the kill, so the lines are taken as they came, never waited for.
    let stderr = child.stderr.take().ok_or("no stderr pipe")?;
    let (tx, complaints) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        use std::io::BufRead as _;
        let lines = std::io::BufReader::new(stderr.take(64 * 1024)).lines();
        for line in lines.map_while(Result::ok).take(STDERR_LINES * 4) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let said = || {
        let mut lines = Vec::new();
        while let Ok(l) = complaints.recv_timeout(Duration::from_millis(100)) {
            lines.push(l);
        }
        first_lines(&lines)
    };
    let status = match wait_with_timeout(&mut child, limit) {
        Ok(status) => status,
        Err(why) => return Err(format!("{why}{}", said())),
    };
    let output = reader
        .join()
        .map_err(|_| "reading its output failed".to_owned())?
        .map_err(|_| "its output is not valid UTF-8".to_owned())?;
    if !status.success() {
        return Err(format!("failed ({status}){}", said()));
    }
    let key = output.trim();
    if key.is_empty() {
        return Err("printed nothing".to_owned());
    }
    // A key is one line: a second line would become part of the header (and failed
    // later without naming the profile). Printed text is not shown: it may be the key.
    if key.contains(['\n', '\r']) {
        return Err(format!(
            "printed {} lines; a key is one line (does it print something besides the key?)",
            key.lines().count()
        ));
    }
    Ok(ApiKey::new(key))
}

/// `: it said "…"` with a command's first stderr lines, inert and short; empty when it
/// said nothing.
fn first_lines(lines: &[String]) -> String {
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .take(STDERR_LINES)
        .collect();
    if lines.is_empty() {
        return String::new();
    }
    let joined = crate::text::inert(&lines.join(" / ")).into_owned();
    let short: String = joined.chars().take(STDERR_CHARS).collect();
    let more = if short.len() < joined.len() {
        "…"
    } else {
        ""
    };
    format!(": it said \"{short}{more}\"")
}

fn wait_with_timeout(
    child: &mut std::process::Child,
    limit: Duration,
) -> Result<std::process::ExitStatus, String> {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if started.elapsed() < limit => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                // Best effort: if it already exited, there is nothing left to kill.
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "timed out after {} s (api_key_cmd_timeout_secs gives it longer)",
                    limit.as_secs()
                ));
            }
            Err(e) => return Err(format!("could not wait for it: {e}")),
        }
    }
}

fn from_keyring(profile: &str) -> Result<ApiKey, String> {
    let entry = keyring::Entry::new(KEYRING_SERVICE, profile).map_err(|e| match e {
        keyring::Error::NoDefaultStore => {
            let why = match keyring::Entry::store_status() {
                Err(e) => keyring_problem(e),
                Ok(()) => "no default store".to_owned(),
            };
            format!(
                "no OS keyring is available here ({why}); use api_key_env or api_key_cmd instead"
            )
        }
        other => keyring_problem(&other),
    })?;
    match entry.get_password() {
        Ok(key) if !key.trim().is_empty() => Ok(ApiKey::new(key.trim())),
        Ok(_) => Err("the stored key is empty".to_owned()),
        Err(keyring::Error::NoEntry) => Err(format!(
            "no entry (service \"{KEYRING_SERVICE}\", user \"{profile}\")"
        )),
        Err(e) => Err(keyring_problem(&e)),
    }
}

/// Keyring errors in our words: some variants carry the stored bytes, so their own
/// `Display` is only used for those that cannot.
fn keyring_problem(e: &keyring::Error) -> String {
    match e {
        keyring::Error::PlatformFailure(p) => format!("keyring failure: {p}"),
        keyring::Error::NoStorageAccess(p) => format!("keyring is locked or refused access: {p}"),
        keyring::Error::BadEncoding(_) | keyring::Error::BadDataFormat(..) => {
            "the stored key is not valid text".to_owned()
        }
        keyring::Error::Ambiguous(_) => "several keyring entries match".to_owned(),
        keyring::Error::NoEntry => "no entry".to_owned(),
        keyring::Error::NoDefaultStore => "no keyring store".to_owned(),
        other => format!("keyring error: {other}"),
    }
}

/// An inline key is only as private as the file holding it.
fn from_inline(inline: &SecretString, config_path: &Path) -> Result<ApiKey, String> {
    check_private(config_path)?;
    let key = inline.expose_secret().trim();
    if key.is_empty() {
        return Err("is empty".to_owned());
    }
    Ok(ApiKey::new(key))
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("refused: cannot check who may read {}: {e}", path.display()))?;
    if matches!(meta.permissions().mode() & 0o077, 0) {
        Ok(())
    } else {
        Err(format!(
            "refused because {} is readable by group or others; run `chmod 600 {}` \
             or move the key to api_key_env or api_key_cmd",
            path.display(),
            path.display()
        ))
    }
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), String> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> SecretSpec {
        SecretSpec {
            profile: "acme".into(),
            ..SecretSpec::default()
        }
    }

    #[test]
    fn describe_names_every_source_in_order_and_never_the_key() {
        let s = SecretSpec {
            env: Some("ACME_TOKEN".into()),
            cmd: Some("pass show crm/acme".into()),
            keyring: true,
            inline: Some("wm_never_shown".into()),
            ..spec()
        };
        assert_eq!(
            s.describe(),
            "env ACME_TOKEN, then command `pass show crm/acme`, then OS keyring (rolo/acme), \
             then inline in config (not recommended)"
        );
        assert!(!format!("{s:?}").contains("wm_never_shown"));
        assert_eq!(spec().describe(), "no source configured");
    }

    #[test]
    fn an_api_key_never_shows_itself() {
        let key = ApiKey::new("wm_abc");
        assert_eq!(key.expose(), "wm_abc");
        assert_eq!(format!("{key} {key:?}"), "*** ApiKey(***)");
    }

    #[test]
    fn a_command_prints_the_key_and_surrounding_space_is_trimmed() {
        let key = run_command("printf '  wm_test\\n'", CMD_TIMEOUT).unwrap();
        assert_eq!(key.expose(), "wm_test");
    }

    #[test]
    fn a_failing_command_shows_its_stderr_never_its_stdout() {
        let err = run_command(
            "echo wm_secret_on_stdout; echo 'vault is locked' >&2; echo 'run: unlock' >&2; exit 3",
            CMD_TIMEOUT,
        )
        .unwrap_err();
        assert!(err.contains("failed (exit status: 3)"), "{err}");
        assert!(err.contains("vault is locked / run: unlock"), "{err}");
        assert!(!err.contains("wm_secret_on_stdout"), "{err}");
    }

    #[test]
    fn a_hung_command_times_out_with_what_it_said() {
        let started = Instant::now();
        let err = run_command(
            "echo 'waiting for touch' >&2; sleep 5",
            Duration::from_millis(300),
        )
        .unwrap_err();
        assert!(err.contains("timed out"), "{err}");
        assert!(err.contains("waiting for touch"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(4));
    }

    #[test]
    fn a_hung_command_times_out() {
        let started = Instant::now();
        let err = run_command("sleep 5", Duration::from_millis(100)).unwrap_err();
        assert!(err.contains("timed out"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(4));
    }

    #[test]
    fn no_source_at_all_says_how_to_configure_one() {
        let err = resolve("acme", &spec(), Path::new("/nowhere/config.toml")).unwrap_err();
        assert!(err.attempts.is_empty());
        assert!(
            err.to_string()
                .contains("set api_key_env, api_key_cmd or keyring = true")
        );
    }

    #[test]
    fn an_inline_key_needs_a_file_whose_mode_can_be_checked() {
        let s = SecretSpec {
            inline: Some("wm_inline".into()),
            ..spec()
        };
        let err = resolve("acme", &s, Path::new("/nowhere/config.toml")).unwrap_err();
        let shown = format!("{err} {err:?}");
        if cfg!(unix) {
            assert!(shown.contains("cannot check who may read"), "{shown}");
        }
        assert!(!shown.contains("wm_inline"));
    }

    #[cfg(unix)]
    #[test]
    fn an_inline_key_is_refused_from_a_group_readable_file() {
        use std::os::unix::fs::PermissionsExt;
        let file = tempfile::NamedTempFile::new().unwrap();
        let s = SecretSpec {
            inline: Some("wm_inline".into()),
            ..spec()
        };
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o640)).unwrap();
        let err = resolve("acme", &s, file.path()).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            resolve("acme", &s, file.path()).unwrap().expose(),
            "wm_inline"
        );
    }
}
