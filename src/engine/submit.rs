//! The submit pipeline every face runs: prepare (refuse on a read-only profile, check
//! every field), send, and record what happened. A created contact is written to the
//! history here, whichever face sent it, so `rolo history`, F4 and the Wipsy monthly
//! estimate see every contact exactly once.

use serde_json::Value;

use crate::api::{Answer, Client, Outcome, RateLimit, body};
use crate::config::Profile;
use crate::contact::validate::{Problems, Rules, validate_draft};
use crate::contact::{Catalog, Draft, Flavour};
use crate::store::history::Entry;

use super::record;
use super::resend::{self, Found};
use super::session::Session;
use crate::contact::duplicates::{self, Known};

/// Why a draft was not sent.
#[derive(Debug, Clone, PartialEq)]
pub enum NotSent {
    /// The profile is read-only.
    ReadOnly,
    /// rolo's own checks found problems, per field.
    Invalid(Problems),
}

impl NotSent {
    /// The refusal in words (the problems themselves are shown per field by the face).
    #[must_use]
    pub fn words(&self, profile: &Profile) -> String {
        match self {
            Self::ReadOnly => format!(
                "{} is read-only: submitting is switched off for this profile; nothing was sent",
                profile.display_name()
            ),
            Self::Invalid(p) => {
                let n = p.count();
                let s = if n == 1 { "" } else { "s" };
                format!("{n} problem{s} to fix before sending")
            }
        }
    }
}

/// Checks a draft the way every face does: every field against the profile's rules and
/// catalog, then whether the profile may send at all. Gives the request body when it
/// can go.
pub fn prepare(profile: &Profile, catalog: &Catalog, draft: &Draft) -> Result<Value, NotSent> {
    let body = check(profile, catalog, draft).map_err(NotSent::Invalid)?;
    if profile.read_only {
        return Err(NotSent::ReadOnly);
    }
    Ok(body)
}

/// Checks every field of a draft; the request body, or the problems per field. A dry
/// run stops here (it sends nothing, so a read-only profile may run it).
pub fn check(profile: &Profile, catalog: &Catalog, draft: &Draft) -> Result<Value, Problems> {
    check_for(
        profile.api,
        profile.default_region.as_deref(),
        catalog,
        draft,
    )
}

/// [`check`] by a flavour and a default phone region rather than a whole profile: what
/// `rolo import` runs on each row before the first is sent.
pub fn check_for(
    flavour: Flavour,
    region: Option<&str>,
    catalog: &Catalog,
    draft: &Draft,
) -> Result<Value, Problems> {
    let rules = Rules {
        flavour,
        default_region: region,
        catalog,
    };
    let problems = validate_draft(&rules, draft);
    if problems.is_empty() {
        Ok(body::create_body(
            flavour,
            draft,
            region,
            &catalog.custom_fields,
        ))
    } else {
        Err(problems)
    }
}

/// The request body of a draft (what a dry run prints).
#[must_use]
pub fn request(profile: &Profile, catalog: &Catalog, draft: &Draft) -> Value {
    body::create_body(
        profile.api,
        draft,
        profile.default_region.as_deref(),
        &catalog.custom_fields,
    )
}

/// What a send came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Submitted {
    /// What the server said. When an earlier attempt had created the contact, this is
    /// `Created` with that contact's id (and [`Submitted::earlier`] says so).
    pub outcome: Outcome,
    /// The rate-limit figures of the answer, when it carried any.
    pub rate: Option<RateLimit>,
    /// The history entry of a created contact.
    pub recorded: Option<Entry>,
    /// Something went wrong after the contact was created (the history could not be
    /// written): the contact exists, say so anyway.
    pub warning: Option<String>,
    /// The contact an earlier attempt had created, found by looking first: not sent again.
    pub earlier: Option<Known>,
    /// Not sent: an earlier attempt may have created this contact, and the server holds
    /// someone with the same phone (or email) but another name or email. The face shows
    /// it and lets the agent decide (send anyway, or leave it).
    pub conflict: Option<Known>,
    /// The contact may exist on the server though this attempt did not see it created
    /// (a timeout, a dropped connection, a 5xx or an unreadable answer, now or before):
    /// the next attempt, from any face, must look first.
    pub may_exist: bool,
    /// The catalog grown by what the created contact's echo taught (new Wipsy tags,
    /// stages, custom fields), already cached: the face takes it in place of its own.
    pub learned: Option<Box<Catalog>>,
    /// The contact was created but part of it could not be set (Chatwoot labels, a call
    /// of their own): why. That part waits in the outbox as an update of the contact,
    /// and [`Submitted::warning`] says so in words.
    pub unfinished: Option<Outcome>,
}

/// Whether the next attempt to send a draft must first look for it on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Attempt {
    /// Nothing was sent before (or the agent chose to send anyway after a conflict).
    #[default]
    First,
    /// An earlier attempt may have created it: look with the exact match first.
    MayExist,
}

/// What the look for an earlier attempt's contact found: the first request of the send
/// step after an uncertain outcome, the same for every face.
#[derive(Debug)]
pub(crate) enum Looked {
    /// This very contact (phone and name, and email when given): not sent again. With
    /// why its labels could not be set now, when they wait in the outbox.
    Found(Known, Option<Outcome>),
    /// Someone else with the same phone or email: not sent, the agent decides.
    Conflict(Known),
    /// Nothing: the draft may be sent.
    Absent,
    /// The look could not be done (no answer, a refusal): not sent, still "may exist".
    Failed(Outcome),
}

/// Looks for the contact an earlier attempt at `draft` may have created (read by role,
/// whatever its fields' keys). Every face runs it before sending a "may exist" draft; a
/// face that paces its requests (import) spends a permit on it.
///
/// A contact found is finished as the create would have finished it ([`Client::finish`]:
/// its labels, on an API that sets them apart); what cannot be set now waits in the
/// outbox ([`Keep::rest`]).
pub(crate) async fn look(
    client: &Client,
    draft: &Draft,
    region: Option<&str>,
    body: &Value,
    keep: &Keep,
) -> Looked {
    match look_only(client, draft, region).await {
        Looked::Found(known, _) => match client.finish(&known.id, body).await {
            Ok(()) => Looked::Found(known, None),
            Err(why) => {
                let labels = client.split_labels(body).1.unwrap_or_default();
                keep.rest(&known.id, draft, &client.labels_body(labels), &why);
                Looked::Found(known, Some(why))
            }
        },
        other => other,
    }
}

/// [`look`] without finishing what it finds.
async fn look_only(client: &Client, draft: &Draft, region: Option<&str>) -> Looked {
    match resend::existing(client, draft, region).await {
        // Found, but with no id to record or show (a 10 KB or control-laden "id"): an
        // unreadable answer, as a create's would be; the contact stays waiting.
        Ok(Some(Found::Same(known))) if !crate::api::is_an_id(&known.id) => {
            Looked::Failed(Outcome::Undecodable {
                status: 200,
                excerpt: "a matching contact without a readable id".to_owned(),
            })
        }
        Ok(Some(Found::Same(known))) => Looked::Found(known, None),
        Ok(Some(Found::Other(known))) => Looked::Conflict(known),
        Ok(None) => Looked::Absent,
        Err(outcome) => Looked::Failed(outcome),
    }
}

/// The create request of the send step, the same for every face: the server's answer,
/// and whether the contact may be on the server though the answer did not say it was
/// created (a timeout, a drop, a 5xx, an unreadable answer).
///
/// A contact an API takes in two calls (Chatwoot: the contact, then its labels) whose
/// second call failed exists all the same: the part it did not set waits in the outbox
/// as an update of that contact ([`Keep::rest`]), never as a second create.
pub(crate) async fn send(
    client: &Client,
    body: &Value,
    catalog: &Catalog,
    draft: &Draft,
    keep: &Keep,
) -> (Answer, bool) {
    let answer = client.create(body, catalog).await;
    if let (Outcome::Created { id, .. }, Some((rest, why))) = (&answer.outcome, &answer.unsent) {
        keep.rest(id, draft, rest, why);
    }
    let may_exist = resend::may_have_arrived(&answer.outcome);
    (answer, may_exist)
}

/// Where the send step keeps what a created contact still lacks: the profile's outbox.
#[derive(Debug, Clone)]
pub struct Keep {
    /// The data dir whose outbox it goes to.
    pub data_dir: std::path::PathBuf,
    /// The profile it belongs to.
    pub profile: String,
    /// The profile's flavour (for the name shown).
    pub flavour: crate::contact::Flavour,
}

impl Keep {
    /// Puts an update of contact `id` with `rest` in the outbox, held back for the reason
    /// `why`; a failure to write it is logged (the contact itself is created and
    /// recorded either way).
    pub fn rest(&self, id: &str, draft: &Draft, rest: &Value, why: &Outcome) {
        let name = self.flavour.full_name(draft);
        let fields: Vec<&str> = rest
            .as_object()
            .into_iter()
            .flat_map(|o| o.keys())
            .map(String::as_str)
            .collect();
        let reason = format!(
            "created as id {id}, but its {} could not be set: {}",
            fields.join(", "),
            why.summary()
        );
        let mut item = crate::store::outbox::Item::new(
            &self.profile,
            draft.clone(),
            &name,
            &reason,
            false,
            resend::retry_at(why),
        );
        // A new contact holds none of it: each key was empty before.
        let before: serde_json::Map<String, Value> = fields
            .iter()
            .map(|k| ((*k).to_owned(), Value::Null))
            .collect();
        item.update = Some(crate::store::outbox::Update {
            contact_id: id.to_owned(),
            body: rest.clone(),
            before: Value::Object(before),
            rest_of_create: true,
        });
        if let Err(e) = crate::store::outbox::put(&self.data_dir, &item) {
            tracing::warn!(target: "rolo::outbox", "cannot keep what contact {id} lacks: {e}");
        }
    }
}

impl Session {
    /// Where the send step keeps what a created contact still lacks.
    pub(crate) fn keep(&self) -> Keep {
        Keep {
            data_dir: self.data_dir().to_owned(),
            profile: self.profile().name.clone(),
            flavour: self.profile().api,
        }
    }

    /// Sends a draft exactly once and records the outcome: a created contact goes to the
    /// history with its phone in E.164, and what its echo teaches a catalog the API
    /// cannot list is cached ([`Submitted::learned`]). When an earlier attempt may have
    /// created it ([`Attempt::MayExist`]), the server is asked first for this contact
    /// (phone and name, and email when given): found, it is recorded and not sent again;
    /// someone else with that phone is a [`Submitted::conflict`], not sent. The draft
    /// should have passed [`prepare`]; the server checks it again anyway.
    pub async fn submit(&self, draft: &Draft, catalog: &Catalog, attempt: Attempt) -> Submitted {
        let region = self.profile().default_region.clone();
        let body = request(self.profile(), catalog, draft);
        let looked = match attempt {
            Attempt::MayExist => {
                look(&self.client, draft, region.as_deref(), &body, &self.keep()).await
            }
            Attempt::First => Looked::Absent,
        };
        let mut done = match looked {
            Looked::Found(known, unfinished) => {
                let outcome = Outcome::Created {
                    id: known.id.clone(),
                    echo: Value::Null,
                };
                let mut done = Submitted::not_sent(outcome, attempt).found(known);
                done.unfinished = unfinished;
                done
            }
            Looked::Conflict(known) => {
                let refused = Outcome::FieldErrors {
                    fields: std::collections::BTreeMap::new(),
                    form: vec![conflict_words(&known)],
                };
                let mut done = Submitted::not_sent(refused, attempt);
                done.conflict = Some(known);
                return done;
            }
            Looked::Failed(outcome) => return Submitted::not_sent(outcome, attempt),
            Looked::Absent => {
                let (answer, may_exist) =
                    send(&self.client, &body, catalog, draft, &self.keep()).await;
                let mut done = Submitted::not_sent(answer.outcome, attempt);
                done.may_exist |= may_exist;
                done.rate = answer.rate;
                done.unfinished = answer.unsent.map(|(_, why)| why);
                done
            }
        };
        if let Outcome::Created { id, echo } = &done.outcome {
            done.may_exist = false;
            let recorded = self.record_created(id, draft, echo, catalog);
            done.warning = recorded.warnings();
            if let Some(why) = &done.unfinished {
                let said = format!(
                    "created as id {id}, but its labels could not be set ({}); they wait in \
                     the outbox as an update of this contact",
                    why.summary()
                );
                done.warning = Some(match done.warning.take() {
                    Some(w) => format!("{said}; {w}"),
                    None => said,
                });
            }
            done.recorded = Some(recorded.entry);
            done.learned = recorded.learned;
        }
        done
    }

    /// The record step of a contact now known to exist (created now, or found from an
    /// earlier attempt), the same from every face: its history entry with the phone in
    /// E.164, and what its echo (`Null` when found) teaches a catalog the API cannot list,
    /// cached. Import writes its history through its journal's writer in batches, with
    /// the same [`record::entry`] (its phone in E.164 taken from the request body it sent,
    /// not parsed again), and learns once at its end.
    pub(crate) fn record_created(
        &self,
        id: &str,
        draft: &Draft,
        echo: &Value,
        catalog: &Catalog,
    ) -> Recorded {
        let profile = self.profile();
        let flavour = profile.api;
        let region = profile.default_region.as_deref();
        let entry = record::entry(
            self.name(),
            id,
            &flavour.full_name(draft),
            &record::phone_of(flavour, draft, region),
        );
        let history = record::append(self.data_dir(), &entry)
            .err()
            .map(|e| record::history_warning(&e));
        let mut learned = None;
        let mut cache = None;
        if !echo.is_null() && !flavour.caps().lists_catalogs {
            let mut grown = catalog.clone();
            cache = super::catalog::learn(
                &mut grown,
                std::slice::from_ref(echo),
                self.data_dir(),
                profile,
            )
            .map(|e| format!("cannot cache the catalog: {e}"));
            if grown != *catalog {
                learned = Some(Box::new(grown));
            }
        }
        Recorded {
            entry,
            learned,
            history,
            cache,
        }
    }
}

/// What the record step wrote, and what it could not.
#[derive(Debug)]
pub(crate) struct Recorded {
    /// The history entry.
    pub entry: Entry,
    /// The catalog with what the echo taught, when it taught anything (already cached).
    pub learned: Option<Box<Catalog>>,
    /// Why the history could not be written.
    pub history: Option<String>,
    /// Why the catalog cache could not be written.
    pub cache: Option<String>,
}

impl Recorded {
    /// Both warnings in one line, when there is any.
    pub fn warnings(&self) -> Option<String> {
        let all: Vec<&str> = [&self.history, &self.cache]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        (!all.is_empty()).then(|| all.join("; "))
    }
}

impl Submitted {
    /// An outcome before anything is recorded; still "may exist" after a may-exist attempt.
    fn not_sent(outcome: Outcome, attempt: Attempt) -> Self {
        Self {
            outcome,
            rate: None,
            recorded: None,
            warning: None,
            earlier: None,
            conflict: None,
            may_exist: attempt == Attempt::MayExist,
            learned: None,
            unfinished: None,
        }
    }

    fn found(mut self, known: Known) -> Self {
        self.earlier = Some(known);
        self
    }
}

/// Why a contact that may exist was not sent: the words every face shows.
#[must_use]
pub fn conflict_words(known: &Known) -> String {
    format!(
        "Not sent: an earlier attempt may have created this contact, and the server has {} \
         with the same phone; it may be this contact or someone else. Look, then send \
         anyway or leave it",
        duplicates::describe(known)
    )
}
