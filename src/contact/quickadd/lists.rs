//! Matching typed names against a catalog list ([`Items`]): the rules of
//! [`matching`](super::matching) over every name of a short list, and the same
//! answers through the list's [`NameIndex`] for a long one (100,000 tags), reading
//! only the names that can fit (see `quickadd::index`).

use nucleo_matcher::chars::normalize;

use super::index::{Counts, NameIndex, letters_of};
use super::matching::{
    Fit, Folded, Found, MAX_COMPARED, Nearest, Typed, closest_by, fold_into, in_order, loose_by,
    norm_into, same,
};
use crate::contact::catalog::{Items, fold_name};

/// [`loose_fit`](super::matching::loose_fit) over a catalog list, whose names it keeps
/// folded for typed ASCII; a long list's through its index ([`loose_indexed`]).
pub(super) fn loose_in(query: &str, items: &Items) -> (Option<Fit>, Vec<usize>) {
    let Some(index) = items.name_index() else {
        return if query.is_ascii() {
            loose_by(query, items.folded_names(), true)
        } else {
            loose_by(query, items.iter().map(|it| it.name.as_str()), false)
        };
    };
    let typed = Typed::new(query);
    let mut learned = Found::default();
    let mut buf = String::new();
    for (k, item) in items.learned().iter().enumerate() {
        norm_into(&item.name, typed.ascii, &mut buf);
        learned.offer(&typed, index.len() + k, &buf);
    }
    let found = loose_indexed(&typed, index, items).then(learned);
    (found.fit, found.hits)
}

/// Whether `query` is the same name as one of `items` (by the rule of [`same`]).
pub(super) fn same_in(query: &str, items: &Items) -> bool {
    let index = items.name_index();
    if query.is_ascii() {
        let mut q = String::new();
        fold_name(query, &mut q);
        let Some(index) = index else {
            return items.folded_names().any(|n| *n == *q);
        };
        let mut n = String::new();
        let mut learned = items.learned().iter();
        return index.same(&q).next().is_some()
            || learned.any(|it| {
                fold_name(&it.name, &mut n);
                n == q
            });
    }
    let typed = Folded::new(query);
    // A name `same` finds starts with the same letter, which the index keeps folded.
    match (index, typed.first()) {
        (Some(index), Some(first)) => {
            let mut key = [0; 4];
            let names = index.starting(normalize(first).encode_utf8(&mut key));
            let names = names.iter().filter_map(|&at| items.get(at));
            names.chain(items.learned()).any(|it| typed.same(&it.name))
        }
        _ => items.iter().any(|it| same(query, &it.name)),
    }
}

/// The closest name of `items` to `query` ([`closest`](super::matching::closest)), by
/// its position; a long list's through its index ([`Nearest::scan`]).
pub(super) fn closest_in(query: &str, items: &Items) -> Option<usize> {
    let Some(index) = items.name_index() else {
        return closest_by(query, items.folded_names(), true);
    };
    let mut near = Nearest::new(query)?;
    if !near.scan(index) {
        for (k, item) in items.learned().iter().enumerate() {
            fold_into(&item.name, &mut near.n);
            if near.offer(index.len() + k) {
                break;
            }
        }
    }
    near.best.map(|(_, at)| at)
}

/// [`loose_by`] over the names `index` holds (those of `items` before the learned
/// ones), with the same answer; see `quickadd::index` for what it reads.
fn loose_indexed(typed: &Typed, index: &NameIndex, items: &Items) -> Found {
    let Some(&first) = typed.letters.first() else {
        return Found::default();
    };
    if typed.ascii {
        if let Some(found) = tight_fits(typed, index) {
            return found;
        }
        // Only the letters in order are left, and they take three.
        if typed.letters.len() < 3 {
            return Found::default();
        }
    }
    // Whatever is left, any fit starts a word of the name with the first letter typed
    // and holds every letter typed: only such names are asked. The index keeps them
    // folded, so a lower-cased word is folded to look them up.
    let need = letters_of(typed.letters.iter().map(|&c| normalize(c)));
    let mut key = [0; 4];
    let (mut found, mut buf) = (Found::default(), String::new());
    for at in index.with_word(normalize(first).encode_utf8(&mut key)) {
        if index.letters(at) & need != need {
            continue;
        }
        if typed.ascii {
            // No name fits more tightly (above): the letters in order are all to ask.
            if in_order(&typed.letters, index.name(at)) {
                found.add(at, Fit::Letters);
            }
        } else if let Some(item) = items.get(at) {
            norm_into(&item.name, false, &mut buf);
            found.offer(typed, at, &buf);
        }
    }
    found
}

/// The names a folded (ASCII) word fits by a fit tighter than [`Fit::Letters`], read
/// off the index's runs without comparing a name; `None` when no name does.
fn tight_fits(typed: &Typed, index: &NameIndex) -> Option<Found> {
    let q = typed.q.as_str();
    let same: Vec<usize> = index.same(q).collect();
    if !same.is_empty() || !typed.loosely {
        return Some(Found::of(Fit::Same, same));
    }
    // Each next rule is asked only when no name fits the one before.
    let leading = index.starting(&format!("{q} "));
    if !leading.is_empty() {
        return Some(Found::of(Fit::LeadingWords, leading));
    }
    let start = index.starting(q);
    if !start.is_empty() {
        return Some(Found::of(Fit::StartsName, start));
    }
    let words = index.with_word(q);
    if !q.contains(' ') {
        return (!words.is_empty()).then(|| Found::of(Fit::StartsWord, words));
    }
    // `fit` looks for a later word's start as `str::match_indices` finds the word,
    // which passes over a find overlapping an earlier one (`b b` in "ab b b"); that
    // takes a space typed, and then each name is asked.
    let mut found = Found::default();
    for at in words {
        found.offer(typed, at, index.name(at));
    }
    found
        .fit
        .is_some_and(|fit| fit <= Fit::StartsWord)
        .then_some(found)
}

impl Nearest {
    /// [`Nearest::offer`] for each name of `index` in turn, with the same outcome,
    /// measuring few: the first name holding what was typed is found in the folded
    /// text at once; else the names are measured in sorted order ([`Walk`]), so that
    /// names sharing a start share its measure, and a start already too far off is
    /// passed over with all its names. `true` when settled.
    fn scan(&mut self, index: &NameIndex) -> bool {
        if self.q.len() >= 2 {
            let typed: String = self.q.iter().collect();
            if let Some(at) = index.first_holding(&typed, MAX_COMPARED) {
                self.best = Some((0, at));
                return true;
            }
        }
        Walk::new(&self.q).run(self, index);
        false
    }

    /// The name at `at` is `d` edits away: the nearest if no nearer name, nor one as
    /// near before it, was found.
    fn consider(&mut self, d: usize, at: usize) {
        if d <= self.limit && self.best.is_none_or(|best| (d, at) < best) {
            self.best = Some((d, at));
        }
    }
}

/// The edit-distance table of what was typed against one path of the sorted names:
/// row `k` against the path's first `k` characters (the rule of `Rows::distance`,
/// with the name outside and the typed word inside, which gives the same distances).
/// A name sharing the path's start with the one before reuses its rows.
struct Walk {
    /// Characters typed, plus one.
    width: usize,
    /// How many of each letter was typed.
    typed: Counts,
    path: Vec<char>,
    /// `path.len() + 1` rows of `width`.
    rows: Vec<usize>,
}

impl Walk {
    fn new(typed: &[char]) -> Self {
        let width = typed.len() + 1;
        Self {
            width,
            typed: Counts::of(typed.iter().copied()),
            path: Vec::with_capacity(MAX_COMPARED),
            rows: (0..width).collect(),
        }
    }

    /// How many letters typed the `i`-th name in sorted order lacks ([`Counts`]), and
    /// how many characters it is long, as compared.
    fn lacking_and_len(&self, index: &NameIndex, i: usize) -> (usize, usize) {
        let lacking = self.typed.lacking_in(index.sorted_counts(i));
        let lacking = usize::try_from(lacking).unwrap_or(usize::MAX);
        (lacking, index.sorted_len(i).min(MAX_COMPARED))
    }

    /// The edits between what was typed and the path's first `k` characters.
    fn at(&self, k: usize) -> usize {
        self.rows[(k + 1) * self.width - 1]
    }

    /// Whether every text that begins with the path is more than `bound` edits away:
    /// the last two rows exceed it (an edit swapping neighbours reaches two rows
    /// back), and rows only grow from there.
    fn dead(&self, bound: usize) -> bool {
        let k = self.path.len();
        let over = |k: usize| {
            let row = &self.rows[k * self.width..(k + 1) * self.width];
            row.iter().all(|&v| v > bound)
        };
        k >= 1 && over(k) && over(k - 1)
    }

    /// Goes one character further along the path.
    fn push(&mut self, typed: &[char], c: char) {
        let (width, k) = (self.width, self.path.len() + 1);
        let (up, here) = ((k - 1) * width, k * width);
        self.rows.push(k);
        for j in 1..width {
            let substitute = self.rows[up + j - 1] + usize::from(typed[j - 1] != c);
            let mut edits = substitute
                .min(self.rows[up + j] + 1)
                .min(self.rows[here + j - 1] + 1);
            if k >= 2 && j >= 2 && typed[j - 2] == c && typed[j - 1] == self.path[k - 2] {
                edits = edits.min(self.rows[(k - 2) * width + j - 2] + 1);
            }
            self.rows.push(edits);
        }
        self.path.push(c);
    }

    /// Back to the path's first `depth` characters.
    fn cut(&mut self, depth: usize) {
        self.path.truncate(depth);
        self.rows.truncate((depth + 1) * self.width);
    }

    /// Follows `name` from the start it shares with the path to its first `depth`
    /// characters, or until no name going on from the path can come within `bound`.
    fn follow(&mut self, q: &[char], name: &str, depth: usize, bound: usize) {
        let mut chars = name.chars().take(depth).peekable();
        let mut shared = 0;
        while shared < self.path.len() && chars.peek() == Some(&self.path[shared]) {
            chars.next();
            shared += 1;
        }
        self.cut(shared);
        while !self.dead(bound) {
            let Some(c) = chars.next() else {
                break;
            };
            self.push(q, c);
        }
    }

    /// Measures the names of `index` in sorted order, into `near`'s nearest. A name is
    /// `min(edits to its start as long as what was typed (its head), plus one; edits
    /// to the whole)` away, over its first [`MAX_COMPARED`] characters, as
    /// `Nearest::offer` counts; so the names sharing a head are measured together,
    /// and only those whose length is near what was typed are measured whole.
    fn run(&mut self, near: &mut Nearest, index: &NameIndex) {
        let q = near.q.len();
        let sorted = index.sorted();
        let mut i = 0;
        while i < sorted.len() {
            // As near as the nearest so far may still win, if it comes first.
            let bound = near.best.map_or(near.limit, |(d, _)| d.min(near.limit));
            // Each letter typed that the name lacks costs an edit, to its head (plus
            // one) as to the whole, and so does each character of a length apart to
            // the whole: read beside the sorted names, so most are never read.
            let (lacking, len) = self.lacking_and_len(index, i);
            if lacking.max(len.abs_diff(q)).min(lacking + 1) > bound {
                i += 1;
                continue;
            }
            let at = sorted[i] as usize;
            let head = q.min(len);
            self.follow(&near.q, index.name(at), head, bound);
            if self.path.len() < head {
                // Too far off already: so is every name going on from here.
                i = Self::run_end(index, i, &self.path);
            } else if len <= q {
                // The name is its head.
                near.consider(self.at(len), at);
                i += 1;
            } else {
                i = self.heads(near, index, i, bound);
            }
        }
    }

    /// The names from `sorted[i]` on that share its head, the path: all as far as it
    /// (plus one) or nearer, which only those of a length near what was typed can
    /// be, measured whole. Returns where they end.
    fn heads(&mut self, near: &mut Nearest, index: &NameIndex, i: usize, bound: usize) -> usize {
        let q = near.q.len();
        let (sorted, head) = (index.sorted(), self.at(q) + 1);
        let end = Self::run_end(index, i, &self.path);
        if head <= bound
            && let Some(&first) = sorted[i..end].iter().min()
        {
            near.consider(head, first as usize);
        }
        for (r, &at) in sorted.iter().enumerate().take(end).skip(i) {
            let (lacking, len) = self.lacking_and_len(index, r);
            if lacking.max(len.abs_diff(q)) > bound {
                continue;
            }
            let at = at as usize;
            self.follow(&near.q, index.name(at), len, bound);
            if self.path.len() == len {
                near.consider(self.at(len).min(head), at);
            }
        }
        end
    }

    /// Where the names from `sorted[i]` on that begin with `path` end. Most such
    /// runs are short: it looks 1, 2, 4… names ahead, then halves.
    fn run_end(index: &NameIndex, i: usize, path: &[char]) -> usize {
        let sorted = index.sorted();
        let start: String = path.iter().collect();
        let shared = |&at: &u32| index.name(at as usize).starts_with(start.as_str());
        let mut step = 1;
        while sorted.get(i + step - 1).is_some_and(shared) {
            step *= 2;
        }
        let (from, to) = (i + step / 2, (i + step).min(sorted.len()));
        from + sorted[from..to].partition_point(shared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::catalog::Item;

    /// Words names are made of: accents, case, digits, one-letter words, words that
    /// start others, Greek (final sigma), CJK, a control character.
    const WORDS: &[&str] = &[
        "Cliente",
        "cliente",
        "CLIENTES",
        "Nuevo",
        "VIP",
        "vip",
        "Ñandú",
        "nandu",
        "Club",
        "Black",
        "Friday",
        "2026",
        "20",
        "Soporte",
        "prioritario",
        "a",
        "b",
        "ab",
        "ba",
        "bb",
        "Σ",
        "ΟΔΟΣ",
        "οδος",
        "中文",
        "客户",
        "Mumbai",
        "Medellín",
        "de",
        "la",
        "x",
        "Tag",
        "9",
        "Fecha",
        "cumpleaños",
        "Interesado",
        "No",
        "İstanbul",
        "ß",
        "e\u{1}",
        "Ǆemal",
        "-",
    ];

    /// A small, seeded generator: the same lists and queries on every run.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            usize::try_from(self.0 % n as u64).unwrap()
        }

        fn pick<'a>(&mut self, of: &[&'a str]) -> &'a str {
            of[self.below(of.len())]
        }

        /// Words joined by odd spaces, sometimes none, sometimes past 64 characters.
        fn name(&mut self) -> String {
            let count = [0, 1, 1, 2, 2, 2, 3, 3, 4, 12][self.below(10)];
            let mut name = String::new();
            for k in 0..count {
                if k > 0 || self.below(8) == 0 {
                    name.push_str(self.pick(&[" ", " ", " ", "  ", "\t", "\u{3000}"]));
                }
                name.push_str(self.pick(WORDS));
            }
            name
        }

        /// What an agent may type: a name's start, a name with a typo, words of the
        /// vocabulary in other cases, or letters.
        fn query(&mut self, names: &[String]) -> String {
            let name: Vec<char> = names[self.below(names.len())].chars().collect();
            match self.below(6) {
                0 => name[..self.below(name.len() + 1)].iter().collect(),
                1 => {
                    let mut typo = name.clone();
                    if !typo.is_empty() {
                        let at = self.below(typo.len());
                        match self.below(3) {
                            0 => drop(typo.remove(at)),
                            1 => typo[at] = 'q',
                            _ => {
                                let next = (at + 1).min(typo.len() - 1);
                                typo.swap(at, next);
                            }
                        }
                    }
                    typo.into_iter().collect()
                }
                2 => {
                    let words = (0..=self.below(3)).map(|_| self.pick(WORDS));
                    let words: Vec<&str> = words.collect();
                    let joined = words.join(" ");
                    if self.below(2) == 0 {
                        joined.to_uppercase()
                    } else {
                        joined
                    }
                }
                3 => {
                    let letters = "abcilnotvxñσ9 ";
                    let letters: Vec<char> = letters.chars().collect();
                    (0..=self.below(6))
                        .map(|_| letters[self.below(letters.len())])
                        .collect()
                }
                4 => {
                    let word = self.pick(WORDS);
                    word.chars().take(1 + self.below(3)).collect()
                }
                _ => self
                    .pick(&["", " ", "\u{3000}", "b b", "a b", "ab b", "20", "2026", "σ"])
                    .into(),
            }
        }
    }

    fn item(n: usize, name: String) -> Item {
        Item {
            id: format!("id-{n}"),
            name,
            ..Item::default()
        }
    }

    /// A list long enough to be indexed, with `learned` entries after it.
    fn list(rng: &mut Rng, len: usize, learned: usize) -> (Items, Vec<String>) {
        let names: Vec<String> = (0..len + learned).map(|_| rng.name()).collect();
        let items = names
            .iter()
            .cloned()
            .enumerate()
            .map(|(n, name)| item(n, name));
        let items: Vec<Item> = items.collect();
        let base = Items::from(items[..len].to_vec());
        let list = base.with_extra(&Items::from(items[len..].to_vec()));
        assert!(list.name_index().is_some() && list.len() == len + learned);
        (list, names)
    }

    /// What each function answered before the index: every name compared in turn.
    /// `names` and the same folded, as the scans read them.
    struct Names {
        names: Vec<String>,
        folded: Vec<String>,
    }

    impl Names {
        fn of(names: Vec<String>) -> Self {
            let fold = |n: &String| {
                let mut out = String::new();
                fold_name(n, &mut out);
                out
            };
            let folded = names.iter().map(fold).collect();
            Self { names, folded }
        }

        fn scanned(&self, query: &str) -> ((Option<Fit>, Vec<usize>), bool, Option<usize>) {
            let loose = if query.is_ascii() {
                loose_by(query, &self.folded, true)
            } else {
                loose_by(query, &self.names, false)
            };
            let same = self.names.iter().any(|n| same(query, n));
            (loose, same, closest_by(query, &self.folded, true))
        }
    }

    /// The index only skips work: on generated lists and thousands of queries, every
    /// answer (fit, every name that fits and their order, the same name, the closest
    /// name) is the one a whole scan gives.
    #[test]
    fn the_index_answers_as_a_whole_scan_does() {
        let mut rng = Rng(0x5eed_1234_abcd_0001);
        for (len, learned, queries) in [
            (64, 0, 1_500),
            (300, 3, 1_500),
            (2_000, 0, 300),
            (700, 40, 600),
        ] {
            let (items, names) = list(&mut rng, len, learned);
            let names = Names::of(names);
            for _ in 0..queries {
                let query = rng.query(&names.names);
                let (loose, same, closest) = names.scanned(&query);
                assert_eq!(loose_in(&query, &items), loose, "loose {query:?} of {len}");
                assert_eq!(same_in(&query, &items), same, "same {query:?} of {len}");
                assert_eq!(
                    closest_in(&query, &items),
                    closest,
                    "closest {query:?} of {len}"
                );
            }
        }
    }

    /// Lists built to hit each rule with many names at once, as a big tenant's are
    /// (every name "Tag N Cliente"): the runs of the index against a scan.
    #[test]
    fn every_rule_with_many_names_at_once() {
        let names: Vec<String> = (0..3_000)
            .map(|n| match n % 5 {
                0 => format!("Tag {n} Cliente"),
                1 => format!("Tag{n}"),
                2 => "tag".to_owned(),
                3 => format!("Cliente {n} tag b b"),
                _ => format!("ab b b {n}"),
            })
            .collect();
        let items: Items = names
            .iter()
            .cloned()
            .enumerate()
            .map(|(n, s)| item(n, s))
            .collect();
        let queries = [
            "tag",
            "ta",
            "t",
            "tag 1",
            "tag 12",
            "cli",
            "c",
            "cliente 3",
            "cliente 3 tag",
            "b b",
            "b b 4",
            "tcliente",
            "tg1",
            "tag1",
            "2",
            "20",
            "tga",
            "clietne",
            "xyz",
            "mumbay",
            "b",
            "Tág",
            "cliénte",
            "b b b",
            "ab b b 9",
        ];
        let names = Names::of(names);
        for query in queries {
            let (loose, same, closest) = names.scanned(query);
            assert_eq!(loose_in(query, &items), loose, "loose {query:?}");
            assert_eq!(same_in(query, &items), same, "same {query:?}");
            assert_eq!(closest_in(query, &items), closest, "closest {query:?}");
        }
    }

    /// How far `#name` may run on: the longest name, learned ones included.
    #[test]
    fn most_words_counts_every_name() {
        let mut rng = Rng(7);
        let (items, names) = list(&mut rng, 100, 5);
        let most = names.iter().map(|n| n.split_whitespace().count()).max();
        assert_eq!(items.most_words(), most);
        let short: Items = names[..3]
            .iter()
            .cloned()
            .enumerate()
            .map(|(n, s)| item(n, s))
            .collect();
        let most = names[..3]
            .iter()
            .map(|n| n.split_whitespace().count())
            .max();
        assert_eq!(
            (short.most_words(), Items::default().most_words()),
            (most, None)
        );
    }
}
