//! Damaged records in rolo's own files: read around, named, kept.
//!
//! A disk that filled up, a crash in the middle of a write, an editor that saved the
//! wrong encoding, a sync tool's conflict copy: any of rolo's files may hold bytes rolo
//! did not write. The rule every reader follows is the same:
//! - only the damaged record is skipped; every other one stays usable;
//! - the damage is named: the file, the line, and what is wrong with it;
//! - the damaged bytes are never deleted. A file rolo rewrites or removes (a draft, a
//!   draft journal, an outbox item being dropped) is first moved aside to
//!   `NAME.damaged-<time>`. An append-only log (the history, an import journal) keeps
//!   its damaged line where it is, since another rolo may be appending to it and a
//!   rewrite could lose that process's line; its readers skip the line each time.
//! - an appender first ends a torn last line, so the next record starts on a line of
//!   its own and is not lost with the torn one.

use std::fmt;
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// One damaged record: where it is and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// The file.
    pub file: PathBuf,
    /// The record's line (1-based), for a file of lines.
    pub line: Option<usize>,
    /// What is wrong, in words ("not UTF-8", "a torn last line", "not JSON: …").
    pub what: String,
    /// Where its bytes were moved, when the file was moved aside.
    pub kept_as: Option<PathBuf>,
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        write!(f, " is damaged ({})", self.what)?;
        match (&self.kept_as, self.line) {
            (Some(kept), _) => write!(f, "; kept as {}", kept.display()),
            (None, Some(_)) => write!(f, "; skipped, the line stays in the file"),
            (None, None) => write!(f, "; left where it is"),
        }
    }
}

/// The lines of a JSON-lines file that read as `T` (with their 1-based line numbers),
/// and the damage of every other non-blank line. A missing file is no lines and no
/// damage.
#[must_use]
pub fn read_lines<T: DeserializeOwned>(path: &Path) -> (Vec<(usize, T)>, Vec<Damage>) {
    match std::fs::read(path) {
        Ok(bytes) => parse_lines(path, &bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Vec::new(), Vec::new()),
        Err(e) => (
            Vec::new(),
            vec![Damage {
                file: path.to_owned(),
                line: None,
                what: format!("cannot be read: {e}"),
                kept_as: None,
            }],
        ),
    }
}

/// [`read_lines`] on bytes already read from `path`.
#[must_use]
pub fn parse_lines<T: DeserializeOwned>(
    path: &Path,
    bytes: &[u8],
) -> (Vec<(usize, T)>, Vec<Damage>) {
    let mut good = Vec::new();
    let mut damaged = Vec::new();
    let ends_whole = bytes.last().is_none_or(|&b| b == b'\n');
    let count = bytes.split(|&b| b == b'\n').count();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let torn = i + 1 == count && !ends_whole;
        match what_is_wrong::<T>(raw) {
            Ok(value) => good.push((i + 1, value)),
            // serde counts lines inside the record: one line here, named by the caller.
            Err(what) => damaged.push(Damage {
                file: path.to_owned(),
                line: Some(i + 1),
                what: {
                    let what = what.replace(" at line 1 column ", " at column ");
                    if torn {
                        format!("a torn last line: {what}")
                    } else {
                        what
                    }
                },
                kept_as: None,
            }),
        }
    }
    (good, damaged)
}

/// `bytes` as one JSON record, or what keeps them from being one.
///
/// # Errors
/// The words for what is wrong: not UTF-8 (with the offset), or serde's message.
pub fn what_is_wrong<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("empty".into());
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 at byte {}", e.valid_up_to() + 1))?;
    serde_json::from_str(text).map_err(|e| {
        format!(
            "not a record rolo wrote: {}",
            crate::text::inert(&e.to_string())
        )
    })
}

/// Moves `path` aside to `NAME.damaged-<UTC time>` in the same folder (a free name:
/// `-2`, `-3`, … when one is taken) and returns the new path. Nothing is deleted.
///
/// # Errors
/// When the file cannot be renamed.
pub fn move_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = path.with_file_name(format!("{name}.damaged-{stamp}"));
    let mut target = base.clone();
    let mut n = 1;
    while target.exists() {
        n += 1;
        target = PathBuf::from(format!("{}-{n}", base.display()));
    }
    std::fs::rename(path, &target)?;
    Ok(target)
}

/// Opens `path` to append lines, first ending a torn last line (the process writing it
/// died half way through): the next line then starts on a line of its own, and is not
/// read as part of the torn one.
///
/// # Errors
/// When the file cannot be opened, read or written.
pub fn open_lines(path: &Path) -> std::io::Result<std::fs::File> {
    let mut file = crate::files::open_append_private(path)?;
    if ends_torn(path)? {
        file.write_all(b"\n")?;
    }
    Ok(file)
}

/// Whether the file at `path` is not empty and does not end with a line break.
fn ends_torn(path: &Path) -> std::io::Result<bool> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// The string value of the first `"key": "…"` in `bytes` whose key passes `wanted`, read
/// from damaged bytes (invalid UTF-8, cut short): what can still be told of a record
/// that no longer parses. Shown inert by the caller.
#[must_use]
pub fn salvage(bytes: &[u8], wanted: impl Fn(&str) -> bool) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut rest = text.as_ref();
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let end = after.find('"')?;
        let key = &after[..end];
        let tail = after[end + 1..].trim_start();
        rest = &after[end + 1..];
        let Some(tail) = tail.strip_prefix(':') else {
            continue;
        };
        let tail = tail.trim_start();
        if !wanted(key) || !tail.starts_with('"') {
            continue;
        }
        // The string: up to its closing quote (an escaped quote does not close it).
        let mut escaped = false;
        for (i, c) in tail.char_indices().skip(1) {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    return serde_json::from_str::<String>(&tail[..=i])
                        .ok()
                        .filter(|s| !s.trim().is_empty());
                }
                _ => escaped = false,
            }
        }
        return None;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct R {
        a: u32,
    }

    #[test]
    fn every_kind_of_damaged_line_is_named_and_the_rest_is_read() {
        let path = Path::new("h.jsonl");
        let bytes = b"{\"a\":1}\n\xff\xfe\n{\"a\":\n\n{\"a\":2}\n\x00\x01garbage\n{\"a\":3";
        let (good, damaged) = parse_lines::<R>(path, bytes);
        assert_eq!(
            good.iter().map(|(l, r)| (*l, r.a)).collect::<Vec<_>>(),
            [(1, 1), (5, 2)]
        );
        let lines: Vec<_> = damaged.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(2), Some(3), Some(6), Some(7)]);
        assert!(damaged[0].what.contains("not UTF-8"), "{}", damaged[0].what);
        assert!(
            damaged[3].what.starts_with("a torn last line"),
            "{}",
            damaged[3].what
        );
        assert_eq!(
            damaged[0].to_string(),
            "h.jsonl line 2 is damaged (not UTF-8 at byte 1); skipped, the line stays in the file"
        );
    }

    #[test]
    fn an_appender_ends_a_torn_line_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.jsonl");
        std::fs::write(&path, b"{\"a\":1}\n{\"a\":").unwrap();
        open_lines(&path)
            .unwrap()
            .write_all(b"{\"a\":2}\n")
            .unwrap();
        open_lines(&path)
            .unwrap()
            .write_all(b"{\"a\":3}\n")
            .unwrap();
        let (good, damaged) = read_lines::<R>(&path);
        assert_eq!(good.iter().map(|(_, r)| r.a).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(damaged.len(), 1);
        assert_eq!(damaged[0].line, Some(2));
    }

    #[test]
    fn moved_aside_never_overwrites_an_earlier_copy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wm.json");
        std::fs::write(&path, "one").unwrap();
        let first = move_aside(&path).unwrap();
        std::fs::write(&path, "two").unwrap();
        let second = move_aside(&path).unwrap();
        assert_ne!(first, second);
        assert!(!path.exists());
        assert_eq!(std::fs::read_to_string(first).unwrap(), "one");
        assert_eq!(std::fs::read_to_string(second).unwrap(), "two");
    }

    #[test]
    fn what_can_be_read_of_a_cut_record() {
        let bytes = b"{\"id\":\"x\",\"draft\":{\"values\":{\"firstname\":\"Ana \\\"M\\\"\",\
                      \"phonenumber\":\"+57 318\"}},\"name\":\"Ana\xff";
        assert_eq!(
            salvage(bytes, |k| k == "firstname").as_deref(),
            Some("Ana \"M\"")
        );
        assert_eq!(
            salvage(bytes, |k| k.contains("phone")).as_deref(),
            Some("+57 318")
        );
        assert_eq!(salvage(bytes, |k| k == "name"), None);
    }
}
