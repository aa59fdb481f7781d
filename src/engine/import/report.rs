//! What an import tells afterwards: the rejected and unsent rows written beside the file
//! (`FILE.rejected.csv`, `FILE.unsent.csv`), line lists, and the summary line.
//!
//! Both files are UTF-8 CSV with `,`, the file's own columns after two of rolo's:
//! `rolo_line` (the row's line in FILE) and `rolo_reason`. The import ignores columns named
//! `rolo_...`, so a fixed rejected file, or the unsent file once the quota renews, can be
//! imported as it is. Each run rewrites them, and removes one it has nothing to put in.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::prepare::Row;

/// `FILE.rejected.csv` or `FILE.unsent.csv` beside FILE.
#[must_use]
pub fn beside(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(format!(".{suffix}.csv"));
    PathBuf::from(name)
}

/// The permission bits of a report written beside `input`: the input's own, but never
/// wider than 0600 (the rows hold the customers' data the input held).
#[must_use]
pub fn mode_beside(input: &Path) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(input).map_or(0o600, |m| m.permissions().mode() & 0o600)
    }
    #[cfg(not(unix))]
    {
        let _ = input;
        0o600
    }
}

/// Writes rows with their reasons (the file gets `mode`), or removes the file when there
/// are none.
pub fn write_rows(
    path: &Path,
    mode: u32,
    headers: &[String],
    rows: &[(&Row, String)],
) -> anyhow::Result<()> {
    if rows.is_empty() {
        return match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        };
    }
    let mut out = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let mut head = vec!["rolo_line".to_owned(), "rolo_reason".to_owned()];
    head.extend(headers.iter().cloned());
    out.write_record(&head)?;
    for (row, reason) in rows {
        // The reason quotes server and cell text; the cells stay as given, for re-import.
        let mut record = vec![
            row.line.to_string(),
            crate::text::inert(reason).into_owned(),
        ];
        record.extend(row.cells.iter().cloned());
        record.resize(record.len().max(head.len()), String::new());
        out.write_record(&record)?;
    }
    let bytes = out.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::files::atomic_write_mode(path, &bytes, mode)?;
    Ok(())
}

/// Line numbers as ranges: `2, 5-9, 12`.
#[must_use]
pub fn ranges(lines: &[u64]) -> String {
    let mut sorted = lines.to_vec();
    sorted.sort_unstable();
    let mut out = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        let _ = if start == end {
            write!(out, "{start}")
        } else {
            write!(out, "{start}-{end}")
        };
        i += 1;
    }
    out
}

/// How an import went, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows created now.
    pub created: usize,
    /// Rows an earlier run created.
    pub skipped: usize,
    /// Rows refused (by rolo's checks or the server) or failed.
    pub rejected: usize,
    /// Rows not sent because the import stopped.
    pub unsent: usize,
}

/// The summary line of a run.
#[must_use]
pub fn summary(file: &Path, c: Counts, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    #[allow(clippy::cast_precision_loss)] // counts of rows are far below 2^52
    let rate = if secs > 0.0 {
        c.created as f64 / secs
    } else {
        0.0
    };
    format!(
        "imported {}: {} created, {} skipped (already imported), {} rejected, {} not sent in {secs:.1} s ({rate:.1} contacts/s)",
        file.display(),
        c.created,
        c.skipped,
        c.rejected,
        c.unsent
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::import::prepare::State;

    #[test]
    fn lines_collapse_into_ranges() {
        assert_eq!(ranges(&[12, 2, 5, 6, 7, 8, 9]), "2, 5-9, 12");
        assert_eq!(ranges(&[]), "");
    }

    #[test]
    fn rows_are_written_with_line_and_reason_and_removed_when_none() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.csv");
        let path = beside(&file, "rejected");
        assert!(path.ends_with("c.csv.rejected.csv"));
        let row = Row {
            line: 7,
            cells: vec!["Ana".into(), "a \"b\"\nc".into()],
            hash: String::new(),
            state: State::Done,
        };
        let headers = ["nombre".to_owned(), "notas".to_owned(), "x".to_owned()];
        write_rows(&path, 0o600, &headers, &[(&row, "Email: bad".into())]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "rolo_line,rolo_reason,nombre,notas,x\n7,Email: bad,Ana,\"a \"\"b\"\"\nc\",\n"
        );
        write_rows(&path, 0o600, &headers, &[]).unwrap();
        assert!(!path.exists());
    }
}
