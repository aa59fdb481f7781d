//! The two read-only lists: the outbox (F3; r resends now) and the contacts created
//! recently (F4). Any other key closes them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Answer, Context, Popup, Reply, centered};
use crate::text::inert;
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
                Span::raw(format!("{:<24} ", inert(&crate::engine::outbox::title(i)))),
                Span::styled(inert(&i.reason).into_owned(), theme.warn()),
            ])
        })
        .collect();
    // Never sent, never hidden: what can be read of each, then what to do and what is
    // wrong, on a line of its own (a narrow window cuts the end of a line, not the hint).
    for d in cx.outbox_damaged {
        lines.push(Line::from(vec![
            Span::styled("DAMAGED ", theme.error()),
            Span::styled(
                format!("{:<14} ", d.profile.as_deref().unwrap_or("?")),
                theme.hint(),
            ),
            Span::raw(d.readable()),
        ]));
        lines.push(Line::from(Span::styled(
            format!(
                "  `rolo outbox drop {}` sets it aside · {}",
                crate::engine::outbox::short(&d.id),
                d.damage
            ),
            theme.warn(),
        )));
    }
    let keys = keymap::hint(
        Scope::Outbox,
        &[(Action::Accept, "resends now"), (Action::Cancel, "closes")],
    );
    let empty = Span::styled("Nothing waits in the outbox.", theme.ok());
    let bottom = format!("{keys}· `rolo outbox drop ID` removes one ");
    draw_list(frame, area, lines, empty, "Outbox", &bottom);
}

fn draw_recent(frame: &mut Frame, area: Rect, cx: &Context<'_>) {
    let theme = cx.theme;
    let lines: Vec<Line> = cx
        .recent
        .iter()
        .rev()
        .map(|e| {
            let when = e.time.get(..16).unwrap_or(&e.time).replace('T', " ");
            let mut spans = vec![
                Span::styled(format!("{when}  {:<14} ", e.profile), theme.hint()),
                Span::raw(format!(
                    "{:<10} {:<26} {}",
                    inert(&e.id),
                    inert(&e.name),
                    inert(&e.phone)
                )),
            ];
            if !e.action.is_created() {
                spans.push(Span::styled("  (updated)", theme.hint()));
            }
            Line::from(spans)
        })
        .collect();
    let empty = Span::styled("No contact created yet.", theme.hint());
    let bottom = " any key closes · `rolo history` for all ".to_owned();
    draw_list(frame, area, lines, empty, "Created recently", &bottom);
}

/// A list popup: its lines (or `empty` when there are none) in a box as tall as they
/// need, up to the screen.
fn draw_list<'a>(
    frame: &mut Frame,
    area: Rect,
    mut lines: Vec<Line<'a>>,
    empty: Span<'a>,
    title: &str,
    bottom: &str,
) {
    if lines.is_empty() {
        lines.push(Line::from(empty));
    }
    let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let r = centered(area, 110, h.max(4));
    let inner = super::boxed(frame, r, title, bottom);
    frame.render_widget(Paragraph::new(lines), inner);
    // The terminal cursor on the first row, where a screen reader starts reading.
    frame.set_cursor_position((inner.x, inner.y));
}
