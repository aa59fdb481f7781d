//! The catalog a profile starts with: what its configuration declares (what the API
//! cannot list), merged over the cached catalog when there is one.

use crate::config::Profile;
use crate::contact::{Catalog, CatalogKind, Flavour};

/// The entries a profile's configuration provides (what the API cannot list).
#[must_use]
pub fn from_profile(profile: &Profile) -> Catalog {
    let mut c = Catalog::default();
    c.merge_items(CatalogKind::Tags, profile.tags.clone());
    c.merge_items(CatalogKind::Stages, profile.stages.clone());
    c.merge_items(CatalogKind::Assignees, profile.assignees.clone());
    if profile.api == Flavour::Whatsmark {
        // The profile's list replaces the bundled one (a tenant may use other ids).
        let countries = if profile.countries.is_empty() {
            crate::contact::countries::bundled()
        } else {
            profile.countries.clone()
        };
        c.merge_items(CatalogKind::Countries, countries);
    }
    c.merge_custom_fields(profile.custom_fields.clone());
    c
}

/// A cached catalog with the profile's own entries merged over it: the config may have
/// gained tags, stages or custom fields since the cache was written.
#[must_use]
pub fn with_profile(mut cached: Catalog, profile: &Profile) -> Catalog {
    let own = from_profile(profile);
    for kind in [
        CatalogKind::Tags,
        CatalogKind::Stages,
        CatalogKind::Assignees,
        CatalogKind::Countries,
    ] {
        cached.merge_items(kind, own.items(kind).to_vec());
    }
    cached.merge_custom_fields(own.custom_fields);
    cached
}
