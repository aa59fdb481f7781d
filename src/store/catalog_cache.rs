//! The catalog of each profile, cached on disk so pickers open at once and work offline.
//!
//! The file holds what the server told and the profile does not declare (the profile's
//! own lists are read from its config every start): a header (`ROLOCAT`, a format
//! version) and the catalog in postcard, a compact binary form that loads without
//! parsing text. It is written atomically (a temp file renamed over the old one). A file
//! that is missing, from an older rolo (the JSON of 0.1), truncated or corrupt is
//! reported as such and ignored: the next refresh writes a good one.

use std::path::{Path, PathBuf};

use crate::contact::Catalog;

/// The first bytes of a cache file.
const MAGIC: &[u8; 7] = b"ROLOCAT";
/// The format this rolo writes and reads. Bump it when `Catalog` changes shape.
pub const VERSION: u8 = 3;

/// Where a profile's catalog lives under the data dir.
#[must_use]
pub fn path(data_dir: &Path, profile: &str) -> PathBuf {
    data_dir
        .join("catalogs")
        .join(format!("{}.bin", super::safe_name(profile)))
}

/// Where rolo 0.1 kept it, as JSON.
fn old_path(data_dir: &Path, profile: &str) -> PathBuf {
    data_dir
        .join("catalogs")
        .join(format!("{}.json", super::safe_name(profile)))
}

/// What reading a cache file came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Cached {
    /// A good cache.
    Found(Box<Catalog>),
    /// No cache yet.
    Missing,
    /// A file that cannot be used, and why (it is ignored, and replaced next refresh).
    Unusable(String),
}

/// The cached catalog of a profile.
#[must_use]
pub fn load(data_dir: &Path, profile: &str) -> Cached {
    let file = path(data_dir, profile);
    let bytes = match std::fs::read(&file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return if old_path(data_dir, profile).exists() {
                Cached::Unusable("it was written by an older rolo".to_owned())
            } else {
                Cached::Missing
            };
        }
        Err(e) => return Cached::Unusable(format!("cannot read {}: {e}", file.display())),
    };
    match decode(&bytes) {
        Ok(c) => Cached::Found(Box::new(c)),
        Err(why) => Cached::Unusable(why),
    }
}

/// A cache file's catalog, or why it cannot be used.
fn decode(bytes: &[u8]) -> Result<Catalog, String> {
    let Some(rest) = bytes.strip_prefix(MAGIC.as_slice()) else {
        return Err("it is not a rolo catalog cache".to_owned());
    };
    match rest.split_first() {
        Some((&VERSION, body)) => {
            postcard::from_bytes(body).map_err(|e| format!("it is damaged ({e})"))
        }
        Some((v, _)) if *v < VERSION => Err("it was written by an older rolo".to_owned()),
        Some(_) => Err("it was written by a newer rolo".to_owned()),
        None => Err("it is truncated".to_owned()),
    }
}

/// Saves the catalog atomically (and drops the file an older rolo left).
pub fn save(data_dir: &Path, profile: &str, catalog: &Catalog) -> std::io::Result<()> {
    let mut bytes = MAGIC.to_vec();
    bytes.push(VERSION);
    let bytes = postcard::to_extend(catalog, bytes).map_err(std::io::Error::other)?;
    super::atomic_write(&path(data_dir, profile), &bytes)?;
    match std::fs::remove_file(old_path(data_dir, profile)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// A profile's list read from a side file (`tags_file = …`), kept so that the CSV is
/// parsed once per change of the file, not at every start.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SideList {
    /// What the file was when it was read (its path, length and modification time): a
    /// cache whose source differs from the file's now is not used.
    pub source: String,
    /// Tags, stages, staff or countries.
    pub items: Vec<crate::contact::catalog::Item>,
    /// Custom-field definitions.
    pub custom_fields: Vec<crate::contact::catalog::CustomFieldDef>,
}

/// Where the side list `list` (its config key, like `tags`) of a profile is kept.
#[must_use]
pub fn side_path(data_dir: &Path, profile: &str, list: &str) -> PathBuf {
    data_dir
        .join("catalogs")
        .join(format!("{}.{list}.bin", super::safe_name(profile)))
}

/// The kept side list, if there is a good one read from `source`.
#[must_use]
pub fn load_side(data_dir: &Path, profile: &str, list: &str, source: &str) -> Option<SideList> {
    use std::io::Read as _;
    let file = std::fs::File::open(side_path(data_dir, profile, list)).ok()?;
    let mut file = std::io::BufReader::new(file);
    let mut head = [0; MAGIC.len() + 1];
    file.read_exact(&mut head).ok()?;
    if head[..MAGIC.len()] != MAGIC[..] || head[MAGIC.len()] != VERSION {
        return None;
    }
    // Read as a stream: the file is never held whole beside the list it becomes. The
    // scratch holds one string at a time (a longer one fails the read: a parse then).
    let mut scratch = vec![0; 64 * 1024];
    postcard::from_io::<SideList, _>((file, &mut scratch))
        .ok()
        .map(|(side, _)| side)
        .filter(|s| s.source == source)
}

/// Keeps a side list, atomically, serialized straight to the file (100,000 tags would
/// be megabytes of buffer beside the list).
pub fn save_side(
    data_dir: &Path,
    profile: &str,
    list: &str,
    side: &SideList,
) -> std::io::Result<()> {
    let path = side_path(data_dir, profile, list);
    crate::files::atomic_write_with(&path, 0o600, |file| {
        use std::io::Write as _;
        file.write_all(MAGIC)?;
        file.write_all(&[VERSION])?;
        postcard::to_io(side, file)
            .map(|_| ())
            .map_err(std::io::Error::other)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::catalog::Item;

    fn sample() -> Catalog {
        let mut c = Catalog {
            fetched_at: Some("2026-11-24T00:00:00Z".into()),
            ..Catalog::default()
        };
        c.merge_items(
            crate::contact::CatalogKind::Tags,
            [Item {
                id: "t1".into(),
                name: "Ñandú".into(),
                color: Some("#00AA00".into()),
                ..Item::default()
            }],
        );
        c
    }

    #[test]
    fn a_kept_side_list_loads_back_only_for_its_source() {
        let dir = tempfile::tempdir().unwrap();
        let side = SideList {
            source: "/c/tags.csv\u{0}120\u{0}7".into(),
            items: sample()
                .items(crate::contact::CatalogKind::Tags)
                .iter()
                .cloned()
                .collect(),
            custom_fields: Vec::new(),
        };
        save_side(dir.path(), "acme", "tags", &side).unwrap();
        assert_eq!(
            load_side(dir.path(), "acme", "tags", &side.source),
            Some(side.clone())
        );
        assert_eq!(
            load_side(dir.path(), "acme", "tags", "/c/tags.csv\u{0}121\u{0}7"),
            None
        );
        assert_eq!(load_side(dir.path(), "acme", "stages", &side.source), None);
        let path = side_path(dir.path(), "acme", "tags");
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        assert_eq!(
            load_side(dir.path(), "acme", "tags", &side.source),
            None,
            "truncated"
        );
    }

    #[test]
    fn a_saved_catalog_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let c = sample();
        save(dir.path(), "acme/prod", &c).unwrap();
        assert_eq!(load(dir.path(), "acme/prod"), Cached::Found(Box::new(c)));
        assert_eq!(load(dir.path(), "other"), Cached::Missing);
    }

    #[test]
    fn damaged_old_and_foreign_files_are_unusable_never_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), "p", &sample()).unwrap();
        let file = path(dir.path(), "p");
        let good = std::fs::read(&file).unwrap();
        for cut in 0..good.len() {
            std::fs::write(&file, &good[..cut]).unwrap();
            assert!(
                matches!(load(dir.path(), "p"), Cached::Unusable(_)),
                "cut at {cut}"
            );
        }
        let mut older = good.clone();
        older[MAGIC.len()] = 1;
        std::fs::write(&file, &older).unwrap();
        assert_eq!(
            load(dir.path(), "p"),
            Cached::Unusable("it was written by an older rolo".into())
        );
        std::fs::write(&file, b"{\"tags\": []}").unwrap();
        assert!(matches!(load(dir.path(), "p"), Cached::Unusable(_)));
        std::fs::remove_file(&file).unwrap();
        std::fs::write(old_path(dir.path(), "p"), b"{}").unwrap();
        assert_eq!(
            load(dir.path(), "p"),
            Cached::Unusable("it was written by an older rolo".into())
        );
        save(dir.path(), "p", &sample()).unwrap();
        assert!(!old_path(dir.path(), "p").exists(), "the old file is gone");
    }
}
