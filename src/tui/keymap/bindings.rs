//! The table itself: every binding rolo has, in the order the help lists them.

use crossterm::event::KeyCode;

use super::{
    ANY, Action, Binding, Does, Edit, PASTE, Scope, TYPING, TYPING_ALT, alt_key, bare, ch, ctrl,
    ctrl_key, key, letter,
};

/// Every scope, for bindings that work everywhere (and for tests that walk them all).
pub const ALL: &[Scope] = &[
    Scope::Text,
    Scope::MultiLine,
    Scope::Pick,
    Scope::Picker,
    Scope::Switcher,
    Scope::Confirm,
    Scope::Help,
    Scope::Quick,
    Scope::Outbox,
    Scope::Recent,
    Scope::Find,
];
const FORM: &[Scope] = &[Scope::Text, Scope::MultiLine, Scope::Pick];
const TEXT: &[Scope] = &[Scope::Text, Scope::MultiLine];
const LINE_EDIT: &[Scope] = &[Scope::Text, Scope::MultiLine, Scope::Quick];
const LISTS: &[Scope] = &[Scope::Picker, Scope::Switcher, Scope::Find];

const fn act(a: Action) -> Does {
    Does::Act(a)
}

/// Every binding, in the order the help lists them.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    Binding { keys: &[(ctrl('s'), act(Action::Submit))], scopes: &[Scope::Text, Scope::MultiLine, Scope::Pick, Scope::Quick],
        help: "submit the contact", section: "form, quick add", footer: Some("send") },
    Binding { keys: &[(ctrl('o'), act(Action::QuickAdd)), (key(KeyCode::F(2)), act(Action::QuickAdd))], scopes: FORM,
        help: "quick add: one line → contact", section: "form", footer: None },
    Binding { keys: &[(key(KeyCode::Enter), act(Action::Accept)), (key(KeyCode::Down), act(Action::NextField))],
        scopes: &[Scope::Quick], help: "create the contact / review it in the form first", section: "quick add", footer: None },
    Binding { keys: &[(key(KeyCode::Tab), act(Action::TakeSuggestion))],
        scopes: &[Scope::Quick], help: "take the suggestion for a flagged word (none left: the form)", section: "quick add", footer: None },
    Binding { keys: &[(key(KeyCode::Up), act(Action::Up))],
        scopes: &[Scope::Quick], help: "bring back the line kept by Esc", section: "quick add", footer: None },
    Binding { keys: &[(PASTE, Does::Type)], scopes: &[Scope::Text, Scope::MultiLine, Scope::Pick, Scope::Quick],
        help: "a vCard fills the form, several queue; a list fills a picked field", section: "form", footer: None },
    Binding { keys: &[(key(KeyCode::Tab), act(Action::NextField)), (key(KeyCode::BackTab), act(Action::PrevField))], scopes: FORM,
        help: "next / previous field", section: "form", footer: Some("next") },
    Binding { keys: &[(key(KeyCode::Enter), act(Action::NextField)), (key(KeyCode::Down), act(Action::NextField)), (key(KeyCode::Up), act(Action::PrevField))],
        scopes: &[Scope::Text], help: "next / previous field", section: "one-line fields", footer: None },
    Binding { keys: &[(key(KeyCode::Enter), act(Action::Edit(Edit::Newline))), (key(KeyCode::Up), act(Action::Edit(Edit::LineUp))), (key(KeyCode::Down), act(Action::Edit(Edit::LineDown)))],
        scopes: &[Scope::MultiLine], help: "new line / line up / line down", section: "Notes, Description", footer: None },
    Binding { keys: &[(ctrl('e'), act(Action::OpenEditor))], scopes: FORM,
        help: "edit in your $VISUAL / $EDITOR", section: "Notes, Description, text custom fields", footer: Some("editor") },
    Binding { keys: &[(key(KeyCode::Enter), act(Action::OpenPicker)), (ch(' '), act(Action::OpenPicker)), (TYPING_ALT, act(Action::OpenPicker))],
        scopes: &[Scope::Pick], help: "open the picker", section: "picked fields", footer: None },
    Binding { keys: &[(key(KeyCode::Down), act(Action::NextField)), (key(KeyCode::Up), act(Action::PrevField))],
        scopes: &[Scope::Pick], help: "next / previous field", section: "picked fields", footer: None },
    Binding { keys: &[(key(KeyCode::Backspace), act(Action::Edit(Edit::Backspace))), (key(KeyCode::Delete), act(Action::Edit(Edit::Backspace)))],
        scopes: &[Scope::Pick], help: "drop the last entry (clear a single one)", section: "picked fields", footer: None },
    Binding { keys: &[(ctrl('u'), act(Action::Edit(Edit::ClearField)))], scopes: &[Scope::Text, Scope::MultiLine, Scope::Pick, Scope::Quick],
        help: "clear the field (Ctrl-Z brings text back) / the quick-add line", section: "form, quick add", footer: None },
    Binding { keys: &[(ctrl('z'), act(Action::Undo)), (ctrl('y'), act(Action::Redo))], scopes: FORM,
        help: "undo / redo in the field", section: "form", footer: None },
    Binding { keys: &[(TYPING, Does::Type)], scopes: &[Scope::Text, Scope::MultiLine, Scope::Quick, Scope::Picker, Scope::Switcher, Scope::Find],
        help: "type text; in a picker or the switcher, filter", section: "text, lists", footer: None },
    Binding { keys: &[(bare(KeyCode::Backspace), act(Action::Edit(Edit::Backspace)))], scopes: &[Scope::Text, Scope::MultiLine, Scope::Quick, Scope::Picker, Scope::Switcher, Scope::Find],
        help: "delete before the cursor (the filter's last letter)", section: "text, lists", footer: None },
    Binding { keys: &[(key(KeyCode::Delete), act(Action::Edit(Edit::Delete)))], scopes: LINE_EDIT,
        help: "delete under the cursor", section: "text", footer: None },
    Binding { keys: &[(ctrl('w'), act(Action::Edit(Edit::DeleteWord))), (ctrl_key(KeyCode::Backspace), act(Action::Edit(Edit::DeleteWord))), (alt_key(KeyCode::Backspace), act(Action::Edit(Edit::DeleteWord)))],
        scopes: &[Scope::Text, Scope::MultiLine, Scope::Quick, Scope::Picker, Scope::Find], help: "delete a word (in a picker, the filter)", section: "text, pickers", footer: None },
    Binding { keys: &[(bare(KeyCode::Left), act(Action::Edit(Edit::Left))), (bare(KeyCode::Right), act(Action::Edit(Edit::Right))), (key(KeyCode::Home), act(Action::Edit(Edit::Home))), (key(KeyCode::End), act(Action::Edit(Edit::End)))],
        scopes: LINE_EDIT, help: "cursor left / right / to the start / to the end", section: "text", footer: None },
    Binding { keys: &[(ctrl_key(KeyCode::Left), act(Action::Edit(Edit::WordLeft))), (alt_key(KeyCode::Left), act(Action::Edit(Edit::WordLeft))), (ctrl_key(KeyCode::Right), act(Action::Edit(Edit::WordRight))), (alt_key(KeyCode::Right), act(Action::Edit(Edit::WordRight)))],
        scopes: TEXT, help: "move by word", section: "text fields", footer: None },
    Binding { keys: &[(ctrl('d'), act(Action::Today)), (key(KeyCode::PageUp), act(Action::StepDate(1))), (key(KeyCode::PageDown), act(Action::StepDate(-1)))],
        scopes: &[Scope::Text], help: "today / one day later / one day earlier", section: "date fields", footer: None },
    Binding { keys: &[(ctrl('t'), act(Action::SwitchProfile))], scopes: &[Scope::Text, Scope::MultiLine, Scope::Pick, Scope::Switcher],
        help: "switch profile (drafts are kept) / close the switcher", section: "form, switcher", footer: Some("profile") },
    Binding { keys: &[(ctrl('r'), act(Action::RefreshCatalog))], scopes: &[Scope::Text, Scope::MultiLine, Scope::Pick, Scope::Picker],
        help: "refresh the catalog from the server", section: "form, pickers", footer: None },
    Binding { keys: &[(ctrl('x'), act(Action::ClearForm))], scopes: FORM,
        help: "clear the form (asks first)", section: "form", footer: Some("clear") },
    Binding { keys: &[(ctrl('k'), act(Action::ToggleKeep))], scopes: FORM,
        help: "keep this field after a submit (toggle; ⟲ marks it)", section: "form", footer: None },
    Binding { keys: &[(ctrl('l'), act(Action::RepeatLast))], scopes: FORM,
        help: "repeat last: CRM fields from the previous contact", section: "form", footer: None },
    Binding { keys: &[(key(KeyCode::Esc), act(Action::Cancel))], scopes: ALL,
        help: "close a popup or cancel a request; never clears the form", section: "anywhere", footer: None },
    Binding { keys: &[(key(KeyCode::Up), act(Action::Up)), (key(KeyCode::BackTab), act(Action::Up)), (ctrl('p'), act(Action::Up)), (key(KeyCode::Down), act(Action::Down)), (key(KeyCode::Tab), act(Action::Down)), (ctrl('n'), act(Action::Down)), (key(KeyCode::Enter), act(Action::Accept))],
        scopes: LISTS, help: "move up / down / choose", section: "pickers, switcher", footer: None },
    Binding { keys: &[(key(KeyCode::PageUp), act(Action::PageUp)), (key(KeyCode::PageDown), act(Action::PageDown)), (key(KeyCode::Home), act(Action::First)), (key(KeyCode::End), act(Action::Last))],
        scopes: LISTS, help: "a page up / down, the first / last entry", section: "pickers, switcher", footer: None },
    Binding { keys: &[(ch(' '), act(Action::Toggle)), (ctrl('a'), act(Action::ToggleAll))], scopes: &[Scope::Picker],
        help: "toggle an entry / every shown entry", section: "multi pickers", footer: None },
    Binding { keys: &[(key(KeyCode::Enter), act(Action::Yes))],
        scopes: &[Scope::Confirm], help: "yes, or the answer chosen (Esc: no; letters do not answer)", section: "questions", footer: None },
    Binding { keys: &[(ctrl('f'), act(Action::Find))], scopes: &[Scope::Text, Scope::MultiLine, Scope::Pick, Scope::Find],
        help: "find a contact: open it, update it (WhatsMark, Chatwoot) / close find", section: "form, find", footer: None },
    Binding { keys: &[(key(KeyCode::Up), act(Action::Up)), (key(KeyCode::Down), act(Action::Down)), (key(KeyCode::Tab), act(Action::Down))],
        scopes: &[Scope::Confirm], help: "choose between the answers (a duplicate: create a new contact, or update the one the CRM has)", section: "questions", footer: None },
    Binding { keys: &[(key(KeyCode::F(3)), act(Action::ShowOutbox)), (key(KeyCode::F(4)), act(Action::ShowRecent))], scopes: FORM,
        help: "the outbox (waiting to be sent again) / contacts created recently", section: "form", footer: None },
    Binding { keys: &[(letter('r'), act(Action::Accept)), (key(KeyCode::Enter), act(Action::Accept))], scopes: &[Scope::Outbox],
        help: "resend the outbox now", section: "outbox", footer: None },
    Binding { keys: &[(key(KeyCode::F(1)), act(Action::Help))], scopes: FORM,
        help: "this help", section: "form", footer: Some("help") },
    Binding { keys: &[(ch('?'), act(Action::Help))], scopes: &[Scope::Pick],
        help: "this help", section: "picked fields", footer: None },
    Binding { keys: &[(ctrl('c'), act(Action::Quit)), (ctrl('q'), act(Action::Quit))], scopes: ALL,
        help: "quit; the draft is kept for next time", section: "anywhere", footer: Some("quit") },
    Binding { keys: &[(key(KeyCode::Up), act(Action::Up)), (key(KeyCode::Down), act(Action::Down))], scopes: &[Scope::Help],
        help: "scroll the help", section: "help", footer: None },
    Binding { keys: &[(ANY, act(Action::Cancel))], scopes: &[Scope::Help, Scope::Outbox, Scope::Recent],
        help: "close it", section: "help, outbox, history", footer: None },
];
