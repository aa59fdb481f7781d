//! One contact, start to end: every field in form order, the contact read back, then
//! `Send? [Y/n]`. Sending goes through the engine ([`submit::prepare`], then
//! [`Session::submit`](crate::engine::session::Session), which also writes the history),
//! as `rolo add` and the form send. Field errors (rolo's or the server's) are printed
//! under their fields' labels and exactly those fields are asked again; a failure that
//! may pass is offered again, else the contact waits in the outbox, as `rolo add` keeps
//! it.

use std::collections::BTreeMap;

use crate::contact::Draft;
use crate::engine::form_fields::shown;
use crate::engine::submit::{self, Attempt, NotSent, Submitted};
use crate::engine::{Outcome, drafts, exit, outbox, record, usage_words, words};

use super::Linear;
use super::term::Stop;

/// How a contact ended.
pub(super) struct Ended {
    /// Its exit code (0: created, or not sent at all).
    pub code: u8,
    /// The contact as created, for the fields the next one keeps.
    pub created: Option<Draft>,
}

/// What the duplicate check before a first send came to.
enum Dup {
    /// No duplicate (or create it anyway): send.
    Send,
    /// Not sent; the draft stays.
    Keep,
    /// The contact the CRM had was updated with what was typed instead.
    Updated(Ended),
}

/// What one send came to.
enum Sent {
    /// The contact is done with: created, kept in the outbox, or refused for good.
    Done(Ended),
    /// These fields (form keys) must change before sending again.
    Fix(Vec<String>),
}

impl Linear<'_> {
    /// Asks every field, then reads the contact back until it is sent or discarded.
    pub(super) fn contact(&mut self) -> Result<Ended, Stop> {
        self.term.say("")?;
        self.term.say(&format!(
            "New contact for {}.",
            self.session.profile().display_name()
        ))?;
        for at in 0..self.fields.len() {
            self.ask_or_find(at)?;
        }
        let mut again = false;
        loop {
            self.summary()?;
            let question = if again { "Send again?" } else { "Send?" };
            if !self.term.confirm(question, true)? {
                match self.change()? {
                    Some(at) => self.ask_or_find(at)?,
                    None if self.discard()? => return Ok(Ended::not_created(0)),
                    None => {}
                }
                continue;
            }
            match self.send()? {
                Sent::Done(ended) => return Ok(ended),
                Sent::Fix(keys) => {
                    again = true;
                    for at in self.positions(&keys) {
                        self.ask_or_find(at)?;
                    }
                }
            }
        }
    }

    /// Asks field `at`; `/find …` typed instead runs the lookup, then the field is asked
    /// again.
    pub(super) fn ask_or_find(&mut self, at: usize) -> Result<(), Stop> {
        loop {
            match self.ask_field(at) {
                Err(Stop::Find(query)) => self.find(&query)?,
                other => return other,
            }
        }
    }

    /// The contact read back, one numbered line per field.
    pub(super) fn summary(&mut self) -> Result<(), Stop> {
        self.term.say("")?;
        self.term.say("The contact:")?;
        for (n, field) in self.fields.iter().enumerate() {
            let value = shown(field, &self.draft, &self.catalog).replace('\n', " / ");
            let value = if value.is_empty() {
                "(empty)".to_owned()
            } else {
                value
            };
            self.term
                .say(&format!("{:>4}. {}: {value}", n + 1, field.label))?;
        }
        Ok(())
    }

    /// Which field to change, by its number in the summary; `None` for none.
    fn change(&mut self) -> Result<Option<usize>, Stop> {
        loop {
            let answer = self.term.ask(
                "Change which field? Type its number, or press Enter to discard this contact: ",
            )?;
            if answer.is_empty() {
                return Ok(None);
            }
            match answer.parse::<usize>() {
                Ok(n) if (1..=self.fields.len()).contains(&n) => return Ok(Some(n - 1)),
                _ => self.term.error(&format!(
                    "type a number from 1 to {}, or press Enter",
                    self.fields.len()
                ))?,
            }
        }
    }

    /// Discards the contact after asking; whether it was.
    fn discard(&mut self) -> Result<bool, Stop> {
        if !self.term.confirm("Discard this contact?", false)? {
            return Ok(false);
        }
        self.draft = Draft::default();
        self.attempt = Attempt::First;
        self.autosave();
        self.term.say("Discarded; nothing was sent.")?;
        Ok(true)
    }

    /// Checks and sends the contact; a failure that may pass is offered again.
    fn send(&mut self) -> Result<Sent, Stop> {
        if let Some(refused) = self.unready()? {
            return Ok(refused);
        }
        if self.attempt == Attempt::First {
            match self.no_duplicate()? {
                Dup::Send => {}
                Dup::Updated(ended) => return Ok(Sent::Done(ended)),
                Dup::Keep => {
                    self.autosave();
                    self.term.say("Not sent; the draft is kept.")?;
                    return Ok(Sent::Done(Ended::not_created(exit::CONFLICT)));
                }
            }
        }
        loop {
            let sent = self.submit_once()?;
            let found = sent.earlier.is_some();
            let outcome = sent.outcome;
            if let Outcome::Created { id, .. } = &outcome {
                return self.created(id, found).map(Sent::Done);
            }
            if sent.conflict.is_some() {
                for m in outcome_form(&outcome) {
                    self.term.error(m)?;
                }
                if self.term.confirm("Create it anyway?", false)? {
                    self.attempt = Attempt::First;
                    continue;
                }
                self.autosave();
                self.term.say("Not sent; the draft is kept.")?;
                return Ok(Sent::Done(Ended::not_created(exit::CONFLICT)));
            }
            let fix = self.refused(&outcome)?;
            self.standing()?;
            if let Some(keys) = fix {
                return Ok(Sent::Fix(keys));
            }
            if !outcome.may_pass() {
                self.autosave();
                self.term.say("The draft is kept.")?;
                return Ok(Sent::Done(Ended::not_created(exit::of(&outcome))));
            }
            if !self.again_now(&outcome)? {
                return self.keep_in_outbox(&outcome);
            }
        }
    }

    /// The engine's checks before sending, as `rolo add` runs them: what to do instead
    /// of sending when they refuse.
    fn unready(&mut self) -> Result<Option<Sent>, Stop> {
        let profile = self.session.profile();
        match submit::prepare(profile, &self.catalog, &self.draft) {
            Ok(_) => Ok(None),
            Err(NotSent::Invalid(problems)) => {
                let said = NotSent::Invalid(problems.clone()).words(profile);
                self.term.say(&sentence(&said))?;
                self.field_errors(&problems.fields, &[])?;
                Ok(Some(Sent::Fix(problems.fields.into_keys().collect())))
            }
            Err(refused @ NotSent::ReadOnly) => {
                self.term.error(&sentence(&refused.words(profile)))?;
                Ok(Some(Sent::Done(Ended::not_created(exit::OTHER))))
            }
        }
    }

    /// The duplicate check the form runs before a first send: with a contact the CRM
    /// already has by this phone or email, whether to create this one anyway. A check
    /// that cannot run never stops a send; it is said.
    ///
    /// On an API that can update contacts, "no" is followed by the other answer: update
    /// the contact the CRM has with what was typed.
    fn no_duplicate(&mut self) -> Result<Dup, Stop> {
        let (found, rate) = self.rt.block_on(
            self.session
                .duplicates_of(&self.draft, &self.catalog.recent),
        );
        self.rate = rate.or(self.rate);
        match found {
            Ok(known) if known.is_empty() => Ok(Dup::Send),
            Ok(known) => {
                for k in &known {
                    self.term.say(&format!(
                        "Possible duplicate: {}.",
                        crate::contact::duplicates::describe(k)
                    ))?;
                }
                if self.term.confirm("Create it anyway?", false)? {
                    return Ok(Dup::Send);
                }
                let Some(k) = known
                    .first()
                    .filter(|_| crate::engine::update::can_update(self.session.flavour()))
                else {
                    return Ok(Dup::Keep);
                };
                let question = format!(
                    "Update {} (id {}) with what you typed?",
                    crate::text::inert(k.name.trim()),
                    k.id
                );
                if !self.term.confirm(&question, false)? {
                    return Ok(Dup::Keep);
                }
                Ok(self.merge(k)?.map_or(Dup::Keep, Dup::Updated))
            }
            Err(e) => {
                self.term.say(&format!(
                    "Warning: could not check for duplicates ({e}); sending anyway."
                ))?;
                Ok(Dup::Send)
            }
        }
    }

    /// One send through the engine (which writes the history of a created contact and,
    /// after an attempt that may have arrived, looks for it first).
    fn submit_once(&mut self) -> Result<Submitted, Stop> {
        let name = self.session.profile().display_name();
        self.term.say(&format!("Sending to {name}…"))?;
        let mut sent = self.rt.block_on(self.session.submit(
            &self.draft,
            &self.catalog,
            self.attempt,
        ));
        self.attempt = if sent.may_exist {
            Attempt::MayExist
        } else {
            Attempt::First
        };
        self.rate = sent.rate.or(self.rate);
        if let Some(learned) = sent.learned.take() {
            self.catalog = *learned;
        }
        if let Some(w) = &sent.warning {
            self.term
                .say(&format!("Warning: {}", words::capitalised(w)))?;
        }
        Ok(sent)
    }

    /// Whether to send again at once after a failure that may pass. When input ends
    /// here the contact goes to the outbox first: it must not be lost.
    fn again_now(&mut self, outcome: &Outcome) -> Result<bool, Stop> {
        match self.term.confirm("Send again now?", false) {
            Ok(again) => Ok(again),
            Err(stop) => {
                let _ = self.keep_in_outbox(outcome);
                Err(stop)
            }
        }
    }

    /// A created contact (the engine recorded it and learned from its echo): said,
    /// forgotten as a draft, remembered as the last one sent; then the plan's standing.
    fn created(&mut self, id: &str, found: bool) -> Result<Ended, Stop> {
        let data_dir = self.session.data_dir();
        let profile = self.session.profile();
        let name = profile.api.full_name(&self.draft);
        let said = if found {
            words::already_there(&name, id)
        } else {
            words::created(&name, id, profile.display_name())
        };
        self.term.say(&format!("{said}."))?;
        let mut memory = drafts::load_memory(data_dir, profile.name.as_str());
        memory.last_sent = Some(self.draft.clone());
        if let Err(e) = drafts::save_memory(data_dir, &profile.name, &memory) {
            tracing::warn!("cannot save the last contact of {}: {e}", profile.name);
        }
        let created = std::mem::take(&mut self.draft);
        self.attempt = Attempt::First;
        self.autosave();
        if self.session.flavour().caps().reports_usage {
            let (usage, rate) = self.rt.block_on(self.session.usage());
            self.usage = usage.or(self.usage);
            self.rate = rate.or(self.rate);
        }
        self.standing()?;
        Ok(Ended {
            code: 0,
            created: Some(created),
        })
    }

    /// Says why the server did not create the contact; the fields to ask again when it
    /// named some (field errors).
    fn refused(&mut self, outcome: &Outcome) -> Result<Option<Vec<String>>, Stop> {
        let said = words::failure(outcome, self.session.profile());
        let line = match &said.advice {
            Some(advice) => format!("{} {}", sentence(&said.what), sentence(advice)),
            None => sentence(&said.what),
        };
        match outcome {
            Outcome::FieldErrors { fields, form } => {
                self.term.say(&line)?;
                self.field_errors(fields, form)?;
                return Ok(Some(fields.keys().cloned().collect()));
            }
            Outcome::QuotaExceeded {
                current, maximum, ..
            } if current.is_some() || maximum.is_some() => {
                self.usage = Some(crate::contact::catalog::Usage {
                    current: current.unwrap_or(0),
                    limit: *maximum,
                });
            }
            _ => {}
        }
        self.term.error(&line)?;
        Ok(None)
    }

    /// Each message under its field's label, and messages that name no field alone.
    fn field_errors(
        &mut self,
        fields: &BTreeMap<String, Vec<String>>,
        form: &[String],
    ) -> Result<(), Stop> {
        for (key, messages) in fields {
            self.term.say(&format!("{}:", self.label(key)))?;
            for m in messages {
                self.term.say(&format!("  Error: {}", m.trim()))?;
            }
        }
        for m in form {
            self.term.error(m)?;
        }
        Ok(())
    }

    /// The contact waits in the outbox, as `rolo add` keeps it.
    fn keep_in_outbox(&mut self, outcome: &Outcome) -> Result<Sent, Stop> {
        let (data_dir, profile) = (self.session.data_dir(), self.session.profile());
        let may_exist = self.attempt == Attempt::MayExist;
        match outbox::keep(data_dir, profile, &self.draft, outcome, may_exist) {
            Ok(item) => {
                let kept = words::kept_in_outbox(outbox::short(&item.id));
                self.term.say(&format!("{}.", words::capitalised(&kept)))?;
                self.draft = Draft::default();
                self.attempt = Attempt::First;
                self.autosave();
            }
            Err(e) => {
                self.term.error(&format!(
                    "could not keep it in the outbox ({e}); the draft is kept instead"
                ))?;
                self.autosave();
            }
        }
        Ok(Sent::Done(Ended::not_created(exit::of(outcome))))
    }

    /// The quota and the rate-limit window, as the form's status bar shows them.
    fn standing(&mut self) -> Result<(), Stop> {
        let profile = self.session.profile();
        let month = record::created_this_month(self.session.data_dir(), &profile.name);
        let mut line = usage_words::quota(profile, self.usage, month);
        let now = usage_words::unix_now();
        if let Some(rate) = self.rate.as_ref().and_then(|r| usage_words::rate(r, now)) {
            line = format!("{line} {rate}");
        }
        self.term.say(&line)
    }

    /// A field key's label (`custom.<id>` by its definition's name); the key itself
    /// when the form has no such field.
    pub(super) fn label(&self, key: &str) -> String {
        if let Some(f) = self.fields.iter().find(|f| f.key == key) {
            return f.label.clone();
        }
        key.strip_prefix(crate::contact::validate::CUSTOM_PREFIX)
            .and_then(|id| self.catalog.custom_field(id))
            .map_or_else(|| key.to_owned(), |d| d.name.clone())
    }

    /// The positions of the fields with these keys, in form order.
    fn positions(&self, keys: &[String]) -> Vec<usize> {
        (0..self.fields.len())
            .filter(|&at| keys.contains(&self.fields[at].key))
            .collect()
    }
}

/// `text` as a sentence: capitalised, ending in a stop unless it already ends in one
/// (a server's message may end in `?`).
fn sentence(text: &str) -> String {
    let text = words::capitalised(text.trim());
    if text.ends_with(['.', '?', '!']) {
        text
    } else {
        format!("{text}.")
    }
}

impl Ended {
    /// A contact that ended without being created, with its exit code.
    fn not_created(code: u8) -> Self {
        Self {
            code,
            created: None,
        }
    }
}

/// The messages for the whole form of a refusal.
fn outcome_form(outcome: &Outcome) -> &[String] {
    match outcome {
        Outcome::FieldErrors { form, .. } => form,
        _ => &[],
    }
}
