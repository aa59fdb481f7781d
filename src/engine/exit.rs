//! Exit codes, distinct per kind of failure so scripts can react. Every script-facing
//! face (`rolo add`, `rolo import`, `rolo outbox retry`) maps outcomes through here.

use crate::api::Outcome;

/// Anything else: config, usage, files.
pub const OTHER: u8 = 1;
/// The contact is not valid (rolo's checks or the server's field errors).
pub const VALIDATION: u8 = 2;
/// The plan's contact quota or limit is spent.
pub const QUOTA: u8 = 3;
/// The key or token was refused (missing, wrong, revoked, expired, scope, IP).
pub const AUTH: u8 = 4;
/// Too many requests; try again later.
pub const RATE_LIMIT: u8 = 5;
/// No answer: refused, timeout, DNS, TLS, reset.
pub const NETWORK: u8 = 6;
/// The server failed or answered something unreadable, or redirected elsewhere.
pub const SERVER: u8 = 7;
/// An outbox item whose earlier attempt may have arrived, and the server holds a contact
/// with its phone under another name (or email): rolo cannot tell whether it is this one,
/// so it neither sends nor records it; the agent decides.
pub const CONFLICT: u8 = 8;
/// The contact named by id (`rolo update`) is not on the server.
pub const NOT_FOUND: u8 = 9;

/// Every exit code and what it means: the man page's EXIT STATUS is made from it, and a
/// test checks that `rolo add --help` names each code. No apostrophes: the man page
/// writes these raw.
pub const MEANINGS: &[(u8, &str)] = &[
    (0, "Done."),
    (OTHER, "Config, usage or file problem."),
    (
        VALIDATION,
        "Invalid contact (checks by rolo, or field errors from the server).",
    ),
    (QUOTA, "Quota or plan limit spent."),
    (AUTH, "API key refused."),
    (RATE_LIMIT, "Rate limited."),
    (NETWORK, "Network failure."),
    (SERVER, "Server error, unreadable answer or redirect."),
    (
        CONFLICT,
        "Conflict: the CRM already has a contact with this phone or email (rolo add, linear \
         mode; --allow-duplicate creates it anyway), or an earlier attempt may have created \
         it and the server holds someone else with its phone (rolo outbox retry).",
    ),
    (
        NOT_FOUND,
        "The contact to update is not on the server (rolo update).",
    ),
];

/// The exit code of an outcome (0 for a created contact).
#[must_use]
pub fn of(o: &Outcome) -> u8 {
    match o {
        Outcome::Created { .. } => 0,
        Outcome::FieldErrors { .. } => VALIDATION,
        Outcome::QuotaExceeded { .. } => QUOTA,
        Outcome::Auth { .. } => AUTH,
        Outcome::RateLimited { .. } => RATE_LIMIT,
        Outcome::Network { .. } => NETWORK,
        Outcome::ServerError { .. } | Outcome::Undecodable { .. } | Outcome::Redirected { .. } => {
            SERVER
        }
        Outcome::NotFound { .. } => NOT_FOUND,
    }
}

/// The exit code of an error that ends a command before any outcome: [`AUTH`] when no
/// API key could be had (as for a key the server refuses), else [`OTHER`].
#[must_use]
pub fn of_error(e: &anyhow::Error) -> u8 {
    let no_key = e
        .chain()
        .any(|cause| cause.downcast_ref::<crate::secret::SecretError>().is_some());
    if no_key { AUTH } else { OTHER }
}
