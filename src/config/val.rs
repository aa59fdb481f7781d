//! A value as written, and where: what lets a serde reading report every problem of a
//! file with its line and key instead of stopping at the first.
//!
//! [`Val`] never fails to deserialize: a value of the wrong type becomes the reason, in
//! rolo's words ("expected true or false, found a string"), beside the span it was
//! written at. Keys no type knows are collected by `serde_ignored` and found again in
//! toml's spanned tree for their line.

// The typed tables hold `Option<Val<T>>` fields, and readers take them as written.
#![allow(clippy::ref_option)]

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{ConfigError, ConfigErrorKind};

/// A value of the file: typed, or why not (already worded for the user), and its span.
#[derive(Debug)]
pub(super) struct Val<T> {
    /// Bytes of the file the value was written at (for a `[table]`, its header).
    pub span: Range<usize>,
    /// The value, or what is wrong with its type.
    pub got: Result<T, String>,
}

/// `T`, or serde's reason reworded: never an error, so the reading goes on.
struct Catch<T>(Result<T, String>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Catch<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self(T::deserialize(d).map_err(|e| reword(&e.to_string()))))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Val<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Catch<T>>::deserialize(d)?;
        let span = spanned.span();
        Ok(Self {
            span,
            got: spanned.into_inner().0,
        })
    }
}

/// Its schema is `T`'s: the wrapper is invisible in the file.
impl<T: JsonSchema> JsonSchema for Val<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// serde's "invalid type: string \"yes\", expected a boolean" as rolo says it: "expected
/// true or false, found a string". Other messages are kept as serde words them.
fn reword(message: &str) -> String {
    let message = message.trim();
    let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.rsplit_once(", expected "))
    else {
        return message.to_owned();
    };
    let found = match found.split_whitespace().next().unwrap_or(found) {
        "string" => "a string",
        "integer" => "an integer",
        "boolean" => "a boolean",
        "floating" => "a float",
        "sequence" => "an array",
        "map" => "a table",
        other => other,
    };
    let expected = match expected {
        "a boolean" => "true or false",
        "i64" | "u32" | "u64" | "i32" => "an integer",
        "a sequence" => "an array",
        e if e.starts_with("struct ") || e == "a map" => "a table",
        e => e,
    };
    format!("expected {expected}, found {found}")
}

/// The file being read, for places in messages.
#[derive(Clone, Copy)]
pub(super) struct Doc<'a> {
    /// The file, as given to `Config::parse`.
    pub path: &'a Path,
    /// Its text; spans index into it.
    pub text: &'a str,
    /// Keys no type knows: (the dotted key of their table, the error).
    pub unknown: &'a [(String, ConfigError)],
}

impl Doc<'_> {
    /// The errors of the unknown keys written directly in the table at `path`.
    pub fn unknown_in(&self, path: &str) -> Vec<ConfigError> {
        self.unknown
            .iter()
            .filter(|(table, _)| table == path)
            .map(|(_, e)| e.clone())
            .collect()
    }

    /// The 1-based line on which a byte offset falls.
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        memchr::memchr_iter(b'\n', &self.text.as_bytes()[..end]).count() + 1
    }

    /// A validation error at a span, on `key` (a full dotted key).
    pub fn error(&self, span: &Range<usize>, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: self.path.to_path_buf(),
            line: Some(self.line_of(span.start)),
            key: (!key.is_empty()).then(|| key.to_owned()),
            message: message.into(),
            kind: ConfigErrorKind::Invalid,
        }
    }

    /// A TOML syntax error, with its line, column and, as best the text around it
    /// tells, the key being written.
    pub fn syntax_error(&self, err: &toml::de::Error) -> ConfigError {
        let offset = err.span().map_or(0, |s| s.start).min(self.text.len());
        let line = self.line_of(offset);
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..offset].chars().count() + 1;
        ConfigError {
            path: self.path.to_path_buf(),
            line: Some(line),
            key: key_near(self.text, line),
            message: format!(
                "TOML syntax error at column {column}: {}",
                err.message().trim()
            ),
            kind: ConfigErrorKind::Syntax,
        }
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

/// A table being checked: where it is, and how its keys are spelled in messages.
pub(super) struct Tab<'a> {
    pub doc: Doc<'a>,
    /// Its dotted key (`profiles.acme`, `profiles.w.tags[3]`).
    pub path: String,
    /// Where it is written (a `[table]` header, or the inline table).
    pub span: Range<usize>,
}

/// A value present in a table and of its type.
pub(super) struct Field<'v, T> {
    pub value: &'v T,
    pub span: &'v Range<usize>,
    pub key: String,
    pub doc: Doc<'v>,
}

impl<T> Field<'_, T> {
    /// An error on this value.
    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        self.doc.error(self.span, &self.key, message)
    }

    /// `file:line: key`, where this value is written.
    pub fn place(&self) -> String {
        format!(
            "{}:{}: {}",
            self.doc.path.display(),
            self.doc.line_of(self.span.start),
            self.key
        )
    }
}

impl<'a> Tab<'a> {
    /// The full dotted key of `key` in this table.
    pub fn key(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// An error at this table's header, on `key` (for what is missing from it).
    pub fn here(&self, key: &str, message: impl Into<String>) -> ConfigError {
        self.doc.error(&self.span, key, message)
    }

    /// Element `i` of the array `key`, written at `span`.
    pub fn element(&self, key: &str, i: usize, span: &Range<usize>) -> Tab<'a> {
        Tab {
            doc: self.doc,
            path: format!("{}[{i}]", self.key(key)),
            span: span.clone(),
        }
    }

    /// The value of `key`, if written; an error when it has the wrong type.
    pub fn get<'v, T>(
        &self,
        key: &str,
        v: &'v Option<Val<T>>,
    ) -> Result<Option<Field<'v, T>>, ConfigError>
    where
        'a: 'v,
    {
        v.as_ref().map(|val| self.of(key, val)).transpose()
    }

    /// A value written in this table under `key`; an error when it has the wrong type.
    pub fn of<'v, T>(&self, key: &str, val: &'v Val<T>) -> Result<Field<'v, T>, ConfigError>
    where
        'a: 'v,
    {
        match &val.got {
            Ok(value) => Ok(Field {
                value,
                span: &val.span,
                key: self.key(key),
                doc: self.doc,
            }),
            Err(why) => Err(self.doc.error(&val.span, &self.key(key), why.clone())),
        }
    }

    /// The value of `key`; "missing" (at this table's header) with `why` when absent.
    pub fn require<'v, T>(
        &self,
        key: &str,
        v: &'v Option<Val<T>>,
        why: &str,
    ) -> Result<Field<'v, T>, ConfigError>
    where
        'a: 'v,
    {
        self.get(key, v)?
            .ok_or_else(|| self.here(&self.key(key), format!("missing; {why}")))
    }

    /// A boolean, or `default` when not written.
    pub fn bool_or(
        &self,
        key: &str,
        v: &Option<Val<bool>>,
        default: bool,
    ) -> Result<bool, ConfigError> {
        Ok(self.get(key, v)?.map_or(default, |f| *f.value))
    }

    /// An integer within `range`, if written.
    pub fn int_in(
        &self,
        key: &str,
        v: &Option<Val<i64>>,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<Option<i64>, ConfigError> {
        let Some(f) = self.get(key, v)? else {
            return Ok(None);
        };
        if range.contains(f.value) {
            Ok(Some(*f.value))
        } else {
            Err(f.error(format!(
                "{} is out of range ({} to {})",
                f.value,
                range.start(),
                range.end()
            )))
        }
    }
}

/// `parent.key`, quoting a key TOML would need quoted (`"custom.Convênio"`).
pub(super) fn join(parent: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if bare {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(format!("{key:?}"))
    };
    if parent.is_empty() {
        key.into_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// One step of a key no type knows, as `serde_ignored` walked to it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Step {
    /// A key of a table.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// The steps of a `serde_ignored` path, without the ones `Option` and `Spanned` add.
pub(super) fn steps(path: &serde_ignored::Path<'_>) -> Vec<Step> {
    use serde_ignored::Path;
    let mut out = Vec::new();
    let mut at = path;
    loop {
        match at {
            Path::Root => break,
            Path::Seq { parent, index } => {
                out.push(Step::Index(*index));
                at = parent;
            }
            Path::Map { parent, key } => {
                if !key.starts_with("$__serde_spanned") {
                    out.push(Step::Key(key.clone()));
                }
                at = parent;
            }
            Path::Some { parent }
            | Path::NewtypeStruct { parent }
            | Path::NewtypeVariant { parent } => at = parent,
        }
    }
    out.reverse();
    out
}

/// The dotted key of `steps` (`profiles.acme.tags[0].colr`).
pub(super) fn spell(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(k) => out = join(&out, k),
            Step::Index(i) => {
                use std::fmt::Write as _;
                let _ = write!(out, "[{i}]"); // writing to a String cannot fail
            }
        }
    }
    out
}

/// The span of the key at the end of `steps` in toml's tree (for its line).
pub(super) fn key_span(tree: &Spanned<DeTable<'_>>, steps: &[Step]) -> Option<Range<usize>> {
    let mut table = tree.get_ref();
    let mut value: Option<&DeValue<'_>> = None;
    let mut span = None;
    for step in steps {
        match step {
            Step::Key(k) => {
                if let Some(v) = value {
                    let DeValue::Table(t) = v else { return None };
                    table = t;
                }
                let (key, v) = table.get_key_value(k.as_str())?;
                span = Some(key.span());
                value = Some(v.get_ref());
            }
            Step::Index(i) => {
                let DeValue::Array(items) = value? else {
                    return None;
                };
                let item = items.get(*i)?;
                span = Some(item.span());
                value = Some(item.get_ref());
            }
        }
    }
    span
}

/// The field names serde's derive gave `T` (asked of it with a deserializer that only
/// listens): the one list of keys, so a key added to a type is known everywhere.
pub(super) fn fields<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    struct Listen<'f>(&'f mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Listen<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("only listening"))
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(serde::de::Error::custom("only listening"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut out: &'static [&'static str] = &[];
    let _ = T::deserialize(Listen(&mut out)); // it always fails: it only listens
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_type_errors_are_worded_as_rolo_words_them() {
        let cases = [
            (
                "invalid type: string \"yes\", expected a boolean",
                "expected true or false, found a string",
            ),
            (
                "invalid type: integer `4`, expected a string",
                "expected a string, found an integer",
            ),
            (
                "invalid type: map, expected a sequence",
                "expected an array, found a table",
            ),
            (
                "invalid type: sequence, expected struct TagToml",
                "expected a table, found an array",
            ),
            (
                "invalid type: floating point `1.5`, expected i64",
                "expected an integer, found a float",
            ),
            ("something else\n", "something else"),
        ];
        for (serde, ours) in cases {
            assert_eq!(reword(serde), ours);
        }
    }

    #[test]
    fn keys_are_joined_with_quotes_where_toml_needs_them() {
        assert_eq!(join("", "profiles"), "profiles");
        assert_eq!(
            join("profiles.acme.defaults", "custom.Convênio"),
            "profiles.acme.defaults.\"custom.Convênio\""
        );
    }

    #[test]
    fn the_key_near_a_syntax_error_is_the_header_and_the_key() {
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
            unknown: &[],
        };
        assert_eq!((doc.line_of(0), doc.line_of(2), doc.line_of(99)), (1, 2, 3));
    }
}
