//! The words rolo says about an outcome, written once for every face. Sentences are
//! lower-case first so the CLI can put them after `rolo: `; the TUI capitalises them.

use crate::api::Outcome;

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
