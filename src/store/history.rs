//! Every contact rolo created or updated: one JSON line each, appended. The Wipsy monthly
//! quota estimate counts the created ones, since the Wipsy API cannot tell.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::damage::Damage;

/// What rolo did to a contact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Created it (every entry written before updates existed).
    #[default]
    Created,
    /// Changed some of its fields.
    Updated,
}

impl Action {
    /// Whether this is a creation (which is left out of the file: older entries have no
    /// `action`, and older rolos read newer files).
    #[must_use]
    pub fn is_created(&self) -> bool {
        *self == Self::Created
    }
}

/// One created or updated contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// RFC 3339 creation time.
    pub time: String,
    /// Profile name.
    pub profile: String,
    /// The server's id.
    pub id: String,
    /// Name as shown.
    pub name: String,
    /// Phone as sent.
    pub phone: String,
    /// Created or updated.
    #[serde(default, skip_serializing_if = "Action::is_created")]
    pub action: Action,
}

/// The history file.
#[must_use]
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("history.jsonl")
}

/// Appends one entry (a single `write` of one line, so a crash cannot interleave lines),
/// after ending a torn last line so the entry is not lost with it.
pub fn append(data_dir: &Path, entry: &Entry) -> std::io::Result<()> {
    crate::files::private_dir(data_dir)?;
    let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
    line.push('\n');
    let mut f = super::damage::open_lines(&path(data_dir))?;
    f.write_all(line.as_bytes())?;
    f.sync_data()
}

/// Every readable entry, oldest first, and every damaged line (skipped, named, left in
/// the file: see [`super::damage`]).
#[must_use]
pub fn read_checked(data_dir: &Path) -> (Vec<Entry>, Vec<Damage>) {
    let (entries, damaged) = super::damage::read_lines(&path(data_dir));
    (entries.into_iter().map(|(_, e)| e).collect(), damaged)
}

/// Every readable entry, oldest first; damaged lines are skipped (and logged).
#[must_use]
pub fn read(data_dir: &Path) -> Vec<Entry> {
    let (entries, damaged) = read_checked(data_dir);
    for d in &damaged {
        tracing::warn!("{d}");
    }
    entries
}

/// Contacts a profile created in the current UTC calendar month.
#[must_use]
pub fn created_this_month(data_dir: &Path, profile: &str) -> usize {
    let month: String = jiff::Timestamp::now().to_string().chars().take(7).collect();
    read(data_dir)
        .iter()
        .filter(|e| e.profile == profile && e.action.is_created() && e.time.starts_with(&month))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_append_and_count_per_month_and_profile() {
        let dir = tempfile::tempdir().unwrap();
        let now = jiff::Timestamp::now().to_string();
        for (profile, time) in [
            ("a", now.as_str()),
            ("a", "2001-01-01T00:00:00Z"),
            ("b", now.as_str()),
        ] {
            let e = Entry {
                time: time.into(),
                profile: profile.into(),
                id: "1".into(),
                name: "Ana".into(),
                phone: "+57".into(),
                action: Action::Created,
            };
            append(dir.path(), &e).unwrap();
        }
        let updated = Entry {
            time: now.clone(),
            profile: "a".into(),
            id: "1".into(),
            name: "Ana".into(),
            phone: "+57".into(),
            action: Action::Updated,
        };
        append(dir.path(), &updated).unwrap();
        assert_eq!(read(dir.path()).len(), 4);
        assert_eq!(read(dir.path())[3].action, Action::Updated);
        assert_eq!(
            created_this_month(dir.path(), "a"),
            1,
            "an update is not a contact against the quota"
        );
    }
}
