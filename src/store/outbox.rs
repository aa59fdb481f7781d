//! The outbox: contacts whose submit failed for a reason that may pass (network, timeout,
//! 5xx, rate limit), kept one file each so a crash or `kill -9` at any point loses none.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::damage::{self, Damage};
use crate::contact::Draft;

/// One waiting contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// A local id (uuid), stable across retries.
    pub id: String,
    /// The profile it belongs to.
    pub profile: String,
    /// The contact as entered.
    pub draft: Draft,
    /// Name as shown.
    pub name: String,
    /// Why it is waiting, in words.
    pub reason: String,
    /// When it was put in the outbox (RFC 3339).
    pub created_at: String,
    /// Attempts so far.
    pub attempts: u32,
    /// An earlier attempt may have reached the server (timeout, dropped connection, or
    /// a send interrupted by a crash): look for the contact before sending again.
    pub may_have_arrived: bool,
    /// Unix second before which a rate-limited item is not resent.
    pub retry_at: Option<i64>,
    /// Set for an update of a contact the server has, not a create: resending sends this
    /// PATCH again (safe to repeat: it sets values, never adds a contact), with no look
    /// for a duplicate first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<Update>,
}

/// The update an outbox item waits to send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Update {
    /// The server's id of the contact.
    pub contact_id: String,
    /// The partial update, as first sent.
    pub body: serde_json::Value,
    /// What each of its fields held before (`null`: nothing). A resend reads the contact
    /// and sends a field only while it still holds this: a field that holds the new value
    /// already arrived, and one changed to something else since (by a later edit, or
    /// someone else) is left as the server has it. Absent in items written before it.
    #[serde(default)]
    pub before: serde_json::Value,
    /// The rest of a create: what a contact created by rolo still lacked (Chatwoot
    /// labels, set by a call of their own). Its resend finishes that create's record
    /// instead of writing an "updated" entry of its own.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rest_of_create: bool,
}

impl Item {
    /// A new item for a draft that failed with `reason`.
    #[must_use]
    pub fn new(
        profile: &str,
        draft: Draft,
        name: &str,
        reason: &str,
        may_have_arrived: bool,
        retry_at: Option<i64>,
    ) -> Self {
        Self {
            id: uuid::Uuid::new_v4().to_string(),
            profile: profile.to_owned(),
            draft,
            name: name.to_owned(),
            reason: reason.to_owned(),
            created_at: jiff::Timestamp::now().to_string(),
            attempts: 1,
            may_have_arrived,
            retry_at,
            update: None,
        }
    }
}

fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("outbox")
}

fn path(data_dir: &Path, id: &str) -> PathBuf {
    dir(data_dir).join(format!("{}.json", super::safe_name(id)))
}

/// Writes (or rewrites) an item atomically.
pub fn put(data_dir: &Path, item: &Item) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(item).map_err(std::io::Error::other)?;
    super::atomic_write(&path(data_dir, &item.id), &bytes)
}

/// An outbox file that does not read as an item: a contact the agent was promised would
/// be sent, so it is listed (never dropped in silence) with what can still be read of it.
/// It stays where it is until the agent mends the file or drops it (which moves it aside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damaged {
    /// The file's name without `.json`: the id the item had.
    pub id: String,
    /// What is wrong, and where.
    pub damage: Damage,
    /// What can be read of it: its profile, name and phone.
    pub profile: Option<String>,
    /// The name, when it can be read.
    pub name: Option<String>,
    /// The phone, when it can be read.
    pub phone: Option<String>,
}

impl Damaged {
    fn of(file: PathBuf, bytes: &[u8], what: String) -> Self {
        let id = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let inert = |s: String| crate::text::inert(&s).into_owned();
        Self {
            id,
            profile: damage::salvage(bytes, |k| k == "profile").map(inert),
            name: damage::salvage(bytes, |k| k == "name").map(inert),
            phone: damage::salvage(bytes, |k| k.contains("phone")).map(inert),
            damage: Damage {
                file,
                line: None,
                what,
                kept_as: None,
            },
        }
    }

    /// What can be read of it, in words: "Ana María (+57 318 …)", or "nothing readable".
    #[must_use]
    pub fn readable(&self) -> String {
        match (&self.name, &self.phone) {
            (Some(n), Some(p)) => format!("{n} ({p})"),
            (Some(n), None) => n.clone(),
            (None, Some(p)) => p.clone(),
            (None, None) => "nothing readable".into(),
        }
    }
}

/// Every waiting item, oldest first, and every outbox file that does not read as one.
#[must_use]
pub fn list_checked(data_dir: &Path) -> (Vec<Item>, Vec<Damaged>) {
    let Ok(entries) = std::fs::read_dir(dir(data_dir)) else {
        return (Vec::new(), Vec::new());
    };
    let mut items = Vec::new();
    let mut damaged = Vec::new();
    for file in entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
    {
        match read(&file) {
            Some(Ok(item)) => items.push(item),
            Some(Err(d)) => damaged.push(*d),
            // Sent (and removed) by another rolo since the folder was listed.
            None => {}
        }
    }
    items.sort_by(|a: &Item, b: &Item| a.created_at.cmp(&b.created_at));
    damaged.sort_by(|a, b| a.id.cmp(&b.id));
    (items, damaged)
}

/// One item file, or what is wrong with it; `None` when there is no such file (any
/// more: another rolo may have sent it since the folder was listed).
fn read(file: &Path) -> Option<Result<Item, Box<Damaged>>> {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            let what = format!("cannot be read: {e}");
            return Some(Err(Box::new(Damaged::of(file.to_owned(), &[], what))));
        }
    };
    Some(
        damage::what_is_wrong::<Item>(&bytes)
            .map_err(|what| Box::new(Damaged::of(file.to_owned(), &bytes, what))),
    )
}

/// Every waiting item, oldest first. Damaged files are left out here (and logged): faces
/// that list the outbox use [`list_checked`] and show them.
#[must_use]
pub fn list(data_dir: &Path) -> Vec<Item> {
    let (items, damaged) = list_checked(data_dir);
    for d in &damaged {
        tracing::warn!("{}", d.damage);
    }
    items
}

/// The item with exactly this id, as it is on disk now.
#[must_use]
pub fn get(data_dir: &Path, id: &str) -> Option<Item> {
    read(&path(data_dir, id))?.ok()
}

fn lock_path(data_dir: &Path, id: &str) -> PathBuf {
    dir(data_dir).join(format!("{}.lock", super::safe_name(id)))
}

/// The right to send one item, held by one rolo process at a time (an OS file lock on
/// `outbox/ID.lock`, so a process killed mid-send, even by `kill -9`, gives it up with
/// its life: no stale lock to clean). Held across the whole send and the record.
#[derive(Debug)]
pub struct SendLock {
    _file: std::fs::File,
}

/// Takes the item's send lock; `None` when another rolo holds it (it is sending that
/// item right now).
///
/// The lock file stays while its item waits, so every process locks the same file; it is
/// removed (under the lock) only with the item, and a process that locks a removed file
/// then finds no item to send (see [`get`]).
pub fn lock(data_dir: &Path, id: &str) -> std::io::Result<Option<SendLock>> {
    crate::files::private_dir(&dir(data_dir))?;
    let file = crate::files::open_private(&lock_path(data_dir, id))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(SendLock { _file: file })),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Finds an item by its id or a unique prefix of it.
#[must_use]
pub fn find(data_dir: &Path, id: &str) -> Option<Item> {
    let mut hits = list(data_dir).into_iter().filter(|i| i.id.starts_with(id));
    let first = hits.next()?;
    hits.next().is_none().then_some(first)
}

/// The damaged file with this id or a unique prefix of it.
#[must_use]
pub fn find_damaged(data_dir: &Path, id: &str) -> Option<Damaged> {
    let mut hits = list_checked(data_dir)
        .1
        .into_iter()
        .filter(|d| d.id.starts_with(id));
    let first = hits.next()?;
    hits.next().is_none().then_some(first)
}

/// Drops a damaged file: moved aside to `ID.json.damaged-<time>` (out of the outbox,
/// never deleted). Returns where it went.
pub fn set_aside(data_dir: &Path, damaged: &Damaged) -> std::io::Result<PathBuf> {
    let kept = damage::move_aside(&damaged.damage.file)?;
    let _ = std::fs::remove_file(lock_path(data_dir, &damaged.id));
    Ok(kept)
}

/// Removes an item (sent, found on the server, or dropped by the agent).
pub fn remove(data_dir: &Path, id: &str) -> std::io::Result<()> {
    match std::fs::remove_file(path(data_dir, id)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => {
            // Its lock file goes after it: whoever locks that file now finds no item.
            let _ = std::fs::remove_file(lock_path(data_dir, id));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_kept_listed_found_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = Draft::default();
        d.set("firstname", "Ana");
        let item = Item::new("wm", d, "Ana", "timeout", true, None);
        put(dir.path(), &item).unwrap();
        assert_eq!(list(dir.path()), std::slice::from_ref(&item));
        assert_eq!(
            find(dir.path(), &item.id[..8]).map(|i| i.id),
            Some(item.id.clone())
        );
        remove(dir.path(), &item.id).unwrap();
        assert!(list(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_gone_since_the_listing_is_not_called_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = dir.path().join("outbox");
        std::fs::create_dir_all(&outbox).unwrap();
        // Listed, then unreadable as NotFound: what another rolo's send leaves.
        std::os::unix::fs::symlink(outbox.join("gone.json"), outbox.join("sent.json")).unwrap();
        std::fs::write(outbox.join("broken.json"), b"{").unwrap();
        let (items, damaged) = list_checked(dir.path());
        assert!(items.is_empty());
        assert_eq!(
            damaged.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
            ["broken"]
        );
    }
}
