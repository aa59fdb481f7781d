//! Writing a file whole or not at all. A leaf every layer may use (the store, the
//! sandbox's state file, import reports), so that none has to depend on another for it.

use std::fs;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically: a temporary file in the same directory,
/// flushed to disk, then renamed over the target.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The most `rolo import` reads from one file: 64 MiB holds several hundred thousand
/// contacts; a bigger file is refused before it is read, so a 1 GB export cannot take
/// the machine's memory (split it: each part keeps its own journal).
pub const MAX_IMPORT: u64 = 64 * 1024 * 1024;
/// The most one contact's file (`rolo add --json/--vcard`, or stdin) may hold.
pub const MAX_CONTACT_FILE: u64 = 1024 * 1024;
/// The most one paste into the form may hold (a vCard of many contacts fits easily).
pub const MAX_PASTE: usize = 1024 * 1024;

/// A size as people read it: `512 B`, `1.5 KiB`, `50.0 MiB`, `1.0 GiB`.
#[must_use]
pub fn size_words(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    #[allow(clippy::cast_precision_loss)] // one decimal is all that is shown
    let mut size = bytes as f64 / 1024.0;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < UNITS.len() {
        size /= 1024.0;
        unit += 1;
    }
    format!("{size:.1} {}", UNITS[unit])
}

/// Reads `reader` to its end, at most `limit` bytes: more is refused with an error that
/// says the limit, having read no more than one byte past it (bounded memory whatever
/// the source: a file, stdin, a pipe that never ends).
pub fn read_at_most(reader: impl std::io::Read, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "it is larger than {}, the most rolo reads from one input",
            size_words(limit)
        )));
    }
    Ok(bytes)
}

/// Reads the file at `path` whole if it is at most `limit` bytes; a bigger one is
/// refused with both sizes before any of it is read.
pub fn read_file_at_most(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Err(std::io::Error::other(format!(
            "it is {}; rolo reads at most {} from one file",
            size_words(size),
            size_words(limit)
        )));
    }
    read_at_most(file, limit)
}

/// Opens `path` for reading and writing, creating it empty if needed, readable by its
/// owner only (rolo's files hold customers' names and phones).
pub fn open_private(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded_and_say_the_size() {
        assert_eq!(size_words(512), "512 B");
        assert_eq!(size_words(50 * 1024 * 1024), "50.0 MiB");
        assert_eq!(size_words(1 << 30), "1.0 GiB");
        let endless = std::io::repeat(b'a');
        let e = read_at_most(endless, 1024).unwrap_err();
        assert!(e.to_string().contains("larger than 1.0 KiB"), "{e}");
        assert_eq!(read_at_most(&b"abc"[..], 3).unwrap(), b"abc");
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.csv");
        let f = fs::File::create(&big).unwrap();
        f.set_len(3 * 1024 * 1024).unwrap(); // sparse: no disk used
        let e = read_file_at_most(&big, 1024 * 1024).unwrap_err();
        assert!(
            e.to_string()
                .contains("it is 3.0 MiB; rolo reads at most 1.0 MiB"),
            "{e}"
        );
    }

    #[test]
    fn atomic_write_replaces_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("state.json");
        atomic_write(&path, b"first, longer content").unwrap();
        atomic_write(&path, b"second").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "second");
        let leftovers = fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }
}
