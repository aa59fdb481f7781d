//! The engine: the one middle layer between the faces (the TUI and the
//! commands) and the domain below (API clients, files, config).
//!
//! Every face runs the same pipeline through it: prepare a contact (validate, resolve
//! catalog names, look for duplicates), send it, record the outcome (history, outbox,
//! sticky fields, quota), and word the outcome for the user. A face only decides how
//! to show those words and what to ask; it never rebuilds a step, so a step added here
//! (the history of `rolo add` was once missing) reaches every face at once.

pub mod catalog;
pub mod drafts;
pub mod embedded;
pub mod exit;
pub mod import;
pub mod outbox;
pub mod record;
pub mod resend;
pub mod session;
pub mod submit;
pub mod words;

/// What the server's answers come to, as the faces see them.
pub use crate::api::{AuthProblem, NetworkKind, Outcome, RateLimit};
