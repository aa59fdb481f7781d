//! Recording what happened to a contact: the history of created contacts (which the
//! Wipsy monthly estimate counts), written the same way by every face.

use std::path::Path;

use crate::store::history;
pub use crate::store::history::Entry;

/// The history entry of a contact created now.
#[must_use]
pub fn entry(profile: &str, id: &str, name: &str, phone: &str) -> Entry {
    Entry {
        time: jiff::Timestamp::now().to_string(),
        profile: profile.to_owned(),
        id: id.to_owned(),
        name: name.to_owned(),
        phone: phone.to_owned(),
    }
}

/// Appends a created contact to the history. `phone` is the phone as the user typed it.
pub fn created(
    data_dir: &Path,
    profile: &str,
    id: &str,
    name: &str,
    phone: &str,
) -> std::io::Result<()> {
    append(data_dir, &entry(profile, id, name, phone))
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
