//! The app's state and `update`: messages in, state changed, effects out. No drawing,
//! no I/O: the controller in `runtime` performs the effects.

use std::time::{Duration, Instant};

use crossterm::event::Event;

use super::form::Form;
use super::keymap::{self, Action, Scope};
use super::message::{Effect, Message};
use super::popup::switcher::Switcher;
use super::popup::{Help, OutboxList, RecentList};
use super::theme::Theme;
use crate::config::Profile;
use crate::contact::catalog::Usage;
use crate::contact::validate::Rules;
use crate::contact::{Catalog, Draft, input};
use crate::engine::RateLimit;
use crate::engine::session::Session;

mod edit;
mod long_text;
pub mod outbox;
mod outcome;
mod popups;
mod rapid;

pub use edit::{Editing, PendingUpdate};
pub use popups::{Mode, Question};

/// How fresh a profile's catalog is, for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogStatus {
    /// Never fetched and nothing cached.
    Empty,
    /// From the cache on disk, fetched at this time.
    Cached(String),
    /// A refresh is running.
    Refreshing,
    /// Fetched in this session.
    Fresh,
    /// The last refresh failed; the cache (if any) is in use.
    Offline(String),
}

/// The duplicate check a Ctrl-S waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwaitedCheck {
    /// The profile.
    pub profile: usize,
    /// The (phone, email) checked: only that check's answer sends.
    pub checked: (String, String),
    /// When Ctrl-S was pressed (for the progress shown).
    pub since: Instant,
}

/// Everything rolo holds for one profile.
#[derive(Debug)]
pub struct ProfileState {
    /// The profile.
    pub profile: Profile,
    /// The profile opened for work, once its key is resolved.
    pub session: Option<Session>,
    /// Why it could not be opened.
    pub session_error: Option<String>,
    /// The form, with its draft.
    pub form: Form,
    /// What pickers choose from.
    pub catalog: Catalog,
    /// How fresh the catalog is.
    pub catalog_status: CatalogStatus,
    /// The last rate-limit figures.
    pub rate: Option<RateLimit>,
    /// Contacts against the plan, when known (the server's figures win).
    pub usage: Option<Usage>,
    /// Contacts created through rolo this month (the Wipsy quota estimate).
    pub created_this_month: usize,
    /// When the draft last changed and has not been saved since.
    pub unsaved_since: Option<Instant>,
    /// The draft changed and the change is not in the journal yet: written before the
    /// next frame (see [`crate::engine::drafts::Slot::journal`]).
    pub journal_due: bool,
    /// Contacts the CRM already has with this draft's phone or email.
    pub duplicates: Vec<crate::contact::duplicates::Known>,
    /// The (phone, email) that `duplicates` was checked for.
    pub checked_for: Option<(String, String)>,
    /// The (phone, email) a check in flight is for: the same check is never sent twice.
    pub checking: Option<(String, String)>,
    /// Fields kept after a submit (Ctrl-K on a field).
    pub sticky: std::collections::BTreeSet<String>,
    /// The last contact sent from this profile (for "repeat last", Ctrl-L).
    pub last_sent: Option<Draft>,
    /// The quick-add line, kept while it is closed.
    pub quick_text: String,
    /// A catalog refresh waits for the config's long lists.
    pub refresh_waiting: bool,
    /// Pasted vCards waiting their turn on the form, and how many there were.
    pub vcards: (Vec<Draft>, usize),
    /// A contact the CRM has, opened for editing (Ctrl-F): the form holds it instead
    /// of a new one, which waits in it.
    pub editing: Option<Editing>,
}

impl ProfileState {
    /// The state for a profile, its catalog and saved draft.
    #[must_use]
    pub fn new(
        profile: Profile,
        catalog: Catalog,
        draft: Option<Draft>,
        created_this_month: usize,
    ) -> Self {
        let status = match &catalog.fetched_at {
            Some(t) => CatalogStatus::Cached(t.clone()),
            None => CatalogStatus::Empty,
        };
        let draft =
            draft.unwrap_or_else(|| input::defaults(profile.api, &catalog, &profile.defaults).0);
        let form = Form::new(profile.api, &catalog, draft);
        let mut s = Self {
            profile,
            session: None,
            session_error: None,
            form,
            usage: catalog.usage,
            catalog,
            catalog_status: status,
            rate: None,
            created_this_month,
            unsaved_since: None,
            journal_due: false,
            duplicates: Vec::new(),
            checked_for: None,
            checking: None,
            sticky: std::collections::BTreeSet::new(),
            last_sent: None,
            quick_text: String::new(),
            refresh_waiting: false,
            vcards: (Vec::new(), 0),
            editing: None,
        };
        s.revalidate();
        s
    }

    /// Re-checks the form against the catalog.
    pub fn revalidate(&mut self) {
        let rules = Rules {
            flavour: self.profile.api,
            default_region: self.profile.default_region.as_deref(),
            catalog: &self.catalog,
        };
        self.form.validate(&rules);
    }

    /// The new contact this profile holds: the form's, or while a contact the CRM has
    /// is edited, the one waiting for it.
    #[must_use]
    pub fn new_contact(&self) -> &Draft {
        self.editing.as_ref().map_or(&self.form.draft, |e| &e.stash)
    }

    /// What is worth keeping: the new contact, or nothing when it holds only the
    /// defaults. An opened contact is never saved as a draft: sent again after a restart
    /// it would be created a second time.
    #[must_use]
    pub fn unsent(&self) -> Draft {
        let draft = self.new_contact();
        if *draft == self.defaults() {
            Draft::default()
        } else {
            draft.clone()
        }
    }

    /// Whether the form holds something the agent typed that is not sent: the draft
    /// differs from a fresh one in a field that is not kept between contacts (kept
    /// fields come back after every create and are not work in progress).
    #[must_use]
    pub fn holds_work(&self) -> bool {
        let strip = |mut d: Draft| {
            for key in &self.sticky {
                if let Some(id) = key.strip_prefix("custom.") {
                    d.custom.remove(id);
                } else {
                    d.values.remove(key);
                    d.lists.remove(key);
                }
            }
            d
        };
        strip(self.new_contact().clone()) != strip(self.defaults())
    }

    /// The draft's phone in E.164 (as typed when it does not parse) and email: what the
    /// duplicate check looks for.
    #[must_use]
    pub fn contact_points(&self) -> (String, String) {
        let (d, flavour) = (&self.form.draft, self.profile.api);
        let region = self.profile.default_region.as_deref();
        let phone = crate::engine::record::phone_of(flavour, d, region);
        let email = flavour.value(d, crate::contact::Role::Email);
        (phone, email.to_owned())
    }

    /// The keys of this profile's phone and email fields (by role, whatever the API
    /// calls them): the fields a duplicate check looks at.
    #[must_use]
    pub fn contact_keys(&self) -> [Option<&'static str>; 2] {
        use crate::contact::Role;
        let flavour = self.profile.api;
        [flavour.key(Role::Phone), flavour.key(Role::Email)]
    }

    /// Whether `key` is this profile's phone or email field.
    #[must_use]
    pub fn is_contact_key(&self, key: &str) -> bool {
        self.contact_keys().contains(&Some(key))
    }

    /// Whether row `key` is locked: a contact the CRM holds is edited, and the API only
    /// takes the field when a contact is created (Chatwoot's inbox), so an update would
    /// never send a change to it.
    #[must_use]
    pub fn is_locked(&self, key: &str) -> bool {
        self.editing.is_some() && self.profile.api.field(key).is_some_and(|f| f.create_only)
    }

    /// A fresh draft: the profile's defaults.
    #[must_use]
    pub fn defaults(&self) -> Draft {
        input::defaults(self.profile.api, &self.catalog, &self.profile.defaults).0
    }
}

/// How a status line reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Neutral.
    Info,
    /// Done.
    Ok,
    /// Needs attention.
    Warn,
    /// Failed.
    Error,
}

/// A submit in flight.
#[derive(Debug, Clone)]
pub struct Submitting {
    /// Which profile.
    pub profile: usize,
    /// The contact as it was sent: the form may be typed in while the answer is out,
    /// and that typing is not part of this contact.
    pub draft: crate::contact::Draft,
    /// Submit number.
    pub seq: u64,
    /// When it started (for the elapsed time).
    pub started: Instant,
    /// It is an update of a contact the CRM has, not a create.
    pub update: bool,
}

/// The last contact sent, for the line above the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The server's id.
    pub id: String,
    /// First and last name.
    pub name: String,
    /// Found on the server (an earlier attempt had created it), not created by this send.
    pub found: bool,
    /// The agent has gone on to the next contact: the line stays (so the form does not
    /// jump up a row under the typing hand) but reads as the last one sent, dimmed.
    pub stale: bool,
}

/// The whole app.
#[derive(Debug)]
pub struct App {
    /// Every configured profile.
    pub profiles: Vec<ProfileState>,
    /// The active one.
    pub active: usize,
    /// What is on top.
    pub mode: Mode,
    /// The submit in flight.
    pub submitting: Option<Submitting>,
    /// Ctrl-S waits for a duplicate check; Esc cancels the wait (and so the submit).
    pub awaiting_check: Option<AwaitedCheck>,
    /// A send that went on without its duplicate check (the check failed): the profile,
    /// and why, said again beside the answer so the "Created" line does not hide it.
    pub unchecked_send: Option<(usize, String)>,
    /// The number of the last submit.
    pub seq: u64,
    /// The status line.
    pub status: Option<(Level, String)>,
    /// A one-line banner (the embedded sandbox says so here).
    pub banner: Option<String>,
    /// The last contact sent: created now, or found on the server from an earlier attempt.
    pub created: Option<Created>,
    /// Set when rolo should exit.
    pub quit: bool,
    /// Set when rolo must stop with an error (the config's long lists were refused).
    pub fatal: Option<String>,
    /// The config's long lists are still being read: catalog refreshes wait for them.
    pub lists_pending: bool,
    /// Styles.
    pub theme: Theme,
    /// Spinner frame.
    pub tick: usize,
    /// The screen size, for mouse hits.
    pub size: (u16, u16),
    /// Contacts waiting in the outbox (every profile).
    pub outbox: Vec<crate::engine::outbox::Item>,
    /// Outbox files that do not read as items: shown in F3 with what can be read of
    /// them, never sent and never passed over in silence.
    pub outbox_damaged: Vec<crate::engine::outbox::Damaged>,
    /// The failed submit the outbox question is about.
    pub pending_outbox: Option<outbox::Offer>,
    /// When the outbox was last tried automatically.
    pub outbox_tried: Option<Instant>,
    /// Contacts created recently (from the history), newest last.
    pub recent: Vec<crate::engine::record::Entry>,
    /// The search strings of the lists pickers opened, kept for the next picker.
    pub searches: Searches,
    /// The phone database is loaded (on a worker thread, after the first frame; see
    /// [`crate::contact::phone::load`]). Until then phones read "…" and a send waits.
    pub phones_loaded: bool,
    /// What the user asked for before the phones were loaded, done when they are.
    pub after_phones: Option<AfterPhones>,
    /// A send asked for while this profile was still connecting (its key being read,
    /// its client made): made as soon as it is connected, if the profile is still the
    /// one on screen. A fast agent's Enter right after a switch is not refused.
    pub after_session: Option<usize>,
    /// Letters typed while a question was open (only Enter and Esc answer one): held,
    /// and put where typing goes once it is answered, never dropped.
    pub held: String,
    /// Where the last send came from: held typing goes back to a new quick-add line after
    /// one from quick add.
    pub sent_from: SentFrom,
    /// An update planned and waiting for the agent's yes (or about to be sent).
    pub pending_update: Option<PendingUpdate>,
    /// How many lookups were opened: each numbers its searches apart from the others'.
    pub finds: u64,
}

/// Where a send was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentFrom {
    /// Ctrl-S on the form.
    Form,
    /// Enter on the quick-add line.
    Quick,
}

/// A request that needs the phone database, held until it is loaded (a fraction of a
/// second after the first frame): numbers are never guessed and the screen never freezes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterPhones {
    /// Ctrl-S on the form.
    Submit,
    /// Enter (create) or Down (review in the form) in quick add.
    Quick(crate::tui::popup::Answer),
}

/// The search strings of big lists (made on a worker as soon as a catalog arrives) and
/// of the last few lists a picker opened on: converting 100,000 names is done once per
/// list, off the UI thread, not once per picker.
#[derive(Debug, Clone, Default)]
pub struct Searches {
    kept: Vec<(crate::contact::catalog::Items, super::ranking::Search)>,
    /// Lists whose search strings a worker is making now.
    making: Vec<crate::contact::catalog::Items>,
}

impl Searches {
    /// How many lists are remembered: a few profiles' big lists and the small ones
    /// opened last.
    const KEPT: usize = 12;
    /// From how many names a list's search strings are made ahead, on a worker: below
    /// this, converting them when a picker opens costs well under a millisecond.
    pub const AHEAD_FROM: usize = 1_000;

    /// The big lists of `catalogs` that have no search strings yet and are not being
    /// made: the worker's next job (noted as being made).
    pub fn to_make<'c>(
        &mut self,
        catalogs: impl Iterator<Item = &'c crate::contact::Catalog>,
    ) -> Vec<crate::contact::catalog::Items> {
        let mut out: Vec<crate::contact::catalog::Items> = Vec::new();
        for catalog in catalogs {
            for kind in crate::contact::fields::CatalogKind::ALL {
                let items = catalog.items(kind);
                let known = |i: &crate::contact::catalog::Items| i.same(items);
                if items.len() >= Self::AHEAD_FROM
                    && self.find(items).is_none()
                    && !self.making.iter().any(known)
                    && !out.iter().any(known)
                {
                    out.push(items.clone());
                }
            }
        }
        self.making.extend(out.iter().cloned());
        out
    }

    /// Search strings a worker made: kept, and no longer being made.
    pub fn made(&mut self, lists: Vec<(crate::contact::catalog::Items, super::ranking::Search)>) {
        for (items, search) in lists {
            self.making.retain(|i| !i.same(&items));
            self.keep(items, search);
        }
    }

    /// The search strings of this very list, if a picker opened on it before.
    #[must_use]
    pub fn find(&self, items: &crate::contact::catalog::Items) -> Option<super::ranking::Search> {
        self.kept
            .iter()
            .find(|(i, _)| i.same(items))
            .map(|(_, s)| s.clone())
    }

    /// Remembers a list's search strings (the oldest list is forgotten first).
    pub fn keep(&mut self, items: crate::contact::catalog::Items, search: super::ranking::Search) {
        self.kept.retain(|(i, _)| !i.same(&items));
        self.kept.push((items, search));
        if self.kept.len() > Self::KEPT {
            self.kept.remove(0);
        }
    }
}

/// How many created contacts the recent list (F4) shows.
pub const RECENT: usize = 30;

/// How long after the last change a draft is written.
pub const AUTOSAVE_AFTER: Duration = Duration::from_millis(150);

impl App {
    /// An app over these profiles, `active` first.
    #[must_use]
    pub fn new(profiles: Vec<ProfileState>, active: usize, theme: Theme) -> Self {
        Self {
            profiles,
            active,
            mode: Mode::Form,
            submitting: None,
            awaiting_check: None,
            unchecked_send: None,
            seq: 0,
            status: None,
            banner: None,
            created: None,
            quit: false,
            fatal: None,
            lists_pending: false,
            theme,
            tick: 0,
            size: (80, 24),
            outbox: Vec::new(),
            outbox_damaged: Vec::new(),
            pending_outbox: None,
            outbox_tried: None,
            recent: Vec::new(),
            searches: Searches::default(),
            phones_loaded: crate::contact::phone::is_loaded(),
            after_phones: None,
            after_session: None,
            held: String::new(),
            sent_from: SentFrom::Form,
            pending_update: None,
            finds: 0,
        }
    }

    /// The active profile's state.
    #[must_use]
    pub fn current(&self) -> &ProfileState {
        &self.profiles[self.active]
    }

    fn current_mut(&mut self) -> &mut ProfileState {
        &mut self.profiles[self.active]
    }

    /// Sets the status line.
    pub fn say(&mut self, level: Level, text: impl Into<String>) {
        // Status lines quote servers and files: one inert line.
        let text = text.into();
        let text = match crate::text::inert(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(safe) => safe,
        };
        self.status = Some((level, text));
    }

    /// The effects a fresh start needs: keys for every profile, the active catalog.
    #[must_use]
    pub fn start(&self) -> Vec<Effect> {
        let mut fx: Vec<Effect> = (0..self.profiles.len()).map(Effect::Connect).collect();
        fx.retain(|e| matches!(e, Effect::Connect(i) if *i == self.active));
        fx
    }

    /// Handles one message.
    pub fn update(&mut self, msg: Message) -> Vec<Effect> {
        match msg {
            Message::Input(Event::Key(key)) => self.key(&key),
            Message::Input(Event::Paste(text)) => self.paste(&text),
            Message::Input(Event::Mouse(m)) => self.mouse(m),
            Message::Input(Event::Resize(w, h)) => {
                self.size = (w, h);
                Vec::new()
            }
            Message::Input(_) => Vec::new(),
            Message::Tick => self.on_tick(),
            Message::Step => self.rank_step(),
            Message::Stop(_) => self.quit_now(),
            Message::Edited {
                profile,
                key,
                before,
                edited,
            } => {
                self.on_edited(profile, &key, &before, edited);
                Vec::new()
            }
            other => self.on_result(other),
        }
    }

    /// Ends the form: every profile's draft is written first.
    pub(crate) fn quit_now(&mut self) -> Vec<Effect> {
        self.quit = true;
        (0..self.profiles.len()).map(Effect::SaveDraft).collect()
    }

    fn on_tick(&mut self) -> Vec<Effect> {
        self.tick = self.tick.wrapping_add(1);
        let now = Instant::now();
        let mut fx = Vec::new();
        for (i, p) in self.profiles.iter_mut().enumerate() {
            if p.unsaved_since
                .is_some_and(|t| now.duration_since(t) >= AUTOSAVE_AFTER)
            {
                p.unsaved_since = None;
                fx.push(Effect::SaveDraft(i));
            }
        }
        fx.extend(self.outbox_due(now));
        fx
    }

    fn form_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Submit => {
                self.sent_from = SentFrom::Form;
                return self.submit();
            }
            Action::Help => self.mode = Mode::Help(Help::default()),
            Action::SwitchProfile => {
                self.mode = Mode::Switcher(Switcher::new(
                    &self.profiles.iter().map(|p| &p.profile).collect::<Vec<_>>(),
                    self.active,
                ));
            }
            Action::ClearForm if self.current().editing.is_some() => self.ask_stop_editing(),
            Action::ClearForm => self.mode = Mode::Confirm(Question::Clear),
            Action::Find => return self.open_find(),
            Action::NextField => return self.move_focus(1),
            Action::PrevField => return self.move_focus(-1),
            Action::ToggleKeep => return self.toggle_keep(),
            Action::RepeatLast => self.repeat_last(),
            Action::QuickAdd => self.open_quick(),
            Action::OpenEditor => return self.open_editor(),
            Action::ShowOutbox => self.mode = Mode::Outbox(OutboxList),
            Action::ShowRecent => self.mode = Mode::Recent(RecentList),
            Action::Undo | Action::Redo
                if self.current_mut().form.history(action == Action::Redo) =>
            {
                self.edited();
            }
            Action::OpenPicker => self.open_picker(),
            Action::StepDate(d) if self.current_mut().form.step_date(Some(d)) => self.edited(),
            Action::Today if self.current_mut().form.step_date(None) => self.edited(),
            Action::RefreshCatalog => return self.refresh(self.active),
            Action::Edit(e) if self.current_mut().form.edit(e) => self.edited(),
            Action::Edit(_) => {
                if let Some(c) = self.current_mut().form.rejected.take() {
                    self.say(Level::Warn, format!("{c:?} can't go in a number: type digits, a minus and a dot for decimals (1500.50)."));
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// After any change to the draft: re-check, dim the success line (it keeps its row,
    /// so the form stays still), schedule a save.
    fn edited(&mut self) {
        if let Some(c) = &mut self.created {
            c.stale = true;
        }
        // A send waiting for the connection was for the contact as it was: a changed
        // form is sent only when asked again.
        if self.after_session.take().is_some() {
            self.say(
                Level::Info,
                "Send called off: the form changed while connecting. Ctrl-S sends it.",
            );
        }
        let p = self.current_mut();
        p.revalidate();
        p.unsaved_since.get_or_insert_with(Instant::now);
        p.journal_due = true;
    }

    fn refresh(&mut self, profile: usize) -> Vec<Effect> {
        if self.profiles[profile].session.is_none() {
            return vec![Effect::Connect(profile)];
        }
        if self.lists_pending {
            // Merged over a catalog without the config's lists, a refresh would have to
            // be merged again when they come: it waits for them instead.
            self.profiles[profile].refresh_waiting = true;
            return Vec::new();
        }
        self.profiles[profile].catalog_status = CatalogStatus::Refreshing;
        let mut fx = vec![Effect::RefreshCatalog(profile)];
        if self.profiles[profile].profile.api.caps().reports_usage {
            fx.push(Effect::RefreshUsage(profile));
        }
        fx
    }

    /// Makes profile `i` active; its draft was kept, its client and catalog load if needed.
    pub fn switch_to(&mut self, i: usize) -> Vec<Effect> {
        if i >= self.profiles.len() || i == self.active {
            return Vec::new();
        }
        self.active = i;
        self.created = None;
        // Typing goes where it is needed: the first required field still empty (each
        // draft kept its own focus, so keys landed in a field the agent did not expect).
        let form = &mut self.profiles[i].form;
        if let Some(row) = form.fields.iter().position(|f| {
            f.required && form.value(&f.key).trim().is_empty() && form.draft.list(&f.key).is_empty()
        }) {
            form.focus = row;
        }
        let name = self.current().profile.display_name().to_owned();
        self.say(Level::Info, format!("Switched to {name}."));
        let p = &self.profiles[i];
        if p.session.is_none() && p.session_error.is_none() {
            return vec![Effect::Connect(i)];
        }
        if matches!(
            p.catalog_status,
            CatalogStatus::Empty | CatalogStatus::Cached(_)
        ) && p.session.is_some()
        {
            return self.refresh(i);
        }
        Vec::new()
    }

    /// Whether `action` would change a contact that is only shown (one the API cannot
    /// update): then it is refused, and the status line says why.
    pub(super) fn viewing_only(&mut self, action: Action) -> bool {
        if self.current().editing.is_some()
            && matches!(action, Action::QuickAdd | Action::RepeatLast)
        {
            let what = if action == Action::QuickAdd {
                "Quick add"
            } else {
                "Repeat last"
            };
            self.refuse_new_contact(what);
            return true;
        }
        let read_only = self.current().editing.as_ref().is_some_and(|e| e.read_only);
        let changes = matches!(
            action,
            Action::Edit(_)
                | Action::OpenPicker
                | Action::StepDate(_)
                | Action::Today
                | Action::RepeatLast
                | Action::OpenEditor
                | Action::QuickAdd
                | Action::Undo
                | Action::Redo
        );
        if read_only && changes {
            let words = crate::engine::update::unsupported_words(self.current().profile.api);
            let stop = keymap::key_for(Action::ClearForm, Scope::Text);
            self.say(Level::Warn, format!("{words}. {stop} closes it."));
            return true;
        }
        // Undo and redo walk the whole form's history, not the focused row.
        let changes_row = changes && !matches!(action, Action::Undo | Action::Redo);
        let p = self.current();
        if let Some(field) = p
            .form
            .focused()
            .filter(|f| changes_row && p.is_locked(&f.key))
        {
            let said = format!(
                "{} is chosen when a contact is created; {} does not change it afterwards.",
                field.label,
                p.profile.api.spec().title
            );
            self.say(Level::Warn, said);
            return true;
        }
        false
    }

    /// Ctrl-S: check everything; with problems, focus the first; else confirm or send.
    fn submit(&mut self) -> Vec<Effect> {
        if self.submitting.is_some() {
            return Vec::new();
        }
        if self.current().editing.is_some() {
            if !self.phones_loaded {
                self.after_phones = Some(AfterPhones::Submit);
                self.say(Level::Info, "Checking the phone number…");
                return Vec::new();
            }
            return self.submit_update();
        }
        if !self.phones_loaded {
            self.after_phones = Some(AfterPhones::Submit);
            self.say(Level::Info, "Checking the phone number…");
            return Vec::new();
        }
        let p = self.current_mut();
        p.form.show_all = true;
        p.revalidate();
        // The engine's checks, as every face runs them; the form has already placed each
        // problem under its field (the same check), and only says where to start.
        let Err(refused) = crate::engine::submit::prepare(&p.profile, &p.catalog, &p.form.draft)
        else {
            if p.session.is_none() && p.session_error.is_none() {
                // Before the duplicate check (it needs the connection) and before any
                // confirmation (asked once, when the contact can go).
                return self.wait_for_session();
            }
            return self.check_then_send();
        };
        let mut said = crate::engine::words::capitalised(&refused.words(&p.profile));
        if let crate::engine::submit::NotSent::Invalid(_) = refused {
            if let Some(i) = p.form.first_problem() {
                p.form.focus = i;
            }
            said.push_str(": the first one has the cursor.");
        } else {
            said.push('.');
        }
        self.say(Level::Error, said);
        Vec::new()
    }

    /// After every check passed: ask when the profile wants it, else send.
    pub(crate) fn confirm_or_send(&mut self) -> Vec<Effect> {
        let p = self.current();
        if p.profile.confirm_submit {
            let who = display_name(&p.form);
            let whom = p.profile.display_name().to_owned();
            self.mode = Mode::Confirm(Question::Submit(format!("Create {who} in {whom}?")));
            return Vec::new();
        }
        self.send()
    }
}

/// "First Last" of a draft, for messages.
#[must_use]
pub fn display_name(form: &Form) -> String {
    name_of(form.flavour, &form.draft)
}

/// The full name of `draft`, or "this contact" when it has none.
#[must_use]
pub fn name_of(flavour: crate::contact::Flavour, draft: &crate::contact::Draft) -> String {
    let name = flavour.full_name(draft);
    if name.is_empty() {
        "this contact".to_owned()
    } else {
        name
    }
}
