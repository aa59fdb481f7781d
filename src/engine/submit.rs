//! The submit pipeline every face runs: prepare (refuse on a read-only profile, check
//! every field), send, and record what happened. A created contact is written to the
//! history here, whichever face sent it, so `rolo history`, F4 and the Wipsy monthly
//! estimate see every contact exactly once.

use serde_json::Value;

use crate::api::{Outcome, RateLimit, body};
use crate::config::Profile;
use crate::contact::validate::{Problems, Rules, validate_draft};
use crate::contact::{Catalog, Draft};
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
    let rules = Rules {
        flavour: profile.api,
        default_region: profile.default_region.as_deref(),
        catalog,
    };
    let problems = validate_draft(&rules, draft);
    if problems.is_empty() {
        Ok(request(profile, draft))
    } else {
        Err(problems)
    }
}

/// The request body of a draft (what a dry run prints).
#[must_use]
pub fn request(profile: &Profile, draft: &Draft) -> Value {
    body::create_body(profile.api, draft, profile.default_region.as_deref())
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

impl Session {
    /// Sends a draft exactly once and records the outcome: a created contact goes to the
    /// history with its phone in E.164. When an earlier attempt may have created it
    /// ([`Attempt::MayExist`]), the server is asked first for this contact (phone and
    /// name, and email when given): found, it is recorded and not sent again; someone
    /// else with that phone is a [`Submitted::conflict`], not sent. The draft should have
    /// passed [`prepare`]; the server checks it again anyway.
    pub async fn submit(&self, draft: &Draft, catalog: &Catalog, attempt: Attempt) -> Submitted {
        let region = self.profile().default_region.clone();
        let looked = if attempt == Attempt::MayExist {
            resend::existing(&self.client, draft, region.as_deref()).await
        } else {
            Ok(None)
        };
        let mut done = match looked {
            Ok(Some(Found::Same(known))) => Submitted::not_sent(
                Outcome::Created {
                    id: known.id.clone(),
                    echo: Value::Null,
                },
                attempt,
            )
            .found(known),
            Ok(Some(Found::Other(known))) => {
                let refused = Outcome::FieldErrors {
                    fields: std::collections::BTreeMap::new(),
                    form: vec![conflict_words(&known)],
                };
                let mut done = Submitted::not_sent(refused, attempt);
                done.conflict = Some(known);
                return done;
            }
            Err(outcome) => return Submitted::not_sent(outcome, attempt),
            Ok(None) => {
                let body = request(self.profile(), draft);
                let answer = self.client.create(&body, catalog).await;
                let mut done = Submitted::not_sent(answer.outcome, attempt);
                done.may_exist |= resend::may_have_arrived(&done.outcome);
                done.rate = answer.rate;
                done
            }
        };
        if let Outcome::Created { id, .. } = &done.outcome {
            done.may_exist = false;
            let flavour = self.profile().api;
            let entry = record::entry(
                self.name(),
                id,
                &flavour.full_name(draft),
                &record::phone_of(flavour, draft, region.as_deref()),
            );
            if let Err(e) = record::append(self.data_dir(), &entry) {
                done.warning = Some(record::history_warning(&e));
            }
            done.recorded = Some(entry);
        }
        done
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
