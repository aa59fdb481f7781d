//! What is on top of the form (pickers, the switcher, help, lists, questions, quick add)
//! and how a key reaches it: the scope it is resolved in, and what each popup's answer does.

use std::time::Instant;

use crossterm::event::KeyEvent;

use super::{App, Level};
use crate::tui::form::Editor;
use crate::tui::keymap::{self, Action, Scope};
use crate::tui::message::Effect;
use crate::tui::picker::{Picker, PickerOutcome};
use crate::tui::switcher::Switcher;

/// What is on top of the form.
#[derive(Debug)]
pub enum Mode {
    /// Just the form.
    Form,
    /// A picker is open.
    Picker(Picker),
    /// The profile switcher is open.
    Switcher(Switcher),
    /// The help screen, scrolled this many lines.
    Help(u16),
    /// The outbox list.
    Outbox,
    /// Recently created contacts.
    Recent,
    /// A yes/no question.
    Confirm(Question),
    /// The quick-add line.
    Quick(crate::tui::quick::Quick),
}

/// The questions rolo asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// "Create <name> in <profile>?"
    Submit(String),
    /// "Clear the form?"
    Clear,
    /// "Possible duplicate of …; create anyway?"
    Duplicate(String),
    /// "Not created: …. Keep it in the outbox?"
    Outbox(String),
}

impl App {
    fn scope(&self) -> Scope {
        match &self.mode {
            Mode::Form => self.current().form.scope(),
            Mode::Picker(_) => Scope::Picker,
            Mode::Switcher(_) => Scope::Switcher,
            Mode::Help(_) => Scope::Help,
            Mode::Recent => Scope::Recent,
            Mode::Outbox => Scope::Outbox,
            Mode::Confirm(_) => Scope::Confirm,
            Mode::Quick(_) => Scope::Quick,
        }
    }

    pub(super) fn key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let Some(action) = keymap::resolve(key, self.scope()) else {
            return Vec::new();
        };
        if action == Action::Quit {
            self.quit = true;
            return (0..self.profiles.len()).map(Effect::SaveDraft).collect();
        }
        if action == Action::Cancel && self.submitting.is_some() && matches!(self.mode, Mode::Form)
        {
            self.submitting = None;
            self.say(Level::Warn, "Submit cancelled. The server may still have created the contact: check before sending again.");
            return vec![Effect::CancelSubmit];
        }
        match std::mem::replace(&mut self.mode, Mode::Form) {
            Mode::Form => self.form_action(action),
            Mode::Picker(p) => self.picker_action(p, action),
            Mode::Switcher(s) => self.switcher_action(s, action),
            Mode::Outbox if action == Action::Accept => {
                self.say(Level::Info, "Sending the outbox again…");
                self.outbox_tried = Some(Instant::now());
                vec![Effect::RetryOutbox]
            }
            // Up and Down scroll the help on small screens; any other key closes it.
            Mode::Help(top) if matches!(action, Action::Up | Action::Down) => {
                let top = if action == Action::Up {
                    top.saturating_sub(1)
                } else {
                    top.saturating_add(1)
                        .min(u16::try_from(keymap::BINDINGS.len()).unwrap_or(0))
                };
                self.mode = Mode::Help(top);
                Vec::new()
            }
            Mode::Help(_) | Mode::Outbox | Mode::Recent => Vec::new(),
            Mode::Confirm(q) => self.confirm_action(q, action),
            Mode::Quick(q) => self.quick_action(q, action),
        }
    }

    pub(super) fn open_picker(&mut self) {
        let p = self.current();
        let Some(field) = p.form.focused().cloned() else {
            return;
        };
        let (items, multi, chosen) = match &field.editor {
            Editor::Single(kind) => (
                p.catalog.items(*kind).to_vec(),
                false,
                vec![p.form.value(&field.key).to_owned()],
            ),
            Editor::Multi(kind) => (
                p.catalog.items(*kind).to_vec(),
                true,
                p.form.draft.list(&field.key).to_vec(),
            ),
            Editor::Choice(options) => {
                let items = options
                    .iter()
                    .map(|o| crate::contact::catalog::Item {
                        id: o.clone(),
                        name: o.clone(),
                        ..Default::default()
                    })
                    .collect();
                (items, false, vec![p.form.value(&field.key).to_owned()])
            }
            _ => return,
        };
        let chosen = chosen.into_iter().filter(|c| !c.is_empty()).collect();
        self.mode = Mode::Picker(Picker::new(
            &field.key,
            &field.label,
            items,
            chosen,
            multi,
            !field.required,
        ));
    }

    fn picker_action(&mut self, mut picker: Picker, action: Action) -> Vec<Effect> {
        if action == Action::RefreshCatalog {
            self.mode = Mode::Picker(picker);
            return self.refresh(self.active);
        }
        match picker.update(action) {
            PickerOutcome::Open => self.mode = Mode::Picker(picker),
            PickerOutcome::Cancel => {}
            PickerOutcome::Accept(ids) => {
                let form = &mut self.current_mut().form;
                if picker.multi {
                    form.set_list(&picker.field_key, ids);
                } else {
                    form.set_value(&picker.field_key, ids.first().map_or("", String::as_str));
                    form.move_focus(1);
                }
                self.edited();
            }
        }
        Vec::new()
    }

    fn switcher_action(&mut self, mut s: Switcher, action: Action) -> Vec<Effect> {
        match s.update(action) {
            None => {
                self.mode = Mode::Switcher(s);
                Vec::new()
            }
            Some(None) => Vec::new(),
            Some(Some(i)) => self.switch_to(i),
        }
    }

    fn confirm_action(&mut self, q: Question, action: Action) -> Vec<Effect> {
        match (q, action) {
            (Question::Submit(_), Action::Yes) => self.send(),
            (Question::Duplicate(_), Action::Yes) => self.confirm_or_send(),
            (Question::Outbox(_), Action::Yes) => self.keep_in_outbox(),
            (Question::Outbox(_), Action::No | Action::Cancel) => {
                self.pending_outbox = None;
                Vec::new()
            }
            (Question::Clear, Action::Yes) => {
                let keep = self.current().defaults();
                let p = self.current_mut();
                p.form.clear(&keep);
                p.revalidate();
                self.created = None;
                self.say(Level::Info, "Form cleared.");
                vec![Effect::SaveDraft(self.active)]
            }
            (_, Action::No | Action::Cancel) => Vec::new(),
            (q, _) => {
                self.mode = Mode::Confirm(q);
                Vec::new()
            }
        }
    }
}
