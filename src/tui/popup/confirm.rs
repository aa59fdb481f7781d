//! A yes/no question ("Clear the form?", "Create … in …?", a likely duplicate, the outbox
//! offer, an update's changes): Enter answers yes, Esc no; other keys leave it open. No
//! letter answers: a question that appears while the agent types would take a typed `y`
//! or `N`. The duplicate question may have two answers: Up and Down choose, Enter gives
//! the one marked (creating anyway stays the first, as it always was).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{Answer, Context, Popup, Reply, centered};
use crate::tui::app::Question;
use crate::tui::keymap::{self, Action, Scope};

impl Popup for Question {
    fn scope(&self) -> Scope {
        Scope::Confirm
    }

    fn update(&mut self, action: Action, _cx: &Context<'_>) -> Reply {
        match (action, &mut *self) {
            (
                Action::Yes,
                Question::Duplicate {
                    update: Some(_),
                    chosen: true,
                    ..
                },
            ) => Reply::Done(Answer::Update),
            (Action::Yes, _) => Reply::Done(Answer::Yes),
            (Action::Cancel, _) => Reply::Close,
            (
                Action::Up | Action::Down,
                Question::Duplicate {
                    update: Some(_),
                    chosen,
                    ..
                },
            ) => {
                *chosen = action == Action::Down;
                Reply::Stay
            }
            _ => Reply::Stay,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, _cx: &Context<'_>) {
        draw_confirm(frame, area, self);
    }
}

fn draw_confirm(frame: &mut Frame, area: Rect, q: &Question) {
    let text = match q {
        Question::Submit(s)
        | Question::Duplicate { text: s, .. }
        | Question::Outbox(s)
        | Question::Update(s)
        | Question::Recreate(s)
        | Question::StopEditing(s) => s.clone(),
        Question::Clear => "Clear the form? What you typed will be gone.".to_owned(),
    };
    // As wide as the question, up to 70 columns and the screen; longer ones wrap at
    // spaces (each of its lines on its own), and the box grows to hold every line.
    let width = usize::from(area.width.saturating_sub(2)).min(70);
    let text_width = width.saturating_sub(2).max(10);
    // Names and values in a question come from servers: shown, never obeyed.
    let mut lines: Vec<Line> = text
        .lines()
        .flat_map(|l| super::wrap(&crate::text::inert(l), text_width))
        .map(Line::from)
        .collect();
    let key = |a| keymap::key_for(a, Scope::Confirm);
    let answers = match q {
        Question::Duplicate {
            update: Some((id, name)),
            chosen,
            ..
        } => {
            let mark = |on: bool| if on { "▸ " } else { "  " };
            lines.push(Line::from(format!(
                "{}Create a new contact anyway",
                mark(!chosen)
            )));
            let update = format!("Update {name} (id {id}) with what you typed");
            for (n, l) in super::wrap(&update, text_width.saturating_sub(2))
                .into_iter()
                .enumerate()
            {
                let lead = if n == 0 { mark(*chosen) } else { "  " };
                lines.push(Line::from(format!("{lead}{l}")));
            }
            format!(
                "{}/{} choose · {} = the one marked · {} = neither (nothing is sent)",
                key(Action::Up),
                key(Action::Down),
                key(Action::Yes),
                key(Action::Cancel)
            )
        }
        _ => format!("{} = yes · {} = no", key(Action::Yes), key(Action::Cancel)),
    };
    lines.push(Line::from(answers));
    let widest = lines.iter().map(Line::width).max().unwrap_or(0);
    let r = centered(
        area,
        u16::try_from(widest + 2).unwrap_or(u16::MAX).max(30),
        u16::try_from(lines.len() + 2).unwrap_or(u16::MAX),
    );
    frame.render_widget(Clear, r);
    let block = Block::default().borders(Borders::ALL).title(" Confirm ");
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
