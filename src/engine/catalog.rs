//! The catalog a profile starts with: what its configuration declares (what the API
//! cannot list), merged over the cached catalog when there is one.

use std::path::Path;

use crate::api::catalog as fetch;
use crate::api::{Client, RateLimit};
use crate::config::Profile;
use crate::contact::{Catalog, CatalogKind, Flavour};
use crate::store::catalog_cache::{self, Cached};

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

/// The lists a profile may declare in its config (custom fields are merged apart).
const DECLARABLE: [CatalogKind; 4] = [
    CatalogKind::Tags,
    CatalogKind::Stages,
    CatalogKind::Assignees,
    CatalogKind::Countries,
];

/// A cached catalog with the profile's own entries over it: the config may have gained
/// tags, stages or custom fields since the cache was written. What the profile declares
/// comes first and wins; what only the cache knows (tags the server named that the
/// profile does not declare) follows. The profile's list is shared, never copied.
#[must_use]
pub fn with_profile(mut cached: Catalog, profile: &Profile) -> Catalog {
    let own = from_profile(profile);
    for kind in DECLARABLE {
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

/// What rolo knows of a profile's catalog without asking the server.
#[derive(Debug, Clone)]
pub struct Local {
    /// The cache (when there is a good one) with the profile's own entries over it.
    pub catalog: Catalog,
    /// Whether a good cache was found.
    pub found: bool,
    /// Why the cache could not be used, when there was one: it is ignored and the next
    /// refresh writes a good one.
    pub notice: Option<String>,
}

/// What rolo knows without asking the server: the cache if there is a good one, else
/// only the profile's own entries.
#[must_use]
pub fn local(data_dir: &Path, profile: &Profile) -> Local {
    match catalog_cache::load(data_dir, &profile.name) {
        Cached::Found(c) => Local {
            catalog: with_profile(*c, profile),
            found: true,
            notice: None,
        },
        Cached::Missing => declared(profile),
        Cached::Unusable(why) => Local {
            catalog: from_profile(profile),
            found: false,
            notice: Some(format!(
                "the cached catalog of {} was not used ({why}); the next refresh rebuilds it",
                profile.name
            )),
        },
    }
}

/// A cache above this size is read after the first frame (it holds a big tenant's
/// catalog); below it, reading it is quicker than a frame and the form opens complete.
pub const BIG_CACHE: u64 = 64 * 1024;

/// Whether the profile's catalog cache is big enough to be read off the UI's first
/// frame (see [`BIG_CACHE`]).
#[must_use]
pub fn cache_is_big(data_dir: &Path, profile: &Profile) -> bool {
    std::fs::metadata(catalog_cache::path(data_dir, &profile.name))
        .is_ok_and(|m| m.len() > BIG_CACHE)
}

/// What rolo knows of a profile before its cache is read: its own entries only.
#[must_use]
pub fn declared(profile: &Profile) -> Local {
    Local {
        catalog: from_profile(profile),
        found: false,
        notice: None,
    }
}

/// What of `catalog` the cache keeps: what the server told that the profile does not
/// declare (its declared lists are read from the config at every start).
#[must_use]
pub fn server_part(catalog: &Catalog, profile: &Profile) -> Catalog {
    let own = from_profile(profile);
    let mut out = catalog.clone();
    for kind in DECLARABLE {
        let mine = own.items(kind);
        if !mine.is_empty() {
            *out.list_mut(kind) = catalog.items(kind).beyond(mine);
        }
    }
    out.custom_fields
        .retain(|d| !own.custom_fields.iter().any(|o| o == d));
    out
}

/// Saves what the cache keeps of `catalog`, off the async threads (a big catalog takes a
/// moment to write, and nothing waits for it).
async fn save(data_dir: &Path, profile: &Profile, catalog: &Catalog) -> Option<String> {
    let (dir, profile, catalog) = (data_dir.to_path_buf(), profile.clone(), catalog.clone());
    let saved = tokio::task::spawn_blocking(move || {
        catalog_cache::save(&dir, &profile.name, &server_part(&catalog, &profile))
    })
    .await;
    match saved {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(e) => Some(e.to_string()),
    }
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
    /// Why the cache on disk was not used, if it was not.
    pub notice: Option<String>,
    /// Why the server could not be reached at all, when no request got an answer.
    pub unreachable: Option<String>,
    /// The server refused the key while fetching: the catalog is not the tenant's, and
    /// nothing can be sent with this key either (a face reports it, exit 4).
    pub refused: Option<crate::api::Outcome>,
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
            notice: None,
            unreachable: None,
            refused: None,
        }
    }

    /// Every warning, worded for the user.
    #[must_use]
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self.notice.iter().cloned().collect();
        out.extend(
            self.unfetched
                .iter()
                .map(|w| format!("could not fetch {w}")),
        );
        out.extend(
            self.cache_error
                .iter()
                .map(|e| format!("cannot cache the catalog: {e}")),
        );
        out
    }
}

/// Fetches what the API can tell, merged over `base`, and caches it.
pub async fn refresh(
    client: &Client,
    data_dir: &Path,
    profile: &Profile,
    base: Catalog,
) -> Fetched {
    let started = std::time::Instant::now();
    let refreshed = fetch::refresh(client, base).await;
    // A failed fetch never replaces a cache: nothing answered, nothing was fetched, or
    // the key was refused (what came back is not the tenant's). An empty cache would
    // later pass for a catalog and refuse every name ("known: ") with the right key.
    let failed = refreshed.unreachable.is_some() || refreshed.refused.is_some();
    let cache_error = if failed || !(refreshed.fetched || refreshed.warnings.is_empty()) {
        None
    } else {
        save(data_dir, profile, &refreshed.catalog).await
    };
    tracing::info!(
        target: "rolo::catalog",
        "refreshed {} in {} ms: {} tags, {} stages, {} custom fields; {} not fetched{}",
        profile.name,
        started.elapsed().as_millis(),
        refreshed.catalog.tags.len(),
        refreshed.catalog.stages.len(),
        refreshed.catalog.custom_fields.len(),
        refreshed.warnings.len(),
        cache_error
            .as_deref()
            .map_or_else(String::new, |e| format!("; cache not written: {e}")),
    );
    Fetched {
        catalog: refreshed.catalog,
        rate: refreshed.rate,
        unfetched: refreshed.warnings,
        cache_error,
        notice: None,
        unreachable: refreshed.unreachable,
        refused: refreshed.refused,
    }
}

/// Learns what a Wipsy echo tells (stages, tags, custom fields) and caches it when it
/// taught something: Wipsy cannot list its catalog, so created contacts teach it.
/// Returns why the cache could not be written, if it could not.
///
/// The echoes are learned into the cache as it is on disk, not written from `catalog`:
/// several copies of one profile's catalog learn at once (the form's, the automatic
/// outbox's, another rolo's), and a copy taken before another one cached what it
/// learned would write that knowledge away. Without a usable cache, `catalog` is it.
pub fn learn(
    catalog: &mut Catalog,
    echoes: &[serde_json::Value],
    data_dir: &Path,
    profile: &Profile,
) -> Option<String> {
    let flavour = profile.api;
    if flavour.caps().lists_catalogs || echoes.is_empty() {
        return None;
    }
    let before = catalog.clone();
    harvest(catalog, flavour, echoes);
    if *catalog == before {
        return None;
    }
    let cached = match catalog_cache::load(data_dir, &profile.name) {
        Cached::Found(mut on_disk) => {
            harvest(&mut on_disk, flavour, echoes);
            *on_disk
        }
        Cached::Missing | Cached::Unusable(_) => server_part(catalog, profile),
    };
    catalog_cache::save(data_dir, &profile.name, &cached)
        .err()
        .map(|e| e.to_string())
}

/// Whether a profile has a catalog cached (good or not).
#[must_use]
pub fn is_cached(data_dir: &Path, profile: &str) -> bool {
    !matches!(catalog_cache::load(data_dir, profile), Cached::Missing)
}

/// Learns what contacts as the server echoed them tell about a catalog the API cannot
/// list (Wipsy stages, tags, custom fields, recent contacts), without caching it.
pub fn harvest(catalog: &mut Catalog, flavour: Flavour, echoes: &[serde_json::Value]) {
    crate::api::harvest(flavour, catalog, echoes);
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::*;

    fn echo(tag: &str) -> serde_json::Value {
        json!({"id": format!("c-{tag}"), "name": "Ana", "phone": "+573001112233",
               "tags": [{"id": tag, "name": tag, "color": "#22AA66"}]})
    }

    /// Two copies of one catalog learn at once (the form's and the automatic outbox's):
    /// the cache keeps what both learned. Before, each wrote its own copy over the other's.
    #[test]
    fn copies_learning_at_once_keep_what_each_learned() {
        let text = "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n";
        let config = crate::config::Config::parse(text, Path::new("c.toml")).unwrap();
        let profile = &config.profiles[0];
        let dir = tempfile::tempdir().unwrap();
        let (mut form, mut outbox) = (Catalog::default(), Catalog::default());
        assert_eq!(
            learn(&mut form, &[echo("t-form")], dir.path(), profile),
            None
        );
        assert_eq!(
            learn(&mut outbox, &[echo("t-outbox")], dir.path(), profile),
            None
        );
        let Cached::Found(cached) = catalog_cache::load(dir.path(), "w") else {
            panic!("no cache");
        };
        let ids: Vec<&str> = cached.tags.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["t-form", "t-outbox"]);
    }
}
