//! Unsent drafts: per profile and window, a draft file written atomically when the form
//! rests, and between those writes a journal of every edit, appended before the edit is
//! drawn (so a `kill -9` loses nothing the screen showed).
//!
//! A window holds its profile's *slot* with an OS file lock for as long as it runs: the
//! first window gets `drafts/NAME.json`, a second one on the same profile and data dir
//! `drafts/NAME~2.json`, and so on, so two windows never write over each other's draft.
//! The kernel drops the lock when a process dies, so a slot left by `kill -9` is free
//! again, and its draft is offered to the next window that opens the profile.
//!
//! The journal (`NAME.journal`, JSON lines) starts with the whole draft and goes on with
//! JSON merge patches (RFC 7386) of each change; it is read back after the draft file and
//! emptied when the draft file is written. A damaged line (torn by a crash mid-write,
//! or bytes rolo did not write) costs only its own edit: it is skipped and named, and
//! the journal is moved aside once what it made is in the draft file (see
//! [`super::damage`]).

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::damage::{self, Damage};
use crate::contact::Draft;

/// The most windows on one profile at once (a window past it cannot open the profile).
const MAX_SLOTS: u32 = 64;

/// A draft as saved, with when it was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// RFC 3339 time of the save.
    pub saved_at: String,
    /// The contact in progress.
    pub draft: Draft,
}

/// Where a profile's draft lives (its first slot; see [`Slot`]).
#[must_use]
pub fn path(data_dir: &Path, profile: &str) -> PathBuf {
    slot_file(data_dir, profile, 1, "json")
}

/// A slot's file with extension `ext`: `NAME.ext` for the first, `NAME~N.ext` after.
fn slot_file(data_dir: &Path, profile: &str, number: u32, ext: &str) -> PathBuf {
    let name = super::safe_name(profile);
    let stem = if number == 1 {
        name
    } else {
        format!("{name}~{number}")
    };
    data_dir.join("drafts").join(format!("{stem}.{ext}"))
}

/// One window's hold on a profile's draft: the lock, the draft file, the journal.
#[derive(Debug)]
pub struct Slot {
    data_dir: PathBuf,
    profile: String,
    number: u32,
    /// Held open: the lock lives as long as the file handle.
    _lock: File,
    journal: Option<Arc<File>>,
    /// The draft as the journal has it so far (`None`: the journal is empty).
    journaled: Option<Value>,
    syncer: Sender<Arc<File>>,
}

impl Slot {
    /// The lowest free slot of `profile` in `data_dir`, locked for this process.
    ///
    /// # Errors
    /// When the drafts folder or a lock file cannot be made, or every slot is held.
    pub fn take(data_dir: &Path, profile: &str) -> std::io::Result<Slot> {
        crate::files::private_dir(&data_dir.join("drafts"))?;
        for number in 1..=MAX_SLOTS {
            if let Some(lock) = try_lock(data_dir, profile, number)? {
                return Ok(Slot {
                    data_dir: data_dir.to_owned(),
                    profile: profile.to_owned(),
                    number,
                    _lock: lock,
                    journal: None,
                    journaled: None,
                    syncer: syncer(),
                });
            }
        }
        Err(std::io::Error::other(format!(
            "{MAX_SLOTS} windows already hold drafts of {profile}"
        )))
    }

    /// 1 for the first window on the profile, 2 for a second one at the same time, …
    #[must_use]
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The draft file of this slot.
    #[must_use]
    pub fn draft_path(&self) -> PathBuf {
        slot_file(&self.data_dir, &self.profile, self.number, "json")
    }

    fn journal_path(&self) -> PathBuf {
        slot_file(&self.data_dir, &self.profile, self.number, "journal")
    }

    /// The slot's draft: the draft file with the journal's edits replayed on it, and
    /// what was damaged in them. A damaged journal is moved aside, so this slot's next
    /// edit starts a new one.
    #[must_use]
    pub fn load(&mut self) -> Loaded {
        let loaded = read_slot(&self.data_dir, &self.profile, self.number);
        if loaded.damaged.iter().any(|d| d.kept_as.is_some()) {
            // An open handle would write to (or empty) the file set aside.
            self.journal = None;
            self.journaled = None;
        }
        loaded
    }

    /// Appends the change from the last journaled draft to `draft` (nothing when there
    /// is none) and has it synced to disk in the background. The write itself is done
    /// when this returns: a process killed after it loses nothing.
    ///
    /// # Errors
    /// When the journal cannot be opened or written.
    pub fn journal(&mut self, draft: &Draft) -> std::io::Result<()> {
        let now = serde_json::to_value(draft).map_err(std::io::Error::other)?;
        let record = match &self.journaled {
            None => Record::Draft(now.clone()),
            Some(before) => {
                let patch = diff(before, &now);
                if patch.as_object().is_some_and(Map::is_empty) {
                    return Ok(());
                }
                Record::Patch(patch)
            }
        };
        let mut line = serde_json::to_vec(&record).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let file = if let Some(f) = &self.journal {
            Arc::clone(f)
        } else {
            // A torn last line left in place (it could not be moved aside) is ended
            // first, or this line would join it and be lost with it.
            let f = Arc::new(damage::open_lines(&self.journal_path())?);
            self.journal = Some(Arc::clone(&f));
            f
        };
        // One write of one line (O_APPEND): a crash leaves it whole or torn at the end.
        (&*file).write_all(&line)?;
        self.journaled = Some(now);
        // A closed syncer only means no fsync: the write is already the kernel's.
        let _ = self.syncer.send(file);
        Ok(())
    }

    /// Writes the draft file (removes it for an empty draft) and empties the journal: the
    /// compaction done when the form rests, on quit and after a send.
    ///
    /// # Errors
    /// When the draft file cannot be written or the journal emptied.
    pub fn save(&mut self, draft: &Draft) -> std::io::Result<()> {
        write_draft(&self.draft_path(), draft)?;
        match &self.journal {
            Some(f) => f.set_len(0)?,
            None => match std::fs::remove_file(self.journal_path()) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            },
        }
        self.journaled = None;
        Ok(())
    }

    /// Drafts of this profile that no running window holds (left by a window that quit
    /// or was killed while another held the first slot), as slot numbers.
    #[must_use]
    pub fn orphans(&self) -> Vec<u32> {
        // One listing of the drafts folder, not two lookups for each of 64 slots: this
        // runs for every profile before the first frame.
        let name = super::safe_name(&self.profile);
        let Ok(entries) = std::fs::read_dir(self.data_dir.join("drafts")) else {
            return Vec::new();
        };
        let mut found: Vec<u32> = entries
            .flatten()
            .filter_map(|e| {
                let file = e.file_name();
                let (stem, ext) = file.to_str()?.rsplit_once('.')?;
                let number = match stem.strip_prefix(name.as_str())? {
                    "" => 1,
                    // Only the names `slot_file` gives: `NAME~2`, never `NAME~02` or `NAME~1`.
                    rest => Some(rest.strip_prefix('~')?.parse::<u32>().ok()?)
                        .filter(|n| *n >= 2 && rest[1..] == n.to_string())?,
                };
                let held = match ext {
                    "json" => true,
                    "journal" => e.metadata().is_ok_and(|m| m.len() > 0),
                    _ => false,
                };
                (held && (1..=MAX_SLOTS).contains(&number) && number != self.number)
                    .then_some(number)
            })
            .collect();
        found.sort_unstable();
        found.dedup();
        found.retain(|&n| try_lock(&self.data_dir, &self.profile, n).is_ok_and(|l| l.is_some()));
        found
    }

    /// Takes over the draft of slot `number` (see [`Slot::orphans`]): read under its lock,
    /// its files removed. The caller puts it on the form and saves it in this slot.
    ///
    /// # Errors
    /// When its files cannot be removed (the draft then stays where it was).
    pub fn adopt(&self, number: u32) -> std::io::Result<Loaded> {
        let Some(_lock) = try_lock(&self.data_dir, &self.profile, number)? else {
            return Ok(Loaded::default());
        };
        let saved = read_slot(&self.data_dir, &self.profile, number);
        for ext in ["json", "journal"] {
            match std::fs::remove_file(slot_file(&self.data_dir, &self.profile, number, ext)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(saved)
    }
}

/// A journal line.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Record {
    /// The whole draft: the journal's first line.
    Draft(Value),
    /// A JSON merge patch on the draft so far.
    Patch(Value),
}

/// Slot `number`'s lock, unless another process holds it.
fn try_lock(data_dir: &Path, profile: &str, number: u32) -> std::io::Result<Option<File>> {
    let file = crate::files::open_private(&slot_file(data_dir, profile, number, "lock"))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// The thread that fsyncs journals after their writes (one for the process): a burst of
/// keys costs one sync, and the form never waits for the disk.
fn syncer() -> Sender<Arc<File>> {
    static SYNCER: std::sync::OnceLock<std::sync::Mutex<Sender<Arc<File>>>> =
        std::sync::OnceLock::new();
    let sender = SYNCER.get_or_init(|| {
        let (tx, rx) = channel::<Arc<File>>();
        let spawned = std::thread::Builder::new()
            .name("rolo-journal-sync".into())
            .spawn(move || {
                while let Ok(mut file) = rx.recv() {
                    // Later requests for the same journal are covered by this sync.
                    while let Ok(next) = rx.try_recv() {
                        if !Arc::ptr_eq(&file, &next) {
                            let _ = file.sync_data();
                        }
                        file = next;
                    }
                    if let Err(e) = file.sync_data() {
                        tracing::warn!("cannot sync a draft journal: {e}");
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::warn!("no background sync of draft journals: {e}");
        }
        std::sync::Mutex::new(tx)
    });
    sender
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// A slot's draft as read, and what in its files was damaged (see [`super::damage`]).
#[derive(Debug, Default)]
pub struct Loaded {
    /// The draft: the draft file with every readable journal line replayed on it.
    pub saved: Option<Saved>,
    /// Damaged records in the draft file or the journal: skipped, named, and their files
    /// moved aside (`NAME.damaged-<time>`) so the next save cannot delete them.
    pub damaged: Vec<Damage>,
}

/// Slot `number`'s draft file with its journal replayed on it. A damaged draft file is
/// moved aside; a journal with a damaged line has its readable lines replayed (the draft
/// they make is written to the draft file first), then is moved aside whole.
fn read_slot(data_dir: &Path, profile: &str, number: u32) -> Loaded {
    let file = slot_file(data_dir, profile, number, "json");
    let mut damaged = Vec::new();
    let base = match std::fs::read(&file) {
        Ok(bytes) => match damage::what_is_wrong::<Saved>(&bytes) {
            Ok(saved) => Some(saved),
            Err(what) => {
                damaged.push(set_aside(&file, None, what));
                None
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            damaged.push(Damage {
                file: file.clone(),
                line: None,
                what: format!("cannot be read: {e}"),
                kept_as: None,
            });
            None
        }
    };
    let journal = slot_file(data_dir, profile, number, "journal");
    let (replayed, torn) = std::fs::read(&journal).map_or((None, Vec::new()), |bytes| {
        replay(&journal, &bytes, base.as_ref().map(|s| &s.draft))
    });
    if !torn.is_empty() {
        // What the readable lines made goes to the draft file before the journal moves
        // aside: a crash in between loses neither.
        let kept = replayed
            .as_ref()
            .is_none_or(|d| write_draft(&file, d).is_ok());
        let moved = kept.then(|| damage::move_aside(&journal).ok()).flatten();
        damaged.extend(torn.into_iter().map(|d| Damage {
            kept_as: moved.clone(),
            ..d
        }));
    }
    let saved = match replayed {
        Some(draft) => {
            let when = journal.metadata().and_then(|m| m.modified()).ok();
            let saved_at = when
                .and_then(|t| jiff::Timestamp::try_from(t).ok())
                .unwrap_or_else(jiff::Timestamp::now);
            Some(Saved {
                saved_at: saved_at.to_string(),
                draft,
            })
        }
        None => base,
    };
    Loaded { saved, damaged }
}

/// Moves a damaged whole file aside, and names it.
fn set_aside(file: &Path, line: Option<usize>, what: String) -> Damage {
    let kept_as = damage::move_aside(file)
        .map_err(|e| tracing::warn!("cannot move {} aside: {e}", file.display()))
        .ok();
    Damage {
        file: file.to_owned(),
        line,
        what,
        kept_as,
    }
}

/// The draft a journal ends on: its first whole draft (or, when that line is damaged,
/// the draft file's) with every readable patch after it, and the damaged lines.
fn replay(path: &Path, bytes: &[u8], base: Option<&Draft>) -> (Option<Draft>, Vec<Damage>) {
    let (records, damaged) = damage::parse_lines::<Record>(path, bytes);
    let mut draft: Option<Value> = None;
    for (_, record) in records {
        match record {
            Record::Draft(whole) => draft = Some(whole),
            Record::Patch(change) => {
                let target = draft.get_or_insert_with(|| {
                    base.and_then(|b| serde_json::to_value(b).ok())
                        .unwrap_or_else(|| Value::Object(Map::new()))
                });
                merge(target, &change);
            }
        }
    }
    (draft.and_then(|d| serde_json::from_value(d).ok()), damaged)
}

/// The JSON merge patch (RFC 7386) that turns `before` into `after`.
fn diff(before: &Value, after: &Value) -> Value {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let mut patch = Map::new();
            for (k, old) in b {
                match a.get(k) {
                    None => {
                        patch.insert(k.clone(), Value::Null);
                    }
                    Some(new) if new != old => {
                        patch.insert(k.clone(), diff(old, new));
                    }
                    Some(_) => {}
                }
            }
            for (k, new) in a {
                if !b.contains_key(k) {
                    patch.insert(k.clone(), new.clone());
                }
            }
            Value::Object(patch)
        }
        _ => after.clone(),
    }
}

/// Applies a JSON merge patch (RFC 7386).
fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(t) = target {
        for (k, v) in p {
            if v.is_null() {
                t.remove(k);
            } else {
                merge(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}

/// Writes `draft` to `file` atomically, or removes the file for an empty draft.
///
/// # Errors
/// When the file cannot be written or removed.
pub fn write_draft(file: &Path, draft: &Draft) -> std::io::Result<()> {
    if draft.is_empty() {
        return match std::fs::remove_file(file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    }
    let saved = Saved {
        saved_at: jiff::Timestamp::now().to_string(),
        draft: draft.clone(),
    };
    let bytes = serde_json::to_vec_pretty(&saved).map_err(std::io::Error::other)?;
    super::atomic_write(file, &bytes)
}

/// Saves (or, for an empty draft, removes) the profile's draft in its first slot.
pub fn save(data_dir: &Path, profile: &str, draft: &Draft) -> std::io::Result<()> {
    write_draft(&path(data_dir, profile), draft)
}

/// The saved draft of a profile's first slot (its journal replayed), if any, and what
/// was damaged in its files.
#[must_use]
pub fn load(data_dir: &Path, profile: &str) -> Loaded {
    read_slot(data_dir, profile, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orphans_are_the_other_slots_files_of_this_profile_only() {
        let dir = tempfile::tempdir().unwrap();
        let first = Slot::take(dir.path(), "wm").unwrap();
        let second = Slot::take(dir.path(), "wm").unwrap();
        assert_eq!(second.number(), 2);
        let drafts = dir.path().join("drafts");
        for (file, text) in [
            ("wm.json", "{}"),        // slot 1, held by `first` (locked): not taken over
            ("wm~3.journal", "{}\n"), // a killed window's journal
            ("wm~4.journal", ""),     // empty: nothing to take
            ("wm~5.json", "{}"),      // a closed window's draft
            ("wm~05.json", "{}"),     // not a name rolo writes
            ("wm~1.json", "{}"),
            ("wmx~6.json", "{}"), // another profile
            ("wm~7.lock", ""),
        ] {
            std::fs::write(drafts.join(file), text).unwrap();
        }
        assert_eq!(second.orphans(), [3, 5]);
        drop(first);
        assert_eq!(second.orphans(), [1, 3, 5]);
    }

    #[test]
    fn drafts_round_trip_and_empty_ones_disappear() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = Draft::default();
        d.set("firstname", "Zoë 🙂");
        save(dir.path(), "demo", &d).unwrap();
        assert_eq!(load(dir.path(), "demo").saved.unwrap().draft, d);
        save(dir.path(), "demo", &Draft::default()).unwrap();
        assert!(load(dir.path(), "demo").saved.is_none());
    }

    #[test]
    fn the_journal_replays_every_edit_and_a_torn_line_ends_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut slot = Slot::take(dir.path(), "demo").unwrap();
        let mut d = Draft::default();
        for typed in ["Z", "Zo", "Zoë"] {
            d.set("firstname", typed);
            slot.journal(&d).unwrap();
        }
        d.lists
            .insert("tags".into(), vec!["t1".into(), "t2".into()]);
        slot.journal(&d).unwrap();
        d.lists.remove("tags");
        d.custom.insert("c1".into(), "x".into());
        slot.journal(&d).unwrap();
        assert_eq!(
            slot.load().saved.unwrap().draft,
            d,
            "no draft file yet: the journal alone"
        );
        let lines = std::fs::read_to_string(slot.journal_path()).unwrap();
        assert_eq!(lines.lines().count(), 5);
        assert!(lines.starts_with(r#"{"draft":"#), "{lines}");

        // A torn last line: the edits before it stand; the line is named and the
        // journal moved aside whole (the draft it made is in the draft file first).
        let mut f = crate::files::open_append_private(&slot.journal_path()).unwrap();
        f.write_all(br#"{"patch":{"values":{"firstname":"Zo"#)
            .unwrap();
        let loaded = slot.load();
        assert_eq!(loaded.saved.unwrap().draft, d);
        assert_eq!(loaded.damaged.len(), 1);
        assert_eq!(loaded.damaged[0].line, Some(6));
        let kept = loaded.damaged[0].kept_as.clone().unwrap();
        assert!(
            std::fs::read_to_string(kept)
                .unwrap()
                .ends_with(r#""firstname":"Zo"#)
        );
        assert!(!slot.journal_path().exists());
        assert_eq!(load(dir.path(), "demo").saved.unwrap().draft, d);

        // Compaction: the draft file, an empty journal; later edits patch on it.
        slot.journal(&d).unwrap();
        slot.save(&d).unwrap();
        assert_eq!(std::fs::metadata(slot.journal_path()).unwrap().len(), 0);
        d.set("lastname", "Díaz");
        slot.journal(&d).unwrap();
        assert_eq!(load(dir.path(), "demo").saved.unwrap().draft, d);
    }

    #[test]
    fn an_edit_journaled_after_a_torn_line_is_not_lost_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut slot = Slot::take(dir.path(), "demo").unwrap();
        // A torn line left by an earlier process, not yet read (and so not moved aside).
        std::fs::write(
            slot.journal_path(),
            br#"{"draft":{"values":{"firstname":"Zo"#,
        )
        .unwrap();
        let mut d = Draft::default();
        d.set("firstname", "Zoë");
        slot.journal(&d).unwrap();
        let loaded = load(dir.path(), "demo");
        assert_eq!(loaded.saved.unwrap().draft, d);
        assert_eq!(loaded.damaged.len(), 1, "the torn line is named");
    }

    #[test]
    fn a_second_window_gets_its_own_slot_and_a_freed_one_is_offered() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = Slot::take(dir.path(), "demo").unwrap();
        let mut second = Slot::take(dir.path(), "demo").unwrap();
        assert_eq!((first.number(), second.number()), (1, 2));
        let (mut a, mut b) = (Draft::default(), Draft::default());
        a.set("firstname", "Ana");
        b.set("firstname", "Bea");
        first.journal(&a).unwrap();
        second.journal(&b).unwrap();
        first.save(&a).unwrap();
        assert_eq!(first.orphans(), Vec::<u32>::new(), "the second still runs");
        drop(second);
        assert_eq!(first.orphans(), [2]);
        assert_eq!(first.adopt(2).unwrap().saved.unwrap().draft, b);
        assert_eq!(first.orphans(), Vec::<u32>::new());
        assert_eq!(first.load().saved.unwrap().draft, a);
        drop(first);
        let mut again = Slot::take(dir.path(), "demo").unwrap();
        assert_eq!((again.number(), again.load().saved.unwrap().draft), (1, a));
    }

    #[test]
    fn merge_patches_round_trip() {
        let before = serde_json::json!({"values": {"a": "1", "b": "2"}, "lists": {"t": ["x"]}});
        let after = serde_json::json!({"values": {"a": "1", "c": "3"}, "lists": {}});
        let mut v = before.clone();
        merge(&mut v, &diff(&before, &after));
        assert_eq!(v, after);
    }
}
