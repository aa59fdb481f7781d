//! The catalog of each profile, cached on disk so pickers open instantly and work offline.

use std::path::{Path, PathBuf};

use crate::contact::Catalog;

/// Where a profile's catalog lives under the data dir.
#[must_use]
pub fn path(data_dir: &Path, profile: &str) -> PathBuf {
    let safe: String = profile
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    data_dir.join("catalogs").join(format!("{safe}.json"))
}

/// The cached catalog, if one was saved and can be read.
#[must_use]
pub fn load(data_dir: &Path, profile: &str) -> Option<Catalog> {
    let text = std::fs::read_to_string(path(data_dir, profile)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Saves the catalog atomically.
pub fn save(data_dir: &Path, profile: &str, catalog: &Catalog) -> std::io::Result<()> {
    let text = serde_json::to_vec_pretty(catalog).map_err(std::io::Error::other)?;
    super::atomic_write(&path(data_dir, profile), &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_catalog_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let c = Catalog {
            fetched_at: Some("2026-11-24T00:00:00Z".into()),
            ..Catalog::default()
        };
        save(dir.path(), "acme/prod", &c).unwrap();
        assert_eq!(load(dir.path(), "acme/prod"), Some(c));
        assert!(load(dir.path(), "other").is_none());
    }
}
