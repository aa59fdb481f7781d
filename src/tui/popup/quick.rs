//! The quick-add line (Ctrl-O or F2): one line such as
//! `Ana María Pérez +57 318 877 9043 ana@acme.co #vip @Prospecto company:"Acme SAS"`,
//! parsed as it is typed into a live preview of the fields it fills. Enter creates the
//! contact when it is complete and valid; Tab puts a flagged word's suggestion in its
//! place (`#mumbay` → `#Mumbai`), and with none left opens the full form prefilled, as ↓
//! does; Esc keeps the line for later. Nothing typed is lost either way.

use crate::engine::form_fields::picked_name;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Answer, Context, Popup, Reply};
use crate::contact::fields::FieldKind;
use crate::contact::quickadd::{self, Parsed};
use crate::contact::validate::validate_custom as validate;
use crate::contact::{Catalog, Draft, Flavour};
use crate::tui::keymap::{self, Action, Edit, Scope};
use crate::tui::theme::Theme;

/// The open quick-add line.
#[derive(Debug, Clone)]
pub struct Quick {
    /// The line typed so far.
    pub text: String,
    /// Cursor position, in characters.
    cursor: usize,
    /// The live parse of `text`.
    pub parsed: Parsed,
    /// The line Esc kept last time, one Up away: a fresh Ctrl-O starts empty, so new
    /// typing never lands after an old line.
    pub kept: Option<String>,
    /// The fixes a word that fits several entries may take, after Tab put the first:
    /// where it stands in `text` (bytes), the fixes, and which one is there.
    cycle: Option<(std::ops::Range<usize>, Vec<String>, usize)>,
}

impl Quick {
    /// Opens the line with `text` (kept from the last time it was closed).
    #[must_use]
    pub fn new(text: String, flavour: Flavour, catalog: &Catalog, region: Option<&str>) -> Self {
        let cursor = text.chars().count();
        let parsed = quickadd::parse(&text, flavour, catalog, region);
        Self {
            text,
            cursor,
            parsed,
            kept: None,
            cycle: None,
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(b, _)| b)
    }

    /// Inserts text at the cursor (a paste: line breaks become spaces).
    pub fn insert(&mut self, s: &str) {
        let flat: String = s
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, &flat);
        self.cursor += flat.chars().count();
    }

    fn edit(&mut self, e: Edit) {
        match e {
            Edit::Insert(c) => self.insert(&c.to_string()),
            Edit::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            Edit::Delete if self.cursor < self.text.chars().count() => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            Edit::DeleteWord => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1] == ' ' {
                    start -= 1;
                }
                while start > 0 && chars[start - 1] != ' ' {
                    start -= 1;
                }
                let (a, b) = (self.byte_at(start), self.byte_at(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = start;
            }
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(self.text.chars().count()),
            Edit::Home => self.cursor = 0,
            Edit::ClearField => {
                self.text.clear();
                self.cursor = 0;
            }
            Edit::End => self.cursor = self.text.chars().count(),
            _ => {}
        }
    }

    /// The first flagged word that has a fix, as Tab would take it.
    #[must_use]
    pub fn suggestion(&self) -> Option<&quickadd::Note> {
        self.parsed.notes.iter().find(|n| n.fix.is_some())
    }

    /// Puts the first fix in the line in place of its word; `false` when there is none.
    /// Right after a fix for a word that fits several entries, Tab puts the next one
    /// in its place instead (and after the last, the first again).
    fn take_suggestion(&mut self) -> bool {
        if let Some((span, fixes, at)) = self.cycle.take()
            && self.text.get(span.clone()) == fixes.get(at).map(String::as_str)
        {
            let next = (at + 1) % fixes.len();
            self.replace(span.clone(), &fixes[next]);
            let end = span.start + fixes[next].len();
            self.cycle = Some((span.start..end, fixes, next));
            return true;
        }
        let Some(note) = self.suggestion() else {
            return false;
        };
        let (span, fix) = (note.span.clone(), note.fix.clone().unwrap_or_default());
        if !note.others.is_empty() {
            let mut fixes = vec![fix.clone()];
            fixes.extend(note.others.iter().cloned());
            self.cycle = Some((span.start..span.start + fix.len(), fixes, 0));
        }
        self.replace(span, &fix);
        true
    }

    /// The fix a Tab puts next for a word that fits several entries, while the last one
    /// put is still in the line as it was put.
    fn next_in_cycle(&self) -> Option<&str> {
        let (span, fixes, at) = self.cycle.as_ref()?;
        let there = self.text.get(span.clone()) == fixes.get(*at).map(String::as_str);
        there
            .then(|| fixes.get((at + 1) % fixes.len()).map(String::as_str))
            .flatten()
    }

    /// Replaces `span` (bytes) of the line with `fix`, keeping the cursor's place.
    fn replace(&mut self, span: std::ops::Range<usize>, fix: &str) {
        let Some(typed) = self.text.get(span.clone()) else {
            return;
        };
        let (before, typed_chars) = (
            self.text[..span.start].chars().count(),
            typed.chars().count(),
        );
        let fix_chars = fix.chars().count();
        self.text.replace_range(span, fix);
        // The cursor keeps its place in the text around the word; inside it, it ends it.
        if self.cursor >= before + typed_chars {
            self.cursor = self.cursor + fix_chars - typed_chars;
        } else if self.cursor > before {
            self.cursor = before + fix_chars;
        }
    }

    fn reparse(&mut self, cx: &Context<'_>) {
        self.reparse_for(cx.profile);
    }

    /// Reads the line again for this profile (after an edit, or once the phone
    /// database is loaded).
    pub fn reparse_for(&mut self, p: &crate::tui::app::ProfileState) {
        self.parsed = quickadd::parse(
            &self.text,
            p.profile.api,
            &p.catalog,
            p.profile.default_region.as_deref(),
        );
    }

    /// The draft to put on the form: `base` (the profile's defaults, then the kept fields)
    /// under what the line says.
    #[must_use]
    pub fn draft(&self, base: &Draft) -> Draft {
        let mut d = base.clone();
        let p = &self.parsed.draft;
        d.values.extend(p.values.clone());
        d.lists.extend(p.lists.clone());
        d.custom.extend(p.custom.clone());
        d
    }
}

impl Popup for Quick {
    fn scope(&self) -> Scope {
        Scope::Quick
    }

    /// Enter or Ctrl-S create, Tab takes a suggestion (with none, reviews in the form as
    /// ↓ does), Esc closes (the app keeps the text); edits re-parse the line.
    fn update(&mut self, action: Action, cx: &Context<'_>) -> Reply {
        match action {
            Action::Accept | Action::Submit => return Reply::Done(Answer::Create),
            Action::TakeSuggestion if self.take_suggestion() => self.reparse(cx),
            Action::TakeSuggestion | Action::NextField | Action::Down => {
                return Reply::Done(Answer::Expand);
            }
            Action::Cancel => return Reply::Close,
            Action::Up if self.text.is_empty() => {
                if let Some(kept) = self.kept.take() {
                    self.insert(&kept);
                    self.reparse(cx);
                }
            }
            Action::Edit(e) => {
                self.cycle = None;
                self.edit(e);
                self.reparse(cx);
            }
            _ => {}
        }
        Reply::Stay
    }

    /// Draws the line and its preview as a popup over the top of `area`.
    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Context<'_>) {
        let (theme, flavour, catalog) = (cx.theme, cx.profile.profile.api, &cx.profile.catalog);
        let region = cx.profile.profile.default_region.as_deref();
        let mut lines = preview(&self.parsed, (flavour, region), catalog, theme);
        lines.extend(kept_lines(&self.parsed, cx.profile, theme));
        if let Some(kept) = self.kept.as_deref().filter(|_| self.text.is_empty()) {
            lines.push(Line::from(Span::styled(
                format!("↑ brings back the line you left: {kept}"),
                theme.hint(),
            )));
        }
        let height = u16::try_from(lines.len() + 4)
            .unwrap_or(u16::MAX)
            .min(area.height.saturating_sub(2))
            .max(5);
        let r = Rect {
            x: area.x + 1,
            y: area.y + 1,
            width: area.width.saturating_sub(2),
            height,
        };
        let take = self
            .next_in_cycle()
            .or_else(|| self.suggestion().and_then(|n| n.fix.as_deref()))
            .map(|fix| format!("puts {fix}"));
        let (tab, form) = match &take {
            Some(take) => (
                (Action::TakeSuggestion, take.as_str()),
                (Action::NextField, "opens the form"),
            ),
            None => (
                (Action::TakeSuggestion, "opens the form"),
                (Action::NextField, ""),
            ),
        };
        let mut hints = vec![(Action::Accept, "creates"), tab];
        if !form.1.is_empty() {
            hints.push(form);
        }
        hints.push((Action::Cancel, "keeps it for later"));
        let bottom = keymap::hint(Scope::Quick, &hints);
        let inner = super::boxed(frame, r, "Quick add", &bottom);
        // A line longer than the box scrolls with the cursor, so what is typed at its end
        // is seen; `‹` says that its start is out of sight.
        let before: String = self.text.chars().take(self.cursor).collect();
        let cursor_x = Span::raw(before.as_str()).width();
        let room = usize::from(inner.width.saturating_sub(3)).max(1);
        let (shown, skipped) = skip_columns(&self.text, cursor_x.saturating_sub(room));
        let mark = if skipped > 0 { "‹ " } else { "› " };
        let input = Line::from(vec![
            Span::styled(mark, theme.label_focused()),
            Span::raw(shown),
        ]);
        frame.render_widget(Paragraph::new(input), Rect { height: 1, ..inner });
        let body = Rect {
            y: inner.y + 2,
            height: inner.height.saturating_sub(2),
            ..inner
        };
        frame.render_widget(Paragraph::new(lines), body);
        let x = u16::try_from(cursor_x - skipped).unwrap_or(0);
        frame.set_cursor_position((inner.x + 2 + x.min(inner.width.saturating_sub(3)), inner.y));
    }
}

/// `text` without its first `cols` display columns (at least: a wide character is not
/// cut), and how many columns were left out.
fn skip_columns(text: &str, cols: usize) -> (&str, usize) {
    let mut skipped = 0;
    for (i, c) in text.char_indices() {
        if skipped >= cols {
            return (&text[i..], skipped);
        }
        skipped += Span::raw(c.to_string()).width();
    }
    ("", skipped)
}

/// A field's value in a draft as the agent reads it (catalog names, not ids), as the
/// form shows it ([`picked_name`]: by id only, this runs on every frame).
fn shown(spec: &crate::contact::fields::FieldSpec, draft: &Draft, catalog: &Catalog) -> String {
    match spec.kind {
        FieldKind::MultiPick(kind) => {
            let names: Vec<String> = draft
                .list(spec.key)
                .iter()
                .map(|id| picked_name(catalog, kind, id))
                .collect();
            names.join(", ")
        }
        FieldKind::SinglePick(kind) => {
            let id = draft.get(spec.key);
            if id.is_empty() {
                String::new()
            } else {
                picked_name(catalog, kind, id)
            }
        }
        _ => draft.get(spec.key).to_owned(),
    }
}

/// The placeholder of an empty line: what can be typed, in this flavour's words
/// (`#groups, @status` on WhatsMark, `#tags, @stage` on Wipsy).
fn placeholder(flavour: Flavour) -> String {
    let marks: Vec<String> = flavour
        .spec()
        .marks
        .iter()
        .filter_map(|(c, role)| {
            let label = flavour.field_for(*role)?.label;
            let word = label.rsplit(' ').next().unwrap_or(label).to_lowercase();
            Some(format!("{c}{word}"))
        })
        .collect();
    format!(
        "Type a name, a phone, an email, {}, key:value…",
        marks.join(", ")
    )
}

/// One line per filled field (names resolved), then one per flagged word.
fn preview(
    p: &Parsed,
    (flavour, region): (Flavour, Option<&str>),
    catalog: &Catalog,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for spec in flavour.fields() {
        if matches!(spec.kind, FieldKind::CustomFields) {
            for (id, v) in &p.draft.custom {
                let def = catalog.custom_field(id);
                let name = def.map_or_else(|| id.clone(), |d| d.name.clone());
                out.push(field_line(&name, v, theme));
                // Checked by its definition here, as the form would on Enter: a date
                // that is no date is seen before the line is sent, not after.
                let problems = def.map(|d| validate(d, v, region)).unwrap_or_default();
                out.extend(
                    problems
                        .into_iter()
                        .map(|m| Line::from(Span::styled(format!("⚠ {name}: {m}"), theme.warn()))),
                );
            }
            continue;
        }
        let mut value = shown(spec, &p.draft, catalog);
        if spec.role == crate::contact::Role::Phone && !value.is_empty() {
            let typed: Vec<&str> = p
                .words
                .iter()
                .filter(|w| matches!(&w.used_as, quickadd::Use::Field(k) if k == spec.key))
                .map(|w| w.text.as_str())
                .collect();
            if crate::contact::phone::drops_old_mexican_prefix(&typed.join(" ")) {
                value.push_str("  (the old mobile 1 after +52 dropped, as Mexico dials now)");
            }
        }
        if !value.is_empty() {
            out.push(field_line(spec.label, &value, theme));
        }
    }
    if out.is_empty() {
        out.push(Line::from(Span::styled(placeholder(flavour), theme.hint())));
    }
    let tab = keymap::key_for(Action::TakeSuggestion, Scope::Quick);
    let mut first_fix = true;
    for n in &p.notes {
        let takes = n.fix.is_some() && std::mem::take(&mut first_fix);
        let hint = match n.suggestion.as_deref() {
            Some(s) if takes => format!(" — did you mean {s}? {tab} puts it"),
            Some(s) => format!(" — did you mean {s}?"),
            None => String::new(),
        };
        out.push(Line::from(Span::styled(
            format!("⚠ {}: {}{hint}", n.token, n.message),
            theme.warn(),
        )));
    }
    out
}

/// The kept fields (Ctrl-K) the contact gets besides what the line says, and a word that
/// changes one: it wins for this contact and stays kept for the next, as typing in a
/// kept field of the form does; either way the preview says so.
fn kept_lines(
    p: &Parsed,
    profile: &crate::tui::app::ProfileState,
    theme: Theme,
) -> Vec<Line<'static>> {
    let (flavour, catalog, form) = (profile.profile.api, &profile.catalog, &profile.form.draft);
    let mut out = Vec::new();
    for key in &profile.sticky {
        let (label, now, typed) = if let Some(id) = key.strip_prefix("custom.") {
            let name = catalog
                .custom_field(id)
                .map_or_else(|| id.to_owned(), |d| d.name.clone());
            let now = form.custom.get(id).cloned().unwrap_or_default();
            (name, now, p.draft.custom.get(id).cloned())
        } else {
            let Some(spec) = flavour.field(key) else {
                continue;
            };
            let typed = (p.draft.values.contains_key(key.as_str())
                || p.draft.lists.contains_key(key.as_str()))
            .then(|| shown(spec, &p.draft, catalog));
            (spec.label.to_owned(), shown(spec, form, catalog), typed)
        };
        if now.is_empty() {
            continue;
        }
        let line = match typed {
            None => field_line(&label, &format!("{now} (kept)"), theme),
            Some(typed) if typed != now => Line::from(Span::styled(
                crate::text::inert(&format!(
                    "⚑ {label} is kept as {now}: this line makes it {typed}, kept from now on"
                ))
                .into_owned(),
                theme.warn(),
            )),
            Some(_) => continue,
        };
        out.push(line);
    }
    out
}

fn field_line(label: &str, value: &str, theme: Theme) -> Line<'static> {
    // Catalog names and custom field names are strangers' text: shown, never dropped.
    let label = crate::text::inert(label);
    Line::from(vec![
        Span::styled(format!("{label:>20}  "), theme.label()),
        Span::raw(crate::text::inert(value).into_owned()),
    ])
}
