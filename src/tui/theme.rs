//! Styles in one place. With `NO_COLOR` set, every style drops its colours and keeps
//! only modifiers (bold, reverse, underline), so meaning never rests on colour alone.

use ratatui::style::{Color, Modifier, Style};

/// The styles the screens use.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// Whether colours are allowed.
    pub color: bool,
    /// Whether spinners turn (`ROLO_NO_ANIMATION` stops them: a screen reader re-reads a
    /// changing character, and some people find motion distracting); the elapsed time
    /// is shown as plain text either way.
    pub animate: bool,
}

impl Theme {
    /// Reads `NO_COLOR` (any non-empty value disables colour, per no-color.org) and
    /// `ROLO_NO_ANIMATION` (any non-empty value stops the spinners).
    #[must_use]
    pub fn from_env() -> Self {
        let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        Self {
            color: !set("NO_COLOR"),
            animate: !set("ROLO_NO_ANIMATION"),
        }
    }

    /// The spinner's frame for `tick`, or nothing when animation is off.
    #[must_use]
    pub fn spinner(self, tick: usize) -> &'static str {
        const FRAMES: [&str; 10] = ["⠋ ", "⠙ ", "⠹ ", "⠸ ", "⠼ ", "⠴ ", "⠦ ", "⠧ ", "⠇ ", "⠏ "];
        if self.animate {
            FRAMES[tick % FRAMES.len()]
        } else {
            ""
        }
    }

    fn paint(self, style: Style, fg: Color) -> Style {
        if self.color { style.fg(fg) } else { style }
    }

    /// Field labels.
    #[must_use]
    pub fn label(self) -> Style {
        self.paint(Style::new(), Color::Gray)
    }

    /// The focused field's label.
    #[must_use]
    pub fn label_focused(self) -> Style {
        self.paint(Style::new().add_modifier(Modifier::BOLD), Color::Cyan)
    }

    /// A value being edited.
    #[must_use]
    pub fn value_focused(self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }

    /// Hints such as the normalised phone.
    #[must_use]
    pub fn hint(self) -> Style {
        self.paint(Style::new().add_modifier(Modifier::DIM), Color::DarkGray)
    }

    /// Error lines: colour, and always a glyph and words beside it.
    #[must_use]
    pub fn error(self) -> Style {
        self.paint(Style::new().add_modifier(Modifier::BOLD), Color::Red)
    }

    /// Warnings.
    #[must_use]
    pub fn warn(self) -> Style {
        self.paint(Style::new(), Color::Yellow)
    }

    /// Success.
    #[must_use]
    pub fn ok(self) -> Style {
        self.paint(Style::new().add_modifier(Modifier::BOLD), Color::Green)
    }

    /// The selected row of a list.
    #[must_use]
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// Matched letters in a picker.
    #[must_use]
    pub fn matched(self) -> Style {
        self.paint(
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            Color::Yellow,
        )
    }

    /// Section headings.
    #[must_use]
    pub fn section(self) -> Style {
        self.paint(Style::new().add_modifier(Modifier::BOLD), Color::Blue)
    }

    /// A profile's frame colour (named or `#RRGGBB`), when colours are allowed.
    #[must_use]
    pub fn profile(self, color: Option<&str>) -> Style {
        match color.and_then(parse_color) {
            Some(c) if self.color => Style::new().fg(c),
            _ => Style::new(),
        }
    }

    /// A catalog colour as a swatch style.
    #[must_use]
    pub fn swatch(self, color: Option<&str>) -> Style {
        match color.and_then(parse_color) {
            Some(c) if self.color => Style::new().fg(c),
            _ => Style::new(),
        }
    }
}

/// Reads a colour name or `#RRGGBB`.
#[must_use]
pub fn parse_color(s: &str) -> Option<Color> {
    s.parse::<Color>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spinners_stop_without_animation() {
        let on = Theme {
            color: true,
            animate: true,
        };
        let off = Theme {
            color: true,
            animate: false,
        };
        assert_ne!(on.spinner(0), on.spinner(1));
        assert_eq!(off.spinner(0), "");
        assert_eq!(off.spinner(7), "");
    }
}
