//! Find a contact (Ctrl-F): type a phone, a name or an email; matches come as you type
//! (the search waits for a pause, and a newer one calls off the one before); Enter opens
//! the highlighted contact in the form, Esc closes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};

use super::{Answer, Context, Popup, Reply};
use crate::contact::duplicates::Known;
use crate::text::inert;
use crate::tui::keymap::{self, Action, Scope};

/// The open lookup.
#[derive(Debug, Clone)]
pub struct Find {
    /// What is typed.
    pub query: String,
    /// The number of the newest search asked for.
    pub seq: u64,
    /// The number of the search whose answer is shown.
    pub answered: u64,
    /// The answer shown: the matches, or why there are none.
    pub found: Result<Vec<Known>, String>,
    /// Set when only the most recent contacts could be looked through (Wipsy).
    pub only_recent: Option<String>,
    /// The query changed and no search was asked for it yet.
    dirty: bool,
    cursor: usize,
}

impl Default for Find {
    fn default() -> Self {
        Self::new()
    }
}

impl Find {
    /// A lookup, empty.
    #[must_use]
    pub fn new() -> Self {
        Self {
            query: String::new(),
            seq: 0,
            answered: 0,
            found: Ok(Vec::new()),
            only_recent: None,
            dirty: false,
            cursor: 0,
        }
    }

    /// The query changed outside a key (a paste): searched as typing is.
    pub fn touched(&mut self) {
        self.dirty = true;
    }

    /// A lookup whose searches are numbered from `base` up: numbers never met before, so
    /// an answer to an earlier lookup's search is never taken for this one's.
    #[must_use]
    pub fn numbered_from(base: u64) -> Self {
        Self {
            seq: base,
            answered: base,
            ..Self::new()
        }
    }

    /// The search to ask for now, if the query changed since the last one: its number
    /// and the query (an empty query asks for nothing, and shows nothing).
    pub fn take_search(&mut self) -> Option<(u64, String)> {
        if !std::mem::take(&mut self.dirty) {
            return None;
        }
        self.seq += 1;
        if self.query.trim().is_empty() {
            self.answered = self.seq;
            self.found = Ok(Vec::new());
            return None;
        }
        Some((self.seq, self.query.clone()))
    }

    /// A search's answer; an older one than the newest asked for is dropped.
    pub fn answer(&mut self, seq: u64, found: Result<Vec<Known>, String>, note: Option<String>) {
        if seq != self.seq {
            return;
        }
        self.answered = seq;
        self.found = found;
        self.only_recent = note;
        self.cursor = 0;
    }

    /// Whether a search is out.
    #[must_use]
    pub fn searching(&self) -> bool {
        self.answered < self.seq
    }

    fn rows(&self) -> &[Known] {
        self.found.as_deref().unwrap_or(&[])
    }
}

impl Popup for Find {
    fn scope(&self) -> Scope {
        Scope::Find
    }

    fn update(&mut self, action: Action, _cx: &Context<'_>) -> Reply {
        let last = self.rows().len().saturating_sub(1);
        match action {
            Action::Cancel | Action::Find => return Reply::Close,
            Action::Accept => {
                return match self.rows().get(self.cursor) {
                    Some(k) => Reply::Done(Answer::Open(k.id.clone(), k.name.clone())),
                    None => Reply::Stay,
                };
            }
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(last),
            Action::First | Action::PageUp => self.cursor = 0,
            Action::Last | Action::PageDown => self.cursor = last,
            Action::Edit(e) if crate::tui::fuzzy::edit_filter(&mut self.query, e) => {
                self.dirty = true;
            }
            _ => {}
        }
        Reply::Stay
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Context<'_>) {
        let theme = cx.theme;
        let width = area.width.clamp(20, 100);
        let rows = self.rows().len().clamp(1, 15);
        let note = usize::from(self.only_recent.is_some());
        let height = u16::try_from(rows + note + 4).unwrap_or(u16::MAX);
        let popup = Rect {
            x: area.x + (area.width - width) / 2,
            y: area.y + 2,
            width,
            height: height.min(area.height.saturating_sub(2)).max(5),
        };
        let bottom = keymap::hint(
            Scope::Find,
            &[(Action::Accept, "opens"), (Action::Cancel, "closes")],
        );
        let inner = super::boxed(frame, popup, "Find a contact", &bottom);
        let status = if self.searching() {
            Span::styled(
                format!("  {}searching…", theme.spinner(cx.tick)),
                theme.warn(),
            )
        } else {
            match &self.found {
                Ok(found) if !self.query.trim().is_empty() => {
                    let n = found.len();
                    let s = if n == 1 { "" } else { "es" };
                    Span::styled(format!("  {n} match{s}"), theme.hint())
                }
                Ok(_) => Span::styled("  a phone, a name or an email", theme.hint()),
                Err(e) => Span::styled(format!("  {}", inert(e)), theme.error()),
            }
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled("find: ", theme.hint()),
                Span::raw(inert(&self.query).into_owned()),
                status,
            ])),
            Rect { height: 1, ..inner },
        );
        let mut y = inner.y + 1;
        if let Some(note) = &self.only_recent {
            frame.render_widget(
                Paragraph::new(Span::styled(inert(note).into_owned(), theme.warn()))
                    .wrap(Wrap { trim: true }),
                Rect {
                    y,
                    height: 1,
                    ..inner
                },
            );
            y += 1;
        }
        let list_area = Rect {
            y,
            height: inner.height.saturating_sub(y - inner.y),
            ..inner
        };
        let width = usize::from(list_area.width);
        let items: Vec<ListItem> = self
            .rows()
            .iter()
            .map(|k| ListItem::new(row(k, width)))
            .collect();
        let mut state = ListState::default().with_selected(Some(self.cursor));
        frame.render_stateful_widget(
            List::new(items).highlight_style(theme.selected()),
            list_area,
            &mut state,
        );
        if self.rows().is_empty() {
            let col = u16::try_from(Span::raw(self.query.as_str()).width()).unwrap_or(0);
            frame.set_cursor_position((inner.x + 6 + col, inner.y));
        } else {
            let row = u16::try_from(self.cursor.saturating_sub(state.offset())).unwrap_or(0);
            frame.set_cursor_position((list_area.x, list_area.y + row));
        }
    }
}

/// One match in `width` columns: name, phone, email, created date and id. The id and the
/// date keep their room (the id is what opens the contact in the CRM's panel too); the
/// name and the email share what is left, and are cut with `…` on a narrow screen.
fn row(k: &Known, width: usize) -> Line<'static> {
    let created = k.created_at.get(..10).unwrap_or(&k.created_at);
    let id = format!("id {}", k.id);
    let phone = clip(&k.phone, 16);
    // Four spaces between five columns.
    let fixed = 10 + id.chars().count() + 16 + 4;
    let rest = width.saturating_sub(fixed).max(12);
    let name_w = (rest * 11 / 20).max(6);
    let email_w = rest.saturating_sub(name_w).max(6);
    let text = format!(
        "{:<name_w$} {phone:<16} {:<email_w$} {created:<10} {id}",
        clip(&k.name, name_w),
        clip(&k.email, email_w),
    );
    Line::from(inert(&text).into_owned())
}

/// At most `n` characters of `text`, trimmed, with `…` when cut.
fn clip(text: &str, n: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= n {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}
