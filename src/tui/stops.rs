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

/// The stopping signals, listened to for the life of the form.
#[cfg(unix)]
pub struct Stops {
    term: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
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
        Ok(Self {
            term: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
            _interrupt: signal(SignalKind::interrupt())?,
        })
    }

    /// The next stopping signal.
    pub async fn next(&mut self) -> Stop {
        tokio::select! {
            _ = self.term.recv() => Stop { name: "SIGTERM", number: 15 },
            _ = self.hangup.recv() => Stop { name: "SIGHUP", number: 1 },
        }
    }
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
    pub async fn next(&mut self) -> Stop {
        std::future::pending().await
    }
}
