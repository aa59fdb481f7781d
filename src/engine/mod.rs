//! The engine: the one middle layer between the faces (the TUI and the
//! commands) and the domain below (API clients, files, config).
//!
//! Every face runs the same pipeline through it: prepare a contact (validate, resolve
//! catalog names, look for duplicates), send it, record the outcome (history, outbox,
//! sticky fields, quota), and word the outcome for the user. A face only decides how
//! to show those words and what to ask; it never rebuilds a step, so a step added here
//! (the history of `rolo add` was once missing) reaches every face at once.

pub mod catalog;
pub mod config_split;
pub mod drafts;
pub mod embedded;
pub mod exit;
pub mod form_fields;
pub mod import;
pub mod log;
pub mod outbox;

/// How much rolo reads from one input (a paste, a contact's file, an import), so that
/// no input, however big, can take the machine's memory or freeze the form.
pub mod limits {
    pub use crate::files::{
        MAX_CONTACT_FILE, MAX_IMPORT, MAX_PASTE, read_at_most, read_file_at_most, size_words,
    };
}
#[cfg(test)]
mod fuzz_regressions;
pub mod record;
pub mod resend;
pub mod session;
pub mod side_files;
pub mod submit;
pub mod update;
pub mod usage_words;
pub mod words;

/// What the server's answers come to, as the faces see them.
pub use crate::api::{AuthProblem, NetworkKind, Outcome, RateLimit};
/// A damaged record in one of rolo's own files: where, and what is wrong.
pub use crate::store::damage::Damage;
