//! Possible duplicates: a contact the CRM already has with the same phone or email.
//! WhatsMark is asked (`GET /contacts?search=`); Wipsy cannot search, so rolo compares with
//! the recent contacts it has harvested.

use serde::{Deserialize, Serialize};

/// A contact the CRM already has, as much as rolo needs to warn about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Known {
    /// The server's id.
    pub id: String,
    /// Name as shown.
    pub name: String,
    /// Phone as stored.
    pub phone: String,
    /// Email as stored.
    pub email: String,
    /// When it was created (RFC 3339), if known.
    pub created_at: String,
}

/// The digits of a phone, so `+57 318-877-9043` and `+573188779043` compare equal.
#[must_use]
pub fn digits(phone: &str) -> String {
    let d: String = phone.chars().filter(char::is_ascii_digit).collect();
    d.strip_prefix("00")
        .map_or_else(|| d.clone(), str::to_owned)
}

/// Whether `k` has the same phone (by digits) or email (ignoring case) as given.
#[must_use]
pub fn same(k: &Known, phone: Option<&str>, email: Option<&str>) -> bool {
    let phone_hit = phone
        .map(digits)
        .filter(|d| d.len() >= 7)
        .is_some_and(|d| digits(&k.phone) == d);
    let email_hit = email
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .is_some_and(|e| k.email.trim().eq_ignore_ascii_case(e));
    phone_hit || email_hit
}

/// Whether `k` is this very contact: the same phone (by digits) *and* the same name
/// (case, accents of spacing aside: `full_name` as rolo would send it), and the same email
/// when one was given. A resend counts an earlier attempt as arrived only then; the same
/// phone under another name is someone else's contact.
#[must_use]
pub fn is_exactly(k: &Known, full_name: &str, phone: Option<&str>, email: Option<&str>) -> bool {
    let phone_same = phone
        .map(digits)
        .filter(|d| d.len() >= 7)
        .is_some_and(|d| digits(&k.phone) == d);
    let email_same = email
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .is_none_or(|e| k.email.trim().eq_ignore_ascii_case(e));
    phone_same && email_same && name_key(&k.name) == name_key(full_name)
}

/// A name for comparing: lower case, words separated by one space.
fn name_key(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The known contacts that match, without repeats.
#[must_use]
pub fn find(known: &[Known], phone: Option<&str>, email: Option<&str>) -> Vec<Known> {
    let mut out: Vec<Known> = Vec::new();
    for k in known.iter().filter(|k| same(k, phone, email)) {
        if !out.iter().any(|o| o.id == k.id) {
            out.push(k.clone());
        }
    }
    out
}

/// What to send a server's search for `query`: a phone-like query by its digits (stored
/// phones are E.164, typed ones have spaces and dashes), else its longest word (a server
/// search matches one column at a time, so "Ana Pérez" as a whole matches nothing).
#[must_use]
pub fn server_term(query: &str) -> String {
    let query = query.trim();
    if looks_like_phone(query) {
        return digits(query);
    }
    query
        .split_whitespace()
        .max_by_key(|w| w.chars().count())
        .unwrap_or(query)
        .to_owned()
}

/// Digits (three at least, or one after a `+`) with the spacing, dashes and brackets
/// phones are written with.
fn looks_like_phone(query: &str) -> bool {
    let d = query.chars().filter(char::is_ascii_digit).count();
    (d >= 3 || (d >= 1 && query.starts_with('+')))
        && query
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

/// The contacts that match a lookup, in the order given: a phone-like query by digits
/// within the phone; otherwise every word of it within the name or the email (case and
/// accents aside).
#[must_use]
pub fn search(known: &[Known], query: &str) -> Vec<Known> {
    let query = query.trim();
    if query.is_empty() {
        return Vec::new();
    }
    let phone = looks_like_phone(query).then(|| digits(query));
    let words: Vec<String> = query.split_whitespace().map(fold).collect();
    let hit = |k: &Known| {
        if let Some(d) = &phone {
            return digits(&k.phone).contains(d.as_str());
        }
        let hay = format!("{} {}", fold(&k.name), fold(&k.email));
        words.iter().all(|w| hay.contains(w.as_str()))
    };
    let mut out: Vec<Known> = Vec::new();
    for k in known.iter().filter(|k| hit(k)) {
        if !out.iter().any(|o| o.id == k.id) {
            out.push(k.clone());
        }
    }
    out
}

/// Lower case without accents, as the pickers compare names.
fn fold(text: &str) -> String {
    let mut out = String::new();
    super::catalog::fold_name(text, &mut out);
    out
}

/// One line about a match, for the form and the CLI.
#[must_use]
pub fn describe(k: &Known) -> String {
    let when = k
        .created_at
        .get(..10)
        .map(|d| format!(", created {d}"))
        .unwrap_or_default();
    // A stranger's name and id: shown, never obeyed, by whichever face prints it.
    let line = format!("{} (id {}{when})", k.name.trim(), k.id);
    crate::text::inert(&line).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_match_by_digits_and_emails_ignore_case() {
        let k = Known {
            id: "7".into(),
            name: "Ana".into(),
            phone: "+57 318-877-9043".into(),
            email: "Ana@Acme.co".into(),
            created_at: "2026-11-24T05:00:00Z".into(),
        };
        assert!(same(&k, Some("+573188779043"), None));
        assert!(same(&k, None, Some("ana@acme.co")));
        assert!(!same(&k, Some("+573188779044"), Some("")));
        assert!(
            !same(&k, Some("12"), None),
            "a too-short number matches nothing"
        );
        assert_eq!(describe(&k), "Ana (id 7, created 2026-11-24)");
        assert_eq!(find(&[k.clone(), k], Some("+573188779043"), None).len(), 1);
    }

    #[test]
    fn a_lookup_matches_phone_digits_or_every_word_of_name_and_email() {
        let k = |id: &str, name: &str, phone: &str, email: &str| Known {
            id: id.into(),
            name: name.into(),
            phone: phone.into(),
            email: email.into(),
            created_at: String::new(),
        };
        let known = [
            k("1", "Ana María Pérez", "+573188779043", "ana@example.com"),
            k("2", "Mario Pérez", "+573001112233", "mario@example.com"),
        ];
        let ids =
            |q: &str| -> Vec<String> { search(&known, q).into_iter().map(|k| k.id).collect() };
        assert_eq!(ids("318 877-9043"), ["1"]);
        assert_eq!(ids("perez"), ["1", "2"]);
        assert_eq!(ids("ana PÉREZ"), ["1"]);
        assert_eq!(ids("MARIO@example"), ["2"]);
        assert!(ids("  ").is_empty());
        assert_eq!(server_term("+57 318 877 9043"), "573188779043");
        assert_eq!(server_term("Ana María Pérez"), "Pérez");
    }
}
