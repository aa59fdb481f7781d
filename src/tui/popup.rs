//! The one popup contract. Everything drawn over the form (pickers, the profile switcher,
//! help, the outbox and history lists, questions, the quick-add line) is a [`Popup`]: it
//! names the key scope it wants, takes an [`Action`] and gives back a [`Reply`], and draws
//! itself from what it holds plus a read-only [`Context`]. The app handles every popup the
//! same way: resolve in its scope, update, then keep it, close it, or act on its answer.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::app::{App, ProfileState};
use super::keymap::{Action, Scope};
use super::theme::Theme;
use crate::engine::outbox::Item;
use crate::engine::record::Entry;

mod confirm;
pub mod find;
pub mod help;
pub mod lists;
pub mod picker;
pub mod quick;
pub mod switcher;

pub use help::Help;
pub use lists::{OutboxList, RecentList};

/// What a popup may read while it updates or draws: the app around it, never changed.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Styles.
    pub theme: Theme,
    /// The active profile (its flavour, catalog and default region).
    pub profile: &'a ProfileState,
    /// Contacts waiting in the outbox.
    pub outbox: &'a [Item],
    /// Outbox files that do not read as items.
    pub outbox_damaged: &'a [crate::engine::outbox::Damaged],
    /// Contacts created recently, newest last.
    pub recent: &'a [Entry],
    /// The spinner's frame.
    pub tick: usize,
}

impl<'a> Context<'a> {
    /// The context of `app`'s popup.
    #[must_use]
    pub fn of(app: &'a App) -> Self {
        Self {
            theme: app.theme,
            profile: app.current(),
            outbox: &app.outbox,
            outbox_damaged: &app.outbox_damaged,
            recent: &app.recent,
            tick: app.tick,
        }
    }
}

/// What an action did to a popup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Still open.
    Stay,
    /// Closed; nothing else to do.
    Close,
    /// Closed with an answer the app acts on (it may open the popup again).
    Done(Answer),
}

/// The answers popups give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A question: yes.
    Yes,
    /// A picker: these ids chosen (none clears the field).
    Chosen(Vec<String>),
    /// The switcher: make this profile active.
    Profile(usize),
    /// The outbox: send what waits now.
    Resend,
    /// A picker: refresh the catalog and stay open.
    Refresh,
    /// Quick add: create the contact from the line.
    Create,
    /// Quick add: review the line in the full form.
    Expand,
    /// Find: open this contact (its id and name).
    Open(String, String),
    /// The duplicate question: update the contact the CRM has with what was typed.
    Update,
}

/// A popup over the form.
pub trait Popup {
    /// The scope its keys resolve in.
    fn scope(&self) -> Scope;
    /// Applies an action.
    fn update(&mut self, action: Action, cx: &Context<'_>) -> Reply;
    /// Draws it over `area` (the whole screen).
    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Context<'_>);
}

/// A boxed popup (a big one, kept off the stack of every mode) is a popup too.
impl<P: Popup + ?Sized> Popup for Box<P> {
    fn scope(&self) -> Scope {
        (**self).scope()
    }

    fn update(&mut self, action: Action, cx: &Context<'_>) -> Reply {
        (**self).update(action, cx)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Context<'_>) {
        (**self).draw(frame, area, cx);
    }
}

/// `text` in lines of at most `width` columns, broken at spaces (a word longer than a
/// whole line stays whole, and the border cuts it).
#[must_use]
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines
            .last_mut()
            .map_or(0, |l| ratatui::text::Span::raw(l.as_str()).width());
        let w = ratatui::text::Span::raw(word).width();
        if line > 0 && line + 1 + w > width {
            lines.push(String::new());
        }
        if let Some(last) = lines.last_mut() {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

/// A key hint (` Enter chooses · Ctrl-R refresh · Esc closes `) cut to `width` columns
/// at its ` · `: the first key (what the popup is for) and the last (how to leave) stay,
/// the ones between go from the end; a hint that still does not fit ends in `…`.
#[must_use]
pub fn fit_hint(hint: &str, width: usize) -> String {
    let wide = |s: &str| ratatui::text::Span::raw(s).width();
    let mut parts: Vec<&str> = hint.trim().split(" · ").collect();
    let joined = |parts: &[&str]| format!(" {} ", parts.join(" · "));
    while wide(&joined(&parts)) > width && parts.len() > 2 {
        parts.remove(parts.len() - 2);
    }
    let mut out = joined(&parts);
    if wide(&out) > width {
        let mut cut = String::new();
        for c in out.chars() {
            if wide(&cut) + wide(&c.to_string()) + 1 > width {
                break;
            }
            cut.push(c);
        }
        out = format!("{}…", cut.trim_end());
    }
    out
}

/// A `width` × `height` box centred across `area`, a third of the way down.
#[must_use]
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 3,
        width: w,
        height: h,
    }
}

/// Clears `r` and draws a popup's frame on it: `title` on top, `bottom` (the keys that
/// answer it) below, as many of its keys as the border holds. Returns the inside.
pub fn boxed(frame: &mut Frame, r: Rect, title: &str, bottom: &str) -> Rect {
    let bottom = fit_hint(bottom, usize::from(r.width.saturating_sub(2)));
    let block = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .title(format!(" {} ", crate::text::inert(title)))
        .title_bottom(bottom);
    let inner = block.inner(r);
    frame.render_widget(ratatui::widgets::Clear, r);
    frame.render_widget(block, r);
    inner
}
