//! Per-profile memory of rapid entry: which fields are kept after a submit, and the last
//! contact sent (for "repeat last").

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::contact::Draft;

/// What is remembered for one profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Memory {
    /// Field keys kept after a submit.
    pub sticky: BTreeSet<String>,
    /// The last contact sent.
    pub last_sent: Option<Draft>,
}

/// Where a profile's memory lives.
#[must_use]
pub fn path(data_dir: &Path, profile: &str) -> PathBuf {
    data_dir
        .join("sticky")
        .join(format!("{}.json", super::safe_name(profile)))
}

/// Saves a profile's memory atomically.
pub fn save(data_dir: &Path, profile: &str, memory: &Memory) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(memory).map_err(std::io::Error::other)?;
    super::atomic_write(&path(data_dir, profile), &bytes)
}

/// A profile's memory, empty when none was saved.
#[must_use]
pub fn load(data_dir: &Path, profile: &str) -> Memory {
    std::fs::read_to_string(path(data_dir, profile))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}
