//! Fetching catalogs: WhatsMark sources, statuses and groups to the last page, plus the
//! tenant and its usage; Wipsy stages, tags and field definitions harvested from recent
//! contacts, merged over the catalog the caller already has.

use serde_json::Value;

use super::{Client, Outcome, RateLimit, unwrap_data};
use crate::contact::catalog::{Item, Tenant, Usage};
use crate::contact::{Catalog, CatalogKind};

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
    /// Why nothing answered, when no request got an answer (refused, timed out, DNS…):
    /// the server cannot be reached, as opposed to parts of it failing.
    pub unreachable: Option<String>,
    /// The server refused the key (401/403) for some part: nothing fetched with it can
    /// be trusted to be the tenant's, and the face reports it as the key's fault.
    pub refused: Option<Outcome>,
    /// Whether any part was fetched.
    pub fetched: bool,
    /// Whether any request got an answer (even a refusal).
    answered: bool,
}

impl Refreshed {
    /// Notes a failed part: its warning, and whether the server answered at all.
    pub(super) fn failed(&mut self, part: &str, o: &Outcome) {
        self.warnings.push(format!("{part}: {}", o.summary()));
        // The key itself refused (wrong, revoked, expired, from the wrong address): the
        // create would be refused too. A missing scope for a list is not: a token may
        // write contacts without reading sources.
        let key_refused = matches!(o, Outcome::Auth { problem, .. }
            if !matches!(problem, super::AuthProblem::Scope(_)));
        if key_refused && self.refused.is_none() {
            self.refused = Some(o.clone());
        }
        if matches!(o, Outcome::Network { .. }) {
            self.unreachable.get_or_insert_with(|| o.summary());
        } else {
            self.answered = true;
        }
    }
}

/// Fetches everything the API can tell and merges it over `base`.
pub async fn refresh(client: &Client, base: Catalog) -> Refreshed {
    let mut out = Refreshed {
        catalog: base,
        warnings: Vec::new(),
        rate: None,
        unreachable: None,
        refused: None,
        fetched: false,
        answered: false,
    };
    (super::dialect::dialect(client.flavour()).refresh)(client, &mut out).await;
    if out.answered || out.warnings.is_empty() {
        out.unreachable = None;
    }
    // A catalog is only as fresh as its least fresh part.
    if out.warnings.is_empty() {
        out.catalog.fetched_at = Some(jiff::Timestamp::now().to_string());
    }
    out
}

pub(super) async fn refresh_wipsy(client: &Client, out: &mut Refreshed) {
    let (result, rate) = client.get("/api-get-contacts?limit=500").await;
    out.rate = rate.or(out.rate);
    match result {
        Ok(json) => {
            let contacts = unwrap_data(&json).as_array().cloned().unwrap_or_default();
            super::wipsy::harvest(&mut out.catalog, &contacts);
            out.fetched = true;
        }
        Err(o) => out.failed("recent contacts", &o),
    }
}

pub(super) async fn refresh_whatsmark(client: &Client, out: &mut Refreshed) {
    for (resource, kind) in [
        ("sources", CatalogKind::Sources),
        ("statuses", CatalogKind::Statuses),
        ("groups", CatalogKind::Groups),
    ] {
        match all_pages(client, resource, &mut out.rate).await {
            // The server's list replaces the old one: entries deleted there go away here.
            Ok(items) => {
                *out.catalog.list_mut(kind) = items.into();
                out.fetched = true;
            }
            Err(o) => out.failed(resource, &o),
        }
    }
    let (account, rate) = client.get("/account").await;
    out.rate = rate.or(out.rate);
    match account {
        Ok(json) => {
            out.fetched = true;
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
        Err(o) => out.failed("account", &o),
    }
    match usage(client, &mut out.rate).await {
        Ok(u) => {
            out.catalog.usage = Some(u);
            out.fetched = true;
        }
        Err(o) => out.failed("usage", &o),
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
