//! Unsent drafts, one file per profile, written atomically after each change and on exit.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::contact::Draft;

/// A draft as saved, with when it was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// RFC 3339 time of the save.
    pub saved_at: String,
    /// The contact in progress.
    pub draft: Draft,
}

/// Where a profile's draft lives.
#[must_use]
pub fn path(data_dir: &Path, profile: &str) -> PathBuf {
    data_dir
        .join("drafts")
        .join(format!("{}.json", super::safe_name(profile)))
}

/// Saves (or, for an empty draft, removes) the profile's draft.
pub fn save(data_dir: &Path, profile: &str, draft: &Draft) -> std::io::Result<()> {
    let p = path(data_dir, profile);
    if draft.is_empty() {
        return match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    }
    let saved = Saved {
        saved_at: jiff::Timestamp::now().to_string(),
        draft: draft.clone(),
    };
    let bytes = serde_json::to_vec_pretty(&saved).map_err(std::io::Error::other)?;
    super::atomic_write(&p, &bytes)
}

/// The saved draft of a profile, if any.
#[must_use]
pub fn load(data_dir: &Path, profile: &str) -> Option<Saved> {
    let text = std::fs::read_to_string(path(data_dir, profile)).ok()?;
    serde_json::from_str(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_round_trip_and_empty_ones_disappear() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = Draft::default();
        d.set("firstname", "Zoë 🙂");
        save(dir.path(), "demo", &d).unwrap();
        assert_eq!(load(dir.path(), "demo").unwrap().draft, d);
        save(dir.path(), "demo", &Draft::default()).unwrap();
        assert!(load(dir.path(), "demo").is_none());
    }
}
