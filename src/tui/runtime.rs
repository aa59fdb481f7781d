//! The controller: sets up the terminal, runs the loop, performs effects (the only place
//! that spawns tasks or touches files), and always restores the terminal, on panic too.

use std::collections::HashMap;
use std::io::Stdout;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    EventStream,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::app::{App, Level, ProfileState, RECENT};
use super::message::{Effect, Message};
use super::theme::Theme;
use super::view;
use crate::config::{Config, Profile};
use crate::contact::Draft;
use crate::engine::embedded::{self, ApiKey};
use crate::engine::session::{self, Choice, Session};
use crate::engine::{catalog, drafts, outbox, record};

/// The draft last changed, so a panic can still save it.
static LAST_DRAFT: Mutex<Option<(PathBuf, String, Draft)>> = Mutex::new(None);
static DATA_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Notes the latest draft of a profile (cheap; called on each change).
pub fn remember_draft(profile: &str, draft: &Draft) {
    let dir = DATA_DIR
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    if let Some(dir) = dir {
        *LAST_DRAFT.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((dir, profile.to_owned(), draft.clone()));
    }
}

fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// A panic saves the draft, restores the terminal, then reports as usual.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some((dir, profile, draft)) = LAST_DRAFT
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            // Nothing can be shown here any more: the panic report follows.
            let _ = drafts::save(&dir, &profile, &draft);
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
            let active = global
                .profile
                .as_deref()
                .and_then(|w| profiles.iter().position(|p| p.name == w))
                .unwrap_or(0);
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

/// Runs the form until the user quits.
pub fn run(global: &Choice) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async {
        let setup = setup(global).await?;
        let data_dir = session::data_dir()?;
        *DATA_DIR.lock().unwrap_or_else(PoisonError::into_inner) = Some(data_dir.clone());
        let mut app = build_app(&setup, &data_dir);
        install_panic_hook();
        enable_raw_mode().context("cannot switch the terminal to raw mode")?;
        let result = async {
            execute!(
                std::io::stdout(),
                EnterAlternateScreen,
                EnableBracketedPaste,
                EnableMouseCapture
            )?;
            let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
            let size = terminal.size()?;
            app.size = (size.width, size.height);
            event_loop(
                &mut terminal,
                &mut app,
                Controller::new(setup.keys, setup.config_path.clone(), data_dir.clone()),
            )
            .await
        }
        .await;
        restore_terminal();
        for p in &app.profiles {
            if let Err(e) = drafts::save(&data_dir, &p.profile.name, &p.unsent()) {
                // The terminal is back: say it where the user can read it.
                eprintln!("rolo: could not save the draft of {}: {e}", p.profile.name);
            }
        }
        result
    })
}

fn build_app(setup: &Setup, data_dir: &std::path::Path) -> App {
    let mut restored = Vec::new();
    let states = setup
        .profiles
        .iter()
        .map(|profile| {
            let catalog = catalog::local(data_dir, profile);
            let saved = drafts::load(data_dir, &profile.name);
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
    app.outbox = outbox::list(data_dir);
    let all = record::read(data_dir);
    app.recent = all[all.len().saturating_sub(RECENT)..].to_vec();
    app.banner.clone_from(&setup.banner);
    if !restored.is_empty() {
        app.say(
            Level::Info,
            format!(
                "Restored your unsent draft: {}. Ctrl-T switches profile.",
                restored.join(", ")
            ),
        );
    }
    app
}

/// An RFC 3339 time as local wall-clock time, for people.
fn local_time(rfc3339: &str) -> String {
    rfc3339.parse::<jiff::Timestamp>().map_or_else(
        |_| rfc3339.to_owned(),
        |t| {
            t.to_zoned(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        },
    )
}

async fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    mut ctl: Controller,
) -> anyhow::Result<()> {
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    terminal.draw(|f| view::draw(f, app))?;
    let start = app.start();
    ctl.perform(start, app);
    loop {
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(e)) => Message::Input(e),
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            Some(m) = ctl.rx.recv() => m,
            _ = tick.tick() => Message::Tick,
        };
        let redraw = !matches!(msg, Message::Tick) || app.submitting.is_some();
        let fx = app.update(msg);
        ctl.perform(fx, app);
        if app.quit {
            return Ok(());
        }
        if redraw {
            terminal.draw(|f| view::draw(f, app))?;
        }
    }
}

/// Performs effects; owns the channel back into the loop and the submit's cancel token.
pub struct Controller {
    tx: mpsc::UnboundedSender<Message>,
    rx: mpsc::UnboundedReceiver<Message>,
    keys: HashMap<String, ApiKey>,
    config_path: PathBuf,
    data_dir: PathBuf,
    submit: Option<CancellationToken>,
}

impl Controller {
    /// A controller with the embedded sandbox's keys (if any) and the data dir.
    #[must_use]
    pub fn new(keys: HashMap<String, ApiKey>, config_path: PathBuf, data_dir: PathBuf) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Self {
            tx,
            rx,
            keys,
            config_path,
            data_dir,
            submit: None,
        }
    }

    /// Waits for the next message from a task (for tests driving the app directly).
    pub async fn next(&mut self) -> Option<Message> {
        self.rx.recv().await
    }

    /// Performs each effect.
    pub fn perform(&mut self, effects: Vec<Effect>, app: &mut App) {
        for e in effects {
            self.one(e, app);
        }
    }

    fn one(&mut self, effect: Effect, app: &mut App) {
        match effect {
            Effect::Connect(i) => self.connect(i, &app.profiles[i].profile),
            Effect::Submit {
                profile,
                seq,
                draft,
            } => {
                let Some(session) = app.profiles[profile].session.clone() else {
                    return;
                };
                let catalog = app.profiles[profile].catalog.clone();
                let token = CancellationToken::new();
                self.submit = Some(token.clone());
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        submitted = session.submit(&draft, &catalog) => {
                            send(&tx, Message::Submitted { profile, seq, submitted: Box::new(submitted) });
                        }
                        () = token.cancelled() => {}
                    }
                });
            }
            Effect::CancelSubmit => {
                if let Some(t) = self.submit.take() {
                    t.cancel();
                }
            }
            Effect::RefreshCatalog(i) => self.refresh(i, app),
            Effect::RefreshUsage(i) => {
                let Some(session) = app.profiles[i].session.clone() else {
                    return;
                };
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let (usage, rate) = session.usage().await;
                    send(
                        &tx,
                        Message::Usage {
                            profile: i,
                            usage,
                            rate,
                        },
                    );
                });
            }
            Effect::CheckDuplicates {
                profile,
                checked,
                then_submit,
            } => self.check_duplicates(app, profile, checked, then_submit),
            Effect::RetryOutbox => self.retry_outbox(app),
            other => self.files(other, app),
        }
    }

    fn check_duplicates(
        &self,
        app: &App,
        profile: usize,
        checked: (String, String),
        then_submit: bool,
    ) {
        let Some(session) = app.profiles[profile].session.clone() else {
            return;
        };
        let recent = app.profiles[profile].catalog.recent.clone();
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
            let (phone, email) = (opt(&checked.0), opt(&checked.1));
            let found = session
                .duplicates(phone.as_deref(), email.as_deref(), &recent)
                .await;
            send(
                &tx,
                Message::Duplicates {
                    profile,
                    checked,
                    found,
                    then_submit,
                },
            );
        });
    }

    /// The effects that write rolo's own files.
    fn files(&self, effect: Effect, app: &mut App) {
        match effect {
            Effect::SaveDraft(i) => {
                let p = &app.profiles[i];
                if let Err(e) = drafts::save(&self.data_dir, &p.profile.name, &p.unsent()) {
                    app.say(Level::Error, format!("Cannot save the draft: {e}"));
                }
            }
            Effect::ToOutbox(item) => {
                if let Err(e) = outbox::put(&self.data_dir, &item) {
                    // Not kept: put it back on the form rather than lose it.
                    if let Some(p) = app
                        .profiles
                        .iter_mut()
                        .find(|p| p.profile.name == item.profile)
                    {
                        p.form.clear(&item.draft);
                    }
                    app.outbox.retain(|i| i.id != item.id);
                    app.say(
                        Level::Error,
                        format!("Could not keep it in the outbox ({e}); it is back on the form."),
                    );
                }
            }
            Effect::SaveSticky(i) => {
                let p = &app.profiles[i];
                let memory = drafts::Memory {
                    sticky: p.sticky.clone(),
                    last_sent: p.last_sent.clone(),
                };
                if let Err(e) = drafts::save_memory(&self.data_dir, &p.profile.name, &memory) {
                    app.say(Level::Warn, format!("Cannot save the kept fields: {e}"));
                }
            }
            _ => {}
        }
    }

    /// Resends every waiting contact whose profile is connected, one at a time, then
    /// reports the outbox as it is on disk.
    fn retry_outbox(&self, app: &App) {
        let jobs: Vec<_> = app
            .outbox
            .iter()
            .filter_map(|item| {
                let p = app
                    .profiles
                    .iter()
                    .find(|p| p.profile.name == item.profile)?;
                Some((item.clone(), p.session.clone()?, p.catalog.clone()))
            })
            .collect();
        let (tx, dir) = (self.tx.clone(), self.data_dir.clone());
        tokio::spawn(async move {
            let mut said = Vec::new();
            for (item, session, catalog) in jobs {
                if item
                    .retry_at
                    .is_some_and(|at| at > jiff::Timestamp::now().as_second())
                {
                    continue;
                }
                let name = item.name.clone();
                let retried = session.resend(item, &catalog).await;
                said.push(format!(
                    "From the outbox: {}.",
                    crate::engine::words::capitalised(&retried.words(&name))
                ));
                said.extend(
                    retried
                        .warnings
                        .iter()
                        .map(|w| crate::engine::words::capitalised(w)),
                );
            }
            send(
                &tx,
                Message::OutboxChanged {
                    items: outbox::list(&dir),
                    said,
                },
            );
        });
    }

    fn connect(&self, i: usize, profile: &Profile) {
        let tx = self.tx.clone();
        let known = self.keys.get(&profile.name).cloned();
        let profile = profile.clone();
        let (path, dir) = (self.config_path.clone(), self.data_dir.clone());
        // Resolving a key may run a command or talk to a keyring: never on the UI thread.
        tokio::task::spawn_blocking(move || {
            let session = Session::connect(profile, known.as_ref(), &path, dir).map(Box::new);
            send(
                &tx,
                Message::Key {
                    profile: i,
                    session,
                },
            );
        });
    }

    fn refresh(&self, i: usize, app: &App) {
        let Some(session) = app.profiles[i].session.clone() else {
            return;
        };
        let base = app.profiles[i].catalog.clone();
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let fetched = session.refresh(base).await;
            send(
                &tx,
                Message::Catalog {
                    profile: i,
                    fetched: Box::new(fetched),
                },
            );
        });
    }
}

/// Sends a task's result back into the loop. The loop only stops receiving when rolo
/// is quitting, so a result that arrives then has nowhere to go and is dropped.
fn send(tx: &mpsc::UnboundedSender<Message>, msg: Message) {
    if tx.send(msg).is_err() {
        tracing::debug!("a task finished after the form closed");
    }
}
