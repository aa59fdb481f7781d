//! The catalog a profile starts with: what its configuration declares (what the API
//! cannot list), merged over the cached catalog when there is one.

use std::path::Path;

use crate::api::catalog as fetch;
use crate::api::{Client, RateLimit};
use crate::config::Profile;
use crate::contact::{Catalog, CatalogKind, Flavour};
use crate::store::catalog_cache;

/// The entries a profile's configuration provides (what the API cannot list).
#[must_use]
pub fn from_profile(profile: &Profile) -> Catalog {
    let mut c = Catalog::default();
    c.merge_list(CatalogKind::Tags, &profile.tags);
    c.merge_list(CatalogKind::Stages, &profile.stages);
    c.merge_list(CatalogKind::Assignees, &profile.assignees);
    if profile.api.picks(CatalogKind::Countries) {
        // The profile's list replaces the bundled one (a tenant may use other ids).
        let countries = if profile.countries.is_empty() {
            crate::contact::countries::bundled().into()
        } else {
            profile.countries.clone()
        };
        c.merge_list(CatalogKind::Countries, &countries);
    }
    c.merge_custom_fields(profile.custom_fields.clone());
    c
}

/// A cached catalog with the profile's own entries over it: the config may have gained
/// tags, stages or custom fields since the cache was written. What the profile declares
/// comes first and wins; what only the cache knows (tags the server named that the
/// profile does not declare) follows. The profile's list is shared, never copied.
#[must_use]
pub fn with_profile(mut cached: Catalog, profile: &Profile) -> Catalog {
    let own = from_profile(profile);
    for kind in [
        CatalogKind::Tags,
        CatalogKind::Stages,
        CatalogKind::Assignees,
        CatalogKind::Countries,
    ] {
        let mine = own.items(kind);
        if !mine.is_empty() {
            let mut merged = mine.with_extra(cached.items(kind));
            if kind == CatalogKind::Stages {
                merged.sort_by_key(|s| s.order.unwrap_or(i64::MAX));
            }
            *cached.list_mut(kind) = merged;
        }
    }
    cached.merge_custom_fields(own.custom_fields);
    cached
}

/// The cached catalog with the profile's own entries over it, if one is cached.
#[must_use]
pub fn cached(data_dir: &Path, profile: &Profile) -> Option<Catalog> {
    catalog_cache::load(data_dir, &profile.name).map(|c| with_profile(c, profile))
}

/// What rolo knows without asking the server: the cache if there is one, else only the
/// profile's own entries.
#[must_use]
pub fn local(data_dir: &Path, profile: &Profile) -> Catalog {
    cached(data_dir, profile).unwrap_or_else(|| from_profile(profile))
}

/// A catalog as a face receives it: the entries, the last rate-limit figures seen, the
/// parts that could not be fetched, and whether it could be cached.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The merged catalog.
    pub catalog: Catalog,
    /// The last rate-limit figures seen while fetching.
    pub rate: Option<RateLimit>,
    /// One line per part that could not be fetched (the rest is usable).
    pub unfetched: Vec<String>,
    /// Why the catalog could not be written to the cache, if it could not.
    pub cache_error: Option<String>,
}

impl Fetched {
    /// A catalog read from the cache: nothing fetched, nothing to write.
    #[must_use]
    pub fn cached(catalog: Catalog) -> Self {
        Self {
            catalog,
            rate: None,
            unfetched: Vec::new(),
            cache_error: None,
        }
    }

    /// Every warning, worded for the user.
    #[must_use]
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .unfetched
            .iter()
            .map(|w| format!("could not fetch {w}"))
            .collect();
        out.extend(
            self.cache_error
                .iter()
                .map(|e| format!("cannot cache the catalog: {e}")),
        );
        out
    }
}

/// Fetches what the API can tell, merged over `base`, and caches it.
pub async fn refresh(client: &Client, data_dir: &Path, profile: &str, base: Catalog) -> Fetched {
    let refreshed = fetch::refresh(client, base).await;
    let cache_error = catalog_cache::save(data_dir, profile, &refreshed.catalog)
        .err()
        .map(|e| e.to_string());
    Fetched {
        catalog: refreshed.catalog,
        rate: refreshed.rate,
        unfetched: refreshed.warnings,
        cache_error,
    }
}

/// Learns what a Wipsy echo tells (stages, tags, custom fields) and caches the catalog
/// when it changed: Wipsy cannot list its catalog, so created contacts teach it.
/// Returns why the cache could not be written, if it could not.
pub fn learn(
    catalog: &mut Catalog,
    flavour: Flavour,
    echoes: &[serde_json::Value],
    data_dir: &Path,
    profile: &str,
) -> Option<String> {
    if flavour.caps().lists_catalogs || echoes.is_empty() {
        return None;
    }
    let before = catalog.clone();
    harvest(catalog, flavour, echoes);
    if *catalog == before {
        return None;
    }
    catalog_cache::save(data_dir, profile, catalog)
        .err()
        .map(|e| e.to_string())
}

/// The catalog as it was cached, without the profile's entries (what `rolo catalog
/// show` prints).
#[must_use]
pub fn saved(data_dir: &Path, profile: &str) -> Option<Catalog> {
    catalog_cache::load(data_dir, profile)
}

/// Learns what contacts as the server echoed them tell about a catalog the API cannot
/// list (Wipsy stages, tags, custom fields, recent contacts), without caching it.
pub fn harvest(catalog: &mut Catalog, flavour: Flavour, echoes: &[serde_json::Value]) {
    crate::api::harvest(flavour, catalog, echoes);
}
