//! The outbox: contacts whose submit failed for a reason that may pass, waiting to be
//! sent again. Every face keeps, lists, drops and resends them through here.

use std::path::Path;

use crate::api::Outcome;
use crate::config::Profile;
use crate::contact::Draft;
use crate::store::outbox;
pub use crate::store::outbox::{Damaged, Item};

use super::resend::{may_have_arrived, retry_at};

/// A new outbox item for a draft whose submit failed with `outcome`. `may_exist`: an
/// earlier attempt may have created it (the submit said so), whatever this outcome was;
/// the resend then looks first.
#[must_use]
pub fn item(profile: &Profile, draft: Draft, outcome: &Outcome, may_exist: bool) -> Item {
    let name = profile.api.full_name(&draft);
    Item::new(
        &profile.name,
        draft,
        &name,
        &outcome.summary(),
        may_exist || may_have_arrived(outcome),
        retry_at(outcome),
    )
}

/// A send in flight from the form, kept in the outbox while the request is out: if rolo
/// is closed or killed before the answer, the contact waits there marked "may exist"
/// (the resend looks for it first) instead of coming back as a plain draft that a
/// Ctrl-S would send blind. Its send lock is held meanwhile, so no retry sends it too.
/// [`InFlight::land`] removes it once the face has the answer (and keeps the contact
/// itself: on the form, or in an outbox item of its own).
#[derive(Debug)]
pub struct InFlight {
    data_dir: std::path::PathBuf,
    id: String,
    _lock: outbox::SendLock,
}

impl InFlight {
    /// Writes the item before the request leaves. `None` when it cannot be written (a
    /// full disk, a read-only data dir): the send goes on as before, the form holds the
    /// contact, and the failure is logged.
    #[must_use]
    pub fn start(data_dir: &Path, profile: &Profile, draft: &Draft) -> Option<Self> {
        let name = profile.api.full_name(draft);
        let why = "was being sent when rolo stopped; it may have been created";
        let item = Item::new(&profile.name, draft.clone(), &name, why, true, None);
        let lock = match outbox::lock(data_dir, &item.id) {
            Ok(Some(lock)) => lock,
            Ok(None) => return None,
            Err(e) => {
                tracing::warn!(target: "rolo::outbox", "cannot lock a send in flight: {e}");
                return None;
            }
        };
        if let Err(e) = outbox::put(data_dir, &item) {
            tracing::warn!(target: "rolo::outbox", "cannot keep a send in flight: {e}");
            let _ = outbox::remove(data_dir, &item.id);
            return None;
        }
        Some(Self {
            data_dir: data_dir.to_owned(),
            id: item.id,
            _lock: lock,
        })
    }

    /// The answer came (or the send was called off and the form keeps the contact): the
    /// item goes.
    pub fn land(self) {
        if let Err(e) = outbox::remove(&self.data_dir, &self.id) {
            tracing::warn!(target: "rolo::outbox", "cannot remove a landed send: {e}");
        }
    }

    /// The item's id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Writes an item (new or updated) atomically.
pub fn put(data_dir: &Path, item: &Item) -> std::io::Result<()> {
    outbox::put(data_dir, item)
}

/// Keeps a failed draft in the outbox and returns the item written.
pub fn keep(
    data_dir: &Path,
    profile: &Profile,
    draft: &Draft,
    outcome: &Outcome,
    may_exist: bool,
) -> std::io::Result<Item> {
    let item = item(profile, draft.clone(), outcome, may_exist);
    outbox::put(data_dir, &item)?;
    tracing::info!(
        target: "rolo::outbox",
        "kept {} ({}): {}",
        short(&item.id),
        profile.name,
        crate::text::inert(&item.reason)
    );
    Ok(item)
}

/// Every waiting item, oldest first.
#[must_use]
pub fn list(data_dir: &Path) -> Vec<Item> {
    outbox::list(data_dir)
}

/// Every waiting item, oldest first, and every outbox file that does not read as one
/// (listed with what can be read of it, never dropped in silence).
#[must_use]
pub fn list_checked(data_dir: &Path) -> (Vec<Item>, Vec<Damaged>) {
    outbox::list_checked(data_dir)
}

/// The damaged outbox file with this id or unique id prefix.
#[must_use]
pub fn find_damaged(data_dir: &Path, id: &str) -> Option<Damaged> {
    outbox::find_damaged(data_dir, id)
}

/// Drops a damaged outbox file: moved aside out of the outbox (never deleted). Returns
/// where it went.
pub fn set_aside(data_dir: &Path, damaged: &Damaged) -> std::io::Result<std::path::PathBuf> {
    let kept = outbox::set_aside(data_dir, damaged)?;
    tracing::info!(target: "rolo::outbox", "set aside damaged {}", kept.display());
    Ok(kept)
}

/// The item with this id or unique id prefix.
#[must_use]
pub fn find(data_dir: &Path, id: &str) -> Option<Item> {
    outbox::find(data_dir, id)
}

/// Removes an item without sending it.
pub fn drop(data_dir: &Path, id: &str) -> std::io::Result<()> {
    outbox::remove(data_dir, id)?;
    tracing::info!(target: "rolo::outbox", "dropped {}", short(id));
    Ok(())
}

/// An item as lists name it: the contact's name, and for an update which contact it
/// changes (an update and a create of one name must not look alike).
#[must_use]
pub fn title(item: &Item) -> String {
    match &item.update {
        Some(u) => format!("{} (update of id {})", item.name, u.contact_id),
        None => item.name.clone(),
    }
}

/// The first eight characters of an item id, as lists show it.
#[must_use]
pub fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}
