//! The form's state: one row per documented field (custom fields expanded from the
//! catalog), a text buffer per text field, the focus, and the messages under each field.
//! The [`Draft`] stays the single truth: every edit is written through to it.

use crate::engine::submit::Attempt;
use std::collections::{BTreeMap, BTreeSet};

use ratatui_textarea::{CursorMove, TextArea};

use super::keymap::{Edit, Scope};
use crate::contact::fields::Section;
use crate::contact::validate::{Problems, Rules, validate_draft};
use crate::contact::{Catalog, CatalogKind, Draft, Flavour};
use crate::engine::form_fields::{Input, form_fields};

/// How a row is edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Editor {
    /// One line of text.
    Line,
    /// Several lines.
    Lines,
    /// A date, typed as `YYYY-MM-DD` or stepped by day.
    Date,
    /// A number: only digits, a minus and a decimal dot can be typed.
    Number,
    /// One id from a catalog.
    Single(CatalogKind),
    /// Several ids from a catalog.
    Multi(CatalogKind),
    /// One of fixed values (WhatsMark `type`, a select custom field).
    Choice(Vec<String>),
}

impl Editor {
    /// Whether the row is typed into (rather than picked).
    #[must_use]
    pub fn is_text(&self) -> bool {
        matches!(self, Self::Line | Self::Lines | Self::Date | Self::Number)
    }
}

/// One row of the form.
#[derive(Debug, Clone)]
pub struct Field {
    /// Contract key, or `custom.<id>`.
    pub key: String,
    /// Label.
    pub label: String,
    /// Marked with `*`.
    pub required: bool,
    /// How it is edited.
    pub editor: Editor,
    /// Which group it sits in.
    pub section: Section,
    /// Long text: Ctrl-E edits it in the user's editor (Notes, Description, and custom
    /// fields of the text type).
    pub long_text: bool,
}

/// The form of one profile.
#[derive(Debug)]
pub struct Form {
    /// The flavour whose fields these are.
    pub flavour: Flavour,
    /// The rows, in form order.
    pub fields: Vec<Field>,
    editors: BTreeMap<String, TextArea<'static>>,
    /// Texts put in whole from the user's editor, as (before, after) per field: the text
    /// area keeps that as two steps (the old text removed, the new put in), which one
    /// Ctrl-Z (and one Ctrl-Y) takes together.
    replaced: BTreeMap<String, (String, String)>,
    /// What a picked row held before each Backspace or Ctrl-U on it, and what an undo
    /// took back (for redo), per field: a picked row has no text area to keep them.
    picked: BTreeMap<String, (Vec<Held>, Vec<Held>)>,
    /// What has been entered.
    pub draft: Draft,
    /// Index of the focused row.
    pub focus: usize,
    /// rolo's own findings.
    pub problems: Problems,
    /// What the server said, per field, until that field changes.
    pub server: BTreeMap<String, Vec<String>>,
    /// Rows the user has typed in or left: their problems show.
    pub touched: BTreeSet<String>,
    /// After a submit attempt every problem shows.
    pub show_all: bool,
    /// A character a number field refused, for the status line.
    pub rejected: Option<char>,
    /// Whether an earlier send of this contact may have created it (a timeout, a drop,
    /// a 5xx, a cancelled send): the next Ctrl-S looks for it first. A cleared form
    /// starts a new contact and forgets it.
    pub attempt: Attempt,
}

/// What a picked row holds: its ids, or its one value.
type Held = Vec<String>;

/// The rows of the form: the engine's field list ([`form_fields`]), each with its editor.
fn rows(flavour: Flavour, catalog: &Catalog) -> Vec<Field> {
    form_fields(flavour, catalog)
        .into_iter()
        .map(|f| Field {
            editor: match f.input {
                Input::Line => Editor::Line,
                Input::Lines => Editor::Lines,
                Input::Date => Editor::Date,
                Input::Number => Editor::Number,
                Input::Choice(values) => Editor::Choice(values),
                Input::Single(kind) => Editor::Single(kind),
                Input::Multi(kind) => Editor::Multi(kind),
            },
            key: f.key,
            label: f.label,
            required: f.required,
            section: f.section,
            long_text: f.free_text,
        })
        .collect()
}

/// Text for a one-line row: its non-blank lines, trimmed and joined with spaces.
fn one_line(text: &str) -> String {
    let flat: Vec<&str> = text
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    flat.join(" ")
}

fn buffer(text: &str) -> TextArea<'static> {
    let mut ta = TextArea::new(text.split('\n').map(str::to_owned).collect());
    ta.set_max_histories(200);
    ta.move_cursor(CursorMove::Bottom);
    ta.move_cursor(CursorMove::End);
    ta
}

impl Form {
    /// A form for `flavour` over `catalog`, filled from `draft`.
    #[must_use]
    pub fn new(flavour: Flavour, catalog: &Catalog, draft: Draft) -> Self {
        let mut form = Self {
            flavour,
            fields: Vec::new(),
            editors: BTreeMap::new(),
            replaced: BTreeMap::new(),
            picked: BTreeMap::new(),
            draft,
            focus: 0,
            problems: Problems::default(),
            server: BTreeMap::new(),
            touched: BTreeSet::new(),
            show_all: false,
            rejected: None,
            attempt: Attempt::First,
        };
        form.rebuild(catalog);
        form
    }

    /// Re-derives the rows after the catalog changed (custom fields come and go), keeping
    /// what was typed and the focused row.
    pub fn rebuild(&mut self, catalog: &Catalog) {
        let focused = self.fields.get(self.focus).map(|f| f.key.clone());
        self.fields = rows(self.flavour, catalog);
        for f in &self.fields {
            if f.editor.is_text() && !self.editors.contains_key(&f.key) {
                let text = self.value(&f.key).to_owned();
                self.editors.insert(f.key.clone(), buffer(&text));
            }
        }
        self.focus = focused
            .and_then(|k| self.fields.iter().position(|f| f.key == k))
            .unwrap_or(0);
    }

    /// The focused row.
    #[must_use]
    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    /// Whether Ctrl-E opens the user's editor on the focused row.
    #[must_use]
    pub fn takes_editor(&self) -> bool {
        self.focused().is_some_and(|f| f.long_text)
    }

    /// Puts text from the user's editor into row `key`, as one undoable change; in a
    /// one-line row its lines are joined with spaces, as a paste's are. Returns whether
    /// the text changed.
    pub fn replace_text(&mut self, key: &str, text: &str) -> bool {
        let Some(field) = self.fields.iter().find(|f| f.key == key).cloned() else {
            return false;
        };
        let Some(ta) = self.editors.get_mut(key) else {
            return false;
        };
        let before = ta.lines().join("\n");
        let text = if field.editor == Editor::Lines {
            text.to_owned()
        } else {
            one_line(text)
        };
        if text == before {
            return false;
        }
        // Replacing the selection keeps the buffer's history: Ctrl-Z brings the old
        // text back.
        ta.select_all();
        ta.insert_str(&text);
        if !before.is_empty() {
            self.replaced
                .insert(key.to_owned(), (before.clone(), text.clone()));
        }
        self.sync(key, &before)
    }

    /// The key scope of the focused row.
    #[must_use]
    pub fn scope(&self) -> Scope {
        match self.focused().map(|f| &f.editor) {
            Some(Editor::Lines) => Scope::MultiLine,
            Some(Editor::Line | Editor::Date | Editor::Number) | None => Scope::Text,
            Some(_) => Scope::Pick,
        }
    }

    /// The text of a single-valued row.
    #[must_use]
    pub fn value(&self, key: &str) -> &str {
        match key.strip_prefix("custom.") {
            Some(id) => self.draft.custom.get(id).map_or("", String::as_str),
            None => self.draft.get(key),
        }
    }

    /// Sets a single-valued row, keeping its text buffer in step.
    pub fn set_value(&mut self, key: &str, value: &str) {
        match key.strip_prefix("custom.") {
            Some(id) if value.is_empty() => {
                self.draft.custom.remove(id);
            }
            Some(id) => {
                self.draft.custom.insert(id.to_owned(), value.to_owned());
            }
            None => self.draft.set(key, value),
        }
        if let Some(ta) = self.editors.get_mut(key)
            && ta.lines().join("\n") != value
        {
            *ta = buffer(value);
        }
        self.changed(key);
    }

    /// Fills an empty, untouched row with a default (a catalog name that only resolved
    /// once the catalog arrived). Returns whether it filled anything.
    pub fn fill_default(&mut self, defaults: &Draft) -> bool {
        let mut filled = false;
        for (key, value) in &defaults.values {
            if self.draft.get(key).is_empty() && !self.touched.contains(key) {
                self.draft.set(key, value.clone());
                if let Some(ta) = self.editors.get_mut(key) {
                    *ta = buffer(value);
                }
                filled = true;
            }
        }
        for (key, ids) in &defaults.lists {
            if self.draft.list(key).is_empty() && !self.touched.contains(key) {
                self.draft.lists.insert(key.clone(), ids.clone());
                filled = true;
            }
        }
        filled
    }

    /// Sets a list row.
    pub fn set_list(&mut self, key: &str, ids: Vec<String>) {
        if ids.is_empty() {
            self.draft.lists.remove(key);
        } else {
            self.draft.lists.insert(key.to_owned(), ids);
        }
        self.changed(key);
    }

    fn changed(&mut self, key: &str) {
        self.server.remove(key);
        self.touched.insert(key.to_owned());
    }

    /// The text buffer of a row (for drawing the cursor).
    #[must_use]
    pub fn editor(&self, key: &str) -> Option<&TextArea<'static>> {
        self.editors.get(key)
    }

    /// Applies an edit to the focused text row. Returns whether the text changed.
    pub fn edit(&mut self, e: Edit) -> bool {
        let Some(field) = self.focused().cloned() else {
            return false;
        };
        if !field.editor.is_text() {
            let held = self.picked_value(&field);
            match (e, &field.editor) {
                // One chip at a time, the last first, as in a tag input.
                (Edit::Backspace, Editor::Multi(_)) => {
                    let mut ids = self.draft.list(&field.key).to_vec();
                    ids.pop();
                    self.set_list(&field.key, ids);
                }
                (Edit::ClearField, Editor::Multi(_)) => self.set_list(&field.key, Vec::new()),
                (Edit::Backspace | Edit::ClearField, _) => self.set_value(&field.key, ""),
                _ => return false,
            }
            if held != self.picked_value(&field) {
                let (undo, redo) = self.picked.entry(field.key.clone()).or_default();
                undo.push(held);
                redo.clear();
            }
            return true;
        }
        // A decimal comma (12,5 as most of Latin America and Europe write it) is the
        // decimal point the API takes.
        let e = match e {
            Edit::Insert(',') if field.editor == Editor::Number => Edit::Insert('.'),
            other => other,
        };
        if field.editor == Editor::Number
            && let Edit::Insert(c) = e
            && !(c.is_ascii_digit() || c == '.' || c == '-')
        {
            self.rejected = Some(c);
            return false;
        }
        let Some(ta) = self.editors.get_mut(&field.key) else {
            return false;
        };
        let before = ta.lines().join("\n");
        match e {
            Edit::Insert(c) => ta.insert_char(c),
            Edit::Backspace => drop(ta.delete_char()),
            Edit::Delete => drop(ta.delete_next_char()),
            Edit::DeleteWord => drop(ta.delete_word()),
            Edit::Left => ta.move_cursor(CursorMove::Back),
            Edit::Right => ta.move_cursor(CursorMove::Forward),
            Edit::WordLeft => ta.move_cursor(CursorMove::WordBack),
            Edit::WordRight => ta.move_cursor(CursorMove::WordForward),
            Edit::Home => ta.move_cursor(CursorMove::Head),
            Edit::End => ta.move_cursor(CursorMove::End),
            Edit::LineUp => ta.move_cursor(CursorMove::Up),
            Edit::LineDown => ta.move_cursor(CursorMove::Down),
            Edit::Newline => ta.insert_newline(),
            // A cut, so that undo brings the text back.
            Edit::ClearField => {
                ta.select_all();
                ta.cut();
            }
        }
        self.sync(&field.key, &before)
    }

    /// Writes a buffer's text through to the draft when it changed.
    fn sync(&mut self, key: &str, before: &str) -> bool {
        let Some(ta) = self.editors.get(key) else {
            return false;
        };
        let after = ta.lines().join("\n");
        if after == before {
            return false;
        }
        match key.strip_prefix("custom.") {
            Some(id) if after.is_empty() => drop(self.draft.custom.remove(id)),
            Some(id) => drop(self.draft.custom.insert(id.to_owned(), after)),
            None => self.draft.set(key, after),
        }
        self.changed(key);
        true
    }

    /// What a picked row holds: its ids, or its one value.
    fn picked_value(&self, field: &Field) -> Held {
        match field.editor {
            Editor::Multi(_) => self.draft.list(&field.key).to_vec(),
            _ => vec![self.value(&field.key).to_owned()],
        }
    }

    /// Undo (`redo = false`) or redo in the focused row: a text row's own history, or a
    /// picked row's Backspaces and Ctrl-U.
    pub fn history(&mut self, redo: bool) -> bool {
        let Some(field) = self.focused().cloned() else {
            return false;
        };
        let key = field.key.clone();
        if !field.editor.is_text() {
            let now = self.picked_value(&field);
            let Some((undo, again)) = self.picked.get_mut(&key) else {
                return false;
            };
            let (from, to) = if redo { (again, undo) } else { (undo, again) };
            let Some(back) = from.pop() else {
                return false;
            };
            to.push(now);
            match field.editor {
                Editor::Multi(_) => self.set_list(&key, back),
                _ => self.set_value(&key, back.first().map_or("", String::as_str)),
            }
            return true;
        }
        let Some(ta) = self.editors.get_mut(&key) else {
            return false;
        };
        let before = ta.lines().join("\n");
        // A text from the editor is one change for the agent, two for the text area.
        let steps = match self.replaced.get(&key) {
            Some((old, new)) if (!redo && before == *new) || (redo && before == *old) => 2,
            _ => 1,
        };
        for _ in 0..steps {
            if redo {
                ta.redo();
            } else {
                ta.undo();
            }
        }
        self.sync(&key, &before)
    }

    /// Pastes text into the focused text row: never submits; in one-line rows newlines
    /// become spaces.
    pub fn paste(&mut self, text: &str) -> bool {
        let Some(field) = self.focused().cloned() else {
            return false;
        };
        let Some(ta) = self.editors.get_mut(&field.key) else {
            return false;
        };
        let before = ta.lines().join("\n");
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        if field.editor == Editor::Lines {
            ta.insert_str(&text);
        } else if field.editor == Editor::Number {
            ta.insert_str(one_line(&text).replace(',', "."));
        } else {
            ta.insert_str(one_line(&text));
        }
        self.sync(&field.key, &before)
    }

    /// Steps a date field by `days` (from today when it holds no date yet), or sets
    /// today when `days` is `None`. Returns whether the value changed.
    pub fn step_date(&mut self, days: Option<i32>) -> bool {
        let Some(field) = self.focused().filter(|f| f.editor == Editor::Date).cloned() else {
            return false;
        };
        let today = jiff::Zoned::now().date();
        let current =
            jiff::civil::Date::strptime("%Y-%m-%d", self.value(&field.key).trim()).unwrap_or(today);
        let next = match days {
            None => today,
            Some(d) => current
                .checked_add(jiff::Span::new().days(d))
                .unwrap_or(current),
        };
        let text = next.strftime("%Y-%m-%d").to_string();
        if text == self.value(&field.key) {
            return false;
        }
        self.set_value(&field.key, &text);
        true
    }

    /// Moves focus by `delta` rows (wrapping), marking the row left as touched.
    pub fn move_focus(&mut self, delta: isize) {
        if self.fields.is_empty() {
            return;
        }
        if let Some(f) = self.focused() {
            let key = f.key.clone();
            self.touched.insert(key);
        }
        let n = isize::try_from(self.fields.len()).unwrap_or(isize::MAX);
        let at = isize::try_from(self.focus).unwrap_or(0);
        self.focus = usize::try_from((at + delta).rem_euclid(n)).unwrap_or(0);
    }

    /// Focuses the row with `key`, if there is one.
    pub fn focus_key(&mut self, key: &str) -> bool {
        let wanted = key
            .split('.')
            .next()
            .filter(|_| !key.starts_with("custom."))
            .unwrap_or(key);
        match self.fields.iter().position(|f| f.key == wanted) {
            Some(i) => {
                self.focus = i;
                true
            }
            None => false,
        }
    }

    /// Re-checks the whole draft.
    pub fn validate(&mut self, rules: &Rules) {
        self.problems = validate_draft(rules, &self.draft);
    }

    /// The messages to show under a row: the server's first, then rolo's (once touched).
    #[must_use]
    pub fn messages(&self, key: &str) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .server
            .get(key)
            .map(|m| m.iter().map(String::as_str).collect())
            .unwrap_or_default();
        if self.show_all || self.touched.contains(key) {
            out.extend(self.problems.get(key).iter().map(String::as_str));
        }
        out
    }

    /// How many messages are showing across the form.
    #[must_use]
    pub fn visible_problem_count(&self) -> usize {
        self.fields
            .iter()
            .map(|f| self.messages(&f.key).len())
            .sum::<usize>()
            + self.server.get("").map_or(0, Vec::len)
    }

    /// Required rows not filled yet whose message is not showing (untouched): what the
    /// status line counts as "to fill" rather than calling the form free of problems.
    #[must_use]
    pub fn required_to_fill(&self) -> usize {
        self.fields
            .iter()
            .filter(|f| f.required && !self.problems.get(&f.key).is_empty())
            .filter(|f| !(self.show_all || self.touched.contains(&f.key)))
            .count()
    }

    /// The first row with a message, in form order.
    #[must_use]
    pub fn first_problem(&self) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| !self.problems.get(&f.key).is_empty() || self.server.contains_key(&f.key))
    }

    /// Empties the form except the `keep` fields (sticky ones, defaults).
    pub fn clear(&mut self, keep: &Draft) {
        self.draft = keep.clone();
        self.editors.clear();
        // New buffers, new histories: an editor's replacement belongs to the old ones.
        self.replaced.clear();
        self.picked.clear();
        for f in &self.fields {
            if f.editor.is_text() {
                let text = self.value(&f.key).to_owned();
                self.editors.insert(f.key.clone(), buffer(&text));
            }
        }
        self.server.clear();
        self.touched.clear();
        self.show_all = false;
        self.focus = 0;
        self.attempt = Attempt::First;
    }

    /// Places the server's field errors; messages for unknown fields go under the form.
    pub fn put_server_errors(&mut self, fields: &BTreeMap<String, Vec<String>>, form: &[String]) {
        self.server.clear();
        for (key, msgs) in fields {
            // A field's own key (`custom.<id>`, `additional_attributes.city`), else the
            // list it is an item of (`groups.1` → `groups`), else the form.
            let is_field = |k: &str| self.fields.iter().any(|f| f.key == k);
            let key = if is_field(key) {
                key.clone()
            } else {
                key.split('.').next().unwrap_or(key).to_owned()
            };
            let target = if is_field(&key) { key } else { String::new() };
            // What the form's own check already shows under the field is not said twice.
            let shown = self.problems.get(&target).to_vec();
            self.server.entry(target).or_default().extend(
                msgs.iter()
                    .filter(|m| !shown.contains(m))
                    .map(|m| crate::text::inert(m).into_owned()),
            );
        }
        self.server.retain(|_, msgs| !msgs.is_empty());
        if !form.is_empty() {
            self.server
                .entry(String::new())
                .or_default()
                .extend(form.iter().map(|m| crate::text::inert(m).into_owned()));
        }
    }

    /// [`Form::put_server_errors`], then the cursor on the first field they name.
    pub fn put_errors_and_focus(
        &mut self,
        fields: &BTreeMap<String, Vec<String>>,
        form: &[String],
    ) {
        self.put_server_errors(fields, form);
        if let Some(first) = self
            .fields
            .iter()
            .position(|f| self.server.contains_key(&f.key) || fields.contains_key(&f.key))
        {
            self.focus = first;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        Form::new(Flavour::Whatsmark, &Catalog::default(), Draft::default())
    }

    /// A server error on a nested attribute lands under its field; one on a list item
    /// under the list; one the form's own check already shows is not said twice.
    #[test]
    fn server_errors_land_under_nested_fields_once() {
        let mut f = Form::new(Flavour::Chatwoot, &Catalog::default(), Draft::default());
        f.draft.set("email", "ana@");
        let catalog = Catalog::default();
        f.validate(&Rules {
            flavour: Flavour::Chatwoot,
            default_region: None,
            catalog: &catalog,
        });
        let own = f.problems.get("email").to_vec();
        assert!(!own.is_empty());
        let mut fields = BTreeMap::new();
        fields.insert(
            "additional_attributes.city".to_owned(),
            vec!["City is too long".to_owned()],
        );
        fields.insert("email".to_owned(), own);
        fields.insert("labels.0".to_owned(), vec!["Label unknown".to_owned()]);
        f.put_server_errors(&fields, &[]);
        assert_eq!(f.server["additional_attributes.city"], ["City is too long"]);
        assert_eq!(f.server["labels"], ["Label unknown"]);
        assert!(!f.server.contains_key("email"), "said once, by the form");
        assert!(!f.server.contains_key(""));
    }

    #[test]
    fn every_documented_field_has_a_row_in_form_order() {
        let f = form();
        assert_eq!(f.fields.len(), 16);
        assert_eq!(f.fields[0].key, "firstname");
        assert_eq!(f.fields[2].key, "phone");
        assert!(f.fields.windows(2).all(|w| w[0].section <= w[1].section));
    }

    #[test]
    fn a_cleared_form_forgets_the_editor_s_replacements() {
        let mut f = form();
        f.edit(Edit::Insert('A'));
        assert!(f.replace_text("firstname", "Hello"));
        f.clear(&Draft::default());
        // The next contact: the same text typed, then one undo takes one letter.
        for c in "Hello".chars() {
            f.edit(Edit::Insert(c));
        }
        f.history(false);
        assert_eq!(f.draft.get("firstname"), "Hell");
    }

    #[test]
    fn typing_writes_through_and_undo_takes_it_back() {
        let mut f = form();
        for c in "Zoë 🙂".chars() {
            f.edit(Edit::Insert(c));
        }
        assert_eq!(f.draft.get("firstname"), "Zoë 🙂");
        f.history(false);
        assert_ne!(f.draft.get("firstname"), "Zoë 🙂");
        f.history(true);
        assert_eq!(f.draft.get("firstname"), "Zoë 🙂");
    }

    #[test]
    fn text_from_the_editor_replaces_the_field_and_undo_brings_the_old_back() {
        let mut f = form();
        f.focus_key("description");
        f.paste("old");
        assert!(f.takes_editor());
        assert!(f.replace_text("description", "new\nlines"));
        assert_eq!(f.draft.get("description"), "new\nlines");
        assert!(!f.replace_text("description", "new\nlines"), "unchanged");
        while f.draft.get("description") != "old" {
            assert!(f.history(false), "undo reaches the old text");
        }
        // A one-line row takes the lines joined.
        assert!(f.replace_text("firstname", " Ana \n\n María "));
        assert_eq!(f.draft.get("firstname"), "Ana María");
        f.focus_key("firstname");
        assert!(!f.takes_editor());
    }

    #[test]
    fn a_pasted_newline_becomes_a_space_in_one_line_fields() {
        let mut f = form();
        f.paste("Ana\nMaría\r\n");
        assert_eq!(f.draft.get("firstname"), "Ana María");
        f.focus_key("description");
        f.paste("line 1\nline 2");
        assert_eq!(f.draft.get("description"), "line 1\nline 2");
    }
}
