//! The sandbox's world: seed data, tenants, stored contacts, rate-limit windows.
//!
//! Everything here is plain data behind one mutex. Handlers take the lock, do their
//! work without awaiting, and let go; nothing in the sandbox holds the lock across I/O.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::faults::FaultRule;

/// The seed file shipped in `assets/`; `rolo sandbox --seed FILE` replaces it.
pub const DEFAULT_SEED: &str = include_str!("../../assets/sandbox-seed.json");

/// The whole seed: tenants of both flavours.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// Wipsy tenants (one API key each).
    pub wipsy: Vec<WipsyTenant>,
    /// WhatsMark tenants (one or more bearer tokens each).
    pub whatsmark: Vec<WmTenant>,
    /// Chatwoot users (their access tokens) and accounts.
    #[serde(default)]
    pub chatwoot: super::chatwoot::CwSeed,
}

impl Seed {
    /// Parses a seed document, naming what is wrong.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// A pipeline stage of a Wipsy tenant.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// Stage id (uuid string).
    pub id: String,
    /// Display name.
    pub name: String,
    /// `#RRGGBB` colour.
    pub color: String,
    /// Position in the pipeline, from 0.
    pub stage_order: i64,
    /// Stages the product creates itself.
    #[serde(default)]
    pub is_system: bool,
}

/// A Wipsy tag.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    /// Tag id (uuid string).
    pub id: String,
    /// Display name.
    pub name: String,
    /// `#RRGGBB` colour.
    pub color: String,
}

/// A Wipsy custom-field definition.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Field id (uuid string), the key in `custom_fields`.
    pub id: String,
    /// Label shown to users.
    pub field_name: String,
    /// One of text, email, phone, number, date, select.
    pub field_type: String,
    /// Options of a select field.
    #[serde(default)]
    pub field_options: Option<Vec<String>>,
    /// Whether a create must carry a value.
    #[serde(default)]
    pub is_required: bool,
    /// Position on forms.
    pub field_order: i64,
}

/// A stored Wipsy contact. Optional text fields are `None` when absent.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct WipsyContact {
    /// Contact id (uuid string).
    pub id: String,
    /// First name.
    pub name: String,
    /// Every other documented text field, by its contract name.
    pub text: HashMap<String, String>,
    /// Pipeline stage id.
    pub pipeline_stage_id: Option<String>,
    /// Tag ids, in the order given.
    pub tags: Vec<String>,
    /// Custom-field values, `field_id -> value`, in the order given.
    pub custom_fields: Vec<(String, String)>,
    /// RFC 3339 creation time.
    pub created_at: String,
}

/// One Wipsy tenant.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WipsyTenant {
    /// Tenant name, as printed by `rolo sandbox`.
    pub name: String,
    /// The `x-api-key` value.
    pub api_key: String,
    /// The account's user id, echoed as `user_id`.
    pub user_id: String,
    /// Plan name (the real service's Free plan has a quota of 100 a month).
    pub plan: String,
    /// Contacts that may be created per calendar month (UTC).
    pub monthly_quota: u32,
    /// Pipeline stages.
    pub stages: Vec<Stage>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Custom-field definitions.
    pub custom_fields: Vec<FieldDef>,
    /// Store a second contact with a phone or WhatsApp id already taken, as a CRM without
    /// a uniqueness rule does (a test switch: a double send then shows as two contacts
    /// instead of hiding behind a 409).
    #[serde(default)]
    pub allow_duplicates: bool,
    /// Contacts that exist when the sandbox starts, as create bodies.
    #[serde(default)]
    pub seed_contacts: Vec<Value>,
    /// Stored contacts (filled at run time).
    #[serde(default, skip_deserializing)]
    pub contacts: Vec<WipsyContact>,
    /// `(field, value)` of every stored phone, email and whatsapp id, so uniqueness is
    /// checked in constant time even after a 10,000-contact import.
    #[serde(skip)]
    pub taken: HashSet<(String, String)>,
}

/// A named catalog item of a WhatsMark tenant (source, status or group).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Named {
    /// Integer id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// `#RRGGBB` colour (statuses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

/// A WhatsMark API token.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Token {
    /// The bearer token, `wm_` and 60 characters.
    pub token: String,
    /// What the token is for, shown in `rolo sandbox` output.
    pub label: String,
    /// Scopes; `*` grants all.
    pub scopes: Vec<String>,
    /// A revoked token answers 401 `TOKEN_REVOKED`.
    #[serde(default)]
    pub revoked: bool,
    /// An expired token answers 401 `TOKEN_EXPIRED`.
    #[serde(default)]
    pub expired: bool,
    /// When not empty, requests from other addresses get 403 `IP_NOT_WHITELISTED`.
    #[serde(default)]
    pub ip_whitelist: Vec<String>,
}

/// A stored WhatsMark contact.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct WmContact {
    /// Integer id.
    pub id: i64,
    /// String fields by contract name (firstname, lastname, phone, type, email, ...).
    pub text: HashMap<String, String>,
    /// Source id.
    pub source_id: i64,
    /// Status id.
    pub status_id: i64,
    /// Country id, unchecked.
    pub country_id: Option<i64>,
    /// Staff id, unchecked.
    pub assigned_id: Option<i64>,
    /// Group ids, unchecked.
    pub groups: Vec<i64>,
    /// RFC 3339 creation time.
    pub created_at: String,
    /// RFC 3339 time of the last write (creation or update).
    pub updated_at: String,
}

/// One WhatsMark tenant.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WmTenant {
    /// Tenant id.
    pub id: i64,
    /// Tenant name, as printed by `rolo sandbox`.
    pub name: String,
    /// Subdomain.
    pub subdomain: String,
    /// Subscription plan name.
    pub plan_name: String,
    /// Subscription plan id.
    pub plan_id: i64,
    /// Contacts allowed by the plan; -1 is unlimited.
    pub contact_limit: i64,
    /// Requests per window per token; `None` is unlimited.
    pub rate_limit_per_minute: Option<u32>,
    /// The rate window in seconds (60 on the real service; tests may shorten it to
    /// exercise a client's pacing without waiting whole minutes).
    #[serde(default = "default_window")]
    pub rate_window_secs: u32,
    /// Answer single-resource GETs wrapped twice (`data.data`), as some installs do.
    #[serde(default)]
    pub double_wrap: bool,
    /// The tenant's `type` column is `ENUM('lead','customer')`, as in builds that create new
    /// tenants without `guest` (README): the validator takes guest, the INSERT refuses it.
    #[serde(default)]
    pub type_enum_without_guest: bool,
    /// Store a second contact with a phone or email already taken, as a CRM without a
    /// uniqueness rule does (a test switch: a double send then shows as two contacts
    /// instead of hiding behind a 422).
    #[serde(default)]
    pub allow_duplicates: bool,
    /// API tokens.
    pub tokens: Vec<Token>,
    /// Contact sources.
    pub sources: Vec<Named>,
    /// Contact statuses, with colours.
    pub statuses: Vec<Named>,
    /// Contact groups.
    pub groups: Vec<Named>,
    /// Contacts that exist when the sandbox starts, as create bodies.
    #[serde(default)]
    pub seed_contacts: Vec<Value>,
    /// Stored contacts (filled at run time).
    #[serde(default, skip_deserializing)]
    pub contacts: Vec<WmContact>,
    /// `(field, value)` of every stored phone and email (uniqueness in constant time).
    #[serde(skip)]
    pub taken: HashSet<(String, String)>,
}

/// One request as the sandbox saw it, for tests (never the secret itself).
#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// The Host header.
    pub host: String,
    /// Whether an `x-api-key` or `Authorization` header came with it.
    pub had_credentials: bool,
    /// The User-Agent header.
    pub user_agent: String,
    /// The status answered. (A request whose connection a fault dropped is not logged.)
    pub status: u16,
}

fn default_window() -> u32 {
    60
}

/// A fixed window of one token's requests.
#[derive(Debug, Clone, Copy)]
pub struct RateWindow {
    /// Unix second at which the window started.
    pub started: i64,
    /// Requests counted in it.
    pub used: u32,
}

/// Everything the sandbox knows, behind one lock.
#[derive(Debug)]
pub struct World {
    /// Wipsy tenants.
    pub wipsy: Vec<WipsyTenant>,
    /// WhatsMark tenants.
    pub whatsmark: Vec<WmTenant>,
    /// Chatwoot users and accounts.
    pub chatwoot: super::chatwoot::CwSeed,
    /// Next Chatwoot contact id.
    pub chatwoot_next_id: i64,
    /// The most recent requests, oldest first.
    pub requests: VecDeque<RequestRecord>,
    /// Rate windows by token (or by client address when no token came).
    pub rate: HashMap<String, RateWindow>,
    /// Active fault rules.
    pub faults: Vec<FaultRule>,
    /// Next WhatsMark contact id (shared, like an auto-increment column).
    pub next_wm_id: i64,
    /// Seconds the sandbox's clock runs ahead of the wall clock (negative: behind), moved
    /// by `POST /_sandbox/clock`: a test ends a rate window or a quota month by moving
    /// the clock instead of waiting for it.
    pub clock_ahead: i64,
}

impl World {
    /// The time on the sandbox's clock: what rate windows, quota months and contacts'
    /// `created_at` / `updated_at` are counted by.
    #[must_use]
    pub fn now(&self) -> jiff::Timestamp {
        let wall = jiff::Timestamp::now();
        wall.checked_add(jiff::SignedDuration::from_secs(self.clock_ahead))
            .unwrap_or(wall)
    }

    /// [`World::now`] in seconds since the Unix epoch.
    #[must_use]
    pub fn unix_now(&self) -> i64 {
        self.now().as_second()
    }

    /// [`World::now`] as both services print it.
    #[must_use]
    pub fn now_rfc3339(&self) -> String {
        rfc3339(self.now())
    }

    /// Moves the clock by `secs` (either way), within what a timestamp can hold. Moved
    /// past a rate window's end, or back before its start, the window is over: the next
    /// request opens a new one.
    pub fn move_clock(&mut self, secs: i64) -> Result<(), String> {
        let ahead = self
            .clock_ahead
            .checked_add(secs)
            .filter(|a| {
                jiff::Timestamp::now()
                    .checked_add(jiff::SignedDuration::from_secs(*a))
                    .is_ok()
            })
            .ok_or_else(|| format!("the clock cannot move {secs} s from where it is"))?;
        self.clock_ahead = ahead;
        Ok(())
    }
}

/// How many requests the log keeps.
const REQUEST_LOG: usize = 2000;

/// The shared state of a running sandbox.
#[derive(Debug)]
pub struct SharedState {
    world: Mutex<World>,
    /// Wakes the state-file writer after a change.
    pub changed: tokio::sync::Notify,
}

impl SharedState {
    /// Builds the world from a seed, creating its seed contacts through the same rules
    /// that serve requests.
    pub fn new(seed: Seed) -> Result<Self, String> {
        let mut world = World {
            wipsy: seed.wipsy,
            whatsmark: seed.whatsmark,
            chatwoot: seed.chatwoot,
            chatwoot_next_id: 1,
            requests: VecDeque::new(),
            rate: HashMap::new(),
            faults: Vec::new(),
            next_wm_id: 1001,
            clock_ahead: 0,
        };
        for t in 0..world.wipsy.len() {
            let bodies = std::mem::take(&mut world.wipsy[t].seed_contacts);
            for body in &bodies {
                let now = world.now_rfc3339();
                super::wipsy::seed_contact(&mut world.wipsy[t], body, now)
                    .map_err(|e| format!("wipsy tenant {}: {e}", world.wipsy[t].name))?;
            }
            world.wipsy[t].seed_contacts = bodies;
        }
        for t in 0..world.whatsmark.len() {
            let bodies = std::mem::take(&mut world.whatsmark[t].seed_contacts);
            for body in &bodies {
                let id = world.next_wm_id;
                world.next_wm_id += 1;
                let now = world.now_rfc3339();
                super::whatsmark::seed_contact(&mut world.whatsmark[t], id, body, now)
                    .map_err(|e| format!("whatsmark tenant {}: {e}", world.whatsmark[t].name))?;
            }
            world.whatsmark[t].seed_contacts = bodies;
        }
        for a in 0..world.chatwoot.accounts.len() {
            let bodies = std::mem::take(&mut world.chatwoot.accounts[a].seed_contacts);
            for body in &bodies {
                super::chatwoot::seed_contact(&mut world, a, body).map_err(|e| {
                    format!("chatwoot account {}: {e}", world.chatwoot.accounts[a].name)
                })?;
            }
            world.chatwoot.accounts[a].seed_contacts = bodies;
        }
        Ok(Self {
            world: Mutex::new(world),
            changed: tokio::sync::Notify::new(),
        })
    }

    /// Locks the world. A handler that panicked cannot leave it half-written in a way
    /// that matters to a test server, so a poisoned lock is simply taken over.
    pub fn lock(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a request in the bounded log.
    pub fn record(&self, rec: RequestRecord) {
        let mut w = self.lock();
        if w.requests.len() >= REQUEST_LOG {
            w.requests.pop_front();
        }
        w.requests.push_back(rec);
    }

    /// Tells the state-file writer that something changed.
    pub fn touch(&self) {
        self.changed.notify_one();
    }

    /// The contacts one tenant holds, as the API returns them, oldest first (empty for an
    /// unknown flavour or tenant). Tests compare these with what the client sent.
    #[must_use]
    pub fn contacts(&self, flavour: &str, tenant: &str) -> Vec<Value> {
        self.snapshot()[flavour]
            .as_array()
            .and_then(|ts| ts.iter().find(|t| t["name"] == tenant))
            .and_then(|t| t["contacts"].as_array().cloned())
            .unwrap_or_default()
    }

    /// A JSON picture of every tenant and contact, as `GET /_sandbox/state` and
    /// `--state FILE` show it.
    pub fn snapshot(&self) -> Value {
        let w = self.lock();
        let wipsy: Vec<Value> = w
            .wipsy
            .iter()
            .map(|t| {
                serde_json::json!({
                    "name": t.name,
                    "plan": t.plan,
                    "monthly_quota": t.monthly_quota,
                    "contacts": t.contacts.iter().map(|c| super::wipsy::contact_json(t, c)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let whatsmark: Vec<Value> = w
            .whatsmark
            .iter()
            .map(|t| {
                serde_json::json!({
                    "name": t.name,
                    "plan_name": t.plan_name,
                    "contact_limit": t.contact_limit,
                    "rate_limit_per_minute": t.rate_limit_per_minute,
                    "contacts": t.contacts.iter().map(|c| super::whatsmark::contact_json(t, c, true)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let chatwoot: Vec<Value> = w
            .chatwoot
            .accounts
            .iter()
            .map(|a| {
                let contacts: Vec<Value> = a
                    .contacts
                    .iter()
                    .map(|c| {
                        let mut v = super::chatwoot::contact_json(a, c, true);
                        v["labels"] = serde_json::json!(c.labels);
                        v
                    })
                    .collect();
                serde_json::json!({ "id": a.id, "name": a.name, "contacts": contacts })
            })
            .collect();
        serde_json::json!({ "wipsy": wipsy, "whatsmark": whatsmark, "chatwoot": chatwoot })
    }
}

/// The wall clock as RFC 3339 with microseconds, as both services print it: for when an
/// answer was written (`meta.timestamp`). What the sandbox counts by is [`World::now`].
#[must_use]
pub fn now_rfc3339() -> String {
    rfc3339(jiff::Timestamp::now())
}

/// A time as both services print it: RFC 3339 with microseconds.
#[must_use]
pub fn rfc3339(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Counts one request against `key`'s window and reports the window's figures.
///
/// Returns `(limit, remaining, reset_unix, allowed)`; `limit == None` is unlimited.
pub fn count_request(world: &mut World, key: &str, limit: Option<u32>, window: u32) -> RateAnswer {
    let window_secs = i64::from(window.max(1));
    let now = world.unix_now();
    let Some(limit) = limit else {
        return RateAnswer {
            limit: None,
            remaining: 0,
            reset: now + window_secs,
            allowed: true,
            window,
            now,
        };
    };
    let win = world.rate.entry(key.to_owned()).or_insert(RateWindow {
        started: now,
        used: 0,
    });
    // A window that has ended, or one that starts after now (the clock was moved back
    // past its start: `POST /_sandbox/clock`), gives way to a new one.
    if now >= win.started + window_secs || now < win.started {
        *win = RateWindow {
            started: now,
            used: 0,
        };
    }
    let allowed = win.used < limit;
    if allowed {
        win.used += 1;
    }
    RateAnswer {
        limit: Some(limit),
        remaining: limit.saturating_sub(win.used),
        reset: win.started + window_secs,
        allowed,
        window,
        now,
    }
}

/// What the rate limiter decided about one request.
#[derive(Debug, Clone, Copy)]
pub struct RateAnswer {
    /// Requests per window; `None` is unlimited.
    pub limit: Option<u32>,
    /// Requests left in this window.
    pub remaining: u32,
    /// Unix second at which the window resets.
    pub reset: i64,
    /// Whether this request may proceed.
    pub allowed: bool,
    /// The window length in seconds.
    pub window: u32,
    /// The sandbox's clock when it was counted (Unix seconds), for the wait a 429 names.
    pub now: i64,
}

/// Stores contacts and keeps the uniqueness index in step.
pub trait Store<C> {
    /// Adds a contact.
    fn store(&mut self, c: C);
    /// Whether another contact already has `value` in `field`.
    fn taken(&self, field: &str, value: &str) -> bool;
}

fn index(taken: &mut HashSet<(String, String)>, text: &HashMap<String, String>, fields: &[&str]) {
    for f in fields {
        if let Some(v) = text.get(*f) {
            taken.insert(((*f).to_owned(), v.clone()));
        }
    }
}

impl Store<WipsyContact> for WipsyTenant {
    fn store(&mut self, c: WipsyContact) {
        index(&mut self.taken, &c.text, &["phone", "email", "whatsapp_id"]);
        self.contacts.push(c);
    }

    fn taken(&self, field: &str, value: &str) -> bool {
        self.taken.contains(&(field.to_owned(), value.to_owned()))
    }
}

impl WmTenant {
    /// Puts an updated contact in place of the stored one with its id, keeping the
    /// uniqueness index true (its old phone and email are free again).
    pub fn replace(&mut self, c: WmContact) {
        let Some(at) = self.contacts.iter().position(|o| o.id == c.id) else {
            return;
        };
        let old = std::mem::replace(&mut self.contacts[at], c);
        for f in ["phone", "email"] {
            if let Some(v) = old.text.get(f) {
                self.taken.remove(&(f.to_owned(), v.clone()));
            }
        }
        index(
            &mut self.taken,
            &self.contacts[at].text,
            &["phone", "email"],
        );
    }
}

impl Store<WmContact> for WmTenant {
    fn store(&mut self, c: WmContact) {
        index(&mut self.taken, &c.text, &["phone", "email"]);
        self.contacts.push(c);
    }

    fn taken(&self, field: &str, value: &str) -> bool {
        self.taken.contains(&(field.to_owned(), value.to_owned()))
    }
}
