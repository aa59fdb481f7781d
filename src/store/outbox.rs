//! The outbox: contacts whose submit failed for a reason that may pass (network, timeout,
//! 5xx, rate limit), kept one file each so a crash or `kill -9` at any point loses none.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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

/// Every waiting item, oldest first. Unreadable files are skipped, not deleted.
#[must_use]
pub fn list(data_dir: &Path) -> Vec<Item> {
    let Ok(entries) = std::fs::read_dir(dir(data_dir)) else {
        return Vec::new();
    };
    let mut items: Vec<Item> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| serde_json::from_str(&std::fs::read_to_string(e.path()).ok()?).ok())
        .collect();
    items.sort_by(|a: &Item, b: &Item| a.created_at.cmp(&b.created_at));
    items
}

/// The item with exactly this id, as it is on disk now.
#[must_use]
pub fn get(data_dir: &Path, id: &str) -> Option<Item> {
    let text = std::fs::read_to_string(path(data_dir, id)).ok()?;
    serde_json::from_str(&text).ok()
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
}
