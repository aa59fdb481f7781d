//! Writing a file whole or not at all. A leaf every layer may use (the store, the
//! sandbox's state file, import reports), so that none has to depend on another for it.

use std::fs;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically: a temporary file in the same directory,
/// flushed to disk, then renamed over the target. The file is readable by its owner
/// only (0600) and directories it creates are 0700, whatever the umask: rolo's files
/// hold customers' names and phones.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    atomic_write_mode(path, bytes, 0o600)
}

/// [`atomic_write`] with the file's permission bits (Unix; ignored elsewhere).
pub fn atomic_write_mode(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    atomic_write_with(path, mode, |file| file.write_all(bytes))
}

/// [`atomic_write_mode`] for a writer that streams its bytes (a big cache serialized
/// straight to the file instead of into a buffer first).
pub fn atomic_write_with(
    path: &Path,
    mode: u32,
    write: impl FnOnce(&mut std::io::BufWriter<fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    private_dir(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::io::BufWriter::new(create_with_mode(&tmp, mode)?);
        write(&mut file)?;
        let file = file
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
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

/// Creates `dir` and its missing parents as 0700 (existing ones are left as they are:
/// see [`narrow`]).
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates (truncating) `path` with these permission bits, whatever the umask.
fn create_with_mode(path: &Path, mode: u32) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        options.mode(mode);
        let file = options.open(path)?;
        // The umask may have taken bits away; never adds any.
        file.set_permissions(fs::Permissions::from_mode(mode))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
        options.open(path)
    }
}

/// Opens `path` to append, creating it 0600 (the history, a journal).
pub fn open_append_private(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

/// Narrows what is wider than private under `dir` (the data dir): directories to 0700,
/// files to 0600. Returns how many were narrowed, for a notice. A file that cannot be
/// changed (not ours) is left as it is.
#[must_use]
pub fn narrow(dir: &Path) -> usize {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mut narrowed = 0;
        let mut todo = vec![dir.to_path_buf()];
        while let Some(d) = todo.pop() {
            let Ok(meta) = fs::symlink_metadata(&d) else {
                continue;
            };
            let want = if meta.is_dir() { 0o700 } else { 0o600 };
            let mode = meta.permissions().mode() & 0o777;
            if meta.file_type().is_symlink() {
                continue;
            }
            if mode & 0o077 != 0
                && fs::set_permissions(&d, fs::Permissions::from_mode(mode & want)).is_ok()
            {
                narrowed += 1;
            }
            if meta.is_dir()
                && let Ok(entries) = fs::read_dir(&d)
            {
                todo.extend(entries.flatten().map(|e| e.path()));
            }
        }
        narrowed
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        0
    }
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
