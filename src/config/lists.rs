//! The fast path for the long lists a profile declares: `[[profiles.NAME.tags]]`,
//! `stages`, `custom_fields`, `assignees` and `countries`. A tenant with 100,000 tags
//! writes 500,000 lines of them, and a general TOML parser spends most of a start-up on
//! them, building a spanned tree that is read once and thrown away.
//!
//! These tables are almost always written in one plain shape: a header line, then one
//! `key = value` a line, the value a string, an integer, a boolean or a one-line array
//! of strings. [`split`] reads the tables written in that shape itself, a line at a time,
//! and hands toml the rest of the file with those lines taken out. The reader then sees
//! both through the same `Table`/`Entry` API, so every check and every message is the
//! same, with the file's own line numbers.
//!
//! Anything outside the plain shape (a multi-line string anywhere in the file, a quoted
//! key, a float, an inline table, a key given twice, a bad escape, a list also written
//! inline) makes [`split`] give up, and the whole file goes through toml as before:
//! the fast path never changes what a file means or which error it gets.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use crate::contact::catalog::Item;

/// The lists a profile may declare as arrays of tables.
pub(super) const LISTS: [&str; 5] = ["tags", "stages", "custom_fields", "assignees", "countries"];

/// One value of a plain table. Strings are the text of the file, or for the rare one
/// with escapes, its decoded copy kept in [`Lists`]: either way they live as long as the
/// file's text, as toml's do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FlatValue<'a> {
    /// A basic or literal string, unescaped.
    Str(&'a str),
    /// A decimal integer as written (a sign, digits, maybe `_` separators).
    Int(&'a str),
    /// `true` or `false`.
    Bool(bool),
    /// A one-line array of strings.
    Strs(Vec<&'a str>),
}

/// A string as written: the text between its quotes, and whether it has escapes.
#[derive(Debug, Clone, Copy)]
struct Raw<'a> {
    text: &'a str,
    escaped: bool,
}

/// A value as written, before escapes are decoded.
#[derive(Debug, Clone)]
enum RawValue<'a> {
    Str(Raw<'a>),
    Int(&'a str),
    Bool(bool),
    /// Rare (select options), so kept on the heap to keep every other value small.
    Strs(Vec<Raw<'a>>),
}

/// A `key = value` line as written.
#[derive(Debug, Clone)]
struct RawField<'a> {
    key: &'a str,
    line: usize,
    value: RawValue<'a>,
}

/// One `key = value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FlatField<'a> {
    /// The bare key.
    pub key: &'a str,
    /// Its 1-based line in the file.
    pub line: usize,
    /// The value.
    pub value: FlatValue<'a>,
}

/// The fields of one table, held while it is read (most tables have a handful).
pub(super) type Fields<'a> = smallvec::SmallVec<[FlatField<'a>; 6]>;

/// One table of a list: its header line and the text of its body. Fields are parsed
/// when the table is read, not kept for every table: a list of 100,000 tags would
/// otherwise hold 300,000 parsed fields at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FlatTable<'a> {
    /// The header's 1-based line: errors about the table as a whole point here.
    pub line: usize,
    /// The lines after the header, up to the next header.
    pub body: &'a str,
}

impl<'a> FlatTable<'a> {
    /// The table's fields in file order, strings decoded. [`split`] checked every line
    /// and decoded every escape, so this cannot fail.
    pub fn fields(&self, lists: &'a Lists<'a>) -> Fields<'a> {
        let text = |r: Raw<'a>| {
            if r.escaped {
                lists.decoded.get(&key_of(r)).map_or("", String::as_str)
            } else {
                r.text
            }
        };
        Lines::new(self.body)
            .filter_map(|(n, l)| field(l, self.line + n)?.field())
            .map(|f| FlatField {
                key: f.key,
                line: f.line,
                value: match f.value {
                    RawValue::Str(r) => FlatValue::Str(text(r)),
                    RawValue::Int(i) => FlatValue::Int(i),
                    RawValue::Bool(b) => FlatValue::Bool(b),
                    RawValue::Strs(rs) => FlatValue::Strs(rs.into_iter().map(text).collect()),
                },
            })
            .collect()
    }
}

/// Where a raw string is in the file's text: the key of its decoded copy.
fn key_of(r: Raw<'_>) -> usize {
    r.text.as_ptr() as usize
}

/// The keys a tag may have.
pub(super) const TAG_KEYS: &[&str] = &["id", "name", "color"];
/// The keys a pipeline stage may have.
pub(super) const STAGE_KEYS: &[&str] = &["id", "name", "color", "order", "system"];

/// One list of one profile, as the fast path read it. Tags and stages that are plainly
/// right are built into entries while they are read (the file is parsed once, and no
/// parsed field outlives its line); every other table is kept, with its position, for
/// the reader to judge.
#[derive(Debug)]
pub(super) struct Group<'a> {
    profile: Cow<'a, str>,
    list: &'static str,
    /// The header line of the list's first table.
    pub line: usize,
    /// How many tables the list has.
    pub len: usize,
    /// The entries built while reading, in order, and the header line of each. The
    /// reader takes them.
    pub built: RefCell<(Vec<Item>, Vec<u32>)>,
    /// The tables not built: their position in the list, and the table.
    pub tables: Vec<(usize, FlatTable<'a>)>,
    /// The ids built so far, to send a repeated one to the reader (which reports it).
    ids: Ids,
}

/// The plain tables found, by profile and list, in file order.
#[derive(Debug, Default)]
pub(super) struct Lists<'a> {
    groups: Vec<Group<'a>>,
    /// The decoded text of every string written with escapes, by where it is.
    decoded: HashMap<usize, String>,
}

/// Which profiles' lists the fast path found (to check them against the rest).
pub(super) trait Keys<'k> {
    /// `(profile, list)` pairs.
    fn keys(&'k self) -> impl Iterator<Item = (&'k str, &'static str)>;
}

impl<'k, 'a: 'k> Keys<'k> for Lists<'a> {
    fn keys(&'k self) -> impl Iterator<Item = (&'k str, &'static str)> {
        self.groups.iter().map(|g| (g.profile.as_ref(), g.list))
    }
}

/// The lists found by [`rest_of`], not read.
#[derive(Debug, Default)]
pub(super) struct Found<'a>(Vec<(Cow<'a, str>, &'static str)>);

impl<'k, 'a: 'k> Keys<'k> for Found<'a> {
    fn keys(&'k self) -> impl Iterator<Item = (&'k str, &'static str)> {
        self.0.iter().map(|(p, l)| (p.as_ref(), *l))
    }
}

impl<'a> Lists<'a> {
    /// One profile's list, if the fast path read it.
    pub fn get(&self, profile: &str, list: &str) -> Option<&Group<'a>> {
        self.groups
            .iter()
            .find(|g| g.profile == profile && g.list == list)
    }

    /// The group a table of `profile`'s `list` goes to (most tables follow one of their
    /// own list, so the last group is tried first).
    fn group(&mut self, profile: Cow<'a, str>, list: &'static str, line: usize) -> usize {
        let same = |g: &Group<'_>| g.list == list && g.profile == profile;
        if self.groups.last().is_some_and(same) {
            return self.groups.len() - 1;
        }
        if let Some(i) = self.groups.iter().position(same) {
            return i;
        }
        self.groups.push(Group {
            profile,
            list,
            line,
            len: 0,
            built: RefCell::new((Vec::new(), Vec::new())),
            tables: Vec::new(),
            ids: Ids::default(),
        });
        self.groups.len() - 1
    }
}

/// The ids of a list read so far, by index into the list itself: no id is copied, and
/// the hash (Fx, as rustc uses; the file is the user's own, so no one can aim
/// collisions at it) is cheap, so 100,000 tags check in a few milliseconds.
/// Each slot keeps the id's hash beside its index, so growing the table never goes back
/// to the ids themselves.
#[derive(Default)]
pub(super) struct Ids {
    table: hashbrown::HashTable<(u64, usize)>,
    hasher: rustc_hash::FxBuildHasher,
}

impl std::fmt::Debug for Ids {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ids({})", self.table.len())
    }
}

impl Ids {
    /// Room for `n` ids.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            table: hashbrown::HashTable::with_capacity(n),
            hasher: rustc_hash::FxBuildHasher,
        }
    }

    /// Records the next entry's `id` when no earlier entry of `list` has it; whether it
    /// was new.
    pub fn fresh<T>(&mut self, list: &[T], id: &str, id_of: impl Fn(&T) -> &str) -> bool {
        use std::hash::BuildHasher as _;
        let hash = self.hasher.hash_one(id);
        let seen = |&(h, i): &(u64, usize)| h == hash && id_of(&list[i]) == id;
        if self.table.find(hash, seen).is_some() {
            return false;
        }
        self.table
            .insert_unique(hash, (hash, list.len()), |&(h, _)| h);
        true
    }
}

/// The rest of the file for toml: every line the fast path did not read, and where
/// the lines taken out were, so toml's line numbers can be mapped back to the file's.
#[derive(Debug, Default)]
pub(super) struct Rest {
    /// The lines toml reads, in order.
    pub text: String,
    /// `(line of the rest, lines of the file taken out before it)`, ascending: for
    /// mapping a line of the rest back to the file.
    pub skips: Vec<(usize, usize)>,
}

impl Rest {
    /// The file's 1-based line for a 1-based line of the rest.
    pub fn file_line(&self, rest_line: usize) -> usize {
        let at = self.skips.partition_point(|(r, _)| *r <= rest_line);
        rest_line + at.checked_sub(1).map_or(0, |i| self.skips[i].1)
    }

    fn skipped(&mut self, kept: usize, taken: usize) {
        if taken > 0 {
            let before = self.skips.last().map_or(0, |s| s.1);
            self.skips.push((kept + 1, before + taken));
        }
    }
}

/// Reads the plain list tables out of `text`. `None` when there are none, or when
/// anything in the file is beyond the fast path: then toml reads all of it.
pub(super) fn split(text: &str) -> Option<(Rest, Lists<'_>)> {
    if has_long_strings(text) {
        return None;
    }
    let mut rest = Rest::default();
    let mut lists = Lists::default();
    let mut lines = Lines::new(text);
    let mut guard = Guard::default();
    // Lines taken out since the last line kept, and lines kept so far.
    let (mut taken, mut kept) = (0, 0);
    loop {
        let start = lines.offset();
        let Some((n, line)) = lines.next() else {
            break;
        };
        let Some((profile, list)) = header(line) else {
            guard.keep(line);
            rest.skipped(kept, taken);
            taken = 0;
            kept += 1;
            // The line as written, its ending included, so toml judges the same bytes.
            rest.text.push_str(&text[start..lines.offset()]);
            continue;
        };
        if guard.depth > 0 {
            return None;
        }
        let body_start = lines.offset();
        let (count, fields) = body(&mut lines, &mut lists.decoded)?;
        taken += 1 + count;
        let table = FlatTable {
            line: n,
            body: &text[body_start..lines.offset()],
        };
        let g = lists.group(profile, list, n);
        let built = keys_of(list).and_then(|keys| quick_item(&fields, &lists.decoded, keys));
        let group = &mut lists.groups[g];
        let position = group.len;
        group.len += 1;
        let built_ref = group.built.get_mut();
        match built {
            Some(item) if group.ids.fresh(&built_ref.0, &item.id, |i| &i.id) => {
                built_ref.0.push(item);
                built_ref.1.push(u32::try_from(n).unwrap_or(u32::MAX));
            }
            _ => group.tables.push((position, table)),
        }
    }
    if lists.groups.is_empty() || !guard.declares(lists.keys().map(|(p, _)| p)) {
        return None;
    }
    rest.skipped(kept, taken);
    Some((rest, lists))
}

/// The rest of `text` without its list tables, and which lists there are, when there
/// are at least `at_least` tables: their bodies are skipped, not read (the form draws
/// first and reads them after). `None` for fewer tables, or a file beyond the fast path.
pub(super) fn rest_of(text: &str, at_least: usize) -> Option<(Rest, Found<'_>)> {
    if has_long_strings(text) {
        return None;
    }
    let mut rest = Rest::default();
    let mut found = Found::default();
    let mut lines = Lines::new(text);
    let mut guard = Guard::default();
    let (mut taken, mut kept, mut tables) = (0, 0, 0);
    // A long list repeats the same header line: it is read once, then only compared
    // (100,000 headers were most of the time to the first frame).
    let mut memo: Option<(&str, Header<'_>)> = None;
    loop {
        let start = lines.offset();
        let Some((_, line)) = lines.next() else {
            break;
        };
        let parsed = match &memo {
            Some((seen, parsed)) if *seen == line => parsed.clone(),
            _ => {
                let parsed = header(line);
                memo = Some((line, parsed.clone()));
                parsed
            }
        };
        let Some((profile, list)) = parsed else {
            guard.keep(line);
            rest.skipped(kept, taken);
            taken = 0;
            kept += 1;
            // The line as written, its ending included, so toml judges the same bytes.
            rest.text.push_str(&text[start..lines.offset()]);
            continue;
        };
        if guard.depth > 0 {
            return None;
        }
        tables += 1;
        taken += 1 + lines.skip_to_bracket_line();
        if !found.0.iter().any(|(p, l)| *p == profile && *l == list) {
            found.0.push((profile, list));
        }
    }
    if tables < at_least || !guard.declares(found.keys().map(|(p, _)| p)) {
        return None;
    }
    rest.skipped(kept, taken);
    Some((rest, found))
}

/// What the lines left to toml say about taking list tables out of the file. toml reads
/// a header-like line inside a multi-line array or inline table as part of that value,
/// and places a profile table that no header of its own declares where the file first
/// names it, which may be a list header taken out. So tables are only taken out between
/// values, of profiles declared by their own `[profiles.NAME]` header.
#[derive(Debug, Default)]
struct Guard<'a> {
    /// Brackets and braces still open at the end of the last line kept.
    depth: usize,
    /// The profiles declared by a `[profiles.NAME]` header.
    declared: Vec<Cow<'a, str>>,
}

impl<'a> Guard<'a> {
    /// Notes a line left to toml.
    fn keep(&mut self, line: &'a str) {
        if self.depth == 0
            && let Some(profile) = profile_header(line)
            && !self.declared.contains(&profile)
        {
            self.declared.push(profile);
        }
        self.depth = open_after(line, self.depth);
    }

    /// Whether every one of `profiles` has its own header.
    fn declares<'p>(&self, mut profiles: impl Iterator<Item = &'p str>) -> bool {
        profiles.all(|p| self.declared.iter().any(|d| d == p))
    }
}

/// `[profiles.NAME]` (a comment may follow): the profile it declares.
fn profile_header(line: &str) -> Option<Cow<'_, str>> {
    let inner = trim_ws(line).strip_prefix('[')?;
    if inner.starts_with('[') {
        return None;
    }
    let inner = trim_ws(inner).strip_prefix("profiles")?;
    let inner = trim_ws(trim_ws(inner).strip_prefix('.')?);
    let (profile, after) = key_segment(inner)?;
    let after = trim_ws(trim_ws(after).strip_prefix(']')?);
    (after.is_empty() || is_comment(after)).then_some(profile)
}

/// How many brackets and braces are open after `line`, `depth` being open before it
/// (strings and a comment skipped; strings span no lines, see [`has_long_strings`]).
fn open_after(line: &str, mut depth: usize) -> usize {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => break,
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != quote {
                    i += if quote == b'"' && b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    depth
}

/// A multi-line string can hold lines that look like headers: files with one are left
/// to toml whole.
fn has_long_strings(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memmem::find(bytes, b"\"\"\"").is_some()
        || memchr::memmem::find(bytes, b"'''").is_some()
}

/// The fields of one table as read, while it is read.
type RawFields<'a> = smallvec::SmallVec<[RawField<'a>; 6]>;

/// Reads the body lines after a header, up to the next header, decoding escaped strings
/// into `decoded`: the number of lines and the fields, or `None` for a line beyond the
/// fast path, a bad escape or a key written twice.
fn body<'a>(
    lines: &mut Lines<'a>,
    decoded: &mut HashMap<usize, String>,
) -> Option<(usize, RawFields<'a>)> {
    let mut fields = RawFields::new();
    let mut count = 0;
    while let Some((m, line)) = lines.peek() {
        if first_byte(line) == Some(b'[') {
            break;
        }
        lines.next();
        count += 1;
        let Some(f) = field(line, m)?.field() else {
            continue;
        };
        if fields.iter().any(|g: &RawField<'_>| g.key == f.key) {
            return None;
        }
        let raws: &[Raw<'_>] = match &f.value {
            RawValue::Str(r) => std::slice::from_ref(r),
            RawValue::Strs(rs) => rs,
            RawValue::Int(_) | RawValue::Bool(_) => &[],
        };
        for r in raws.iter().filter(|r| r.escaped) {
            decoded.insert(key_of(*r), unescape(r.text)?);
        }
        fields.push(f);
    }
    Some((count, fields))
}

/// The keys of the lists whose plain entries are built as they are read.
fn keys_of(list: &str) -> Option<&'static [&'static str]> {
    match list {
        "tags" => Some(TAG_KEYS),
        "stages" => Some(STAGE_KEYS),
        _ => None,
    }
}

/// A tag or stage when every field is plainly right: known keys, an id and a name that
/// are non-empty text (an integer id as its digits), a `#RRGGBB` colour, an integer
/// order, a boolean system flag. `None` for anything else: the reader judges that
/// table, with the one set of messages.
fn quick_item(
    fields: &[RawField<'_>],
    decoded: &HashMap<usize, String>,
    keys: &[&str],
) -> Option<Item> {
    let text = |r: &Raw<'_>| -> Option<String> {
        let t = if r.escaped {
            decoded.get(&key_of(*r))?.as_str()
        } else {
            r.text
        };
        let t = t.trim();
        (!t.is_empty()).then(|| t.to_owned())
    };
    let mut item = Item::default();
    let (mut id, mut name) = (false, false);
    for f in fields {
        if !keys.contains(&f.key) {
            return None;
        }
        match (f.key, &f.value) {
            ("id", RawValue::Str(r)) => {
                item.id = text(r)?;
                id = true;
            }
            ("id", RawValue::Int(i)) => {
                item.id = digits(i).parse::<i64>().ok()?.to_string();
                id = true;
            }
            ("name", RawValue::Str(r)) => {
                item.name = text(r)?;
                name = true;
            }
            ("color", RawValue::Str(r)) if !r.escaped => {
                item.color = Some(super::profile::hex_color(r.text.trim())?);
            }
            ("order", RawValue::Int(i)) => item.order = Some(digits(i).parse().ok()?),
            ("system", RawValue::Bool(b)) => item.system = *b,
            _ => return None,
        }
    }
    (id && name).then_some(item)
}

/// Lines with their 1-based numbers, without the line ending (`\n` or `\r\n`). The
/// next line is found once and kept, so looking ahead costs nothing more.
struct Lines<'a> {
    text: &'a str,
    /// Where the line after `ahead` starts.
    at: usize,
    n: usize,
    /// The next line, found but not yet taken, and where it started.
    ahead: Option<(usize, &'a str, usize)>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut lines = Self {
            text,
            at: 0,
            n: 0,
            ahead: None,
        };
        lines.ahead = lines.find_next();
        lines
    }

    fn find_next(&mut self) -> Option<(usize, &'a str, usize)> {
        let start = self.at;
        let rest = self.text.get(start..).filter(|r| !r.is_empty())?;
        // A `\r` is part of the line ending only before a `\n`: a bare one stays in the
        // line, where no value or comment takes it (toml refuses it too).
        let (line, len) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(e) => (rest[..e].strip_suffix('\r').unwrap_or(&rest[..e]), e + 1),
            None => (rest, rest.len()),
        };
        self.at += len;
        self.n += 1;
        Some((self.n, line, start))
    }

    /// Skips the lines before the next one whose first byte past spaces and tabs is
    /// `[` (or all that are left) without reading them one by one, as skipping a table's
    /// body does; how many lines it skipped. Bodies of long lists hold no `[` at all, so
    /// this is a few `memchr` jumps for 100,000 tables instead of 400,000 lines.
    fn skip_to_bracket_line(&mut self) -> usize {
        let Some((_, _, start)) = self.ahead else {
            return 0;
        };
        let bytes = self.text.as_bytes();
        let mut from = start;
        let target = loop {
            let Some(i) = memchr::memchr(b'[', &bytes[from..]) else {
                break bytes.len();
            };
            let at = from + i;
            let line_start =
                memchr::memrchr(b'\n', &bytes[start..at]).map_or(start, |j| start + j + 1);
            if bytes[line_start..at]
                .iter()
                .all(|b| matches!(b, b' ' | b'\t'))
            {
                break line_start;
            }
            from = at + 1;
        };
        let skipped = &bytes[start..target];
        let mut count = memchr::memchr_iter(b'\n', skipped).count();
        if skipped.last().is_some_and(|&b| b != b'\n') {
            // The text's last line, without a line end.
            count += 1;
        }
        // `ahead` was the first line skipped; the next one found is the bracket line.
        self.n = self.n - 1 + count;
        self.at = target;
        self.ahead = self.find_next();
        count
    }

    fn peek(&self) -> Option<(usize, &'a str)> {
        self.ahead.map(|(n, l, _)| (n, l))
    }

    /// Where the next line starts (the end of the text when there is none).
    fn offset(&self) -> usize {
        self.ahead.map_or(self.text.len(), |(_, _, start)| start)
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let (n, line, _) = self.ahead?;
        self.ahead = self.find_next();
        Some((n, line))
    }
}

/// What [`header`] reads off a line: the profile and the list, if it is a list header.
type Header<'a> = Option<(Cow<'a, str>, &'static str)>;

/// `[[profiles.NAME.LIST]]` (a comment may follow): the profile and the list.
fn header(line: &str) -> Header<'_> {
    let inner = trim_ws(line).strip_prefix("[[")?;
    let close = memchr::memchr(b']', inner.as_bytes())?;
    let (inner, after) = (&inner[..close], inner[close..].strip_prefix("]]")?);
    let after = trim_ws(after);
    if !(after.is_empty() || is_comment(after)) {
        return None;
    }
    let inner = trim_ws(inner).strip_prefix("profiles")?;
    let inner = trim_ws(trim_ws(inner).strip_prefix('.')?);
    let (profile, inner) = key_segment(inner)?;
    let inner = trim_ws(trim_ws(inner).strip_prefix('.')?);
    let list = LISTS.into_iter().find(|l| *l == inner)?;
    Some((profile, list))
}

/// Without the spaces and tabs at either end: TOML's only whitespace (`str::trim` would
/// also take a form feed or U+3000, which TOML refuses).
fn trim_ws(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// A comment as TOML allows it: `#`, then no control character but tab.
fn is_comment(s: &str) -> bool {
    s.starts_with('#') && s.bytes().all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

/// A bare key or a basic quoted key at the start of `s`, and what follows it.
fn key_segment(s: &str) -> Option<(Cow<'_, str>, &str)> {
    if s.starts_with('"') {
        let (raw, end) = string(s, 0)?;
        let after = &s[end..];
        let value = if raw.escaped {
            Cow::Owned(unescape(raw.text)?)
        } else {
            Cow::Borrowed(raw.text)
        };
        return Some((value, after));
    }
    let end = s.find(|c: char| !is_bare(c)).unwrap_or(s.len());
    (end > 0).then(|| (Cow::Borrowed(&s[..end]), &s[end..]))
}

fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// What a body line holds.
enum Body<'a> {
    /// Nothing: blank, or a comment.
    Blank,
    /// A plain `key = value`.
    Field(RawField<'a>),
}

impl<'a> Body<'a> {
    fn field(self) -> Option<RawField<'a>> {
        match self {
            Body::Blank => None,
            Body::Field(f) => Some(f),
        }
    }
}

/// The first byte of a line that is not a space or a tab.
fn first_byte(line: &str) -> Option<u8> {
    line.bytes().find(|b| !matches!(b, b' ' | b'\t'))
}

/// Past the spaces and tabs at `i`.
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

/// One body line; `None` for anything beyond the fast path. One pass over the bytes:
/// this runs for every line of a list of 100,000 entries.
fn field(line: &str, n: usize) -> Option<Body<'_>> {
    let b = line.as_bytes();
    let mut i = skip_ws(b, 0);
    if i == b.len() {
        return Some(Body::Blank);
    }
    if b[i] == b'#' {
        return is_comment(&line[i..]).then_some(Body::Blank);
    }
    let key_start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'-')) {
        i += 1;
    }
    if i == key_start {
        return None;
    }
    let key = &line[key_start..i];
    i = skip_ws(b, i);
    if b.get(i) != Some(&b'=') {
        return None;
    }
    i = skip_ws(b, i + 1);
    let (value, after) = value(line, i)?;
    let i = skip_ws(b, after);
    if i < b.len() && !is_comment(&line[i..]) {
        return None;
    }
    Some(Body::Field(RawField {
        key,
        line: n,
        value,
    }))
}

/// The value starting at byte `i` of `line`, and where it ends.
fn value(line: &str, i: usize) -> Option<(RawValue<'_>, usize)> {
    let b = line.as_bytes();
    match *b.get(i)? {
        b'"' | b'\'' => string(line, i).map(|(r, end)| (RawValue::Str(r), end)),
        b'[' => strings(line, i + 1).map(|(v, end)| (RawValue::Strs(v), end)),
        b't' if line[i..].starts_with("true") => Some((RawValue::Bool(true), i + 4)),
        b'f' if line[i..].starts_with("false") => Some((RawValue::Bool(false), i + 5)),
        _ => integer(line, i).map(|(v, end)| (RawValue::Int(v), end)),
    }
}

/// A basic (`"…"`, escapes allowed) or literal (`'…'`) string starting at its quote at
/// byte `i`: its text and where it ends. Escapes are only spotted here, decoded apart.
fn string(line: &str, i: usize) -> Option<(Raw<'_>, usize)> {
    let b = line.as_bytes();
    let quote = b[i];
    let mut j = i + 1;
    let mut escaped = false;
    while j < b.len() {
        match b[j] {
            c if c == quote => {
                let raw = Raw {
                    text: &line[i + 1..j],
                    escaped,
                };
                return Some((raw, j + 1));
            }
            b'\\' if quote == b'"' => {
                escaped = true;
                j += 2;
            }
            // Raw control characters other than tab are not allowed in a TOML string.
            c if (c < 0x20 && c != b'\t') || c == 0x7f => return None,
            _ => j += 1,
        }
    }
    None
}

/// A one-line array of strings after its `[` (at byte `i`): `"a", 'b' ,]`.
fn strings(line: &str, mut i: usize) -> Option<(Vec<Raw<'_>>, usize)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    loop {
        i = skip_ws(b, i);
        match *b.get(i)? {
            b']' => return Some((out, i + 1)),
            b'"' | b'\'' => {
                let (r, end) = string(line, i)?;
                out.push(r);
                i = skip_ws(b, end);
                match *b.get(i)? {
                    b',' => i += 1,
                    b']' => {}
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
}

/// A decimal integer (`-3`, `+7`, `1_000`) starting at byte `i`; not hex, octal,
/// binary or a float.
fn integer(line: &str, i: usize) -> Option<(&str, usize)> {
    let b = line.as_bytes();
    let mut j = i;
    if matches!(b.get(j), Some(b'+' | b'-')) {
        j += 1;
    }
    let digits_start = j;
    while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'_') {
        j += 1;
    }
    let digits = &line[digits_start..j];
    let well_formed = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && (digits == "0" || !digits.starts_with('0'));
    let next = b.get(j).copied();
    if !well_formed || next.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'.') {
        return None;
    }
    Some((&line[i..j], j))
}

/// An integer as [`integer`] accepted it, as `i64::from_str_radix` reads it.
pub(super) fn digits(raw: &str) -> Cow<'_, str> {
    let raw = raw.strip_prefix('+').unwrap_or(raw);
    if raw.contains('_') {
        Cow::Owned(raw.replace('_', ""))
    } else {
        Cow::Borrowed(raw)
    }
}

/// The text of a basic string with its escapes decoded; `None` for a bad escape.
fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices();
    while let Some((_, c)) = chars.next() {
        match c {
            '\\' => out.push(escape(&mut chars)?),
            c => out.push(c),
        }
    }
    Some(out)
}

fn escape(chars: &mut std::str::CharIndices<'_>) -> Option<char> {
    let (_, c) = chars.next()?;
    Some(match c {
        'b' => '\u{8}',
        't' => '\t',
        'n' => '\n',
        'f' => '\u{c}',
        'r' => '\r',
        'e' => '\u{1b}',
        '"' => '"',
        '\\' => '\\',
        'u' | 'U' => {
            let len = if c == 'u' { 4 } else { 8 };
            let hex: String = chars.take(len).map(|(_, h)| h).collect();
            if hex.len() != len {
                return None;
            }
            char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_tables_are_read_and_the_rest_keeps_its_lines() {
        let text = "[profiles.w]\napi = \"wipsy\"\n\n[[profiles.w.tags]] # one\nid = \"t1\"\n\
                    name = \"Caf\\u00e9 \\\"A\\\"\" # note\ncolor = '#FF0000'\n\n\
                    [[profiles.\"a.b\".stages]]\nid = \"s\"\norder = 1_0\nsystem = true\n\
                    [profiles.w.defaults]\nx = 1\n[profiles.\"a.b\"]\n";
        let (rest, lists) = split(text).unwrap();
        assert_eq!(
            rest.text,
            "[profiles.w]\napi = \"wipsy\"\n\n[profiles.w.defaults]\nx = 1\n[profiles.\"a.b\"]\n"
        );
        assert_eq!(rest.file_line(3), 3);
        assert_eq!(rest.file_line(4), 13);
        assert_eq!(rest.file_line(5), 14);
        // A plain tag is built as it is read.
        let tags = lists.get("w", "tags").unwrap();
        assert_eq!((tags.line, tags.len), (4, 1));
        let (built, lines) = tags.built.take();
        assert_eq!(built[0].name, "Café \"A\"");
        assert_eq!(built[0].color.as_deref(), Some("#FF0000"));
        assert_eq!(lines, [4]);
        // A stage with no name is left for the reader, fields and all.
        let stages = lists.get("a.b", "stages").unwrap();
        let (at, table) = stages.tables[0];
        assert_eq!(at, 0);
        assert_eq!(table.fields(&lists)[1].line, 11);
        assert_eq!(table.fields(&lists)[1].value, FlatValue::Int("1_0"));
        assert_eq!(digits("1_0"), "10");
        assert_eq!(table.fields(&lists)[2].value, FlatValue::Bool(true));
    }

    #[test]
    fn anything_unusual_leaves_the_file_to_toml() {
        let base = "[profiles.w]\napi = \"wipsy\"\n[[profiles.w.tags]]\n";
        for body in [
            "id = 1.5\n",
            "id = 0x10\n",
            "\"id\" = \"x\"\n",
            "id = { a = 1 }\n",
            "id = \"a\"\nid = \"b\"\n",
            "id = \"bad \\q escape\"\n",
            "id = \"unterminated\n",
            "id = [\"a\", 1]\n",
            "id = \"x\" trailing\n",
            "id.sub = \"x\"\n",
            "notes = \"\"\"\nx\n\"\"\"\n",
        ] {
            assert!(split(&format!("{base}{body}")).is_none(), "{body}");
        }
        assert!(split("[profiles.w]\napi = \"wipsy\"\n").is_none());
        // A profile no header of its own declares, a list header inside a multi-line
        // array or inline table, one indented with a form feed: all left to toml.
        for text in [
            "[[profiles.w.tags]]\nid = \"a\"\n[profiles.w.defaults]\nx = 1\n",
            "[profiles.w]\nx = [\n[[profiles.w.tags]]\nid = \"a\"\n[1]]\n",
            "[profiles.w]\nx = { a = [\n[[profiles.w.tags]]\n]}\n",
            "[profiles.w]\n\u{c}[[profiles.w.tags]]\nid = \"a\"\n",
        ] {
            assert!(split(text).is_none(), "{text:?}");
            assert!(rest_of(text, 1).is_none(), "{text:?}");
        }
        // So is a comment toml refuses (the quick read skips bodies unread).
        assert!(split("[profiles.w]\n[[profiles.w.tags]]\nid = \"a\" # \u{1}\n").is_none());
        // Declared after its lists, or with brackets in strings and comments: fine.
        let later = "[[profiles.w.tags]]\nid = \"a\"\n[profiles.w] # [\nx = \"[{\" # [\n";
        assert!(split(later).is_some());
        assert!(rest_of(later, 1).is_some());
        // Other arrays of tables stay with toml.
        let (rest, _) = split(&format!("{base}id = \"a\"\n[[other.list]]\nx = 1\n")).unwrap();
        assert!(rest.text.contains("[[other.list]]"));
    }

    /// Skipping a body by jumps lands where reading it line by line did, with the same
    /// line count: indented headers, `[` inside values and comments, CRLF, a last line
    /// without its end.
    #[test]
    fn skipping_a_body_lands_where_reading_it_line_by_line_did() {
        fn by_lines(text: &str) -> (usize, Option<(usize, String)>) {
            let mut lines = Lines::new(text);
            lines.next();
            let mut taken = 0;
            while let Some((_, body)) = lines.peek() {
                if first_byte(body) == Some(b'[') {
                    break;
                }
                lines.next();
                taken += 1;
            }
            (taken, lines.peek().map(|(n, l)| (n, l.to_owned())))
        }
        fn by_jumps(text: &str) -> (usize, Option<(usize, String)>) {
            let mut lines = Lines::new(text);
            lines.next();
            let taken = lines.skip_to_bracket_line();
            (taken, lines.peek().map(|(n, l)| (n, l.to_owned())))
        }
        let head = "[[profiles.w.tags]]\n";
        for body in [
            "",
            "id = \"a\"\n",
            "id = \"a\"\nname = \"[x]\" # [y\n\n[[profiles.w.tags]]\nid = \"b\"\n",
            "options = [\"a\", 'b']\n  \t[profiles.w]\n",
            "id = \"a\"\r\nname = \"b\"\r\n[profiles.w]\r\n",
            "id = \"a\"\nname = \"b\"",
            "id = \"a\"\n x [\n\u{c}[z]\n",
            "\n\n\n",
            "[",
        ] {
            let text = format!("{head}{body}");
            assert_eq!(by_jumps(&text), by_lines(&text), "{text:?}");
        }
    }

    #[test]
    fn option_arrays_and_crlf_lines() {
        let text = "[profiles.w]\r\n[[profiles.w.custom_fields]]\r\nid = \"c\"\r\noptions = [\"Uno\", 'Dos',]\r\n";
        let (_, lists) = split(text).unwrap();
        let f = lists.get("w", "custom_fields").unwrap().tables[0]
            .1
            .fields(&lists);
        assert_eq!(f[0].value, FlatValue::Str("c"));
        assert_eq!(f[1].value, FlatValue::Strs(vec!["Uno", "Dos"]));
    }
}

#[cfg(test)]
mod same_as_toml {
    //! The fast path must never change what a file means or which error it gets: every
    //! case is read both ways and the results compared.
    use std::path::Path;

    use crate::config::Config;

    fn both(text: &str) -> (String, String) {
        let path = Path::new("c.toml");
        let shown = |r: Result<Config, crate::config::ConfigError>| match r {
            Ok(c) => format!("{:?}", c.profiles),
            Err(e) => format!("error: {e}"),
        };
        (
            shown(Config::parse(text, path)),
            shown(Config::parse_whole(text, path)),
        )
    }

    const W: &str = "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n\n";
    const M: &str = "[profiles.m]\napi = \"whatsmark\"\nbase_url = \"https://x.example/api/v2\"\napi_key_env = \"M\"\n\n";

    fn tags(entries: &[&str]) -> String {
        entries.iter().fold(String::new(), |mut out, e| {
            out.push_str("[[profiles.w.tags]]\n");
            out.push_str(e);
            out.push_str("\n\n");
            out
        })
    }

    #[test]
    fn every_case_reads_the_same_both_ways() {
        let ok = "id = \"t1\"\nname = \"Uno\"\ncolor = \"#aabbcc\"";
        let cases = [
            format!("{W}{}", tags(&[ok, "id = \"t2\"\nname = \"Dos\""])),
            format!(
                "{W}{}",
                tags(&[ok, "id = \"t2\"\nname = \"Dos\"\nshade = 1"])
            ),
            format!("{W}{}", tags(&[ok, "id = \"t2\""])),
            format!("{W}{}", tags(&[ok, "id = \"  \"\nname = \"X\""])),
            format!(
                "{W}{}",
                tags(&[ok, "id = \"t2\"\nname = \"X\"\ncolor = \"red\""])
            ),
            format!("{W}{}", tags(&[ok, ok])),
            format!("{W}{}", tags(&["id = true\nname = \"X\""])),
            format!(
                "{W}{}",
                tags(&["id = 7\nname = \"Siete\"", "id = +7\nname = \"Otra\""])
            ),
            format!(
                "{W}{}",
                tags(&["id = \"t\\u00e9\"\nname = \"Caf\\u00e9 \\\"x\\\"\""])
            ),
            format!("{W}{}", tags(&["id = 't1' # note\nname = 'Uno' "])),
            format!("{W}[[profiles.w.stages]]\nid = \"s\"\nname = \"S\"\norder = \"1\"\n"),
            format!(
                "{W}[[profiles.w.stages]]\nid = \"s\"\nname = \"S\"\norder = 1_000\nsystem = true\n"
            ),
            format!(
                "{W}[[profiles.w.custom_fields]]\nid = \"c\"\nname = \"C\"\ntype = \"color\"\n"
            ),
            format!(
                "{W}[[profiles.w.custom_fields]]\nid = \"c\"\nname = \"C\"\ntype = \"text\"\noptions = [\"a\"]\n"
            ),
            format!(
                "{W}[[profiles.w.custom_fields]]\nid = \"c\"\nname = \"C\"\ntype = \"select\"\n"
            ),
            format!(
                "{W}[[profiles.w.custom_fields]]\nid = \"c\"\nname = \"C\"\ntype = \"select\"\noptions = [\"a\", 'b',]\n"
            ),
            format!("{M}{}", tags(&[ok]).replace("profiles.w", "profiles.m")),
            format!("{M}[[profiles.m.assignees]]\nid = \"7\"\nname = \"Priya\"\n"),
            format!(
                "{M}[[profiles.m.assignees]]\nid = 7\nname = \"Priya\"\n[[profiles.m.assignees]]\nid = 7\nname = \"Arjun\"\n"
            ),
            format!(
                "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\ntags = []\n\n{}",
                tags(&[ok])
            ),
            format!(
                "{W}{}",
                tags(&[ok]).replace("profiles.w.tags", "profiles.z.tags")
            ),
            format!("{W}bad = = 1\n{}", tags(&[ok])),
            format!("{W}{}", tags(&["id = \"bad \\q\"\nname = \"X\""])),
            format!("{W}{}[profiles.w.defaults]\nname = \"Ana\"\n", tags(&[ok])),
            format!("{W}{}[profiles.w.tags.extra]\nx = 1\n", tags(&[ok])),
            format!("{W}{}", tags(&["id = \"t1\"\nid = \"t2\"\nname = \"X\""])),
            format!("{W}{}", tags(&["id = \"t1\"\nname = \"X\"\ncolor = 0x10"])),
            // Found by the `config` fuzz target (fuzz/): a comment toml refuses, a profile
            // only its lists name, one declared after its lists, a multi-line array.
            format!("{W}{}# \u{1}\n", tags(&[ok])),
            format!("{W}{}", tags(&[&format!("{ok} # \u{7f}")])),
            format!("{}[profiles.w.defaults]\nname = \"Ana\"\n", tags(&[ok])),
            format!("{}{M}{W}", tags(&[ok])),
            format!("{W}x = [\n{}[1]]\n", tags(&[ok])),
            format!("{W}\r\r\n{}", tags(&[ok])),
            format!(
                "{W}{}id = \"t9\"\r",
                tags(&[ok]).replace("\n\n", "\n[[profiles.w.tags]]\n")
            ),
        ];
        for (i, text) in cases.iter().enumerate() {
            let (fast, whole) = both(text);
            assert_eq!(fast, whole, "case {i}:\n{text}");
        }
    }

    #[test]
    fn an_error_deep_in_a_long_list_names_its_line_and_key() {
        use std::fmt::Write as _;
        let mut text = W.to_owned();
        for n in 0..100_000 {
            let color = if n == 99_998 { "#GGGGGG" } else { "#00AA00" };
            let _ = write!(
                text,
                "[[profiles.w.tags]]\nid = \"tag-{n}\"\nname = \"Tag {n}\"\ncolor = \"{color}\"\n\n"
            );
        }
        assert!(super::split(&text).is_some(), "the fast path reads it");
        let err = Config::parse(&text, Path::new("big.toml")).unwrap_err();
        // Four header lines, then five lines an entry: entry 99,998's colour is on line
        // 4 + 99_998 * 5 + 4.
        assert_eq!(
            err.to_string(),
            format!(
                "big.toml:{}: profiles.w.tags[99998].color: \"#GGGGGG\" is not a #RRGGBB colour",
                4 + 99_998 * 5 + 4
            )
        );
    }
}
