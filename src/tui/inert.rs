//! The last gate before the terminal: a backend that never lets a drawn cell carry a
//! character the terminal would obey instead of show.
//!
//! ratatui already drops control characters when text is laid out, but not the bidi
//! overrides and isolates (format characters of width zero, which it may append to the
//! previous cell), and a widget may set a cell's symbol directly. Every string from a
//! server, a file or a paste is made inert where it is turned into words
//! ([`crate::text`]); this wrapper guarantees it for whatever reaches the screen anyway.

use std::borrow::Cow;

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

use crate::text;

/// A backend that cleans every cell it draws (see the module comment).
#[derive(Debug)]
pub struct Inert<B>(pub B);

/// The cell's symbol without bidi formatting, its controls shown as control pictures;
/// `None` when it was already safe (the common case costs one scan, no copy).
fn clean(symbol: &str) -> Option<String> {
    if !symbol.chars().any(text::is_unsafe) {
        return None;
    }
    let kept: String = symbol.chars().filter(|c| !text::is_bidi(*c)).collect();
    let shown = text::inert(&kept).into_owned();
    Some(if shown.is_empty() {
        " ".to_owned()
    } else {
        shown
    })
}

impl<B: Backend> Backend for Inert<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let cells: Vec<(u16, u16, Cow<'a, Cell>)> = content
            .map(|(x, y, cell)| match clean(cell.symbol()) {
                None => (x, y, Cow::Borrowed(cell)),
                Some(symbol) => {
                    let mut safe = cell.clone();
                    safe.set_symbol(&symbol);
                    (x, y, Cow::Owned(safe))
                }
            })
            .collect();
        self.0
            .draw(cells.iter().map(|(x, y, cell)| (*x, *y, cell.as_ref())))
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.0.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.0.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.0.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.0.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.0.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.0.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.0.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::widgets::Paragraph;

    use super::*;

    #[test]
    fn no_drawn_cell_carries_an_unsafe_character() {
        let mut terminal = Terminal::new(Inert(TestBackend::new(30, 2))).unwrap();
        terminal
            .draw(|f| {
                let area = f.area();
                f.render_widget(Paragraph::new("ab\u{202E}cd \u{1b}[2J ok"), area);
                f.buffer_mut()[(0, 1)].set_symbol("\u{9b}");
                f.buffer_mut()[(1, 1)].set_symbol("x\u{2066}");
            })
            .unwrap();
        let buffer = terminal.backend().0.buffer();
        for cell in buffer.content() {
            assert!(!cell.symbol().chars().any(text::is_unsafe), "{cell:?}");
        }
        let first: String = (0..12).map(|x| buffer[(x, 0)].symbol()).collect();
        assert_eq!(first, "abcd [2J ok ");
        assert_eq!(buffer[(0, 1)].symbol(), "\u{FFFD}");
        assert_eq!(buffer[(1, 1)].symbol(), "x");
    }
}
