//! What comes back from the controller's tasks (answers, catalogs, keys), and the input
//! that is not a key (paste, mouse).

use std::time::Instant;

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::{App, CatalogStatus, Level, Mode, RECENT, Submitting};
use crate::contact::Draft;
use crate::engine::Outcome;
use crate::engine::session::Session;
use crate::engine::submit::{Attempt, Submitted};
use crate::engine::words;
use crate::tui::form::Editor;
use crate::tui::message::{Effect, Message};

impl App {
    /// Sends the active draft.
    pub(super) fn send(&mut self) -> Vec<Effect> {
        let i = self.active;
        let p = &self.profiles[i];
        if p.session.is_none() {
            if let Some(why) = p.session_error.clone() {
                self.say(Level::Error, format!("Cannot send: {why}"));
                return Vec::new();
            }
            return self.wait_for_session();
        }
        let draft = Box::new(p.form.draft.clone());
        let attempt = p.form.attempt;
        self.seq += 1;
        self.submitting = Some(Submitting {
            profile: i,
            draft: (*draft).clone(),
            seq: self.seq,
            started: Instant::now(),
            update: false,
        });
        self.say(Level::Info, "Sending… (Esc cancels)");
        vec![Effect::Submit {
            profile: i,
            seq: self.seq,
            draft,
            attempt,
        }]
    }

    /// Results of tasks.
    pub(super) fn on_result(&mut self, msg: Message) -> Vec<Effect> {
        match msg {
            Message::Submitted {
                profile,
                seq,
                submitted,
            } => {
                let Some(sending) = self.submitting.take_if(|s| s.seq == seq) else {
                    return Vec::new();
                };
                self.on_answer(profile, *submitted, sending.draft)
            }
            Message::Catalog { profile, fetched } => {
                let fetched = *fetched;
                if let Some(e) = &fetched.cache_error {
                    self.say(Level::Warn, format!("Cannot cache the catalog: {e}"));
                }
                let p = &mut self.profiles[profile];
                p.catalog_status = match fetched.unfetched.first() {
                    None => CatalogStatus::Fresh,
                    Some(w) => CatalogStatus::Offline(w.clone()),
                };
                if let Some(u) = fetched.catalog.usage {
                    p.usage = Some(u);
                }
                p.rate = fetched.rate.or(p.rate);
                p.catalog = fetched.catalog;
                p.form.rebuild(&p.catalog);
                // Defaults given as names resolve only now that the catalog is here.
                let defaults = p.defaults();
                p.form.fill_default(&defaults);
                p.revalidate();
                if profile == self.active {
                    self.reload_picker();
                }
                let mut fx = self.prepare_lists();
                fx.extend(self.more_to_rank());
                fx
            }
            Message::Usage {
                profile,
                usage,
                rate,
            } => {
                let p = &mut self.profiles[profile];
                p.usage = usage.or(p.usage);
                p.rate = rate.or(p.rate);
                Vec::new()
            }
            Message::Key { profile, session } => self.on_session(profile, session),
            Message::Lists(listed) => self.on_lists(listed),
            Message::PhonesLoaded => self.on_phones_loaded(),
            Message::ListsPrepared(made) => {
                self.searches.made(made);
                Vec::new()
            }
            Message::OutboxChanged {
                items,
                damaged,
                said,
                recorded,
                answers,
            } => {
                self.outbox_damaged = damaged;
                self.on_outbox(items, &said, recorded, answers)
            }
            Message::Found {
                profile,
                seq,
                found,
                rate,
            } => {
                self.on_found(profile, seq, found, rate);
                Vec::new()
            }
            Message::Opened {
                profile,
                purpose,
                opened,
                rate,
            } => self.on_opened(profile, purpose, opened, rate),
            Message::Updated {
                profile,
                seq,
                purpose,
                updated,
            } => self.on_updated(profile, seq, purpose, *updated),
            Message::Duplicates {
                profile,
                checked,
                found,
                rate,
                then_submit,
            } => {
                let p = &mut self.profiles[profile];
                p.rate = rate.or(p.rate);
                self.on_duplicates(profile, checked, found, then_submit)
            }
            _ => Vec::new(),
        }
    }

    /// The config's long lists came: each profile takes its lists and the catalog with
    /// them (merged again here only if the catalog changed meanwhile); refreshes that
    /// waited go now. A refused file stops rolo with its error.
    fn on_lists(
        &mut self,
        listed: Result<Vec<crate::tui::message::Listed>, String>,
    ) -> Vec<Effect> {
        self.lists_pending = false;
        let listed = match listed {
            Ok(l) => l,
            Err(e) => {
                self.fatal = Some(e);
                self.quit = true;
                return Vec::new();
            }
        };
        let mut notices = Vec::new();
        for (p, l) in self.profiles.iter_mut().zip(listed) {
            notices.extend(l.notice);
            if let Some(session) = &mut p.session {
                session.update_profile(l.profile.clone());
            }
            p.profile = l.profile;
            p.catalog = if p.catalog == l.base {
                l.catalog
            } else {
                crate::engine::catalog::with_profile(p.catalog.clone(), &p.profile)
            };
            p.form.rebuild(&p.catalog);
            let defaults = p.defaults();
            p.form.fill_default(&defaults);
            p.revalidate();
        }
        self.reload_picker();
        if !notices.is_empty() {
            self.say(Level::Warn, notices.join("; "));
        }
        let waiting: Vec<usize> = (0..self.profiles.len())
            .filter(|&i| std::mem::take(&mut self.profiles[i].refresh_waiting))
            .collect();
        let mut fx: Vec<Effect> = waiting.into_iter().flat_map(|i| self.refresh(i)).collect();
        fx.extend(self.prepare_lists());
        fx.extend(self.more_to_rank());
        fx
    }

    /// The big lists of every profile's catalog that are not ready yet, for a worker
    /// (see [`Effect::PrepareLists`]).
    pub fn prepare_lists(&mut self) -> Vec<Effect> {
        let lists = self
            .searches
            .to_make(self.profiles.iter().map(|p| &p.catalog));
        if lists.is_empty() {
            Vec::new()
        } else {
            vec![Effect::PrepareLists(lists)]
        }
    }

    /// Ctrl-S while the active profile is still connecting: the send waits for the
    /// connection (see [`App::after_session`]); an edit or Esc calls it off.
    pub(super) fn wait_for_session(&mut self) -> Vec<Effect> {
        let i = self.active;
        let whom = self.profiles[i].profile.display_name().to_owned();
        self.after_session = Some(i);
        self.say(
            Level::Info,
            format!(
                "Connecting to {whom}… the contact goes as soon as it is connected (Esc calls it off)."
            ),
        );
        vec![Effect::Connect(i)]
    }

    fn on_session(&mut self, profile: usize, session: Result<Box<Session>, String>) -> Vec<Effect> {
        match session {
            Ok(mut s) => {
                // Connected with the profile as it was when asked; its side files may have
                // been read since.
                s.update_profile(self.profiles[profile].profile.clone());
                self.profiles[profile].session = Some(*s);
                self.profiles[profile].session_error = None;
                let waiting = self.after_session == Some(profile);
                if waiting {
                    self.after_session = None;
                }
                if profile == self.active {
                    let mut fx = self.refresh(profile);
                    // The send asked for while connecting, from the start (the checks
                    // run again: the form may have changed, and the duplicate check
                    // needed the connection).
                    if waiting && self.submitting.is_none() && matches!(self.mode, Mode::Form) {
                        fx.extend(self.submit());
                    } else if waiting {
                        self.say(Level::Info, "Connected: Ctrl-S sends the contact.");
                    }
                    return fx;
                }
                if waiting {
                    let whom = self.profiles[profile].profile.display_name().to_owned();
                    self.say(
                        Level::Info,
                        format!(
                            "{whom} is connected; its contact was not sent (you switched away): Ctrl-S on it sends it."
                        ),
                    );
                }
            }
            Err(e) => {
                if self.after_session == Some(profile) {
                    self.after_session = None;
                }
                if profile == self.active {
                    self.say(
                        Level::Error,
                        format!("No key for this profile: {e}; the contact stays on the form"),
                    );
                }
                self.profiles[profile].session_error = Some(e);
            }
        }
        Vec::new()
    }

    /// The automatic outbox tried what waited: the items left, the contacts now known to
    /// exist (F4's list, the month's count), what their echoes teach the catalogs in
    /// memory (the engine cached them already), and the servers' rate figures.
    fn on_outbox(
        &mut self,
        items: Vec<crate::engine::outbox::Item>,
        said: &[String],
        recorded: Vec<crate::engine::record::Entry>,
        answers: Vec<crate::tui::message::OutboxAnswer>,
    ) -> Vec<Effect> {
        self.outbox = items;
        for (name, echo, rate) in answers {
            let Some(p) = self.profiles.iter_mut().find(|p| p.profile.name == name) else {
                continue;
            };
            p.rate = rate.or(p.rate);
            if let Some(echo) = echo {
                // New custom fields come with new rows; what was typed stays.
                let flavour = p.profile.api;
                crate::engine::catalog::harvest(
                    &mut p.catalog,
                    flavour,
                    std::slice::from_ref(&echo),
                );
                p.form.rebuild(&p.catalog);
            }
        }
        for entry in recorded {
            if let Some(p) = self
                .profiles
                .iter_mut()
                .find(|p| p.profile.name == entry.profile && entry.action.is_created())
            {
                p.created_this_month += 1;
                // The plan's count on the status bar, as after a send from the form.
                if let Some(usage) = &mut p.usage {
                    usage.current += 1;
                }
            }
            self.recent.push(entry);
        }
        let over = self.recent.len().saturating_sub(RECENT);
        self.recent.drain(..over);
        if let Some(last) = said.last() {
            self.say(Level::Info, last.clone());
        }
        Vec::new()
    }

    /// The answer to the send of `sent` (the contact as it left; the form may have been
    /// typed in since).
    fn on_answer(&mut self, i: usize, submitted: Submitted, sent: Draft) -> Vec<Effect> {
        // What the send step kept in the outbox itself (labels it could not set) is read
        // from there, so it is listed and sent again like any waiting contact.
        let mut fx = if submitted.unfinished.is_some() {
            vec![Effect::ReadOutbox]
        } else {
            Vec::new()
        };
        // A send that went on without its duplicate check says so where it says it
        // created the contact ([`Self::created`]); a send that did not create forgets it.
        if !matches!(submitted.outcome, Outcome::Created { .. }) {
            self.unchecked_send = None;
        }
        let keep_offer = submitted.outcome.may_pass().then(|| {
            crate::tui::app::outbox::Offer::of(i, &submitted.outcome, submitted.may_exist)
        });
        self.profiles[i].rate = submitted.rate.or(self.profiles[i].rate);
        // The next Ctrl-S of this contact looks first when this one may have arrived; a
        // conflict (someone else has the phone) goes back to the ordinary duplicate
        // question, which names them and lets the agent create it anyway.
        self.profiles[i].form.attempt = if submitted.may_exist && submitted.conflict.is_none() {
            Attempt::MayExist
        } else {
            Attempt::First
        };
        if let (Some(known), Outcome::Created { echo, .. }) =
            (&submitted.earlier, &submitted.outcome)
        {
            // Found from an earlier attempt: its id is the one the server holds.
            let (recorded, warning) = (submitted.recorded.clone(), submitted.warning.clone());
            fx.extend(self.created(i, sent, &known.id, echo, recorded, warning, true));
            return fx;
        }
        let keep_going = "The form is kept.";
        let said = words::failure(&submitted.outcome, &self.profiles[i].profile);
        match submitted.outcome {
            Outcome::Created { id, echo } => {
                let (recorded, warning) = (submitted.recorded, submitted.warning);
                fx.extend(self.created(i, sent, &id, &echo, recorded, warning, false));
                return fx;
            }
            Outcome::FieldErrors { fields, form } => {
                let p = &mut self.profiles[i];
                p.form.put_errors_and_focus(&fields, &form);
                self.say(
                    Level::Error,
                    format!(
                        "{}: see the fields marked ✗. {keep_going}",
                        words::capitalised(&said.what)
                    ),
                );
            }
            Outcome::QuotaExceeded {
                current, maximum, ..
            } => {
                if current.is_some() || maximum.is_some() {
                    self.profiles[i].usage = Some(crate::contact::catalog::Usage {
                        current: current.unwrap_or(0),
                        limit: maximum,
                    });
                }
                self.say(Level::Error, format!("{} {keep_going}", said.line()));
            }
            Outcome::RateLimited { .. } => {
                self.say(Level::Warn, format!("{} {keep_going}", said.line()));
            }
            Outcome::Network { .. } => self.say(
                Level::Error,
                format!("{} {keep_going} Press Ctrl-S to try again.", said.line()),
            ),
            _ => self.say(Level::Error, format!("{} {keep_going}", said.line())),
        }
        if let Some(offer) = keep_offer {
            self.offer_outbox(offer);
        }
        fx
    }

    #[allow(clippy::too_many_arguments)] // one answer's parts, named
    fn created(
        &mut self,
        i: usize,
        sent: Draft,
        id: &str,
        echo: &serde_json::Value,
        recorded: Option<crate::engine::record::Entry>,
        warning: Option<String>,
        found: bool,
    ) -> Vec<Effect> {
        let mut keep = self.next_draft(i, &sent);
        // Typing while the answer was out is the start of the next contact: it stays on
        // the form, never in the one sent (nor in Ctrl-L's copy of it).
        let typed_meanwhile = typed_since(&sent, &self.profiles[i].form.draft, &mut keep);
        let p = &mut self.profiles[i];
        let name = super::name_of(p.form.flavour, &sent);
        p.last_sent = Some(sent);
        p.duplicates.clear();
        p.checked_for = None;
        let flavour = p.profile.api;
        crate::engine::catalog::harvest(&mut p.catalog, flavour, std::slice::from_ref(echo));
        // The same count `record::created_this_month` reads from the history at start.
        p.created_this_month += 1;
        p.form.clear(&keep);
        p.form.rebuild(&p.catalog);
        p.revalidate();
        let profile_name = p.profile.display_name().to_owned();
        let unchecked = self
            .unchecked_send
            .take()
            .filter(|(p, _)| *p == i)
            .map(|(_, why)| {
                format!(
                    ", not checked for duplicates first ({})",
                    why.trim_end_matches('.')
                )
            });
        self.created = Some(crate::tui::app::Created {
            id: id.to_owned(),
            name: name.clone(),
            found,
            stale: false,
        });
        if let Some(entry) = recorded {
            self.recent.push(entry);
            let over = self.recent.len().saturating_sub(RECENT);
            self.recent.drain(..over);
        }
        if let Some(w) = warning {
            let what = if found { "found" } else { "created" };
            self.say(
                Level::Warn,
                format!(
                    "{} — {name} (id {id}, {what}) in {profile_name}{}.",
                    words::capitalised(&w),
                    unchecked.unwrap_or_default()
                ),
            );
        } else {
            let said = if found {
                words::already_there(&name, id)
            } else {
                words::created(&name, id, &profile_name)
            };
            let next = if typed_meanwhile {
                "What you typed while it was sending is on the form, for the next contact."
            } else {
                "The form is ready for the next contact."
            };
            match unchecked {
                Some(unchecked) => self.say(Level::Warn, format!("{said}{unchecked}. {next}")),
                None => self.say(Level::Ok, format!("✓ {said}. {next}")),
            }
        }
        let fx = vec![
            Effect::SaveDraft(i),
            Effect::SaveSticky(i),
            Effect::NextDraft(i),
        ];
        // The plan's count goes up by this contact here, not by asking the server again:
        // a contact costs its duplicate check and its create (2 requests), not a third
        // for the usage; Ctrl-R and the next start read the server's own figure.
        if flavour.caps().reports_usage
            && let Some(usage) = &mut self.profiles[i].usage
        {
            usage.current += 1;
        }
        if i == self.active {
            self.next_vcard();
        }
        fx
    }

    /// A paste: lists into pickers by name, text into text fields; never a submit.
    pub(super) fn paste(&mut self, text: &str) -> Vec<Effect> {
        if matches!(self.mode, Mode::Form)
            && self.viewing_only(crate::tui::keymap::Action::Edit(
                crate::tui::keymap::Edit::ClearField,
            ))
        {
            return Vec::new();
        }
        if text.len() > crate::engine::limits::MAX_PASTE {
            // Parsing or laying out megabytes would freeze the form; nothing is changed.
            self.say(
                Level::Error,
                format!(
                    "The paste was not taken: it is {}, the form takes at most {} at once. \
                     A file of contacts goes in with `rolo import FILE`.",
                    crate::engine::limits::size_words(text.len() as u64),
                    crate::engine::limits::size_words(crate::engine::limits::MAX_PASTE as u64)
                ),
            );
            return Vec::new();
        }
        // Terminals paste line ends as CR (tmux, many others), LF or CRLF: all are one.
        let text = &crate::text::unix_lines(text);
        if crate::contact::vcard::looks_like_vcard(text)
            && matches!(self.mode, Mode::Form | Mode::Quick(_))
        {
            if self.current().editing.is_some() {
                self.refuse_new_contact("A pasted vCard");
                return Vec::new();
            }
            self.mode = Mode::Form;
            self.paste_vcards(text);
            return Vec::new();
        }
        if let Mode::Find(find) = &mut self.mode {
            // A phone copied from a chat is the commonest thing looked for.
            for c in text.lines().next().unwrap_or_default().chars() {
                crate::tui::fuzzy::edit_filter(
                    &mut find.query,
                    crate::tui::keymap::Edit::Insert(c),
                );
            }
            find.touched();
            return self.search_typed();
        }
        if let Mode::Quick(q) = &mut self.mode {
            q.insert(text);
            let p = &self.profiles[self.active];
            q.parsed = crate::contact::quickadd::parse(
                &q.text,
                p.profile.api,
                &p.catalog,
                p.profile.default_region.as_deref(),
            );
            return Vec::new();
        }
        if let Mode::Picker(p) = &mut self.mode {
            for c in text.lines().next().unwrap_or_default().chars() {
                p.update(crate::tui::keymap::Action::Edit(
                    crate::tui::keymap::Edit::Insert(c),
                ));
            }
            return self.more_to_rank();
        }
        if !matches!(self.mode, Mode::Form) {
            return Vec::new();
        }
        let p = self.current();
        let Some(field) = p.form.focused().cloned() else {
            return Vec::new();
        };
        let changed = match &field.editor {
            Editor::Multi(kind) | Editor::Single(kind) => {
                let (found, missing) = split_names(&p.catalog, *kind, text);
                let single = matches!(field.editor, Editor::Single(_));
                let form = &mut self.current_mut().form;
                if single {
                    form.set_value(&field.key, found.first().map_or("", String::as_str));
                } else {
                    let mut ids = form.draft.list(&field.key).to_vec();
                    ids.extend(
                        found
                            .into_iter()
                            .filter(|f| !ids.contains(f))
                            .collect::<Vec<_>>(),
                    );
                    form.set_list(&field.key, ids);
                }
                if !missing.is_empty() {
                    self.say(
                        Level::Warn,
                        format!("Not in the catalog: {}", missing.join(", ")),
                    );
                }
                true
            }
            _ => self.current_mut().form.paste(text),
        };
        if changed {
            self.edited();
        }
        Vec::new()
    }

    /// A left click on a field focuses it.
    pub(super) fn mouse(&mut self, m: MouseEvent) -> Vec<Effect> {
        if m.kind != MouseEventKind::Down(MouseButton::Left) || !matches!(self.mode, Mode::Form) {
            return Vec::new();
        }
        if let Some(i) = crate::tui::view::field_at(self, m.column, m.row) {
            let at = self.current().form.focus;
            let delta = isize::try_from(i).unwrap_or(0) - isize::try_from(at).unwrap_or(0);
            return self.move_focus(delta);
        }
        Vec::new()
    }
}

/// Splits a pasted list on commas and newlines and resolves each name.
fn split_names(
    catalog: &crate::contact::Catalog,
    kind: crate::contact::CatalogKind,
    text: &str,
) -> (Vec<String>, Vec<String>) {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for name in text
        .split([',', '\n', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match catalog.resolve(kind, name) {
            Some(item) => found.push(item.id.clone()),
            None => missing.push(name.to_owned()),
        }
    }
    (found, missing)
}

/// What was typed into the form (`now`) since `sent` left, put on `next` (the next
/// contact's form): every value, list and custom field that differs from the one sent.
/// True when there was any. A field emptied meanwhile is not carried: the next form
/// starts from its defaults and kept fields anyway.
fn typed_since(sent: &Draft, now: &Draft, next: &mut Draft) -> bool {
    let mut any = false;
    for (k, v) in &now.values {
        if sent.values.get(k) != Some(v) {
            next.values.insert(k.clone(), v.clone());
            any = true;
        }
    }
    for (k, v) in &now.lists {
        if sent.lists.get(k) != Some(v) {
            next.lists.insert(k.clone(), v.clone());
            any = true;
        }
    }
    for (k, v) in &now.custom {
        if sent.custom.get(k) != Some(v) {
            next.custom.insert(k.clone(), v.clone());
            any = true;
        }
    }
    any
}
