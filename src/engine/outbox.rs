//! The outbox: contacts whose submit failed for a reason that may pass, waiting to be
//! sent again. Every face keeps, lists, drops and resends them through here.

use std::path::Path;

use crate::api::Outcome;
use crate::config::Profile;
use crate::contact::Draft;
use crate::store::outbox;
pub use crate::store::outbox::Item;

use super::resend::{may_have_arrived, retry_at};

/// A new outbox item for a draft whose submit failed with `outcome`.
#[must_use]
pub fn item(profile: &Profile, draft: Draft, outcome: &Outcome) -> Item {
    let name = profile.api.full_name(&draft);
    Item::new(
        &profile.name,
        draft,
        &name,
        &outcome.summary(),
        may_have_arrived(outcome),
        retry_at(outcome),
    )
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
) -> std::io::Result<Item> {
    let item = item(profile, draft.clone(), outcome);
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

/// The first eight characters of an item id, as lists show it.
#[must_use]
pub fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}
