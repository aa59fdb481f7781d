//! What is on top of the form (pickers, the switcher, help, lists, questions, quick add)
//! and how a key reaches it: the scope it is resolved in, and what each popup's answer does.

use std::time::Instant;

use crossterm::event::{KeyEvent, KeyModifiers};

use super::{App, Level};
use crate::tui::form::Editor;
use crate::tui::keymap::{self, Action, Scope};
use crate::tui::message::Effect;
use crate::tui::popup::picker::Picker;
use crate::tui::popup::switcher::Switcher;
use crate::tui::popup::{Answer, Context, Help, OutboxList, Popup, RecentList, Reply};

/// What is on top of the form.
#[derive(Debug)]
pub enum Mode {
    /// Just the form.
    Form,
    /// A picker is open.
    Picker(Box<Picker>),
    /// The profile switcher is open.
    Switcher(Switcher),
    /// The help screen.
    Help(Help),
    /// The outbox list.
    Outbox(OutboxList),
    /// Recently created contacts.
    Recent(RecentList),
    /// A yes/no question.
    Confirm(Question),
    /// The quick-add line.
    Quick(crate::tui::popup::quick::Quick),
    /// The lookup (Ctrl-F).
    Find(Box<crate::tui::popup::find::Find>),
}

/// The questions rolo asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// "Create <name> in <profile>?"
    Submit(String),
    /// "Clear the form?"
    Clear,
    /// "Possible duplicate of …; create anyway?", and, where the API can update, the
    /// other answer: update that contact with what was typed.
    Duplicate {
        /// The question.
        text: String,
        /// The contact the update answer is about (id, name), when it is offered.
        update: Option<(String, String)>,
        /// The update answer is the one chosen (Enter gives it).
        chosen: bool,
    },
    /// "Not created: …. Keep it in the outbox?"
    Outbox(String),
    /// "Update … with what you typed?" and each change, a line each.
    Update(String),
    /// "… is not on the server any more. Create it as a new contact?"
    Recreate(String),
    /// "Stop editing …? What you changed is not sent."
    StopEditing(String),
}

/// The popup a mode holds, as `Some(p)` (`None` on the form): one list of the modes
/// for both the shared and the mutable borrow.
macro_rules! popup_of {
    ($mode:expr) => {
        match $mode {
            Mode::Form => None,
            Mode::Picker(p) => Some(p as _),
            Mode::Switcher(p) => Some(p as _),
            Mode::Help(p) => Some(p as _),
            Mode::Outbox(p) => Some(p as _),
            Mode::Recent(p) => Some(p as _),
            Mode::Confirm(p) => Some(p as _),
            Mode::Quick(p) => Some(p as _),
            Mode::Find(p) => Some(p as _),
        }
    };
}

impl Mode {
    /// The popup on top, if any: every one is drawn and updated through [`Popup`].
    #[must_use]
    pub fn popup(&self) -> Option<&dyn Popup> {
        popup_of!(self)
    }

    fn popup_mut(&mut self) -> Option<&mut dyn Popup> {
        popup_of!(self)
    }
}

impl App {
    fn scope(&self) -> Scope {
        self.mode
            .popup()
            .map_or_else(|| self.current().form.scope(), Popup::scope)
    }

    pub(super) fn key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        if let (Mode::Confirm(_), crossterm::event::KeyCode::Char(c)) = (&self.mode, key.code)
            && !key.modifiers.intersects(
                crossterm::event::KeyModifiers::CONTROL | crossterm::event::KeyModifiers::ALT,
            )
        {
            self.hold(c);
            return Vec::new();
        }
        let Some(action) = keymap::resolve(key, self.scope()) else {
            return Vec::new();
        };
        if matches!(self.mode, Mode::Form) && self.viewing_only(action) {
            return Vec::new();
        }
        // A letter typed on a picked field opens its picker *and* filters by it (`cu` on
        // Type filters by "cu", not "u").
        if action == Action::OpenPicker
            && let crossterm::event::KeyCode::Char(c) = key.code
            && c != ' '
            && matches!(self.mode, Mode::Form)
        {
            self.open_picker();
            if let Mode::Picker(p) = &mut self.mode {
                Picker::update(p, Action::Edit(crate::tui::keymap::Edit::Insert(c)));
            }
            return self.more_to_rank();
        }
        if action == Action::Quit {
            return self.quit_now();
        }
        if action == Action::Cancel && matches!(self.mode, Mode::Form) {
            // A send waiting for the connection, or for its duplicate check, is called
            // off; the check's answer still comes and is kept.
            let called_off = if self.after_session.take().is_some() {
                Some("Send called off")
            } else if self.awaiting_check.take().is_some() {
                Some("Duplicate check cancelled")
            } else {
                None
            };
            if let Some(what) = called_off {
                self.say(
                    Level::Info,
                    format!(
                        "{what}: nothing was sent. {} sends.",
                        keymap::key_for(Action::Submit, Scope::Text)
                    ),
                );
                return Vec::new();
            }
        }
        if action == Action::Cancel && self.submitting.is_some() && matches!(self.mode, Mode::Form)
        {
            return self.cancel_send();
        }
        let mut mode = std::mem::replace(&mut self.mode, Mode::Form);
        let Some(popup) = mode.popup_mut() else {
            return self.form_action(action);
        };
        match popup.update(action, &Context::of(self)) {
            Reply::Stay => {
                self.mode = mode;
                let mut fx = self.more_to_rank();
                fx.extend(self.search_typed());
                fx
            }
            Reply::Close => {
                let question = matches!(mode, Mode::Confirm(_));
                let to_quick = self.held_goes_to_quick(&mode);
                // A lookup closed calls off the search it has out.
                let find = matches!(mode, Mode::Find(_));
                self.closed(mode);
                if question {
                    return self.release_held(to_quick);
                }
                if find {
                    return vec![Effect::CancelFind];
                }
                Vec::new()
            }
            Reply::Done(answer) => {
                let question = matches!(mode, Mode::Confirm(_));
                let to_quick = self.held_goes_to_quick(&mode);
                let mut fx = self.answered(mode, answer);
                if question {
                    fx.extend(self.release_held(to_quick));
                }
                fx
            }
        }
    }

    /// Esc while a send is out: it is called off. A create may have left, so the next
    /// Ctrl-S looks for it first; an update is safe to send again as it is.
    fn cancel_send(&mut self) -> Vec<Effect> {
        if let Some(s) = self.submitting.take() {
            if s.update && self.profiles[s.profile].editing.is_none() {
                // The duplicate question's update: Ctrl-S on this form creates.
                self.say(
                    Level::Warn,
                    "Update cancelled. The server may still have taken it; nothing else was sent, and the contact you typed is still on the form (Ctrl-F shows what the CRM holds now).",
                );
                return vec![Effect::CancelSubmit];
            }
            if s.update {
                self.say(
                        Level::Warn,
                        format!(
                            "Update cancelled. The server may still have taken it: {} sends it again (safe: an update sets values, it never adds a contact).",
                            keymap::key_for(Action::Submit, Scope::Text)
                        ),
                    );
                return vec![Effect::CancelSubmit];
            }
            // The request may have left: the next Ctrl-S looks for it first.
            self.profiles[s.profile].form.attempt = crate::engine::submit::Attempt::MayExist;
        }
        self.say(
                Level::Warn,
                format!(
                    "Submit cancelled. The server may still have created the contact: {} looks for it before sending again.",
                    keymap::key_for(Action::Submit, Scope::Text)
                ),
            );
        vec![Effect::CancelSubmit]
    }

    /// A letter typed while a question is open: held (the question takes only Enter and
    /// Esc) and said, so the agent sees it was not lost.
    fn hold(&mut self, c: char) {
        self.held.push(c);
        let goes = if self.held_goes_to_quick(&self.mode) {
            "a new quick-add line"
        } else {
            "the form"
        };
        self.say(
            Level::Warn,
            format!(
                "Held while the question is open: \"{}\". Answer it (Enter or Esc); the typing then goes to {goes}.",
                self.held
            ),
        );
    }

    /// Whether typing held during the question `mode` goes to a new quick-add line: when
    /// the question is about a contact sent from quick add (create it? a duplicate? keep
    /// it in the outbox?). Clearing the form is no send's question.
    fn held_goes_to_quick(&self, mode: &Mode) -> bool {
        self.sent_from == super::SentFrom::Quick
            && matches!(mode, Mode::Confirm(q) if *q != Question::Clear)
    }

    /// The question is answered: the typing held meanwhile goes where typing goes now (a
    /// new quick-add line after a quick-add send, else the focused field), and is said.
    ///
    /// The letters go through the keymap as typed keys do, so on a picked field the first
    /// one opens its picker and the rest filter it (as typing there does), instead of
    /// being refused by a field that takes no text. If the contact the question was about
    /// is being sent, the typing is the next contact's (see `created`).
    fn release_held(&mut self, to_quick: bool) -> Vec<Effect> {
        if self.held.is_empty() || !matches!(self.mode, Mode::Form) {
            return Vec::new();
        }
        let held = std::mem::take(&mut self.held);
        if to_quick {
            self.open_quick_with(held.clone());
            self.say(
                Level::Info,
                format!("What you typed during the question is in the quick-add line: \"{held}\"."),
            );
            return Vec::new();
        }
        let mut fx = Vec::new();
        for c in held.chars() {
            let key = KeyEvent::new(crossterm::event::KeyCode::Char(c), KeyModifiers::NONE);
            fx.extend(self.key(&key));
        }
        self.say(
            Level::Info,
            format!("What you typed during the question went where typing goes: \"{held}\"."),
        );
        fx
    }

    /// A popup closed without an answer: what it leaves behind.
    fn closed(&mut self, popup: Mode) {
        match popup {
            // Esc on the quick-add line keeps the text for next time (one Up away then);
            // an empty line leaves the one kept before.
            Mode::Quick(q) => {
                let kept = if q.text.trim().is_empty() {
                    q.kept.unwrap_or_default()
                } else {
                    q.text
                };
                self.current_mut().quick_text = kept;
            }
            Mode::Confirm(Question::Outbox(_)) => self.pending_outbox = None,
            Mode::Confirm(Question::Update(_)) => {
                self.pending_update = None;
                self.say(
                    Level::Info,
                    format!(
                        "Not updated: nothing was sent. {} asks again.",
                        keymap::key_for(Action::Submit, Scope::Text)
                    ),
                );
            }
            _ => {}
        }
    }

    /// A popup answered: act on it (some answers open the popup again).
    fn answered(&mut self, popup: Mode, answer: Answer) -> Vec<Effect> {
        match (popup, answer) {
            (Mode::Picker(picker), Answer::Refresh) => {
                self.mode = Mode::Picker(picker);
                self.refresh(self.active)
            }
            (Mode::Picker(picker), Answer::Chosen(ids)) => {
                self.chosen(&picker, ids);
                Vec::new()
            }
            (Mode::Switcher(_), Answer::Profile(i)) => self.switch_to(i),
            (Mode::Outbox(_), Answer::Resend) => {
                self.say(Level::Info, "Sending the outbox again…");
                self.outbox_tried = Some(Instant::now());
                vec![Effect::RetryOutbox]
            }
            (Mode::Confirm(q), Answer::Yes) => self.yes(&q),
            (
                Mode::Confirm(Question::Duplicate {
                    update: Some((id, name)),
                    ..
                }),
                Answer::Update,
            ) => self.merge_into(&id, &name),
            (Mode::Find(_), Answer::Open(id, name)) => {
                let mut fx = vec![Effect::CancelFind];
                fx.extend(self.open_found(&id, &name));
                fx
            }
            (Mode::Quick(q), answer) => self.quick_answer(q, &answer),
            _ => Vec::new(),
        }
    }

    pub(super) fn open_picker(&mut self) {
        let p = self.current();
        let Some(field) = p.form.focused().cloned() else {
            return;
        };
        let (items, multi, chosen) = match &field.editor {
            Editor::Single(kind) => (
                p.catalog.items(*kind).clone(),
                false,
                vec![p.form.value(&field.key).to_owned()],
            ),
            Editor::Multi(kind) => (
                p.catalog.items(*kind).clone(),
                true,
                p.form.draft.list(&field.key).to_vec(),
            ),
            Editor::Choice(options) => {
                // A checkbox's yes and no show the other words that mean them, so typing
                // "sí" or "x" finds yes, as quick add and imports take them.
                let name = |o: &str| match o {
                    "yes" => "yes (sí, true, x, 1)".to_owned(),
                    "no" => "no (false, 0)".to_owned(),
                    other => other.to_owned(),
                };
                let items = options
                    .iter()
                    .map(|o| crate::contact::catalog::Item {
                        id: o.clone(),
                        name: name(o),
                        ..Default::default()
                    })
                    .collect();
                (items, false, vec![p.form.value(&field.key).to_owned()])
            }
            _ => return,
        };
        let chosen = chosen.into_iter().filter(|c| !c.is_empty()).collect();
        let search = self.searches.find(&items);
        let picker = Picker::new(
            &field.key,
            &field.label,
            items.clone(),
            search,
            chosen,
            (multi, !field.required),
        );
        let picker = match field.editor {
            Editor::Single(kind) | Editor::Multi(kind) if kind.learned_only() => {
                picker.taking_ids()
            }
            _ => picker,
        };
        self.searches.keep(items, picker.search());
        self.mode = Mode::Picker(Box::new(picker));
    }

    /// A picker still ranking a big list asks for another step (see `tui::ranking`).
    pub(super) fn more_to_rank(&self) -> Vec<Effect> {
        match &self.mode {
            Mode::Picker(p) if p.busy() => vec![Effect::Step],
            _ => Vec::new(),
        }
    }

    /// One more ranking step of the open picker.
    pub(super) fn rank_step(&mut self) -> Vec<Effect> {
        if let Mode::Picker(p) = &mut self.mode {
            p.step();
        }
        self.more_to_rank()
    }

    /// After the active profile's catalog changed: an open picker shows the new list.
    pub(super) fn reload_picker(&mut self) {
        let Mode::Picker(picker) = &mut self.mode else {
            return;
        };
        let p = &self.profiles[self.active];
        let kind = p.form.fields.iter().find(|f| f.key == picker.field_key);
        let kind = match kind.map(|f| &f.editor) {
            Some(Editor::Single(k) | Editor::Multi(k)) => *k,
            _ => return,
        };
        let items = p.catalog.items(kind);
        if items.same(picker.items()) {
            return;
        }
        let items = items.clone();
        picker.set_items(items.clone(), self.searches.find(&items));
        self.searches.keep(items, picker.search());
    }

    /// A picker accepted: the ids go into its field; a single pick moves on.
    fn chosen(&mut self, picker: &Picker, ids: Vec<String>) {
        let form = &mut self.current_mut().form;
        if picker.multi {
            form.set_list(&picker.field_key, ids);
        } else {
            form.set_value(&picker.field_key, ids.first().map_or("", String::as_str));
            form.move_focus(1);
        }
        self.edited();
    }

    /// Yes to a question.
    fn yes(&mut self, q: &Question) -> Vec<Effect> {
        match q {
            Question::Submit(_) => self.send(),
            Question::Duplicate { .. } => self.confirm_or_send(),
            Question::Outbox(_) => self.keep_in_outbox(),
            Question::Update(_) => self.send_pending_update(),
            Question::Recreate(_) => self.recreate(),
            Question::StopEditing(_) => {
                self.stop_editing();
                Vec::new()
            }
            Question::Clear => {
                // Kept fields (Ctrl-K) stay: they are kept for every next contact until
                // Ctrl-K on them again, and a cleared form is the next contact.
                let keep = self.next_draft(self.active, &self.current().form.draft);
                let p = self.current_mut();
                let kept = p.sticky.len();
                p.form.clear(&keep);
                p.revalidate();
                if let Some(c) = &mut self.created {
                    c.stale = true;
                }
                let said = if kept == 0 {
                    "Form cleared.".to_owned()
                } else {
                    let (s, stay) = if kept == 1 {
                        ("", "stays")
                    } else {
                        ("s", "stay")
                    };
                    format!(
                        "Form cleared; {kept} kept field{s} {stay} ({} on a field stops keeping it).",
                        keymap::key_for(Action::ToggleKeep, Scope::Text)
                    )
                };
                self.say(Level::Info, said);
                vec![
                    Effect::SaveDraft(self.active),
                    Effect::NextDraft(self.active),
                ]
            }
        }
    }
}
