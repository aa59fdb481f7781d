//! What the form keeps between runs, per profile: the unsent draft (written after each
//! change, on exit and on a panic) and the rapid-entry memory (kept fields, the last
//! contact sent).

use std::path::Path;

use crate::contact::Draft;
pub use crate::store::drafts::{Saved, Slot, write_draft};
pub use crate::store::sticky::Memory;
use crate::store::{drafts, sticky};

/// Saves (or, for an empty draft, removes) a profile's unsent draft.
pub fn save(data_dir: &Path, profile: &str, draft: &Draft) -> std::io::Result<()> {
    drafts::save(data_dir, profile, draft)
}

/// A profile's saved draft, if it has one worth restoring.
#[must_use]
pub fn load(data_dir: &Path, profile: &str) -> Option<Saved> {
    drafts::load(data_dir, profile).filter(|s| !s.draft.is_empty())
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
