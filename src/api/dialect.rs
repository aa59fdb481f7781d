//! What each CRM's API does its own way, as data and plain functions: each client
//! module gives one [`Dialect`], and [`dialect`] is the one place that lists them. The
//! shared client (`super::Client`) asks its dialect, never a flavour by name.

use std::future::Future;
use std::pin::Pin;

use reqwest::StatusCode;
use serde_json::Value;

use super::refreshed::Refreshed;
use super::{Client, Outcome, chatwoot, unwrap_data, whatsmark, wipsy};
use crate::contact::duplicates::Known;
use crate::contact::{Catalog, Flavour};

/// A catalog refresh: fetches what the API lists into the [`Refreshed`] it is given.
pub type Refresh =
    for<'a> fn(&'a Client, &'a mut Refreshed) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// One API's paths and readings.
pub struct Dialect {
    /// The path a create is sent to.
    pub create: &'static str,
    /// A create's answer, given the catalog (to place free-text errors) and the body sent.
    pub create_outcome: fn(StatusCode, &Value, &Catalog, &Value) -> Outcome,
    /// Any other answer.
    pub outcome: fn(StatusCode, &Value, &Catalog) -> Outcome,
    /// The path of one page of a search for a term (`None`: the API cannot search).
    pub search: Option<fn(&str, u32) -> String>,
    /// The contacts of a search page.
    pub listed: fn(&Value) -> Vec<Value>,
    /// Contacts a full search page holds (0: one page is all there is).
    pub page: usize,
    /// A listed contact as the duplicate check and Find show it.
    pub known: fn(&Value) -> Known,
    /// The path that reads one contact.
    pub contact: fn(&str) -> String,
    /// The contact (or list holding it) in a read's answer.
    pub one: fn(&Value) -> &Value,
    /// The path listing the most recent contacts, for an API that cannot search.
    pub recent: Option<&'static str>,
    /// What contacts, as listed or echoed, teach about catalogs the API cannot list.
    pub harvest: fn(&mut Catalog, &[Value]),
    /// Labels are set by a call of their own after the contact exists (and read apart),
    /// at `/contacts/{id}/labels`.
    pub labels_apart: bool,
    /// The labels a labels call answered with.
    pub labels_listed: fn(&Value) -> Option<Vec<Value>>,
    /// Fetches the catalogs the API lists.
    pub refresh: Refresh,
}

/// The dialect of `flavour`: the registration of every client module.
#[must_use]
pub fn dialect(flavour: Flavour) -> &'static Dialect {
    match flavour {
        Flavour::Wipsy => &WIPSY,
        Flavour::Whatsmark => &WHATSMARK,
        Flavour::Chatwoot => &CHATWOOT,
    }
}

fn nothing(_: &mut Catalog, _: &[Value]) {}

fn no_list(_: &Value) -> Vec<Value> {
    Vec::new()
}

static WIPSY: Dialect = Dialect {
    create: "/api-create-contact",
    create_outcome: |status, json, catalog, _| wipsy::create_outcome(status, json, catalog),
    outcome: wipsy::create_outcome,
    search: None,
    listed: no_list,
    page: 0,
    known: whatsmark::known,
    contact: |id| {
        format!(
            "/api-get-contacts?{}",
            serde_urlencoded::to_string([("contactId", id)]).unwrap_or_default()
        )
    },
    one: unwrap_data,
    recent: Some("/api-get-contacts?limit=500"),
    harvest: wipsy::harvest,
    labels_apart: false,
    labels_listed: |_| None,
    refresh: |client, out| Box::pin(wipsy::refresh(client, out)),
};

static WHATSMARK: Dialect = Dialect {
    create: "/contacts",
    create_outcome: |status, json, _, _| whatsmark::outcome(status, json),
    outcome: |status, json, _| whatsmark::outcome(status, json),
    search: Some(|term, _| {
        let query =
            serde_urlencoded::to_string([("search", term), ("per_page", "50")]).unwrap_or_default();
        format!("/contacts?{query}")
    }),
    listed: |json| {
        json.get("data")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    },
    // One page: 50 contacts with one phone or one email are more than a check shows.
    page: 0,
    known: whatsmark::known,
    contact: |id| format!("/contacts/{id}?include=groups"),
    one: unwrap_data,
    recent: None,
    // Its catalogs are listed; its contacts teach nothing more.
    harvest: nothing,
    labels_apart: false,
    labels_listed: |_| None,
    refresh: |client, out| Box::pin(whatsmark::refresh(client, out)),
};

static CHATWOOT: Dialect = Dialect {
    create: "/contacts",
    create_outcome: |status, json, _, body| chatwoot::create_outcome(status, json, body),
    outcome: |status, json, _| chatwoot::outcome(status, json),
    search: Some(chatwoot::search_path),
    listed: chatwoot::listed,
    page: chatwoot::SEARCH_PAGE,
    known: chatwoot::known,
    contact: |id| format!("/contacts/{id}"),
    one: |json| json.get("payload").unwrap_or(json),
    recent: None,
    harvest: chatwoot::harvest,
    labels_apart: true,
    labels_listed: chatwoot::labels_of,
    refresh: |client, out| Box::pin(chatwoot::refresh(client, out)),
};
