//! The Chatwoot flavour (`shared/api/chatwoot.openapi.yaml` and the README's "Flavour
//! chatwoot"): a user's `api_access_token`, accounts in every contact path, create
//! answering 200 with `payload.contact`, labels set apart (the whole list overwritten),
//! custom-attribute definitions as a bare array, 422 `{message, attributes}`, and search
//! over resolved contacts 15 a page.
//!
//! Readings this sandbox picks where the contract leaves room (a client tolerates others):
//! - an unknown account is 404; an account the token's user is not a member of is 401;
//! - params are read as Rails `permit` reads them: a scalar of another type is taken as
//!   text (`5` → `"5"`), an object or array where a scalar goes is dropped, and so are
//!   unknown keys;
//! - `inbox_id` is looked up before the contact is checked (404 first), then the model's
//!   validations (422 `{message, attributes}`), then the inbox's need of a phone (422
//!   `{error}`);
//! - search matches name, email, phone number and company name case-insensitively, the
//!   identifier exactly as LIKE does, and the id when the query is all digits; `meta` is
//!   `{count, current_page}`;
//! - contact searches are limited to 100 a minute per account (`Rack::Attack`'s default),
//!   counted before the token is looked at, past which the answer is 429 `text/plain`
//!   "Retry later" without `Retry-After`;
//! - a blank `api_access_token` header is an unknown token (401 "Invalid Access Token");
//! - search matches `%` and `_` as themselves, not as LIKE's wildcards, and `sort` is taken
//!   but ignored (contacts come in id order);
//! - a body is read as JSON whatever its `Content-Type` (rolo always sends JSON);
//! - `POST .../contacts/{id}/destroy_custom_attributes` is not served (rolo never removes a
//!   custom attribute).

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::App;
use super::errors::{Flavour, error_response, json_response, read_json_object};
use super::state::World;

/// A user with an access token, a member of some accounts.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CwUser {
    /// The user's id.
    pub id: i64,
    /// The user's name.
    pub name: String,
    /// The user's email.
    pub email: String,
    /// The token sent as `api_access_token`.
    pub access_token: String,
    /// The accounts the user belongs to, by id.
    pub accounts: Vec<i64>,
    /// `administrator` or `agent`.
    #[serde(default = "agent")]
    pub role: String,
    /// An agent bot's token: refused on every contact endpoint.
    #[serde(default)]
    pub bot: bool,
}

fn agent() -> String {
    "agent".to_owned()
}

/// A label of an account.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CwLabel {
    /// Its id.
    pub id: i64,
    /// Its title, what contacts carry.
    pub title: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// Its colour, `#rrggbb`.
    pub color: String,
    /// Shown in the sidebar.
    #[serde(default)]
    pub show_on_sidebar: Option<bool>,
}

/// A custom attribute definition (of contacts, or of another model).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CwAttribute {
    /// Its id.
    pub id: i64,
    /// The name shown.
    pub attribute_display_name: String,
    /// The key in `custom_attributes`.
    pub attribute_key: String,
    /// `text`, `number`, `currency`, `percent`, `link`, `date`, `list` or `checkbox`.
    pub attribute_display_type: String,
    /// `contact_attribute`, `conversation_attribute` or `company_attribute`.
    pub attribute_model: String,
    /// A list's options.
    #[serde(default)]
    pub attribute_values: Value,
    /// What it is for.
    #[serde(default)]
    pub attribute_description: Option<String>,
    /// A pattern values must match.
    #[serde(default)]
    pub regex_pattern: Option<String>,
    /// Its default.
    #[serde(default)]
    pub default_value: Value,
}

/// An inbox of an account.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CwInbox {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// `Channel::Whatsapp`, `Channel::Api`, `Channel::Email`, …
    pub channel_type: String,
}

/// A contact of an account.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CwContact {
    /// Its id.
    pub id: i64,
    /// Name.
    pub name: Option<String>,
    /// Email, lowercased.
    pub email: Option<String>,
    /// Phone number.
    pub phone_number: Option<String>,
    /// The client's own id.
    pub identifier: Option<String>,
    /// Blocked.
    pub blocked: bool,
    /// Free attributes (`company_name`, `city`, `country`, …).
    pub additional_attributes: Map<String, Value>,
    /// Custom attributes by key.
    pub custom_attributes: Map<String, Value>,
    /// Unix seconds.
    pub created_at: i64,
    /// Label titles.
    pub labels: Vec<String>,
    /// (inbox id, source id) of the contact-inbox made at create.
    pub inbox: Option<(i64, String)>,
}

/// An account: its catalogs and contacts.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CwAccount {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its labels.
    #[serde(default)]
    pub labels: Vec<CwLabel>,
    /// Custom attribute definitions of every model.
    #[serde(default)]
    pub attribute_definitions: Vec<CwAttribute>,
    /// Its inboxes.
    #[serde(default)]
    pub inboxes: Vec<CwInbox>,
    /// Create bodies (and `labels`) made into contacts when the sandbox starts.
    #[serde(default)]
    pub seed_contacts: Vec<Value>,
    /// Takes a phone number another contact has (as a CRM without that rule would), so
    /// that a test sees a double send as two contacts instead of a 422.
    #[serde(default)]
    pub allow_duplicates: bool,
    /// Its contacts.
    #[serde(skip)]
    pub contacts: Vec<CwContact>,
}

/// The Chatwoot part of the seed: users and accounts.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CwSeed {
    /// Users and their tokens.
    #[serde(default)]
    pub users: Vec<CwUser>,
    /// Accounts.
    #[serde(default)]
    pub accounts: Vec<CwAccount>,
}

/// The access token of the first user (not a bot) who is a member of account `id`.
#[must_use]
pub fn member_token(seed: &CwSeed, id: i64) -> Option<String> {
    seed.users
        .iter()
        .find(|u| !u.bot && u.accounts.contains(&id))
        .map(|u| u.access_token.clone())
}

/// A body as Rails reads it: no body, or JSON that is not an object, is no params (`{}`);
/// only text that is not JSON is refused (400, as `ActionDispatch::ParseError`).
async fn body_params(body: Body) -> Result<Map<String, Value>, Response> {
    let bytes = axum::body::to_bytes(body, super::errors::MAX_BODY)
        .await
        .map_err(|_| error(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large"))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    // JSON that is not an object (`null`, a list: Rails files a list under `_json`) holds
    // no permitted key either.
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Ok(Map::new()),
        Err(_) => read_json_object(Body::from(bytes), Flavour::Chatwoot).await,
    }
}

/// How many contacts a search page holds.
const PAGE: usize = 15;
/// Contact searches a minute per account (`Rack::Attack`'s `RATE_LIMIT_CONTACT_SEARCH`).
const SEARCHES_A_MINUTE: u32 = 100;

fn error(status: StatusCode, message: &str) -> Response {
    error_response(Flavour::Chatwoot, status, "", message, None)
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Resource could not be found")
}

/// `Rack::Attack`'s answer: plain text, no `Retry-After`.
fn throttled() -> Response {
    let mut resp = (StatusCode::TOO_MANY_REQUESTS, "Retry later\n").into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain"),
    );
    resp
}

/// The user whose token came, or the 401 devise or the token check gives.
fn user(world: &World, headers: &HeaderMap) -> Result<usize, Response> {
    let Some(token) = headers.get("api_access_token") else {
        let body = json!({ "errors": ["You need to sign in or sign up before continuing."] });
        return Err(json_response(StatusCode::UNAUTHORIZED, &body));
    };
    let token = token.to_str().unwrap_or_default();
    world
        .chatwoot
        .users
        .iter()
        .position(|u| !token.is_empty() && u.access_token == token)
        .ok_or_else(|| error(StatusCode::UNAUTHORIZED, "Invalid Access Token"))
}

/// The account of the path, for the token's user: 404 when there is no such account,
/// 401 when the user is not a member (or is a bot).
fn account(world: &World, headers: &HeaderMap, account_id: &str) -> Result<usize, Response> {
    let u = user(world, headers)?;
    let Ok(id) = account_id.parse::<i64>() else {
        return Err(not_found());
    };
    let a = world
        .chatwoot
        .accounts
        .iter()
        .position(|a| a.id == id)
        .ok_or_else(not_found)?;
    let user = &world.chatwoot.users[u];
    if user.bot {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "Access to this endpoint is not authorized for bots",
        ));
    }
    if !user.accounts.contains(&id) {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "You are not authorized to access this account",
        ));
    }
    Ok(a)
}

/// `GET /profile`: the user, with the token (the contract warns: a secret).
pub async fn profile(State(app): State<App>, headers: HeaderMap) -> Response {
    let w = app.state.lock();
    let u = match user(&w, &headers) {
        Ok(u) => &w.chatwoot.users[u],
        Err(r) => return r,
    };
    if u.bot {
        return error(
            StatusCode::UNAUTHORIZED,
            "Access to this endpoint is not authorized for bots",
        );
    }
    let accounts: Vec<Value> = u
        .accounts
        .iter()
        .filter_map(|id| w.chatwoot.accounts.iter().find(|a| a.id == *id))
        .map(|a| json!({ "id": a.id, "name": a.name, "status": "active", "role": u.role }))
        .collect();
    let body = json!({
        "id": u.id, "name": u.name, "email": u.email, "access_token": u.access_token,
        "account_id": u.accounts.first(), "role": u.role, "accounts": accounts,
    });
    json_response(StatusCode::OK, &body)
}

/// A contact as the API shows it.
#[must_use]
pub fn contact_json(a: &CwAccount, c: &CwContact, inboxes: bool) -> Value {
    let mut v = json!({
        "id": c.id, "name": c.name, "email": c.email, "phone_number": c.phone_number,
        "identifier": c.identifier, "blocked": c.blocked, "thumbnail": "",
        "availability_status": "offline",
        "additional_attributes": c.additional_attributes,
        "custom_attributes": c.custom_attributes,
        "created_at": c.created_at,
    });
    if inboxes {
        let list: Vec<Value> = c
            .inbox
            .iter()
            .filter_map(|(id, source)| {
                let inbox = a.inboxes.iter().find(|i| i.id == *id)?;
                Some(json!({ "source_id": source, "inbox": inbox_json(inbox) }))
            })
            .collect();
        v["contact_inboxes"] = Value::Array(list);
    }
    v
}

fn inbox_json(i: &CwInbox) -> Value {
    json!({ "id": i.id, "name": i.name, "channel_type": i.channel_type })
}

/// `include_contact_inboxes=false` leaves them out.
fn with_inboxes(query: Option<&str>) -> bool {
    query_value(query, "include_contact_inboxes").is_none_or(|v| v != "false")
}

fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.unwrap_or_default()).unwrap_or_default();
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// A permitted scalar as Rails reads it: text, a number or a boolean as text; `null`,
/// objects and arrays are no value (`Err` for the ones `permit` drops).
fn scalar(v: &Value) -> Result<Option<String>, ()> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Array(_) | Value::Object(_) => Err(()),
    }
}

/// Blank (`nil`, `""` or only spaces) reads as no value, as Rails' `presence` does.
fn present(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

/// The model's phone rule, `/\+[1-9]\d{1,14}\z/`: anchored only at the end.
fn e164_at_end(phone: &str) -> bool {
    phone.rfind('+').is_some_and(|at| {
        let digits = &phone[at + 1..];
        (2..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

/// Devise's email pattern: `/\A[^@\s]+@[^@\s]+\z/`.
fn devise_email(email: &str) -> bool {
    email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.is_empty()
            && !domain.contains('@')
            // Ruby's `\s` is ASCII whitespace only.
            && !email.bytes().any(|b| b.is_ascii_whitespace())
    })
}

/// A text key of a body: not sent (kept as it is), sent blank (cleared), or a value.
#[derive(Debug, Default)]
enum Text {
    #[default]
    Absent,
    Cleared,
    Set(String),
}

impl Text {
    fn apply_to(self, field: &mut Option<String>) {
        match self {
            Self::Absent => {}
            Self::Cleared => *field = None,
            Self::Set(v) => *field = Some(v),
        }
    }
}

/// The contact fields a body sets (create and update), as `permit` takes them.
#[derive(Debug, Default)]
struct Fields {
    name: Text,
    email: Text,
    phone_number: Text,
    identifier: Text,
    blocked: Option<bool>,
    additional: Option<Map<String, Value>>,
    custom: Option<Map<String, Value>>,
}

fn fields(body: &Map<String, Value>) -> Fields {
    let text = |key: &str| match body.get(key).map(scalar) {
        None | Some(Err(())) => Text::Absent,
        Some(Ok(v)) => present(v).map_or(Text::Cleared, Text::Set),
    };
    let email = match text("email") {
        // Stored lowercased, not trimmed: a stray space fails Devise's format.
        Text::Set(e) => Text::Set(e.to_lowercase()),
        other => other,
    };
    Fields {
        name: text("name"),
        email,
        phone_number: text("phone_number"),
        identifier: text("identifier"),
        // ActiveModel's boolean: false, 0, "0", "f", "F", "false", "FALSE", "off", "OFF"
        // are false; blank is no value; anything else is true.
        blocked: body.get("blocked").and_then(|v| match scalar(v) {
            Ok(Some(s)) if s.trim().is_empty() => None,
            Ok(Some(s)) => Some(!matches!(
                s.as_str(),
                "false" | "0" | "f" | "F" | "FALSE" | "off" | "OFF"
            )),
            Ok(None) | Err(()) => None,
        }),
        additional: body
            .get("additional_attributes")
            .and_then(|v| v.as_object().cloned()),
        custom: body
            .get("custom_attributes")
            .and_then(|v| v.as_object().cloned()),
    }
}

/// The model's validations of `c` (another contact of the account with the same email,
/// phone number or identifier; the phone's and email's form): the 422 when any fails.
fn validate(a: &CwAccount, c: &CwContact) -> Result<(), Response> {
    let others = || a.contacts.iter().filter(|o| o.id != c.id);
    let mut messages = Vec::new();
    let mut attributes = Vec::new();
    let mut fail = |attr: &str, message: &str| {
        messages.push(message.to_owned());
        if !attributes.iter().any(|a: &String| a == attr) {
            attributes.push(attr.to_owned());
        }
    };
    if let Some(email) = &c.email {
        if !devise_email(email) {
            fail("email", "Email Invalid email");
        } else if others().any(|o| o.email.as_deref() == Some(email)) {
            fail("email", "Email has already been taken");
        }
    }
    if let Some(phone) = &c.phone_number {
        if !e164_at_end(phone) {
            fail("phone_number", "Phone number should be in e164 format");
        } else if !a.allow_duplicates && others().any(|o| o.phone_number.as_deref() == Some(phone))
        {
            fail("phone_number", "Phone number has already been taken");
        }
    }
    if let Some(identifier) = &c.identifier
        && others().any(|o| o.identifier.as_deref() == Some(identifier))
    {
        fail("identifier", "Identifier has already been taken");
    }
    if messages.is_empty() {
        return Ok(());
    }
    let body = json!({ "message": messages.join(", "), "attributes": attributes });
    Err(json_response(StatusCode::UNPROCESSABLE_ENTITY, &body))
}

/// Writes the fields a body sets onto `c`; the two attribute objects are merged.
fn apply(c: &mut CwContact, f: Fields) {
    f.name.apply_to(&mut c.name);
    f.email.apply_to(&mut c.email);
    f.phone_number.apply_to(&mut c.phone_number);
    f.identifier.apply_to(&mut c.identifier);
    if let Some(v) = f.blocked {
        c.blocked = v;
    }
    c.additional_attributes
        .extend(f.additional.unwrap_or_default());
    c.custom_attributes.extend(f.custom.unwrap_or_default());
}

/// Makes a contact from a create body, as `POST .../contacts` does: the created contact
/// and its contact-inbox, or the error answer.
pub fn create_contact(
    world: &mut World,
    a: usize,
    body: &Map<String, Value>,
) -> Result<(CwContact, Option<CwInbox>), Response> {
    let now = world.unix_now();
    let next_id = world.chatwoot_next_id;
    let account = &world.chatwoot.accounts[a];
    // A blank inbox_id (nil, "", false) is no inbox: the controller skips the contact-inbox.
    let inbox_id = match body.get("inbox_id") {
        Some(Value::Bool(false)) | None => Ok(None),
        Some(v) => scalar(v).map(present),
    };
    let inbox = match inbox_id {
        Ok(None) => None,
        Err(()) => return Err(not_found()),
        Ok(Some(id)) => {
            let id = id.trim().parse::<i64>().map_err(|_| not_found())?;
            let inbox = account.inboxes.iter().find(|i| i.id == id);
            Some(inbox.cloned().ok_or_else(not_found)?)
        }
    };
    let mut c = CwContact {
        id: next_id,
        created_at: now,
        ..CwContact::default()
    };
    apply(&mut c, fields(body));
    validate(account, &c)?;
    if let Some(inbox) = &inbox {
        let needs = match inbox.channel_type.as_str() {
            "Channel::Whatsapp" | "Channel::Sms" | "Channel::TwilioSms" => {
                c.phone_number.is_none().then_some("contact phone number")
            }
            "Channel::Email" => c.email.is_none().then_some("contact email"),
            _ => None,
        };
        if let Some(what) = needs {
            return Err(error(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("param is missing or the value is empty: {what}"),
            ));
        }
        let given = body
            .get("source_id")
            .and_then(|v| scalar(v).ok())
            .and_then(present);
        let source = given.unwrap_or_else(|| match inbox.channel_type.as_str() {
            "Channel::Whatsapp" => c
                .phone_number
                .as_deref()
                .unwrap_or_default()
                .replace('+', ""),
            _ => uuid::Uuid::new_v4().to_string(),
        });
        c.inbox = Some((inbox.id, source));
    }
    world.chatwoot_next_id += 1;
    world.chatwoot.accounts[a].contacts.push(c.clone());
    Ok((c, inbox))
}

/// Seeds one contact (a create body, and optionally `labels`).
pub fn seed_contact(world: &mut World, a: usize, body: &Value) -> Result<(), String> {
    let map = body.as_object().ok_or("a seed contact is a JSON object")?;
    let (c, _) = create_contact(world, a, map).map_err(|r| format!("refused ({})", r.status()))?;
    if let Some(labels) = map.get("labels").and_then(Value::as_array) {
        let titles = labels.iter().filter_map(Value::as_str).map(str::to_owned);
        let contacts = &mut world.chatwoot.accounts[a].contacts;
        if let Some(stored) = contacts.iter_mut().find(|s| s.id == c.id) {
            stored.labels = titles.collect();
        }
    }
    Ok(())
}

/// `POST .../contacts`.
pub async fn create(
    State(app): State<App>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    if let Err(r) = account(&app.state.lock(), &headers, &account_id) {
        return r;
    }
    let body = match body_params(body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let mut w = app.state.lock();
    let a = match account(&w, &headers, &account_id) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (c, inbox) = match create_contact(&mut w, a, &body) {
        Ok(made) => made,
        Err(r) => return r,
    };
    let contact = contact_json(&w.chatwoot.accounts[a], &c, with_inboxes(query.as_deref()));
    drop(w);
    app.state.touch();
    let contact_inbox = json!({
        "inbox": inbox.as_ref().map(inbox_json),
        "source_id": c.inbox.as_ref().map(|(_, s)| s.clone()),
    });
    let body = json!({ "payload": { "contact": contact, "contact_inbox": contact_inbox } });
    json_response(StatusCode::OK, &body)
}

/// `GET .../contacts/search?q=&page=`.
pub async fn search(
    State(app): State<App>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let mut w = app.state.lock();
    // Rack::Attack counts by the path's account before the app sees the request.
    let key = format!("chatwoot-search:{account_id}");
    if !super::state::count_request(&mut w, &key, Some(SEARCHES_A_MINUTE), 60).allowed {
        return throttled();
    }
    let a = match account(&w, &headers, &account_id) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let q = query_value(query.as_deref(), "q").unwrap_or_default();
    if q.trim().is_empty() {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Specify search string with parameter q",
        );
    }
    let page_raw = query_value(query.as_deref(), "page");
    let page = page_raw
        .as_deref()
        .and_then(|p| p.trim().parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let account = &w.chatwoot.accounts[a];
    let needle = q.to_lowercase();
    let hit = |c: &&CwContact| {
        let resolved = c.email.is_some() || c.phone_number.is_some() || c.identifier.is_some();
        let ilike = |v: Option<&str>| v.is_some_and(|v| v.to_lowercase().contains(&needle));
        let company = c
            .additional_attributes
            .get("company_name")
            .and_then(Value::as_str);
        let by_id = q.bytes().all(|b| b.is_ascii_digit()) && c.id.to_string() == q;
        resolved
            && (ilike(c.name.as_deref())
                || ilike(c.email.as_deref())
                || ilike(c.phone_number.as_deref())
                || ilike(company)
                || c.identifier.as_deref().is_some_and(|i| i.contains(&q))
                || by_id)
    };
    let found: Vec<&CwContact> = account.contacts.iter().filter(hit).collect();
    let inboxes = with_inboxes(query.as_deref());
    let payload: Vec<Value> = found
        .iter()
        .skip((page - 1).saturating_mul(PAGE))
        .take(PAGE)
        .map(|c| contact_json(account, c, inboxes))
        .collect();
    let current_page = page_raw.map_or(json!(1), Value::String);
    let body = json!({
        "meta": { "count": found.len(), "current_page": current_page },
        "payload": payload,
    });
    json_response(StatusCode::OK, &body)
}

/// The account and the index of contact `id` in it.
fn contact_at(
    w: &World,
    headers: &HeaderMap,
    account_id: &str,
    id: &str,
) -> Result<(usize, usize), Response> {
    let a = account(w, headers, account_id)?;
    let id = id.parse::<i64>().map_err(|_| not_found())?;
    let c = w.chatwoot.accounts[a]
        .contacts
        .iter()
        .position(|c| c.id == id)
        .ok_or_else(not_found)?;
    Ok((a, c))
}

/// The body of a request on contact `id`: a wrong token or contact is answered before
/// the body is read; the world is then locked again and the contact found anew (the body
/// was read without the lock).
async fn with_contact_body<'a>(
    app: &'a App,
    headers: &HeaderMap,
    account_id: &str,
    id: &str,
    body: Body,
) -> Result<
    (
        std::sync::MutexGuard<'a, World>,
        usize,
        usize,
        Map<String, Value>,
    ),
    Response,
> {
    contact_at(&app.state.lock(), headers, account_id, id)?;
    let body = body_params(body).await?;
    let w = app.state.lock();
    let (a, c) = contact_at(&w, headers, account_id, id)?;
    Ok((w, a, c, body))
}

/// `GET .../contacts/{id}`.
pub async fn get_contact(
    State(app): State<App>,
    Path((account_id, id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let w = app.state.lock();
    match contact_at(&w, &headers, &account_id, &id) {
        Ok((a, c)) => {
            let account = &w.chatwoot.accounts[a];
            let contact = contact_json(
                account,
                &account.contacts[c],
                with_inboxes(query.as_deref()),
            );
            json_response(StatusCode::OK, &json!({ "payload": contact }))
        }
        Err(r) => r,
    }
}

/// `PATCH` and `PUT .../contacts/{id}`: only the keys sent; attribute objects merged.
pub async fn update_contact(
    State(app): State<App>,
    Path((account_id, id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    let (mut w, a, c, body) = match with_contact_body(&app, &headers, &account_id, &id, body).await
    {
        Ok(found) => found,
        Err(r) => return r,
    };
    let mut changed = w.chatwoot.accounts[a].contacts[c].clone();
    apply(&mut changed, fields(&body));
    if let Err(r) = validate(&w.chatwoot.accounts[a], &changed) {
        return r;
    }
    let account = &mut w.chatwoot.accounts[a];
    account.contacts[c] = changed;
    let contact = contact_json(
        account,
        &account.contacts[c],
        with_inboxes(query.as_deref()),
    );
    drop(w);
    app.state.touch();
    json_response(StatusCode::OK, &json!({ "payload": contact }))
}

/// `GET .../contacts/{id}/labels`.
pub async fn contact_labels(
    State(app): State<App>,
    Path((account_id, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let w = app.state.lock();
    match contact_at(&w, &headers, &account_id, &id) {
        Ok((a, c)) => {
            let labels = &w.chatwoot.accounts[a].contacts[c].labels;
            json_response(StatusCode::OK, &json!({ "payload": labels }))
        }
        Err(r) => r,
    }
}

/// `POST .../contacts/{id}/labels`: the list sent becomes the whole list.
pub async fn set_contact_labels(
    State(app): State<App>,
    Path((account_id, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (mut w, a, c, body) = match with_contact_body(&app, &headers, &account_id, &id, body).await
    {
        Ok(found) => found,
        Err(r) => return r,
    };
    // acts_as_taggable: each title once, in the order first given, blanks dropped.
    let mut titles: Vec<String> = Vec::new();
    for v in body
        .get("labels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Ok(Some(t)) = scalar(v) else { continue };
        let t = t.trim().to_owned();
        if !t.is_empty() && !titles.contains(&t) {
            titles.push(t);
        }
    }
    w.chatwoot.accounts[a].contacts[c]
        .labels
        .clone_from(&titles);
    drop(w);
    app.state.touch();
    json_response(StatusCode::OK, &json!({ "payload": titles }))
}

/// `GET .../labels`.
pub async fn labels(
    State(app): State<App>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let w = app.state.lock();
    match account(&w, &headers, &account_id) {
        Ok(a) => json_response(
            StatusCode::OK,
            &json!({ "payload": w.chatwoot.accounts[a].labels }),
        ),
        Err(r) => r,
    }
}

/// `GET .../custom_attribute_definitions?attribute_model=`: a bare array. Blank gives
/// every model's; a value that names no model gives none.
pub async fn attribute_definitions(
    State(app): State<App>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let w = app.state.lock();
    let a = match account(&w, &headers, &account_id) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let model = query_value(query.as_deref(), "attribute_model").unwrap_or_default();
    let model = match model.trim() {
        "0" => "conversation_attribute",
        "1" => "contact_attribute",
        "2" => "company_attribute",
        other => other,
    }
    .to_owned();
    let now = w.now_rfc3339();
    let defs: Vec<Value> = w.chatwoot.accounts[a]
        .attribute_definitions
        .iter()
        .filter(|d| model.is_empty() || d.attribute_model == model)
        .map(|d| {
            let mut v = serde_json::to_value(d).unwrap_or_default();
            v["created_at"] = Value::String(now.clone());
            v["updated_at"] = Value::String(now.clone());
            v
        })
        .collect();
    json_response(StatusCode::OK, &Value::Array(defs))
}
