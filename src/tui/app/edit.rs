//! Find, open and update on the form: the lookup (Ctrl-F), a contact opened for editing
//! (the frame says so; Ctrl-S sends only what changed), the duplicate question's update,
//! and what each answer does. The engine plans and sends every update
//! ([`crate::engine::update`]); this is only the face.

use std::time::Instant;

use super::{App, Level, Mode, Question, Submitting};
use crate::contact::Draft;
use crate::engine::Outcome;
use crate::engine::update::{self, NotUpdated, Opened, Updated};
use crate::engine::words;
use crate::tui::keymap::{self, Action, Scope};
use crate::tui::message::{Effect, Purpose};
use crate::tui::popup::find::Find;

/// A contact the form holds for editing instead of a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editing {
    /// The server's id.
    pub id: String,
    /// Its name when opened.
    pub name: String,
    /// It as the server held it: what an update is measured against.
    pub before: Draft,
    /// The new contact the form held when this one was opened: it comes back after.
    pub stash: Draft,
    /// The API cannot update it (Wipsy): shown, not changed.
    pub read_only: bool,
}

/// An update planned by the duplicate question, waiting for the agent's yes.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingUpdate {
    /// Profile index.
    pub profile: usize,
    /// The contact's id.
    pub id: String,
    /// The contact as it will be.
    pub after: Draft,
    /// Only what changes, and what each changed field held.
    pub planned: update::Planned,
}

impl App {
    /// Ctrl-F: the lookup, on a connected profile.
    pub(super) fn open_find(&mut self) -> Vec<Effect> {
        // What is out answers the contact on the form: opening another would mix them.
        let busy = if self.submitting.is_some() {
            Some("a send is out")
        } else if self.awaiting_check.is_some() || self.after_session.is_some() {
            Some("a send waits to go")
        } else {
            None
        };
        if let Some(why) = busy {
            self.say(
                Level::Warn,
                format!("Find waits: {why} (Esc calls it off)."),
            );
            return Vec::new();
        }
        let p = self.current();
        if let Some(e) = p.editing.as_ref().filter(|e| p.form.draft != e.before) {
            let stop = keymap::key_for(Action::ClearForm, Scope::Text);
            let send = keymap::key_for(Action::Submit, Scope::Text);
            let name = crate::text::inert(&e.name).into_owned();
            self.say(
                Level::Warn,
                format!("You changed {name}: {send} sends it, or {stop} drops the changes, before finding another."),
            );
            return Vec::new();
        }
        if p.session.is_none() {
            let why = p.session_error.clone().map_or_else(
                || "Still connecting: try again in a moment.".to_owned(),
                |e| format!("Cannot search: {e}"),
            );
            self.say(Level::Warn, why);
            return Vec::new();
        }
        self.finds += 1;
        self.mode = Mode::Find(Box::new(Find::numbered_from(self.finds << 32)));
        Vec::new()
    }

    /// The lookup's query changed: a search for it (the controller waits for a pause).
    pub(super) fn search_typed(&mut self) -> Vec<Effect> {
        let profile = self.active;
        let Mode::Find(find) = &mut self.mode else {
            return Vec::new();
        };
        match find.take_search() {
            Some((seq, query)) => vec![Effect::Find {
                profile,
                seq,
                query,
            }],
            // Emptied: nothing to look for, and the search out is no longer wanted.
            None if !find.searching() => vec![Effect::CancelFind],
            None => Vec::new(),
        }
    }

    /// A lookup's answer, shown if the lookup is still open and asked for it last.
    pub(super) fn on_found(
        &mut self,
        profile: usize,
        seq: u64,
        found: Result<crate::engine::update::Searched, String>,
        rate: Option<crate::engine::RateLimit>,
    ) {
        self.profiles[profile].rate = rate.or(self.profiles[profile].rate);
        let flavour = self.profiles[profile].profile.api;
        let Mode::Find(find) = &mut self.mode else {
            return;
        };
        if profile != self.active {
            return;
        }
        let note = found
            .as_ref()
            .ok()
            .and_then(|f| f.only_recent)
            .map(|n| update::only_recent_words(flavour, n));
        find.answer(seq, found.map(|f| f.contacts), note);
    }

    /// Enter on a match: read it from the server.
    pub(super) fn open_found(&mut self, id: &str, name: &str) -> Vec<Effect> {
        self.say(
            Level::Info,
            format!("Opening {} (id {id})…", crate::text::inert(name.trim())),
        );
        vec![Effect::OpenContact {
            profile: self.active,
            id: id.to_owned(),
            purpose: Purpose::Edit,
        }]
    }

    /// The duplicate question's update: read the contact, then show what would change.
    pub(super) fn merge_into(&mut self, id: &str, name: &str) -> Vec<Effect> {
        self.say(
            Level::Info,
            format!("Reading {name} (id {id}) from the server…"),
        );
        vec![Effect::OpenContact {
            profile: self.active,
            id: id.to_owned(),
            purpose: Purpose::Merge,
        }]
    }

    /// A contact read from the server.
    pub(super) fn on_opened(
        &mut self,
        profile: usize,
        purpose: Purpose,
        opened: Result<Box<Opened>, Outcome>,
        rate: Option<crate::engine::RateLimit>,
    ) -> Vec<Effect> {
        self.profiles[profile].rate = rate.or(self.profiles[profile].rate);
        if profile != self.active
            || !matches!(self.mode, Mode::Form)
            || self.submitting.is_some()
            || self.awaiting_check.is_some()
        {
            // The agent went on meanwhile: the contact is not put over what they do now.
            self.say(
                Level::Info,
                "The contact opened too late and was not shown: find it again.",
            );
            return Vec::new();
        }
        let opened = match opened {
            Ok(o) => *o,
            Err(o) => {
                let said = words::failure(&o, &self.profiles[profile].profile);
                self.say(Level::Error, format!("Could not open it: {}", said.line()));
                return Vec::new();
            }
        };
        match purpose {
            Purpose::Edit => self.start_editing(opened),
            Purpose::Merge => self.ask_merge(&opened),
        }
        Vec::new()
    }

    /// Puts an opened contact on the form for editing; the new contact the form held
    /// waits, and comes back when editing ends.
    fn start_editing(&mut self, opened: Opened) {
        self.awaiting_check = None;
        self.after_session = None;
        let p = self.current_mut();
        let stash = match &p.editing {
            // Opening another while editing: the new contact kept is still the one.
            Some(e) => e.stash.clone(),
            None => p.form.draft.clone(),
        };
        let read_only = !update::can_update(p.profile.api);
        p.form.clear(&opened.draft);
        p.form.show_all = true;
        p.revalidate();
        p.duplicates.clear();
        p.checked_for = None;
        let name = crate::text::inert(&opened.name).into_owned();
        let id = opened.id.clone();
        p.editing = Some(Editing {
            id: opened.id,
            name: opened.name,
            before: opened.draft,
            stash,
            read_only,
        });
        p.journal_due = true;
        let stop = keymap::key_for(Action::ClearForm, Scope::Text);
        let said = if read_only {
            format!(
                "{}. Its id: {id} · {stop} closes it.",
                update::unsupported_words(self.current().profile.api)
            )
        } else {
            format!(
                "Editing {name} (id {id}): {} sends only what you change · {stop} stops editing.",
                keymap::key_for(Action::Submit, Scope::Text)
            )
        };
        self.say(Level::Info, said);
    }

    /// Ends editing on the active profile: the new contact the form held comes back.
    pub(super) fn stop_editing(&mut self) {
        self.stop_editing_of(self.active);
    }

    /// Ends editing on profile `i`.
    fn stop_editing_of(&mut self, i: usize) {
        let p = &mut self.profiles[i];
        let Some(editing) = p.editing.take() else {
            return;
        };
        p.form.clear(&editing.stash);
        p.form.show_all = false;
        p.revalidate();
        p.journal_due = true;
        p.unsaved_since.get_or_insert_with(Instant::now);
        self.say(
            Level::Info,
            format!(
                "Stopped editing {}: nothing was sent. The form holds your new contact again.",
                crate::text::inert(&editing.name)
            ),
        );
    }

    /// Ctrl-X while editing: ask before what was changed is dropped.
    pub(super) fn ask_stop_editing(&mut self) {
        let p = self.current();
        let Some(e) = &p.editing else { return };
        if e.read_only || p.form.draft == e.before {
            self.stop_editing();
            return;
        }
        self.mode = Mode::Confirm(Question::StopEditing(format!(
            "Stop editing {}? What you changed is not sent.",
            e.name
        )));
    }

    /// Ctrl-S while editing: plan the update (only what changed), then confirm or send.
    pub(super) fn submit_update(&mut self) -> Vec<Effect> {
        let i = self.active;
        let p = &mut self.profiles[i];
        let Some(editing) = p.editing.clone() else {
            return Vec::new();
        };
        if editing.read_only {
            let words = update::unsupported_words(p.profile.api);
            self.say(Level::Warn, format!("{words}. Its id: {}.", editing.id));
            return Vec::new();
        }
        p.form.show_all = true;
        p.revalidate();
        match update::plan(&p.profile, &p.catalog, &editing.before, &p.form.draft) {
            Ok(planned) => {
                let lines = change_lines(p, &planned);
                self.pending_update = Some(PendingUpdate {
                    profile: i,
                    id: editing.id.clone(),
                    after: p.form.draft.clone(),
                    planned,
                });
                if p.profile.confirm_submit {
                    self.mode = Mode::Confirm(Question::Update(format!(
                        "Update {} (id {}) in {}?\n{}",
                        editing.name,
                        editing.id,
                        p.profile.display_name(),
                        lines.join("\n")
                    )));
                    return Vec::new();
                }
                self.send_pending_update()
            }
            Err(refused) => {
                self.refused_update(&refused);
                Vec::new()
            }
        }
    }

    /// An update rolo would not send: why, and each problem under its field.
    fn refused_update(&mut self, refused: &NotUpdated) {
        let p = self.current_mut();
        let problems = refused.problems();
        if !problems.is_empty() {
            p.form.put_errors_and_focus(&problems.fields, &[]);
        }
        let said = words::capitalised(&refused.words(&p.profile));
        let level = if *refused == NotUpdated::Unchanged {
            Level::Info
        } else {
            Level::Error
        };
        self.say(level, format!("{said}."));
    }

    /// The duplicate question's update, once the contact is read: what it would change,
    /// asked before anything is sent. Fields typed empty never clear the contact's.
    fn ask_merge(&mut self, opened: &Opened) {
        let i = self.active;
        let p = &self.profiles[i];
        // What a fresh form holds (defaults, and the fields kept from the last contact
        // sent) was not typed for this one.
        let fresh = self.next_draft(i, p.last_sent.as_ref().unwrap_or(&Draft::default()));
        let typed = update::typed(&p.form.draft, &fresh);
        let after = update::overlay(&opened.draft, &typed);
        match update::plan(&p.profile, &p.catalog, &opened.draft, &after) {
            Ok(planned) => {
                let lines = change_lines(p, &planned);
                let name = crate::text::inert(&opened.name).into_owned();
                self.pending_update = Some(PendingUpdate {
                    profile: i,
                    id: opened.id.clone(),
                    after,
                    planned,
                });
                self.mode = Mode::Confirm(Question::Update(format!(
                    "Update {name} (id {}) with what you typed?\n{}",
                    opened.id,
                    lines.join("\n")
                )));
                // The "Reading …" line is over: the question says what comes next.
                self.status = None;
            }
            Err(NotUpdated::Unchanged) => self.say(
                Level::Info,
                format!(
                    "{} (id {}) already holds everything you typed: nothing to update.",
                    opened.name, opened.id
                ),
            ),
            Err(refused) => self.refused_update(&refused),
        }
    }

    /// Sends the update planned (Ctrl-S while editing, or yes to the duplicate's).
    pub(super) fn send_pending_update(&mut self) -> Vec<Effect> {
        let Some(pending) = self.pending_update.take() else {
            return Vec::new();
        };
        let purpose = if self.profiles[pending.profile].editing.is_some() {
            Purpose::Edit
        } else {
            Purpose::Merge
        };
        self.seq += 1;
        self.submitting = Some(Submitting {
            profile: pending.profile,
            draft: pending.after.clone(),
            seq: self.seq,
            started: Instant::now(),
            update: true,
        });
        self.say(Level::Info, "Updating… (Esc cancels)");
        vec![Effect::Update {
            profile: pending.profile,
            seq: self.seq,
            id: pending.id,
            after: Box::new(pending.after),
            planned: Box::new(pending.planned),
            purpose,
        }]
    }

    /// An update's answer.
    pub(super) fn on_updated(
        &mut self,
        i: usize,
        seq: u64,
        purpose: Purpose,
        updated: Updated,
    ) -> Vec<Effect> {
        if self.submitting.take_if(|s| s.seq == seq).is_none() {
            return Vec::new();
        }
        self.profiles[i].rate = updated.rate.or(self.profiles[i].rate);
        let name = self.profiles[i].editing.as_ref().map(|e| e.name.clone());
        let id = self.profiles[i].editing.as_ref().map(|e| e.id.clone());
        if let Some(entry) = updated.recorded.clone() {
            let (name, id) = (entry.name.clone(), entry.id.clone());
            self.recent.push(entry);
            let over = self.recent.len().saturating_sub(super::RECENT);
            self.recent.drain(..over);
            return self.updated(i, purpose, &name, &id, updated.warning);
        }
        let said = words::failure(&updated.outcome, &self.profiles[i].profile);
        if let Some(item) = updated.kept {
            let short = crate::engine::outbox::short(&item.id).to_owned();
            self.outbox.push(item);
            let mut fx = Vec::new();
            match purpose {
                Purpose::Edit => self.stop_editing_of(i),
                // The typed contact is in the update that waits: the form is done with
                // it (left there, it could be created as well).
                Purpose::Merge => fx = self.form_done(i),
            }
            self.say(
                Level::Warn,
                format!(
                    "Not updated yet: {} It waits in the outbox as {short} and is sent again \
                     as it is (safe to repeat).",
                    said.line()
                ),
            );
            return fx;
        }
        match updated.outcome {
            Outcome::FieldErrors { fields, form } => {
                let p = &mut self.profiles[i];
                p.form.put_errors_and_focus(&fields, &form);
                self.say(
                    Level::Error,
                    "The server refused the update: see the fields marked ✗. The form is kept.",
                );
            }
            Outcome::NotFound { .. } if purpose == Purpose::Merge => {
                self.say(
                    Level::Error,
                    format!(
                        "That contact is not on the server any more: nothing was updated. {} \
                         creates yours as a new contact.",
                        keymap::key_for(Action::Submit, Scope::Text)
                    ),
                );
                self.profiles[i].duplicates.clear();
            }
            Outcome::NotFound { .. } => {
                let (name, id) = (name.unwrap_or_default(), id.unwrap_or_default());
                self.mode = Mode::Confirm(Question::Recreate(format!(
                    "{name} (id {id}) is not on the server any more (deleted there?). Create \
                     it as a new contact, with what the form holds?"
                )));
            }
            _ => self.say(Level::Error, format!("{} The form is kept.", said.line())),
        }
        Vec::new()
    }

    /// An update the server took.
    fn updated(
        &mut self,
        i: usize,
        purpose: Purpose,
        name: &str,
        id: &str,
        warning: Option<String>,
    ) -> Vec<Effect> {
        let profile = self.profiles[i].profile.display_name().to_owned();
        let said = words::updated(name, id, &profile);
        let mut fx = Vec::new();
        let next = match purpose {
            Purpose::Edit => {
                let p = &mut self.profiles[i];
                if let Some(editing) = p.editing.take() {
                    p.form.clear(&editing.stash);
                    p.form.show_all = false;
                    p.revalidate();
                    p.journal_due = true;
                }
                "The form holds your new contact again."
            }
            Purpose::Merge => {
                // The typed contact went into the one the CRM had: the form is done
                // with it, as after a create.
                fx.extend(self.form_done(i));
                "The form is ready for the next contact."
            }
        };
        self.created = None;
        match warning {
            Some(w) => self.say(Level::Warn, format!("✓ {said}. {}", words::capitalised(&w))),
            None => self.say(Level::Ok, format!("✓ {said}. {next}")),
        }
        fx
    }

    /// The typed contact went into an update (sent, or waiting in the outbox): the form
    /// is ready for the next contact, as after a create.
    fn form_done(&mut self, i: usize) -> Vec<Effect> {
        let sent = self.profiles[i].form.draft.clone();
        let keep = self.next_draft(i, &sent);
        let p = &mut self.profiles[i];
        p.last_sent = Some(sent);
        p.duplicates.clear();
        p.checked_for = None;
        p.form.clear(&keep);
        p.revalidate();
        vec![
            Effect::SaveDraft(i),
            Effect::SaveSticky(i),
            Effect::NextDraft(i),
        ]
    }

    /// Yes to "create it as a new contact": editing ends with the form as it is, and it
    /// goes the way of any new contact (checks, the duplicate question, the create). The
    /// new contact that waited is kept as a draft of its own, and comes back after.
    pub(super) fn recreate(&mut self) -> Vec<Effect> {
        let i = self.active;
        let p = &mut self.profiles[i];
        let mut fx = Vec::new();
        if let Some(editing) = p.editing.take()
            && editing.stash != p.defaults()
            && !editing.stash.is_empty()
        {
            fx.push(Effect::SetAside {
                profile: i,
                draft: Box::new(editing.stash),
            });
        }
        p.form.attempt = crate::engine::submit::Attempt::First;
        p.journal_due = true;
        fx.extend(self.submit());
        fx
    }

    /// Quick add, a pasted vCard or "repeat last" while a contact the CRM has is edited:
    /// each makes or fills a new contact, which would land on the one being edited.
    pub(super) fn refuse_new_contact(&mut self, what: &str) {
        let stop = keymap::key_for(Action::ClearForm, Scope::Text);
        self.say(
            Level::Warn,
            format!("{what} is for a new contact: {stop} stops editing this one first."),
        );
    }
}

/// Each change of a planned update in words, as a question lists them.
fn change_lines(p: &super::ProfileState, planned: &update::Planned) -> Vec<String> {
    planned
        .changes
        .iter()
        .map(|c| update::change_words(p.profile.api, &p.catalog, c))
        .collect()
}
