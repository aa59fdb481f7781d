//! The profile switcher (Ctrl-T): type to filter, Enter switches, Esc stays.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

use super::{Answer, Context, Popup, Reply};
use crate::config::Profile;
use crate::tui::keymap::{self, Action, Scope};

/// One row: the profile's index, name, label, flavour and colour.
#[derive(Debug, Clone)]
struct Row {
    index: usize,
    text: String,
    color: Option<String>,
}

/// The open switcher.
#[derive(Debug, Clone)]
pub struct Switcher {
    rows: Vec<Row>,
    /// The filter typed so far.
    pub filter: String,
    shown: Vec<usize>,
    cursor: usize,
}

impl Switcher {
    /// A switcher over `profiles`, highlighting the active one.
    #[must_use]
    pub fn new(profiles: &[&Profile], active: usize) -> Self {
        let rows = profiles
            .iter()
            .enumerate()
            .map(|(index, p)| Row {
                index,
                text: format!("{}  ({}, {})", p.display_name(), p.name, p.api),
                color: p.color.clone(),
            })
            .collect();
        let mut s = Self {
            rows,
            filter: String::new(),
            shown: Vec::new(),
            cursor: 0,
        };
        s.refilter();
        s.cursor = active.min(s.shown.len().saturating_sub(1));
        s
    }

    fn refilter(&mut self) {
        let needle = self.filter.to_lowercase();
        self.shown = (0..self.rows.len())
            .filter(|&i| self.rows[i].text.to_lowercase().contains(&needle))
            .collect();
        self.cursor = self.cursor.min(self.shown.len().saturating_sub(1));
    }
}

impl Popup for Switcher {
    fn scope(&self) -> Scope {
        Scope::Switcher
    }

    /// Enter answers the highlighted profile (closes when the filter hides them all).
    fn update(&mut self, action: Action, _cx: &Context<'_>) -> Reply {
        match action {
            Action::Cancel | Action::SwitchProfile => return Reply::Close,
            Action::Accept => {
                return self.shown.get(self.cursor).map_or(Reply::Close, |&i| {
                    Reply::Done(Answer::Profile(self.rows[i].index))
                });
            }
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(self.shown.len().saturating_sub(1)),
            Action::First | Action::PageUp => self.cursor = 0,
            Action::Last | Action::PageDown => self.cursor = self.shown.len().saturating_sub(1),
            Action::Edit(e) if crate::tui::fuzzy::edit_filter(&mut self.filter, e) => {
                self.cursor = 0;
                self.refilter();
            }
            _ => {}
        }
        Reply::Stay
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Context<'_>) {
        let theme = cx.theme;
        let width = area.width.clamp(20, 70);
        let height = u16::try_from(self.rows.len() + 3)
            .unwrap_or(u16::MAX)
            .clamp(5, area.height.max(5));
        let popup = Rect {
            x: area.x + (area.width - width) / 2,
            y: area.y + 2,
            width,
            height: height.min(area.height),
        };
        let bottom = keymap::hint(
            Scope::Switcher,
            &[(Action::Accept, "switches"), (Action::Cancel, "closes")],
        );
        let inner = super::boxed(frame, popup, "Switch profile", &bottom);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled("filter: ", theme.hint()),
                Span::raw(self.filter.as_str()),
            ])),
            Rect { height: 1, ..inner },
        );
        let items: Vec<ListItem> = self
            .shown
            .iter()
            .map(|&i| {
                let r = &self.rows[i];
                ListItem::new(Line::from(vec![
                    Span::styled("■ ", theme.profile(r.color.as_deref())),
                    Span::raw(r.text.clone()),
                ]))
            })
            .collect();
        let mut state = ListState::default().with_selected(Some(self.cursor));
        let list_area = Rect {
            y: inner.y + 1,
            height: inner.height.saturating_sub(1),
            ..inner
        };
        frame.render_stateful_widget(
            List::new(items).highlight_style(theme.selected()),
            list_area,
            &mut state,
        );
        // The terminal cursor sits on the selected row, where a screen reader reads.
        if self.shown.is_empty() {
            let col = u16::try_from(Span::raw(self.filter.as_str()).width()).unwrap_or(0);
            frame.set_cursor_position((inner.x + 8 + col, inner.y));
        } else {
            let row = u16::try_from(self.cursor.saturating_sub(state.offset())).unwrap_or(0);
            frame.set_cursor_position((list_area.x, list_area.y + row));
        }
    }
}
