//! A thin reader over the document: toml's spanned tree, plus the list tables the fast
//! path read itself (`lists.rs`). Reading by hand, rather than deriving `Deserialize`, is
//! what lets every error name the file, the line and the full dotted key, and keeps
//! profiles in the order they were written. Both sources look the same from here.
//!
//! Nothing is built per entry that only an error needs: an entry knows where it is (a
//! span or a line) and how to spell its dotted key, and spells it when an error asks.

use std::borrow::Cow;
use std::path::Path;
use std::rc::Rc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::lists::{Fields, FlatTable, FlatValue, Group, Lists, Rest};
use super::{ConfigError, ConfigErrorKind};

/// The document being read, kept for error messages.
#[derive(Clone, Copy)]
pub(super) struct Doc<'a> {
    /// The file, as given to `Config::parse`.
    pub path: &'a Path,
    /// The text toml read; its spans index into it.
    pub text: &'a str,
    /// When the fast path read lists: the lines it took out of `text`, and the lists.
    pub fast: Option<(&'a Rest, &'a Lists<'a>)>,
}

/// Where an error points.
#[derive(Clone, Copy, Debug)]
enum Place {
    /// A byte offset into the text toml read.
    Span(usize),
    /// A 1-based line of the file (the fast path's tables).
    Line(usize),
}

impl Doc<'_> {
    /// The 1-based line of the text toml read on which a byte offset falls.
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end].split(|b| *b == b'\n').count()
    }

    /// The file's line for a line of the text toml read.
    pub fn file_line(&self, line: usize) -> usize {
        self.fast.map_or(line, |(rest, _)| rest.file_line(line))
    }

    fn line(&self, place: Place) -> usize {
        match place {
            Place::Span(offset) => self.file_line(self.line_of(offset)),
            Place::Line(line) => line,
        }
    }

    /// A validation error at `place`.
    fn error(&self, place: Place, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: self.path.to_path_buf(),
            line: Some(self.line(place)),
            key: (!key.is_empty()).then(|| key.to_owned()),
            message: message.into(),
            kind: ConfigErrorKind::Invalid,
        }
    }
}

/// One step of a dotted key.
#[derive(Clone, Copy, Debug)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Where a table is, as a chain back to the top; spelled only for messages.
#[derive(Debug)]
struct Node<'a> {
    parent: Option<Rc<Node<'a>>>,
    seg: Option<Seg<'a>>,
}

impl Seg<'_> {
    fn spell(self, out: &mut String) {
        match self {
            Seg::Key(k) => *out = join(out, k),
            Seg::Index(i) => {
                use std::fmt::Write as _;
                let _ = write!(out, "[{i}]"); // writing to a String cannot fail
            }
        }
    }
}

impl Node<'_> {
    fn spell(&self, out: &mut String) {
        if let Some(p) = &self.parent {
            p.spell(out);
        }
        if let Some(seg) = self.seg {
            seg.spell(out);
        }
    }
}

/// A place in the tree: a node, or one step under a node. The step is kept inline so
/// that reading the elements of a 100,000-entry list allocates no node per element.
#[derive(Clone, Debug)]
enum At<'a> {
    Node(Rc<Node<'a>>),
    Under(Rc<Node<'a>>, Seg<'a>),
}

impl<'a> At<'a> {
    fn path(&self) -> String {
        let mut out = String::new();
        match self {
            At::Node(n) => n.spell(&mut out),
            At::Under(n, seg) => {
                n.spell(&mut out);
                seg.spell(&mut out);
            }
        }
        out
    }

    /// The same place as a node (allocating only for a step kept inline).
    fn node(&self) -> Rc<Node<'a>> {
        match self {
            At::Node(n) => Rc::clone(n),
            At::Under(n, seg) => Rc::new(Node {
                parent: Some(Rc::clone(n)),
                seg: Some(*seg),
            }),
        }
    }

    /// The profile this table is (`profiles.NAME`), if it is one.
    fn profile(&self) -> Option<&'a str> {
        let At::Under(parent, Seg::Key(name)) = self else {
            return None;
        };
        match (parent.seg, parent.parent.as_ref().map(|p| p.seg)) {
            (Some(Seg::Key("profiles")), Some(None)) => Some(name),
            _ => None,
        }
    }
}

/// What a table is read from.
#[derive(Clone)]
// A fast-path table's fields stay inline: a table is a short-lived value read in a
// loop, and boxing them would cost one allocation per entry of a 100,000-entry list.
#[allow(clippy::large_enum_variant)]
enum Map<'a> {
    Toml(&'a DeTable<'a>),
    /// A fast-path table, its fields parsed while it is read.
    Flat(Fields<'a>),
}

/// What a value is read from.
#[derive(Clone)]
enum Value<'a> {
    Toml(&'a Spanned<DeValue<'a>>),
    Flat(FlatValue<'a>),
    /// A string of a fast-path array.
    FlatStr(&'a str),
    FlatTable(FlatTable<'a>),
    /// A list the fast path read, standing where toml would have put the array.
    FlatList(&'a Group<'a>),
}

/// One table of the document.
#[derive(Clone)]
pub(super) struct Table<'a> {
    doc: Doc<'a>,
    node: At<'a>,
    at: Place,
    map: Map<'a>,
}

/// One value of the document: a key's value or an array element.
#[derive(Clone)]
pub(super) struct Entry<'a> {
    doc: Doc<'a>,
    /// The key as written (empty for array elements).
    pub key: &'a str,
    parent: At<'a>,
    seg: Seg<'a>,
    /// Where errors point: the key, or the element itself.
    at: Place,
    value: Value<'a>,
}

impl<'a> Table<'a> {
    /// The document's top-level table.
    pub fn root(doc: Doc<'a>, table: &'a Spanned<DeTable<'a>>) -> Self {
        Self {
            doc,
            node: At::Node(Rc::new(Node {
                parent: None,
                seg: None,
            })),
            at: Place::Span(table.span().start),
            map: Map::Toml(table.get_ref()),
        }
    }

    /// The dotted path of this table (empty at the top).
    pub fn path(&self) -> String {
        self.node.path()
    }

    /// Every entry, in the order written in the file (the map itself may be sorted); a
    /// list the fast path read comes after the keys toml read.
    pub fn entries(&self) -> Vec<Entry<'a>> {
        match &self.map {
            Map::Toml(map) => {
                let mut entries: Vec<Entry<'a>> = map
                    .iter()
                    .map(|(key, value)| self.toml_entry(key, value))
                    .collect();
                entries.sort_by_key(|e| match e.at {
                    Place::Span(s) => s,
                    Place::Line(_) => usize::MAX,
                });
                entries.extend(self.flat_lists());
                entries
            }
            Map::Flat(fields) => fields
                .iter()
                .map(|f| self.entry(f.key, Place::Line(f.line), Value::Flat(f.value.clone())))
                .collect(),
        }
    }

    /// The entry under `key`, if present.
    pub fn get(&self, key: &str) -> Option<Entry<'a>> {
        match &self.map {
            Map::Toml(map) => map
                .get_key_value(key)
                .map(|(k, v)| self.toml_entry(k, v))
                .or_else(|| self.flat_list(key)),
            Map::Flat(fields) => fields
                .iter()
                .find(|f| f.key == key)
                .map(|f| self.entry(f.key, Place::Line(f.line), Value::Flat(f.value.clone()))),
        }
    }

    /// The entry under `key`, or an error naming what the caller needs it for.
    pub fn require(&self, key: &str, why: &str) -> Result<Entry<'a>, ConfigError> {
        self.get(key)
            .ok_or_else(|| self.error_here(&join(&self.path(), key), format!("missing; {why}")))
    }

    /// An error for every key not in `allowed` (in file order), listing the keys that
    /// are; none when all are known.
    pub fn unknown(&self, allowed: &[&str]) -> Vec<ConfigError> {
        if let Map::Flat(fields) = &self.map
            && fields.iter().all(|f| allowed.contains(&f.key))
        {
            return Vec::new();
        }
        self.entries()
            .into_iter()
            .filter(|e| !allowed.contains(&e.key))
            .map(|e| {
                e.error(format!(
                    "unknown key (expected one of: {})",
                    allowed.join(", ")
                ))
            })
            .collect()
    }

    /// An error pointing at this table's header, for what is missing from it.
    pub fn error_here(&self, key: &str, message: impl Into<String>) -> ConfigError {
        self.doc.error(self.at, key, message)
    }

    /// An optional string.
    pub fn opt_str(&self, key: &str) -> Result<Option<(&'a str, Entry<'a>)>, ConfigError> {
        self.get(key).map(|e| Ok((e.as_str()?, e))).transpose()
    }

    /// An optional boolean with its default.
    pub fn bool_or(&self, key: &str, default: bool) -> Result<bool, ConfigError> {
        self.get(key).map_or(Ok(default), |e| e.as_bool())
    }

    fn entry(&self, key: &'a str, at: Place, value: Value<'a>) -> Entry<'a> {
        Entry {
            doc: self.doc,
            key,
            parent: self.node.clone(),
            seg: Seg::Key(key),
            at,
            value,
        }
    }

    fn toml_entry(
        &self,
        key: &'a Spanned<Cow<'a, str>>,
        value: &'a Spanned<DeValue<'a>>,
    ) -> Entry<'a> {
        self.entry(
            key.get_ref(),
            Place::Span(key.span().start),
            Value::Toml(value),
        )
    }

    /// The list `key` of this profile, when the fast path read it.
    fn flat_list(&self, key: &str) -> Option<Entry<'a>> {
        let (_, lists) = self.doc.fast?;
        let profile = self.node.profile()?;
        let list = super::lists::LISTS.into_iter().find(|l| *l == key)?;
        let group = lists.get(profile, list)?;
        Some(self.entry(list, Place::Line(group.line), Value::FlatList(group)))
    }

    fn flat_lists(&self) -> Vec<Entry<'a>> {
        super::lists::LISTS
            .iter()
            .filter_map(|l| self.flat_list(l))
            .collect()
    }
}

impl<'a> Entry<'a> {
    /// The full dotted path, like `profiles.acme.tags[2].id`.
    pub fn path(&self) -> String {
        let mut out = self.parent.path();
        self.seg.spell(&mut out);
        out
    }

    /// A validation error pointing at this entry.
    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        self.doc.error(self.at, &self.path(), message)
    }

    /// A warning in the same `file:line: key: message` shape as errors.
    pub fn warning(&self, message: &str) -> String {
        self.error(message).to_string()
    }

    /// The value as a string.
    pub fn as_str(&self) -> Result<&'a str, ConfigError> {
        match &self.value {
            Value::Toml(v) => match v.get_ref() {
                DeValue::String(s) => Ok(s),
                other => Err(self.wrong_type("a string", other.type_str())),
            },
            Value::Flat(FlatValue::Str(s)) | Value::FlatStr(s) => Ok(s),
            other => Err(self.wrong_type("a string", type_str(other))),
        }
    }

    /// The value as a boolean.
    pub fn as_bool(&self) -> Result<bool, ConfigError> {
        match &self.value {
            Value::Toml(v) => match v.get_ref() {
                DeValue::Boolean(b) => Ok(*b),
                other => Err(self.wrong_type("true or false", other.type_str())),
            },
            Value::Flat(FlatValue::Bool(b)) => Ok(*b),
            other => Err(self.wrong_type("true or false", type_str(other))),
        }
    }

    /// The value as an integer.
    pub fn as_int(&self) -> Result<i64, ConfigError> {
        let (digits, radix) = match &self.value {
            Value::Toml(v) => match v.get_ref() {
                DeValue::Integer(i) => (i.as_str(), i.radix()),
                other => return Err(self.wrong_type("an integer", other.type_str())),
            },
            Value::Flat(FlatValue::Int(i)) => {
                let digits = super::lists::digits(i);
                return digits
                    .parse::<i64>()
                    .map_err(|_| self.error("integer out of range"));
            }
            other => return Err(self.wrong_type("an integer", type_str(other))),
        };
        i64::from_str_radix(digits, radix).map_err(|_| self.error("integer out of range"))
    }

    /// The value as an integer within `range`.
    pub fn as_int_in(&self, range: std::ops::RangeInclusive<i64>) -> Result<i64, ConfigError> {
        let n = self.as_int()?;
        if range.contains(&n) {
            Ok(n)
        } else {
            Err(self.error(format!(
                "{n} is out of range ({} to {})",
                range.start(),
                range.end()
            )))
        }
    }

    /// Whether the value is a table.
    pub fn is_table(&self) -> bool {
        match &self.value {
            Value::Toml(v) => matches!(v.get_ref(), DeValue::Table(_)),
            Value::FlatTable(_) => true,
            _ => false,
        }
    }

    /// The value as a table.
    pub fn as_table(&self) -> Result<Table<'a>, ConfigError> {
        let (map, at) = match &self.value {
            Value::Toml(v) => match v.get_ref() {
                DeValue::Table(table) => (Map::Toml(table), Place::Span(v.span().start)),
                other => return Err(self.wrong_type("a table", other.type_str())),
            },
            Value::FlatTable(t) => {
                let Some((_, lists)) = self.doc.fast else {
                    return Err(self.error("internal: a fast-path table without its lists"));
                };
                (Map::Flat(t.fields(lists)), Place::Line(t.line))
            }
            other => return Err(self.wrong_type("a table", type_str(other))),
        };
        Ok(Table {
            doc: self.doc,
            node: At::Under(self.parent.node(), self.seg),
            at,
            map,
        })
    }

    /// The value as an array; each element points at itself for errors.
    pub fn as_array(&self) -> Result<Vec<Entry<'a>>, ConfigError> {
        Ok(self.elements()?.collect())
    }

    /// A list the fast path read: its entries built while reading, and the tables it
    /// left for [`Entry::elements`] (which yields those alone, at their positions).
    pub fn flat_list(&self) -> Option<&'a Group<'a>> {
        match &self.value {
            Value::FlatList(group) => Some(group),
            _ => None,
        }
    }

    /// An error about element `i` of this array, whose table starts on `line`.
    pub fn element_error(&self, i: usize, line: usize, message: &str) -> ConfigError {
        let mut path = self.path();
        Seg::Index(i).spell(&mut path);
        self.doc.error(Place::Line(line), &path, message)
    }

    /// The elements of an array, one at a time (a 100,000-entry list is never held as
    /// entries all at once), and how many there are.
    pub fn elements(&self) -> Result<Elements<'a>, ConfigError> {
        let kind = match &self.value {
            Value::Toml(v) => match v.get_ref() {
                DeValue::Array(items) => ElementsOf::Toml(items.as_ref()),
                other => return Err(self.wrong_type("an array", other.type_str())),
            },
            Value::Flat(FlatValue::Strs(items)) => ElementsOf::Strs(items.clone()),
            Value::FlatList(group) => ElementsOf::Tables(&group.tables),
            other => return Err(self.wrong_type("an array", type_str(other))),
        };
        // One node for the array; each element is `[i]` under it.
        let array = Rc::new(Node {
            parent: Some(self.parent.node()),
            seg: Some(self.seg),
        });
        Ok(Elements {
            doc: self.doc,
            array,
            at: self.at,
            kind,
            next: 0,
        })
    }

    /// The value as a string or an integer, rendered as text.
    pub fn as_text(&self) -> Result<String, ConfigError> {
        match &self.value {
            Value::Toml(v) => match v.get_ref() {
                DeValue::String(s) => Ok(s.to_string()),
                DeValue::Integer(_) => Ok(self.as_int()?.to_string()),
                other => Err(self.wrong_type("a string or an integer", other.type_str())),
            },
            Value::Flat(FlatValue::Str(s)) | Value::FlatStr(s) => Ok(s.to_string()),
            Value::Flat(FlatValue::Int(_)) => Ok(self.as_int()?.to_string()),
            other => Err(self.wrong_type("a string or an integer", type_str(other))),
        }
    }

    fn wrong_type(&self, expected: &str, found: &str) -> ConfigError {
        self.error(format!("expected {expected}, found {}", article(found)))
    }
}

/// What an array's elements are read from.
enum ElementsOf<'a> {
    Toml(&'a [Spanned<DeValue<'a>>]),
    Strs(Vec<&'a str>),
    Tables(&'a [(usize, FlatTable<'a>)]),
}

/// The elements of an array (see [`Entry::elements`]).
pub(super) struct Elements<'a> {
    doc: Doc<'a>,
    array: Rc<Node<'a>>,
    /// Where the array is (the elements of a one-line array point at its line).
    at: Place,
    kind: ElementsOf<'a>,
    next: usize,
}

impl<'a> Iterator for Elements<'a> {
    type Item = Entry<'a>;

    fn next(&mut self) -> Option<Entry<'a>> {
        let i = self.next;
        let (at, value, index) = match &self.kind {
            ElementsOf::Toml(items) => {
                let v = items.get(i)?;
                (Place::Span(v.span().start), Value::Toml(v), i)
            }
            ElementsOf::Strs(items) => (self.at, Value::FlatStr(items.get(i)?), i),
            ElementsOf::Tables(tables) => {
                let (position, t) = tables.get(i)?;
                (Place::Line(t.line), Value::FlatTable(*t), *position)
            }
        };
        self.next += 1;
        Some(Entry {
            doc: self.doc,
            key: "",
            parent: At::Node(Rc::clone(&self.array)),
            seg: Seg::Index(index),
            at,
            value,
        })
    }

    fn nth(&mut self, n: usize) -> Option<Entry<'a>> {
        self.next = self.next.saturating_add(n);
        self.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let len = match &self.kind {
            ElementsOf::Toml(items) => items.len(),
            ElementsOf::Strs(items) => items.len(),
            ElementsOf::Tables(tables) => tables.len(),
        };
        let left = len.saturating_sub(self.next);
        (left, Some(left))
    }
}

/// The TOML type name of a fast-path value, as toml names them.
fn type_str(v: &Value<'_>) -> &'static str {
    match v {
        Value::Toml(v) => v.get_ref().type_str(),
        Value::Flat(FlatValue::Str(_)) | Value::FlatStr(_) => "string",
        Value::Flat(FlatValue::Int(_)) => "integer",
        Value::Flat(FlatValue::Bool(_)) => "boolean",
        Value::Flat(FlatValue::Strs(_)) | Value::FlatList(_) => "array",
        Value::FlatTable(_) => "table",
    }
}

/// Turns a TOML syntax error into a config error with the line and, as best we can
/// tell from the text around it, the key being written.
pub(super) fn syntax_error(doc: Doc<'_>, err: &toml::de::Error) -> ConfigError {
    let offset = err.span().map_or(0, |s| s.start);
    let rest_line = doc.line_of(offset);
    let line = doc.file_line(rest_line);
    let line_start = doc.text[..offset.min(doc.text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let column = doc.text[line_start..offset.min(doc.text.len())]
        .chars()
        .count()
        + 1;
    ConfigError {
        path: doc.path.to_path_buf(),
        line: Some(line),
        key: key_near(doc.text, rest_line),
        message: format!(
            "TOML syntax error at column {column}: {}",
            err.message().trim()
        ),
        kind: ConfigErrorKind::Syntax,
    }
}

/// The dotted key being written on `line`: the last table header above it plus the
/// key before `=` on the line itself. A heuristic; it only decorates syntax errors.
fn key_near(text: &str, line: usize) -> Option<String> {
    let mut header = "";
    let mut here = None;
    for (i, raw) in text.lines().take(line).enumerate() {
        let trimmed = raw.trim();
        if trimmed.starts_with('[') {
            let inner = trimmed.trim_start_matches('[');
            header = inner.split(']').next().unwrap_or(inner).trim();
        }
        if i + 1 == line {
            here = trimmed.split_once('=').map(|(k, _)| k.trim().to_owned());
        }
    }
    let here = here.filter(|k| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_alphanumeric() || "_-.\"' ".contains(c))
    });
    match (header.is_empty(), here) {
        (true, here) => here,
        (false, Some(k)) => Some(format!("{header}.{k}")),
        (false, None) => Some(header.to_owned()),
    }
}

/// Joins a dotted path, quoting keys that are not bare TOML keys.
pub(super) fn join(parent: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if bare {
        key.to_owned()
    } else {
        format!("{key:?}")
    };
    if parent.is_empty() {
        key
    } else {
        format!("{parent}.{key}")
    }
}

fn article(type_name: &str) -> String {
    let a = if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{a} {type_name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_are_not_bare_are_quoted() {
        assert_eq!(join("", "profiles"), "profiles");
        assert_eq!(
            join("profiles.acme.defaults", "custom.Convênio"),
            "profiles.acme.defaults.\"custom.Convênio\""
        );
    }

    #[test]
    fn the_key_near_a_syntax_error_includes_its_table() {
        let text = "a = 1\n[profiles.acme] # note\napi = \"wipsy\nb = 2\n";
        assert_eq!(key_near(text, 1).as_deref(), Some("a"));
        assert_eq!(key_near(text, 3).as_deref(), Some("profiles.acme.api"));
        assert_eq!(key_near(text, 2).as_deref(), Some("profiles.acme"));
        assert_eq!(
            key_near("[t]\nx = [{ id = 1 }]\n{ a = 1\n", 3).as_deref(),
            Some("t")
        );
    }

    #[test]
    fn lines_count_from_one() {
        let doc = Doc {
            path: Path::new("c.toml"),
            text: "a\nb\nc",
            fast: None,
        };
        assert_eq!((doc.line_of(0), doc.line_of(2), doc.line_of(99)), (1, 2, 3));
    }
}
