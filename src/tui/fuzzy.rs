//! Fuzzy matching for pickers (nucleo-matcher, the matcher of helix and nucleo): ranked
//! filtering and the positions of matched letters for highlighting. `ñ`, `é` and friends
//! match their plain letters when the query is plain ASCII.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Matcher, Utf32Str, Utf32String};

/// A reusable matcher (it keeps scratch memory between keystrokes).
#[derive(Clone)]
pub struct Fuzzy {
    matcher: Matcher,
    buf: Vec<char>,
}

impl std::fmt::Debug for Fuzzy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fuzzy")
    }
}

impl Default for Fuzzy {
    fn default() -> Self {
        Self {
            matcher: Matcher::new(super::ranking::config()),
            buf: Vec::new(),
        }
    }
}

fn pattern(query: &str) -> Pattern {
    Pattern::new(
        query,
        CaseMatching::Ignore,
        Normalization::Smart,
        AtomKind::Fuzzy,
    )
}

impl Fuzzy {
    /// Indices of the names that match `query`, best first (ties keep their order).
    /// An empty query keeps every name in order.
    pub fn filter<'a>(&mut self, query: &str, names: impl Iterator<Item = &'a str>) -> Vec<usize> {
        if query.trim().is_empty() {
            return names.enumerate().map(|(i, _)| i).collect();
        }
        let pattern = pattern(query);
        let mut scored: Vec<(u32, usize)> = names
            .enumerate()
            .filter_map(|(i, name)| {
                pattern
                    .score(Utf32Str::new(name, &mut self.buf), &mut self.matcher)
                    .map(|s| (s, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, i)| i).collect()
    }

    /// Like [`Fuzzy::filter`], over names converted once ([`Fuzzy::prepare`]) and only
    /// among `subset`: typing one more letter narrows the last result instead of
    /// rescoring the whole catalog.
    pub fn filter_prepared(
        &mut self,
        query: &str,
        names: &[Utf32String],
        subset: impl Iterator<Item = usize>,
    ) -> Vec<usize> {
        if query.trim().is_empty() {
            return subset.collect();
        }
        let pattern = pattern(query);
        let mut scored: Vec<(u32, usize)> = subset
            .filter_map(|i| {
                let name = names.get(i)?;
                pattern
                    .score(name.slice(..), &mut self.matcher)
                    .map(|s| (s, i))
            })
            .collect();
        scored.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, i)| i).collect()
    }

    /// Converts names once for [`Fuzzy::filter_prepared`].
    #[must_use]
    pub fn prepare<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Utf32String> {
        names.map(Utf32String::from).collect()
    }

    /// Character positions of `name` that `query` matched, for highlighting.
    pub fn positions(&mut self, query: &str, name: &str) -> Vec<usize> {
        if query.trim().is_empty() {
            return Vec::new();
        }
        let mut indices = Vec::new();
        pattern(query).indices(
            Utf32Str::new(name, &mut self.buf),
            &mut self.matcher,
            &mut indices,
        );
        indices.sort_unstable();
        indices.dedup();
        indices.into_iter().map(|i| i as usize).collect()
    }
}

/// Applies a typed edit to a list's filter line: a letter, Backspace, or a word
/// deleted (the whole filter). Whether the filter changed, so the list is filtered again
/// and its cursor goes back to the best match.
pub fn edit_filter(filter: &mut String, edit: crate::tui::keymap::Edit) -> bool {
    use crate::tui::keymap::Edit;
    match edit {
        Edit::Insert(c) => filter.push(c),
        Edit::Backspace => return filter.pop().is_some(),
        Edit::DeleteWord if !filter.is_empty() => filter.clear(),
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_matches_and_folds_accents() {
        let names = [
            "Soporte",
            "Ñandú Club",
            "VIP",
            "Pendiente de pago",
            "中文客户",
        ];
        let mut f = Fuzzy::default();
        let got: Vec<&str> = f
            .filter("nandu", names.iter().copied())
            .iter()
            .map(|&i| names[i])
            .collect();
        assert_eq!(got, ["Ñandú Club"]);
        let got: Vec<&str> = f
            .filter("中文", names.iter().copied())
            .iter()
            .map(|&i| names[i])
            .collect();
        assert_eq!(got, ["中文客户"]);
        let got: Vec<&str> = f
            .filter("sp", names.iter().copied())
            .iter()
            .map(|&i| names[i])
            .collect();
        assert_eq!(got.first(), Some(&"Soporte"));
        assert_eq!(f.filter("", names.iter().copied()).len(), 5);
        assert_eq!(f.positions("vp", "VIP"), [0, 2]);
    }
}
