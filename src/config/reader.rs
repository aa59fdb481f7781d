//! A thin reader over toml's spanned document tree. Reading the tree by hand, rather than
//! deriving `Deserialize`, is what lets every error name the file, the line and the full
//! dotted key, and lets us keep profiles in the order they were written.

use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{ConfigError, ConfigErrorKind};

/// The document being read, kept for error messages.
#[derive(Clone, Copy)]
pub(super) struct Doc<'a> {
    /// The file, as given to `Config::parse`.
    pub path: &'a Path,
    /// Its full text; spans index into it.
    pub text: &'a str,
}

impl Doc<'_> {
    /// The 1-based line on which a byte offset falls.
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end].split(|b| *b == b'\n').count()
    }

    /// A validation error at `span`.
    pub fn error(&self, span: &Range<usize>, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: self.path.to_path_buf(),
            line: Some(self.line_of(span.start)),
            key: (!key.is_empty()).then(|| key.to_owned()),
            message: message.into(),
            kind: ConfigErrorKind::Invalid,
        }
    }
}

/// One table of the document with its dotted path.
#[derive(Clone)]
pub(super) struct Table<'a> {
    doc: Doc<'a>,
    path: String,
    span: Range<usize>,
    map: &'a DeTable<'a>,
}

/// One value of the document: a key's value or an array element.
#[derive(Clone)]
pub(super) struct Entry<'a> {
    doc: Doc<'a>,
    /// The key as written (empty for array elements).
    pub key: &'a str,
    /// The full dotted path, like `profiles.acme.tags[2].id`.
    pub path: String,
    /// Where errors point: the key, or the element itself.
    span: Range<usize>,
    value: &'a Spanned<DeValue<'a>>,
}

impl<'a> Table<'a> {
    /// The document's top-level table.
    pub fn root(doc: Doc<'a>, table: &'a Spanned<DeTable<'a>>) -> Self {
        Self {
            doc,
            path: String::new(),
            span: table.span(),
            map: table.get_ref(),
        }
    }

    /// The dotted path of this table (empty at the top).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Every entry, in the order written in the file (the map itself may be sorted).
    pub fn entries(&self) -> Vec<Entry<'a>> {
        let mut entries: Vec<Entry<'a>> = self
            .map
            .iter()
            .map(|(key, value)| self.entry(key, value))
            .collect();
        entries.sort_by_key(|e| e.span.start);
        entries
    }

    /// The entry under `key`, if present.
    pub fn get(&self, key: &str) -> Option<Entry<'a>> {
        self.map.get_key_value(key).map(|(k, v)| self.entry(k, v))
    }

    /// The entry under `key`, or an error naming what the caller needs it for.
    pub fn require(&self, key: &str, why: &str) -> Result<Entry<'a>, ConfigError> {
        self.get(key)
            .ok_or_else(|| self.error_here(&join(&self.path, key), format!("missing; {why}")))
    }

    /// Refuses any key not in `allowed`, listing the keys that are.
    pub fn deny_unknown(&self, allowed: &[&str]) -> Result<(), ConfigError> {
        match self
            .entries()
            .into_iter()
            .find(|e| !allowed.contains(&e.key))
        {
            Some(e) => Err(e.error(format!(
                "unknown key (expected one of: {})",
                allowed.join(", ")
            ))),
            None => Ok(()),
        }
    }

    /// An error pointing at this table's header, for what is missing from it.
    pub fn error_here(&self, key: &str, message: impl Into<String>) -> ConfigError {
        self.doc.error(&self.span, key, message)
    }

    /// An optional string.
    pub fn opt_str(&self, key: &str) -> Result<Option<(&'a str, Entry<'a>)>, ConfigError> {
        self.get(key).map(|e| Ok((e.as_str()?, e))).transpose()
    }

    /// An optional boolean with its default.
    pub fn bool_or(&self, key: &str, default: bool) -> Result<bool, ConfigError> {
        self.get(key).map_or(Ok(default), |e| e.as_bool())
    }

    fn entry(
        &self,
        key: &'a Spanned<std::borrow::Cow<'a, str>>,
        value: &'a Spanned<DeValue<'a>>,
    ) -> Entry<'a> {
        Entry {
            doc: self.doc,
            key: key.get_ref(),
            path: join(&self.path, key.get_ref()),
            span: key.span(),
            value,
        }
    }
}

impl<'a> Entry<'a> {
    /// A validation error pointing at this entry.
    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        self.doc.error(&self.span, &self.path, message)
    }

    /// A warning in the same `file:line: key: message` shape as errors.
    pub fn warning(&self, message: &str) -> String {
        self.error(message).to_string()
    }

    /// The value as a string.
    pub fn as_str(&self) -> Result<&'a str, ConfigError> {
        match self.value.get_ref() {
            DeValue::String(s) => Ok(s),
            other => Err(self.wrong_type("a string", other)),
        }
    }

    /// The value as a boolean.
    pub fn as_bool(&self) -> Result<bool, ConfigError> {
        match self.value.get_ref() {
            DeValue::Boolean(b) => Ok(*b),
            other => Err(self.wrong_type("true or false", other)),
        }
    }

    /// The value as an integer.
    pub fn as_int(&self) -> Result<i64, ConfigError> {
        match self.value.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .map_err(|_| self.error("integer out of range")),
            other => Err(self.wrong_type("an integer", other)),
        }
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
        matches!(self.value.get_ref(), DeValue::Table(_))
    }

    /// The value as a table.
    pub fn as_table(&self) -> Result<Table<'a>, ConfigError> {
        match self.value.get_ref() {
            DeValue::Table(table) => Ok(Table {
                doc: self.doc,
                path: self.path.clone(),
                span: self.value.span(),
                map: table,
            }),
            other => Err(self.wrong_type("a table", other)),
        }
    }

    /// The value as an array; each element points at itself for errors.
    pub fn as_array(&self) -> Result<Vec<Entry<'a>>, ConfigError> {
        match self.value.get_ref() {
            DeValue::Array(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, value)| Entry {
                    doc: self.doc,
                    key: "",
                    path: format!("{}[{i}]", self.path),
                    span: value.span(),
                    value,
                })
                .collect()),
            other => Err(self.wrong_type("an array", other)),
        }
    }

    /// The value as a string or an integer, rendered as text.
    pub fn as_text(&self) -> Result<String, ConfigError> {
        match self.value.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            DeValue::Integer(_) => Ok(self.as_int()?.to_string()),
            other => Err(self.wrong_type("a string or an integer", other)),
        }
    }

    fn wrong_type(&self, expected: &str, found: &DeValue<'_>) -> ConfigError {
        self.error(format!(
            "expected {expected}, found {}",
            article(found.type_str())
        ))
    }
}

/// Turns a TOML syntax error into a config error with the line and, as best we can
/// tell from the text around it, the key being written.
pub(super) fn syntax_error(doc: Doc<'_>, err: &toml::de::Error) -> ConfigError {
    let offset = err.span().map_or(0, |s| s.start);
    let line = doc.line_of(offset);
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
        key: key_near(doc.text, line),
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
        };
        assert_eq!((doc.line_of(0), doc.line_of(2), doc.line_of(99)), (1, 2, 3));
    }
}
