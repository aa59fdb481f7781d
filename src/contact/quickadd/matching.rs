//! Matching what was typed against catalog names and field keys: accent folding, the
//! looser matches quick-add accepts, and the closest name to suggest when none fits.

use nucleo_matcher::chars::normalize;

use crate::contact::catalog::fold_name;
use crate::contact::{Flavour, Role};

/// Longest piece of a token compared for suggestions, so a pasted essay stays cheap.
pub(super) const MAX_COMPARED: usize = 64;

/// Other keys people type for a field, folded, with the role they mean. Contract keys,
/// labels and `source` for `source_id` need no entry.
#[rustfmt::skip]
const ALIASES: &[(&[&str], Role)] = &[
    (&["first", "firstname", "name", "nombre", "nome"], Role::FirstName),
    (&["last", "lastname", "surname", "apellido", "apellidos", "sobrenome"], Role::LastName),
    (&["tel", "mobile", "cel", "celular", "telefono", "movil"], Role::Phone),
    (&["wa", "whatsapp", "whatsapp_id"], Role::WhatsApp),
    (&["mail", "e_mail", "mailto", "correo"], Role::Email),
    (&["empresa", "org"], Role::Company),
    (&["stage", "etapa"], Role::Stage),
    (&["status"], Role::Status),
    (&["tag", "tags", "group", "groups", "etiqueta", "grupo"], Role::Labels),
    (&["assignee", "agent", "owner"], Role::Assignee),
    (&["note", "notes", "nota", "notas", "description", "desc"], Role::Notes),
    (&["state", "province", "estado", "provincia"], Role::Region),
    (&["zip", "postal", "postcode", "cp", "cep", "pin", "pincode"], Role::Zip),
    (&["photo", "picture", "avatar", "foto"], Role::Picture),
    (&["ciudad", "cidade"], Role::City),
    (&["direccion", "endereco"], Role::Address),
    (&["country", "pais"], Role::Country),
    (&["source", "origen", "fuente"], Role::Source),
    (&["type", "tipo"], Role::Type),
];

/// The contract key an alias means for `flavour` ("" if that flavour lacks the field).
pub(super) fn alias(flavour: Flavour, norm_key: &str) -> Option<&'static str> {
    let (_, role) = ALIASES.iter().find(|a| a.0.contains(&norm_key))?;
    Some(flavour.key_near(*role).unwrap_or_default())
}

/// The aliases that lead somewhere for `flavour`, for suggestions.
pub(super) fn aliases(flavour: Flavour) -> impl Iterator<Item = &'static str> {
    ALIASES
        .iter()
        .filter(move |(_, role)| flavour.key_near(*role).is_some())
        .flat_map(|a| a.0.iter().copied())
}

/// Lower case with accents removed (`Ñandú` → `nandu`) and spaces collapsed.
pub(super) fn fold(s: &str) -> String {
    lower(s).chars().map(normalize).collect()
}

fn lower(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    words.join(" ").to_lowercase()
}

/// A typed name folded once for comparing with many names: both sides folded when the
/// query is plain ASCII (so `nandu` finds "Ñandú"), else only lower-cased: whoever types
/// an accent means that accent.
pub(super) struct Folded {
    ascii: bool,
    query: String,
}

impl Folded {
    pub(super) fn new(query: &str) -> Self {
        let ascii = query.is_ascii();
        let query = if ascii { fold(query) } else { lower(query) };
        Self { ascii, query }
    }

    fn name(&self, name: &str) -> String {
        if self.ascii { fold(name) } else { lower(name) }
    }

    /// The first character of the name as compared (`None` when blank).
    pub(super) fn first(&self) -> Option<char> {
        self.query.chars().next()
    }

    /// The same name as `name`.
    pub(super) fn same(&self, name: &str) -> bool {
        self.query == self.name(name)
    }

    /// `cumple` for "Fecha de cumpleaños": the query starts some word of `name`.
    pub(super) fn starts_a_word(&self, name: &str) -> bool {
        let (q, n) = (&self.query, self.name(name));
        let at_word = |(at, _): (usize, &str)| at == 0 || n[..at].ends_with(' ');
        !q.is_empty() && n.match_indices(q.as_str()).any(at_word)
    }
}

/// The same name, by the rule of [`Folded`].
pub(super) fn same(query: &str, name: &str) -> bool {
    Folded::new(query).same(name)
}

/// How a typed name fits a catalog name, tightest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Fit {
    /// The same name, by the rule of [`same`].
    Same,
    /// The name's first whole words ([`leading_words`]).
    LeadingWords,
    /// The name's start (`mumb` → "Mumbai").
    StartsName,
    /// The start of some word of the name (`vip` → "Clientes VIP").
    StartsWord,
    /// The letters in order, the first one starting a word (`bfriday` → "Black Friday
    /// 2026"), as the pickers' filter finds names; three letters at least.
    Letters,
}

/// What a typed name picks among `names`: the names that fit by the tightest [`Fit`] any
/// name fits by, as indices into `names`, with that fit (`None` when nothing fits). The
/// same name is a pick (the first, if the list names two alike); for a looser fit one
/// index is a pick and several a question only more letters answer. A name of digits
/// alone fits only the same name, so a bare id stays an id.
pub(super) fn loose_fit<'n>(
    query: &str,
    names: impl IntoIterator<Item = &'n str>,
) -> (Option<Fit>, Vec<usize>) {
    loose_by(query, names, false)
}

/// [`closest`] over names given folded ([`fold_name`]), by position.
pub(super) fn closest_folded<S: AsRef<str>>(
    query: &str,
    folded: impl IntoIterator<Item = S>,
) -> Option<usize> {
    closest_by(query, folded, true)
}

/// A typed name as [`loose_by`] compares it: normalised as the names are (folded when
/// plain ASCII, else lower-cased), and without spaces.
pub(super) struct Typed {
    pub(super) ascii: bool,
    pub(super) q: String,
    pub(super) letters: Vec<char>,
    /// Whether fits looser than the same name count: not for a name without letters,
    /// so that a bare id stays an id.
    pub(super) loosely: bool,
}

impl Typed {
    pub(super) fn new(query: &str) -> Self {
        let ascii = query.is_ascii();
        let mut q = String::new();
        norm_into(query, ascii, &mut q);
        let loosely = q.chars().any(char::is_alphabetic);
        let letters = q.chars().filter(|c| !c.is_whitespace()).collect();
        Self {
            ascii,
            q,
            letters,
            loosely,
        }
    }
}

/// The names that fit a [`Typed`] name by the tightest fit met so far, by position.
#[derive(Default)]
pub(super) struct Found {
    pub(super) fit: Option<Fit>,
    pub(super) hits: Vec<usize>,
}

impl Found {
    /// `hits`, all fitting by `fit` (nothing when there are none).
    pub(super) fn of(fit: Fit, hits: Vec<usize>) -> Self {
        let fit = (!hits.is_empty()).then_some(fit);
        Self { fit, hits }
    }

    /// Name `n` (normalised as `typed.q`) at `at`, which comes after every name offered.
    pub(super) fn offer(&mut self, typed: &Typed, at: usize, n: &str) {
        let Some(fit) = fit(&typed.q, &typed.letters, n) else {
            return;
        };
        if fit != Fit::Same && !typed.loosely {
            return;
        }
        self.add(at, fit);
    }

    /// The name at `at` (after every name offered), which fits by `fit`.
    pub(super) fn add(&mut self, at: usize, fit: Fit) {
        if self.fit.is_none_or(|b| fit < b) {
            self.fit = Some(fit);
            self.hits.clear();
        }
        if self.fit == Some(fit) {
            self.hits.push(at);
        }
    }

    /// These, then those of `later`, found among names after all of these.
    pub(super) fn then(mut self, later: Found) -> Found {
        match (self.fit, later.fit) {
            (_, None) => self,
            (None, _) => later,
            (Some(a), Some(b)) if a < b => self,
            (Some(a), Some(b)) if b < a => later,
            _ => {
                self.hits.extend(later.hits);
                self
            }
        }
    }
}

/// [`loose_fit`]; `folded`: the names come folded already (for an ASCII query).
pub(super) fn loose_by<S: AsRef<str>>(
    query: &str,
    names: impl IntoIterator<Item = S>,
    folded: bool,
) -> (Option<Fit>, Vec<usize>) {
    // Names are compared through one buffer: this runs over whole lists.
    let typed = Typed::new(query);
    let (mut found, mut buf) = (Found::default(), String::new());
    for (at, name) in names.into_iter().enumerate() {
        let n = if folded {
            name.as_ref()
        } else {
            norm_into(name.as_ref(), typed.ascii, &mut buf);
            buf.as_str()
        };
        found.offer(&typed, at, n);
    }
    (found.fit, found.hits)
}

/// [`fold_name`] (`ascii`) or [`lower`] into `out`, a character at a time.
pub(super) fn norm_into(s: &str, ascii: bool, out: &mut String) {
    if ascii {
        return fold_name(s, out);
    }
    out.clear();
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// How `q` fits `n` (both normalised alike); `letters` is `q` without spaces.
fn fit(q: &str, letters: &[char], n: &str) -> Option<Fit> {
    // Every fit starts a word of the name with the query's first letter: most names of a
    // big list fail that first, cheap test.
    let first = *letters.first()?;
    let mut starts = std::iter::once(n).chain(n.match_indices(' ').map(|(at, _)| &n[at + 1..]));
    if !starts.any(|word| word.starts_with(first)) {
        return None;
    }
    if q == n {
        return Some(Fit::Same);
    }
    if let Some(rest) = n.strip_prefix(q) {
        return Some(if rest.starts_with(' ') {
            Fit::LeadingWords
        } else {
            Fit::StartsName
        });
    }
    let at_word = |at: usize| at == 0 || n[..at].ends_with(' ');
    if n.match_indices(q).any(|(at, _)| at_word(at)) {
        return Some(Fit::StartsWord);
    }
    if letters.len() < 3 {
        return None;
    }
    in_order(letters, n).then_some(Fit::Letters)
}

/// Whether `letters` are in `n` in order from a word start that holds the first of
/// them: [`Fit::Letters`], whatever their number.
pub(super) fn in_order(letters: &[char], n: &str) -> bool {
    let Some(&first) = letters.first() else {
        return false;
    };
    let at_word = |at: usize| at == 0 || n[..at].ends_with(' ');
    // Letters found after a later word start are after the first one too: only the
    // first word start holding the first letter need be tried. Letters are never
    // spaces, so the spaces between words need no skipping.
    let Some((start, _)) = n.char_indices().find(|&(at, c)| c == first && at_word(at)) else {
        return false;
    };
    let rest = &n[start + first.len_utf8()..];
    if letters.iter().all(char::is_ascii) {
        // ASCII letters are found byte by byte (no other character holds their byte).
        let mut rest = rest.as_bytes();
        return letters[1..].iter().all(|&l| {
            let found = u8::try_from(l).ok().and_then(|l| memchr::memchr(l, rest));
            found.is_some_and(|k| {
                rest = &rest[k + 1..];
                true
            })
        });
    }
    let mut rest = rest.chars();
    letters[1..].iter().all(|l| rest.any(|c| c == *l))
}

/// A field key as typed, comparable to contract keys: folded, `_` for spaces and dashes.
pub(super) fn key_norm(key: &str) -> String {
    fold(key).replace([' ', '-'], "_")
}

/// The name nearest to `query`: one containing it, else the fewest edits, allowing one
/// per three letters plus one, where an abbreviation is also compared with the name's
/// start. `None` when nothing is near enough to be a useful hint.
pub(super) fn closest<'n>(
    query: &str,
    names: impl IntoIterator<Item = &'n str>,
) -> Option<&'n str> {
    let names: Vec<&str> = names.into_iter().collect();
    closest_by(query, names.iter(), false).and_then(|at| names.get(at).copied())
}

/// [`closest`] by position; `folded`: the names come folded already ([`fold_name`]).
pub(super) fn closest_by<S: AsRef<str>>(
    query: &str,
    names: impl IntoIterator<Item = S>,
    folded: bool,
) -> Option<usize> {
    let mut near = Nearest::new(query)?;
    for (at, name) in names.into_iter().enumerate() {
        if folded {
            near.n.clear();
            near.n.extend(name.as_ref().chars().take(MAX_COMPARED));
        } else {
            fold_into(name.as_ref(), &mut near.n);
        }
        if near.offer(at) {
            break;
        }
    }
    near.best.map(|(_, at)| at)
}

/// The search for [`closest`]: what was typed, folded, and the nearest name so far.
/// One buffer for every name and two rows for every distance: this runs on each
/// keystroke of a quick-add line against catalogs of up to 100,000 names.
pub(super) struct Nearest {
    pub(super) q: Vec<char>,
    /// The most edits a hint may be away.
    pub(super) limit: usize,
    /// The edits and position of the nearest name so far.
    pub(super) best: Option<(usize, usize)>,
    /// The name being measured.
    pub(super) n: Vec<char>,
    rows: Rows,
}

impl Nearest {
    /// `None` for nothing typed.
    pub(super) fn new(query: &str) -> Option<Self> {
        let mut q = Vec::with_capacity(MAX_COMPARED);
        fold_into(query, &mut q);
        let limit = 1 + q.len() / 3;
        (!q.is_empty()).then(|| Self {
            q,
            limit,
            best: None,
            n: Vec::with_capacity(MAX_COMPARED),
            rows: Rows::default(),
        })
    }

    /// The most edits a name may be away to be nearer than the nearest so far.
    fn bound(&self) -> usize {
        self.best
            .map_or(self.limit, |(d, _)| d.saturating_sub(1).min(self.limit))
    }

    /// Measures the name in `n`, at `at` (after every name offered before); `true`
    /// when it holds what was typed, which no later name can beat.
    pub(super) fn offer(&mut self, at: usize) -> bool {
        let bound = self.bound();
        let Self { q, n, rows, .. } = self;
        let d = if q.len() >= 2 && n.windows(q.len()).any(|w| w == q.as_slice()) {
            0
        } else {
            // Each distance is at least its length difference: skip the ones that cannot
            // come within the limit (or beat the best so far).
            let head = &n[..q.len().min(n.len())];
            let by_head = if q.len() - head.len() < bound {
                rows.distance(q, head, bound) + 1
            } else {
                usize::MAX
            };
            let by_whole = if q.len().abs_diff(n.len()) <= bound {
                rows.distance(q, n, bound)
            } else {
                usize::MAX
            };
            by_head.min(by_whole)
        };
        if d <= self.limit && self.best.is_none_or(|(b, _)| d < b) {
            self.best = Some((d, at));
            return d == 0;
        }
        false
    }
}

/// [`fold`] into `out`, as characters, at most [`MAX_COMPARED`] of them (letter by
/// letter, so a Greek final sigma stays `σ`; both sides of a comparison use this).
pub(super) fn fold_into(name: &str, out: &mut Vec<char>) {
    out.clear();
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase).map(normalize));
        if out.len() >= MAX_COMPARED {
            break;
        }
    }
    out.truncate(MAX_COMPARED);
}

/// The rows of the edit-distance table, kept between names.
#[derive(Default)]
struct Rows {
    before: Vec<usize>,
    previous: Vec<usize>,
    row: Vec<usize>,
}

impl Rows {
    /// Edit distance counting a swap of neighbours as one edit (optimal string
    /// alignment). Any answer above `bound` may be returned as `bound + 1`: once a whole
    /// row exceeds it, so does the end.
    fn distance(&mut self, a: &[char], b: &[char], bound: usize) -> usize {
        let Rows {
            before,
            previous,
            row,
        } = self;
        before.clear();
        before.resize(b.len() + 1, 0);
        previous.clear();
        previous.extend(0..=b.len());
        for (i, &ca) in a.iter().enumerate() {
            row.clear();
            row.resize(b.len() + 1, i + 1);
            for (j, &cb) in b.iter().enumerate() {
                let substitute = previous[j] + usize::from(ca != cb);
                row[j + 1] = substitute.min(previous[j + 1] + 1).min(row[j] + 1);
                if i > 0 && j > 0 && a[i - 1] == cb && ca == b[j - 1] {
                    row[j + 1] = row[j + 1].min(before[j - 1] + 1);
                }
            }
            // A swap reaches back two rows, so both must be past the bound to stop.
            if row.iter().min().is_some_and(|&m| m > bound)
                && previous.iter().min().is_some_and(|&m| m > bound)
            {
                return bound + 1;
            }
            std::mem::swap(before, previous);
            std::mem::swap(previous, row);
        }
        previous[b.len()]
    }
}

/// Edit distance with no bound (tests compare it with the bounded one).
#[cfg(test)]
fn distance(a: &[char], b: &[char]) -> usize {
    Rows::default().distance(a, b, usize::MAX - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_looser_matches() {
        assert_eq!(fold("  Ñandú   Club "), "nandu club");
        assert!(same("nandu club", "Ñandú Club") && same("ÑANDÚ CLUB", "Ñandú Club"));
        assert!(!same("ñandu club", "Ñandú Club"), "accents typed are meant");
        let starts_a_word = |query: &str, name: &str| Folded::new(query).starts_a_word(name);
        assert!(starts_a_word("cumple", "Fecha de cumpleaños"));
        assert!(starts_a_word("cumpleaños", "Fecha de cumpleaños"));
        assert!(!starts_a_word("umple", "Fecha de cumpleaños") && !starts_a_word("", "x"));
        assert_eq!(
            (key_norm("Last-Name"), key_norm("Dirección")),
            ("last_name".into(), "direccion".into())
        );
    }

    /// The tightest rule any name fits decides; a tie is no pick.
    #[test]
    fn loose_picks_by_the_tightest_fit() {
        let names = [
            "Mayoristas",
            "Medellín",
            "Mumbai",
            "Ñandú Club",
            "Soporte prioritario",
            "Black Friday 2026",
            "Interesado",
            "No interesado",
            "2026",
        ];
        let hits = |q: &str| -> Vec<&str> {
            match loose_fit(q, names) {
                (Some(Fit::Same), _) => Vec::new(),
                (_, at) => at.iter().map(|&i| names[i]).collect(),
            }
        };
        assert_eq!(hits("mumb"), ["Mumbai"]);
        assert_eq!(hits("m"), ["Mayoristas", "Medellín", "Mumbai"]);
        assert_eq!(
            hits("nandu"),
            ["Ñandú Club"],
            "leading words, accents folded"
        );
        assert_eq!(
            hits("ñan"),
            ["Ñandú Club"],
            "an accent typed is compared as typed"
        );
        assert!(
            hits("nan").len() == 1 && hits("ñandú club").is_empty(),
            "same is not loose"
        );
        assert_eq!(
            hits("prio"),
            ["Soporte prioritario"],
            "a later word's start"
        );
        assert_eq!(hits("sopprio"), ["Soporte prioritario"], "letters in order");
        assert_eq!(hits("bfriday"), ["Black Friday 2026"]);
        assert_eq!(
            hits("int"),
            ["Interesado"],
            "the name's start beats a word's start"
        );
        assert_eq!(hits("inter"), ["Interesado"]);
        assert!(hits("teresado").is_empty(), "inside a word is not a start");
        assert!(hits("mby").is_empty() && hits("xyz").is_empty());
        assert!(hits("20").is_empty(), "digits alone stay an id");
        assert!(hits("la").is_empty() && hits("").is_empty());
    }

    #[test]
    fn aliases_per_flavour() {
        assert_eq!(alias(Flavour::Wipsy, "wa"), Some("whatsapp_id"));
        assert_eq!(alias(Flavour::Whatsmark, "wa"), Some("phone"));
        assert_eq!(alias(Flavour::Wipsy, "zip"), Some(""));
        assert_eq!(alias(Flavour::Wipsy, "nickname"), None);
        assert!(aliases(Flavour::Whatsmark).any(|a| a == "zip"));
        assert!(!aliases(Flavour::Wipsy).any(|a| a == "zip"));
    }

    #[test]
    fn distances_and_suggestions() {
        let d = |a: &str, b: &str| {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            distance(&a, &b)
        };
        assert_eq!(
            (
                d("", "abc"),
                d("abc", "abc"),
                d("vpi", "vip"),
                d("kitten", "sitting")
            ),
            (3, 0, 1, 3)
        );
        let names = ["VIP", "Soporte", "Ñandú Club", "中文客户", "Cliente nuevo"];
        let near = |q: &str| closest(q, names);
        assert_eq!(
            (near("soprte"), near("vpi")),
            (Some("Soporte"), Some("VIP"))
        );
        assert_eq!(
            (near("nandi"), near("中文")),
            (Some("Ñandú Club"), Some("中文客户"))
        );
        assert_eq!(near("clientes"), Some("Cliente nuevo"));
        assert_eq!((near("zzzzzzzz"), near(""), near(" ")), (None, None, None));
    }

    /// The bounded distance and the pruning only skip work: every pair of a small
    /// alphabet agrees with the plain table, and `closest` with a plain scan.
    #[test]
    fn bounded_distance_agrees_with_the_whole_table() {
        fn plain(a: &[char], b: &[char]) -> usize {
            let mut t = vec![vec![0; b.len() + 1]; a.len() + 1];
            for (i, row) in t.iter_mut().enumerate() {
                row[0] = i;
            }
            t[0] = (0..=b.len()).collect();
            for i in 1..=a.len() {
                for j in 1..=b.len() {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    t[i][j] = (t[i - 1][j] + 1)
                        .min(t[i][j - 1] + 1)
                        .min(t[i - 1][j - 1] + cost);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        t[i][j] = t[i][j].min(t[i - 2][j - 2] + 1);
                    }
                }
            }
            t[a.len()][b.len()]
        }
        let words: Vec<Vec<char>> = (0..400u32)
            .map(|n| {
                let len = n % 7;
                (0..len)
                    .map(|k| ['a', 'b', 'c'][((n >> k) % 3) as usize])
                    .collect()
            })
            .collect();
        let mut rows = Rows::default();
        for a in &words {
            for b in words.iter().step_by(7) {
                let full = plain(a, b);
                assert_eq!(distance(a, b), full, "{a:?} {b:?}");
                for bound in 0..4 {
                    let d = rows.distance(a, b, bound);
                    assert!(
                        if full <= bound { d == full } else { d > bound },
                        "{a:?} {b:?} bound {bound}: {d} for {full}"
                    );
                }
            }
        }
        let names: Vec<String> = words.iter().map(|w| w.iter().collect()).collect();
        for q in names.iter().step_by(3) {
            let scan = {
                let qc: Vec<char> = q.chars().collect();
                let limit = 1 + qc.len() / 3;
                let scored = names.iter().filter_map(|n| {
                    let nc: Vec<char> = n.chars().collect();
                    let contains = qc.len() >= 2 && nc.windows(qc.len()).any(|w| w == qc);
                    let head = plain(&qc, &nc[..qc.len().min(nc.len())]) + 1;
                    let d = if contains {
                        0
                    } else {
                        plain(&qc, &nc).min(head)
                    };
                    (d <= limit).then_some((d, n.as_str()))
                });
                scored
                    .min_by_key(|(d, _)| *d)
                    .map(|(_, n)| n)
                    .filter(|_| !qc.is_empty())
            };
            assert_eq!(closest(q, names.iter().map(String::as_str)), scan, "{q}");
        }
    }
}
