//! Drawing. `draw` reads the app and paints; it changes nothing and does no I/O. The
//! form's line layout is a pure function shared with mouse hit-testing; a popup on top
//! draws itself (see [`super::popup`]).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::app::{App, Mode, ProfileState};
use super::form::{Editor, Field};
use super::keymap::{self, Action, Scope};
use super::popup::Context;
use super::theme::Theme;
use crate::contact::fields::Section;
use crate::contact::phone;
use crate::contact::validate::REFRESH_HINT;

mod status;

/// Width of the label column.
const LABEL: u16 = 26;

/// One screen line of the form. Messages and warnings are one line each of their text
/// wrapped to the value column, the first starting with its mark.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Row {
    Heading(Section),
    Field(usize, usize),
    Message(usize, String),
    Warning(usize, String),
}

/// `text` after `mark` (`✗ `, `⚠ `) in lines of the value column's `width`, the lines
/// after the first indented under the text.
fn marked_lines(mark: &str, text: &str, width: u16) -> Vec<String> {
    let indent = " ".repeat(Span::raw(mark).width());
    let room = usize::from(width).saturating_sub(indent.len()).max(10);
    crate::tui::popup::wrap(text, room)
        .into_iter()
        .enumerate()
        .map(|(n, line)| format!("{}{line}", if n == 0 { mark } else { &indent }))
        .collect()
}

/// The label as it stands in its column (`⟲ ` when kept, ` *` when required), in as many
/// lines as it needs there.
fn label_lines(p: &ProfileState, field: &Field) -> Vec<String> {
    let mark = if field.required { " *" } else { "" };
    let kept = if p.sticky.contains(&field.key) {
        "⟲ "
    } else {
        ""
    };
    let text = format!("{kept}{}{mark}", crate::text::inert(&field.label));
    crate::tui::popup::wrap(&text, usize::from(LABEL) - 3)
}

/// Possible duplicates under the field they match, once checked for the current values.
fn duplicate_rows(p: &ProfileState, i: usize, key: &str, width: u16) -> Vec<Row> {
    let current = p.contact_points();
    let [phone_key, _] = p.contact_keys();
    if !p.is_contact_key(key) || p.checked_for.as_ref() != Some(&current) {
        return Vec::new();
    }
    let (phone, email) = if Some(key) == phone_key {
        (Some(current.0.as_str()), None)
    } else {
        (None, Some(current.1.as_str()))
    };
    p.duplicates
        .iter()
        .filter(|k| crate::contact::duplicates::same(k, phone, email))
        .flat_map(|k| {
            let text = format!(
                "Possible duplicate: {}",
                crate::contact::duplicates::describe(k)
            );
            marked_lines("⚠ ", &text, width)
                .into_iter()
                .map(move |line| Row::Warning(i, line))
        })
        .collect()
}

fn section_title(s: Section) -> &'static str {
    match s {
        Section::Identity => "Name and phone",
        Section::Details => "Contact details",
        Section::Crm => "CRM",
        Section::Address => "Address",
        Section::Notes => "Notes and custom fields",
    }
}

/// The form's lines for a form area `width` columns wide.
fn rows(p: &ProfileState, width: u16) -> Vec<Row> {
    let value = width.saturating_sub(LABEL);
    let refresh = format!(
        "{REFRESH_HINT} ({})",
        keymap::key_for(Action::RefreshCatalog, Scope::Text)
    );
    let message = |i: usize, m: &str| {
        // The domain's words name no key; the form says which of its keys refreshes.
        let m = m.replacen(REFRESH_HINT, &refresh, 1);
        marked_lines("✗ ", &m, value)
            .into_iter()
            .map(move |line| Row::Message(i, line))
    };
    let mut out = Vec::new();
    let mut section = None;
    if let Some(msgs) = p.form.server.get("") {
        out.extend(msgs.iter().flat_map(|m| message(usize::MAX, m)));
    }
    for (i, f) in p.form.fields.iter().enumerate() {
        if section != Some(f.section) {
            section = Some(f.section);
            out.push(Row::Heading(f.section));
        }
        let height = if f.editor == Editor::Lines { 3 } else { 1 };
        let height = height.max(label_lines(p, f).len());
        out.extend((0..height).map(|line| Row::Field(i, line)));
        for m in p.form.messages(&f.key) {
            out.extend(message(i, m));
        }
        out.extend(duplicate_rows(p, i, &f.key, value));
    }
    out
}

/// The rows shown in a form area `height` rows high: the first, how many, and what the
/// last line says instead when more lie below (fields, and how many are required).
fn window(p: &ProfileState, all: &[Row], height: usize) -> (usize, usize, Option<String>) {
    if all.len() <= height {
        return (0, all.len(), None);
    }
    let shown = height.saturating_sub(1).max(1);
    let first = scroll(all, p.form.focus, shown);
    if first + shown >= all.len() {
        // Scrolled to the end: nothing is below, and the last line shows a row too.
        let first = scroll(all, p.form.focus, height);
        return (first, height.min(all.len() - first), None);
    }
    let seen: std::collections::HashSet<usize> = all
        .iter()
        .take(first + shown)
        .filter_map(|r| match r {
            Row::Field(i, _) => Some(*i),
            _ => None,
        })
        .collect();
    let below: Vec<&Field> = p
        .form
        .fields
        .iter()
        .enumerate()
        .filter(|(i, _)| !seen.contains(i))
        .map(|(_, f)| f)
        .collect();
    if below.is_empty() {
        // Only the last field's messages are past the fold.
        return (first, shown, Some("↓ more below".to_owned()));
    }
    let required = below.iter().filter(|f| f.required).count();
    let s = if below.len() == 1 { "" } else { "s" };
    let more = match required {
        0 => format!("↓ {} more field{s} below", below.len()),
        r => format!("↓ {} more field{s} below, {r} required", below.len()),
    };
    (first, shown, Some(more))
}

/// The first visible row: the focused field sits about a third down when it must scroll.
fn scroll(rows: &[Row], focus: usize, height: usize) -> usize {
    let at = rows
        .iter()
        .position(|r| matches!(r, Row::Field(i, _) if *i == focus))
        .unwrap_or(0);
    let end = rows
        .iter()
        .rposition(|r| matches!(r, Row::Field(i, _) | Row::Message(i, _) | Row::Warning(i, _) if *i == focus))
        .unwrap_or(at);
    if end < height {
        return 0;
    }
    at.saturating_sub(height / 3)
        .min(rows.len().saturating_sub(height))
}

/// Lines a text needs at `width` columns (at least one).
fn lines_for(text: &str, width: u16) -> u16 {
    let w = Span::raw(text).width();
    u16::try_from(w.div_ceil(usize::from(width.max(1))).max(1)).unwrap_or(1)
}

fn areas(app: &App, area: Rect) -> [Rect; 4] {
    let inner = Block::default().borders(Borders::ALL).inner(area);
    let banner = app
        .banner
        .as_deref()
        .map_or(0, |b| lines_for(&format!("ⓘ {b}"), inner.width).min(3));
    let top = banner + u16::from(app.created.is_some());
    let status = if app.submitting.is_some() {
        1
    } else {
        app.status
            .as_ref()
            .map_or(1, |(_, s)| lines_for(s, inner.width).min(3))
    };
    let [top_area, form, footer, status] = Layout::vertical([
        Constraint::Length(top),
        Constraint::Min(1),
        Constraint::Length(status + 1),
        Constraint::Length(1),
    ])
    .areas(inner);
    [top_area, form, footer, status]
}

/// The field under a screen position, for mouse clicks.
#[must_use]
pub fn field_at(app: &App, col: u16, row: u16) -> Option<usize> {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let [_, form, _, _] = areas(app, area);
    if !form.contains(ratatui::layout::Position::new(col, row)) {
        return None;
    }
    let p = app.current();
    let all = rows(p, form.width);
    let (first, shown, _) = window(p, &all, usize::from(form.height));
    if usize::from(row - form.y) >= shown {
        return None;
    }
    match all.get(first + usize::from(row - form.y))? {
        Row::Field(i, _) => Some(*i),
        _ => None,
    }
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let theme = app.theme;
    let p = app.current();
    let title = match &p.editing {
        Some(e) => {
            let what = if e.read_only { "viewing" } else { "editing" };
            let name = crate::text::inert(&e.name);
            format!(
                " rolo · {} · {what} {name} (id {}) ",
                p.profile.display_name(),
                crate::text::inert(&e.id)
            )
        }
        None => format!(" rolo · {} · {} ", p.profile.display_name(), p.profile.api),
    };
    let frame_style = theme.profile(p.profile.color.as_deref());
    frame.render_widget(
        Block::default()
            .borders(Borders::ALL)
            .border_style(frame_style)
            .title(Span::styled(title, frame_style)),
        area,
    );
    let [top, form, footer, status] = areas(app, area);
    draw_top(frame, app, top);
    draw_form(frame, app, form);
    status::draw_footer(frame, app, footer);
    status::draw_status(frame, p, status, theme, app.outbox.len());
    if let Some(popup) = app.mode.popup() {
        popup.draw(frame, area, &Context::of(app));
    }
}

fn draw_top(frame: &mut Frame, app: &App, area: Rect) {
    let mut lines = Vec::new();
    if let Some(b) = &app.banner {
        lines.push(Line::from(Span::styled(format!("ⓘ {b}"), app.theme.warn())));
    }
    if let Some(c) = &app.created {
        let (name, id) = (crate::text::inert(&c.name), crate::text::inert(&c.id));
        let (said, style) = match (c.stale, c.found) {
            (true, _) => (format!("Last sent: {name} — id {id}"), app.theme.hint()),
            (false, true) => (
                format!("✓ Already on the server: {name} — id {id} (not sent again)"),
                app.theme.ok(),
            ),
            (false, false) => (format!("✓ Created {name} — id {id}"), app.theme.ok()),
        };
        lines.push(Line::from(Span::styled(said, style)));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn draw_form(frame: &mut Frame, app: &App, area: Rect) {
    let p = app.current();
    let theme = app.theme;
    let all = rows(p, area.width);
    let (first, shown, more) = window(p, &all, usize::from(area.height));
    if let Some(more) = more {
        let last = Rect {
            y: area.y + u16::try_from(shown).unwrap_or(0),
            height: 1,
            ..area
        };
        // Under the values where it fits; on a narrow terminal it starts further left so
        // the required count is never cut off.
        let room = usize::from(area.width);
        let wanted = Span::raw(more.as_str()).width();
        let indent = usize::from(LABEL).min(room.saturating_sub(wanted));
        let line = Line::from(vec![
            Span::raw(" ".repeat(indent)),
            Span::styled(more, theme.hint()),
        ]);
        frame.render_widget(Paragraph::new(line), last);
    }
    for (n, row) in all.iter().skip(first).take(shown).enumerate() {
        let y = area.y + u16::try_from(n).unwrap_or(0);
        let line_area = Rect {
            y,
            height: 1,
            ..area
        };
        match row {
            Row::Heading(s) => frame.render_widget(
                Paragraph::new(Span::styled(
                    format!("── {}", section_title(*s)),
                    theme.section(),
                )),
                line_area,
            ),
            Row::Message(_, m) => frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::raw(" ".repeat(usize::from(LABEL))),
                    Span::styled(m.clone(), theme.error()),
                ])),
                line_area,
            ),
            Row::Warning(_, m) => frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::raw(" ".repeat(usize::from(LABEL))),
                    Span::styled(m.clone(), theme.warn()),
                ])),
                line_area,
            ),
            Row::Field(i, line) => draw_field(frame, app, *i, *line, line_area),
        }
    }
}

fn draw_field(frame: &mut Frame, app: &App, i: usize, line: usize, area: Rect) {
    let p = app.current();
    let theme = app.theme;
    let field = &p.form.fields[i];
    let focused = i == p.form.focus && matches!(app.mode, Mode::Form);
    let value_area = Rect {
        x: area.x + LABEL,
        width: area.width.saturating_sub(LABEL),
        ..area
    };
    if let Some(label) = label_lines(p, field).get(line) {
        let style = if focused {
            theme.label_focused()
        } else {
            theme.label()
        };
        let text = format!("{label:>width$} ", width = usize::from(LABEL) - 2);
        frame.render_widget(
            Paragraph::new(Span::styled(text, style)),
            Rect {
                width: LABEL,
                ..area
            },
        );
    }
    if field.editor.is_text() {
        draw_text(frame, p, field, line, value_area, focused, theme);
    } else if line == 0 {
        let spans = picked(p, field, focused, theme);
        frame.render_widget(Paragraph::new(Line::from(spans)), value_area);
        if focused {
            frame.set_cursor_position((value_area.x, value_area.y));
        }
    }
}

fn draw_text(
    frame: &mut Frame,
    p: &ProfileState,
    field: &Field,
    line: usize,
    area: Rect,
    focused: bool,
    theme: Theme,
) {
    let Some(ta) = p.form.editor(&field.key) else {
        return;
    };
    let lines = ta.lines();
    let (crow, ccol) = (ta.cursor().0, ta.cursor().1);
    let top = if field.editor == Editor::Lines {
        crow.saturating_sub(2)
    } else {
        0
    };
    let Some(text) = lines.get(top + line) else {
        return;
    };
    // Shown as every screen shows strangers' text (one character for one, so the
    // cursor's column is the same).
    let text = crate::text::inert(text);
    let text = text.as_ref();
    let before: String = text.chars().take(ccol).collect();
    let cursor_x = Span::raw(before.as_str()).width();
    let avail = usize::from(area.width.saturating_sub(1));
    let is_cursor_line = focused && top + line == crow;
    let skip_cols = if is_cursor_line && cursor_x >= avail {
        cursor_x + 1 - avail
    } else {
        0
    };
    let shown = skip_width(text, skip_cols);
    let mut spans = vec![Span::styled(
        shown.clone(),
        if focused {
            theme.value_focused()
        } else {
            Style::new()
        },
    )];
    if line == 0
        && p.contact_keys()[0] == Some(field.key.as_str())
        && !text.trim().is_empty()
        && p.form.problems.get(&field.key).is_empty()
    {
        // Until the phone database is loaded (a moment after the first frame) the
        // number's form is not known yet: "…", never a guess.
        let e164 = match phone::to_e164(text, p.profile.default_region.as_deref()) {
            Err(phone::PhoneError::NotLoaded) => Some("…".to_owned()),
            other => other.ok().filter(|e| e != text.trim()),
        };
        if let Some(e164) = e164 {
            spans.push(Span::styled(format!("  → {e164}"), theme.hint()));
        }
    }
    if line == 0 && focused && field.editor == Editor::Date {
        let key = |a| keymap::key_for(a, Scope::Text);
        spans.push(Span::styled(
            format!(
                "  YYYY-MM-DD · {} today · {}/{} ±1 day",
                key(Action::Today),
                key(Action::StepDate(1)),
                key(Action::StepDate(-1))
            ),
            theme.hint(),
        ));
    }
    if line == 0 && focused && field.editor == Editor::Number && text.is_empty() {
        spans.push(Span::styled("  digits, e.g. 1500.50", theme.hint()));
    }
    if line == 0 && text.is_empty() && !focused && lines.len() == 1 {
        spans = vec![Span::styled("—", theme.hint())];
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if is_cursor_line {
        let x = u16::try_from(cursor_x - skip_cols).unwrap_or(0);
        frame.set_cursor_position((area.x + x.min(area.width.saturating_sub(1)), area.y));
    }
}

/// Drops the first `cols` display columns of `s`.
fn skip_width(s: &str, cols: usize) -> String {
    let mut skipped = 0;
    let mut out = String::new();
    for c in s.chars() {
        if skipped < cols {
            skipped += Span::raw(c.to_string()).width();
            continue;
        }
        out.push(c);
    }
    out
}

/// What a locked row ([`ProfileState::is_locked`]) says when focused.
const LOCKED: &str = "set when created; an update keeps it";

/// The chosen names of a picked field, with swatches; ids missing from the catalog are
/// flagged rather than hidden.
fn picked(p: &ProfileState, field: &Field, focused: bool, theme: Theme) -> Vec<Span<'static>> {
    let (kind, ids): (Option<_>, Vec<String>) = match &field.editor {
        Editor::Single(k) => (Some(*k), vec![p.form.value(&field.key).to_owned()]),
        Editor::Multi(k) => (Some(*k), p.form.draft.list(&field.key).to_vec()),
        _ => (None, vec![p.form.value(&field.key).to_owned()]),
    };
    let ids: Vec<String> = ids.into_iter().filter(|i| !i.is_empty()).collect();
    let locked = p.is_locked(&field.key);
    if ids.is_empty() {
        let hint = if focused && locked {
            format!("— ({LOCKED})")
        } else if focused {
            format!(
                "({} to choose)",
                keymap::key_for(Action::OpenPicker, Scope::Pick)
            )
        } else {
            "—".to_owned()
        };
        return vec![Span::styled(hint, theme.hint())];
    }
    let mut spans = Vec::new();
    for id in ids {
        let item = kind.and_then(|k| p.catalog.items(k).iter().find(|i| i.id == id));
        match (kind, item) {
            (_, Some(item)) => {
                if item.color.is_some() {
                    spans.push(Span::styled("■ ", theme.swatch(item.color.as_deref())));
                }
                let name = crate::text::inert(&item.name);
                let text = if matches!(field.editor, Editor::Multi(_)) {
                    format!("[{name}] ")
                } else {
                    format!("{name} ")
                };
                spans.push(Span::raw(text));
            }
            (Some(k), None) if !k.learned_only() && !p.catalog.items(k).is_empty() => {
                spans.push(Span::styled(
                    format!("⚠ {} (not in the catalog) ", crate::text::inert(&id)),
                    theme.warn(),
                ));
            }
            _ => spans.push(Span::raw(format!("{} ", crate::text::inert(&id)))),
        }
    }
    if focused && locked {
        spans.push(Span::styled(format!("({LOCKED})"), theme.hint()));
    } else if focused && matches!(field.editor, Editor::Multi(_)) {
        spans.push(Span::styled(
            format!(
                " {} adds · {} drops the last",
                keymap::key_for(Action::OpenPicker, Scope::Pick),
                keymap::key_for(Action::Edit(keymap::Edit::Backspace), Scope::Pick)
            ),
            theme.hint(),
        ));
    }
    spans
}
