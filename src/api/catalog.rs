//! Fetching catalogs: each API's own refresh (in its client module, through its dialect)
//! merged over the catalog the caller already has, and stamped when every part came.

use super::Client;
use crate::contact::Catalog;

pub use super::refreshed::Refreshed;
pub use super::whatsmark::usage;

/// Fetches everything the API can tell and merges it over `base`.
pub async fn refresh(client: &Client, base: Catalog) -> Refreshed {
    let mut out = Refreshed::new(base);
    (super::dialect::dialect(client.flavour()).refresh)(client, &mut out).await;
    if out.answered() || out.warnings.is_empty() {
        out.unreachable = None;
    }
    // A catalog is only as fresh as its least fresh part.
    if out.warnings.is_empty() {
        out.catalog.fetched_at = Some(jiff::Timestamp::now().to_string());
    }
    out
}
