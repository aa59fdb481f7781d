//! API clients for every flavour: one HTTP client per profile, every answer mapped to one
//! [`Outcome`] by the flavour's client module (through its dialect, `api/dialect.rs`), and the
//! rate-limit headers read off every answer that has them (WhatsMark's).
//!
//! The key goes only to the profile's own origin: redirects that leave it are not followed
//! (Wipsy's `x-api-key` is a custom header that HTTP clients do not strip on redirect).

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;
use url::Url;

use crate::contact::duplicates::{self, Known};
use crate::contact::flavour::KeyHeader;
use crate::contact::{Catalog, Flavour, Role};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::Map;

pub mod body;
pub mod catalog;
pub mod chatwoot;
mod dialect;
mod network;
mod refreshed;
pub mod whatsmark;
pub mod wipsy;

use dialect::{Dialect, dialect};

pub use network::NetworkKind;

/// The User-Agent rolo sends, with its version.
pub const USER_AGENT: &str = concat!("rolo/", env!("CARGO_PKG_VERSION"));

/// What the server's `X-RateLimit-*` headers said (WhatsMark).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RateLimit {
    /// Requests allowed per window; `None` is unlimited.
    pub limit: Option<u32>,
    /// Requests left in the window.
    pub remaining: Option<i64>,
    /// Unix second at which the window resets.
    pub reset: Option<i64>,
    /// Window length in seconds.
    pub window: Option<u32>,
}

impl RateLimit {
    /// Reads the headers; `None` when the answer carried none.
    #[must_use]
    pub fn from_headers(h: &HeaderMap) -> Option<Self> {
        let text = |name: &str| h.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
        let limit_text = text("x-ratelimit-limit")?;
        Some(Self {
            limit: limit_text.parse().ok(),
            remaining: text("x-ratelimit-remaining").and_then(|v| v.parse().ok()),
            reset: text("x-ratelimit-reset").and_then(|v| v.parse().ok()),
            window: text("x-ratelimit-window").and_then(|v| v.parse().ok()),
        })
    }
}

/// Which kind of credential problem the server reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthProblem {
    /// No key or token reached the server.
    Missing,
    /// The key or token is wrong.
    Invalid,
    /// The token was revoked.
    Revoked,
    /// The token expired.
    Expired,
    /// The token lacks a scope.
    Scope(String),
    /// The token may not be used from this address.
    IpNotWhitelisted,
    /// The account the profile names is not there for this token (Chatwoot's 404 on
    /// `/accounts/{id}/...`): a wrong `account_id`, not a failure that may pass.
    NoAccount,
}

/// Every way a create (or any call) can end.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The contact exists now.
    Created {
        /// The server's id for it.
        id: String,
        /// The contact as the server echoed it.
        echo: Value,
    },
    /// The server refused values: messages per field, and ones that name no field.
    FieldErrors {
        /// Field key (or `custom.<id>`) → messages.
        fields: BTreeMap<String, Vec<String>>,
        /// Messages for the whole form.
        form: Vec<String>,
    },
    /// The plan's contact quota is spent.
    QuotaExceeded {
        /// Contacts counted, when the server said.
        current: Option<i64>,
        /// The limit, when the server said.
        maximum: Option<i64>,
        /// The server's words.
        details: String,
    },
    /// Too many requests; try again after `retry_after` seconds.
    RateLimited {
        /// Seconds to wait, when the server said.
        retry_after: Option<u64>,
        /// The server's words.
        message: String,
    },
    /// The credential was refused.
    Auth {
        /// What is wrong with it.
        problem: AuthProblem,
        /// The server's words.
        message: String,
    },
    /// The server failed (5xx) or answered with a status rolo does not expect.
    ServerError {
        /// HTTP status.
        status: u16,
        /// The server's words.
        message: String,
    },
    /// The request did not get an answer.
    Network {
        /// Refused, timeout, DNS, TLS, reset...
        kind: NetworkKind,
        /// A specific description.
        message: String,
    },
    /// An answer came but could not be read.
    Undecodable {
        /// HTTP status.
        status: u16,
        /// The first characters of the body.
        excerpt: String,
    },
    /// The server redirected to another origin; rolo did not follow, so the key stayed home.
    Redirected {
        /// Where it wanted to send the request (origin only).
        to: String,
    },
    /// The contact asked for (a read or an update by id) is not on the server.
    NotFound {
        /// The server's words.
        message: String,
    },
}

impl Outcome {
    /// The outcome in one line (the server's words where it gave some), for warnings,
    /// outbox reasons and the engine's wording.
    #[must_use]
    pub fn summary(&self) -> String {
        match self {
            Self::QuotaExceeded {
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
            Self::Auth { message, .. }
            | Self::ServerError { message, .. }
            | Self::Network { message, .. }
            | Self::RateLimited { message, .. }
            | Self::NotFound { message } => message.clone(),
            Self::Undecodable { status, excerpt } => {
                format!("unreadable answer (HTTP {status}): {excerpt}")
            }
            Self::Redirected { to } => format!("redirected to {to}; not followed"),
            other => format!("{other:?}"),
        }
    }

    /// Whether trying again later may succeed without changing the contact.
    #[must_use]
    pub fn may_pass(&self) -> bool {
        matches!(
            self,
            Self::Network { .. }
                | Self::RateLimited { .. }
                | Self::ServerError { .. }
                | Self::Undecodable { .. }
                // A server may store the contact and then redirect (a proxy, a moved
                // API): kept, so it is neither lost nor sent twice unseen.
                | Self::Redirected { .. }
        )
    }
}

/// An answer and the rate figures that came with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// What happened.
    pub outcome: Outcome,
    /// The rate-limit headers, when present.
    pub rate: Option<RateLimit>,
    /// After [`Outcome::Created`] from an API that takes a contact in two calls (Chatwoot:
    /// the contact, then its labels): the part of the body the second call could not
    /// set, with why. The contact exists; this part is to be sent as an update of it.
    pub unsent: Option<(Value, Outcome)>,
}

impl Answer {
    /// An answer with no rate figures and nothing left unsent.
    #[must_use]
    pub fn of(outcome: Outcome) -> Self {
        Self {
            outcome,
            rate: None,
            unsent: None,
        }
    }
}

/// What a lookup found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Searched {
    /// The matching contacts, as the server listed them.
    pub contacts: Vec<Known>,
    /// Set when only the most recent contacts could be looked through (Wipsy cannot
    /// search): how many were.
    pub only_recent: Option<usize>,
}

/// The id of a listed contact as text (a number or a string).
fn c_id(c: &Value) -> String {
    match c.get("id") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// An id that cannot go into a path: refused before anything is sent.
fn not_an_id(id: &str) -> Outcome {
    Outcome::NotFound {
        message: format!("{:?} is not a contact id", crate::text::inert(id)),
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The HTTP stack refused its settings (TLS roots, for example).
    #[error("cannot set up HTTPS: {0}")]
    Http(String),
    /// The key has characters a header cannot carry.
    #[error("the API key contains characters that cannot be sent in a header")]
    BadKey,
}

/// One profile's connection to its CRM.
#[derive(Debug, Clone)]
pub struct Client {
    flavour: Flavour,
    base: Url,
    http: reqwest::Client,
    /// The last lookup's server listing (see [`Client::search`]), shared by the clones.
    searched: std::sync::Arc<std::sync::Mutex<Option<Searching>>>,
}

/// A lookup's server term, when it was asked, and what the server listed for it.
#[derive(Debug)]
struct Searching {
    term: String,
    at: std::time::Instant,
    listed: Vec<Known>,
}

/// How long a lookup's server listing answers the same term again: long enough for the
/// letters typed and taken back around one word, short enough that a contact created
/// elsewhere shows soon. A write through this client forgets it at once.
const SEARCH_MEMORY: Duration = Duration::from_secs(15);

/// How a client is set up.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Which API.
    pub flavour: Flavour,
    /// The base URL (`.../wipsy`, `.../api/v2`).
    pub base_url: Url,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// The account every path is under (Chatwoot: `/accounts/{account_id}`).
    pub account_id: Option<u64>,
}

impl Client {
    /// Builds a client whose every request carries the key, and which follows redirects
    /// only within the base URL's origin.
    pub fn new(config: &ClientConfig, key: &SecretString) -> Result<Self, ClientError> {
        install_crypto();
        let mut headers = HeaderMap::new();
        let (name, value) = match config.flavour.spec().key_header {
            KeyHeader::Plain(name) => (name, key.expose_secret().to_owned()),
            KeyHeader::Bearer => ("authorization", format!("Bearer {}", key.expose_secret())),
        };
        let mut value = HeaderValue::from_str(&value).map_err(|_| ClientError::BadKey)?;
        value.set_sensitive(true);
        headers.insert(name, value);
        headers.insert("accept", HeaderValue::from_static("application/json"));
        let origin = config.base_url.origin();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.url().origin() == origin && attempt.previous().len() < 5 {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .redirect(policy)
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .build()
            .map_err(|e| ClientError::Http(e.to_string()))?;
        let mut base = config.base_url.clone();
        if let Some(account) = config.account_id {
            let path = format!("{}/accounts/{account}", base.path().trim_end_matches('/'));
            base.set_path(&path);
        }
        Ok(Self {
            flavour: config.flavour,
            base,
            http,
            searched: std::sync::Arc::default(),
        })
    }

    /// What this client's API does its own way.
    fn dialect(&self) -> &'static Dialect {
        dialect(self.flavour)
    }

    /// The flavour this client speaks.
    #[must_use]
    pub fn flavour(&self) -> Flavour {
        self.flavour
    }

    /// `base_url` + `path` (which starts with `/` and may carry a query).
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.as_str().trim_end_matches('/'))
    }

    /// Sends a create body; `catalog` helps place Wipsy's free-text errors on fields. An
    /// API that takes labels apart (Chatwoot) gets them by a second call once the contact
    /// exists; what that call could not set comes back in [`Answer::unsent`], never as a
    /// reason to create again.
    pub async fn create(&self, body: &Value, catalog: &Catalog) -> Answer {
        let d = self.dialect();
        let (body, labels) = if d.labels_apart {
            self.split_labels(body)
        } else {
            (body.clone(), None)
        };
        let path = d.create;
        self.forget_search();
        let sent = logged("POST", path, self.http.post(self.url(path)).json(&body)).await;
        let mut answer = self
            .read(sent, |status, json| {
                (d.create_outcome)(status, json, catalog, &body)
            })
            .await;
        let labels = labels.filter(|l| l.as_array().is_some_and(|a| !a.is_empty()));
        if let (Outcome::Created { id, echo }, Some(labels)) = (&mut answer.outcome, labels)
            && let Err(why) = self.label(id, &labels, echo).await
        {
            answer.unsent = Some((self.labels_body(labels), why));
        }
        answer
    }

    /// Sets contact `id`'s labels and puts them, as stored, in its `echo`; or why not.
    async fn label(&self, id: &str, labels: &Value, echo: &mut Value) -> Result<(), Outcome> {
        match self.set_labels(id, labels).await.outcome {
            Outcome::Created { echo: listed, .. } => {
                let listed = listed.as_array().cloned().unwrap_or_default();
                *echo = self.with_labels(echo.take(), listed);
                Ok(())
            }
            why => Err(why),
        }
    }

    /// Finishes a contact an earlier attempt created, found by looking for it: what that
    /// attempt's second call was to set (labels, on an API that sets them apart) is set
    /// now, added to what the contact holds (never taking a label away). Nothing to do
    /// elsewhere.
    pub async fn finish(&self, id: &str, body: &Value) -> Result<(), Outcome> {
        let wanted = match self.split_labels(body).1 {
            Some(Value::Array(l)) if self.dialect().labels_apart && !l.is_empty() => l,
            _ => return Ok(()),
        };
        let (contact, _) = self.contact(id).await;
        let mut contact = contact?;
        let mut held = contact
            .get(self.labels_key())
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let missing: Vec<Value> = wanted.into_iter().filter(|l| !held.contains(l)).collect();
        if missing.is_empty() {
            return Ok(());
        }
        held.extend(missing);
        self.label(id, &Value::Array(held), &mut contact).await
    }

    /// Overwrites a contact's labels (`POST .../contacts/{id}/labels`): the one list
    /// sent is the whole new list. [`Outcome::Created`] echoes the list as stored.
    async fn set_labels(&self, id: &str, labels: &Value) -> Answer {
        let path = format!("/contacts/{id}/labels");
        let body = serde_json::json!({ self.labels_key(): labels });
        let d = self.dialect();
        self.forget_search();
        let sent = logged("POST", &path, self.http.post(self.url(&path)).json(&body)).await;
        self.read(sent, |status, json| match (d.labels_listed)(json) {
            Some(list) if status.is_success() => Outcome::Created {
                id: id.to_owned(),
                echo: Value::Array(list),
            },
            _ => (d.outcome)(status, json, &Catalog::default()),
        })
        .await
    }

    /// A contact as the server lists or echoes it, read as the duplicate check and Find
    /// show it (name, phone, email, created date in RFC 3339).
    #[must_use]
    pub fn known(&self, contact: &Value) -> Known {
        (self.dialect().known)(contact)
    }

    /// The key of the labels field in a body (`labels`).
    fn labels_key(&self) -> &'static str {
        self.flavour.key(Role::Labels).unwrap_or("labels")
    }

    /// A body without its labels, and the labels it had (`None`: it sets none).
    #[must_use]
    pub fn split_labels(&self, body: &Value) -> (Value, Option<Value>) {
        let mut rest = body.as_object().cloned().unwrap_or_default();
        let labels = rest.remove(self.labels_key());
        (Value::Object(rest), labels)
    }

    /// A body that sets only these labels.
    #[must_use]
    pub fn labels_body(&self, labels: Value) -> Value {
        let mut body = Map::new();
        body.insert(self.labels_key().to_owned(), labels);
        Value::Object(body)
    }

    /// A contact with its labels put in (what a draft of it holds).
    fn with_labels(&self, mut contact: Value, labels: Vec<Value>) -> Value {
        if let Some(o) = contact.as_object_mut() {
            o.insert(self.labels_key().to_owned(), Value::Array(labels));
        }
        contact
    }

    /// The flavour's reading of an answer (`catalog` places Wipsy's free-text errors).
    fn outcome(&self, status: StatusCode, json: &Value, catalog: &Catalog) -> Outcome {
        (self.dialect().outcome)(status, json, catalog)
    }

    /// GETs `path` and returns the JSON of a 2xx answer (unwrapping `data.data`), or the
    /// outcome that explains why not.
    pub async fn get(&self, path: &str) -> (Result<Value, Outcome>, Option<RateLimit>) {
        let sent = logged("GET", path, self.http.get(self.url(path))).await;
        let answer = self
            .read(sent, |status, json| {
                if status.is_success() {
                    Outcome::Created {
                        id: String::new(),
                        echo: json.clone(),
                    }
                } else {
                    self.outcome(status, json, &Catalog::default())
                }
            })
            .await;
        let result = match answer.outcome {
            Outcome::Created { echo, .. } => Ok(echo),
            other => Err(other),
        };
        (result, answer.rate)
    }

    /// Contacts the CRM already has with this phone or email. An API that can search is
    /// searched (`WhatsMark`: `GET /contacts?search=`); otherwise `recent` (harvested
    /// from a list, see [`Client::recent`]) is looked through.
    pub async fn find_duplicates(
        &self,
        phone: Option<&str>,
        email: Option<&str>,
        recent: &[Known],
    ) -> (Result<Vec<Known>, Outcome>, Option<RateLimit>) {
        if !self.flavour.caps().search {
            return (Ok(duplicates::find(recent, phone, email)), None);
        }
        let mut found = Vec::new();
        let mut rate = None;
        for term in [phone, email]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let (result, r) = self.search_server(term).await;
            rate = r.or(rate);
            match result {
                Ok(listed) => found.extend(listed),
                Err(o) => return (Err(o), rate),
            }
        }
        (Ok(duplicates::find(&found, phone, email)), rate)
    }

    /// The contacts the server's search finds for `term`, every page of them up to
    /// [`MAX_SEARCH_PAGES`].
    async fn search_server(&self, term: &str) -> (Result<Vec<Known>, Outcome>, Option<RateLimit>) {
        let d = self.dialect();
        let Some(path_of) = d.search else {
            return (Ok(Vec::new()), None);
        };
        let mut found = Vec::new();
        let mut rate = None;
        for page in 1..=MAX_SEARCH_PAGES {
            let (result, r) = self.get(&path_of(term, page)).await;
            rate = r.or(rate);
            let listed = match result {
                Ok(json) => (d.listed)(&json),
                Err(o) => return (Err(o), rate),
            };
            let last = d.page == 0 || listed.len() < d.page;
            found.extend(listed.iter().map(d.known));
            if last {
                break;
            }
        }
        (Ok(found), rate)
    }

    /// The last lookup's listing (a poisoned lock still holds a usable one).
    fn searched(&self) -> std::sync::MutexGuard<'_, Option<Searching>> {
        self.searched
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A write changes what a search would list: the next lookup asks the server.
    fn forget_search(&self) {
        *self.searched() = None;
    }

    /// The most recent contacts, where a duplicate or a lost create would be found by an
    /// API that cannot search (Wipsy: its last 500); empty for one that can.
    pub async fn recent(&self) -> Result<Vec<Known>, Outcome> {
        let Some(path) = self.dialect().recent else {
            return Ok(Vec::new());
        };
        let (result, _) = self.get(path).await;
        let contacts = unwrap_data(&result?)
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut c = Catalog::default();
        (self.dialect().harvest)(&mut c, &contacts);
        Ok(c.recent)
    }

    /// Contacts matching `query` (a phone, a name or an email), for the form's lookup and
    /// `rolo find`. An API that can search is searched (`WhatsMark`'s `?search=`, Chatwoot's
    /// `search?q=`: a phone by its digits, a name by its longest word, then every word is
    /// matched here too); Wipsy cannot
    /// search, so its 500 most recent contacts are listed and filtered here
    /// ([`Searched::only_recent`] says so).
    pub async fn search(&self, query: &str) -> (Result<Searched, Outcome>, Option<RateLimit>) {
        if !self.flavour.caps().search {
            let listed = self.recent().await;
            let result = listed.map(|recent| Searched {
                only_recent: Some(recent.len()),
                contacts: duplicates::search(&recent, query),
            });
            return (result, None);
        }
        let term = duplicates::server_term(query);
        // Typing on in the lookup often asks the server the same term again ("jose
        // nunez" taken back letter by letter is "jose" each time): answered from the last
        // listing, so the rate limit the creates share is not spent on it.
        let remembered = self.searched().as_ref().and_then(|s| {
            (s.term == term && s.at.elapsed() < SEARCH_MEMORY).then(|| s.listed.clone())
        });
        let (result, rate) = if let Some(listed) = remembered {
            (Ok(listed), None)
        } else {
            let (result, rate) = self.search_server(&term).await;
            if let Ok(listed) = &result {
                *self.searched() = Some(Searching {
                    term,
                    at: std::time::Instant::now(),
                    listed: listed.clone(),
                });
            }
            (result, rate)
        };
        let result = result.map(|listed| Searched {
            contacts: duplicates::search(&listed, query),
            only_recent: None,
        });
        (result, rate)
    }

    /// One contact as the server holds it (`WhatsMark`: `GET /contacts/{id}` with its
    /// groups, either wrapping; Wipsy: `GET /api-get-contacts?contactId=`). A contact the
    /// server does not have is [`Outcome::NotFound`].
    pub async fn contact(&self, id: &str) -> (Result<Value, Outcome>, Option<RateLimit>) {
        if !self.path_id(id) {
            return (Err(not_an_id(id)), None);
        }
        let d = self.dialect();
        let (result, rate) = self.get(&(d.contact)(id)).await;
        let result = result.and_then(|json| {
            let data = (d.one)(&json);
            // Wipsy answers a list even for one id.
            let one = match data {
                Value::Array(items) => items.iter().find(|c| c_id(c) == id).cloned(),
                Value::Object(_) => Some(data.clone()),
                _ => None,
            };
            one.ok_or_else(|| Outcome::NotFound {
                message: format!("no contact with id {id}"),
            })
        });
        if !d.labels_apart {
            return (result, rate);
        }
        // Its labels are read apart, and are part of the contact as a draft holds it.
        let contact = match result {
            Ok(c) => c,
            Err(o) => return (Err(o), rate),
        };
        let (labels, r) = self.get(&format!("/contacts/{id}/labels")).await;
        let result = labels.map(|json| {
            let listed = (d.labels_listed)(&json).unwrap_or_default();
            self.with_labels(contact, listed)
        });
        (result, r.or(rate))
    }

    /// Sends a partial update (`PATCH /contacts/{id}`; Chatwoot's labels by their own call
    /// after it); the answer is
    /// [`Outcome::Created`] with the contact as it now is (the one success shape every
    /// face already reads), or why not. Safe to repeat: a PATCH sets, it never adds.
    pub async fn update(&self, id: &str, body: &Value) -> Answer {
        if !self.path_id(id) || !self.flavour.caps().updates {
            let outcome = if self.path_id(id) {
                Outcome::ServerError {
                    status: 405,
                    message: format!("the {} API cannot update contacts", self.flavour),
                }
            } else {
                not_an_id(id)
            };
            return Answer::of(outcome);
        }
        let d = self.dialect();
        let (fields, labels) = if d.labels_apart {
            self.split_labels(body)
        } else {
            (body.clone(), None)
        };
        let path = format!("/contacts/{id}");
        let mut answer = if d.labels_apart && fields.as_object().is_none_or(Map::is_empty) {
            // Only labels change: nothing to PATCH; the contact is read for the echo.
            let (got, rate) = self.contact(id).await;
            Answer {
                outcome: got.map_or_else(
                    |o| o,
                    |echo| Outcome::Created {
                        id: id.to_owned(),
                        echo,
                    },
                ),
                rate,
                unsent: None,
            }
        } else {
            self.forget_search();
            let sent = logged(
                "PATCH",
                &path,
                self.http.patch(self.url(&path)).json(&fields),
            )
            .await;
            self.read(sent, |status, json| {
                (d.outcome)(status, json, &Catalog::default())
            })
            .await
        };
        if let (Outcome::Created { id, echo }, Some(labels)) = (&mut answer.outcome, labels)
            && let Err(why) = self.label(&id.clone(), &labels, echo).await
        {
            // A PATCH that was taken with labels that were not: the update as a whole
            // did not happen as asked, and repeating it is safe.
            answer.outcome = why;
        }
        answer
    }

    /// Whether `id` may go in a request as it is (see [`is_contact_id`]; no spaces around).
    fn path_id(&self, id: &str) -> bool {
        id == id.trim() && is_contact_id(self.flavour, id)
    }

    /// Turns a sent request into an [`Answer`]: network failures, redirects that were
    /// not followed, bodies that are not JSON, then the flavour's own mapping.
    async fn read(
        &self,
        sent: Result<reqwest::Response, reqwest::Error>,
        map: impl FnOnce(StatusCode, &Value) -> Outcome,
    ) -> Answer {
        let resp = match sent {
            Ok(r) => r,
            Err(e) => {
                return Answer {
                    outcome: network::outcome(&e),
                    rate: None,
                    unsent: None,
                };
            }
        };
        let status = resp.status();
        let rate = RateLimit::from_headers(resp.headers());
        if status.is_redirection() {
            let to = resp
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .and_then(|l| self.base.join(l).ok())
                .map_or_else(
                    || "an unknown place".to_owned(),
                    |u| u.origin().ascii_serialization(),
                );
            return Answer {
                outcome: Outcome::Redirected { to },
                rate,
                unsent: None,
            };
        }
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let bytes = match read_capped(resp).await {
            Ok(b) => b,
            Err(Capped::Network(e)) => {
                return Answer {
                    outcome: network::outcome(&e),
                    rate,
                    unsent: None,
                };
            }
            Err(Capped::TooLarge(size)) => {
                // Unreadable, not refused: after a create the contact may exist.
                return Answer {
                    outcome: Outcome::Undecodable {
                        status: status.as_u16(),
                        excerpt: format!(
                            "the server's answer was too large ({} MiB; rolo reads {} MiB at most)",
                            size.div_ceil(1 << 20),
                            MAX_ANSWER >> 20
                        ),
                    },
                    rate,
                    unsent: None,
                };
            }
        };
        let outcome = match serde_json::from_slice::<Value>(&bytes) {
            Ok(json) => with_retry_after(map(status, &json), retry_after),
            // A proxy's HTML page in front of a failing server is a server error.
            Err(_) if status.is_server_error() => Outcome::ServerError {
                status: status.as_u16(),
                message: format!(
                    "the server answered with an error page: {}",
                    excerpt(&bytes)
                ),
            },
            // A bare 429 (Chatwoot's Rack::Attack: "Retry later", text/plain) is a rate
            // limit whatever its body says.
            Err(_) if status == StatusCode::TOO_MANY_REQUESTS => Outcome::RateLimited {
                retry_after,
                message: format!("too many requests: {}", excerpt(&bytes)),
            },
            Err(_) => Outcome::Undecodable {
                status: status.as_u16(),
                excerpt: excerpt(&bytes),
            },
        };
        Answer {
            outcome,
            rate,
            unsent: None,
        }
    }
}

/// The largest answer body rolo reads: a contact, a page of a catalog or 500 Wipsy
/// contacts are far smaller; a body past it is refused unread (a 200 MB answer took 1 GB
/// of memory).
pub const MAX_ANSWER: usize = 16 << 20;

/// Why an answer body was not read.
enum Capped {
    /// The connection failed while reading.
    Network(reqwest::Error),
    /// The body is larger than [`MAX_ANSWER`]: its size as announced, or as far as read.
    TooLarge(u64),
}

/// Reads an answer's body up to [`MAX_ANSWER`] bytes.
async fn read_capped(mut resp: reqwest::Response) -> Result<Vec<u8>, Capped> {
    let max = u64::try_from(MAX_ANSWER).unwrap_or(u64::MAX);
    if let Some(announced) = resp.content_length().filter(|&n| n > max) {
        return Err(Capped::TooLarge(announced));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(Capped::Network)? {
        if body.len() + chunk.len() > MAX_ANSWER {
            let read = u64::try_from(body.len() + chunk.len()).unwrap_or(u64::MAX);
            return Err(Capped::TooLarge(read));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Sends a request and writes one log line about it (see `engine::log`): method, path
/// (without its query, which may hold a customer's phone or email), status, duration
/// and the rate-limit headers. Never a header of the request: the key stays out of the
/// log whatever the level.
async fn logged(
    method: &str,
    path: &str,
    request: reqwest::RequestBuilder,
) -> Result<reqwest::Response, reqwest::Error> {
    let started = std::time::Instant::now();
    let sent = request.send().await;
    let path = path.split('?').next().unwrap_or(path);
    let ms = started.elapsed().as_millis();
    match &sent {
        Ok(resp) => {
            let rate = RateLimit::from_headers(resp.headers()).map_or_else(
                || "-".to_owned(),
                |r| {
                    format!(
                        "{}/{} reset {}",
                        r.remaining
                            .map_or_else(|| "?".to_owned(), |n| n.to_string()),
                        r.limit
                            .map_or_else(|| "unlimited".to_owned(), |n| n.to_string()),
                        r.reset.map_or_else(|| "?".to_owned(), |n| n.to_string()),
                    )
                },
            );
            tracing::info!(
                target: "rolo::http",
                "{method} {path} → {} in {ms} ms; rate {rate}",
                resp.status().as_u16()
            );
        }
        Err(e) => {
            let why = network::outcome(e).summary();
            tracing::warn!(target: "rolo::http", "{method} {path} failed after {ms} ms: {why}");
        }
    }
    sent
}

/// Makes ring rustls's crypto for the process, once (reqwest is built without a
/// provider of its own: see Cargo.toml). [`Client::new`] calls it; code that builds a
/// `reqwest::Client` of its own (a test, a bench) calls it first.
pub fn install_crypto() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Another part of the process may have installed one first; that one serves.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Learns what contacts, as the server echoes or lists them, tell about a catalog the
/// API cannot list (Wipsy: stages, tags, custom-field definitions, recent contacts).
pub fn harvest(flavour: Flavour, catalog: &mut Catalog, contacts: &[Value]) {
    (dialect(flavour).harvest)(catalog, contacts);
}

/// Search pages followed at most for one term (15 or 50 contacts a page).
const MAX_SEARCH_PAGES: u32 = 20;

/// The strings of a JSON list (a definition's options); none when it is no list.
fn strings(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// Prefers the `Retry-After` header over the body's figure.
fn with_retry_after(outcome: Outcome, header: Option<u64>) -> Outcome {
    match (outcome, header) {
        (Outcome::RateLimited { message, .. }, Some(secs)) => Outcome::RateLimited {
            retry_after: Some(secs),
            message,
        },
        (other, _) => other,
    }
}

/// Whether a created contact's id reads as one: a few dozen letters, digits and `-_.:`
/// (a number on WhatsMark, a UUID on Wipsy). A 10 KB or control-laden "id" is no id to
/// keep in the history or show: the answer is unreadable (and the contact may exist).
#[must_use]
pub fn is_an_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// Whether `id` can name a contact of `flavour` in a request: an integer for an API whose
/// ids are (`WhatsMark`: its route takes anything, and `..` would leave it), else an opaque
/// id of the usual characters (Wipsy's go in a query).
#[must_use]
pub fn is_contact_id(flavour: Flavour, id: &str) -> bool {
    let id = id.trim();
    if flavour.caps().integer_ids {
        !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit())
    } else {
        is_an_id(id)
    }
}

/// The first 200 characters of a body, on one line.
#[must_use]
pub fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = flat.chars().take(200).collect();
    if flat.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// Unwraps `data`, and `data.data` where a server wraps single resources twice.
#[must_use]
pub fn unwrap_data(json: &Value) -> &Value {
    let data = json.get("data").unwrap_or(json);
    match data.get("data") {
        Some(inner) if data.as_object().is_some_and(|o| o.len() == 1) => inner,
        _ => data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_https_client_builds_with_the_ring_provider() {
        let config = ClientConfig {
            flavour: Flavour::Whatsmark,
            base_url: Url::parse("https://crm.example.com/api/v2").unwrap(),
            connect_timeout: Duration::from_secs(1),
            timeout: Duration::from_secs(1),
            account_id: None,
        };
        let key = SecretString::from("wm_secret".to_owned());
        assert!(Client::new(&config, &key).is_ok());
        assert!(
            Client::new(&config, &key).is_ok(),
            "twice: the provider stays"
        );
    }
}
