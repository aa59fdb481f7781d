//! Recording what happened to a contact: the history of created contacts (which the
//! Wipsy monthly estimate counts), written the same way by every face.

use std::path::Path;

use crate::contact::{Draft, Flavour, Role, phone};
use crate::store::history;
pub use crate::store::history::{Action, Entry};

/// The history entry of a contact created now. `phone` is kept as given: callers pass
/// [`phone_of`], so every face records the same number the same way.
#[must_use]
pub fn entry(profile: &str, id: &str, name: &str, phone: &str) -> Entry {
    Entry {
        time: jiff::Timestamp::now().to_string(),
        profile: profile.to_owned(),
        id: id.to_owned(),
        name: name.to_owned(),
        phone: phone.to_owned(),
        action: history::Action::Created,
    }
}

/// The phone of a draft as the history keeps it: E.164 (`+573188779043`) when it reads
/// as a number, else as typed (trimmed), so one contact sent from the form, quick add,
/// `rolo add` or `rolo import` is one phone in `rolo history`.
#[must_use]
pub fn phone_of(flavour: Flavour, draft: &Draft, region: Option<&str>) -> String {
    let typed = flavour.value(draft, Role::Phone);
    phone::to_e164(typed, region).unwrap_or_else(|_| typed.to_owned())
}

/// Appends an entry built by [`entry`] (the TUI keeps it for its recent list too).
pub fn append(data_dir: &Path, entry: &Entry) -> std::io::Result<()> {
    history::append(data_dir, entry)
}

/// Contacts a profile created this UTC calendar month, by rolo: the Wipsy monthly
/// estimate (the Wipsy API cannot tell).
#[must_use]
pub fn created_this_month(data_dir: &Path, profile: &str) -> usize {
    history::created_this_month(data_dir, profile)
}

/// The warning a face shows when the contact was created but the history could not be
/// written: the contact exists, only rolo's record of it is missing.
#[must_use]
pub fn history_warning(e: &std::io::Error) -> String {
    format!("created, but the history could not be written: {e}")
}

/// Every contact rolo created, oldest first (`rolo history`, F4).
#[must_use]
pub fn read(data_dir: &Path) -> Vec<Entry> {
    history::read(data_dir)
}

/// [`read`], with the history's damaged lines (each skipped, named, left in the file) for
/// the face to show.
#[must_use]
pub fn read_checked(data_dir: &Path) -> (Vec<Entry>, Vec<crate::store::damage::Damage>) {
    history::read_checked(data_dir)
}
