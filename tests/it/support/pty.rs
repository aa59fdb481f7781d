//! A pseudo-terminal harness: the real `rolo` binary in a pty of a given size, its output
//! fed by a reader thread into a `vt100` parser, and helpers to type keys and wait for
//! text on the parsed screen. Shared by the PTY tests (through `support::World`) and
//! `benches/tui.rs`, which includes this file by path: it depends on nothing else here.
//!
//! The child is always killed when the [`Pty`] is dropped (a failed assertion included),
//! and only by its own process id.
#![allow(dead_code)] // each crate that includes this module uses a different part of it

use std::fmt;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// Tab.
pub const TAB: &str = "\t";

/// Where `needle` first occurs in raw terminal output (to check the order of escape
/// sequences).
#[must_use]
pub fn position(haystack: &[u8], needle: &str) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}
/// Shift-Tab.
pub const SHIFT_TAB: &str = "\x1b[Z";
/// Enter.
pub const ENTER: &str = "\r";
/// Ctrl-S (submit).
pub const CTRL_S: &str = "\x13";
/// Ctrl-T (profile switcher).
pub const CTRL_T: &str = "\x14";
/// Ctrl-C (quit, draft kept).
pub const CTRL_C: &str = "\x03";
/// Ctrl-Q (quit).
pub const CTRL_Q: &str = "\x11";
/// Ctrl-W (delete the word before the cursor).
pub const CTRL_W: &str = "\x17";
/// Ctrl-O (quick add).
pub const CTRL_O: &str = "\x0f";
/// Esc, alone.
pub const ESC: &str = "\x1b";

/// A generous default for waits: shared machines are slow, and no test asserts on speed.
pub const WAIT: Duration = Duration::from_secs(20);

/// What the reader thread shares with the test.
struct Screen {
    parser: vt100::Parser,
    /// Bytes read from the pty so far.
    bytes: u64,
    /// The pty reached end of file (the child exited, or the pty was closed).
    eof: bool,
    /// When the first byte of output arrived.
    first_output: Option<Instant>,
    /// Every byte read, for tests that check what reached the terminal, not only what
    /// the screen shows.
    raw: Vec<u8>,
}

type SharedScreen = Arc<(Mutex<Screen>, Condvar)>;

/// How to start a program in a pty.
#[derive(Debug, Clone)]
pub struct Spawn {
    program: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    rows: u16,
    cols: u16,
}

impl Spawn {
    /// `program` in a `cols`×`rows` terminal, with a clean `ROLO_*`/`NO_COLOR` environment.
    #[must_use]
    pub fn new(program: impl Into<String>, cols: u16, rows: u16) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            env: vec![("TERM".into(), "xterm-256color".into())],
            rows,
            cols,
        }
    }

    /// Adds an argument.
    #[must_use]
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Sets an environment variable for the child.
    #[must_use]
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Sets `ROLO_CONFIG` and `ROLO_DATA_DIR`.
    #[must_use]
    pub fn rolo_dirs(self, config: &Path, data: &Path) -> Self {
        self.env("ROLO_CONFIG", config.display().to_string())
            .env("ROLO_DATA_DIR", data.display().to_string())
    }

    /// Starts it.
    pub fn start(self) -> anyhow::Result<Pty> {
        Pty::start(&self)
    }
}

/// A running program in a pseudo-terminal.
pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Option<Box<dyn Write + Send>>,
    master: Option<Box<dyn MasterPty + Send>>,
    screen: SharedScreen,
    pid: u32,
    started: Instant,
}

impl fmt::Debug for Pty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pty")
            .field("pid", &self.pid)
            .field("started", &self.started)
            .finish_non_exhaustive()
    }
}

fn lock(screen: &SharedScreen) -> MutexGuard<'_, Screen> {
    screen.0.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Pty {
    fn start(spec: &Spawn) -> anyhow::Result<Self> {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: spec.rows,
                cols: spec.cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .context("cannot open a pty")?;
        let rows = NonZeroU16::new(spec.rows).context("a terminal needs rows")?;
        let cols = NonZeroU16::new(spec.cols).context("a terminal needs columns")?;
        let mut cmd = CommandBuilder::new(&spec.program);
        cmd.args(&spec.args);
        // The child must see only what the test sets, never the caller's rolo settings.
        for key in ["ROLO_CONFIG", "ROLO_DATA_DIR", "ROLO_PROFILE", "NO_COLOR"] {
            cmd.env_remove(key);
        }
        for (k, v) in &spec.env {
            cmd.env(k, v);
        }
        let mut reader = pair.master.try_clone_reader()?;
        let writer = pair.master.take_writer()?;
        let started = Instant::now();
        let child = pair
            .slave
            .spawn_command(cmd)
            .with_context(|| format!("cannot start {}", spec.program))?;
        // Only the child holds the slave side now, so its exit ends the reader.
        drop(pair.slave);
        let pid = child.process_id().context("the child has no process id")?;
        let screen: SharedScreen = Arc::new((
            Mutex::new(Screen {
                parser: vt100::Parser::new(rows, cols, 0),
                bytes: 0,
                eof: false,
                first_output: None,
                raw: Vec::new(),
            }),
            Condvar::new(),
        ));
        let shared = Arc::clone(&screen);
        std::thread::Builder::new()
            .name(format!("pty-reader-{pid}"))
            .spawn(move || {
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = reader.read(&mut buf).unwrap_or(0);
                    let mut s = lock(&shared);
                    if n == 0 {
                        s.eof = true;
                    } else {
                        s.first_output.get_or_insert_with(Instant::now);
                        s.parser.process(&buf[..n]);
                        s.raw.extend_from_slice(&buf[..n]);
                        s.bytes += n as u64;
                    }
                    let done = s.eof;
                    drop(s);
                    shared.1.notify_all();
                    if done {
                        return;
                    }
                }
            })
            .context("cannot start the pty reader thread")?;
        Ok(Self {
            child,
            writer: Some(writer),
            master: Some(pair.master),
            screen,
            pid,
            started,
        })
    }

    /// The child's process id.
    #[must_use]
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// When the child was spawned (just before the `exec`).
    #[must_use]
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Writes raw bytes to the terminal, as keys typed: see [`TAB`], [`ENTER`], [`CTRL_S`]…
    pub fn send(&mut self, keys: &str) -> anyhow::Result<()> {
        let w = self.writer.as_mut().context("the pty is closed")?;
        w.write_all(keys.as_bytes())?;
        w.flush()?;
        Ok(())
    }

    /// The screen as plain text, one line per row (trailing blanks trimmed).
    #[must_use]
    pub fn screen(&self) -> String {
        lock(&self.screen).parser.screen().contents()
    }

    /// The text of one row from column `col` on (trailing blanks trimmed).
    #[must_use]
    pub fn row_text(&self, row: u16, col: u16) -> String {
        let s = lock(&self.screen);
        let (_, cols) = s.parser.screen().size();
        s.parser
            .screen()
            .rows(col, cols.get().saturating_sub(col))
            .nth(usize::from(row))
            .unwrap_or_default()
    }

    /// When the first byte of output arrived, if any has.
    #[must_use]
    pub fn first_output(&self) -> Option<Instant> {
        lock(&self.screen).first_output
    }

    /// Bytes read from the child so far.
    #[must_use]
    pub fn bytes_read(&self) -> u64 {
        lock(&self.screen).bytes
    }

    /// Every byte the child wrote to the terminal from offset `from` on.
    #[must_use]
    pub fn raw_since(&self, from: usize) -> Vec<u8> {
        let s = lock(&self.screen);
        s.raw.get(from..).unwrap_or_default().to_vec()
    }

    /// Waits until `pred` holds for the parsed screen; the error shows the last screen.
    pub fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl FnMut(&vt100::Screen) -> bool,
    ) -> anyhow::Result<String> {
        self.wait_until_with(what, timeout, pred, vt100::Screen::contents)
    }

    /// Waits until `pred` holds and returns the moment it was seen to hold (for timings:
    /// nothing is copied out of the screen).
    pub fn wait_until_at(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl FnMut(&vt100::Screen) -> bool,
    ) -> anyhow::Result<Instant> {
        self.wait_until_with(what, timeout, pred, |_| Instant::now())
    }

    fn wait_until_with<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut pred: impl FnMut(&vt100::Screen) -> bool,
        then: impl FnOnce(&vt100::Screen) -> T,
    ) -> anyhow::Result<T> {
        let deadline = Instant::now() + timeout;
        let mut s = lock(&self.screen);
        loop {
            if pred(s.parser.screen()) {
                return Ok(then(s.parser.screen()));
            }
            let now = Instant::now();
            if now >= deadline || s.eof {
                let why = if s.eof {
                    "the program exited"
                } else {
                    "timed out"
                };
                bail!(
                    "{why} waiting for {what} after {timeout:?}; the screen was:\n{}",
                    s.parser.screen().contents()
                );
            }
            s = self
                .screen
                .1
                .wait_timeout(s, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Waits until `text` is on the screen; returns the screen.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> anyhow::Result<String> {
        self.wait_until(&format!("{text:?}"), timeout, |s| {
            s.contents().contains(text)
        })
    }

    /// Waits until none of `text` is on the screen; returns the screen.
    pub fn wait_gone(&self, text: &str, timeout: Duration) -> anyhow::Result<String> {
        self.wait_until(&format!("{text:?} to go"), timeout, |s| {
            !s.contents().contains(text)
        })
    }

    /// A line of `/proc/<pid>/status` in KiB (`VmHWM`, `VmRSS`…), on Linux.
    #[must_use]
    pub fn proc_status_kib(&self, key: &str) -> Option<u64> {
        let text = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        let line = text.lines().find(|l| l.starts_with(&format!("{key}:")))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// The terminal's modes as `stty -a` reads them back from the pty (`-icanon -echo`
    /// in raw mode, `icanon echo` cooked).
    pub fn tty_modes(&self) -> anyhow::Result<String> {
        let master = self.master.as_ref().context("the pty is closed")?;
        let path = master.tty_name().context("the pty has no name")?;
        let out = std::process::Command::new("stty")
            .arg("-F")
            .arg(&path)
            .arg("-a")
            .output()
            .context("cannot run stty")?;
        if !out.status.success() {
            bail!(
                "stty -F {} -a failed: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Sets the terminal's modes with `stty ARGS` (as a shell does while a job is stopped).
    pub fn stty(&self, args: &[&str]) -> anyhow::Result<()> {
        let master = self.master.as_ref().context("the pty is closed")?;
        let path = master.tty_name().context("the pty has no name")?;
        let status = std::process::Command::new("stty")
            .arg("-F")
            .arg(&path)
            .args(args)
            .status()
            .context("cannot run stty")?;
        if !status.success() {
            bail!("stty {args:?} failed: {status}");
        }
        Ok(())
    }

    /// The child's state letter in `/proc/<pid>/stat` (`S` sleeping, `T` stopped), on
    /// Linux.
    #[must_use]
    pub fn proc_state(&self) -> Option<char> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).ok()?;
        // The name in parentheses may hold spaces: the state follows its last `)`.
        stat.rsplit_once(')')?.1.trim_start().chars().next()
    }

    /// Waits until `check` holds (polled), up to `timeout`; `true` when it did.
    pub fn wait_until_true(&self, timeout: Duration, check: impl Fn(&Self) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if check(self) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    /// Sends SIGKILL to the child (by its pid) and reaps it: no clean-up code runs.
    pub fn kill9(&mut self) -> anyhow::Result<()> {
        let status = std::process::Command::new("kill")
            .args(["-KILL", &self.pid.to_string()])
            .status()
            .context("cannot run kill")?;
        if !status.success() {
            bail!("kill -KILL {} failed: {status}", self.pid);
        }
        self.child.wait().context("cannot reap the child")?;
        Ok(())
    }

    /// Sends the signal `name` (`TERM`, `HUP`, `INT`) to the child, by its pid.
    pub fn signal(&self, name: &str) -> anyhow::Result<()> {
        let status = std::process::Command::new("kill")
            .args([&format!("-{name}"), &self.pid.to_string()])
            .status()
            .context("cannot run kill")?;
        if !status.success() {
            bail!("kill -{name} {} failed: {status}", self.pid);
        }
        Ok(())
    }

    /// Waits for the child to exit by itself, up to `timeout`; its exit code when it
    /// did.
    pub fn wait_exit_code(&mut self, timeout: Duration) -> Option<u32> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.exit_code());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Waits for the child to exit by itself, up to `timeout`; `true` when it did.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // SIGHUP, then SIGKILL after a short grace period; only this child's pid.
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        // Only now: dropping the writer types "\n" + EOF into a live terminal.
        self.writer.take();
        self.master.take();
    }
}
