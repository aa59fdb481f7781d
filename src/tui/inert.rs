//! The last gate before the terminal: a backend that never lets a drawn cell carry a
//! character the terminal would obey instead of show.
//!
//! ratatui drops control characters when text is laid out, silently: a catalog name
//! carrying ESC or BEL would lose them without a trace, while every other screen shows
//! them as `␛` and `␇`. So every string from a server, a file or a paste is made inert
//! where it is turned into words ([`crate::text`]): field values and labels, picker
//! rows and titles, the quick-add preview and the status bar included, one rule
//! everywhere. ratatui does not drop the bidi overrides and isolates (format characters
//! of width zero, which it may append to the previous cell), and a widget may set a
//! cell's symbol directly: this wrapper guarantees the rule for whatever reaches the
//! screen anyway.
//!
//! It also keeps the terminal showing what ratatui believes it shows where a cell's symbol
//! is a cluster of several characters (Devanagari `भा`, a letter and its combining marks,
//! an emoji sequence). ratatui takes `भा` for one character two columns wide, and when
//! it later writes a narrower one over it, counts on the terminal to blank the second
//! column, as terminals do for a real wide character. But terminals lay a cluster out
//! character by character (tmux puts the vowel sign `ा` in a column of its own), so the
//! mark stayed on the screen, on rows that had nothing to do with it, until a full
//! redraw. This backend remembers where clusters were drawn and what it last drew in
//! each cell, and when a cluster is overwritten it writes its other columns again. The
//! cell after a cluster also starts a new run, which the backend places with an explicit
//! cursor move, so a terminal that draws the cluster a column wider or narrower than
//! ratatui does not shift the rest of the row.

use std::borrow::Cow;

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

use crate::text;

/// A backend that cleans every cell it draws and repairs after clusters (see the module
/// comment).
#[derive(Debug)]
pub struct Inert<B> {
    backend: B,
    /// What was last drawn in each cell, row by row (blank after a clear).
    shadow: Vec<Cell>,
    /// The shadow's width (0 before the first draw, or after a resize).
    width: u16,
    /// Where clusters wider than one column were drawn: (x, y) → columns.
    clusters: std::collections::HashMap<(u16, u16), u16>,
}

impl<B: Backend> Inert<B> {
    /// Wraps `backend`.
    pub fn new(backend: B) -> Self {
        Self {
            backend,
            shadow: Vec::new(),
            width: 0,
            clusters: std::collections::HashMap::new(),
        }
    }

    /// The wrapped backend.
    pub fn inner(&self) -> &B {
        &self.backend
    }

    /// The wrapped backend, to change.
    pub fn inner_mut(&mut self) -> &mut B {
        &mut self.backend
    }

    /// Sizes the shadow to the terminal; a new size forgets it, as ratatui redraws all.
    fn fit_shadow(&mut self) {
        let Ok(size) = self.backend.size() else {
            return;
        };
        let cells = usize::from(size.width) * usize::from(size.height);
        if size.width != self.width || self.shadow.len() != cells {
            self.forget(size.width, cells);
        }
    }

    fn forget(&mut self, width: u16, cells: usize) {
        self.width = width;
        self.shadow.clear();
        self.shadow.resize(cells, Cell::EMPTY);
        self.clusters.clear();
    }

    fn at(&self, x: u16, y: u16) -> Option<usize> {
        let i = usize::from(y) * usize::from(self.width) + usize::from(x);
        (x < self.width && i < self.shadow.len()).then_some(i)
    }
}

/// How many columns ratatui gives a cell whose symbol is a cluster (1 for a plain one).
fn cluster_width(cell: &Cell) -> u16 {
    if cell.symbol().chars().nth(1).is_none() {
        return 1;
    }
    u16::try_from(ratatui::text::Span::raw(cell.symbol()).width()).unwrap_or(1)
}

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
        self.fit_shadow();
        let mut cells: Vec<(u16, u16, Cow<'a, Cell>)> = content
            .map(|(x, y, cell)| match clean(cell.symbol()) {
                None => (x, y, Cow::Borrowed(cell)),
                Some(symbol) => {
                    let mut safe = cell.clone();
                    safe.set_symbol(&symbol);
                    (x, y, Cow::Owned(safe))
                }
            })
            .collect();
        // A cluster overwritten by something narrower: its other columns are written again
        // with what they hold (ratatui left them out as unchanged).
        let drawn: std::collections::HashSet<(u16, u16)> =
            cells.iter().map(|(x, y, _)| (*x, *y)).collect();
        let mut again = Vec::new();
        for (x, y, cell) in &cells {
            let Some(&wide) = self.clusters.get(&(*x, *y)) else {
                continue;
            };
            let still = self.at(*x, *y).is_some_and(|i| self.shadow[i] == **cell);
            if still || cluster_width(cell) >= wide {
                continue;
            }
            for dx in cluster_width(cell)..wide {
                let column = x.saturating_add(dx);
                if let Some(i) = self.at(column, *y)
                    && !drawn.contains(&(column, *y))
                {
                    again.push((column, *y, Cow::Owned(self.shadow[i].clone())));
                }
            }
        }
        if !again.is_empty() {
            cells.extend(again);
            cells.sort_by_key(|(x, y, _)| (*y, *x));
        }
        for (x, y, cell) in &cells {
            if let Some(i) = self.at(*x, *y) {
                self.shadow[i] = cell.as_ref().clone();
            }
            // ratatui holds the columns a wide symbol covers as blanks in its style.
            let covers = if cell.symbol().is_ascii() {
                1
            } else {
                u16::try_from(ratatui::text::Span::raw(cell.symbol()).width()).unwrap_or(1)
            };
            for dx in 1..covers {
                if let Some(i) = self.at(x.saturating_add(dx), *y) {
                    let mut blank = cell.as_ref().clone();
                    blank.set_symbol(" ");
                    self.shadow[i] = blank;
                }
            }
            match cluster_width(cell) {
                1 => self.clusters.remove(&(*x, *y)),
                wide => self.clusters.insert((*x, *y), wide),
            };
        }
        let mut rest = cells.as_slice();
        while !rest.is_empty() {
            // Up to and including the next cluster; what follows it is placed anew.
            let end = rest
                .iter()
                .position(|(_, _, cell)| cell.symbol().chars().nth(1).is_some())
                .map_or(rest.len(), |at| at + 1);
            let (run, after) = rest.split_at(end);
            self.backend
                .draw(run.iter().map(|(x, y, cell)| (*x, *y, cell.as_ref())))?;
            rest = after;
        }
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.backend.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.backend.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.backend.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.backend.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.backend.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        let cells = self.shadow.len();
        self.forget(self.width, cells);
        self.backend.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        // Part of the screen blanked: what the shadow says there is no longer known.
        let cells = self.shadow.len();
        self.forget(self.width, cells);
        self.backend.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.backend.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.backend.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.backend.flush()
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
        let mut terminal = Terminal::new(Inert::new(TestBackend::new(30, 2))).unwrap();
        terminal
            .draw(|f| {
                let area = f.area();
                f.render_widget(Paragraph::new("ab\u{202E}cd \u{1b}[2J ok"), area);
                f.buffer_mut()[(0, 1)].set_symbol("\u{9b}");
                f.buffer_mut()[(1, 1)].set_symbol("x\u{2066}");
            })
            .unwrap();
        let buffer = terminal.backend().inner().buffer();
        for cell in buffer.content() {
            assert!(!cell.symbol().chars().any(text::is_unsafe), "{cell:?}");
        }
        let first: String = (0..12).map(|x| buffer[(x, 0)].symbol()).collect();
        assert_eq!(first, "abcd [2J ok ");
        assert_eq!(buffer[(0, 1)].symbol(), "\u{FFFD}");
        assert_eq!(buffer[(1, 1)].symbol(), "x");
    }

    /// A writer the test keeps a handle on.
    #[derive(Clone, Default)]
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl std::io::Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        /// What was written since the last call.
        fn take(&self) -> String {
            String::from_utf8_lossy(&std::mem::take(&mut *self.0.borrow_mut())).into_owned()
        }
    }

    fn terminal(
        width: u16,
    ) -> (
        Terminal<Inert<ratatui::backend::CrosstermBackend<Shared>>>,
        Shared,
    ) {
        let out = Shared::default();
        let backend = ratatui::backend::CrosstermBackend::new(out.clone());
        let mut terminal = Terminal::new(Inert::new(backend)).unwrap();
        terminal
            .resize(ratatui::layout::Rect::new(0, 0, width, 1))
            .unwrap();
        (terminal, out)
    }

    /// Issue 15: the cell after a cluster (`é` as `e` and a combining accent) is placed
    /// with an explicit cursor move, so a terminal that draws the cluster wider does not
    /// shift the rest of the row; plain text runs on without moves.
    #[test]
    fn the_cell_after_a_cluster_is_placed_explicitly() {
        let (mut terminal, out) = terminal(20);
        terminal
            .draw(|f| f.render_widget(Paragraph::new("Jose\u{301}k ok"), f.area()))
            .unwrap();
        let bytes = out.take();
        let after = &bytes[bytes.find("e\u{301}").unwrap() + 3..];
        let placed = after.find("\u{1b}[1;5Hk").expect("k is placed");
        assert!(!after[..placed].contains('k'), "{bytes:?}");
        assert!(bytes.contains("Jos"), "plain text runs on: {bytes:?}");
    }

    /// Issue 15: after choosing "India … भारत" the vowel sign stayed on other rows:
    /// ratatui left the second column of `भा` out when something narrower replaced it.
    /// The backend writes that column again.
    #[test]
    fn an_overwritten_cluster_leaves_no_mark() {
        let (mut terminal, out) = terminal(20);
        terminal
            .draw(|f| f.render_widget(Paragraph::new("ab भारत"), f.area()))
            .unwrap();
        out.take();
        terminal
            .draw(|f| f.render_widget(Paragraph::new("ab x"), f.area()))
            .unwrap();
        let bytes = out.take();
        // भा was in columns 4 and 5 (1-based); ratatui writes 4, 6 and 7 but not 5, which
        // it holds blank before and after: the backend writes it too, in one run.
        assert!(bytes.contains("\u{1b}[1;4Hx   "), "{bytes:?}");
        // Drawn again the same, nothing is written.
        terminal
            .draw(|f| f.render_widget(Paragraph::new("ab x"), f.area()))
            .unwrap();
        assert!(!out.take().contains('x'));
    }
}
