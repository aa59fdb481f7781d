//! The linear face: the form as plain prompts, one field at a time, for screen-reader
//! users and slow links (`rolo --linear`, `ROLO_LINEAR=1`, and whenever stdin or stdout
//! is not a terminal or `TERM=dumb`). A face like the TUI and the CLI: it names only
//! `engine`, `contact`, `config` and `text`.
//!
//! The conversation: every field of the active profile's form ([`form_fields`], the
//! same list the full-screen form shows) is asked in form order, checked as the form
//! checks it, then the contact is read back and sent through the engine (the path of
//! `rolo add` and the form). See `term` for what reaches the terminal, `picker` for
//! choosing from catalogs, `ask` for one field and `flow` for one contact.
//!
//! Decisions:
//! - No colour at all, only words (so `NO_COLOR` is honoured by construction): an error
//!   is a line starting `Error:`, a required field says `(required)`.
//! - The draft is saved after every answer, as the form saves after every change: a
//!   Ctrl-D, a Ctrl-C or a dropped SSH link loses nothing, and the next run (linear or
//!   full-screen) offers it again.
//! - The exit code is the worst of the contacts' outcomes, as `rolo add` with several
//!   vCards gives it (0 when every contact sent was created, or nothing was sent).

mod ask;
mod edit;
mod flow;
mod picker;
mod term;

use std::io::IsTerminal as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::contact::catalog::Usage;
use crate::contact::{Catalog, Draft, input};
use crate::engine::RateLimit;
use crate::engine::embedded::{self, SandboxHandle};
use crate::engine::form_fields::{FormField, form_fields};
use crate::engine::session::{self, Choice, Session};
use crate::engine::submit::Attempt;
use crate::engine::{drafts, words};

use term::{Stop, Term};

/// Whether rolo runs the linear face: asked for (`--linear`, `ROLO_LINEAR=1`, or
/// `ACCESSIBLE` set to anything but empty or `0`, the convention of charm's huh and the
/// Slack CLI for screen-reader users), or the only one that can work (no terminal on
/// stdin/stdout, or `TERM=dumb`).
#[must_use]
pub fn chosen(flag: bool) -> bool {
    let accessible = std::env::var("ACCESSIBLE").is_ok_and(|v| !v.is_empty() && v != "0");
    let asked = flag || accessible || std::env::var("ROLO_LINEAR").is_ok_and(|v| v == "1");
    let no_tty = !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal();
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    asked || no_tty || dumb
}

/// Runs the linear form until the user quits; the exit code as `rolo add` gives it.
pub fn run(choice: &Choice) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let opened = rt.block_on(open(choice))?;
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let echo = !stdin.is_terminal();
    let mut linear = Linear::new(
        Term::new(stdin.lock(), stdout.lock()).echoing(echo),
        rt.handle().clone(),
        opened,
    );
    let code = linear.converse();
    Ok(ExitCode::from(code))
}

/// A profile opened for the conversation, with what to tell before the first field.
struct Opened {
    session: Session,
    catalog: Catalog,
    rate: Option<RateLimit>,
    /// Config, defaults and catalog warnings, and the built-in sandbox's banner.
    notes: Vec<String>,
    /// The built-in sandbox, when there is no config: it lives as long as the talk.
    sandbox: Option<SandboxHandle>,
}

/// Opens the chosen profile as the form does: the config file's, or, when there is no
/// config, the built-in sandbox's; then its catalog (cached, else fetched).
async fn open(choice: &Choice) -> anyhow::Result<Opened> {
    let data_dir = session::data_dir()?;
    let configured = choice.config_path().is_ok_and(|p| p.exists());
    let (session, mut notes, sandbox) = if configured {
        let config = choice.load_config()?;
        let session = Session::open(&config, choice.profile.as_deref())?;
        (session, config.warnings.clone(), None)
    } else {
        let (handle, profiles, keys) = embedded::start().await?;
        let wanted = choice.profile.as_deref();
        let profile = profiles
            .iter()
            .find(|p| Some(p.name.as_str()) == wanted)
            .or_else(|| profiles.first())
            .cloned()
            .context("the built-in sandbox has no profile")?;
        let key = keys.get(&profile.name);
        let session = Session::connect(profile, key, Path::new("<built-in sandbox>"), data_dir)
            .map_err(anyhow::Error::msg)?;
        let banner = "No config file: this is the built-in sandbox. Add your CRM: copy config.example.toml to the config dir (or pass --config FILE).";
        (session, vec![banner.to_owned()], Some(handle))
    };
    let fetched = session.catalog().await;
    notes.extend(fetched.warnings());
    Ok(Opened {
        session,
        catalog: fetched.catalog,
        rate: fetched.rate,
        notes,
        sandbox,
    })
}

/// The conversation's state: the profile, its catalog, the form's fields and the
/// contact being typed.
struct Linear<'t> {
    term: Term<'t>,
    rt: tokio::runtime::Handle,
    session: Session,
    catalog: Catalog,
    fields: Vec<FormField>,
    /// The contact being typed.
    draft: Draft,
    /// What a new contact starts with (the profile's defaults): a draft equal to it is
    /// not worth keeping.
    fresh: Draft,
    usage: Option<Usage>,
    rate: Option<RateLimit>,
    notes: Vec<String>,
    /// Whether a failed draft save was told already (once is enough).
    save_warned: bool,
    /// Whether an earlier attempt may have created the contact being typed: the next
    /// send looks for it first (reset with each new contact).
    attempt: Attempt,
    /// The new contact being typed, while a contact the CRM has is edited in its place
    /// (see `edit`): it is what a save keeps.
    waiting: Option<Draft>,
    /// The worst exit code of the updates sent (0 when none failed).
    updates_worst: u8,
    /// The last update sent waits in the outbox (its answer may still come).
    updates_kept: bool,
    /// What the contact being typed started with (the defaults and the fields kept from
    /// the last one): not typed for it, so never laid over a contact the CRM has.
    start: Draft,
    /// This conversation's slot of the profile's drafts (a form open on the same profile
    /// keeps its own); `None` when it cannot be held: the first slot is used.
    slot: Option<drafts::Slot>,
    _sandbox: Option<SandboxHandle>,
}

impl<'t> Linear<'t> {
    fn new(term: Term<'t>, rt: tokio::runtime::Handle, opened: Opened) -> Self {
        let profile = opened.session.profile();
        let (fresh, skipped) = input::defaults(profile.api, &opened.catalog, &profile.defaults);
        let mut notes = opened.notes;
        notes.extend(skipped);
        let slot = drafts::Slot::take(opened.session.data_dir(), &profile.name)
            .map_err(|e| notes.push(format!("cannot hold the draft of {}: {e}", profile.name)))
            .ok();
        Self {
            slot,
            fields: form_fields(profile.api, &opened.catalog),
            usage: opened.catalog.usage,
            term,
            rt,
            draft: fresh.clone(),
            start: fresh.clone(),
            attempt: Attempt::First,
            waiting: None,
            updates_worst: 0,
            updates_kept: false,
            fresh,
            rate: opened.rate,
            notes,
            save_warned: false,
            catalog: opened.catalog,
            session: opened.session,
            _sandbox: opened.sandbox,
        }
    }

    /// Contact after contact until the user says no more or input ends; the exit code.
    fn converse(&mut self) -> u8 {
        let mut worst = 0;
        let ended = self.contacts(&mut worst);
        worst = worst.max(self.updates_worst);
        let stopped = match ended {
            Ok(()) => return worst,
            Err(stop) => stop,
        };
        let kept = self.autosave();
        // The prompt that was cut short has no line end yet.
        let said = if kept && !self.draft.is_empty() {
            "\nStopped. The draft is kept: the next `rolo` offers it again."
        } else {
            "\nStopped."
        };
        match stopped {
            Stop::Eof => {
                let _ = self.term.say(said);
            }
            // Nothing can be said where the terminal or pipe is gone; the log keeps it.
            Stop::Io(e) => tracing::warn!("linear mode stopped: {e}"),
            // Caught where it is typed; never ends the conversation.
            Stop::Find(_) => {}
        }
        worst
    }

    fn contacts(&mut self, worst: &mut u8) -> Result<(), Stop> {
        self.greet()?;
        loop {
            let sent = self.contact()?;
            *worst = (*worst).max(sent.code);
            if !self.term.confirm("Another contact?", false)? {
                return Ok(());
            }
            self.next_contact(sent.created.as_ref());
        }
    }

    /// Who rolo talks to and how to answer, then what is worth knowing before starting.
    fn greet(&mut self) -> Result<(), Stop> {
        let p = self.session.profile();
        let intro = format!(
            "rolo, linear mode. Profile {} ({}), {} API.\n\
             One field at a time: Enter keeps the value in brackets, - clears it, Ctrl-D stops (the draft is kept).\n\
             To look a contact up (and update it), type /find and a phone, a name or an email at a text prompt.",
            p.name,
            p.display_name(),
            p.api
        );
        self.term.say(&intro)?;
        for note in std::mem::take(&mut self.notes) {
            self.term
                .say(&format!("Warning: {}", words::capitalised(&note)))?;
        }
        let loaded = match &mut self.slot {
            Some(slot) => drafts::worth_restoring(slot.load()),
            None => drafts::load_checked(self.session.data_dir(), self.session.name()),
        };
        for d in &loaded.damaged {
            tracing::warn!("{d}");
            self.term
                .say(&format!("Warning: {}", words::capitalised(&d.to_string())))?;
        }
        let saved = loaded.saved;
        if let Some(saved) = saved {
            let when = saved.saved_at.get(..16).unwrap_or(&saved.saved_at);
            self.term.say(&format!(
                "Restored your unsent draft (saved {}); Enter keeps each of its values.",
                when.replace('T', " ")
            ))?;
            self.draft = saved.draft;
        }
        Ok(())
    }

    /// Starts the next contact: the profile's defaults, and the fields the form keeps
    /// after a submit taken from the contact just created. The catalog may have learned
    /// custom fields from that contact, so the fields are listed again.
    fn next_contact(&mut self, created: Option<&Draft>) {
        let data_dir = self.session.data_dir();
        let sticky = drafts::load_memory(data_dir, self.session.name()).sticky;
        let mut next = self.fresh.clone();
        if let Some(sent) = created {
            for key in &sticky {
                keep(&mut next, sent, key);
            }
        }
        self.fields = form_fields(self.session.flavour(), &self.catalog);
        self.start = next.clone();
        self.draft = next;
        self.attempt = Attempt::First;
    }

    /// Saves the draft (or removes the saved one when there is nothing worth keeping);
    /// whether a draft is kept on disk now. A failure is told once.
    fn autosave(&mut self) -> bool {
        // While a contact the CRM has is edited, the new one waiting is what is kept: an
        // opened contact saved as a draft would be created again.
        let current = self.waiting.as_ref().unwrap_or(&self.draft);
        let worth = !current.is_empty() && *current != self.fresh;
        let empty = Draft::default();
        let draft = if worth { current } else { &empty };
        let saved = match &mut self.slot {
            Some(slot) => slot.save(draft),
            None => drafts::save(self.session.data_dir(), self.session.name(), draft),
        };
        match saved {
            Ok(()) => worth,
            Err(e) => {
                tracing::warn!("cannot save the draft of {}: {e}", self.session.name());
                if !std::mem::replace(&mut self.save_warned, true) {
                    let _ = self
                        .term
                        .say(&format!("Warning: cannot save the draft: {e}"));
                }
                false
            }
        }
    }
}

/// Copies field `key` of `from` into `to` (a kept field of the form).
fn keep(to: &mut Draft, from: &Draft, key: &str) {
    if let Some(id) = key.strip_prefix(crate::contact::validate::CUSTOM_PREFIX) {
        if let Some(v) = from.custom.get(id) {
            to.custom.insert(id.to_owned(), v.clone());
        }
    } else if let Some(ids) = from.lists.get(key) {
        to.lists.insert(key.to_owned(), ids.clone());
    } else {
        to.set(key, from.get(key));
    }
}
