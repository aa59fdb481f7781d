//! The one keymap. Every key passes through [`resolve`] before anything else sees it, so
//! the text widget's own emacs bindings (Ctrl-P/N/U/R/V/J…) never leak through: the
//! editor only receives the named [`Edit`] operations listed here. The help screen is
//! generated from [`BINDINGS`].

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key means where it was pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Send the contact.
    Submit,
    /// Leave rolo (the draft is kept).
    Quit,
    /// Show the keys.
    Help,
    /// Open the profile switcher.
    SwitchProfile,
    /// Clear the form (asks first).
    ClearForm,
    /// Next field.
    NextField,
    /// Previous field.
    PrevField,
    /// Undo in the focused field.
    Undo,
    /// Redo in the focused field.
    Redo,
    /// Close a popup, cancel a request; never discards the form.
    Cancel,
    /// Open the picker of a picked field.
    OpenPicker,
    /// Refresh the catalog from the API.
    RefreshCatalog,
    /// Accept (pickers, dialogs).
    Accept,
    /// Toggle the highlighted entry (multi pickers).
    Toggle,
    /// Toggle every shown entry (multi pickers).
    ToggleAll,
    /// Move the highlight up.
    Up,
    /// Move the highlight down.
    Down,
    /// Answer yes in a dialog.
    Yes,
    /// Answer no in a dialog.
    No,
    /// Open the quick-add line.
    QuickAdd,
    /// Show the outbox.
    ShowOutbox,
    /// Show the contacts created recently.
    ShowRecent,
    /// Keep the focused field's value after a submit (toggle).
    ToggleKeep,
    /// Fill the CRM fields from the last contact sent.
    RepeatLast,
    /// Step a date field by this many days.
    StepDate(i32),
    /// Set a date field to today.
    Today,
    /// Change the text under the cursor.
    Edit(Edit),
}

/// A text edit, the only thing the editor is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Type a character.
    Insert(char),
    /// Delete before the cursor.
    Backspace,
    /// Delete under the cursor.
    Delete,
    /// Delete the word before the cursor.
    DeleteWord,
    /// Cursor left.
    Left,
    /// Cursor right.
    Right,
    /// Word left.
    WordLeft,
    /// Word right.
    WordRight,
    /// Start of line.
    Home,
    /// End of line.
    End,
    /// Line up (multi-line fields).
    LineUp,
    /// Line down (multi-line fields).
    LineDown,
    /// New line (multi-line fields).
    Newline,
}

/// Where the key was pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A one-line text field has focus.
    Text,
    /// A multi-line text field (Notes, Description) has focus.
    MultiLine,
    /// A picked field (stage, tags, source…) has focus.
    Pick,
    /// A picker popup is open (typing filters it).
    Picker,
    /// The profile switcher is open (typing filters it).
    Switcher,
    /// A yes/no question is open.
    Confirm,
    /// The help screen is open.
    Help,
    /// The quick-add line is open.
    Quick,
    /// The outbox list is open.
    Outbox,
}

/// One line of help: keys, what they do, where.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// The keys as shown.
    pub keys: &'static str,
    /// What they do.
    pub does: &'static str,
    /// Where they work.
    pub scope: &'static str,
}

/// Every binding, as the help screen lists them.
#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    Binding { keys: "Ctrl-S", does: "submit the contact", scope: "anywhere" },
    Binding { keys: "Ctrl-O, F2", does: "quick add: one line → contact (Enter creates, Tab opens the form)", scope: "form" },
    Binding { keys: "paste a vCard", does: "fills the form from a shared contact; several wait their turn", scope: "form" },
    Binding { keys: "Tab / Shift-Tab", does: "next / previous field", scope: "form" },
    Binding { keys: "Enter", does: "next field; new line in Notes/Description; open a picker", scope: "form" },
    Binding { keys: "Up / Down", does: "previous / next field (lines in Notes/Description)", scope: "form" },
    Binding { keys: "Space or typing", does: "open the picker of a picked field", scope: "form" },
    Binding { keys: "Ctrl-Z / Ctrl-Y", does: "undo / redo in the field", scope: "form" },
    Binding { keys: "Ctrl-W, Alt-Backspace", does: "delete the word before the cursor", scope: "text" },
    Binding { keys: "Ctrl-Left / Ctrl-Right", does: "move by word", scope: "text" },
    Binding { keys: "Ctrl-D, PgUp / PgDn", does: "today, one day later / earlier", scope: "date fields" },
    Binding { keys: "Ctrl-T", does: "switch profile (the draft of each is kept)", scope: "anywhere" },
    Binding { keys: "Ctrl-R", does: "refresh the catalog from the server", scope: "anywhere" },
    Binding { keys: "Ctrl-X", does: "clear the form (asks first)", scope: "form" },
    Binding { keys: "Ctrl-K", does: "keep this field after a submit (toggle; ⟲ marks it)", scope: "form" },
    Binding { keys: "Ctrl-L", does: "repeat last: CRM fields from the previous contact", scope: "form" },
    Binding { keys: "Esc", does: "close a popup or cancel a request; never clears the form", scope: "anywhere" },
    Binding { keys: "type / Up / Down / Enter", does: "filter, move, choose", scope: "pickers" },
    Binding { keys: "Space / Ctrl-A", does: "toggle an entry / every shown entry", scope: "multi pickers" },
    Binding { keys: "F3", does: "the outbox: contacts waiting to be sent again (r resends now)", scope: "anywhere" },
    Binding { keys: "F4", does: "contacts created recently (the history)", scope: "anywhere" },
    Binding { keys: "F1, ? (outside text)", does: "this help", scope: "anywhere" },
    Binding { keys: "Ctrl-C, Ctrl-Q", does: "quit; the draft is kept for next time", scope: "anywhere" },
];

fn chord(key: &KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('s') if ctrl => Some(Action::Submit),
        KeyCode::Char('c' | 'q') if ctrl => Some(Action::Quit),
        KeyCode::Char('t') if ctrl => Some(Action::SwitchProfile),
        KeyCode::Char('r') if ctrl => Some(Action::RefreshCatalog),
        KeyCode::F(1) => Some(Action::Help),
        KeyCode::F(2) => Some(Action::QuickAdd),
        KeyCode::F(3) => Some(Action::ShowOutbox),
        KeyCode::F(4) => Some(Action::ShowRecent),
        KeyCode::Esc => Some(Action::Cancel),
        _ => None,
    }
}

fn edit(key: &KeyEvent, multi: bool) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let e = match key.code {
        KeyCode::Char('w') if ctrl => Edit::DeleteWord,
        KeyCode::Backspace if ctrl || alt => Edit::DeleteWord,
        KeyCode::Char(c) if !ctrl && !alt => Edit::Insert(c),
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Delete => Edit::Delete,
        KeyCode::Left if ctrl || alt => Edit::WordLeft,
        KeyCode::Right if ctrl || alt => Edit::WordRight,
        KeyCode::Left => Edit::Left,
        KeyCode::Right => Edit::Right,
        KeyCode::Home => Edit::Home,
        KeyCode::End => Edit::End,
        KeyCode::Up if multi => Edit::LineUp,
        KeyCode::Down if multi => Edit::LineDown,
        KeyCode::Enter if multi => Edit::Newline,
        _ => return None,
    };
    Some(Action::Edit(e))
}

fn form(key: &KeyEvent, scope: Scope) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Tab => return Some(Action::NextField),
        KeyCode::BackTab => return Some(Action::PrevField),
        KeyCode::Char('z') if ctrl => return Some(Action::Undo),
        KeyCode::Char('y') if ctrl => return Some(Action::Redo),
        KeyCode::Char('x') if ctrl => return Some(Action::ClearForm),
        KeyCode::Char('k') if ctrl => return Some(Action::ToggleKeep),
        KeyCode::Char('o') if ctrl => return Some(Action::QuickAdd),
        KeyCode::Char('l') if ctrl => return Some(Action::RepeatLast),
        _ => {}
    }
    match scope {
        Scope::Pick => match key.code {
            KeyCode::Enter | KeyCode::Char(' ') => Some(Action::OpenPicker),
            KeyCode::Char('?') => Some(Action::Help),
            KeyCode::Up => Some(Action::PrevField),
            KeyCode::Down => Some(Action::NextField),
            KeyCode::Char(_) if !ctrl => Some(Action::OpenPicker),
            KeyCode::Backspace | KeyCode::Delete => Some(Action::Edit(Edit::Backspace)),
            _ => None,
        },
        Scope::MultiLine => edit(key, true),
        _ => match key.code {
            KeyCode::Enter | KeyCode::Down => Some(Action::NextField),
            KeyCode::Up => Some(Action::PrevField),
            KeyCode::PageUp => Some(Action::StepDate(1)),
            KeyCode::PageDown => Some(Action::StepDate(-1)),
            KeyCode::Char('d') if ctrl => Some(Action::Today),
            _ => edit(key, false),
        },
    }
}

fn list(key: &KeyEvent, multi_toggle: bool) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Enter => Some(Action::Accept),
        KeyCode::Up | KeyCode::BackTab => Some(Action::Up),
        KeyCode::Char('p') if ctrl => Some(Action::Up),
        KeyCode::Down | KeyCode::Tab => Some(Action::Down),
        KeyCode::Char('n') if ctrl => Some(Action::Down),
        KeyCode::Char(' ') if multi_toggle => Some(Action::Toggle),
        KeyCode::Char('a') if ctrl && multi_toggle => Some(Action::ToggleAll),
        _ => edit(key, false),
    }
}

/// What `key` means in `scope`; `None` means the key does nothing there.
#[must_use]
pub fn resolve(key: &KeyEvent, scope: Scope) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if let Some(a) = chord(key) {
        return Some(a);
    }
    match scope {
        Scope::Picker => list(key, true),
        Scope::Switcher => list(key, false),
        Scope::Confirm => match key.code {
            KeyCode::Char('y' | 'Y') | KeyCode::Enter => Some(Action::Yes),
            KeyCode::Char('n' | 'N') => Some(Action::No),
            _ => None,
        },
        Scope::Help => match key.code {
            KeyCode::Up => Some(Action::Up),
            KeyCode::Down => Some(Action::Down),
            _ => Some(Action::Cancel),
        },
        Scope::Outbox => match key.code {
            KeyCode::Char('r') | KeyCode::Enter => Some(Action::Accept),
            _ => Some(Action::Cancel),
        },
        Scope::Quick => match key.code {
            KeyCode::Enter => Some(Action::Accept),
            KeyCode::Tab | KeyCode::Down => Some(Action::NextField),
            _ => edit(key, false),
        },
        Scope::Text | Scope::MultiLine | Scope::Pick => form(key, scope),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn emacs_keys_of_the_text_widget_do_not_leak() {
        // (Ctrl-K and Ctrl-L are rolo's own: keep a field, repeat last.)
        for c in ['p', 'n', 'u', 'v', 'j', 'a', 'e', 'b', 'f', 'h', 'm'] {
            let got = resolve(&key(KeyCode::Char(c), KeyModifiers::CONTROL), Scope::Text);
            assert!(
                got.is_none(),
                "Ctrl-{c} must do nothing in a text field, got {got:?}"
            );
        }
    }

    #[test]
    fn chords_work_everywhere_and_enter_depends_on_the_field() {
        let ctrl_s = key(KeyCode::Char('s'), KeyModifiers::CONTROL);
        for scope in [Scope::Text, Scope::MultiLine, Scope::Pick, Scope::Picker] {
            assert_eq!(resolve(&ctrl_s, scope), Some(Action::Submit));
        }
        let enter = key(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(resolve(&enter, Scope::Text), Some(Action::NextField));
        assert_eq!(
            resolve(&enter, Scope::MultiLine),
            Some(Action::Edit(Edit::Newline))
        );
        assert_eq!(resolve(&enter, Scope::Pick), Some(Action::OpenPicker));
        let q = key(KeyCode::Char('?'), KeyModifiers::NONE);
        assert_eq!(
            resolve(&q, Scope::Text),
            Some(Action::Edit(Edit::Insert('?')))
        );
        assert_eq!(resolve(&q, Scope::Pick), Some(Action::Help));
    }
}
