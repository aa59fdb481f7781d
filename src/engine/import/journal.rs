//! The import journal: one JSON line per created row, so running the same import again
//! skips what was already created, even after a crash or Ctrl-C half way.
//!
//! It lives in `DATA_DIR/imports/PROFILE-HASH-TENANT.jsonl`, HASH being a hash of the
//! file's absolute path and TENANT one of where the profile sends ([`tenant`]): one
//! journal per file, profile and tenant, so a profile pointed at another account or
//! server imports the file there instead of skipping every row as already imported. (A
//! Wipsy key changed to another tenant's, at the same address, is not told apart: the key
//! is never written down, not even hashed.) A journal from before the tenant was part of
//! the name is taken as the current tenant's, the only reading it allows. A row is known by a hash of its
//! cells, not by its line, so inserting or sorting rows does not re-send anything, and an
//! edited row is a new row (sent again; the CRM's duplicate check then decides).
//!
//! Lines are written by one thread, each batch in a single `write` followed by `fsync`:
//! rows answered while the disk syncs share the next sync (a group commit), so durability
//! costs one sync per batch instead of one per row. A row is lost from the journal only
//! if the machine dies between the server's answer and that batch's sync.

use std::collections::HashSet;
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use serde::{Deserialize, Serialize};

use crate::store::{history, safe_name};

/// The most rows written in one batch, so a slow disk still syncs regularly.
const BATCH: usize = 1024;

/// One journal line. The first line of a journal names its file and profile instead.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Entry {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant: Option<String>,
    #[serde(skip_serializing_if = "is_zero")]
    line: u64,
    #[serde(skip_serializing_if = "String::is_empty")]
    hash: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    time: String,
    /// Written before a row's create leaves: a row with this line and no `id` line may
    /// have been created (the answer, or the journal's line for it, was lost).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    sending: bool,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms (unlike `DefaultHasher`),
/// which a file kept on disk between runs needs.
#[must_use]
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Where a profile's contacts go, as far as its config tells: the API's address and, on
/// an API with accounts in its paths (Chatwoot), the account.
#[must_use]
pub fn tenant(profile: &crate::config::Profile) -> String {
    match profile.account_id {
        Some(account) => format!("{} account {account}", profile.base_url),
        None => profile.base_url.to_string(),
    }
}

/// A row's fingerprint: its trimmed cells, separated by a byte no cell holds.
#[must_use]
pub fn fingerprint<'a>(cells: impl IntoIterator<Item = &'a str>) -> String {
    let mut joined = String::new();
    for c in cells {
        joined.push_str(c.trim());
        joined.push('\u{1f}');
    }
    format!("{:016x}", fnv1a(joined.as_bytes()))
}

/// The right to import one input file, held by one rolo at a time (an OS lock on
/// `DATA_DIR/imports/HASH.lock`, HASH of the file's absolute path, whatever the profile;
/// a process killed even by `kill -9` gives it up). Taken before the journal is read, so
/// the second of two imports started together neither sends what the first sends nor
/// reads a journal the first is still writing.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

/// Takes the lock of `file` (absolute). `Ok(Err(holder))` when another rolo holds it:
/// what that one wrote in the lock file (its process id and when it started).
pub fn lock_file(data_dir: &Path, file: &Path) -> std::io::Result<Result<FileLock, String>> {
    let dir = data_dir.join("imports");
    crate::files::private_dir(&dir)?;
    let key = fnv1a(file.to_string_lossy().as_bytes());
    let path = dir.join(format!("{key:016x}.lock"));
    let mut handle = crate::files::open_private(&path)?;
    match handle.try_lock() {
        Ok(()) => {
            let holder = format!(
                "process {}, started {}",
                std::process::id(),
                jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M:%S UTC")
            );
            handle.set_len(0)?;
            handle.write_all(holder.as_bytes())?;
            Ok(Ok(FileLock { _file: handle }))
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            Ok(Err(crate::text::inert(holder.trim()).into_owned()))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// The rows an earlier run of this import created.
#[derive(Debug, Default)]
pub struct Journal {
    /// Where it is kept.
    pub path: PathBuf,
    done: HashSet<String>,
    /// Rows an earlier run started sending without a line saying they were created.
    sent: HashSet<String>,
    /// Damaged lines: skipped and named (they stay in the file). A row whose hash can
    /// still be read from one is treated as one that may exist: looked for before it is
    /// sent again, never sent blind and never skipped.
    pub damaged: Vec<crate::store::damage::Damage>,
}

impl Journal {
    /// The journal of `file` (absolute) for `profile` sending to `tenant` (see
    /// [`tenant`]); empty when there is none yet. A torn last line (a crash mid-write) is
    /// skipped.
    #[must_use]
    pub fn load(data_dir: &Path, profile: &str, tenant: &str, file: &Path) -> Self {
        let key = fnv1a(file.to_string_lossy().as_bytes());
        let dir = data_dir.join("imports");
        let stem = format!("{}-{key:016x}", safe_name(profile));
        let path = dir.join(format!("{stem}-{:016x}.jsonl", fnv1a(tenant.as_bytes())));
        let before_tenants = dir.join(format!("{stem}.jsonl"));
        if !path.exists() && before_tenants.exists() {
            // Kept if the rename fails: read from where it is, and written on there.
            if let Err(e) = std::fs::rename(&before_tenants, &path) {
                tracing::warn!("cannot rename {}: {e}", before_tenants.display());
            }
        }
        let path = if path.exists() || !before_tenants.exists() {
            path
        } else {
            before_tenants
        };
        let (mut done, mut sent) = (HashSet::new(), HashSet::new());
        let bytes = std::fs::read(&path).unwrap_or_default();
        let (entries, damaged) = crate::store::damage::parse_lines::<Entry>(&path, &bytes);
        if !damaged.is_empty() {
            // Split once: a journal of garbage may have as many damaged lines as lines.
            let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
            for raw in damaged.iter().filter_map(|d| lines.get(d.line? - 1)) {
                if let Some(hash) = crate::store::damage::salvage(raw, |k| k == "hash") {
                    sent.insert(hash);
                }
            }
        }
        for (_, entry) in entries.into_iter().filter(|(_, l)| !l.hash.is_empty()) {
            if entry.sending {
                sent.insert(entry.hash);
            } else {
                done.insert(entry.hash);
            }
        }
        sent.retain(|hash| !done.contains(hash));
        Self {
            path,
            done,
            sent,
            damaged,
        }
    }

    /// Whether an earlier run started sending this row and no line says it was created:
    /// it may exist, so this run looks for it before sending it.
    #[must_use]
    pub fn may_exist(&self, hash: &str) -> bool {
        self.sent.contains(hash)
    }

    /// Whether a row with this fingerprint was created by an earlier run.
    #[must_use]
    pub fn contains(&self, hash: &str) -> bool {
        self.done.contains(hash)
    }
}

/// A created row, for the journal and the history.
#[derive(Debug, Clone)]
pub struct Created {
    /// The row's line in the file.
    pub line: u64,
    /// The row's fingerprint.
    pub hash: String,
    /// The server's id.
    pub id: String,
    /// Name as shown in the history.
    pub name: String,
    /// Phone as sent.
    pub phone: String,
    /// Found on the server by a look, not created now: an earlier run may have written
    /// its history entry already (see `write_batches`).
    pub found: bool,
}

/// The thread that appends created rows to the journal and the history.
#[derive(Debug)]
pub struct Writer {
    tx: mpsc::Sender<Created>,
    thread: JoinHandle<std::io::Result<()>>,
    intents: Intents,
}

/// Writes a row's "sending" line before its create leaves (a write, no sync: a full disk
/// refuses it there, before anything is sent). Shared by the workers.
#[derive(Debug, Clone)]
pub struct Intents(std::sync::Arc<std::sync::Mutex<File>>);

impl Intents {
    /// The lines saying rows (`line`, `hash`) are being sent now, in one write.
    pub fn sending<'a>(
        &self,
        rows: impl IntoIterator<Item = (u64, &'a str)>,
    ) -> std::io::Result<()> {
        let mut text = String::new();
        for (line, hash) in rows {
            let entry = Entry {
                line,
                hash: hash.to_owned(),
                sending: true,
                ..Entry::default()
            };
            text.push_str(&serde_json::to_string(&entry)?);
            text.push('\n');
        }
        let mut file = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        file.write_all(text.as_bytes())
    }
}

impl Writer {
    /// Opens both files now, so a data dir that cannot be written stops the import before
    /// anything is sent.
    pub fn start(
        journal: &Journal,
        data_dir: &Path,
        profile: &str,
        tenant: &str,
        file: &Path,
    ) -> std::io::Result<Self> {
        let append = |path: &Path| -> std::io::Result<File> {
            if let Some(dir) = path.parent() {
                crate::files::private_dir(dir)?;
            }
            crate::store::damage::open_lines(path)
        };
        let mut out = append(&journal.path)?;
        if out.metadata()?.len() == 0 {
            let head = Entry {
                file: Some(file.to_string_lossy().into_owned()),
                profile: Some(profile.to_owned()),
                tenant: Some(tenant.to_owned()),
                ..Entry::default()
            };
            writeln!(out, "{}", serde_json::to_string(&head)?)?;
        }
        let hist = append(&history::path(data_dir))?;
        let intents = Intents(std::sync::Arc::new(std::sync::Mutex::new(append(
            &journal.path,
        )?)));
        let (tx, rx) = mpsc::channel();
        let profile = profile.to_owned();
        let data_dir = data_dir.to_owned();
        let thread = std::thread::Builder::new()
            .name("rolo-import-journal".into())
            .spawn(move || write_batches(&rx, &mut out, &hist, &profile, &data_dir))?;
        Ok(Self {
            tx,
            thread,
            intents,
        })
    }

    /// Where the workers write a row's "sending" line.
    #[must_use]
    pub fn intents(&self) -> Intents {
        self.intents.clone()
    }

    /// Queues a created row; `false` when the writer has stopped on an error.
    #[must_use]
    pub fn record(&self, created: Created) -> bool {
        self.tx.send(created).is_ok()
    }

    /// Waits until every queued row is on disk.
    pub fn finish(self) -> std::io::Result<()> {
        drop(self.tx);
        self.thread
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the journal writer panicked")))
    }
}

/// Appends batches of created rows: first to the history, then to the journal, each
/// with one write and one sync. A full disk can stop it between the two: a row then has
/// its history entry and no journal line, and the next run, finding it on the server,
/// writes the journal line and not a second entry (the ids already in the history are
/// read once, when the first found row comes). Rows whose batch reached neither keep
/// their "sending" lines, so the next run looks for them and records them once.
fn write_batches(
    rx: &mpsc::Receiver<Created>,
    journal: &mut File,
    mut hist: &File,
    profile: &str,
    data_dir: &Path,
) -> std::io::Result<()> {
    let mut recorded: Option<HashSet<String>> = None;
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        batch.extend(rx.try_iter().take(BATCH - 1));
        let time = jiff::Timestamp::now().to_string();
        let (mut lines, mut entries) = (String::new(), String::new());
        for c in batch {
            let line = Entry {
                line: c.line,
                hash: c.hash,
                id: c.id.clone(),
                time: time.clone(),
                ..Entry::default()
            };
            lines.push_str(&serde_json::to_string(&line)?);
            lines.push('\n');
            if c.found {
                let known = recorded.get_or_insert_with(|| {
                    history::read(data_dir)
                        .into_iter()
                        .filter(|e| e.profile == profile)
                        .map(|e| e.id)
                        .collect()
                });
                if known.contains(&c.id) {
                    continue;
                }
            }
            let entry = history::Entry {
                time: time.clone(),
                profile: profile.to_owned(),
                id: c.id,
                name: c.name,
                phone: c.phone,
                action: history::Action::Created,
            };
            entries.push_str(&serde_json::to_string(&entry)?);
            entries.push('\n');
        }
        // The history keeps `history::append`'s format (one JSON line per contact), but a
        // batch goes in one write and one sync: a sync per row would cap an import at a
        // few hundred contacts a second on an ordinary disk.
        if !entries.is_empty() {
            hist.write_all(entries.as_bytes())?;
            hist.sync_data()?;
        }
        journal.write_all(lines.as_bytes())?;
        journal.sync_data()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tenant the tests import to.
    const T: &str = "https://crm.example.com/api/v2";

    /// Row `line` (`hash`) created as `id{line}`, for Ana Pérez.
    fn created(line: u64, hash: &str) -> Created {
        Created {
            line,
            hash: hash.into(),
            id: format!("id{line}"),
            name: "Ana Pérez".into(),
            phone: "+573001112233".into(),
            found: false,
        }
    }

    #[test]
    fn created_rows_survive_and_are_found_again() {
        let dir = tempfile::tempdir().unwrap();
        let file = Path::new("/data/contacts.csv");
        let j = Journal::load(dir.path(), "wm", T, file);
        assert!(!j.contains("abc"));
        let w = Writer::start(&j, dir.path(), "wm", T, file).unwrap();
        for (line, hash) in [(2, "abc"), (3, "def")] {
            assert!(w.record(created(line, hash)));
        }
        w.finish().unwrap();
        let again = Journal::load(dir.path(), "wm", T, file);
        assert!(again.contains("abc") && again.contains("def"));
        assert!(!Journal::load(dir.path(), "other", T, file).contains("abc"));
        let history = history::read(dir.path());
        assert_eq!(history.len(), 2);
        assert_eq!(history[1].id, "id3");
        let text = std::fs::read_to_string(&again.path).unwrap();
        assert!(text.starts_with("{\"file\":\"/data/contacts.csv\""));
    }

    /// A row whose "sending" line has no "created" line after it may exist (the next run
    /// looks for it); one with both is done.
    #[test]
    fn a_row_sent_without_a_record_may_exist() {
        let dir = tempfile::tempdir().unwrap();
        let file = Path::new("/data/contacts.csv");
        let j = Journal::load(dir.path(), "wm", T, file);
        let w = Writer::start(&j, dir.path(), "wm", T, file).unwrap();
        let intents = w.intents();
        intents.sending([(2, "abc")]).unwrap();
        intents.sending([(3, "def")]).unwrap();
        assert!(w.record(created(2, "abc")));
        w.finish().unwrap();
        let again = Journal::load(dir.path(), "wm", T, file);
        assert!(again.contains("abc") && !again.may_exist("abc"));
        assert!(!again.contains("def") && again.may_exist("def"));
        assert!(!again.may_exist("ghi"));
    }

    /// A torn last line (a full disk mid-write) is ended before the next batch, which
    /// would otherwise join it and be lost with it.
    #[test]
    fn a_torn_last_line_is_ended_before_appending() {
        let dir = tempfile::tempdir().unwrap();
        let file = Path::new("/data/contacts.csv");
        std::fs::write(history::path(dir.path()), "{\"time\":\"2026-12-0").unwrap();
        let j = Journal::load(dir.path(), "wm", T, file);
        let w = Writer::start(&j, dir.path(), "wm", T, file).unwrap();
        assert!(w.record(created(2, "abc")));
        w.finish().unwrap();
        let history = history::read(dir.path());
        assert_eq!(history.len(), 1, "{history:?}");
        assert_eq!(history[0].id, "id2");
    }

    /// The same file and profile sent to another tenant (another account, another
    /// server) is imported there, not skipped as already imported; a journal written
    /// before tenants were told apart is the current tenant's.
    #[test]
    fn each_tenant_has_its_own_journal_and_an_old_one_is_the_current_tenant_s() {
        let dir = tempfile::tempdir().unwrap();
        let file = Path::new("/data/contacts.csv");
        let j = Journal::load(dir.path(), "cw", T, file);
        let w = Writer::start(&j, dir.path(), "cw", T, file).unwrap();
        assert!(w.record(created(2, "abc")));
        w.finish().unwrap();
        assert!(Journal::load(dir.path(), "cw", T, file).contains("abc"));
        let other = format!("{T} account 2");
        assert!(!Journal::load(dir.path(), "cw", &other, file).contains("abc"));
        let text = std::fs::read_to_string(&j.path).unwrap();
        assert!(text.contains(&format!("\"tenant\":\"{T}\"")), "{text}");

        // As rolo wrote it before: no tenant in the name.
        let key = fnv1a(file.to_string_lossy().as_bytes());
        let old = dir.path().join(format!("imports/wm-{key:016x}.jsonl"));
        std::fs::write(&old, "{\"hash\":\"def\",\"id\":\"7\",\"line\":2}\n").unwrap();
        let adopted = Journal::load(dir.path(), "wm", T, file);
        assert!(adopted.contains("def"));
        assert!(!old.exists() && adopted.path.exists());
        assert!(Journal::load(dir.path(), "wm", T, file).contains("def"));
    }

    #[test]
    fn fingerprints_ignore_surrounding_spaces_but_not_cell_borders() {
        assert_eq!(fingerprint(["a ", "b"]), fingerprint(["a", " b"]));
        assert_ne!(fingerprint(["ab", ""]), fingerprint(["a", "b"]));
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
    }
}
