//! The real terminal's input (keys, pastes, mouse, resizes), read on a thread of its own
//! and delivered as a stream, like crossterm's `EventStream`; unlike it, the reading can
//! be paused, so that an editor run from the form (Ctrl-E) gets every key.
//!
//! Why not `EventStream`: its thread may be left waiting in crossterm's poll with a task
//! from before, reading the terminal under the editor; and dropping it to stop that
//! thread leaves a wake-up pending that makes crossterm discard the next input's
//! readiness, so keys typed right after the editor would wait for another key. Here one
//! thread polls with a timeout and stops at a gate: [`Keyboard::pause`] returns once it
//! is out of crossterm's poll and will not read until [`Keyboard::resume`].

use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use crossterm::event::{self, Event};
use futures::Stream;
use tokio::sync::mpsc;

/// How long one poll waits before the thread looks at the gate again: the longest a
/// pause waits (input itself is read as soon as it comes).
const POLL: Duration = Duration::from_millis(50);

/// Where the reader thread is.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Thread {
    /// Polling or reading the terminal (or about to).
    #[default]
    Reading,
    /// Waiting at the gate, outside crossterm's poll.
    Idle,
    /// Gone (the form went, or reading failed).
    Ended,
}

/// What the reader thread and the form agree on.
#[derive(Debug, Default)]
struct State {
    /// The form wants the terminal left alone.
    paused: bool,
    /// The form is gone: the thread ends.
    stopped: bool,
    /// Where the thread is.
    thread: Thread,
}

#[derive(Debug, Default)]
struct Gate {
    state: Mutex<State>,
    changed: Condvar,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, guard: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        self.changed
            .wait(guard)
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The thread's side: waits while paused; `false` when it should end.
    fn pass(&self) -> bool {
        let mut s = self.lock();
        while s.paused && !s.stopped {
            s.thread = Thread::Idle;
            self.changed.notify_all();
            s = self.wait(s);
        }
        s.thread = Thread::Reading;
        !s.stopped
    }
}

/// The terminal's input as a stream, read on its own thread (see the module comment).
#[derive(Debug)]
pub struct Keyboard {
    rx: mpsc::UnboundedReceiver<std::io::Result<Event>>,
    gate: Arc<Gate>,
}

impl Keyboard {
    /// Starts reading the terminal.
    pub fn start() -> std::io::Result<Self> {
        let (tx, rx) = mpsc::unbounded_channel();
        let gate = Arc::new(Gate::default());
        let shared = Arc::clone(&gate);
        std::thread::Builder::new()
            .name("rolo-keyboard".into())
            .spawn(move || {
                read(&tx, &shared);
                shared.lock().thread = Thread::Ended;
                shared.changed.notify_all();
            })?;
        Ok(Self { rx, gate })
    }

    /// Stops reading the terminal; returns once nothing here reads it any more.
    pub fn pause(&mut self) {
        let mut s = self.gate.lock();
        s.paused = true;
        while s.thread == Thread::Reading {
            s = self.gate.wait(s);
        }
    }

    /// Reads the terminal again.
    pub fn resume(&mut self) {
        self.gate.lock().paused = false;
        self.gate.changed.notify_all();
    }
}

impl Drop for Keyboard {
    fn drop(&mut self) {
        self.gate.lock().stopped = true;
        self.gate.changed.notify_all();
    }
}

impl Stream for Keyboard {
    type Item = std::io::Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

/// The thread: polls with a timeout so it can stop at the gate, reads what comes and
/// sends it on, until the form goes or reading fails (the error is sent on too).
fn read(tx: &mpsc::UnboundedSender<std::io::Result<Event>>, gate: &Gate) {
    while gate.pass() {
        let read = match event::poll(POLL) {
            Ok(false) => continue,
            Ok(true) => event::read(),
            Err(e) => Err(e),
        };
        let failed = read.is_err();
        if tx.send(read).is_err() || failed {
            return;
        }
    }
}
