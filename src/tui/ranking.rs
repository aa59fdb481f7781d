//! What a picker's filter matches, ranked, fast enough for a keystroke over 100,000
//! names (target: 5 ms at the 95th percentile, whatever the query).
//!
//! Three things keep it there, chosen over feeding nucleo's threaded matcher from a
//! background task because each keeps the answer synchronous, so the list on screen is
//! always the one for the letters on screen and nothing needs cancelling:
//! - **Names converted once.** [`Search`] holds every name as nucleo's `Utf32String`,
//!   built when a list is first opened and shared by every picker on the same list.
//!   Names are folded as they are converted (lower case, accents dropped: `Garantía`
//!   is kept as `garantia`), so a Latin name takes nucleo's ASCII path, several times
//!   faster than its Unicode one, and the query is folded the same way.
//! - **Narrowing.** A longer query can only match what the shorter one matched, so
//!   typing one more letter scores the last matches, not the catalog.
//! - **Ranking only what is seen.** Matches are scored, then only the best few hundred
//!   are put in order (`select_nth_unstable`, linear); more are ordered as the cursor
//!   moves down. Ordering 100,000 matches of a one-letter query would cost more than
//!   scoring them.
//! - **A cap on each step.** A keystroke scores at most [`FIRST_STEP`] names and shows
//!   the best of those at once; the rest are scored in further steps of [`STEP`] (on two
//!   threads), each one a message of its own in the loop, so a key typed meanwhile waits
//!   for one step at most and the list settles a few milliseconds later.

use std::sync::Arc;

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

/// Every name of a list converted once for matching, shared (see the module notes).
pub type Search = Arc<[Utf32String]>;

/// Converts a list's names for matching (folded: see the module notes).
pub fn search<'a>(names: impl Iterator<Item = &'a str>) -> Search {
    names.map(|n| Utf32String::from(fold(n).as_str())).collect()
}

/// Lower case with accents dropped, a character for a character (so positions in the
/// folded name are positions in the name).
fn fold(text: &str) -> String {
    use nucleo_matcher::chars::{graphemes, normalize, to_lower_case};
    graphemes(text)
        .map(|c| to_lower_case(normalize(c)))
        .collect()
}

/// Added to the score of a match the `better` of [`Ranking::refine`] / [`Ranking::step`]
/// picks: above any fuzzy score, so the picked ones come first and keep their fuzzy
/// order among themselves.
const PREFERRED: u32 = 1 << 24;

/// How many matches are put in order at once.
const ORDERED: usize = 256;
/// From how many candidates scoring is split over two threads.
const SPLIT_FROM: usize = 8_000;
/// How many names one step scores at most.
pub const STEP: usize = 8_000;
/// How many names the keystroke's own step scores: few, so the typed letter shows at
/// once with the best of them; the steps after it rank the rest.
pub const FIRST_STEP: usize = 2_000;

/// The matches of one query: entry indices with their scores, the first `ordered` of
/// them in rank order (best score first, then list order).
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    hits: Vec<(u32, u32)>,
    ordered: usize,
    query: String,
    /// Candidates not scored yet (see [`Ranking::step`]).
    pending: Vec<u32>,
}

/// Best score first; equal scores keep list order.
#[allow(clippy::trivially_copy_pass_by_ref)] // the shape sort_by wants
fn rank(a: &(u32, u32), b: &(u32, u32)) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(a.1.cmp(&b.1))
}

impl Ranking {
    /// Every entry of a list of `len`, in list order (the empty query).
    #[must_use]
    pub fn all(len: usize) -> Self {
        let hits: Vec<(u32, u32)> = (0..u32::try_from(len).unwrap_or(u32::MAX))
            .map(|i| (0, i))
            .collect();
        Self {
            ordered: hits.len(),
            hits,
            query: String::new(),
            pending: Vec::new(),
        }
    }

    /// Whether names are still to be scored (call [`Ranking::step`]).
    #[must_use]
    pub fn busy(&self) -> bool {
        !self.pending.is_empty()
    }

    /// How many entries match.
    #[must_use]
    pub fn len(&self) -> usize {
        self.hits.len()
    }

    /// Whether nothing matches.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }

    /// The entry at `row` of the ranked list, if that row is in order yet (see
    /// [`Ranking::order_up_to`]).
    #[must_use]
    pub fn get(&self, row: usize) -> Option<usize> {
        (row < self.ordered).then(|| self.hits.get(row).map(|h| h.1 as usize))?
    }

    /// The entries of the rows in order so far.
    pub fn rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.hits[..self.ordered].iter().map(|h| h.1 as usize)
    }

    /// Every matching entry, in no particular order (for "toggle every one shown").
    pub fn matched(&self) -> impl Iterator<Item = usize> + '_ {
        self.hits.iter().map(|h| h.1 as usize)
    }

    /// Puts at least the first `rows` rows in order.
    pub fn order_up_to(&mut self, rows: usize) {
        let want = rows.min(self.hits.len());
        if want <= self.ordered {
            return;
        }
        let rest = &mut self.hits[self.ordered..];
        let take = (want - self.ordered).max(ORDERED).min(rest.len());
        if take < rest.len() {
            rest.select_nth_unstable_by(take - 1, rank);
        }
        rest[..take].sort_unstable_by(rank);
        self.ordered += take;
    }

    /// The ranking for `query` over `search` (every entry for an empty one), narrowing
    /// the last result when `query` extends the query it was for. Matches `better` picks
    /// rank first (`ñ` typed: names holding `ñ` before those matching it only folded);
    /// each match is asked once, as it is found, never again in a later step.
    pub fn refine(
        &mut self,
        query: &str,
        search: &[Utf32String],
        matchers: &mut Matchers,
        better: &dyn Fn(u32) -> bool,
    ) {
        if query.trim().is_empty() {
            *self = Self::all(search.len());
            return;
        }
        let narrowing = !self.query.trim().is_empty() && query.starts_with(&self.query);
        // Kept from the end of the list backwards: steps take from the end of `pending`,
        // so the first names are scored first.
        let candidates: Vec<u32> = if narrowing {
            // What the shorter query matched, and what it had not scored yet.
            let mut c: Vec<u32> = self.hits.iter().map(|h| h.1).collect();
            c.append(&mut self.pending);
            c.sort_unstable_by(|a, b| b.cmp(a));
            c
        } else {
            (0..u32::try_from(search.len()).unwrap_or(u32::MAX))
                .rev()
                .collect()
        };
        self.hits.clear();
        self.ordered = 0;
        self.pending = candidates;
        query.clone_into(&mut self.query);
        self.step_of(FIRST_STEP, search, matchers, better);
    }

    /// Scores the next [`STEP`] candidates and ranks what matched so far (`better` as for
    /// [`Ranking::refine`]).
    pub fn step(
        &mut self,
        search: &[Utf32String],
        matchers: &mut Matchers,
        better: &dyn Fn(u32) -> bool,
    ) {
        self.step_of(STEP, search, matchers, better);
    }

    fn step_of(
        &mut self,
        size: usize,
        search: &[Utf32String],
        matchers: &mut Matchers,
        better: &dyn Fn(u32) -> bool,
    ) {
        // The names are folded already: fold the query alike and match it as it is.
        let pattern = Pattern::new(
            &fold(&self.query),
            CaseMatching::Respect,
            Normalization::Never,
            AtomKind::Fuzzy,
        );
        let from = self.pending.len().saturating_sub(size);
        let mut batch = self.pending.split_off(from);
        batch.reverse();
        let mut new = matchers.score(&pattern, search, &batch);
        for hit in &mut new {
            if better(hit.1) {
                hit.0 += PREFERRED;
            }
        }
        self.take_in(new);
    }

    /// Adds a step's matches and puts the best [`ORDERED`] of all in order. The best so
    /// far are the ordered rows, so the new best are among them and the new matches:
    /// only those are partitioned, not every match of the earlier steps again (at
    /// 100,000 names that was a quarter of a keystroke's ranking).
    fn take_in(&mut self, new: Vec<(u32, u32)>) {
        let before = self.hits.len();
        let kept = self.ordered.min(ORDERED).min(before);
        let added = new.len();
        self.hits.extend(new);
        // The new matches right after the best so far (what they displace goes to the
        // unordered rest, whose order does not matter).
        for j in 0..added {
            if kept + j < before + j {
                self.hits.swap(kept + j, before + j);
            }
        }
        let pool = &mut self.hits[..kept + added];
        let take = ORDERED.min(pool.len());
        if take > 0 && take < pool.len() {
            pool.select_nth_unstable_by(take - 1, rank);
        }
        pool[..take].sort_unstable_by(rank);
        self.ordered = take;
    }
}

/// Two reusable matchers (they keep scratch memory between keystrokes), one per thread.
pub struct Matchers([Matcher; 2]);

impl Default for Matchers {
    fn default() -> Self {
        Self([Matcher::new(config()), Matcher::new(config())])
    }
}

/// nucleo's defaults, and a match nearer the start of a name ranks higher: `ind` puts
/// India before British Indian Ocean Territory, which list order put first.
#[must_use]
pub fn config() -> Config {
    let mut config = Config::DEFAULT;
    config.prefer_prefix = true;
    config
}

impl Clone for Matchers {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for Matchers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Matchers")
    }
}

impl Matchers {
    /// The candidates that `pattern` matches, with their scores.
    fn score(
        &mut self,
        pattern: &Pattern,
        search: &[Utf32String],
        candidates: &[u32],
    ) -> Vec<(u32, u32)> {
        let [first, second] = &mut self.0;
        if candidates.len() < SPLIT_FROM {
            return score_part(pattern, search, candidates, first);
        }
        let (a, b) = candidates.split_at(candidates.len() / 2);
        std::thread::scope(|s| {
            let other = s.spawn(|| score_part(pattern, search, b, second));
            let mut hits = score_part(pattern, search, a, first);
            match other.join() {
                Ok(more) => hits.extend(more),
                // A scoring thread cannot panic on valid input; score its half here.
                Err(_) => hits.extend(score_part(pattern, search, b, first)),
            }
            hits
        })
    }
}

fn score_part(
    pattern: &Pattern,
    search: &[Utf32String],
    candidates: &[u32],
    matcher: &mut Matcher,
) -> Vec<(u32, u32)> {
    candidates
        .iter()
        .filter_map(|&i| {
            let name = search.get(i as usize)?;
            pattern.score(name.slice(..), matcher).map(|s| (s, i))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_narrows_and_orders_only_what_is_asked() {
        let names: Vec<String> = (0..1000).map(|i| format!("Tag {i:04}")).collect();
        let search = search(names.iter().map(String::as_str));
        let mut m = Matchers::default();
        let mut r = Ranking::all(names.len());
        assert_eq!(r.get(999), Some(999));
        r.refine("9", &search, &mut m, &|_| false);
        let all_nines = r.len();
        assert!(all_nines > 0 && r.get(0).is_some());
        r.refine("99", &search, &mut m, &|_| false);
        assert!(r.len() < all_nines);
        r.refine("0999", &search, &mut m, &|_| false);
        assert_eq!(r.rows().next().map(|i| names[i].as_str()), Some("Tag 0999"));
        r.refine("", &search, &mut m, &|_| false);
        assert_eq!(r.len(), 1000);
    }

    /// However the matches came in steps, the rows in order are those a full sort of
    /// every match gives (best score first, ties in list order), scrolled or not.
    #[test]
    fn steps_rank_exactly_as_one_sort_of_every_match() {
        let words = [
            "alfa", "bravo", "charlie", "delta", "eco", "fox", "golf", "hotel",
        ];
        let names: Vec<String> = (0..40_000_usize)
            .map(|i| {
                let w = |k: usize| words[(i * 7 + k * 13 + i / 5) % words.len()];
                format!("{} {} {i}", w(0), w(1))
            })
            .collect();
        let search = search(names.iter().map(String::as_str));
        let mut m = Matchers::default();
        for query in ["a", "al", "alf", "e", "ho", "o l", "lta 1"] {
            let mut r = Ranking::default();
            r.refine(query, &search, &mut m, &|_| false);
            let mut steps = 0;
            while r.busy() {
                r.step(&search, &mut m, &|_| false);
                steps += 1;
                if steps == 2 {
                    // Scrolled down mid-way: more rows put in order than a screen.
                    r.order_up_to(ORDERED * 3);
                }
            }
            let mut all: Vec<(u32, u32)> = r.hits.clone();
            all.sort_unstable_by(rank);
            r.order_up_to(ORDERED * 2);
            let want: Vec<usize> = all.iter().take(r.ordered).map(|h| h.1 as usize).collect();
            let got: Vec<usize> = r.rows().collect();
            assert_eq!(got, want, "{query}");
        }
    }

    #[test]
    fn a_wide_match_is_ordered_a_screen_at_a_time() {
        let names: Vec<String> = (0..30_000).map(|i| format!("Tag {i:05}")).collect();
        let search = search(names.iter().map(String::as_str));
        let mut m = Matchers::default();
        let mut r = Ranking::default();
        r.refine("t", &search, &mut m, &|_| false);
        assert!(r.busy(), "30,000 names take several steps");
        assert_eq!(r.len(), FIRST_STEP);
        while r.busy() {
            r.step(&search, &mut m, &|_| false);
        }
        assert_eq!(r.len(), 30_000);
        assert_eq!(r.rows().count(), ORDERED);
        assert_eq!(r.get(ORDERED), None);
        r.order_up_to(ORDERED + 10);
        assert!(r.get(ORDERED + 9).is_some());
        // Ties keep list order, across the parts ordered at different times.
        let rows: Vec<usize> = r.rows().collect();
        assert!(rows.windows(2).all(|w| w[0] < w[1]));
    }

    /// The preference is asked once per match, as a step finds it (it lowercases a name
    /// each time): at 30,000 names across several steps, 30,000 questions, not one per
    /// match per step. Preferred matches come first.
    #[test]
    fn each_match_is_asked_about_once_and_the_preferred_come_first() {
        let names: Vec<String> = (0..30_000).map(|i| format!("Tag {i:05}")).collect();
        let search = search(names.iter().map(String::as_str));
        let mut m = Matchers::default();
        let mut r = Ranking::default();
        let asked = std::cell::Cell::new(0usize);
        let better = |i: u32| {
            asked.set(asked.get() + 1);
            i == 29_999
        };
        r.refine("t", &search, &mut m, &better);
        while r.busy() {
            r.step(&search, &mut m, &better);
        }
        assert_eq!(asked.get(), 30_000);
        assert_eq!(r.get(0), Some(29_999));
    }
}
