//! The picker every catalog field uses: type to filter (fuzzy, matched letters
//! highlighted), move, Enter to accept, Esc to leave unchanged; Space toggles and Ctrl-A
//! toggles every shown entry in multi pickers. Colours show as a swatch beside the name,
//! never alone.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

use super::{Answer, Context, Popup, Reply};
use crate::contact::catalog::{Item, Items};
use crate::tui::fuzzy::Fuzzy;
use crate::tui::keymap::{self, Action, Scope};
use crate::tui::ranking::{Matchers, Ranking, Search};
use crate::tui::theme::Theme;

/// Rows a page key moves (about a popup's height).
const PAGE: usize = 10;

/// An open picker. Its list is the catalog's own (shared, not copied) and its search
/// strings are the ones every picker on that list shares (see `ranking`).
#[derive(Debug, Clone)]
pub struct Picker {
    /// The field it fills.
    pub field_key: String,
    /// Title (the field's label).
    pub title: String,
    /// Several may be chosen.
    pub multi: bool,
    items: Items,
    /// "(none)", offered first by a single picker of an optional field.
    none: Option<Item>,
    /// Whether an id typed as the filter may be chosen though the list lacks it (a list
    /// only learned from contacts, like Chatwoot's inboxes).
    takes_ids: bool,
    /// The row for the id typed as the filter, first while it is shown.
    typed: Option<Item>,
    search: Search,
    /// The filter typed so far.
    pub filter: String,
    /// Highlighted row among the shown ones ("(none)" is row 0 when shown).
    pub cursor: usize,
    /// Chosen ids.
    pub chosen: Vec<String>,
    ranking: Ranking,
    matchers: Matchers,
    toggled: bool,
    fuzzy: Fuzzy,
    /// Matched letter positions of the entries around the cursor, by entry index.
    marks: Vec<(usize, Vec<usize>)>,
}

/// How many entries around the cursor get their matched letters computed: more than a
/// screen holds, so scrolling never shows an entry without its highlight.
const MARK_WINDOW: usize = 60;

impl Picker {
    /// Opens a picker over `items`, matching with `search` (the items' names, converted
    /// by [`crate::tui::ranking::search`]; `None` converts them now). A single picker of an
    /// optional field offers "(none)" first.
    #[must_use]
    pub fn new(
        field_key: &str,
        title: &str,
        items: Items,
        search: Option<Search>,
        chosen: Vec<String>,
        flags: (bool, bool),
    ) -> Self {
        let (multi, allow_none) = flags;
        let search = search
            .unwrap_or_else(|| crate::tui::ranking::search(items.iter().map(|i| i.name.as_str())));
        let none = (allow_none && !multi).then(|| Item {
            id: String::new(),
            name: "(none)".to_owned(),
            ..Item::default()
        });
        let mut p = Self {
            field_key: field_key.to_owned(),
            title: title.to_owned(),
            multi,
            ranking: Ranking::all(items.len()),
            items,
            none,
            takes_ids: false,
            typed: None,
            search,
            filter: String::new(),
            cursor: 0,
            chosen,
            matchers: Matchers::default(),
            toggled: false,
            fuzzy: Fuzzy::default(),
            marks: Vec::new(),
        };
        if !multi && let Some(current) = p.chosen.first().filter(|c| !c.is_empty()) {
            let at = p.items.position(current).map_or(0, |i| i + p.offset());
            p.ranking.order_up_to(at + 1);
            p.cursor = at;
        }
        p.mark();
        p
    }

    /// Lets an id typed as the filter be chosen though the list lacks it: a list only
    /// learned from contacts holds only the ids seen so far.
    #[must_use]
    pub fn taking_ids(mut self) -> Self {
        self.takes_ids = true;
        self
    }

    /// The search strings, to give the next picker on the same list.
    #[must_use]
    pub fn search(&self) -> Search {
        self.search.clone()
    }

    /// Whether names are still to be ranked (see `tui::ranking`).
    #[must_use]
    pub fn busy(&self) -> bool {
        self.ranking.busy()
    }

    /// Ranks the next part of a big list.
    pub fn step(&mut self) {
        {
            let better = accented(&self.filter, &self.items);
            self.ranking.step(&self.search, &mut self.matchers, &better);
        }
        self.cursor = self.cursor.min(self.rows().saturating_sub(1));
        self.order_around_cursor();
        self.mark();
    }

    /// The list it shows.
    #[must_use]
    pub fn items(&self) -> &Items {
        &self.items
    }

    /// Shows `items` instead (the catalog changed while the picker was open: the
    /// config's long lists arrived, or a refresh), keeping the filter and what was
    /// chosen.
    pub fn set_items(&mut self, items: Items, search: Option<Search>) {
        self.search = search
            .unwrap_or_else(|| crate::tui::ranking::search(items.iter().map(|i| i.name.as_str())));
        self.items = items;
        self.ranking = Ranking::all(self.items.len());
        self.refilter();
    }

    /// 1 when "(none)" or a typed id is the first row, else 0 (never both: "(none)"
    /// shows with no filter, a typed id with one).
    fn offset(&self) -> usize {
        usize::from(self.none.is_some() && self.filter.trim().is_empty())
            + usize::from(self.typed.is_some())
    }

    /// How many rows are shown.
    fn rows(&self) -> usize {
        self.offset() + self.ranking.len()
    }

    /// The entry on `row`, if that row is in order yet.
    fn at(&self, row: usize) -> Option<&Item> {
        match (self.offset(), row) {
            (1, 0) => self.typed.as_ref().or(self.none.as_ref()),
            (off, row) => self.items.get(self.ranking.get(row.checked_sub(off)?)?),
        }
    }

    /// Puts the rows up to a screen past the cursor in order.
    fn order_around_cursor(&mut self) {
        self.ranking.order_up_to(self.cursor + MARK_WINDOW);
    }

    fn refilter(&mut self) {
        let id = self.filter.trim();
        self.typed = (self.takes_ids
            && !id.is_empty()
            && id.len() <= 18
            && id.bytes().all(|b| b.is_ascii_digit())
            && !id.starts_with('0')
            && self.items.position(id).is_none())
        .then(|| Item {
            id: id.to_owned(),
            name: format!("id {id} (as typed; not seen yet)"),
            ..Item::default()
        });
        {
            let better = accented(&self.filter, &self.items);
            self.ranking
                .refine(&self.filter, &self.search, &mut self.matchers, &better);
        }
        self.cursor = self.cursor.min(self.rows().saturating_sub(1));
        self.order_around_cursor();
        self.mark();
    }

    /// Computes the highlighted letters of the entries near the cursor.
    fn mark(&mut self) {
        if self.filter.trim().is_empty() {
            self.marks.clear();
            return;
        }
        let start = self.cursor.saturating_sub(MARK_WINDOW / 2);
        let off = self.offset();
        let window: Vec<usize> = (start..start + MARK_WINDOW)
            .filter_map(|row| self.ranking.get(row.checked_sub(off)?))
            .collect();
        self.marks = window
            .into_iter()
            .filter_map(|i| {
                let name = &self.items.get(i)?.name;
                Some((i, self.fuzzy.positions(&self.filter, name)))
            })
            .collect();
    }

    fn toggle_all(&mut self) {
        self.toggled = true;
        let ids: Vec<String> = self
            .ranking
            .matched()
            .filter_map(|i| Some(self.items.get(i)?.id.clone()))
            .collect();
        if ids.iter().all(|id| self.chosen.contains(id)) {
            self.chosen.retain(|c| !ids.contains(c));
        } else {
            let have: std::collections::HashSet<String> = self.chosen.iter().cloned().collect();
            self.chosen
                .extend(ids.into_iter().filter(|id| !have.contains(id)));
        }
    }

    /// The entries shown under the filter, in order, as far as they are ranked yet
    /// (at least a screen past the cursor).
    pub fn shown(&self) -> impl Iterator<Item = &Item> {
        let first = self.at(0).filter(|_| self.offset() == 1);
        first
            .into_iter()
            .chain(self.ranking.rows().filter_map(|i| self.items.get(i)))
    }

    fn toggle(&mut self) {
        let Some(item) = self.at(self.cursor) else {
            return;
        };
        let id = item.id.clone();
        self.toggled = true;
        match self.chosen.iter().position(|c| *c == id) {
            Some(at) => drop(self.chosen.remove(at)),
            None => self.chosen.push(id),
        }
    }

    /// Applies an action. A picker needs nothing from around it, so this is also what a
    /// paste calls to type into the filter; [`Popup::update`] forwards here.
    pub fn update(&mut self, action: Action) -> Reply {
        match action {
            Action::Cancel => return Reply::Close,
            Action::RefreshCatalog => return Reply::Done(Answer::Refresh),
            Action::Up => {
                self.cursor = self.cursor.saturating_sub(1);
                self.mark();
            }
            Action::Down => {
                self.cursor = (self.cursor + 1).min(self.rows().saturating_sub(1));
                self.order_around_cursor();
                self.mark();
            }
            Action::PageUp | Action::First => {
                let step = if action == Action::First {
                    usize::MAX
                } else {
                    PAGE
                };
                self.cursor = self.cursor.saturating_sub(step);
                self.mark();
            }
            Action::PageDown | Action::Last => {
                let last = self.rows().saturating_sub(1);
                self.cursor = if action == Action::Last {
                    last
                } else {
                    (self.cursor + PAGE).min(last)
                };
                self.order_around_cursor();
                self.mark();
            }
            Action::Toggle if self.multi => {
                self.toggle();
                // The filter found what was wanted: cleared, so the next name is typed
                // at once (it stayed, and the next letters joined the old filter).
                if !self.filter.is_empty() {
                    let toggled = self.at(self.cursor).map(|i| i.id.clone());
                    self.filter.clear();
                    self.refilter();
                    if let Some(id) = toggled {
                        let row =
                            (0..self.rows()).find(|&r| self.at(r).is_some_and(|i| i.id == id));
                        self.cursor = row.unwrap_or(0);
                        self.order_around_cursor();
                    }
                }
            }
            Action::ToggleAll if self.multi => self.toggle_all(),
            Action::Accept => {
                if self.multi {
                    // Typed a filter and pressed Enter without toggling: they mean this one.
                    if !self.toggled && !self.filter.is_empty() {
                        self.toggle();
                    }
                    return Reply::Done(Answer::Chosen(self.chosen.clone()));
                }
                return match self.at(self.cursor) {
                    Some(item) if item.id.is_empty() => Reply::Done(Answer::Chosen(Vec::new())),
                    Some(item) => Reply::Done(Answer::Chosen(vec![item.id.clone()])),
                    None => Reply::Stay,
                };
            }
            Action::Edit(e) if crate::tui::fuzzy::edit_filter(&mut self.filter, e) => {
                self.cursor = 0;
                self.refilter();
            }
            _ => {}
        }
        Reply::Stay
    }

    /// Draws the picker as a popup over `area`; [`Popup::draw`] forwards here.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let width = area.width.clamp(20, 60);
        let height = area.height.clamp(6, 20);
        let popup = Rect {
            x: area.x + (area.width - width) / 2,
            y: area.y + (area.height - height) / 3,
            width,
            height,
        };
        let keys: &[(Action, &str)] = if self.multi {
            &[
                (Action::Toggle, "toggles"),
                (Action::ToggleAll, "all shown"),
                (Action::Accept, "accepts"),
                (Action::RefreshCatalog, "refresh"),
                (Action::Cancel, "closes"),
            ]
        } else {
            &[
                (Action::Accept, "chooses"),
                (Action::RefreshCatalog, "refresh"),
                (Action::Cancel, "closes"),
            ]
        };
        let bottom = keymap::hint(Scope::Picker, keys);
        let inner = super::boxed(frame, popup, &self.title, &bottom);
        let filter = Paragraph::new(Line::from(vec![
            Span::styled("filter: ", theme.hint()),
            Span::raw(self.filter.as_str()),
        ]));
        frame.render_widget(filter, Rect { height: 1, ..inner });
        // Where the cursor is among the entries shown ("17 of 40").
        let total = self.rows();
        if total > 0 {
            let at = format!("{} of {total}", self.cursor + 1);
            frame.render_widget(
                Paragraph::new(Span::styled(at, theme.hint()))
                    .alignment(ratatui::layout::Alignment::Right),
                Rect { height: 1, ..inner },
            );
        }
        let list_area = Rect {
            y: inner.y + 1,
            height: inner.height.saturating_sub(1),
            ..inner
        };
        // Only the rows on screen are built, so a 100,000-entry catalog draws as fast as 20.
        let height = usize::from(list_area.height).max(1);
        let offset = self.cursor.saturating_sub(height - 1);
        let items: Vec<ListItem> = self
            .shown()
            .skip(offset)
            .take(height)
            .map(|i| ListItem::new(self.row(i, theme)))
            .collect();
        let empty = items.is_empty();
        let mut state = ListState::default().with_selected(Some(self.cursor - offset));
        frame.render_stateful_widget(
            List::new(items).highlight_style(theme.selected()),
            list_area,
            &mut state,
        );
        if empty {
            frame.render_widget(
                Paragraph::new(Span::styled("no match", theme.hint())),
                list_area,
            );
        }
        // The terminal cursor sits on the selected row, where a screen reader reads; the
        // filter shows what is typed. With no match, it stays at the end of the filter.
        if empty {
            let col = u16::try_from(Span::raw(self.filter.as_str()).width()).unwrap_or(0);
            frame.set_cursor_position((inner.x + 8 + col, inner.y));
        } else {
            let row = u16::try_from(self.cursor - offset).unwrap_or(0);
            frame.set_cursor_position((list_area.x, list_area.y + row));
        }
    }

    fn row(&self, item: &Item, theme: Theme) -> Line<'static> {
        let mut spans = Vec::new();
        if self.multi {
            let mark = if self.chosen.contains(&item.id) {
                "[x] "
            } else {
                "[ ] "
            };
            spans.push(Span::raw(mark));
        }
        if item.color.is_some() {
            spans.push(Span::styled("■ ", theme.swatch(item.color.as_deref())));
        }
        let marks = self
            .marks
            .iter()
            .find(|(i, _)| self.items.get(*i).is_some_and(|it| it.id == item.id))
            .map(|(_, m)| m.as_slice())
            .unwrap_or_default();
        // Inert replaces a character by one character: the marks stay on their letters.
        spans.extend(highlighted(&crate::text::inert(&item.name), marks, theme));
        if item.system {
            spans.push(Span::styled(" (system)", theme.hint()));
        }
        Line::from(spans)
    }
}

impl Popup for Picker {
    fn scope(&self) -> Scope {
        Scope::Picker
    }

    fn update(&mut self, action: Action, _cx: &Context<'_>) -> Reply {
        Picker::update(self, action)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Context<'_>) {
        Picker::draw(self, frame, area, cx.theme);
    }
}

/// A filter typed with accents or `ñ` means them: names that hold it as typed rank
/// before names that only match it folded (`ñ` ranks Ñandú Club above Navidad); a plain
/// ASCII filter prefers nothing and folds as before (`nandu` finds Ñandú Club). Asked
/// once per match, as the ranking finds it.
fn accented<'a>(filter: &str, items: &'a Items) -> impl Fn(u32) -> bool + 'a {
    let typed = filter.trim().to_lowercase();
    let wanted = !typed.is_ascii();
    move |i| {
        wanted
            && items
                .get(i as usize)
                .is_some_and(|it| it.name.to_lowercase().contains(&typed))
    }
}

/// The name as spans, matched letters emphasised (bold and underlined: not colour alone).
fn highlighted(name: &str, marks: &[usize], theme: Theme) -> Vec<Span<'static>> {
    if marks.is_empty() {
        return vec![Span::raw(name.to_owned())];
    }
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_marked = false;
    for (i, c) in name.chars().enumerate() {
        let marked = marks.binary_search(&i).is_ok();
        if marked != run_marked && !run.is_empty() {
            spans.push(mark_span(std::mem::take(&mut run), run_marked, theme));
        }
        run_marked = marked;
        run.push(c);
    }
    spans.push(mark_span(run, run_marked, theme));
    spans
}

fn mark_span(text: String, marked: bool, theme: Theme) -> Span<'static> {
    if marked {
        Span::styled(text, theme.matched())
    } else {
        Span::raw(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::Edit;

    fn items() -> Items {
        ["VIP", "Soporte", "Ñandú Club", "中文客户"]
            .iter()
            .enumerate()
            .map(|(i, n)| Item {
                id: format!("t{i}"),
                name: (*n).to_owned(),
                ..Item::default()
            })
            .collect()
    }

    #[test]
    fn filters_toggles_and_accepts() {
        let mut p = Picker::new("tags", "Tags", items(), None, vec![], (true, false));
        for c in "ñan".chars() {
            p.update(Action::Edit(Edit::Insert(c)));
        }
        assert_eq!(
            p.shown().map(|i| i.name.as_str()).collect::<Vec<_>>(),
            ["Ñandú Club"]
        );
        p.update(Action::Toggle);
        p.update(Action::Edit(Edit::DeleteWord));
        p.update(Action::Edit(Edit::Insert('中')));
        p.update(Action::Toggle);
        assert_eq!(
            p.update(Action::Accept),
            Reply::Done(Answer::Chosen(vec!["t2".into(), "t3".into()]))
        );
    }

    #[test]
    fn a_single_picker_offers_none_and_esc_changes_nothing() {
        let mut p = Picker::new(
            "pipeline_stage_id",
            "Stage",
            items(),
            None,
            vec!["t1".into()],
            (false, true),
        );
        assert_eq!(p.shown().next().map(|i| i.name.as_str()), Some("(none)"));
        assert_eq!(p.update(Action::Cancel), Reply::Close);
        assert_eq!(
            p.update(Action::Accept),
            Reply::Done(Answer::Chosen(vec!["t1".into()]))
        );
        p.update(Action::Up);
        p.update(Action::Up);
        assert_eq!(
            p.update(Action::Accept),
            Reply::Done(Answer::Chosen(vec![]))
        );
    }
}
