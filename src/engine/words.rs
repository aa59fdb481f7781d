//! The words rolo says about an outcome, written once for every face. Sentences are
//! lower-case first so the CLI can put them after `rolo: `; the TUI capitalises them.
//! A face adds only what is its own: which key or command tries again.

use crate::api::{AuthProblem, Outcome};
use crate::config::Profile;

/// `text` with its first letter in upper case, for the TUI's status line.
#[must_use]
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A refusal in one line.
#[must_use]
pub fn refusal(o: &Outcome) -> String {
    match o {
        Outcome::FieldErrors { fields, form } => {
            let mut parts: Vec<String> = fields
                .iter()
                .map(|(k, m)| format!("{k}: {}", m.join("; ")))
                .collect();
            parts.extend(form.iter().cloned());
            parts.join(" · ")
        }
        other => other.summary(),
    }
}

/// What rolo says about a submit that did not create the contact: what happened (with
/// the server's words) and, apart, what the user can do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What happened, in one sentence.
    pub what: String,
    /// What to do about it, when rolo knows.
    pub advice: Option<String>,
}

impl Failure {
    fn new(what: String, advice: Option<String>) -> Self {
        Self { what, advice }
    }

    /// Both parts as sentences on one line, capitalised, for the form's status line.
    #[must_use]
    pub fn line(&self) -> String {
        let what = sentence(&capitalised(&self.what));
        match &self.advice {
            Some(a) => format!("{what} {}", sentence(&capitalised(a))),
            None => what,
        }
    }
}

/// `text` ending as a sentence does: a full stop added unless it ends with one, a
/// question or an exclamation mark ("…base URL right?" stays, never "right?.").
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '?', '!', '…']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// The words for an outcome other than a creation. Field errors are counted here; each
/// face shows the messages themselves where they belong (under the fields, or a line
/// each).
#[must_use]
pub fn failure(o: &Outcome, profile: &Profile) -> Failure {
    match o {
        Outcome::Created { id, .. } => Failure::new(format!("created (id {id})"), None),
        Outcome::FieldErrors { fields, form } => {
            let n = fields.values().map(Vec::len).sum::<usize>() + form.len();
            let s = if n == 1 { "" } else { "s" };
            Failure::new(
                format!("the server refused the contact ({n} message{s})"),
                Some("fix what it names and send again".to_owned()),
            )
        }
        Outcome::QuotaExceeded {
            current,
            maximum,
            details,
        } => Failure::new(
            format!(
                "quota spent — nothing was created{}: {}",
                match (current, maximum) {
                    (Some(c), Some(m)) => format!(" ({c} of {m})"),
                    _ => String::new(),
                },
                details.trim()
            ),
            // The servers' own words usually say it already ("Please upgrade your
            // plan."): the advice is not said twice.
            Some("upgrade the plan or wait for the quota to renew".to_owned())
                .filter(|_| !details.to_lowercase().contains("upgrade")),
        ),
        Outcome::RateLimited {
            retry_after,
            message,
        } => rate_limited(*retry_after, message),
        Outcome::Auth { problem, message } => Failure::new(
            auth(problem, profile),
            Some(format!("the server said: {}", message.trim())),
        ),
        Outcome::Network { message, .. } => Failure::new(message.clone(), None),
        Outcome::ServerError { status, message } => Failure::new(
            format!("the server failed (HTTP {status}): {}", message.trim()),
            Some("try again shortly".to_owned()),
        ),
        Outcome::Undecodable { status, excerpt } => Failure::new(
            format!("the server's answer (HTTP {status}) could not be read: {excerpt}"),
            Some("the contact may exist on the server: a resend looks for it first".to_owned()),
        ),
        Outcome::NotFound { message } => Failure::new(
            format!("the contact is not on the server: {}", message.trim()),
            Some("it may have been deleted; find it again, or create it".to_owned()),
        ),
        Outcome::Redirected { to } => Failure::new(
            format!(
                "the server redirected to {to}; rolo did not follow, so the key was not sent there"
            ),
            Some(
                "the contact may exist on the server (it may have stored it before \
                 redirecting): a resend looks for it first; check base_url"
                    .to_owned(),
            ),
        ),
    }
}

/// A 429: the server's words, and the wait unless they already say it.
fn rate_limited(retry_after: Option<u64>, message: &str) -> Failure {
    let message = message.trim().trim_end_matches('.');
    let wait = retry_after.map_or_else(|| "a minute".to_owned(), wait_words);
    let says_when = message.to_lowercase().contains("try again");
    Failure::new(
        format!("rate limited: {message}"),
        (!says_when).then(|| format!("try again in {wait}")),
    )
}

/// A wait the server asked for, as a person reads it: seconds, minutes, hours; a wait
/// past a day is no wait anyone will sit out, and is said to be the server's odd figure.
#[must_use]
pub fn wait_words(secs: u64) -> String {
    let plural = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match secs {
        0..=90 => plural(secs, "second"),
        91..=5_399 => plural(secs.div_ceil(60), "minute"),
        5_400..=86_400 => plural(secs.div_ceil(3_600), "hour"),
        _ => format!("a while (the server asked for an impossible wait of {secs} seconds)"),
    }
}

/// What a refused key means and what to do, naming the profile and where its key
/// comes from.
#[must_use]
pub fn auth(problem: &AuthProblem, profile: &Profile) -> String {
    let name = &profile.name;
    match problem {
        AuthProblem::Missing => format!(
            "no key reached the server for profile {name} (key from {}); check where it comes from (rolo profiles)",
            profile.secret.describe()
        ),
        AuthProblem::Invalid => format!(
            "the server does not accept this profile's key ({name}, from {}); check it",
            profile.secret.describe()
        ),
        AuthProblem::Revoked => {
            format!("the token of profile {name} was revoked; create a new one in the CRM")
        }
        AuthProblem::Expired => {
            format!("the token of profile {name} has expired; create a new one in the CRM")
        }
        AuthProblem::Scope(scope) => format!(
            "the token of profile {name} lacks the scope {scope}; give it that scope in the CRM"
        ),
        AuthProblem::NoAccount => format!(
            "the CRM has no account at profile {name}'s account_id (or not for its token); \
             check account_id in the config: it is the number after /accounts/ in the \
             dashboard's address"
        ),
        AuthProblem::IpNotWhitelisted => format!(
            "the token of profile {name} may not be used from this address; whitelist it in the CRM"
        ),
    }
}

/// A created contact, in the same words from every face (each adds its own ending):
/// `Created Ana Pérez (id 1042) in Acme (WhatsMark)`.
#[must_use]
pub fn created(name: &str, id: &str, profile: &str) -> String {
    format!("Created {} (id {id}) in {profile}", named(name))
}

/// A contact's name in a sentence; one without a name (Chatwoot takes a contact with
/// only a phone or email, and an update may clear it) is said so, not left blank.
fn named(name: &str) -> &str {
    if name.trim().is_empty() {
        "a contact without a name"
    } else {
        name
    }
}

/// An update the server took, in the same words from every face.
#[must_use]
pub fn updated(name: &str, id: &str, profile: &str) -> String {
    format!("Updated {} (id {id}) in {profile}", named(name))
}

/// A contact an earlier attempt had created, found by looking before sending again, in
/// the same words from every face.
#[must_use]
pub fn already_there(name: &str, id: &str) -> String {
    format!("{name} was already on the server from an earlier attempt (id {id}); not sent again")
}

/// What a contact that went to the outbox waits for, for the CLI and linear mode alike
/// (the form words its own key for the outbox).
#[must_use]
pub fn kept_in_outbox(short_id: &str) -> String {
    format!("kept in the outbox as {short_id}; `rolo outbox retry` sends it again")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A contact without a name is said so, not left as a blank ("Updated  (id 10)").
    #[test]
    fn a_contact_without_a_name_is_said_so() {
        assert_eq!(
            updated("", "10", "cw"),
            "Updated a contact without a name (id 10) in cw"
        );
        assert_eq!(created("Ana", "4", "cw"), "Created Ana (id 4) in cw");
    }

    #[test]
    fn waits_read_as_people_say_them() {
        assert_eq!(wait_words(1), "1 second");
        assert_eq!(wait_words(45), "45 seconds");
        assert_eq!(wait_words(600), "10 minutes");
        assert_eq!(wait_words(7_200), "2 hours");
        assert_eq!(
            wait_words(1_000_000_000_000),
            "a while (the server asked for an impossible wait of 1000000000000 seconds)"
        );
    }

    #[test]
    fn a_line_ends_once() {
        let f = Failure::new(
            "could not connect: is the server running and the base URL right?".to_owned(),
            Some("try again.".to_owned()),
        );
        assert_eq!(
            f.line(),
            "Could not connect: is the server running and the base URL right? Try again."
        );
        let f = Failure::new("quota spent".to_owned(), None);
        assert_eq!(f.line(), "Quota spent.");
    }
}
