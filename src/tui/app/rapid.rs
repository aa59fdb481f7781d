//! Rapid entry on the form: the duplicate check (when the phone or email is left, and
//! before sending), sticky fields kept after a submit, and "repeat last".

use std::time::Instant;

use super::{App, Level, Mode, Question};
use crate::contact::Draft;
use crate::contact::duplicates;
use crate::contact::fields::Section;
use crate::tui::keymap::{self, Action, Scope};
use crate::tui::message::Effect;
use crate::tui::popup::Answer;

impl App {
    /// The phone (normalised) and email of the active draft, as checked for duplicates.
    fn contact_points(&self) -> (String, String) {
        self.current().contact_points()
    }

    /// Moves the focus; leaving a filled-in phone or email starts a duplicate check.
    pub(super) fn move_focus(&mut self, delta: isize) -> Vec<Effect> {
        let left = self.current().form.focused().map(|f| f.key.clone());
        self.current_mut().form.move_focus(delta);
        match left.as_deref() {
            Some(k) if self.current().is_contact_key(k) => self.check_left(k),
            _ => Vec::new(),
        }
    }

    /// The duplicate check for a phone or email field the agent left, when it is filled
    /// in, valid, and not checked (or being checked) already.
    fn check_left(&mut self, key: &str) -> Vec<Effect> {
        let p = self.current();
        // Before the phone database is loaded the phone is not normalised yet: the check
        // waits for it (see `check_after_phones`).
        let worth = self.phones_loaded
            && !p.form.value(key).trim().is_empty()
            && p.form.problems.get(key).is_empty();
        let checked = self.contact_points();
        // An opened contact matches itself: it is checked by the server when sent.
        if !worth
            || p.editing.is_some()
            || p.checked_for.as_ref() == Some(&checked)
            || p.checking.as_ref() == Some(&checked)
            || p.session.is_none()
        {
            return Vec::new();
        }
        self.current_mut().checking = Some(checked.clone());
        vec![Effect::CheckDuplicates {
            profile: self.active,
            checked,
            then_submit: false,
        }]
    }

    /// Once the phone database is loaded: the check that leaving the phone (or email)
    /// would have started before it was, if the focus is past them now.
    fn check_after_phones(&mut self) -> Vec<Effect> {
        let focused = self.current().form.focused().map(|f| f.key.clone());
        let mut fx = Vec::new();
        for key in self.current().contact_keys().into_iter().flatten() {
            if focused.as_deref() != Some(key) && fx.is_empty() {
                fx = self.check_left(key);
            }
        }
        fx
    }

    /// Ctrl-S after validation: check for duplicates first (once per phone and email).
    pub(super) fn check_then_send(&mut self) -> Vec<Effect> {
        let checked = self.contact_points();
        if checked.0.is_empty() && checked.1.is_empty() {
            return self.confirm_or_send();
        }
        let p = self.current();
        if p.checked_for.as_ref() != Some(&checked) && p.session.is_some() {
            let in_flight = p.checking.as_ref() == Some(&checked);
            self.awaiting_check = Some(super::AwaitedCheck {
                profile: self.active,
                checked: checked.clone(),
                since: Instant::now(),
            });
            // The check begun when the phone was left answers this one too.
            if in_flight {
                return Vec::new();
            }
            self.current_mut().checking = Some(checked.clone());
            return vec![Effect::CheckDuplicates {
                profile: self.active,
                checked,
                then_submit: true,
            }];
        }
        self.after_check()
    }

    /// With the check done: one extra question when a duplicate is likely.
    fn after_check(&mut self) -> Vec<Effect> {
        // An opened contact is updated, never created: a check's answer that comes
        // after it was opened asks nothing.
        if self.current().editing.is_some() {
            return Vec::new();
        }
        match self.current().duplicates.first() {
            Some(k) => {
                let more = self.current().duplicates.len() - 1;
                let others = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                let update = crate::engine::update::can_update(self.current().profile.api)
                    .then(|| (k.id.clone(), crate::text::inert(k.name.trim()).into_owned()));
                // With two answers below it, the question is only what was found.
                let ask = if update.is_some() {
                    ""
                } else {
                    " Create anyway?"
                };
                let q = format!(
                    "Possible duplicate of {}{others}.{ask}",
                    duplicates::describe(k)
                );
                self.mode = Mode::Confirm(Question::Duplicate {
                    text: q,
                    update,
                    chosen: false,
                });
                Vec::new()
            }
            None => self.confirm_or_send(),
        }
    }

    /// A finished duplicate check.
    pub(super) fn on_duplicates(
        &mut self,
        profile: usize,
        checked: (String, String),
        found: Result<Vec<duplicates::Known>, String>,
        // Whether Ctrl-S began it; what counts is whether a Ctrl-S still waits.
        _by_submit: bool,
    ) -> Vec<Effect> {
        let still_current = profile == self.active && self.contact_points() == checked;
        // Whichever check it is (begun on leaving the phone, or by Ctrl-S), a Ctrl-S that
        // waits for it goes on now; one cancelled with Esc does not.
        let then_submit = self
            .awaiting_check
            .as_ref()
            .is_some_and(|a| a.profile == profile && a.checked == checked);
        if then_submit {
            self.awaiting_check = None;
        }
        let p = &mut self.profiles[profile];
        if p.checking.as_ref() == Some(&checked) {
            p.checking = None;
        }
        match found {
            Ok(list) => {
                p.duplicates = list;
                p.checked_for = Some(checked);
            }
            Err(e) => {
                // A failed check never blocks the agent: say so and go on.
                p.duplicates.clear();
                p.checked_for = None;
                self.say(Level::Warn, format!("Could not check for duplicates: {e}"));
                if then_submit {
                    self.unchecked_send = Some((profile, e));
                }
            }
        }
        if then_submit
            && still_current
            && matches!(self.mode, Mode::Form)
            && self.submitting.is_none()
        {
            return self.after_check();
        }
        self.unchecked_send = None;
        Vec::new()
    }

    /// Ctrl-K: keep (or stop keeping) the focused field's value after a submit.
    pub(super) fn toggle_keep(&mut self) -> Vec<Effect> {
        let Some(field) = self.current().form.focused().cloned() else {
            return Vec::new();
        };
        let p = self.current_mut();
        let kept = if p.sticky.remove(&field.key) {
            false
        } else {
            p.sticky.insert(field.key.clone());
            true
        };
        let what = if kept {
            format!(
                "will be kept after each submit ({} again to stop)",
                keymap::key_for(Action::ToggleKeep, Scope::Text)
            )
        } else {
            "will be cleared after a submit".to_owned()
        };
        self.say(Level::Info, format!("{} {what}.", field.label));
        vec![Effect::SaveSticky(self.active)]
    }

    /// Ctrl-L: the CRM fields (stage, tags, type, source, status, groups, assignee,
    /// country) from the last contact sent.
    pub(super) fn repeat_last(&mut self) {
        let Some(last) = self.current().last_sent.clone() else {
            self.say(
                Level::Warn,
                "Nothing sent from this profile yet: there is no last contact to repeat.",
            );
            return;
        };
        // The CRM fields and the custom fields (Wipsy's lead source, campaign, plan… are
        // custom fields, and as much a part of a batch as a stage).
        let crm: Vec<String> = self
            .current()
            .form
            .fields
            .iter()
            .filter(|f| f.section == Section::Crm || f.key.starts_with("custom."))
            .map(|f| f.key.clone())
            .collect();
        let form = &mut self.current_mut().form;
        for key in &crm {
            match last.lists.get(key) {
                Some(ids) => form.set_list(key, ids.clone()),
                None => form.set_value(key, crate::engine::form_fields::value(&last, key)),
            }
        }
        self.edited();
        self.say(
            Level::Info,
            "CRM and custom fields repeated from the last contact.",
        );
    }

    /// What the form starts with after a submit: defaults, then the kept fields.
    pub(super) fn next_draft(&self, profile: usize, sent: &Draft) -> Draft {
        let p = &self.profiles[profile];
        let mut keep = p.defaults();
        for key in &p.sticky {
            if let Some(id) = key.strip_prefix("custom.") {
                if let Some(v) = sent.custom.get(id) {
                    keep.custom.insert(id.to_owned(), v.clone());
                }
            } else if let Some(ids) = sent.lists.get(key) {
                keep.lists.insert(key.clone(), ids.clone());
            } else {
                keep.set(key, sent.get(key));
            }
        }
        keep
    }
}

impl App {
    /// Ctrl-O / F2: a fresh quick-add line; the one Esc kept last time is one Up away
    /// (new typing never lands after an old line).
    pub(super) fn open_quick(&mut self) {
        self.open_quick_with(String::new());
    }

    /// The quick-add line opened with `text` in it; the line Esc kept last time is one
    /// Up away in it, whatever `text` is.
    pub(super) fn open_quick_with(&mut self, text: String) {
        let kept = std::mem::take(&mut self.current_mut().quick_text);
        let p = self.current();
        let mut q = crate::tui::popup::quick::Quick::new(
            text,
            p.profile.api,
            &p.catalog,
            p.profile.default_region.as_deref(),
        );
        q.kept = Some(kept).filter(|k| !k.trim().is_empty());
        self.mode = Mode::Quick(q);
    }

    /// The quick-add line answered: review in the form, or create (unless words are
    /// flagged, which keeps the line open).
    pub(super) fn quick_answer(
        &mut self,
        q: crate::tui::popup::quick::Quick,
        answer: &Answer,
    ) -> Vec<Effect> {
        if matches!(answer, Answer::Expand | Answer::Create) && !self.phones_loaded {
            // Which words are the phone depends on the numbering plans: the line is read
            // again, and answered, once they are loaded.
            self.mode = Mode::Quick(q);
            self.after_phones = Some(super::AfterPhones::Quick(answer.clone()));
            self.say(Level::Info, "Checking the phone number…");
            return Vec::new();
        }
        if matches!(answer, Answer::Expand | Answer::Create) && self.current().holds_work() {
            // The quick contact would replace it: nothing is lost without a word.
            let p = self.current();
            let name = p.profile.api.full_name(&p.form.draft);
            let name = if name.trim().is_empty() {
                "an unsent contact".to_owned()
            } else {
                format!("an unsent contact ({})", name.trim())
            };
            self.mode = Mode::Quick(q);
            self.say(
                Level::Warn,
                format!(
                    "The form holds {name}: send it ({}) or clear it ({}) first. Your quick-add line is kept.",
                    keymap::key_for(Action::Submit, Scope::Text),
                    keymap::key_for(Action::ClearForm, Scope::Text)
                ),
            );
            return Vec::new();
        }
        match answer {
            Answer::Expand => {
                self.fill_form(&q);
                let send = keymap::key_for(Action::Submit, Scope::Text);
                self.say(
                    Level::Info,
                    format!("Quick add moved to the form: review and {send}."),
                );
            }
            Answer::Create if !q.parsed.notes.is_empty() => {
                let n = q.parsed.notes.len();
                self.mode = Mode::Quick(q);
                self.say(
                    Level::Warn,
                    format!(
                        "{n} flagged word(s): fix them ({} puts a suggestion), or {} to review in the form.",
                        keymap::key_for(Action::TakeSuggestion, Scope::Quick),
                        keymap::key_for(Action::NextField, Scope::Quick)
                    ),
                );
            }
            Answer::Create => {
                self.fill_form(&q);
                self.sent_from = super::SentFrom::Quick;
                return self.submit();
            }
            _ => {}
        }
        Vec::new()
    }

    /// The phone database came: every form is checked again (a phone read "…" until
    /// now), the quick-add line is read again, and what waited for it goes on.
    pub(super) fn on_phones_loaded(&mut self) -> Vec<Effect> {
        self.phones_loaded = true;
        for p in &mut self.profiles {
            p.revalidate();
        }
        if let Mode::Quick(q) = &mut self.mode {
            let p = &self.profiles[self.active];
            q.reparse_for(p);
        }
        match self.after_phones.take() {
            Some(super::AfterPhones::Submit) => self.submit(),
            Some(super::AfterPhones::Quick(answer)) => {
                match std::mem::replace(&mut self.mode, Mode::Form) {
                    Mode::Quick(q) => self.quick_answer(q, &answer),
                    other => {
                        self.mode = other;
                        Vec::new()
                    }
                }
            }
            None => self.check_after_phones(),
        }
    }

    /// Puts the quick-add draft on the form, over the defaults and then the kept fields
    /// (Ctrl-K), as after a submit; the line is spent. A line Esc kept earlier and not
    /// brought back (Up) stays kept for the next Ctrl-O.
    fn fill_form(&mut self, q: &crate::tui::popup::quick::Quick) {
        let base = self.next_draft(self.active, &self.current().form.draft);
        let draft = q.draft(&base);
        let p = self.current_mut();
        p.quick_text = q.kept.clone().unwrap_or_default();
        p.form.clear(&draft);
        p.form.touched.extend(draft.values.keys().cloned());
        self.edited();
    }

    /// A pasted vCard: the first card on the form for review, the others queued.
    pub(super) fn paste_vcards(&mut self, text: &str) {
        let cards = match crate::contact::vcard::parse(text) {
            Ok(cards) if !cards.is_empty() => cards,
            Ok(_) => return self.say(Level::Warn, "The pasted vCard holds no contact."),
            Err(e) => {
                return self.say(
                    Level::Error,
                    format!("The pasted vCard cannot be read: {e}"),
                );
            }
        };
        let p = self.current();
        let (flavour, region) = (p.profile.api, p.profile.default_region.clone());
        let drafts: Vec<Draft> = cards
            .iter()
            .map(|c| crate::contact::vcard::to_draft(c, flavour, region.as_deref()).0)
            .collect();
        let total = drafts.len();
        let mut queue: Vec<Draft> = drafts.into_iter().rev().collect();
        let first = queue.pop().unwrap_or_default();
        self.current_mut().vcards = (queue, total);
        self.show_vcard(first, 1, total);
    }

    /// One card on the form, over the defaults and the kept fields.
    fn show_vcard(&mut self, card: Draft, n: usize, total: usize) {
        let mut draft = self.next_draft(self.active, &self.current().form.draft);
        draft.values.extend(card.values);
        draft.lists.extend(card.lists);
        let p = self.current_mut();
        p.form.clear(&draft);
        p.form.touched.extend(draft.values.keys().cloned());
        self.edited();
        let of = if total > 1 {
            format!(" (card {n} of {total})")
        } else {
            String::new()
        };
        self.say(
            Level::Info,
            format!(
                "vCard on the form{of}: review, add the CRM fields, {}.",
                keymap::key_for(Action::Submit, Scope::Text)
            ),
        );
    }

    /// After a create: the next queued vCard, if any.
    pub(super) fn next_vcard(&mut self) {
        let (queue, total) = &mut self.current_mut().vcards;
        let total = *total;
        if let Some(next) = queue.pop() {
            let n = total - queue.len();
            self.show_vcard(next, n, total);
        }
    }
}
