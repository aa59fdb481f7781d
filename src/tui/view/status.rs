//! The two bottom lines: the status and hints above, the profile, quota and catalog
//! freshness below.

use std::time::Instant;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::app::{App, CatalogStatus, Level, ProfileState};
use crate::tui::keymap::{self, Action, Scope};
use crate::tui::theme::Theme;

pub(super) fn draw_footer(frame: &mut Frame, app: &App, area: Rect) {
    let theme = app.theme;
    let problems = app.current().form.visible_problem_count();
    let mut first = Vec::new();
    if let Some(s) = &app.submitting {
        let secs = Instant::now().duration_since(s.started).as_secs_f32();
        first.push(Span::styled(
            format!(
                "{}{} {secs:.1}s ({} cancels)  ",
                theme.spinner(app.tick),
                if s.update {
                    "Updating…"
                } else {
                    "Sending…"
                },
                keymap::key_for(Action::Cancel, Scope::Text)
            ),
            theme.warn(),
        ));
    } else if let Some(waiting) = &app.awaiting_check {
        let secs = Instant::now().duration_since(waiting.since).as_secs_f32();
        first.push(Span::styled(
            format!(
                "{}Checking for duplicates… {secs:.1}s ({} cancels)  ",
                theme.spinner(app.tick),
                keymap::key_for(Action::Cancel, Scope::Text)
            ),
            theme.warn(),
        ));
    } else if let Some((level, text)) = &app.status {
        let style = match level {
            Level::Info => Style::new(),
            Level::Ok => theme.ok(),
            Level::Warn => theme.warn(),
            Level::Error => theme.error(),
        };
        first.push(Span::styled(text.clone(), style));
    }
    let mut second = Vec::new();
    if problems > 0 {
        let s = if problems == 1 { "" } else { "s" };
        second.push(Span::styled(
            format!("✗ {problems} problem{s}  "),
            theme.error(),
        ));
    } else {
        match app.current().form.required_to_fill() {
            0 => second.push(Span::styled("✓ no problems  ", theme.ok())),
            // Short on a narrow terminal, so the footer keeps its keys.
            n if area.width < 100 => {
                second.push(Span::styled(format!("○ {n} to fill  "), theme.hint()));
            }
            n => {
                let s = if n == 1 { "" } else { "s" };
                second.push(Span::styled(
                    format!("○ {n} required field{s} to fill  "),
                    theme.hint(),
                ));
            }
        }
    }
    // Ctrl-E is offered only where it opens the editor.
    let absent: &[Action] = if app.current().form.takes_editor() {
        &[]
    } else {
        &[Action::OpenEditor]
    };
    let left = second.iter().map(Span::width).sum::<usize>();
    let room = usize::from(area.width).saturating_sub(left);
    second.push(Span::styled(
        keymap::footer_fitted(absent, room),
        theme.hint(),
    ));
    let [status, keys] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(Line::from(first)).wrap(Wrap { trim: false }),
        status,
    );
    frame.render_widget(Paragraph::new(Line::from(second)), keys);
}

pub(super) fn draw_status(
    frame: &mut Frame,
    p: &ProfileState,
    area: Rect,
    theme: Theme,
    waiting: usize,
) {
    // (span, what goes first when the line is too long: 1, then 2, then 3; 0 never)
    let mut spans = vec![
        (
            Span::styled(
                format!("● {}", p.profile.name),
                theme
                    .profile(p.profile.color.as_deref())
                    .add_modifier(ratatui::style::Modifier::BOLD),
            ),
            0,
        ),
        (Span::raw(format!(" {}", p.profile.api)), 1),
    ];
    if let Some(e) = &p.editing {
        let what = if e.read_only { "viewing" } else { "editing" };
        let text = format!(
            " · {what} {} (id {})",
            crate::text::inert(&e.name),
            crate::text::inert(&e.id)
        );
        let style = theme
            .profile(p.profile.color.as_deref())
            .add_modifier(ratatui::style::Modifier::BOLD);
        spans.push((Span::styled(text, style), 0));
    }
    if let Some(t) = &p.catalog.tenant {
        spans.push((Span::raw(format!(" · {}", crate::text::inert(&t.name))), 3));
        let plan = format!(
            " ({})",
            crate::text::inert(t.plan.as_deref().unwrap_or("?"))
        );
        spans.push((Span::raw(plan), 2));
    }
    let mut spans = Spans(spans);
    // "no quota API" tells nothing to act on: it goes with the flavour word when narrow.
    let quota = quota(p);
    let level = u8::from(quota == NO_QUOTA);
    spans.0.push((Span::raw(format!(" · {quota}")), level));
    let now = crate::engine::usage_words::unix_now();
    if let Some(rate) = p
        .rate
        .and_then(|r| crate::engine::usage_words::rate_short(&r, now))
    {
        spans.push(Span::raw(format!(" · {rate}")));
    }
    let (text, style) = match &p.catalog_status {
        CatalogStatus::Fresh => ("catalog fresh".to_owned(), theme.ok()),
        CatalogStatus::Refreshing => ("catalog refreshing…".to_owned(), Style::new()),
        CatalogStatus::Cached(t) => (format!("catalog cached {}", short_time(t)), theme.warn()),
        CatalogStatus::Offline(_) if p.catalog.fetched_at.is_some() => {
            ("catalog offline (cached)".to_owned(), theme.error())
        }
        CatalogStatus::Offline(_) => (
            format!(
                "catalog offline: {} retries",
                keymap::key_for(Action::RefreshCatalog, Scope::Text)
            ),
            theme.error(),
        ),
        CatalogStatus::Empty => ("no catalog yet".to_owned(), theme.warn()),
    };
    spans.push(Span::raw(" · "));
    spans.push(Span::styled(text, style));
    if waiting > 0 {
        spans.push(Span::styled(format!(" · outbox {waiting}"), theme.warn()));
    }
    if p.profile.read_only {
        spans.push(Span::styled(" · READ-ONLY", theme.error()));
    }
    frame.render_widget(Paragraph::new(spans.fitted(area.width)), area);
}

/// The status line's pieces, each with what goes first when they do not fit.
struct Spans(Vec<(Span<'static>, u8)>);

impl Spans {
    /// A piece that stays.
    fn push(&mut self, span: Span<'static>) {
        self.0.push((span, 0));
    }

    /// The line in `width` columns: the flavour word goes first, then the plan, then
    /// the tenant; what is left is what the agent acts on (quota, rate, catalog, outbox).
    fn fitted(self, width: u16) -> Line<'static> {
        let mut spans = self.0;
        for drop in 1..=3 {
            let used: usize = spans.iter().map(|(s, _)| s.width()).sum();
            if used <= usize::from(width) {
                break;
            }
            spans.retain(|(_, d)| *d != drop);
        }
        Line::from(spans.into_iter().map(|(s, _)| s).collect::<Vec<_>>())
    }
}

fn short_time(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ")
}

/// What the status bar says for an API with no quota to show (Chatwoot).
const NO_QUOTA: &str = "no quota API";

fn quota(p: &ProfileState) -> String {
    let caps = p.profile.api.caps();
    let estimate = caps.monthly_quota_estimate;
    match p.usage {
        Some(u) => match u.limit {
            Some(l) => format!("contacts {}/{l}", u.current),
            None => format!("contacts {} (unlimited)", u.current),
        },
        None if estimate => match p.profile.monthly_contact_limit {
            Some(l) => format!("this month {}/{l} via rolo", p.created_this_month),
            None => format!("this month {} via rolo", p.created_this_month),
        },
        // An API with neither a usage endpoint nor a plan quota rolo could estimate
        // (Chatwoot): nothing to wait for.
        None if !caps.reports_usage => NO_QUOTA.to_owned(),
        None => "quota unknown".to_owned(),
    }
}
