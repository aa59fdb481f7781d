//! Find and update in the linear face, as the form offers them: `/find QUERY` at any
//! prompt lists the matches (numbered), opens one, and on WhatsMark lets its fields be
//! changed by number and sends only the changes; the duplicate question offers to update
//! the contact the CRM has with what was typed. Planning and sending are the engine's
//! ([`crate::engine::update`]); this only asks and tells.

use crate::contact::Draft;
use crate::contact::duplicates::Known;
use crate::engine::exit;
use crate::engine::update::{self, NotUpdated, Opened};
use crate::engine::{Outcome, outbox, words};

use super::Linear;
use super::flow::Ended;
use super::term::Stop;

/// What the agent typed at a prompt to look a contact up instead of answering it.
const FIND: &str = "/find";

/// The query of an answer that is `/find QUERY` (or `/find` alone); `None` for any other
/// answer, `/findings` included.
pub(super) fn find_query(answer: &str) -> Option<&str> {
    let rest = answer.trim_start().strip_prefix(FIND)?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(rest)
}

impl Linear<'_> {
    /// `/find QUERY`: the matches, one to open, and (WhatsMark) its update. The contact
    /// being typed waits and is not changed.
    pub(super) fn find(&mut self, query: &str) -> Result<(), Stop> {
        let query = query.trim();
        if query.is_empty() {
            return self
                .term
                .error("type what to look for after /find: a phone, a name or an email");
        }
        let (found, rate) = self.rt.block_on(self.session.find(query));
        self.rate = rate.or(self.rate);
        let found = match found {
            Ok(found) => found,
            Err(o) => {
                let said = words::failure(&o, self.session.profile());
                return self
                    .term
                    .error(&format!("could not search: {}", said.line()));
            }
        };
        if let Some(n) = found.only_recent {
            self.term.say(&format!(
                "{}.",
                update::only_recent_words(self.session.flavour(), n)
            ))?;
        }
        if found.contacts.is_empty() {
            return self.term.say(&format!("No contact matches {query:?}."));
        }
        for (n, k) in found.contacts.iter().enumerate() {
            self.term.say(&format!("{:>4}. {}", n + 1, line(k)))?;
        }
        let Some(k) = self.choose(&found.contacts)? else {
            return self.term.say("None opened.");
        };
        let (opened, rate) = self.rt.block_on(self.session.open_contact(&k.id));
        self.rate = rate.or(self.rate);
        match opened {
            Ok(opened) => self.edit(&opened),
            Err(o) => {
                let said = words::failure(&o, self.session.profile());
                self.term
                    .error(&format!("could not open it: {}", said.line()))
            }
        }
    }

    /// Which match to open, by its number; `None` for none.
    fn choose<'k>(&mut self, found: &'k [Known]) -> Result<Option<&'k Known>, Stop> {
        loop {
            let answer = self
                .term
                .ask("Open which? Type its number, or press Enter for none: ")?;
            if answer.is_empty() {
                return Ok(None);
            }
            match answer.parse::<usize>() {
                Ok(n) if (1..=found.len()).contains(&n) => return Ok(found.get(n - 1)),
                _ => self.term.error(&format!(
                    "type a number from 1 to {}, or press Enter",
                    found.len()
                ))?,
            }
        }
    }

    /// An opened contact: read back; on an API that can update it, its fields changed by
    /// number, then the update sent. The contact being typed comes back after.
    fn edit(&mut self, opened: &Opened) -> Result<(), Stop> {
        let waiting = std::mem::replace(&mut self.draft, opened.draft.clone());
        self.waiting = Some(waiting);
        let result = self.edit_opened(opened);
        if let Some(waiting) = self.waiting.take() {
            self.draft = waiting;
        }
        result?;
        self.term.say("Back to the new contact.")
    }

    fn edit_opened(&mut self, opened: &Opened) -> Result<(), Stop> {
        self.term.say("")?;
        self.term
            .say(&format!("{} (id {}):", opened.name, opened.id))?;
        self.summary()?;
        if !update::can_update(self.session.flavour()) {
            let words = update::unsupported_words(self.session.flavour());
            return self.term.say(&format!("{words}. Its id: {}.", opened.id));
        }
        loop {
            let answer = self
                .term
                .ask("Change which field? Type its number, or press Enter when done: ")?;
            if !answer.is_empty() {
                match answer.parse::<usize>() {
                    Ok(n) if (1..=self.fields.len()).contains(&n) => self.ask_here(n - 1)?,
                    _ => self.term.error(&format!(
                        "type a number from 1 to {}, or press Enter",
                        self.fields.len()
                    ))?,
                }
                continue;
            }
            let after = self.draft.clone();
            match self.send_update(&opened.id, &opened.name, &opened.draft, &after)? {
                Some(_) => return Ok(()),
                None if self.term.confirm("Change more before sending?", true)? => {}
                None => return self.term.say("Not updated; nothing was sent."),
            }
        }
    }

    /// Asks field `at` of an opened contact; `/find` there waits until this one is done.
    fn ask_here(&mut self, at: usize) -> Result<(), Stop> {
        loop {
            match self.ask_field(at) {
                Err(Stop::Find(_)) => self.term.error(
                    "finish this contact first: press Enter to keep the value, then Enter when done",
                )?,
                other => return other,
            }
        }
    }

    /// The duplicate question's other answer: update the contact the CRM has with what
    /// was typed (fields typed empty never clear its values). `None` when it was not
    /// sent (the draft stays, as after "no").
    pub(super) fn merge(&mut self, k: &Known) -> Result<Option<Ended>, Stop> {
        let (opened, rate) = self.rt.block_on(self.session.open_contact(&k.id));
        self.rate = rate.or(self.rate);
        let opened = match opened {
            Ok(o) => o,
            Err(o) => {
                let said = words::failure(&o, self.session.profile());
                self.term
                    .error(&format!("could not open it: {}", said.line()))?;
                return Ok(None);
            }
        };
        let typed = update::typed(&self.draft, &self.start);
        let after = update::overlay(&opened.draft, &typed);
        let Some(code) = self.send_update(&opened.id, &opened.name, &opened.draft, &after)? else {
            return Ok(None);
        };
        if code != 0 && !self.updates_kept {
            // Refused (a phone taken, the contact gone): the typed contact stays.
            return Ok(None);
        }
        // Done with, as after a create (or it waits in the outbox, in the update): the
        // fields kept after a send come from it.
        let sent = std::mem::take(&mut self.draft);
        self.autosave();
        Ok(Some(Ended {
            code,
            created: Some(sent),
        }))
    }

    /// Plans the update from `before` to `after`, shows each change and asks, then
    /// sends it. `Some(exit code)` once sent (0: updated); `None` when nothing was sent.
    fn send_update(
        &mut self,
        id: &str,
        name: &str,
        before: &Draft,
        after: &Draft,
    ) -> Result<Option<u8>, Stop> {
        self.updates_kept = false;
        let profile = self.session.profile().clone();
        let planned = match update::plan(&profile, &self.catalog, before, after) {
            Ok(planned) => planned,
            Err(NotUpdated::Unchanged) => {
                self.term
                    .say(&format!("{name} (id {id}) already holds these values."))?;
                return Ok(None);
            }
            Err(refused) => {
                for (key, messages) in &refused.problems().fields {
                    self.term.say(&format!("{}:", self.label(key)))?;
                    for m in messages {
                        self.term.say(&format!("  Error: {m}"))?;
                    }
                }
                self.term
                    .error(&words::capitalised(&refused.words(&profile)))?;
                return Ok(None);
            }
        };
        self.term.say(&format!(
            "Update {name} (id {id}) in {}:",
            profile.display_name()
        ))?;
        for c in &planned.changes {
            self.term.say(&format!(
                "  {}",
                update::change_words(profile.api, &self.catalog, c)
            ))?;
        }
        if !self.term.confirm("Send this update?", true)? {
            return Ok(None);
        }
        self.term.say(&format!("Updating {name}…"))?;
        let done = self.rt.block_on(self.session.update(id, after, &planned));
        self.rate = done.rate.or(self.rate);
        if let Some(w) = &done.warning {
            self.term
                .say(&format!("Warning: {}", words::capitalised(w)))?;
        }
        if let Outcome::Created { .. } = done.outcome {
            let now = done
                .now
                .as_ref()
                .map_or_else(|| name.to_owned(), |d| profile.api.full_name(d));
            self.term.say(&format!(
                "{}.",
                words::updated(&now, id, profile.display_name())
            ))?;
            return Ok(Some(0));
        }
        let said = words::failure(&done.outcome, &profile);
        self.term.error(&said.line())?;
        if let Outcome::FieldErrors { fields, .. } = &done.outcome {
            for (key, messages) in fields {
                self.term.say(&format!("{}:", self.label(key)))?;
                for m in messages {
                    self.term.say(&format!("  Error: {}", m.trim()))?;
                }
            }
        }
        self.updates_kept = done.kept.is_some();
        if let Some(item) = &done.kept {
            let kept = words::kept_in_outbox(outbox::short(&item.id));
            self.term.say(&format!("{}.", words::capitalised(&kept)))?;
        }
        let code = exit::of(&done.outcome);
        self.updates_worst = self.updates_worst.max(code);
        Ok(Some(code))
    }
}

/// One match as the list reads it: name, phone, email, created date, id.
fn line(k: &Known) -> String {
    let created = k.created_at.get(..10).unwrap_or_default();
    let mut parts = vec![k.name.trim().to_owned()];
    parts.extend(
        [k.phone.as_str(), k.email.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .map(str::to_owned),
    );
    if !created.is_empty() {
        parts.push(format!("created {created}"));
    }
    parts.push(format!("id {}", k.id));
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::find_query;

    #[test]
    fn only_find_and_a_space_starts_a_lookup() {
        assert_eq!(find_query("/find ana"), Some(" ana"));
        assert_eq!(find_query("/find"), Some(""));
        assert_eq!(find_query("  /find +57 318"), Some(" +57 318"));
        assert_eq!(find_query("/findings of the week"), None);
        assert_eq!(find_query("Ana /find"), None);
    }
}
