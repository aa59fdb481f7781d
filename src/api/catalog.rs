//! Fetching catalogs: WhatsMark sources, statuses and groups to the last page, plus the
//! tenant and its usage; Wipsy stages, tags and field definitions harvested from recent
//! contacts. Either way the profile's own entries come first.

use serde_json::Value;

use super::{Client, Outcome, RateLimit, unwrap_data};
use crate::config::Profile;
use crate::contact::catalog::{Item, Tenant, Usage};
use crate::contact::{Catalog, CatalogKind, Flavour};

/// Pages followed at most per list, so a server that always says `has_more` cannot loop us.
const MAX_PAGES: u32 = 1000;

/// A refreshed catalog and what could not be fetched.
#[derive(Debug, Clone)]
pub struct Refreshed {
    /// The merged catalog, stamped with the time.
    pub catalog: Catalog,
    /// One line per part that failed (the rest is still usable).
    pub warnings: Vec<String>,
    /// The last rate-limit figures seen.
    pub rate: Option<RateLimit>,
}

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

/// Fetches everything the API can tell and merges it over `base`.
pub async fn refresh(client: &Client, base: Catalog) -> Refreshed {
    let mut out = Refreshed {
        catalog: base,
        warnings: Vec::new(),
        rate: None,
    };
    match client.flavour() {
        Flavour::Wipsy => refresh_wipsy(client, &mut out).await,
        Flavour::Whatsmark => refresh_whatsmark(client, &mut out).await,
    }
    // A catalog is only as fresh as its least fresh part.
    if out.warnings.is_empty() {
        out.catalog.fetched_at = Some(jiff::Timestamp::now().to_string());
    }
    out
}

async fn refresh_wipsy(client: &Client, out: &mut Refreshed) {
    let (result, rate) = client.get("/api-get-contacts?limit=500").await;
    out.rate = rate.or(out.rate);
    match result {
        Ok(json) => {
            let contacts = unwrap_data(&json).as_array().cloned().unwrap_or_default();
            super::wipsy::harvest(&mut out.catalog, &contacts);
        }
        Err(o) => out
            .warnings
            .push(format!("recent contacts: {}", describe(&o))),
    }
}

async fn refresh_whatsmark(client: &Client, out: &mut Refreshed) {
    for (resource, kind) in [
        ("sources", CatalogKind::Sources),
        ("statuses", CatalogKind::Statuses),
        ("groups", CatalogKind::Groups),
    ] {
        match all_pages(client, resource, &mut out.rate).await {
            // The server's list replaces the old one: entries deleted there go away here.
            Ok(items) => *out.catalog.items_mut(kind) = items,
            Err(o) => out.warnings.push(format!("{resource}: {}", describe(&o))),
        }
    }
    let (account, rate) = client.get("/account").await;
    out.rate = rate.or(out.rate);
    match account {
        Ok(json) => {
            let data = unwrap_data(&json);
            out.catalog.tenant = Some(Tenant {
                name: data
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                plan: data
                    .pointer("/subscription/plan_name")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            });
        }
        Err(o) => out.warnings.push(format!("account: {}", describe(&o))),
    }
    match usage(client, &mut out.rate).await {
        Ok(u) => out.catalog.usage = Some(u),
        Err(o) => out.warnings.push(format!("usage: {}", describe(&o))),
    }
}

/// Contacts used against the plan (`GET /account/usage`).
pub async fn usage(client: &Client, rate: &mut Option<RateLimit>) -> Result<Usage, Outcome> {
    let (result, r) = client.get("/account/usage").await;
    *rate = r.or(*rate);
    let json = result?;
    let contacts = unwrap_data(&json)
        .get("contacts")
        .cloned()
        .unwrap_or(Value::Null);
    let unlimited = contacts
        .get("is_unlimited")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(Usage {
        current: contacts.get("current").and_then(Value::as_i64).unwrap_or(0),
        limit: contacts
            .get("limit")
            .and_then(Value::as_i64)
            .filter(|l| !unlimited && *l >= 0),
    })
}

async fn all_pages(
    client: &Client,
    resource: &str,
    rate: &mut Option<RateLimit>,
) -> Result<Vec<Item>, Outcome> {
    let mut items = Vec::new();
    for page in 1..=MAX_PAGES {
        let (result, r) = client.get(&format!("/{resource}?page={page}")).await;
        *rate = r.or(*rate);
        let json = result?;
        let data = json
            .get("data")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        items.extend(data.iter().filter_map(named_item));
        let more = json
            .pointer("/meta/pagination/has_more")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !more || data.is_empty() {
            break;
        }
    }
    Ok(items)
}

fn named_item(v: &Value) -> Option<Item> {
    let id = match v.get("id")? {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    Some(Item {
        id,
        name: v.get("name")?.as_str()?.to_owned(),
        color: v.get("color").and_then(Value::as_str).map(str::to_owned),
        ..Item::default()
    })
}

/// One line about a failed fetch.
#[must_use]
pub fn describe(o: &Outcome) -> String {
    match o {
        Outcome::QuotaExceeded {
            current,
            maximum,
            details,
        } => {
            let figures = match (current, maximum) {
                (Some(c), Some(m)) => format!(" ({c} of {m})"),
                _ => String::new(),
            };
            format!("the plan's contact quota is spent{figures}: {details}")
        }
        Outcome::Auth { message, .. }
        | Outcome::ServerError { message, .. }
        | Outcome::Network { message, .. }
        | Outcome::RateLimited { message, .. } => message.clone(),
        Outcome::Undecodable { status, excerpt } => {
            format!("unreadable answer (HTTP {status}): {excerpt}")
        }
        Outcome::Redirected { to } => format!("redirected to {to}; not followed"),
        other => format!("{other:?}"),
    }
}
