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
use super::session::Session;

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
    /// What the server said.
    pub outcome: Outcome,
    /// The rate-limit figures of the answer, when it carried any.
    pub rate: Option<RateLimit>,
    /// The history entry of a created contact.
    pub recorded: Option<Entry>,
    /// Something went wrong after the contact was created (the history could not be
    /// written): the contact exists, say so anyway.
    pub warning: Option<String>,
}

impl Session {
    /// Sends a draft and records the outcome: a created contact goes to the history.
    /// The draft should have passed [`prepare`]; the server checks it again anyway.
    pub async fn submit(&self, draft: &Draft, catalog: &Catalog) -> Submitted {
        let body = request(self.profile(), draft);
        let answer = self.client.create(&body, catalog).await;
        let mut done = Submitted {
            outcome: answer.outcome,
            rate: answer.rate,
            recorded: None,
            warning: None,
        };
        if let Outcome::Created { id, .. } = &done.outcome {
            let entry = record::entry(
                self.name(),
                id,
                &self.profile().api.full_name(draft),
                draft.get("phone"),
            );
            if let Err(e) = record::append(self.data_dir(), &entry) {
                done.warning = Some(record::history_warning(&e));
            }
            done.recorded = Some(entry);
        }
        done
    }
}
