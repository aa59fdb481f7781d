//! The controller: performs the effects `update` asks for. It is the only place that
//! spawns tasks or touches files; every task gets a sender clone (and the submit a
//! cancellation token) and reports back through one [`Message`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::app::{App, Level};
use super::message::{Effect, Listed, Message, Purpose};
use crate::config::Profile;
use crate::contact::Catalog;
use crate::engine::embedded::ApiKey;
use crate::engine::session::Session;
use crate::engine::{drafts, outbox};

/// Performs effects; owns the channel back into the loop and the submit's cancel token.
pub struct Controller {
    tx: mpsc::UnboundedSender<Message>,
    rx: mpsc::UnboundedReceiver<Message>,
    keys: HashMap<String, ApiKey>,
    config_path: PathBuf,
    data_dir: PathBuf,
    submit: Option<CancellationToken>,
    /// The lookup in flight: a newer one, or Esc, calls it off.
    find: Option<CancellationToken>,
    /// Cancelled when the controller goes (the form quits): every task it spawned stops
    /// at its next await instead of running on behind a closed window.
    shutdown: CancellationToken,
    /// The outbox id of this window's send in flight ([`crate::engine::outbox::InFlight`]):
    /// its own retries leave it alone and its lists do not show it.
    flying: Arc<Mutex<Option<String>>>,
    /// Each profile's draft slot (by profile index; `None` when it could not be held:
    /// that draft is then saved in the profile's first slot, without a journal).
    slots: Vec<Option<drafts::Slot>>,
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
            find: None,
            shutdown: CancellationToken::new(),
            flying: Arc::default(),
            slots: Vec::new(),
        }
    }

    /// Spawns a task that ends when it is done or when the controller goes, whichever
    /// comes first.
    fn spawn(&self, task: impl std::future::Future<Output = ()> + Send + 'static) {
        let stop = self.shutdown.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = task => {}
                () = stop.cancelled() => {}
            }
        });
    }

    /// Hands over the draft slots the app was built with (see `runtime::build_app`).
    pub fn hold_drafts(&mut self, slots: Vec<Option<drafts::Slot>>) {
        self.slots = slots;
    }

    /// Appends every changed draft to its journal (and notes it for the panic hook):
    /// called after each update, before the frame that shows the change, so no edit on
    /// screen is lost to a crash.
    pub fn journal(&mut self, app: &mut App) {
        for (i, p) in app.profiles.iter_mut().enumerate() {
            if !std::mem::take(&mut p.journal_due) {
                continue;
            }
            // What a panic hook saves: noted here, with the journal, so that update
            // itself touches no global.
            // The new contact: while another is edited, the one that waits (an opened
            // contact saved as a draft would be created again after a crash).
            crate::tui::runtime::remember_draft(&p.profile.name, &p.unsent());
            if let Some(Some(slot)) = self.slots.get_mut(i)
                && let Err(e) = slot.journal(&p.unsent())
            {
                // The idle autosave still comes; say it once per failure.
                tracing::warn!("cannot journal the draft of {}: {e}", p.profile.name);
            }
        }
    }

    /// Saves a profile's unsent draft in its slot (compacting the journal).
    fn save_draft(&mut self, i: usize, app: &App) -> std::io::Result<()> {
        let p = &app.profiles[i];
        match self.slots.get_mut(i) {
            Some(Some(slot)) => slot.save(&p.unsent()),
            _ => drafts::save(&self.data_dir, &p.profile.name, &p.unsent()),
        }
    }

    /// Saves every profile's unsent draft, as on quit; the ones that failed, in words.
    #[must_use]
    pub fn save_all(&mut self, app: &App) -> Vec<String> {
        (0..app.profiles.len())
            .filter_map(|i| {
                self.save_draft(i, app).err().map(|e| {
                    format!(
                        "could not save the draft of {}: {e}",
                        app.profiles[i].profile.name
                    )
                })
            })
            .collect()
    }

    /// After a send, a clear or the outbox emptied the form: a draft another window left
    /// on this profile comes onto it.
    fn next_draft(&mut self, i: usize, app: &mut App) {
        let Some(Some(slot)) = self.slots.get_mut(i) else {
            return;
        };
        if !app.profiles[i].unsent().is_empty() {
            return;
        }
        let Some(&other) = slot.orphans().first() else {
            return;
        };
        match slot.adopt(other).map(drafts::worth_restoring) {
            Ok(loaded) if !loaded.damaged.is_empty() && loaded.saved.is_none() => {
                let d = &loaded.damaged[0];
                tracing::warn!("{d}");
                app.say(
                    Level::Warn,
                    crate::engine::words::capitalised(&d.to_string()),
                );
            }
            Ok(drafts::Loaded {
                saved: Some(saved),
                damaged,
            }) => {
                for d in &damaged {
                    tracing::warn!("{d}");
                }
                let p = &mut app.profiles[i];
                p.form.clear(&saved.draft);
                p.revalidate();
                if let Err(e) = slot.save(&saved.draft) {
                    app.say(Level::Error, format!("Cannot save the draft: {e}"));
                    return;
                }
                let left = slot.orphans().len();
                let more = if left == 0 {
                    String::new()
                } else {
                    format!(" {left} more wait after it.")
                };
                app.say(
                    Level::Info,
                    format!(
                        "Opened an unsent draft another rolo window left (saved {}).{more}",
                        crate::tui::runtime::local_time(&saved.saved_at)
                    ),
                );
            }
            Ok(_) => {}
            Err(e) => app.say(
                Level::Warn,
                format!("Cannot open the draft another window left: {e}"),
            ),
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
                attempt,
            } => {
                let Some(session) = app.profiles[profile].session.clone() else {
                    return;
                };
                let catalog = app.profiles[profile].catalog.clone();
                let token = CancellationToken::new();
                self.submit = Some(token.clone());
                let (tx, flying) = (self.tx.clone(), Arc::clone(&self.flying));
                self.spawn(async move {
                    // Written before the request leaves: a closed terminal or a kill
                    // leaves an outbox item marked "may exist", not a plain draft.
                    let flight = crate::engine::outbox::InFlight::start(
                        session.data_dir(),
                        session.profile(),
                        &draft,
                    );
                    *lock(&flying) = flight.as_ref().map(|f| f.id().to_owned());
                    tokio::select! {
                        submitted = session.submit(&draft, &catalog, attempt) => {
                            // Landed before the answer is handled, so the outbox the
                            // form lists next never holds it.
                            if let Some(flight) = flight {
                                flight.land();
                            }
                            *lock(&flying) = None;
                            send(&tx, Message::Submitted { profile, seq, submitted: Box::new(submitted) });
                        }
                        () = token.cancelled() => {
                            if let Some(flight) = flight {
                                flight.land();
                            }
                            *lock(&flying) = None;
                        }
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
                self.spawn(async move {
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
            Effect::ReadOutbox => self.read_outbox(),
            Effect::Find {
                profile,
                seq,
                query,
            } => self.find(app, profile, seq, query),
            Effect::SetAside { profile, draft } => self.set_aside(app, profile, &draft),
            Effect::CancelFind => {
                if let Some(t) = self.find.take() {
                    t.cancel();
                }
            }
            Effect::OpenContact {
                profile,
                id,
                purpose,
            } => self.open_contact(app, profile, id, purpose),
            Effect::Update {
                profile,
                seq,
                id,
                after,
                planned,
                purpose,
            } => self.update_contact(app, profile, seq, (id, after, planned), purpose),
            Effect::Step => send(&self.tx, Message::Step),
            Effect::PrepareLists(lists) => self.prepare_lists(lists),
            // The runtime takes this one before it gets here: the editor needs the
            // terminal, which only the runtime holds (see `Tui::handle`).
            Effect::EditText { .. } => {}
            other => self.files(other, app),
        }
    }

    /// Keeps a new contact as a draft of its own, for later: a slot no window holds, so
    /// it comes onto the form after the next send or clear, as a draft another window
    /// left does (see `next_draft`).
    fn set_aside(&self, app: &mut App, profile: usize, draft: &crate::contact::Draft) {
        let name = app.profiles[profile].profile.name.clone();
        let kept = drafts::Slot::take(&self.data_dir, &name).and_then(|mut slot| slot.save(draft));
        if let Err(e) = kept {
            // Not kept aside: it goes back on the form rather than be lost.
            app.profiles[profile].form.clear(draft);
            app.profiles[profile].revalidate();
            app.say(
                Level::Error,
                format!("Could not keep your new contact aside ({e}); it is back on the form."),
            );
        }
    }

    /// Reads one contact from the server.
    fn open_contact(&self, app: &App, profile: usize, id: String, purpose: Purpose) {
        let Some(session) = app.profiles[profile].session.clone() else {
            return;
        };
        let tx = self.tx.clone();
        self.spawn(async move {
            let (opened, rate) = session.open_contact(&id).await;
            let opened = opened.map(Box::new);
            send(
                &tx,
                Message::Opened {
                    profile,
                    purpose,
                    opened,
                    rate,
                },
            );
        });
    }

    /// Sends a partial update; Esc calls it off as it does a submit.
    fn update_contact(
        &mut self,
        app: &App,
        profile: usize,
        seq: u64,
        (id, after, planned): (
            String,
            Box<crate::contact::Draft>,
            Box<crate::engine::update::Planned>,
        ),
        purpose: Purpose,
    ) {
        let Some(session) = app.profiles[profile].session.clone() else {
            return;
        };
        let token = CancellationToken::new();
        self.submit = Some(token.clone());
        let tx = self.tx.clone();
        self.spawn(async move {
            tokio::select! {
                updated = session.update(&id, &after, &planned) => {
                    let updated = Box::new(updated);
                    send(&tx, Message::Updated { profile, seq, purpose, updated });
                }
                // A PATCH that may have left is safe to send again: Ctrl-S does.
                () = token.cancelled() => {}
            }
        });
    }

    /// A lookup, after a pause: typing on calls it off before it is sent.
    fn find(&mut self, app: &App, profile: usize, seq: u64, query: String) {
        if let Some(t) = self.find.take() {
            t.cancel();
        }
        let Some(session) = app.profiles[profile].session.clone() else {
            return;
        };
        let token = CancellationToken::new();
        self.find = Some(token.clone());
        let tx = self.tx.clone();
        self.spawn(async move {
            tokio::select! {
                () = async {
                    tokio::time::sleep(FIND_PAUSE).await;
                    let (found, rate) = session.find(&query).await;
                    let found = found.map_err(|o| crate::engine::words::failure(&o, session.profile()).line());
                    send(&tx, Message::Found { profile, seq, found, rate });
                } => {}
                () = token.cancelled() => {}
            }
        });
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
        self.spawn(async move {
            let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
            let (phone, email) = (opt(&checked.0), opt(&checked.1));
            let (found, rate) = session
                .duplicates(phone.as_deref(), email.as_deref(), &recent)
                .await;
            send(
                &tx,
                Message::Duplicates {
                    profile,
                    checked,
                    found,
                    rate,
                    then_submit,
                },
            );
        });
    }

    /// The effects that write rolo's own files.
    fn files(&mut self, effect: Effect, app: &mut App) {
        match effect {
            Effect::SaveDraft(i) => {
                if let Err(e) = self.save_draft(i, app) {
                    app.say(Level::Error, format!("Cannot save the draft: {e}"));
                }
            }
            Effect::NextDraft(i) => self.next_draft(i, app),
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

    /// Reads the outbox as it is on disk, off the UI thread, and reports it.
    fn read_outbox(&self) {
        let (tx, dir) = (self.tx.clone(), self.data_dir.clone());
        let flying = Arc::clone(&self.flying);
        tokio::task::spawn_blocking(move || {
            let report = outbox_now(&dir, &flying, Vec::new(), Vec::new(), Vec::new());
            send(&tx, report);
        });
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
        let flying = Arc::clone(&self.flying);
        self.spawn(async move {
            let (mut said, mut recorded, mut answers) = (Vec::new(), Vec::new(), Vec::new());
            for (item, session, catalog) in jobs {
                if item
                    .retry_at
                    .is_some_and(|at| at > jiff::Timestamp::now().as_second())
                {
                    continue;
                }
                if lock(&flying).as_deref() == Some(item.id.as_str()) {
                    continue;
                }
                let name = item.name.clone();
                let retried = session.resend(item, &catalog).await;
                recorded.extend(retried.recorded.clone());
                let echo = Some(retried.echo.clone()).filter(|e| !e.is_null());
                answers.push((session.name().to_owned(), echo, retried.rate));
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
            send(&tx, outbox_now(&dir, &flying, said, recorded, answers));
        });
    }

    /// Reads what the first frame did not wait for, off the UI thread: the profiles'
    /// side files (through their cache) and the big catalog caches of the profiles in
    /// `late_caches`. Each
    /// profile's is merged into the catalog it has now; the form takes them when they come.
    pub fn read_lists(&self, late_caches: Vec<usize>, app: &App) {
        let base: Vec<Catalog> = app.profiles.iter().map(|p| p.catalog.clone()).collect();
        let declared: Vec<Profile> = app.profiles.iter().map(|p| p.profile.clone()).collect();
        let (tx, dir) = (self.tx.clone(), self.data_dir.clone());
        tokio::task::spawn_blocking(move || {
            let profiles: Result<Vec<Profile>, String> = declared
                .into_iter()
                .map(|p| crate::engine::side_files::fill(&dir, p).map_err(|e| e.to_string()))
                .collect();
            let listed = profiles.map(|profiles| {
                profiles
                    .into_iter()
                    .zip(base)
                    .enumerate()
                    .map(|(i, (profile, base))| {
                        let (catalog, notice) = if late_caches.contains(&i) {
                            let local = crate::engine::catalog::local(&dir, &profile);
                            (local.catalog, local.notice)
                        } else {
                            (
                                crate::engine::catalog::with_profile(base.clone(), &profile),
                                None,
                            )
                        };
                        Listed {
                            profile,
                            base,
                            catalog,
                            notice,
                        }
                    })
                    .collect()
            });
            send(&tx, Message::Lists(listed));
        });
    }

    /// Makes big lists ready on a worker (see [`Effect::PrepareLists`]).
    fn prepare_lists(&self, lists: Vec<crate::contact::catalog::Items>) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let made = lists
                .into_iter()
                .map(|items| {
                    // Shared with the app's copy of the list (the indexes live behind
                    // the same `Arc`), so quick add's first keystroke finds them made.
                    items.prepare_for_matching();
                    let search = super::ranking::search(items.iter().map(|i| i.name.as_str()));
                    (items, search)
                })
                .collect();
            send(&tx, Message::ListsPrepared(made));
        });
    }

    /// Loads the phone database on a worker thread (about 100 ms of CPU): called right
    /// after the first frame, so the start never waits for it.
    pub fn load_phones(&self) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            crate::contact::phone::load();
            send(&tx, Message::PhonesLoaded);
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
        self.spawn(async move {
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

/// How long the typing in the lookup pauses before it is searched: a search per key
/// would spend the rate limit on half-typed names.
const FIND_PAUSE: std::time::Duration = std::time::Duration::from_millis(250);

/// Sends a task's result back into the loop. The loop only stops receiving when rolo
/// is quitting, so a result that arrives then has nowhere to go and is dropped.
fn send(tx: &mpsc::UnboundedSender<Message>, msg: Message) {
    if tx.send(msg).is_err() {
        tracing::debug!("a task finished after the form closed");
    }
}

/// The in-flight id, whatever a panicking holder left (it is only ever a plain write).
/// The outbox on disk as a report for the form, without the item a send has out now (it
/// is not waiting), with what the sends that led to it said, recorded and were answered.
fn outbox_now(
    dir: &std::path::Path,
    flying: &Mutex<Option<String>>,
    said: Vec<String>,
    recorded: Vec<crate::engine::record::Entry>,
    answers: Vec<crate::tui::message::OutboxAnswer>,
) -> Message {
    let (mut items, damaged) = outbox::list_checked(dir);
    let flying = lock(flying).clone();
    items.retain(|item| Some(&item.id) != flying.as_ref());
    Message::OutboxChanged {
        items,
        damaged,
        said,
        recorded,
        answers,
    }
}

fn lock(flying: &Mutex<Option<String>>) -> std::sync::MutexGuard<'_, Option<String>> {
    flying
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Drop for Controller {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sets its flag when dropped: a task's future was ended.
    struct Ended(Arc<std::sync::atomic::AtomicBool>);

    impl Drop for Ended {
        fn drop(&mut self) {
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// Issue 24: every task the controller spawns ends when the controller goes.
    #[tokio::test]
    async fn tasks_end_when_the_controller_goes() {
        let dir = tempfile::tempdir().unwrap();
        let c = Controller::new(HashMap::new(), dir.path().join("c.toml"), dir.path().into());
        let ended = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let guard = Ended(Arc::clone(&ended));
        c.spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        });
        tokio::task::yield_now().await;
        assert!(!ended.load(std::sync::atomic::Ordering::SeqCst));
        drop(c);
        for _ in 0..100 {
            if ended.load(std::sync::atomic::Ordering::SeqCst) {
                return;
            }
            tokio::task::yield_now().await;
        }
        panic!("the task outlived the controller");
    }
}
