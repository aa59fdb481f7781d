//! The one keymap. Every key passes through [`resolve`] before anything else sees it, so
//! the text widget's own emacs bindings (Ctrl-P/N/U/R/V/J…) never leak through: the
//! editor only receives the named [`Edit`] operations listed here.
//!
//! [`BINDINGS`] is the single source: each binding holds its keys, the action of each key,
//! the scopes it works in and its help text. [`resolve`] reads the table, the help screen
//! lists it row by row, and every key name shown elsewhere (the footer, popup hints) comes
//! from [`key_for`] or [`footer`], so what the help says and what a key does cannot drift.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

mod bindings;

pub use bindings::{ALL as ALL_SCOPES, BINDINGS};

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
    /// A page up in a list.
    PageUp,
    /// A page down in a list.
    PageDown,
    /// The first entry of a list.
    First,
    /// The last entry of a list.
    Last,
    /// Answer yes in a dialog (Enter; no is Esc). Letters do not answer: a question
    /// that pops up while the agent types must not take a typed `y` or `N`.
    Yes,
    /// Open the quick-add line.
    QuickAdd,
    /// Take the suggestion for a flagged word of the quick-add line (with none, review
    /// the line in the form).
    TakeSuggestion,
    /// Show the outbox.
    ShowOutbox,
    /// Show the contacts created recently.
    ShowRecent,
    /// Find a contact the CRM has, to open it (and update it, where the API can).
    Find,
    /// Keep the focused field's value after a submit (toggle).
    ToggleKeep,
    /// Fill the CRM fields from the last contact sent.
    RepeatLast,
    /// Step a date field by this many days.
    StepDate(i32),
    /// Set a date field to today.
    Today,
    /// Edit the focused long text (Notes, Description, a text custom field) in the
    /// user's `$VISUAL` / `$EDITOR`.
    OpenEditor,
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
    /// Empty the whole field (a picked field drops every entry; Ctrl-Z brings text back).
    ClearField,
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
    /// The list of contacts created recently is open.
    Recent,
    /// The lookup is open (typing searches).
    Find,
}

/// Which modifiers a key needs. Shift is never looked at: crossterm folds it into the
/// character (`?`, `Y`) or the key (Shift-Tab is `BackTab`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mods {
    /// Whatever is held.
    Any,
    /// Ctrl held (other modifiers may be too).
    Ctrl,
    /// Alt held (other modifiers may be too).
    Alt,
    /// Ctrl not held.
    NoCtrl,
    /// Neither Ctrl nor Alt held.
    NoCtrlAlt,
}

/// Which key a binding matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
    /// This key.
    Is(KeyCode),
    /// Any character key.
    AnyChar,
    /// Any key at all.
    AnyKey,
    /// Not a key: a bracketed paste (the app handles it; listed here so help shows it).
    Paste,
}

/// A key as a binding matches it, and as the help names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    code: Code,
    mods: Mods,
}

const fn key(code: KeyCode) -> Key {
    Key {
        code: Code::Is(code),
        mods: Mods::Any,
    }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    ctrl_key(KeyCode::Char(c))
}

const fn ctrl_key(code: KeyCode) -> Key {
    Key {
        code: Code::Is(code),
        mods: Mods::Ctrl,
    }
}

/// A key that means something else with Ctrl or Alt held (Ctrl-Left moves by word).
const fn bare(code: KeyCode) -> Key {
    Key {
        code: Code::Is(code),
        mods: Mods::NoCtrlAlt,
    }
}

/// A letter that is a chord with Ctrl held (r resends, Ctrl-R refreshes).
const fn letter(c: char) -> Key {
    Key {
        code: Code::Is(KeyCode::Char(c)),
        mods: Mods::NoCtrl,
    }
}

const fn alt_key(code: KeyCode) -> Key {
    Key {
        code: Code::Is(code),
        mods: Mods::Alt,
    }
}

/// A character typed as text.
const TYPING: Key = Key {
    code: Code::AnyChar,
    mods: Mods::NoCtrlAlt,
};

/// A character on a picked field: Alt-letters open the picker too.
const TYPING_ALT: Key = Key {
    code: Code::AnyChar,
    mods: Mods::NoCtrl,
};

const ANY: Key = Key {
    code: Code::AnyKey,
    mods: Mods::Any,
};

const PASTE: Key = Key {
    code: Code::Paste,
    mods: Mods::Any,
};

impl Key {
    /// Whether `event` is this key.
    fn matches(self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        let mods = match self.mods {
            Mods::Any => true,
            Mods::Ctrl => ctrl,
            Mods::Alt => alt,
            Mods::NoCtrl => !ctrl,
            Mods::NoCtrlAlt => !ctrl && !alt,
        };
        mods && match self.code {
            Code::Is(code) => code == event.code,
            Code::AnyChar => matches!(event.code, KeyCode::Char(_)),
            Code::AnyKey => true,
            Code::Paste => false,
        }
    }

    /// Which bindings win when several match: a chord beats the bare key (Ctrl-Left over
    /// Left), and a named key beats "any character" and "any key" (Space toggles in a
    /// picker rather than typing a space). Within a rank the table order decides.
    fn rank(self) -> u8 {
        match (self.code, self.mods) {
            (Code::Is(_), Mods::Ctrl | Mods::Alt) => 0,
            (Code::Is(_), _) => 1,
            _ => 2,
        }
    }

    /// The key as the help and the hints write it: `Ctrl-S`, `Shift-Tab`, `PgUp`.
    #[must_use]
    pub fn name(self) -> String {
        let code = match self.code {
            Code::Is(code) => code,
            Code::AnyChar => return "typing".to_owned(),
            Code::AnyKey => return "any other key".to_owned(),
            Code::Paste => return "paste".to_owned(),
        };
        match (self.mods, code) {
            // Chords are written the way terminals and menus write them: Ctrl-S.
            (Mods::Ctrl, KeyCode::Char(c)) => format!("Ctrl-{}", c.to_uppercase()),
            (Mods::Ctrl, code) => format!("Ctrl-{}", code_name(code)),
            (Mods::Alt, code) => format!("Alt-{}", code_name(code)),
            (_, code) => code_name(code),
        }
    }
}

fn code_name(code: KeyCode) -> String {
    let name = match code {
        KeyCode::Char(' ') => "Space",
        KeyCode::Char(c) => return c.to_string(),
        KeyCode::F(n) => return format!("F{n}"),
        KeyCode::Tab => "Tab",
        KeyCode::BackTab => "Shift-Tab",
        KeyCode::Enter => "Enter",
        KeyCode::Esc => "Esc",
        KeyCode::Up => "Up",
        KeyCode::Down => "Down",
        KeyCode::Left => "Left",
        KeyCode::Right => "Right",
        KeyCode::Home => "Home",
        KeyCode::End => "End",
        KeyCode::PageUp => "PgUp",
        KeyCode::PageDown => "PgDn",
        KeyCode::Backspace => "Backspace",
        KeyCode::Delete => "Delete",
        _ => "?",
    };
    name.to_owned()
}

/// What a matched key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Does {
    /// This action.
    Act(Action),
    /// Types the character pressed (or, for a paste, the text pasted).
    Type,
}

impl Does {
    fn action(self, event: &KeyEvent) -> Option<Action> {
        match (self, event.code) {
            (Self::Act(a), _) => Some(a),
            (Self::Type, KeyCode::Char(c)) => Some(Action::Edit(Edit::Insert(c))),
            (Self::Type, _) => None,
        }
    }
}

/// One binding: keys and what each does, where it works, and its line of help.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// The keys, each with what it does; keys doing different things share a help line
    /// when they are two sides of one thing (next / previous).
    pub keys: &'static [(Key, Does)],
    /// Where the keys work; anywhere else they do nothing.
    pub scopes: &'static [Scope],
    /// What they do, as the help says it.
    pub help: &'static str,
    /// Where they work, as the help says it.
    pub section: &'static str,
    /// The word after the first key in the form's footer, for the few that get one.
    pub footer: Option<&'static str>,
}

impl Binding {
    /// The keys as the help lists them: alternatives for one action joined by ", ",
    /// different actions by " / " (`Tab / Shift-Tab`, `Ctrl-C, Ctrl-Q`).
    #[must_use]
    pub fn label(&self) -> String {
        let mut out = String::new();
        let mut last: Option<Does> = None;
        for (key, does) in self.keys {
            if let Some(prev) = last {
                out.push_str(if prev == *does { ", " } else { " / " });
            }
            out.push_str(&key.name());
            last = Some(*does);
        }
        out
    }
}

/// What `key` means in `scope`; `None` means the key does nothing there.
#[must_use]
pub fn resolve(key: &KeyEvent, scope: Scope) -> Option<Action> {
    binding_for(key, scope).map(|(_, action)| action)
}

/// The binding `key` resolves through in `scope`, and the action it gives: what the help
/// shows for that key.
#[must_use]
pub fn binding_for(key: &KeyEvent, scope: Scope) -> Option<(&'static Binding, Action)> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let keys = || {
        BINDINGS
            .iter()
            .filter(|b| b.scopes.contains(&scope))
            .flat_map(|b| b.keys.iter().map(move |k| (b, k)))
    };
    (0..=2).find_map(|rank| {
        keys()
            .find(|(_, (k, _))| k.rank() == rank && k.matches(key))
            .and_then(|(b, (_, does))| Some((b, does.action(key)?)))
    })
}

/// The name of the first key doing `action` in `scope` (empty when none does), for hints
/// written next to what they are about.
#[must_use]
pub fn key_for(action: Action, scope: Scope) -> String {
    BINDINGS
        .iter()
        .filter(|b| b.scopes.contains(&scope))
        .flat_map(|b| b.keys)
        .find(|(_, does)| *does == Does::Act(action))
        .map(|(k, _)| k.name())
        .unwrap_or_default()
}

/// A popup's bottom line: each action's key in `scope` and what it does there
/// (" Enter switches · Esc "); an empty word shows the key alone.
#[must_use]
pub fn hint(scope: Scope, keys: &[(Action, &str)]) -> String {
    let parts: Vec<String> = keys
        .iter()
        .map(|(action, word)| {
            let key = key_for(*action, scope);
            if word.is_empty() {
                key
            } else {
                format!("{key} {word}")
            }
        })
        .collect();
    format!(" {} ", parts.join(" · "))
}

/// The form's footer: the first key and the footer word of each binding that has one,
/// except the bindings whose first key does one of `absent` (what does nothing on the
/// focused field, like Ctrl-E off long text).
#[must_use]
pub fn footer(absent: &[Action]) -> String {
    footer_fitted(absent, usize::MAX)
}

/// [`footer`] in at most `width` columns: the keys to send and to open the help always,
/// the others in order while they fit (a narrow terminal shows fewer, never half a one).
#[must_use]
pub fn footer_fitted(absent: &[Action], width: usize) -> String {
    const SEP: usize = 3;
    let parts: Vec<(bool, String)> = BINDINGS
        .iter()
        .filter(|b| {
            !b.keys
                .first()
                .is_some_and(|(_, does)| absent.iter().any(|a| *does == Does::Act(*a)))
        })
        .filter_map(|b| {
            let (key, does) = b.keys.first()?;
            let kept = [Action::Submit, Action::Help]
                .iter()
                .any(|a| *does == Does::Act(*a));
            Some((kept, format!("{} {}", key.name(), b.footer?)))
        })
        .collect();
    let wide = |s: &str| ratatui::text::Span::raw(s).width();
    let mut used: usize = parts.iter().filter(|p| p.0).map(|p| wide(&p.1) + SEP).sum();
    let mut shown = vec![false; parts.len()];
    for (i, (kept, text)) in parts.iter().enumerate() {
        if *kept {
            shown[i] = true;
        } else if used.saturating_add(wide(text) + SEP) <= width.saturating_add(SEP) {
            used += wide(text) + SEP;
            shown[i] = true;
        }
    }
    parts
        .into_iter()
        .zip(shown)
        .filter(|(_, shown)| *shown)
        .map(|((_, text), _)| text)
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    /// Every key event worth trying: printable characters and named keys, under the
    /// modifier combinations terminals send.
    pub(crate) fn every_key() -> Vec<KeyEvent> {
        let mut codes: Vec<KeyCode> = (' '..='~').chain(['ñ', '中']).map(KeyCode::Char).collect();
        codes.extend([
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Insert,
            KeyCode::Null,
        ]);
        codes.extend((1..=12).map(KeyCode::F));
        let mods = [
            KeyModifiers::NONE,
            KeyModifiers::CONTROL,
            KeyModifiers::ALT,
            KeyModifiers::SHIFT,
            KeyModifiers::CONTROL | KeyModifiers::ALT,
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
            KeyModifiers::ALT | KeyModifiers::SHIFT,
        ];
        codes
            .iter()
            .flat_map(|&c| mods.map(|m| key(c, m)))
            .collect()
    }

    /// A key event that `k` matches.
    fn sample(k: Key) -> Option<KeyEvent> {
        let mods = match k.mods {
            Mods::Ctrl => KeyModifiers::CONTROL,
            Mods::Alt => KeyModifiers::ALT,
            _ => KeyModifiers::NONE,
        };
        match k.code {
            Code::Is(code) => Some(key(code, mods)),
            Code::AnyChar => Some(key(KeyCode::Char('x'), mods)),
            Code::AnyKey => Some(key(KeyCode::F(9), mods)),
            Code::Paste => None,
        }
    }

    #[test]
    fn every_key_of_every_binding_does_what_its_help_line_says_where_it_says() {
        for b in BINDINGS {
            for (k, does) in b.keys {
                let Some(event) = sample(*k) else { continue };
                assert!(
                    b.label().contains(&k.name()),
                    "{} lacks {}",
                    b.label(),
                    k.name()
                );
                for &scope in b.scopes {
                    let got = binding_for(&event, scope);
                    assert!(
                        got.is_some_and(
                            |(g, a)| std::ptr::eq(g, b) && Some(a) == does.action(&event)
                        ),
                        "{} in {scope:?} is shadowed: it gives {:?} via {:?}",
                        k.name(),
                        got.map(|g| g.1),
                        got.map(|g| g.0.label())
                    );
                }
            }
        }
    }

    #[test]
    fn hint_keys_come_from_the_bindings() {
        assert_eq!(
            footer(&[Action::OpenEditor]),
            "Ctrl-S send · Tab next · Ctrl-T profile · Ctrl-X clear · F1 help · Ctrl-C quit"
        );
        assert_eq!(
            footer(&[]),
            "Ctrl-S send · Tab next · Ctrl-E editor · Ctrl-T profile · Ctrl-X clear · F1 help · Ctrl-C quit"
        );
        assert_eq!(key_for(Action::OpenEditor, Scope::MultiLine), "Ctrl-E");
        assert_eq!(key_for(Action::Today, Scope::Text), "Ctrl-D");
        assert_eq!(key_for(Action::StepDate(-1), Scope::Text), "PgDn");
        assert_eq!(key_for(Action::Accept, Scope::Outbox), "r");
        assert_eq!(key_for(Action::Cancel, Scope::Outbox), "Esc");
        assert_eq!(key_for(Action::Yes, Scope::Confirm), "Enter");
        let tabs = BINDINGS
            .iter()
            .find(|b| b.footer == Some("next"))
            .map(Binding::label);
        assert_eq!(tabs.as_deref(), Some("Tab / Shift-Tab"));
    }

    #[test]
    fn emacs_keys_of_the_text_widget_do_not_leak() {
        // (Ctrl-E, Ctrl-F, Ctrl-K, Ctrl-L and Ctrl-U are rolo's own: editor, find a
        // contact, keep a field, repeat last, clear the field.)
        for c in ['p', 'n', 'v', 'j', 'a', 'b', 'h', 'm'] {
            let got = resolve(&key(KeyCode::Char(c), KeyModifiers::CONTROL), Scope::Text);
            assert!(
                got.is_none(),
                "Ctrl-{c} must do nothing in a text field, got {got:?}"
            );
        }
    }

    #[test]
    fn ctrl_e_reaches_the_app_on_every_field_so_it_can_say_where_it_works() {
        let ctrl_e = key(KeyCode::Char('e'), KeyModifiers::CONTROL);
        for scope in [Scope::Text, Scope::MultiLine, Scope::Pick] {
            assert_eq!(resolve(&ctrl_e, scope), Some(Action::OpenEditor));
        }
        assert_eq!(resolve(&ctrl_e, Scope::Picker), None);
    }

    #[test]
    fn chords_work_everywhere_and_enter_depends_on_the_field() {
        let ctrl_s = key(KeyCode::Char('s'), KeyModifiers::CONTROL);
        for scope in [Scope::Text, Scope::MultiLine, Scope::Pick, Scope::Quick] {
            assert_eq!(resolve(&ctrl_s, scope), Some(Action::Submit));
        }
        // A picker never submitted; the key now resolves only where it works, so the help
        // can say where that is.
        assert_eq!(resolve(&ctrl_s, Scope::Picker), None);
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
