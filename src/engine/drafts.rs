//! What the form keeps between runs, per profile: the unsent draft (written after each
//! change, on exit and on a panic) and the rapid-entry memory (kept fields, the last
//! contact sent).

use std::path::Path;

use crate::contact::Draft;
pub use crate::store::drafts::{Loaded, Saved, Slot, write_draft};
pub use crate::store::sticky::Memory;
use crate::store::{drafts, sticky};

/// Saves (or, for an empty draft, removes) a profile's unsent draft.
pub fn save(data_dir: &Path, profile: &str, draft: &Draft) -> std::io::Result<()> {
    drafts::save(data_dir, profile, draft)
}

/// A profile's saved draft, if it has one worth restoring (damage is logged: a face
/// that shows it uses [`load_checked`]).
#[must_use]
pub fn load(data_dir: &Path, profile: &str) -> Option<Saved> {
    let loaded = load_checked(data_dir, profile);
    for d in &loaded.damaged {
        tracing::warn!("{d}");
    }
    loaded.saved
}

/// A profile's saved draft worth restoring, and the damage found in its files (each
/// damaged file moved aside, never deleted).
#[must_use]
pub fn load_checked(data_dir: &Path, profile: &str) -> Loaded {
    worth_restoring(drafts::load(data_dir, profile))
}

/// `loaded` without an empty draft (nothing to restore).
#[must_use]
pub fn worth_restoring(mut loaded: Loaded) -> Loaded {
    loaded.saved = loaded.saved.filter(|s| !s.draft.is_empty());
    loaded
}

/// Saves a profile's kept fields and last contact sent.
pub fn save_memory(data_dir: &Path, profile: &str, memory: &Memory) -> std::io::Result<()> {
    sticky::save(data_dir, profile, memory)
}

/// A profile's kept fields and last contact sent (empty when none were saved).
#[must_use]
pub fn load_memory(data_dir: &Path, profile: &str) -> Memory {
    sticky::load(data_dir, profile)
}
