//! The form's runtime: where profiles come from, the app built from them and the data
//! dir, and the one loop that turns input and task results into updates and frames.
//!
//! [`Tui`] is generic over the ratatui backend: [`run`] drives it on the real terminal
//! (raw mode, alternate screen, a panic hook that saves the draft and restores the
//! terminal), and tests drive the very same `Tui` on a `TestBackend` with a key script.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};

use super::app::{App, Level, ProfileState, RECENT};
use super::controller::Controller;
use super::editor::{self, Failure};
use super::keyboard::Keyboard;
use super::message::{Effect, Message};
use super::stops::{Signalled, Stop, Stops};
use super::theme::Theme;
use super::view;
use crate::config::{Config, Profile};
use crate::contact::Draft;
use crate::engine::embedded::{self, ApiKey};
use crate::engine::session::{self, Choice};
use crate::engine::{catalog, drafts, outbox, record};

/// The draft last changed (its file and profile), so a panic can still save it.
static LAST_DRAFT: Mutex<Option<(PathBuf, String, Draft)>> = Mutex::new(None);
/// Each profile's draft file in this window's slots (see [`drafts::Slot`]).
static DRAFT_FILES: Mutex<Vec<(String, PathBuf)>> = Mutex::new(Vec::new());

/// Notes the latest draft of a profile (cheap; called on each change).
pub fn remember_draft(profile: &str, draft: &Draft) {
    let files = DRAFT_FILES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, file)) = files.iter().find(|(p, _)| p == profile) {
        *LAST_DRAFT.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((file.clone(), profile.to_owned(), draft.clone()));
    }
}

/// Takes the terminal for the form: raw mode, the alternate screen, pastes and mouse
/// clicks reported.
fn take_terminal() -> std::io::Result<()> {
    enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        EnableMouseCapture
    )
}

/// Puts the terminal back as it was before rolo (on quit, and while an editor runs).
/// Both steps are tried even when the first fails.
fn leave_terminal() -> std::io::Result<()> {
    let raw = disable_raw_mode();
    let modes = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    raw.and(modes)
}

/// Gives the terminal back. There is no screen left to report a failure on, so it goes
/// to the log.
fn restore_terminal() {
    if let Err(e) = leave_terminal() {
        tracing::warn!("cannot restore the terminal: {e}");
    }
}

/// A panic saves the draft, restores the terminal, then reports as usual.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some((file, profile, draft)) = LAST_DRAFT
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            // The panic report follows on stderr; this goes to the log.
            if let Err(e) = drafts::write_draft(&file, &draft) {
                tracing::error!("cannot save the draft of {profile} after a panic: {e}");
            }
        }
        restore_terminal();
        previous(info);
    }));
}

/// Where profiles come from: the config file, or the embedded sandbox when there is none.
struct Setup {
    config_path: PathBuf,
    profiles: Vec<Profile>,
    active: usize,
    keys: HashMap<String, ApiKey>,
    banner: Option<String>,
    _sandbox: Option<embedded::SandboxHandle>,
}

async fn setup(global: &Choice) -> anyhow::Result<Setup> {
    let path = global.config_path().ok();
    if let Some(path) = path.filter(|p| p.exists()) {
        {
            let config = Config::load(&path)?;
            let active = config.select(global.profile.as_deref())?.name.clone();
            let index = config
                .profiles
                .iter()
                .position(|p| p.name == active)
                .unwrap_or(0);
            let banner = config.warnings.first().cloned();
            Ok(Setup {
                config_path: path,
                profiles: config.profiles,
                active: index,
                keys: HashMap::new(),
                banner,
                _sandbox: None,
            })
        }
    } else {
        {
            let shown = global
                .config_path()
                .map_or_else(|_| "the config dir".to_owned(), |p| p.display().to_string());
            let (handle, profiles, keys) = embedded::start().await?;
            let banner = format!(
                "No config at {shown}: this is the built-in sandbox. Add your CRM: copy config.example.toml there."
            );
            let active = embedded::choose(&profiles, global.profile.as_deref())?;
            Ok(Setup {
                config_path: PathBuf::from("<built-in sandbox>"),
                profiles,
                active,
                keys,
                banner: Some(banner),
                _sandbox: Some(handle),
            })
        }
    }
}

/// How long a failed terminal read waits for the SIGHUP that explains it.
const HANG_UP_GRACE: Duration = Duration::from_millis(500);

/// Runs the form on the real terminal until the user quits (exit status 0) or a signal
/// stops it ([`super::stops`]: 128 plus its number, after the terminal is restored and
/// the drafts are saved).
pub fn run(choice: &Choice) -> anyhow::Result<std::process::ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async {
        let data_dir = session::data_dir()?;
        // Set up before the screen changes: a bad config is reported on a plain terminal.
        let setup = setup(choice).await?;
        install_panic_hook();
        let result = async {
            take_terminal().context("cannot set up the terminal (raw mode, alternate screen)")?;
            let backend = super::inert::Inert::new(CrosstermBackend::new(std::io::stdout()));
            let mut tui = Tui::new(setup, data_dir.clone(), backend)?;
            tui.lends_terminal = true;
            let mut input = Keyboard::start().context("cannot read the terminal")?;
            let mut stops = Stops::listen().context("cannot listen for SIGTERM and SIGHUP")?;
            let looped = tui.run(&mut input, &mut stops).await;
            Ok::<_, anyhow::Error>((looped, tui.close()))
        }
        .await;
        restore_terminal();
        let (looped, unsaved) = result?;
        // The terminal is back: say it where the user can read it. After SIGHUP it may be
        // gone, and a failed write is not worth a panic (`eprintln!` would panic); the
        // log has the same words.
        let mut stderr = std::io::stderr();
        for e in &unsaved {
            tracing::warn!("{e}");
            let _ = writeln!(stderr, "rolo: {}", crate::text::inert_lines(e));
        }
        let (items, damaged) = crate::engine::outbox::list_checked(&data_dir);
        if let Some(waiting) = outbox_words(&items, &damaged) {
            let _ = writeln!(stderr, "rolo: {}", crate::text::inert_lines(&waiting));
        }
        Ok(match looped? {
            None => std::process::ExitCode::SUCCESS,
            Some(stop) => {
                let kept = if unsaved.is_empty() {
                    "the drafts are saved"
                } else {
                    "see above for what could not be saved"
                };
                tracing::info!("stopped by {}", stop.name);
                let _ = writeln!(stderr, "rolo: stopped by {}; {kept}", stop.name);
                std::process::ExitCode::from(stop.exit_status())
            }
        })
    })
}

/// What the agent is told on leaving while contacts wait in the outbox: how many, and
/// how they will go (a quit is not an error, so the exit code stays 0).
fn outbox_words(
    items: &[crate::engine::outbox::Item],
    damaged: &[crate::engine::outbox::Damaged],
) -> Option<String> {
    let retry = "`rolo outbox retry`";
    let damaged = match damaged {
        [] => None,
        [one] => Some(format!(
            "1 outbox file is damaged and cannot be sent ({}): `rolo outbox list` names it",
            one.readable()
        )),
        many => Some(format!(
            "{} outbox files are damaged and cannot be sent: `rolo outbox list` names them",
            many.len()
        )),
    };
    let waiting = match items {
        [] => None,
        [one] => Some(format!(
            "1 contact waits in the outbox ({}): the form sends it when it starts again, or \
             {retry} sends it now",
            one.name
        )),
        many => Some(format!(
            "{} contacts wait in the outbox: the form sends them when it starts again, or \
             {retry} sends them now (`rolo outbox list` shows them)",
            many.len()
        )),
    };
    match (waiting, damaged) {
        (Some(w), Some(d)) => Some(format!("{w}; {d}")),
        (w, d) => w.or(d),
    }
}

/// The form over a backend: the app, the controller that performs its effects, and the
/// terminal it is drawn on. One step handles one message, the same in the real loop
/// ([`Tui::run`]) and in a test's key script ([`Tui::handle`]).
pub struct Tui<B: Backend> {
    terminal: Terminal<B>,
    app: App,
    ctl: Controller,
    data_dir: PathBuf,
    /// The editor run the app asked for (Ctrl-E), waiting for the loop to hand it the
    /// terminal.
    editing: Option<EditJob>,
    /// The backend is the real terminal, which [`Tui::run`] can hand to an editor; on
    /// any other (a test's) the editor is refused at once.
    lends_terminal: bool,
    /// The unix second the status bar's rate figures were last drawn for, while they
    /// change with the clock (a countdown to the window's reset, then the new window).
    clock: i64,
    /// The embedded sandbox, when there is no config: it lives as long as the form.
    _setup: Setup,
}

/// A field's text on its way to the user's editor (from [`Effect::EditText`]).
#[derive(Debug)]
struct EditJob {
    profile: usize,
    key: String,
    text: String,
}

impl EditJob {
    /// The answer to give the app.
    fn answer(self, edited: Result<String, Failure>) -> Message {
        Message::Edited {
            profile: self.profile,
            key: self.key,
            before: self.text,
            edited,
        }
    }
}

impl<B: Backend> Tui<B>
where
    B::Error: std::error::Error + Send + Sync + 'static,
{
    /// Reads the chosen config (or starts the embedded sandbox when there is none),
    /// builds the app from it and the data dir, draws the first frame and connects the
    /// active profile.
    pub async fn open(choice: &Choice, data_dir: PathBuf, backend: B) -> anyhow::Result<Self> {
        let setup = setup(choice).await?;
        Self::new(setup, data_dir, backend)
    }

    fn new(setup: Setup, data_dir: PathBuf, backend: B) -> anyhow::Result<Self> {
        // This thread runs the loop: a phone parsed here (a saved draft's, a typed one)
        // never waits for the phone database, which loads on a worker right after the
        // first frame.
        crate::contact::phone::never_wait_here();
        let (mut app, late_caches, slots) = build_app(&setup, &data_dir);
        // Side files (`tags_file = …`) are read after the first frame, with the big caches.
        let side_files = app
            .profiles
            .iter()
            .any(|p| !p.profile.side_files.is_empty());
        app.lists_pending = side_files || !late_caches.is_empty();
        let terminal = Terminal::new(backend)?;
        let size = terminal.size()?;
        app.size = (size.width, size.height);
        let ctl = Controller::new(
            setup.keys.clone(),
            setup.config_path.clone(),
            data_dir.clone(),
        );
        let mut ctl = ctl;
        ctl.hold_drafts(slots);
        let mut tui = Self {
            terminal,
            app,
            ctl,
            data_dir,
            editing: None,
            lends_terminal: false,
            clock: 0,
            _setup: setup,
        };
        tui.draw()?;
        if !tui.app.phones_loaded {
            tui.ctl.load_phones();
        }
        if tui.app.lists_pending {
            tui.ctl.read_lists(late_caches, &tui.app);
        }
        let mut start = tui.app.start();
        start.extend(tui.app.prepare_lists());
        tui.ctl.perform(start, &mut tui.app);
        Ok(tui)
    }

    /// The loop: input, task results, ticks and stopping signals, one at a time, until
    /// the user quits, the input ends (`None`) or a signal stops the form (that signal).
    /// While an editor runs (Ctrl-E) the input is paused, so that the editor gets every
    /// key; input read before that waits its turn.
    pub async fn run(
        &mut self,
        input: &mut Keyboard,
        stops: &mut Stops,
    ) -> anyhow::Result<Option<Stop>> {
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        let mut stopped = None;
        loop {
            let msg = tokio::select! {
                signalled = stops.next() => match signalled {
                    Signalled::Stop(stop) => Ok(Message::Stop(stop)),
                    // Unless the wait for `$EDITOR` has already stopped for it.
                    Signalled::Suspend => {
                        if super::stops::take_suspend() {
                            self.suspend(input)?;
                            tick.reset();
                        }
                        continue;
                    }
                    Signalled::Continued => {
                        self.retake_terminal()?;
                        continue;
                    }
                },
                ev = input.next() => match ev {
                    Some(Ok(e)) => Ok(Message::Input(e)),
                    Some(Err(e)) => Err(e),
                    None => return Ok(None),
                },
                Some(m) = self.ctl.next() => Ok(m),
                _ = tick.tick() => Ok(Message::Tick),
            };
            let msg = match msg {
                Ok(msg) => msg,
                // When the terminal goes away the read fails, and the SIGHUP that says why
                // comes a moment later: that is the reason to report.
                Err(e) => match tokio::time::timeout(HANG_UP_GRACE, stops.next_stop()).await {
                    Ok(stop) => Message::Stop(stop),
                    Err(_) => return Err(e.into()),
                },
            };
            if let Message::Stop(stop) = msg {
                stopped = Some(stop);
            }
            self.handle(msg)?;
            if let Some(job) = self.editing.take() {
                input.pause();
                let edited = self.lend_terminal(job);
                input.resume();
                // The ticks missed while the editor ran are not worth a burst.
                tick.reset();
                self.handle(edited?)?;
            }
            if let Some(fatal) = self.app.fatal.take() {
                return Err(anyhow::anyhow!(fatal));
            }
            if self.app.quit {
                return Ok(stopped);
            }
        }
    }

    /// Whether a new second has begun while the rate figures on the status bar count
    /// down to the window's reset (or just reached it).
    fn clock_moved(&mut self) -> bool {
        let now = crate::engine::usage_words::unix_now();
        let rate = self.app.current().rate;
        let counting = rate
            .and_then(|r| r.reset)
            .is_some_and(|reset| now <= reset + 1);
        let moved = counting && now != self.clock;
        if moved {
            self.clock = now;
        }
        moved
    }

    /// One step: update the app, perform its effects, draw when something may show.
    /// An editor run is kept for [`Tui::run`], which alone can pause the input for it;
    /// without a real terminal it is refused here.
    pub fn handle(&mut self, msg: Message) -> anyhow::Result<()> {
        let redraw = !matches!(msg, Message::Tick)
            || self.app.submitting.is_some()
            || self.app.awaiting_check.is_some()
            || self.clock_moved();
        let fx = self.app.update(msg);
        self.ctl.journal(&mut self.app);
        let fx = self.keep_editor_run(fx);
        self.ctl.perform(fx, &mut self.app);
        if redraw {
            self.draw()?;
        }
        if !self.lends_terminal
            && let Some(job) = self.editing.take()
        {
            let why = "there is no terminal to hand to it here".to_owned();
            self.handle(job.answer(Err(Failure::Prepare(why))))?;
        }
        Ok(())
    }

    /// Takes the editor run out of `fx` (the controller cannot perform it: it needs the
    /// terminal); the rest is for the controller.
    fn keep_editor_run(&mut self, fx: Vec<Effect>) -> Vec<Effect> {
        fx.into_iter()
            .filter_map(|e| match e {
                Effect::EditText { profile, key, text } => {
                    self.editing = Some(EditJob { profile, key, text });
                    None
                }
                other => Some(other),
            })
            .collect()
    }

    /// Runs the user's editor on the job's text with the terminal handed over: out of
    /// raw mode and the alternate screen, mouse and paste reporting off; then takes the
    /// terminal back and repaints every cell (the editor drew over them). The input must
    /// not be read meanwhile (see [`Tui::run`]). An error here is one the form cannot
    /// go on from: the terminal could not be taken back.
    fn lend_terminal(&mut self, job: EditJob) -> anyhow::Result<Message> {
        let edited = match leave_terminal() {
            Ok(()) => editor::Command::from_env().and_then(|cmd| editor::edit(&cmd, &job.text)),
            Err(e) => Err(Failure::Prepare(format!(
                "cannot hand the terminal over: {e}"
            ))),
        };
        take_terminal().context("cannot take the terminal back after the editor")?;
        // A resize clears the screen and forgets the last frame, so the next draw paints
        // every cell, at the size the window has now (the editor may have seen it
        // resized). `Terminal::clear` would do the same but asks the terminal where its
        // cursor is, and the answer would come as input, which is not read here.
        let size = self.terminal.size()?;
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
        self.app.size = (size.width, size.height);
        Ok(job.answer(edited))
    }

    /// `SIGTSTP`: the terminal given back as on quit (its modes, the main screen, mouse
    /// and paste reporting off), the process stopped; on `SIGCONT` the terminal is taken
    /// again and every cell repainted. The drafts need nothing: every edit is journaled.
    fn suspend(&mut self, input: &mut Keyboard) -> anyhow::Result<()> {
        input.pause();
        restore_terminal();
        tracing::info!("suspended by SIGTSTP");
        if let Err(e) = super::stops::stop_self() {
            tracing::warn!("cannot stop on SIGTSTP: {e}");
        }
        let taken = self.retake_terminal();
        input.resume();
        taken
    }

    /// Takes the terminal again after a stop (ours, or a `SIGSTOP` we could not see)
    /// and repaints every cell. Raw mode is set again even if rolo believes it is on: the
    /// shell may have put the tty back in cooked mode while rolo was stopped.
    fn retake_terminal(&mut self) -> anyhow::Result<()> {
        if self.lends_terminal {
            let _ = disable_raw_mode();
            take_terminal().context("cannot take the terminal back after a stop")?;
        }
        let size = self.terminal.size()?;
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
        self.app.size = (size.width, size.height);
        self.draw()
    }

    /// The next result of a task the controller started (for a key script that waits
    /// for an answer); `None` never comes while the form is open.
    pub async fn next_result(&mut self) -> Option<Message> {
        self.ctl.next().await
    }

    /// Draws the app.
    pub fn draw(&mut self) -> anyhow::Result<()> {
        let app = &self.app;
        self.terminal.draw(|f| view::draw(f, app))?;
        Ok(())
    }

    /// The app, to read (a test looks at the draft, the mode, the status).
    #[must_use]
    pub fn app(&self) -> &App {
        &self.app
    }

    /// The app, to change: only for test scripts that set up a state no key reaches
    /// (the moment before the phone database is loaded, say).
    #[doc(hidden)]
    pub fn app_mut(&mut self) -> &mut App {
        &mut self.app
    }

    /// The backend the frames were drawn on.
    #[must_use]
    pub fn backend(&self) -> &B {
        self.terminal.backend()
    }

    /// The backend, to change (a test resizes its `TestBackend`, then sends the resize).
    pub fn backend_mut(&mut self) -> &mut B {
        self.terminal.backend_mut()
    }

    /// The data dir the form reads and writes.
    #[must_use]
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Saves every profile's unsent draft, as on quit; the drafts that could not be
    /// saved, in words.
    #[must_use]
    pub fn close(mut self) -> Vec<String> {
        self.ctl.save_all(&self.app)
    }
}

/// The app as the first frame shows it, and the profiles whose big catalog caches are
/// read after that frame (see [`catalog::BIG_CACHE`]).
///
/// Each profile's draft comes from this window's slot of it (a second window on the same
/// profile gets a slot of its own); an empty slot takes a draft another window left.
fn build_app(setup: &Setup, data_dir: &Path) -> (App, Vec<usize>, Vec<Option<drafts::Slot>>) {
    let mut restored = Vec::new();
    let mut notices = Vec::new();
    let mut late_caches = Vec::new();
    let mut slots = Vec::new();
    let mut shared = None;
    let mut waiting = 0;
    let (kept, damaged_outbox) = waiting_in_outbox(data_dir, &mut notices);
    let mut in_flight = Vec::new();
    let states = setup
        .profiles
        .iter()
        .enumerate()
        .map(|(i, profile)| {
            let local = if catalog::cache_is_big(data_dir, profile) {
                late_caches.push(i);
                catalog::declared(profile)
            } else {
                catalog::local(data_dir, profile)
            };
            notices.extend(local.notice);
            let catalog = local.catalog;
            let (mut slot, mut saved) = hold_draft(data_dir, &profile.name, &mut notices);
            // A send the last run did not see land (closed, killed) left the contact in
            // the outbox, marked "may exist": it is not a plain draft to send again.
            if let Some(s) = &saved
                && kept.iter().any(|item| {
                    item.profile == profile.name && item.may_have_arrived && item.draft == s.draft
                })
            {
                if let Some(slot) = slot.as_mut()
                    && let Err(e) = slot.save(&crate::contact::Draft::default())
                {
                    notices.push(format!("cannot save the draft of {}: {e}", profile.name));
                }
                in_flight.push(profile.name.clone());
                saved = None;
            }
            if let Some(slot) = &slot {
                waiting += slot.orphans().len();
                if slot.number() > 1 && i == setup.active {
                    shared = Some(slot.number());
                }
                register_draft_file(&profile.name, slot.draft_path());
            }
            slots.push(slot);
            if let Some(s) = &saved {
                restored.push(format!(
                    "{} (saved {})",
                    profile.name,
                    local_time(&s.saved_at)
                ));
            }
            let month = record::created_this_month(data_dir, &profile.name);
            let memory = drafts::load_memory(data_dir, &profile.name);
            let mut state =
                ProfileState::new(profile.clone(), catalog, saved.map(|s| s.draft), month);
            state.sticky = memory.sticky;
            state.last_sent = memory.last_sent;
            state
        })
        .collect();
    let mut app = App::new(states, setup.active, Theme::from_env());
    app.outbox = kept;
    app.outbox_damaged = damaged_outbox;
    app.recent = recent(data_dir, &mut notices);
    app.banner.clone_from(&setup.banner);
    // One status line says all of it: a later message would hide an earlier one.
    let mut said = Vec::new();
    if !restored.is_empty() {
        said.push(format!(
            "Restored your unsent draft: {}. Ctrl-T switches profile.",
            restored.join(", ")
        ));
    }
    if !in_flight.is_empty() {
        said.push(format!(
            "The contact of {} was being sent when rolo closed: it waits in the outbox (F3), \
             which looks for it on the server before sending it again.",
            in_flight.join(", ")
        ));
    }
    if let Some(n) = shared {
        let name = &setup.profiles[setup.active].name;
        said.push(format!(
            "Another rolo window has {name} open: this one keeps its own draft ({name}~{n}); \
             both are offered when rolo starts again."
        ));
    }
    if waiting > 0 {
        let drafts = if waiting == 1 { "draft" } else { "drafts" };
        said.push(format!(
            "{waiting} more unsent {drafts} from other windows: each comes onto the form when \
             this one is sent or cleared."
        ));
    }
    if !said.is_empty() {
        app.say(Level::Info, said.join(" "));
    }
    warn_once(&mut app, &notices);
    (app, late_caches, slots)
}

/// The outbox: its items, and its damaged files (named in `notices`).
fn waiting_in_outbox(
    data_dir: &Path,
    notices: &mut Vec<String>,
) -> (Vec<outbox::Item>, Vec<outbox::Damaged>) {
    let (kept, damaged) = outbox::list_checked(data_dir);
    // The status line is short; the file and what is wrong are in F3 and the log.
    notices.extend(damaged.iter().map(|d| {
        tracing::warn!("{}", d.damage);
        format!(
            "an outbox file is damaged and cannot be sent ({}): F3 shows it",
            d.readable()
        )
    }));
    (kept, damaged)
}

/// The last contacts created, for F4; the history's damaged lines join `notices`.
fn recent(data_dir: &Path, notices: &mut Vec<String>) -> Vec<record::Entry> {
    let (all, damaged) = record::read_checked(data_dir);
    notices.extend(damaged.iter().map(ToString::to_string));
    all[all.len().saturating_sub(RECENT)..].to_vec()
}

/// Every start-up warning goes to the log; the status line says the first, and how
/// many more the log holds (a later message would hide an earlier one).
fn warn_once(app: &mut App, notices: &[String]) {
    for n in notices {
        tracing::warn!("{n}");
    }
    if let Some(n) = notices.first() {
        let more = match notices.len() - 1 {
            0 => String::new(),
            1 => " (1 more warning in the log)".to_owned(),
            n => format!(" ({n} more warnings in the log)"),
        };
        app.say(
            Level::Warn,
            format!("{}{more}", crate::engine::words::capitalised(n)),
        );
    }
}

/// This window's slot of a profile's drafts and the draft in it; an empty slot takes
/// the first draft another window left. Without a slot (the drafts folder cannot be
/// written) the first slot's draft is read, and the reason joins `notices`.
fn hold_draft(
    data_dir: &Path,
    profile: &str,
    notices: &mut Vec<String>,
) -> (Option<drafts::Slot>, Option<drafts::Saved>) {
    let mut slot = match drafts::Slot::take(data_dir, profile) {
        Ok(slot) => slot,
        Err(e) => {
            notices.push(format!("cannot hold the draft of {profile}: {e}"));
            let loaded = drafts::load_checked(data_dir, profile);
            notices.extend(loaded.damaged.iter().map(ToString::to_string));
            return (None, loaded.saved);
        }
    };
    let loaded = drafts::worth_restoring(slot.load());
    notices.extend(loaded.damaged.iter().map(ToString::to_string));
    let mut saved = loaded.saved;
    if saved.is_none()
        && let Some(&other) = slot.orphans().first()
    {
        match slot.adopt(other).map(drafts::worth_restoring) {
            Ok(found) => {
                notices.extend(found.damaged.iter().map(ToString::to_string));
                saved = found.saved;
                if let Some(s) = &saved
                    && let Err(e) = slot.save(&s.draft)
                {
                    notices.push(format!("cannot save the draft of {profile}: {e}"));
                }
            }
            Err(e) => notices.push(format!("cannot open a draft of {profile}: {e}")),
        }
    }
    (Some(slot), saved)
}

/// Notes where a profile's draft goes if rolo panics.
fn register_draft_file(profile: &str, file: PathBuf) {
    let mut files = DRAFT_FILES.lock().unwrap_or_else(PoisonError::into_inner);
    files.retain(|(p, _)| p != profile);
    files.push((profile.to_owned(), file));
}

/// An RFC 3339 time as local wall-clock time, for people.
pub(crate) fn local_time(rfc3339: &str) -> String {
    rfc3339.parse::<jiff::Timestamp>().map_or_else(
        |_| rfc3339.to_owned(),
        |t| {
            t.to_zoned(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        },
    )
}
