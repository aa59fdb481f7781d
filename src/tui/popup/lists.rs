//! The two read-only lists: the outbox (F3; r resends now) and the contacts created
//! recently (F4). Any other key closes them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{Answer, Context, Popup, Reply, centered};
use crate::tui::keymap::{self, Action, Scope};

/// The open outbox list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxList;

/// The open list of contacts created recently.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecentList;

impl Popup for OutboxList {
    fn scope(&self) -> Scope {
        Scope::Outbox
    }

    fn update(&mut self, action: Action, _cx: &Context<'_>) -> Reply {
        if action == Action::Accept {
            Reply::Done(Answer::Resend)
        } else {
            Reply::Close
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Context<'_>) {
        draw_outbox(frame, area, cx);
    }
}

impl Popup for RecentList {
    fn scope(&self) -> Scope {
        Scope::Recent
    }

    fn update(&mut self, _action: Action, _cx: &Context<'_>) -> Reply {
        Reply::Close
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Context<'_>) {
        draw_recent(frame, area, cx);
    }
}

fn draw_outbox(frame: &mut Frame, area: Rect, cx: &Context<'_>) {
    let theme = cx.theme;
    let mut lines: Vec<Line> = cx
        .outbox
        .iter()
        .map(|i| {
            let when = i.created_at.get(11..16).unwrap_or_default().to_owned();
            Line::from(vec![
                Span::styled(format!("{when}  {:<14} ", i.profile), theme.hint()),
                Span::raw(format!("{:<24} ", i.name)),
                Span::styled(i.reason.clone(), theme.warn()),
            ])
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            "Nothing waits in the outbox.",
            theme.ok(),
        )));
    }
    let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let r = centered(area, 110, h.max(4));
    frame.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Outbox ")
        .title_bottom(format!(
            " {} resends now · {} closes · `rolo outbox drop ID` removes one ",
            keymap::key_for(Action::Accept, Scope::Outbox),
            keymap::key_for(Action::Cancel, Scope::Outbox)
        ));
    frame.render_widget(Paragraph::new(lines).block(block), r);
}

fn draw_recent(frame: &mut Frame, area: Rect, cx: &Context<'_>) {
    let theme = cx.theme;
    let mut lines: Vec<Line> = cx
        .recent
        .iter()
        .rev()
        .map(|e| {
            let when = e.time.get(..16).unwrap_or(&e.time).replace('T', " ");
            Line::from(vec![
                Span::styled(format!("{when}  {:<14} ", e.profile), theme.hint()),
                Span::raw(format!("{:<10} {:<26} {}", e.id, e.name, e.phone)),
            ])
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            "No contact created yet.",
            theme.hint(),
        )));
    }
    let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let r = centered(area, 110, h.max(4));
    frame.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Created recently ")
        .title_bottom(" any key closes · `rolo history` for all ");
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
