//! The index quick add reads a long catalog list through, so that a keystroke against a
//! tenant with 100,000 tags stays instant (0.2 ms where a pass over every name cost
//! 10–15 ms), with the answers of that pass.
//!
//! **What it is.** Every name folded ([`fold_name`]) into one text, and every *word
//! start* of every name (the name's start, and each place after a space) sorted by the
//! text from there to the name's end: a suffix array cut at word starts. Beside it, per
//! name, the letters it holds ([`letter_bit`]), how many of each ([`Counts`]) and its
//! length.
//!
//! **Why this one.** Every fit of [`Fit`](super::matching::Fit) begins at a word start
//! with what was typed, so the names a word fits are one binary search away: those with
//! a word start that begins with it are one run of the array, and the same name, the
//! leading words, the name's start and a later word's start are each read off such a
//! run without comparing one name (only their positions are put in order). A map from
//! each word's first two letters to its names, the other candidate, is as cheap to
//! build, but each name of a bucket must then be compared, and the costly keystrokes
//! are those where a whole bucket fits (`#c`, `#cli` against 100,000 names that all
//! have a word "Cliente"). The first word starts, in order, are the names sorted, which
//! the suggestion of the closest name walks as a trie (see `lists::Walk`).
//!
//! **What it costs**, measured at 100,000 names: 7.5 MB and 34 ms to build for the
//! `quickadd` bench's "Tag N Cliente" (1.8 MB of text, 2.4 MB of word starts at 8
//! bytes, 3.3 MB of offsets, sorted positions, letters, counts and lengths), 9.2 MB and
//! 74 ms for names of four words; the 100,000 boxed folded names this replaced took
//! 4.8 MB. It is made once per list and shared by its clones, by
//! `Items::prepare_for_matching` on a worker thread, or else by the first keystroke that
//! needs it; lists shorter than `catalog::INDEX_FROM` are scanned as before.
//!
//! **What still scans**, bounded by the list's length with a small constant:
//! - the letters-in-order fit (`bfriday` → "Black Friday 2026"), which may skip
//!   letters: only its first letter is looked up, so it checks the names with a word
//!   starting with that letter that hold every letter typed (their letter sets, one
//!   word each), and only when no tighter fit exists (0.5 ms for 20,000 such names);
//! - the closest name, when nothing fits: a name holding what was typed is found in
//!   the text by `memchr`; else each name's letter counts and length are read, in
//!   sorted order, to pass over those that lack more letters than the edits allowed,
//!   and the rest are measured a shared start at a time (at most 0.9 ms at 100,000).

use memchr::memmem;

use crate::contact::catalog::{Item, fold_name};

/// Marks a word start that is not its name's first word (in [`WordAt::name`]).
const LATER: u32 = 1 << 31;

/// Most positions [`NameIndex::ascending`] sorts; more are ordered by bits.
const SORTED_UP_TO: usize = 512;

/// The folded names of one list and where their words start; see the module's notes.
pub(crate) struct NameIndex {
    /// Every name by [`fold_name`], each followed by a newline (which no folded name
    /// holds, so no find runs across two names).
    text: String,
    /// Where each name starts in `text`, and after the last one, its length.
    starts: Box<[u32]>,
    /// Every word start of every name, sorted by the text from there to its name's end;
    /// of equal texts, first words before later ones, then by position.
    words: Box<[WordAt]>,
    /// The positions of the names, sorted by name (then by position): the first words
    /// of `words`.
    sorted: Box<[u32]>,
    /// Per name, the letters it holds ([`letter_bit`]).
    letters: Box<[u64]>,
    /// Per name in `sorted`'s order, how many of each letter it holds ([`Counts`]).
    counts: Box<[Counts]>,
    /// Per name in `sorted`'s order, how many characters it has (up to 255).
    lengths: Box<[u8]>,
    /// The most words one name has (as `str::split_whitespace` counts them).
    most_words: Option<usize>,
}

/// One word start: a byte of `NameIndex::text` and the name's position ([`LATER`] set
/// unless it is the name's first word).
#[derive(Clone, Copy)]
struct WordAt {
    at: u32,
    name: u32,
}

impl WordAt {
    fn position(self) -> usize {
        (self.name & !LATER) as usize
    }

    fn is_first(self) -> bool {
        self.name & LATER == 0
    }
}

/// Which of 64 classes a (folded) character is in: a letter or digit of its own, any
/// other shares a class. A name lacking a class lacks every character in it, so a
/// typed word with a letter of that class cannot fit it, and each such letter costs an
/// edit against it.
pub(crate) fn letter_bit(c: char) -> u64 {
    let class = match c {
        'a'..='z' => u32::from(c) - u32::from('a'),
        '0'..='9' => 26 + u32::from(c) - u32::from('0'),
        _ => 36 + u32::from(c) % 28,
    };
    1 << class
}

/// The classes of `chars` ([`letter_bit`]), folded characters as the names' are.
pub(crate) fn letters_of(chars: impl IntoIterator<Item = char>) -> u64 {
    chars.into_iter().fold(0, |set, c| set | letter_bit(c))
}

/// How many characters of each class ([`letter_bit`]) a text holds, up to three: the
/// low and the high bit of each count, a class a bit.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(crate) struct Counts {
    low: u64,
    high: u64,
}

impl Counts {
    /// The counts of `chars` (folded, as the names are).
    pub(crate) fn of(chars: impl IntoIterator<Item = char>) -> Self {
        let mut counts = Self::default();
        for c in chars {
            let bit = letter_bit(c);
            // 0 → 1 → 2 → 3, and 3 stays.
            if counts.low & bit == 0 {
                counts.low |= bit;
            } else if counts.high & bit == 0 {
                counts.low &= !bit;
                counts.high |= bit;
            }
        }
        counts
    }

    /// How many characters of `self` (up to three a class) `other` has no match for:
    /// a lower bound on the edits between the two texts, as an edit adds, drops or
    /// changes one character and a swap none (a class holding several characters, or
    /// a count past three, only lowers it). Each class's `self - other`, at least 0, in
    /// two bits: the high one when it is 2 or 3, the low one when it is odd.
    pub(crate) fn lacking_in(self, other: Counts) -> u32 {
        let (a1, a0, b1, b0) = (self.high, self.low, other.high, other.low);
        let two = a1 & !b1 & (a0 | !b0);
        let more = (a1 & !b1) | (!(a1 ^ b1) & a0 & !b0);
        let odd = (a0 ^ b0) & more;
        2 * two.count_ones() + odd.count_ones()
    }
}

impl NameIndex {
    /// The index of `items`; `None` when the names are too long for 32-bit offsets
    /// (4 GiB), which no catalog comes near.
    pub(crate) fn of(items: &[Item]) -> Option<Self> {
        if u32::try_from(items.len()).ok()? >= LATER {
            return None;
        }
        // Folding keeps most names as long; the text is trimmed to fit after.
        let mut text = String::with_capacity(items.iter().map(|i| i.name.len() + 1).sum());
        let mut starts = Vec::with_capacity(items.len() + 1);
        let mut counts = Vec::with_capacity(items.len());
        let mut folded = String::new();
        for item in items {
            starts.push(u32::try_from(text.len()).ok()?);
            fold_name(&item.name, &mut folded);
            text.push_str(&folded);
            text.push('\n');
            counts.push(Counts::of(folded.chars()));
        }
        starts.push(u32::try_from(text.len()).ok()?);
        text.shrink_to_fit();
        let most_words = items.iter().map(|i| i.name.split_whitespace().count());
        let mut index = Self {
            text,
            starts: starts.into(),
            words: Box::default(),
            sorted: Box::default(),
            letters: counts.iter().map(|c| c.low | c.high).collect(),
            counts: Box::default(),
            lengths: Box::default(),
            most_words: most_words.max(),
        };
        index.words = index.sorted_words();
        let first = index.words.iter().filter(|w| w.is_first());
        index.sorted = first.map(|w| w.name).collect();
        index.counts = index.sorted.iter().map(|&at| counts[at as usize]).collect();
        let length = |&at: &u32| {
            let chars = index.name(at as usize).chars().count();
            u8::try_from(chars).unwrap_or(u8::MAX)
        };
        index.lengths = index.sorted.iter().map(length).collect();
        Some(index)
    }

    /// Every word start, sorted (see [`NameIndex::words`]). Most comparisons are settled
    /// by the first eight bytes, kept beside each start while sorting.
    fn sorted_words(&self) -> Box<[WordAt]> {
        let mut keyed = Vec::with_capacity(self.text.len() / 4);
        for (i, pair) in self.starts.windows(2).enumerate() {
            // `of` checked that positions fit below LATER.
            let name = u32::try_from(i).unwrap_or(LATER - 1);
            let (start, end) = (pair[0], pair[1] - 1);
            let first = WordAt { at: start, name };
            keyed.push((self.key(first), first));
            let bytes = &self.text.as_bytes()[start as usize..end as usize];
            for space in memchr::memchr_iter(b' ', bytes) {
                let at = start + u32::try_from(space).unwrap_or(0) + 1;
                let later = WordAt {
                    at,
                    name: name | LATER,
                };
                keyed.push((self.key(later), later));
            }
        }
        keyed.sort_unstable_by(|(ka, a), (kb, b)| {
            let by_text = || self.suffix(*a).cmp(self.suffix(*b));
            ka.cmp(kb).then_with(by_text).then(a.name.cmp(&b.name))
        });
        keyed.into_iter().map(|(_, w)| w).collect()
    }

    /// The first eight bytes from a word start, zero-padded: ordered as the texts are,
    /// but for ties, which the whole texts settle.
    fn key(&self, w: WordAt) -> u64 {
        let mut key = [0; 8];
        let suffix = self.suffix(w);
        let n = suffix.len().min(8);
        key[..n].copy_from_slice(&suffix[..n]);
        u64::from_be_bytes(key)
    }

    /// How many names.
    pub(crate) fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// The folded name at position `i` (`i` below [`NameIndex::len`]).
    pub(crate) fn name(&self, i: usize) -> &str {
        let (start, end) = (self.starts[i] as usize, self.starts[i + 1] as usize - 1);
        &self.text[start..end]
    }

    /// Every folded name, in order.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.name(i))
    }

    /// The positions of the names, in the order of the names.
    pub(crate) fn sorted(&self) -> &[u32] {
        &self.sorted
    }

    /// How many of each letter the `i`-th name of [`NameIndex::sorted`] holds.
    pub(crate) fn sorted_counts(&self, i: usize) -> Counts {
        self.counts[i]
    }

    /// How many characters the `i`-th name of [`NameIndex::sorted`] has (up to 255).
    pub(crate) fn sorted_len(&self, i: usize) -> usize {
        usize::from(self.lengths[i])
    }

    /// The letters name `i` holds ([`letter_bit`]).
    pub(crate) fn letters(&self, i: usize) -> u64 {
        self.letters[i]
    }

    /// The most words one name has, `None` for no names.
    pub(crate) fn most_words(&self) -> Option<usize> {
        self.most_words
    }

    /// The text from a word start to its name's end.
    fn suffix(&self, w: WordAt) -> &[u8] {
        let end = self.starts[w.position() + 1] as usize - 1;
        &self.text.as_bytes()[w.at as usize..end]
    }

    /// The word starts from which the text begins with `prefix`: one run of the array.
    fn run(&self, prefix: &[u8]) -> &[WordAt] {
        let from = self.words.partition_point(|w| self.suffix(*w) < prefix);
        let rest = &self.words[from..];
        let len = rest.partition_point(|w| self.suffix(*w).starts_with(prefix));
        &rest[..len]
    }

    /// The positions of the names that are `name` exactly, in order.
    pub(crate) fn same(&self, name: &str) -> impl Iterator<Item = usize> + '_ {
        // The run opens with the texts equal to `name`, first words first.
        let len = name.len();
        let run = self.run(name.as_bytes()).iter();
        run.take_while(move |w| w.is_first() && self.suffix(**w).len() == len)
            .map(|w| w.position())
    }

    /// The positions of the names that begin with `prefix`, in order.
    pub(crate) fn starting(&self, prefix: &str) -> Vec<usize> {
        self.ascending(self.run(prefix.as_bytes()), true)
    }

    /// The positions of the names with some word that begins with `prefix`, in order.
    pub(crate) fn with_word(&self, prefix: &str) -> Vec<usize> {
        self.ascending(self.run(prefix.as_bytes()), false)
    }

    /// The positions of the names of `run` (of their first words only, with
    /// `first_only`) in order, each once. A run may hold every name (`#c` against
    /// 100,000 names with a word "Cliente"): a long one is put in order through one bit
    /// per name, a pass over 12 KB where sorting 100,000 positions cost a millisecond.
    fn ascending(&self, run: &[WordAt], first_only: bool) -> Vec<usize> {
        let run = run.iter().filter(move |w| !first_only || w.is_first());
        let positions = run.map(|w| w.position());
        if positions
            .size_hint()
            .1
            .is_some_and(|most| most <= SORTED_UP_TO)
        {
            let mut sorted: Vec<usize> = positions.collect();
            sorted.sort_unstable();
            sorted.dedup();
            return sorted;
        }
        let mut bits = vec![0u64; self.len().div_ceil(64)];
        for at in positions {
            bits[at / 64] |= 1 << (at % 64);
        }
        let mut sorted = Vec::new();
        for (k, mut word) in bits.into_iter().enumerate() {
            while word != 0 {
                sorted.push(k * 64 + word.trailing_zeros() as usize);
                word &= word - 1;
            }
        }
        sorted
    }

    /// The first name (by position) holding `needle` within its first `chars`
    /// characters.
    pub(crate) fn first_holding(&self, needle: &str, chars: usize) -> Option<usize> {
        let finder = memmem::Finder::new(needle.as_bytes());
        let text = self.text.as_bytes();
        let mut from = 0;
        while let Some(found) = finder.find(&text[from..]) {
            let at = from + found;
            let name = self.starts.partition_point(|&s| s as usize <= at) - 1;
            let (start, end) = (self.starts[name] as usize, self.starts[name + 1] as usize);
            let stop = at + needle.len();
            if stop < end && self.text[start..stop].chars().count() <= chars {
                return Some(name);
            }
            // Any later find in this name ends later still: go on with the next name.
            from = end;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(names: &[&str]) -> NameIndex {
        let items: Vec<Item> = names
            .iter()
            .map(|n| Item {
                name: (*n).to_owned(),
                ..Item::default()
            })
            .collect();
        NameIndex::of(&items).unwrap()
    }

    fn folded(name: &str) -> String {
        let mut out = String::new();
        fold_name(name, &mut out);
        out
    }

    /// Where the words of `name` start, as `fit` reads them: its start and after spaces.
    fn word_starts(name: &str) -> impl Iterator<Item = &str> {
        std::iter::once(name).chain(name.match_indices(' ').map(|(at, _)| &name[at + 1..]))
    }

    /// Each run, for every prefix of every word start of every name (and some that
    /// are none), holds exactly the names a scan of the folded names finds, in order.
    #[test]
    fn runs_hold_what_a_scan_finds() {
        let names = [
            "Ñandú Club",
            "nandu",
            "Nandu club",
            "club",
            "",
            "  ",
            "ab b b",
            "b b",
            "b",
            "Tag 1 Cliente",
            "Tag 10 Cliente",
            "tag",
            "tag",
            "Tag1",
            "Σίσυφος ΟΔΟΣ",
            "中文 客户",
            "x\u{1}y",
            "ÀÉÎ õü",
            "a a a",
            "a",
        ];
        let ix = index(&names);
        let all: Vec<String> = names.iter().map(|n| folded(n)).collect();
        assert_eq!(ix.names().collect::<Vec<_>>(), all);
        assert_eq!(ix.most_words(), Some(3));
        let mut prefixes: Vec<String> = vec![String::new(), "zz".into(), "b b b".into()];
        for name in &all {
            for word in word_starts(name) {
                let ends = word.char_indices().map(|(at, _)| at).chain([word.len()]);
                prefixes.extend(ends.map(|end| word[..end].to_owned()));
            }
        }
        for p in &prefixes {
            let scan = |keep: &dyn Fn(&str) -> bool| -> Vec<usize> {
                (0..all.len()).filter(|&i| keep(&all[i])).collect()
            };
            assert_eq!(ix.same(p).collect::<Vec<_>>(), scan(&|n| n == p), "{p:?}");
            assert_eq!(
                ix.starting(p),
                scan(&|n| n.starts_with(p.as_str())),
                "{p:?}"
            );
            let with_word = scan(&|n| word_starts(n).any(|w| w.starts_with(p.as_str())));
            assert_eq!(ix.with_word(p), with_word, "{p:?}");
        }
    }

    /// A name holds a piece only within its first characters, and never across two.
    #[test]
    fn the_first_name_holding_a_piece() {
        let long = format!("{} tail", "x".repeat(70));
        let ix = index(&["Alpha", &long, "betail", "Ñandú", "ab", "c"]);
        assert_eq!(
            ix.first_holding("tail", 64),
            Some(2),
            "past the 64th letter"
        );
        assert_eq!(ix.first_holding("tail", 80), Some(1));
        assert_eq!(ix.first_holding("nan", 64), Some(3), "folded");
        assert_eq!(ix.first_holding("bc", 64), None, "two names are not one");
        assert_eq!(ix.first_holding("alpha", 5), Some(0));
        assert_eq!(ix.first_holding("alpha", 4), None);
    }

    /// A name's letter set has a bit for each of its folded characters.
    #[test]
    fn letter_sets() {
        let ix = index(&["Ñandú 9", "中文"]);
        assert_eq!(ix.letters(0), letters_of("nandu 9".chars()));
        assert_eq!(ix.letters(1), letter_bit('中') | letter_bit('文'));
        assert_ne!(letter_bit('a'), letter_bit('b'));
        assert_ne!(letter_bit('9'), letter_bit('z'));
    }
}
