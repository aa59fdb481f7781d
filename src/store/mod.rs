//! Files rolo keeps: drafts, outbox, history, catalog caches. Every write is atomic, so
//! a crash or `kill -9` leaves either the old file or the new one, never half of one.

pub mod catalog_cache;
pub mod damage;
pub mod drafts;
pub mod history;
pub mod outbox;
pub mod sticky;

pub use crate::files::atomic_write;

/// A profile name made safe as a file name.
#[must_use]
pub fn safe_name(profile: &str) -> String {
    profile
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
