//! Signals that end the form the way Ctrl-C does: `SIGTERM` (`kill`, `timeout`, a
//! service manager) and `SIGHUP` (the window closed, `tmux kill-session`). Without this
//! their default action killed rolo on the spot: the drafts were kept by the journal, but
//! the terminal stayed on the alternate screen with mouse and paste reporting on.
//!
//! `SIGINT` is taken and ignored while the form is open, as vim and less do: in raw mode
//! Ctrl-C is a key (quit, drafts kept), and while `$EDITOR` has the terminal in cooked
//! mode, Ctrl-C there sends `SIGINT` to rolo too, and that one is the editor's (git
//! ignores it the same way). Its default action used to end rolo with the editor.
//! Dropping only the interrupts that came during the editor would race tokio's signal
//! driver, which may pass one on after the editor has returned.
//!
//! Job control is handled as full-screen programs (vim, less, htop) handle it. Ctrl-Z is
//! undo in the form (raw mode: a key, not a signal), but `SIGTSTP` still comes from
//! outside (`kill -TSTP`, a shell's `suspend`, a terminal multiplexer): the form gives
//! the terminal back first and then stops itself. `SIGCONT` (`fg`, `kill -CONT`, also
//! after a `SIGSTOP` rolo could not see) takes the terminal again and repaints it: the
//! shell may have put the tty back in cooked mode meanwhile.

/// A signal that stopped the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    /// Its name, as `kill -l` prints it with the `SIG` prefix (`SIGTERM`).
    pub name: &'static str,
    /// Its number: the shell's exit status for a process it stopped is 128 plus this.
    pub number: u8,
}

impl Stop {
    /// The exit status rolo ends with: 128 plus the signal's number, as a shell reports
    /// a process the signal ended (143 for `SIGTERM`), so scripts see why it ended.
    #[must_use]
    pub fn exit_status(self) -> u8 {
        128 + self.number
    }
}

/// What a signal asks of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signalled {
    /// End, as Ctrl-C does.
    Stop(Stop),
    /// `SIGTSTP`: give the terminal back, then stop until continued.
    Suspend,
    /// `SIGCONT`: take the terminal again and repaint it.
    Continued,
}

/// `SIGTERM`, as a [`Stop`].
#[cfg(unix)]
const TERM: Stop = Stop {
    name: "SIGTERM",
    number: 15,
};
/// `SIGHUP`, as a [`Stop`].
#[cfg(unix)]
const HANGUP: Stop = Stop {
    name: "SIGHUP",
    number: 1,
};

/// The signals the form acts on (stops and job control), listened to for its life.
#[cfg(unix)]
pub struct Stops {
    term: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
    suspend: tokio::signal::unix::Signal,
    continued: tokio::signal::unix::Signal,
    /// Held so that `SIGINT` no longer has its default action; never read.
    _interrupt: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Stops {
    /// Starts listening. From here on these signals no longer end rolo by themselves:
    /// [`Stops::next`] must be polled (tokio never restores a default action).
    ///
    /// # Errors
    /// When a signal handler cannot be installed.
    pub fn listen() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        signal_hook::flag::register(
            signal_hook::consts::SIGTSTP,
            std::sync::Arc::clone(suspend_flag()),
        )?;
        Ok(Self {
            term: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
            suspend: signal(SignalKind::from_raw(signal_hook::consts::SIGTSTP))?,
            continued: signal(SignalKind::from_raw(signal_hook::consts::SIGCONT))?,
            _interrupt: signal(SignalKind::interrupt())?,
        })
    }

    /// The next signal the form acts on.
    pub async fn next(&mut self) -> Signalled {
        tokio::select! {
            _ = self.term.recv() => Signalled::Stop(TERM),
            _ = self.hangup.recv() => Signalled::Stop(HANGUP),
            _ = self.suspend.recv() => Signalled::Suspend,
            _ = self.continued.recv() => Signalled::Continued,
        }
    }

    /// The next stopping signal (job control is left waiting).
    pub async fn next_stop(&mut self) -> Stop {
        tokio::select! {
            _ = self.term.recv() => TERM,
            _ = self.hangup.recv() => HANGUP,
        }
    }
}

/// Set by every `SIGTSTP` (beside tokio's own handler), so that the one taking it acts
/// on it once: the form's loop, or the wait for `$EDITOR`, which runs while the loop
/// waits (an editor's Ctrl-Z stops its whole process group, rolo with it, as a shell
/// expects of a job).
#[cfg(unix)]
fn suspend_flag() -> &'static std::sync::Arc<std::sync::atomic::AtomicBool> {
    static FLAG: std::sync::OnceLock<std::sync::Arc<std::sync::atomic::AtomicBool>> =
        std::sync::OnceLock::new();
    FLAG.get_or_init(std::sync::Arc::default)
}

/// Whether a `SIGTSTP` came that nothing has acted on yet; taking it clears it.
#[cfg(unix)]
#[must_use]
pub fn take_suspend() -> bool {
    suspend_flag().swap(false, std::sync::atomic::Ordering::SeqCst)
}

/// Elsewhere there is no job control.
#[cfg(not(unix))]
#[must_use]
pub fn take_suspend() -> bool {
    false
}

/// Stops this process until a `SIGCONT`, as the default action of `SIGTSTP` would have
/// (the handler rolo installs replaced it). `SIGSTOP` cannot be caught, so it always
/// stops, even where the kernel would drop a `SIGTSTP` (an orphaned process group).
///
/// # Errors
/// When the signal cannot be raised.
#[cfg(unix)]
pub fn stop_self() -> std::io::Result<()> {
    signal_hook::low_level::raise(signal_hook::consts::SIGSTOP)
}

/// Elsewhere there is no job control.
///
/// # Errors
/// Never.
#[cfg(not(unix))]
pub fn stop_self() -> std::io::Result<()> {
    Ok(())
}

/// Elsewhere nothing is listened to (Ctrl-C is still a key in the form).
#[cfg(not(unix))]
pub struct Stops;

#[cfg(not(unix))]
impl Stops {
    /// Listens to nothing.
    ///
    /// # Errors
    /// Never.
    pub fn listen() -> std::io::Result<Self> {
        Ok(Self)
    }

    /// Never comes.
    pub async fn next(&mut self) -> Signalled {
        std::future::pending().await
    }

    /// Never comes.
    pub async fn next_stop(&mut self) -> Stop {
        std::future::pending().await
    }
}
