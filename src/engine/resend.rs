//! Sending an outbox item again, exactly once: when an earlier attempt may have reached
//! the server (a timeout, a dropped connection, a crash mid-send), rolo first looks for a
//! contact with the same phone (or email) and, when it finds one, marks the item done
//! instead of creating a second.

use std::path::Path;

use crate::api::{Answer, Client, Outcome, body};
use crate::contact::duplicates::{self, Known};
use crate::contact::{Catalog, Role};
use crate::store::outbox::{self, Item};

use super::session::Session;
use super::submit::{self, Looked};

/// How a resend ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Resent {
    /// Created now.
    Created {
        /// The server's id.
        id: String,
    },
    /// An update of an existing contact, sent now.
    Updated {
        /// The server's id of the contact.
        id: String,
    },
    /// An earlier attempt had reached the server: this contact is it.
    AlreadyThere(Known),
    /// Still failing for a reason that may pass; the item stays, updated.
    StillWaiting(Outcome),
    /// Refused for good (field errors, auth, quota): the item stays for the agent.
    Refused(Outcome),
    /// An earlier attempt may have arrived and the server holds a contact with the same
    /// phone (or email) but another name or email: not sent, not recorded; the agent
    /// looks and decides (send anyway from the form, or drop it).
    Conflict(Known),
    /// The profile is read-only now: not sent, the item stays (the pipeline's prepare
    /// step, as for a first send).
    ReadOnly(String),
    /// Another rolo process is sending this item right now; it was left to that one.
    Busy,
    /// Another rolo process finished this item (created it or found it) meanwhile.
    Gone,
    /// The item's send lock could not be taken (the outbox directory cannot be written):
    /// not sent, since without the lock a second rolo could send it too.
    Unlocked(String),
}

/// Whether a failed attempt may have been stored by the server anyway.
#[must_use]
pub fn may_have_arrived(o: &Outcome) -> bool {
    match o {
        Outcome::Network { kind, .. } => kind.may_have_arrived(),
        Outcome::ServerError { .. } | Outcome::Undecodable { .. } | Outcome::Redirected { .. } => {
            true
        }
        _ => false,
    }
}

/// The longest wait an outbox item is given for a rate limit (a day): longer figures
/// are the server's mistake, not a plan.
const MAX_RETRY_WAIT: u64 = 86_400;

/// When a rate-limited item may be sent again (unix seconds).
#[must_use]
pub fn retry_at(o: &Outcome) -> Option<i64> {
    match o {
        Outcome::RateLimited { retry_after, .. } => {
            // An absurd figure (up to 2^64-1) must not wrap the time into the past,
            // which made the item due at once: a day at most, as import caps its waits.
            let wait = retry_after.unwrap_or(60).min(MAX_RETRY_WAIT);
            let wait = i64::try_from(wait).unwrap_or(60);
            Some(jiff::Timestamp::now().as_second().saturating_add(wait))
        }
        _ => None,
    }
}

/// Looks for a draft's contact on the server by phone, then email: what every face does
/// before sending a contact that an earlier attempt may have created.
pub(super) async fn existing(
    client: &Client,
    draft: &crate::contact::Draft,
    region: Option<&str>,
) -> Result<Option<Found>, Outcome> {
    let flavour = client.flavour();
    let phone = Some(super::record::phone_of(flavour, draft, region)).filter(|p| !p.is_empty());
    let email = Some(flavour.value(draft, Role::Email)).filter(|e| !e.is_empty());
    if phone.is_none() && email.is_none() {
        return Ok(None);
    }
    // An API that cannot search: its most recent contacts are where a lost create is.
    let recent = client.recent().await?;
    let (found, _) = client
        .find_duplicates(phone.as_deref(), email, &recent)
        .await;
    let found = found?;
    let name = flavour.full_name(draft);
    if let Some(k) = found
        .iter()
        .find(|k| duplicates::is_exactly(k, &name, phone.as_deref(), email))
    {
        return Ok(Some(Found::Same(k.clone())));
    }
    Ok(found
        .into_iter()
        .find(|k| duplicates::same(k, phone.as_deref(), email))
        .map(Found::Other))
}

/// What the look for an earlier attempt found.
pub(super) enum Found {
    /// This very contact (phone and name, and email when given).
    Same(Known),
    /// Someone with the same phone or email but not this contact.
    Other(Known),
}

/// Sends an outbox item again, updating its file before and after so that a crash at
/// any point leaves it either waiting (and marked as possibly arrived) or gone. The
/// look and the create are the pipeline's own ([`submit::look`], [`submit::send`]).
async fn send_again(
    client: &Client,
    data_dir: &Path,
    mut item: Item,
    region: Option<&str>,
    catalog: &Catalog,
    keep: &submit::Keep,
) -> (Resent, Option<Answer>, Vec<String>) {
    let mut problems = Vec::new();
    let mut put = |item: &Item| {
        if let Err(e) = outbox::put(data_dir, item) {
            problems.push(format!("cannot update the outbox item: {e}"));
        }
    };
    if let Some(update) = item.update.clone().filter(|u| u.rest_of_create) {
        // The rest of a create (its labels): added to what the contact holds now, as the
        // look-first finishes a contact it finds; never taking one away.
        item.attempts += 1;
        put(&item);
        let id = update.contact_id;
        let result = match client.finish(&id, &update.body).await {
            Ok(()) => Resent::Updated { id },
            Err(o) => settle(&mut item, &o, false, &mut put),
        };
        return (result, None, problems);
    }
    if let Some(update) = item.update.clone() {
        // What still waits: the fields that hold their old value now. One that holds
        // the new value arrived; one changed since is not the agent's to undo.
        let (body, since) =
            match left_to_send(client, &update, region, &catalog.custom_fields).await {
                Ok(left) => left,
                Err(o) => {
                    let result = settle(&mut item, &o, false, &mut put);
                    return (result, None, problems);
                }
            };
        let note = (!since.is_empty()).then(|| {
            format!(
                "changed on the server since, so left as it is there: {}",
                since.join(", ")
            )
        });
        let id = update.contact_id;
        if body.as_object().is_none_or(serde_json::Map::is_empty) {
            problems.extend(note);
            return (Resent::Updated { id }, None, problems);
        }
        item.attempts += 1;
        put(&item);
        let answer = client.update(&id, &body).await;
        let result = match &answer.outcome {
            Outcome::Created { .. } => Resent::Updated { id },
            o => settle(&mut item, o, may_have_arrived(o), &mut put),
        };
        problems.extend(note);
        return (result, Some(answer), problems);
    }
    let body = body::create_body(
        client.flavour(),
        &item.draft,
        region,
        &catalog.custom_fields,
    );
    if item.may_have_arrived {
        match submit::look(client, &item.draft, region, &body, keep).await {
            Looked::Found(k, unfinished) => {
                // Found, its labels still waiting (in an item of their own): said.
                problems.extend(unfinished.map(|why| {
                    format!(
                        "found as id {}, but its labels could not be set ({}); they wait in \
                         the outbox",
                        k.id,
                        why.summary()
                    )
                }));
                return (Resent::AlreadyThere(k), None, problems);
            }
            Looked::Conflict(k) => {
                item.reason = format!(
                    "look first: the server has {} with this phone; it may be this contact, \
                     sent by an earlier attempt, or someone else",
                    duplicates::describe(&k)
                );
                put(&item);
                return (Resent::Conflict(k), None, problems);
            }
            Looked::Failed(o) => {
                item.reason = format!("could not check for an earlier attempt: {}", o.summary());
                put(&item);
                return (Resent::StillWaiting(o), None, problems);
            }
            Looked::Absent => {}
        }
    }
    item.attempts += 1;
    item.may_have_arrived = true;
    // Written before the request: if rolo dies while sending, the next try looks first.
    put(&item);
    let (answer, may_exist) = submit::send(client, &body, catalog, &item.draft, keep).await;
    let result = match &answer.outcome {
        Outcome::Created { id, .. } => Resent::Created { id: id.clone() },
        o => settle(&mut item, o, may_exist, &mut put),
    };
    (result, Some(answer), problems)
}

/// The part of a waiting update still to send, read against the contact as the server
/// holds it now, and the labels of the fields changed there since (left alone). An item
/// from before updates kept their old values is sent as it is.
async fn left_to_send(
    client: &Client,
    update: &crate::store::outbox::Update,
    region: Option<&str>,
    defs: &[crate::contact::catalog::CustomFieldDef],
) -> Result<(serde_json::Value, Vec<String>), Outcome> {
    let Some(before) = update.before.as_object() else {
        return Ok((update.body.clone(), Vec::new()));
    };
    let (contact, _) = client.contact(&update.contact_id).await;
    let flavour = client.flavour();
    let now = body::create_body(flavour, &body::draft_of(flavour, &contact?), region, defs);
    // Nothing, `null` and `[]` all say "empty".
    let norm = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => serde_json::Value::Null,
        Some(serde_json::Value::Array(a)) if a.is_empty() => serde_json::Value::Null,
        Some(v) => v.clone(),
    };
    let mut left = serde_json::Map::new();
    let mut since = Vec::new();
    // Field by field, a nested one (`additional_attributes.city`) by its own value.
    let before = serde_json::Value::Object(before.clone());
    for spec in flavour.fields() {
        let Some(new) = body::lookup(&update.body, spec.key) else {
            continue;
        };
        let held = norm(body::lookup(&now, spec.key));
        if held == norm(Some(new)) {
            continue;
        }
        if held == norm(body::lookup(&before, spec.key)) {
            body::put(&mut left, spec.key, new.clone());
        } else {
            since.push(spec.label.to_owned());
        }
    }
    Ok((serde_json::Value::Object(left), since))
}

/// An item whose send did not succeed: still waiting (for a reason that may pass), or
/// refused; written back either way.
fn settle(item: &mut Item, o: &Outcome, may_exist: bool, put: &mut impl FnMut(&Item)) -> Resent {
    if o.may_pass() {
        item.may_have_arrived = may_exist;
        item.retry_at = retry_at(o);
        item.reason = o.summary();
        put(item);
        Resent::StillWaiting(o.clone())
    } else {
        item.may_have_arrived = false;
        item.reason = format!("refused: {}", super::words::refusal(o));
        put(item);
        Resent::Refused(o.clone())
    }
}

/// What a resend came to, for the face to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Retried {
    /// How it ended.
    pub result: Resent,
    /// The rate-limit figures of the answer, if a request was answered.
    pub rate: Option<crate::api::RateLimit>,
    /// The history entry, when the contact is now known to exist.
    pub recorded: Option<crate::store::history::Entry>,
    /// Files that could not be written (the outbox item, the history, the catalog).
    pub warnings: Vec<String>,
    /// The created contact as the server echoed it (`Null` otherwise). What it teaches a
    /// catalog the API cannot list is cached already; a face holding that catalog in
    /// memory harvests it too.
    pub echo: serde_json::Value,
}

impl Retried {
    /// One line about it, the same in every face (which adds the item or a prefix).
    #[must_use]
    pub fn words(&self, name: &str) -> String {
        match &self.result {
            Resent::Created { id } => format!("created {name} (id {id})"),
            Resent::Updated { id } => format!("updated {name} (id {id})"),
            Resent::AlreadyThere(k) => super::words::already_there(name, &k.id),
            Resent::StillWaiting(o) => format!("{name} still waits: {}", o.summary()),
            Resent::Refused(o) => format!("{name} was refused: {}", super::words::refusal(o)),
            Resent::Conflict(k) => format!(
                "{name} was not sent: the server has {} with the same phone; it may be this \
                 contact from an earlier attempt, or someone else. Look, then send it anyway \
                 or drop it from the outbox",
                crate::contact::duplicates::describe(k)
            ),
            Resent::ReadOnly(why) => format!("{name} was not sent: {why}"),
            Resent::Busy => format!("{name} is being sent by another rolo right now; left to it"),
            Resent::Gone => format!("{name} was sent by another rolo meanwhile; nothing to do"),
            Resent::Unlocked(e) => {
                format!("{name} was not sent: cannot lock its outbox item ({e})")
            }
        }
    }
}

impl Session {
    /// Sends an outbox item again, exactly once: a contact now known to exist (created
    /// now, or found from an earlier attempt) is recorded in the history and leaves the
    /// outbox; any other result stays in the item for the next try.
    ///
    /// Two rolo processes (two forms, a form and `rolo outbox retry`, two retries) never
    /// send one item twice: the item's send lock is held from before the item is read
    /// again until its record is written and it is removed.
    pub async fn resend(&self, item: Item, catalog: &Catalog) -> Retried {
        let not_sent = |result| Retried {
            result,
            rate: None,
            recorded: None,
            warnings: Vec::new(),
            echo: serde_json::Value::Null,
        };
        if self.profile().read_only {
            let words = super::submit::NotSent::ReadOnly.words(self.profile());
            return not_sent(Resent::ReadOnly(words));
        }
        let _lock = match outbox::lock(self.data_dir(), &item.id) {
            Ok(Some(lock)) => lock,
            Ok(None) => return not_sent(Resent::Busy),
            Err(e) => return not_sent(Resent::Unlocked(e.to_string())),
        };
        // What this process read may be stale: another one may have sent the item, or
        // tried it again, between that read and this lock.
        let Some(item) = outbox::get(self.data_dir(), &item.id) else {
            return not_sent(Resent::Gone);
        };
        let region = self.profile().default_region.clone();
        let (id, draft) = (item.id.clone(), item.draft.clone());
        // The rest of a create (its labels) is part of that create's record, not an
        // update of its own.
        let finishing = item.update.as_ref().is_some_and(|u| u.rest_of_create);
        let (result, answer, mut warnings) = send_again(
            &self.client,
            self.data_dir(),
            item,
            region.as_deref(),
            catalog,
            &self.keep(),
        )
        .await;
        let echo = match answer.as_ref().map(|a| &a.outcome) {
            Some(Outcome::Created { echo, .. }) => echo.clone(),
            _ => serde_json::Value::Null,
        };
        let server_id = match &result {
            Resent::Created { id } => Some(id.clone()),
            Resent::AlreadyThere(k) => Some(k.id.clone()),
            _ => None,
        };
        let recorded = server_id.map(|server_id| {
            let done = self.record_created(&server_id, &draft, &echo, catalog);
            warnings.extend(done.history.clone());
            warnings.extend(done.cache.clone());
            done.entry
        });
        let recorded = recorded.or_else(|| match &result {
            Resent::Updated { id } if !finishing => {
                let now = if echo.is_object() {
                    body::draft_of(self.flavour(), &echo)
                } else {
                    draft.clone()
                };
                let (entry, warning) = self.record_updated(id, &now);
                warnings.extend(warning);
                Some(entry)
            }
            _ => None,
        });
        let done = recorded.is_some() || (finishing && matches!(result, Resent::Updated { .. }));
        if done && let Err(e) = outbox::remove(self.data_dir(), &id) {
            warnings.push(format!(
                "sent, but the outbox item could not be removed: {e}"
            ));
        }
        let fate = match &result {
            Resent::Created { id } => format!("created (id {id})"),
            Resent::Updated { id } => format!("updated (id {id})"),
            Resent::AlreadyThere(k) => format!("already on the server (id {})", k.id),
            Resent::StillWaiting(o) => format!("still waits: {}", o.summary()),
            Resent::Refused(o) => format!("refused: {}", o.summary()),
            Resent::Conflict(k) => format!("conflict with id {}", k.id),
            Resent::Busy | Resent::Gone => "left to another rolo".to_owned(),
            Resent::Unlocked(e) => format!("not locked: {e}"),
            Resent::ReadOnly(_) => "read-only profile".to_owned(),
        };
        tracing::info!(
            target: "rolo::outbox",
            "resent {} ({}): {}",
            super::outbox::short(&id),
            self.name(),
            crate::text::inert(&fate)
        );
        Retried {
            result,
            rate: answer.and_then(|a| a.rate),
            recorded,
            warnings,
            echo,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 26: a `Retry-After` of 2^64-1 or `i64::MAX` wrapped the item's time into the
    /// past (due at once); it is a day ahead at most, never behind.
    #[test]
    fn an_absurd_retry_after_keeps_the_item_waiting_a_day_at_most() {
        for figure in [u64::MAX, i64::MAX.unsigned_abs(), 1_000_000_000_000] {
            let before = jiff::Timestamp::now().as_second();
            let o = Outcome::RateLimited {
                retry_after: Some(figure),
                message: String::new(),
            };
            let at = retry_at(&o).unwrap();
            assert!(at >= before + 86_000, "{figure}: {at} vs {before}");
            assert!(at <= before + 86_400 + 60, "{figure}: {at} vs {before}");
        }
    }
}
