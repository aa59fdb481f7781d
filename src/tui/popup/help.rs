//! The help screen (F1, or ? on a picked field): every binding of the keymap, one row
//! each, generated from [`keymap::BINDINGS`] so it cannot drift from what the keys do.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{Context, Popup, Reply, centered};
use crate::tui::keymap::{self, Action, BINDINGS, Scope};
use crate::tui::theme::Theme;

/// The open help, scrolled this many lines (Up and Down scroll it on small screens).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Help {
    top: u16,
}

impl Popup for Help {
    fn scope(&self) -> Scope {
        Scope::Help
    }

    fn update(&mut self, action: Action, _cx: &Context<'_>) -> Reply {
        match action {
            Action::Up => self.top = self.top.saturating_sub(1),
            Action::Down => {
                let rows = u16::try_from(keymap::BINDINGS.len()).unwrap_or(0);
                self.top = self.top.saturating_add(1).min(rows);
            }
            // Any other key closes it.
            _ => return Reply::Close,
        }
        Reply::Stay
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Context<'_>) {
        draw_help(frame, area, cx.theme, self.top);
    }
}

/// Widest key column; longer key lists get a line of their own.
const KEYS_MAX: usize = 24;

fn draw_help(frame: &mut Frame, area: Rect, theme: Theme, top: u16) {
    let r_width = area.width.min(100);
    let inner = usize::from(r_width.saturating_sub(2)).max(1);
    let lines = help_lines(theme, inner);
    let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let r = centered(area, 100, h);
    let fits = h <= r.height;
    frame.render_widget(Clear, r);
    let hint = if fits {
        " any key closes "
    } else {
        " ↑↓ scroll · any other key closes "
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Keys ")
        .title_bottom(hint);
    let top = if fits {
        0
    } else {
        top.min(h.saturating_sub(r.height))
    };
    frame.render_widget(Paragraph::new(lines).block(block).scroll((top, 0)), r);
}

/// Two columns, keys and what they do, for `width` columns: the text wraps under
/// itself (never under the keys), at spaces; keys wider than their column stand on a
/// line of their own with the text below, indented.
fn help_lines(theme: Theme, width: usize) -> Vec<Line<'static>> {
    let keys = (width / 3).clamp(8, KEYS_MAX);
    let text_width = width.saturating_sub(keys).max(10);
    let mut lines = Vec::new();
    for b in BINDINGS {
        let label = b.label();
        let text = format!("{} ({})", b.help, b.section);
        let wrapped = super::wrap(&text, text_width);
        let label_width = Span::raw(label.as_str()).width();
        let mut rest = wrapped.into_iter();
        if label_width < keys {
            let first = rest.next().unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled(format!("{label:<keys$}"), theme.label_focused()),
                Span::raw(first),
            ]));
        } else {
            lines.push(Line::from(Span::styled(label, theme.label_focused())));
        }
        for more in rest {
            lines.push(Line::from(Span::raw(format!("{:keys$}{more}", ""))));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::tui::keymap;
    use crate::tui::theme::Theme;

    /// The help screen's text, borders dropped and wrapped lines joined.
    fn help_text(width: u16, height: u16) -> String {
        let mut term = Terminal::new(TestBackend::new(width, height)).expect("test backend");
        let theme = Theme {
            color: false,
            animate: false,
        };
        term.draw(|f| draw_help(f, f.area(), theme, 0))
            .expect("draws");
        let buf = term.backend().buffer();
        let mut out = String::new();
        for y in 0..height {
            for x in 0..width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push(' ');
        }
        out.replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn squeeze(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn every_bound_key_is_on_the_help_screen_with_its_line() {
        let help = help_text(120, 80);
        let all = keymap::ALL_SCOPES;
        for key in keymap::tests::every_key() {
            for &scope in all {
                let Some((b, _)) = keymap::binding_for(&key, scope) else {
                    continue;
                };
                let row = squeeze(&format!("{} {} ({})", b.label(), b.help, b.section));
                assert!(
                    help.contains(&row),
                    "{:?} {:?} in {scope:?} works but the help lacks: {row}\n{help}",
                    key.modifiers,
                    key.code
                );
            }
        }
    }

    #[test]
    fn every_help_row_is_a_binding() {
        let help = help_text(120, 80);
        let rows: Vec<String> = BINDINGS
            .iter()
            .map(|b| squeeze(&format!("{} {} ({})", b.label(), b.help, b.section)))
            .collect();
        // Nothing on the screen but the title, the rows, and the closing hint.
        let boxless: String = help.chars().filter(|c| !"┌┐└┘─".contains(*c)).collect();
        let want = format!("Keys {} any key closes", rows.join(" "));
        assert_eq!(squeeze(&boxless), want);
    }
}
