//! `vCard` reader: contacts shared from phones and WhatsApp (versions 2.1, 3.0 and 4.0),
//! and the draft each one becomes.
//!
//! Pure: text in, cards out. Support staff paste whatever the customer's phone produced,
//! so the reader is lenient about what it does not use (unknown properties, text around the
//! cards) and strict about structure: a card cut off mid-paste is an error naming its line,
//! never a silently half-read contact.

use std::collections::HashMap;

use thiserror::Error;

use crate::contact::phone::to_e164;
use crate::contact::{Draft, Flavour, Role};

#[cfg(test)]
mod fixtures;
mod line;
#[cfg(test)]
mod rules;

use line::{Prop, unfold};

/// Why a pasted or imported text could not be read as `vCards`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VcardError {
    /// The text ends before the card's `END:VCARD`.
    #[error("line {line}: this card never ends (no END:VCARD); was the text cut off?")]
    Unclosed {
        /// The card's `BEGIN:VCARD` line (1-based).
        line: usize,
    },
    /// A new card begins before the previous one ended.
    #[error("line {line}: this card has no END:VCARD before the next card on line {next}")]
    UnclosedBefore {
        /// The unfinished card's `BEGIN:VCARD` line.
        line: usize,
        /// The next `BEGIN:VCARD` line.
        next: usize,
    },
    /// An `END:VCARD` with no card open.
    #[error("line {line}: END:VCARD without a BEGIN:VCARD before it")]
    UnexpectedEnd {
        /// The stray `END:VCARD` line.
        line: usize,
    },
    /// A line inside a card that is not `NAME;PARAMS:value`.
    #[error("line {line}: \"{text}\" is not a vCard property (NAME:value)")]
    Malformed {
        /// The line where the property starts.
        line: usize,
        /// The offending text, shortened.
        text: String,
    },
}

/// One contact card.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Card {
    /// `FN`, or the name parts of `N` joined when `FN` is missing.
    pub full_name: String,
    /// Given name with any additional (middle) names, from `N` or `FN`.
    pub given: String,
    /// Family name, from `N` or `FN`.
    pub family: String,
    /// Every `TEL`, in card order.
    pub phones: Vec<Tel>,
    /// Every `EMAIL`, in card order.
    pub emails: Vec<String>,
    /// The organisation name (the first `ORG` component).
    pub org: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// The first address.
    pub address: Option<Address>,
    /// `NOTE`; several notes are joined by newlines.
    pub note: Option<String>,
    /// The first web address.
    pub url: Option<String>,
    /// Details the fields above cannot hold, as `Label: value` lines (nickname, birthday,
    /// department, further addresses and web sites), so no card data is dropped unseen.
    pub extras: Vec<String>,
}

/// One phone number of a card.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tel {
    /// The number as the card wrote it, without a `tel:` prefix.
    pub number: String,
    /// Lowercase types (`cell`, `work`, `pref`...), including an `X-ABLabel` of its group.
    pub types: Vec<String>,
    /// WhatsApp's account id for this number (digits with country code, no `+`).
    pub waid: Option<String>,
}

/// A postal address (`ADR`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    /// Street, extended address and post office box, joined by ", ".
    pub street: String,
    /// City (locality).
    pub city: String,
    /// Region, state or province.
    pub region: String,
    /// Postal code.
    pub postal: String,
    /// Country name.
    pub country: String,
}

/// Whether the text holds a `BEGIN:VCARD` line, e.g. to offer a vCard import on paste.
#[must_use]
pub fn looks_like_vcard(text: &str) -> bool {
    text.lines().any(is_begin)
}

/// Reads every `BEGIN:VCARD`..`END:VCARD` block; text outside the blocks (a chat message
/// around a pasted card) is ignored, and text with no block gives no cards.
pub fn parse(text: &str) -> Result<Vec<Card>, VcardError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<(usize, &str)> = text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect();
    blocks(&lines)?.into_iter().map(parse_card).collect()
}

/// Whether a line opens a card: `BEGIN:VCARD` in any case, with spaces or a byte-order
/// mark before it (files joined with `cat` keep each one's mark).
#[must_use]
pub fn is_begin(line: &str) -> bool {
    line.trim_start_matches('\u{feff}')
        .trim()
        .eq_ignore_ascii_case("BEGIN:VCARD")
}

/// The body lines of each card, between its `BEGIN` and `END`.
fn blocks<'a>(lines: &'a [(usize, &'a str)]) -> Result<Vec<&'a [(usize, &'a str)]>, VcardError> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, &(no, line)) in lines.iter().enumerate() {
        if is_begin(line) {
            if let Some(start) = open {
                let line = lines[start].0;
                return Err(VcardError::UnclosedBefore { line, next: no });
            }
            open = Some(i);
        } else if line.trim().eq_ignore_ascii_case("END:VCARD") {
            let start = open.take().ok_or(VcardError::UnexpectedEnd { line: no })?;
            out.push(&lines[start + 1..i]);
        }
    }
    match open {
        Some(start) => Err(VcardError::Unclosed {
            line: lines[start].0,
        }),
        None => Ok(out),
    }
}

fn parse_card(lines: &[(usize, &str)]) -> Result<Card, VcardError> {
    let v21 = lines.iter().any(|(_, l)| {
        l.split_once(':').is_some_and(|(name, value)| {
            name.trim().eq_ignore_ascii_case("VERSION") && value.trim() == "2.1"
        })
    });
    let props = unfold(lines, v21)
        .iter()
        .map(|(no, line)| Prop::parse(*no, line))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(build(&props))
}

fn build(props: &[Prop]) -> Card {
    let labels: HashMap<&str, String> = props
        .iter()
        .filter(|p| p.name == "X-ABLABEL")
        .filter_map(|p| Some((p.group.as_deref()?, label(&p.text()))))
        .collect();
    let mut card = Card::default();
    let mut n = None;
    for p in props {
        let extras = &mut card.extras;
        match p.name.as_str() {
            "FN" if card.full_name.is_empty() => card.full_name = p.text(),
            "N" if n.is_none() => n = Some(p.components()),
            "TEL" => card.phones.push(tel(p, &labels)),
            "EMAIL" => card.emails.push(strip_ci(&p.text(), "mailto:")),
            "ORG" => apply_org(&mut card.org, extras, &p.components()),
            "TITLE" => keep_first(&mut card.title, p.text(), "Title", extras),
            "ADR" => apply_address(&mut card.address, extras, &p.components()),
            // WhatsApp Business cards describe the business here.
            "NOTE" | "X-WA-BIZ-DESCRIPTION" => add_note(&mut card.note, p.text()),
            "URL" => keep_first(&mut card.url, p.text(), "Web", extras),
            "NICKNAME" => push_labelled(extras, "Nickname", &p.text()),
            "BDAY" => push_labelled(extras, "Birthday", &p.text()),
            // WhatsApp Business cards name the business here, not in ORG.
            "X-WA-BIZ-NAME" => keep_first(&mut card.org, p.text(), "Business", extras),
            _ => {}
        }
    }
    card.emails.retain(|e| !e.is_empty());
    apply_name(&mut card, n.as_deref().unwrap_or_default());
    card
}

/// Given and family from `N`, or from `FN` split on its last space when `N` names nobody.
fn apply_name(card: &mut Card, n: &[String]) {
    let part = |i: usize| n.get(i).map_or("", String::as_str);
    card.given = join_nonempty(&[part(1), part(2)], " ");
    part(0).clone_into(&mut card.family);
    if card.full_name.is_empty() {
        // Honorifics have no draft field of their own; the full name keeps them.
        card.full_name = join_nonempty(&[part(3), &card.given, part(0), part(4)], " ");
    }
    if card.given.is_empty() && card.family.is_empty() {
        let full = card.full_name.trim();
        let (given, family) = full.rsplit_once(' ').unwrap_or((full, ""));
        (card.given, card.family) = (given.trim().to_owned(), family.trim().to_owned());
    }
}

fn apply_org(org: &mut Option<String>, extras: &mut Vec<String>, parts: &[String]) {
    let mut parts = parts.iter().filter(|p| !p.is_empty());
    if let Some(name) = parts.next() {
        keep_first(org, name.clone(), "Company", extras);
    }
    for unit in parts {
        push_labelled(extras, "Department", unit);
    }
}

/// The first address fills the card's; later ones go to the extras on one line.
fn apply_address(slot: &mut Option<Address>, extras: &mut Vec<String>, adr: &[String]) {
    if adr.iter().all(String::is_empty) {
        return;
    }
    if slot.is_some() {
        let parts: Vec<String> = adr.iter().map(|p| p.replace('\n', ", ")).collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        return push_labelled(extras, "Other address", &join_nonempty(&parts, ", "));
    }
    let part = |i: usize| adr.get(i).map_or("", String::as_str);
    let pobox = (!part(0).is_empty()).then(|| format!("PO Box {}", part(0)));
    *slot = Some(Address {
        street: join_nonempty(&[part(2), part(1), pobox.as_deref().unwrap_or("")], ", "),
        city: part(3).to_owned(),
        region: part(4).to_owned(),
        postal: part(5).to_owned(),
        country: part(6).to_owned(),
    });
}

fn tel(p: &Prop, labels: &HashMap<&str, String>) -> Tel {
    let mut types: Vec<String> = p.param("TYPE").map(str::to_owned).collect();
    let group_label = p.group.as_deref().and_then(|g| labels.get(g));
    if let Some(label) = group_label.filter(|l| !l.is_empty() && !types.contains(l)) {
        types.push(label.clone());
    }
    Tel {
        number: strip_ci(&p.text(), "tel:"),
        types,
        waid: p.param("WAID").next().map(str::to_owned),
    }
}

/// An Apple label such as `_$!<Mobile>!$_` or a custom `Trabajo`, as a lowercase type.
fn label(text: &str) -> String {
    let inner = text
        .strip_prefix("_$!<")
        .and_then(|t| t.strip_suffix(">!$_"))
        .unwrap_or(text);
    inner.trim().to_lowercase()
}

fn strip_ci(text: &str, prefix: &str) -> String {
    let head = text.get(..prefix.len());
    match head {
        Some(h) if h.eq_ignore_ascii_case(prefix) => text[prefix.len()..].trim().to_owned(),
        _ => text.to_owned(),
    }
}

/// Sets a one-value field; a second value becomes a `Label: value` extra.
fn keep_first(slot: &mut Option<String>, value: String, label: &str, extras: &mut Vec<String>) {
    match slot {
        _ if value.is_empty() => {}
        None => *slot = Some(value),
        Some(_) => push_labelled(extras, label, &value),
    }
}

fn add_note(note: &mut Option<String>, value: String) {
    match note {
        _ if value.is_empty() => {}
        Some(existing) => *existing = format!("{existing}\n{value}"),
        None => *note = Some(value),
    }
}

fn push_labelled(list: &mut Vec<String>, label: &str, value: &str) {
    if !value.is_empty() {
        list.push(format!("{label}: {value}"));
    }
}

fn join_nonempty(parts: &[&str], sep: &str) -> String {
    let parts: Vec<&str> = parts.iter().copied().filter(|p| !p.is_empty()).collect();
    parts.join(sep)
}

/// The draft keys a card's parts go to, by role ("" where the flavour has no field).
struct Keys {
    first: &'static str,
    last: &'static str,
    phone: &'static str,
    email: &'static str,
    company: &'static str,
    address: &'static str,
    city: &'static str,
    region: &'static str,
    notes: &'static str,
    /// A field of its own for the `WhatsApp` number, if the flavour keeps one.
    whatsapp: Option<&'static str>,
    /// A postal code field; without one the code follows the street.
    zip: Option<&'static str>,
}

impl Keys {
    fn of(flavour: Flavour) -> Self {
        let key = |role| flavour.key(role).unwrap_or_default();
        Self {
            first: key(Role::FirstName),
            last: key(Role::LastName),
            phone: key(Role::Phone),
            email: key(Role::Email),
            company: key(Role::Company),
            address: key(Role::Address),
            city: key(Role::City),
            region: key(Role::Region),
            notes: key(Role::Notes),
            whatsapp: flavour.field_for(Role::WhatsApp).map(|f| f.key),
            zip: flavour.key(Role::Zip),
        }
    }
}

/// The draft a card becomes for review, and the lines about what had no field of its
/// own (other phones, extra emails, title, web site...).
///
/// Those lines are also appended, after the card's `NOTE`, to the flavour's notes field
/// (`notes` or `description`), so nothing on the card is lost. Phones are normalised
/// with `default_region`; one that does not parse is kept as typed for the agent to fix.
#[must_use]
pub fn to_draft(
    card: &Card,
    flavour: Flavour,
    default_region: Option<&str>,
) -> (Draft, Vec<String>) {
    let keys = Keys::of(flavour);
    let mut draft = Draft::default();
    let mut extra = Vec::new();
    name_into(card, &keys, &mut draft, &mut extra);
    phone_into(card, &keys, default_region, &mut draft, &mut extra);
    let mut emails = card.emails.iter();
    draft.set(keys.email, emails.next().cloned().unwrap_or_default());
    extra.extend(emails.map(|e| format!("Email: {e}")));
    draft.set(keys.company, card.org.clone().unwrap_or_default());
    let (title, url) = (card.title.as_deref(), card.url.as_deref());
    push_labelled(&mut extra, "Title", title.unwrap_or_default());
    push_labelled(&mut extra, "Web", url.unwrap_or_default());
    address_into(card.address.as_ref(), &keys, &mut draft, &mut extra);
    extra.extend(card.extras.iter().cloned());
    let notes: Vec<&str> = card
        .note
        .as_deref()
        .into_iter()
        .chain(extra.iter().map(String::as_str))
        .collect();
    draft.set(keys.notes, notes.join("\n"));
    (draft, extra)
}

fn name_into(card: &Card, keys: &Keys, draft: &mut Draft, extra: &mut Vec<String>) {
    let (given, family) = if card.given.is_empty() && card.family.is_empty() {
        let name = card.full_name.trim();
        name.split_once(char::is_whitespace)
            .map_or((name, ""), |(g, f)| (g, f.trim()))
    } else {
        (card.given.as_str(), card.family.as_str())
    };
    if keys.first == keys.last {
        // One field holds the whole name: given and family, as the card orders neither.
        draft.set(keys.first, format!("{given} {family}").trim());
    } else {
        draft.set(keys.first, given);
        draft.set(keys.last, family);
    }
    // FN can say more than the name fields (an honorific, a nickname in brackets); in
    // CJK cards it is the same characters in family-first order, which says nothing new.
    let compact = |s: &str| s.split_whitespace().collect::<String>();
    let shown = compact(&card.full_name);
    if !shown.is_empty()
        && shown != compact(&format!("{given}{family}"))
        && shown != compact(&format!("{family}{given}"))
    {
        extra.push(format!("Full name: {}", card.full_name.trim()));
    }
}

/// Puts the best phone in the phone field and the rest in the notes.
fn phone_into(
    card: &Card,
    keys: &Keys,
    region: Option<&str>,
    draft: &mut Draft,
    extra: &mut Vec<String>,
) {
    // WhatsApp's own id for the number (`waid=5215512345678`) is read when the number as
    // shown does not parse: it is the number WhatsApp reaches, in full.
    let wa = |waid: &str| to_e164(&format!("+{waid}"), None);
    let normal = |t: &Tel| {
        to_e164(&t.number, region)
            .or_else(|e| t.waid.as_deref().map_or(Err(e), wa))
            .unwrap_or_else(|_| t.number.trim().to_owned())
    };
    let best = best_phone(&card.phones);
    for (i, t) in card.phones.iter().enumerate() {
        // The number as the card shows it, when it could not be read and WhatsApp's id
        // stood in: kept beside it, so nothing on the card is lost.
        let shown = t.number.trim();
        let lost = if to_e164(&t.number, region).is_err() && normal(t) != shown {
            format!(" (shown as {shown})")
        } else {
            String::new()
        };
        if Some(i) != best {
            extra.push(format!("Other phone: {}{}{lost}", normal(t), kinds(t)));
            continue;
        }
        let phone = normal(t);
        if !lost.is_empty() {
            extra.push(format!("Phone{lost}"));
        }
        let whatsapp = t
            .waid
            .as_deref()
            .map(|w| wa(w).unwrap_or_else(|_| format!("+{w}")));
        match (whatsapp, keys.whatsapp) {
            (Some(number), Some(key)) => draft.set(key, number),
            (Some(number), None) if phone != number => {
                extra.push(format!("WhatsApp: {number}"));
            }
            _ => {}
        }
        draft.set(keys.phone, phone);
    }
}

/// WhatsApp's number first (it is why the card was shared), then a mobile, then the
/// preferred one, else the first.
fn best_phone(phones: &[Tel]) -> Option<usize> {
    let has = |t: &Tel, names: &[&str]| t.types.iter().any(|x| names.contains(&x.as_str()));
    // Labels arrive in the phone's language: WhatsApp and iPhone copy them from the
    // address book, so a Spanish or Portuguese phone says "Móvil" or "Celular".
    let mobile = ["cell", "mobile", "iphone", "móvil", "movil", "celular"];
    let first = |names: &[&str]| phones.iter().position(|t| has(t, names));
    phones
        .iter()
        .position(|t| t.waid.is_some())
        .or_else(|| first(&mobile))
        .or_else(|| first(&["pref"]))
        .or((!phones.is_empty()).then_some(0))
}

/// " (work, fax)" for a phone in the notes; `voice` and `pref` say nothing there.
fn kinds(t: &Tel) -> String {
    let mut kinds: Vec<&str> = t
        .types
        .iter()
        .map(String::as_str)
        .filter(|k| !matches!(*k, "voice" | "pref"))
        .collect();
    if t.waid.is_some() {
        kinds.push("WhatsApp");
    }
    if kinds.is_empty() {
        String::new()
    } else {
        format!(" ({})", kinds.join(", "))
    }
}

/// Without a postal code field (Wipsy) the code follows the street in the address.
fn address_into(
    address: Option<&Address>,
    keys: &Keys,
    draft: &mut Draft,
    extra: &mut Vec<String>,
) {
    let Some(a) = address else { return };
    let street = a.street.replace('\n', ", ");
    match keys.zip {
        Some(zip) => {
            draft.set(keys.address, street);
            draft.set(zip, a.postal.as_str());
        }
        None => draft.set(keys.address, join_nonempty(&[&street, &a.postal], ", ")),
    }
    draft.set(keys.city, a.city.as_str());
    draft.set(keys.region, a.region.as_str());
    push_labelled(extra, "Country", &a.country);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phone_is_whatsapp_then_mobile_then_preferred_then_first() {
        let t = |types: &[&str], waid: Option<&str>| Tel {
            number: String::new(),
            types: types.iter().map(|t| (*t).to_owned()).collect(),
            waid: waid.map(str::to_owned),
        };
        let (home, pref) = (t(&["home"], None), t(&["work", "pref"], None));
        let (celular, wa) = (t(&["celular"], None), t(&[], Some("573188779043")));
        assert_eq!(
            best_phone(&[home.clone(), pref.clone(), celular.clone(), wa]),
            Some(3)
        );
        assert_eq!(best_phone(&[home.clone(), pref.clone(), celular]), Some(2));
        assert_eq!(best_phone(&[home.clone(), pref]), Some(1));
        assert_eq!(best_phone(&[home]), Some(0));
        assert_eq!(best_phone(&[]), None);
    }
}
