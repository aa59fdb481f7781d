//! A world for the real binary: a sandbox on its own runtime, a temp dir holding a
//! config file and a data dir, and the secrets the config's profiles read from the
//! environment. The CLI runner ([`World::rolo`]) and the PTY tests ([`World::spawn`])
//! both start rolo from here.

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use rolo::sandbox::Seed;

use super::config::ConfigFile;
use super::pty::{Pty, Spawn, WAIT};
use super::sandbox::Hosted;

/// The sandbox, the temp dir, the secrets, and every output rolo printed so far.
pub struct World {
    pub host: Hosted,
    pub dir: tempfile::TempDir,
    secrets: Vec<(String, String)>,
    seen: Mutex<Vec<String>>,
}

/// The world's sandbox: `w.origin()`, `w.stored(…)`, `w.fault(…)`, `w.rt`, `w.seed`.
impl Deref for World {
    type Target = Hosted;

    fn deref(&self) -> &Hosted {
        &self.host
    }
}

impl DerefMut for World {
    fn deref_mut(&mut self) -> &mut Hosted {
        &mut self.host
    }
}

impl World {
    /// Starts the demo sandbox on a runtime of `workers` threads and writes the config
    /// `config` builds from the sandbox's origin and seed.
    pub fn new(workers: usize, config: impl FnOnce(&str, &Seed) -> ConfigFile) -> Self {
        let host = Hosted::new(workers);
        let config = config(&host.origin(), &host.seed);
        let w = Self {
            host,
            dir: tempfile::tempdir().unwrap(),
            secrets: config.secrets().to_vec(),
            seen: Mutex::default(),
        };
        config.write(&w.config_path());
        w
    }

    pub fn config_path(&self) -> PathBuf {
        self.path("config.toml")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.path("data")
    }

    /// A path in the temp dir.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file into the temp dir.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// The environment variables the profiles read their keys from, with the keys.
    pub fn secrets(&self) -> Vec<(String, String)> {
        self.secrets.clone()
    }

    /// The real binary, run in the temp dir with this world's config, data dir and
    /// secrets, and no `ROLO_PROFILE` from the caller.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolo"));
        cmd.current_dir(self.dir.path())
            .env("ROLO_CONFIG", self.config_path())
            .env("ROLO_DATA_DIR", self.data_dir())
            .env_remove("ROLO_PROFILE")
            .envs(self.secrets.iter().cloned());
        cmd
    }

    /// Runs `rolo ARGS` to the end; what it printed is kept for
    /// [`World::assert_no_secret_leaked`].
    pub fn rolo(&self, args: &[&str]) -> Output {
        let out = self.command().args(args).output().unwrap();
        let mut seen = self.seen.lock().unwrap();
        seen.push(String::from_utf8_lossy(&out.stdout).into_owned());
        seen.push(String::from_utf8_lossy(&out.stderr).into_owned());
        out
    }

    /// Runs `rolo ARGS` with `answers` piped in, one a line, then the end of input (a
    /// rolo that stops reading early is fine: what some tests check).
    pub fn piped(&self, args: &[&str], answers: &[&str]) -> Output {
        use std::io::Write as _;
        use std::process::Stdio;
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let script = answers.iter().fold(String::new(), |s, a| s + a + "\n");
        let _ = child.stdin.take().unwrap().write_all(script.as_bytes());
        child.wait_with_output().unwrap()
    }

    /// Runs `rolo HEAD --set S1 --set S2…` (see [`sets`]).
    pub fn rolo_sets(&self, head: &[&str], pairs: &[&str]) -> Output {
        self.rolo(&[head, &sets(pairs)].concat())
    }

    /// No secret in anything rolo printed or wrote.
    pub fn assert_no_secret_leaked(&self) {
        let mut texts = self.seen.lock().unwrap().clone();
        texts.extend(files_under(&self.data_dir()));
        for (_, secret) in &self.secrets {
            for t in &texts {
                assert!(!t.contains(secret), "a secret leaked into: {t}");
            }
        }
    }

    /// rolo in a 120×40 pseudo-terminal with this world's config, data dir and secrets.
    pub fn spawn(&self) -> Spawn {
        let spawn = Spawn::new(env!("CARGO_BIN_EXE_rolo"), 120, 40)
            .rolo_dirs(&self.config_path(), &self.data_dir());
        self.secrets
            .iter()
            .fold(spawn, |s, (k, v)| s.env(k.as_str(), v.as_str()))
    }

    /// Starts rolo in a pty and waits for its first full frame with a fresh catalog.
    pub fn start(&self) -> Pty {
        let p = self.spawn().start().unwrap();
        p.wait_for("Ctrl-S send", WAIT).unwrap();
        p.wait_for("catalog fresh", WAIT).unwrap();
        p
    }

    /// Starts rolo in a pty on `profile` (`ROLO_PROFILE`) and waits for a fresh catalog.
    pub fn start_on(&self, profile: &str) -> Pty {
        let p = self.spawn().env("ROLO_PROFILE", profile).start().unwrap();
        p.wait_for("catalog fresh", WAIT).unwrap();
        p
    }
}

/// The real binary with nothing of the caller's: no config or profile from the
/// environment, its data (and log) in `dir/data`. For tests that need no sandbox: the
/// shell scripts, the man page, a config that does not load.
pub fn bare(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolo"));
    cmd.current_dir(dir)
        .env_remove("ROLO_CONFIG")
        .env_remove("ROLO_PROFILE")
        .env("ROLO_DATA_DIR", dir.join("data"));
    cmd
}

/// The text of every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else if let Ok(t) = std::fs::read_to_string(&p) {
                out.push(t);
            }
        }
    }
    out
}

/// `--set KEY=VALUE` for each of `pairs`, as `rolo add` takes them.
#[must_use]
pub fn sets<'a>(pairs: &[&'a str]) -> Vec<&'a str> {
    pairs.iter().flat_map(|p| ["--set", p]).collect()
}

/// The exit code.
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit code, stdout and stderr, for an assertion message.
pub fn show(out: &Output) -> String {
    format!("exit {}\n{}\n{}", code(out), stdout(out), stderr(out))
}
