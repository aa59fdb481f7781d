//! A profile's long lists from its side files (`tags_file = "tags.csv"`): read once per
//! change of the file and kept in the binary catalog cache, so a start with 100,000
//! tags decodes them instead of parsing CSV. The form calls this off its UI thread,
//! after the first frame; the CLI when it opens a session.

use std::path::Path;

use crate::config::side::{self, Entries};
use crate::config::{ConfigError, List, Profile, SideFile};
use crate::store::catalog_cache::{self, SideList};

/// `profile` with the lists of its side files in place of the inline ones (a list is
/// either inline or in a file, never both). The first problem of a file stops it,
/// named with file, line and column; `rolo config check` lists them all.
pub fn fill(data_dir: &Path, mut profile: Profile) -> Result<Profile, ConfigError> {
    for file in std::mem::take(&mut profile.side_files) {
        let kept = read(data_dir, &profile.name, &file)?;
        let entries = if file.list == List::CustomFields {
            Entries::CustomFields(kept.custom_fields)
        } else {
            Entries::Items(kept.items)
        };
        profile.set_list(file.list, entries);
    }
    Ok(profile)
}

/// One side file's list: from the cache when the file has not changed since, else read
/// and kept (a cache that cannot be written only costs the next start a parse).
fn read(data_dir: &Path, profile: &str, file: &SideFile) -> Result<SideList, ConfigError> {
    let source = fingerprint(&file.path);
    let key = file.list.key();
    if let Some(source) = &source
        && let Some(kept) = catalog_cache::load_side(data_dir, profile, key, source)
    {
        return Ok(kept);
    }
    let entries = side::read(file).map_err(|mut errors| errors.swap_remove(0))?;
    let (items, custom_fields) = match entries {
        Entries::Items(items) => (items, Vec::new()),
        Entries::CustomFields(defs) => (Vec::new(), defs),
    };
    let list = SideList {
        source: source.unwrap_or_default(),
        items,
        custom_fields,
    };
    if !list.source.is_empty()
        && let Err(e) = catalog_cache::save_side(data_dir, profile, key, &list)
    {
        tracing::warn!("could not keep the {key} of {profile}: {e}");
    }
    Ok(list)
}

/// What a file is now: its real path, length and modification time, and on Unix its
/// inode and change time, which no copy keeps (`cp -p` and `rsync -t` keep the
/// modification time). `None` when that cannot be told, and then nothing is cached.
fn fingerprint(path: &Path) -> Option<String> {
    let real = std::fs::canonicalize(path).ok()?;
    let meta = std::fs::metadata(&real).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    #[cfg(unix)]
    let own = {
        use std::os::unix::fs::MetadataExt;
        format!("{}\u{0}{}.{}", meta.ino(), meta.ctime(), meta.ctime_nsec())
    };
    #[cfg(not(unix))]
    let own = String::new();
    Some(format!(
        "{}\u{0}{}\u{0}{}\u{0}{own}",
        real.display(),
        meta.len(),
        modified.as_nanos()
    ))
}
