//! What a catalog refresh came to: the merged catalog and what could not be fetched. Each
//! API's refresh (in its client module) fills one.

use super::{AuthProblem, Outcome, RateLimit};
use crate::contact::Catalog;

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
    /// A refresh of `base` that has fetched nothing yet.
    #[must_use]
    pub fn new(base: Catalog) -> Self {
        Self {
            catalog: base,
            warnings: Vec::new(),
            rate: None,
            unreachable: None,
            refused: None,
            fetched: false,
            answered: false,
        }
    }

    /// Whether any request got an answer (even a refusal).
    #[must_use]
    pub fn answered(&self) -> bool {
        self.answered
    }

    /// Notes a failed part: its warning, and whether the server answered at all.
    pub(super) fn failed(&mut self, part: &str, o: &Outcome) {
        self.warnings.push(format!("{part}: {}", o.summary()));
        // The key itself refused (wrong, revoked, expired, from the wrong address): the
        // create would be refused too. A missing scope for a list is not: a token may
        // write contacts without reading sources.
        let key_refused = matches!(o, Outcome::Auth { problem, .. }
            if !matches!(problem, AuthProblem::Scope(_)));
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
