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
use crate::contact::{Draft, Flavour};

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

fn is_begin(line: &str) -> bool {
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

/// Joins continuation lines to the property they belong to, keeping its first line number.
///
/// A quoted-printable value ending in `=` continues on the next line whatever it starts
/// with. Otherwise a line starting with a space or tab continues the previous one: 3.0
/// and 4.0 drop that one character, while 2.1 folds before existing whitespace, so it
/// stays part of the value.
fn unfold(lines: &[(usize, &str)], v21: bool) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for &(no, line) in lines {
        if let Some((_, last)) = out.last_mut() {
            if is_qp(last) && last.ends_with('=') {
                last.pop();
                last.push_str(line);
                continue;
            }
            if let Some(rest) = line.strip_prefix([' ', '\t']) {
                last.push_str(if v21 { line } else { rest });
                continue;
            }
        }
        if !line.trim().is_empty() {
            out.push((no, line.to_owned()));
        }
    }
    out
}

fn is_qp(line: &str) -> bool {
    let head = line.split_once(':').map_or(line, |(head, _)| head);
    head.to_ascii_uppercase().contains("QUOTED-PRINTABLE")
}

/// One unfolded content line: `group.NAME;KEY=value;...:value`.
#[derive(Debug)]
struct Prop {
    group: Option<String>,
    /// Uppercase.
    name: String,
    /// Keys uppercase; lists expanded to one pair per item; `TYPE` values lowercase.
    params: Vec<(String, String)>,
    /// As written: not yet decoded or unescaped.
    raw: String,
}

impl Prop {
    fn parse(line_no: usize, line: &str) -> Result<Self, VcardError> {
        let malformed = || VcardError::Malformed {
            line: line_no,
            text: line.chars().take(60).collect(),
        };
        // An unbalanced quote in a parameter must not hide the value's colon.
        let colon = find_unquoted(line, ':')
            .or_else(|| line.find(':'))
            .ok_or_else(malformed)?;
        let mut head = split_unquoted(&line[..colon], ';').into_iter();
        let full = head.next().unwrap_or_default().trim();
        let (group, name) = match full.rsplit_once('.') {
            Some((group, name)) => (Some(group.to_owned()), name),
            None => (None, full),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(malformed());
        }
        let mut params = Vec::new();
        for raw in head {
            push_param(raw, &mut params);
        }
        Ok(Self {
            group,
            name: name.to_ascii_uppercase(),
            params,
            raw: line[colon + 1..].to_owned(),
        })
    }

    fn param<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> {
        self.params
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value with its transfer encoding and charset undone, line ends as `\n`.
    fn decoded(&self) -> String {
        let qp = self
            .param("ENCODING")
            .any(|e| e.eq_ignore_ascii_case("QUOTED-PRINTABLE"));
        if !qp {
            return self.raw.clone();
        }
        let latin1 = self.param("CHARSET").any(|c| {
            let c = c.to_ascii_lowercase();
            matches!(c.as_str(), "iso-8859-1" | "latin1" | "windows-1252")
        });
        let mut bytes = qp_decode(&self.raw);
        if !latin1 {
            match String::from_utf8(bytes) {
                Ok(text) => return text.replace("\r\n", "\n"),
                // Old phones leave out CHARSET and mean Latin-1; keep every byte.
                Err(e) => bytes = e.into_bytes(),
            }
        }
        bytes
            .into_iter()
            .map(char::from)
            .collect::<String>()
            .replace("\r\n", "\n")
    }

    /// The whole value as one text, escapes undone.
    fn text(&self) -> String {
        unescape(&self.decoded(), false).concat().trim().to_owned()
    }

    /// The `;`-separated components of a structured value (`N`, `ADR`, `ORG`).
    fn components(&self) -> Vec<String> {
        let parts = unescape(&self.decoded(), true);
        parts.into_iter().map(|p| p.trim().to_owned()).collect()
    }
}

/// Adds one parameter; 2.1 writes bare values (`TEL;CELL;PREF`), which are types unless
/// they name an encoding. A 4.0 `PREF=1` counts as the `pref` type, as in 2.1 and 3.0.
fn push_param(raw: &str, out: &mut Vec<(String, String)>) {
    let Some((key, value)) = raw.split_once('=') else {
        let value = raw.trim();
        let param = match value.to_ascii_uppercase().as_str() {
            "" => return,
            "QUOTED-PRINTABLE" | "BASE64" | "8BIT" | "7BIT" => ("ENCODING", value.to_owned()),
            _ => ("TYPE", value.to_lowercase()),
        };
        out.push((param.0.to_owned(), param.1));
        return;
    };
    let key = key.trim().to_ascii_uppercase();
    if key == "PREF" {
        out.push(("TYPE".to_owned(), "pref".to_owned()));
        return;
    }
    for item in split_unquoted(value, ',') {
        let item = item.trim().trim_matches('"');
        if key == "TYPE" {
            // 4.0 quotes whole lists: TYPE="cell,voice".
            let types = item.split(',').map(str::trim).filter(|t| !t.is_empty());
            out.extend(types.map(|t| (key.clone(), t.to_lowercase())));
        } else {
            out.push((key.clone(), item.to_owned()));
        }
    }
}

/// The byte offset of the first `sep` outside double quotes.
fn find_unquoted(s: &str, sep: char) -> Option<usize> {
    let mut quoted = false;
    s.char_indices().find_map(|(i, c)| {
        if c == '"' {
            quoted = !quoted;
        }
        (c == sep && !quoted).then_some(i)
    })
}

fn split_unquoted(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(i) = find_unquoted(rest, sep) {
        parts.push(&rest[..i]);
        rest = &rest[i + sep.len_utf8()..];
    }
    parts.push(rest);
    parts
}

/// Decodes `=XX` escapes; a stray `=` that starts no escape is kept as written.
fn qp_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        let hex = tail
            .get(..2)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit));
        if b == b'='
            && let Some(byte) =
                hex.and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())
        {
            out.push(byte);
            rest = &tail[2..];
        } else {
            out.push(b);
            rest = tail;
        }
    }
    out
}

/// Undoes `\n` `\,` `\;` `\:` `\\`, splitting on bare `;` when `split`. Other backslashes
/// are kept, because notes hold things like Windows paths.
fn unescape(s: &str, split: bool) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => current.push('\n'),
                Some(c @ (',' | ';' | ':' | '\\')) => current.push(c),
                Some(other) => current.extend(['\\', other]),
                None => current.push('\\'),
            },
            ';' if split => parts.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    parts.push(current);
    parts
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

/// The draft keys that differ between flavours.
struct Keys {
    first: &'static str,
    last: &'static str,
    region: &'static str,
    notes: &'static str,
    wipsy: bool,
}

impl Keys {
    fn of(flavour: Flavour) -> Self {
        let wipsy = flavour == Flavour::Wipsy;
        let [first, last, region, notes] = if wipsy {
            ["name", "last_name", "province", "notes"]
        } else {
            ["firstname", "lastname", "state", "description"]
        };
        Self {
            first,
            last,
            region,
            notes,
            wipsy,
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
    draft.set("email", emails.next().cloned().unwrap_or_default());
    extra.extend(emails.map(|e| format!("Email: {e}")));
    draft.set("company", card.org.clone().unwrap_or_default());
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
    draft.set(keys.first, given);
    draft.set(keys.last, family);
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
    let normal =
        |t: &Tel| to_e164(&t.number, region).unwrap_or_else(|_| t.number.trim().to_owned());
    let best = best_phone(&card.phones);
    for (i, t) in card.phones.iter().enumerate() {
        if Some(i) != best {
            extra.push(format!("Other phone: {}{}", normal(t), kinds(t)));
            continue;
        }
        let phone = normal(t);
        match &t.waid {
            Some(waid) if keys.wipsy => draft.set("whatsapp_id", format!("+{waid}")),
            Some(waid) if phone != format!("+{waid}") => extra.push(format!("WhatsApp: +{waid}")),
            _ => {}
        }
        draft.set("phone", phone);
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

/// Wipsy has no postal code field, so the code follows the street in its address.
fn address_into(
    address: Option<&Address>,
    keys: &Keys,
    draft: &mut Draft,
    extra: &mut Vec<String>,
) {
    let Some(a) = address else { return };
    let street = a.street.replace('\n', ", ");
    if keys.wipsy {
        draft.set("address", join_nonempty(&[&street, &a.postal], ", "));
    } else {
        draft.set("address", street);
        draft.set("zip", a.postal.as_str());
    }
    draft.set("city", a.city.as_str());
    draft.set(keys.region, a.region.as_str());
    push_labelled(extra, "Country", &a.country);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, &str)> {
        text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect()
    }

    fn prop(line: &str) -> Prop {
        Prop::parse(1, line).unwrap()
    }

    fn card(body: &str) -> Card {
        let mut cards = parse(&format!("BEGIN:VCARD\n{body}\nEND:VCARD\n")).unwrap();
        assert_eq!(cards.len(), 1);
        cards.remove(0)
    }

    #[test]
    fn unfolding_follows_each_version_and_keeps_first_line_numbers() {
        let text = "NOTE:one\n two\n\tthree\n\nFN:x";
        let v3 = unfold(&lines(text), false);
        assert_eq!(v3, [(1, "NOTE:onetwothree".into()), (5, "FN:x".into())]);
        // 2.1 folds before whitespace that belongs to the value.
        assert_eq!(unfold(&lines(text), true)[0].1, "NOTE:one two\tthree");
        // A soft break continues whatever the next line starts with.
        let qp = "NOTE;ENCODING=QUOTED-PRINTABLE:a=\nb=\n c\nFN:x";
        let got = unfold(&lines(qp), true);
        assert_eq!(got[0], (1, "NOTE;ENCODING=QUOTED-PRINTABLE:ab c".into()));
        assert_eq!(got[1], (4, "FN:x".into()));
    }

    #[test]
    fn quoted_printable_decodes_utf8_latin1_and_keeps_stray_equals() {
        assert_eq!(qp_decode("S=C3=A3o =c3=b1"), "São ñ".as_bytes());
        assert_eq!(qp_decode("a=zz=+1="), b"a=zz=+1=");
        let text = |line: &str| prop(line).text();
        assert_eq!(text("N;ENCODING=QUOTED-PRINTABLE:Mu=0D=0Aller"), "Mu\nller");
        assert_eq!(
            text("FN;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:Pe=F1a"),
            "Peña"
        );
        // No charset and not UTF-8: an old phone's Latin-1, every byte kept.
        assert_eq!(text("FN;QUOTED-PRINTABLE:Jos=E9"), "José");
        // Without the encoding, `=` is just a character.
        assert_eq!(text("NOTE:2+2=4"), "2+2=4");
    }

    #[test]
    fn escapes_are_undone_and_structured_values_split() {
        assert_eq!(unescape(r"a\,b\;c\nd\\e\:f", false), ["a,b;c\nd\\e:f"]);
        assert_eq!(unescape(r"C:\temp\", false), [r"C:\temp\"]);
        assert_eq!(
            unescape(r"Núñez;María\; José;;", true),
            ["Núñez", "María; José", "", ""]
        );
        let adr = prop(r"ADR:;;Calle 93 \, 11-26\nPiso 4;Bogotá;;110221;Colombia");
        assert_eq!(adr.components()[2], "Calle 93 , 11-26\nPiso 4");
    }

    #[test]
    fn parameters_in_every_version_style() {
        let types = |line: &str| {
            prop(line)
                .param("TYPE")
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(types("TEL;CELL;PREF:1"), ["cell", "pref"]);
        assert_eq!(types("TEL;TYPE=WORK,VOICE:1"), ["work", "voice"]);
        assert_eq!(types("TEL;type=HOME;type=pref:1"), ["home", "pref"]);
        assert_eq!(
            types(r#"TEL;VALUE=uri;PREF=1;TYPE="cell,voice":tel:1"#),
            ["pref", "cell", "voice"]
        );
        let p = prop(r#"item2.ADR;GEO="geo:4.6,-74.1";LABEL="a;b":;;Calle 1"#);
        assert_eq!(
            (p.group.as_deref(), p.name.as_str()),
            (Some("item2"), "ADR")
        );
        assert_eq!(p.param("GEO").collect::<Vec<_>>(), ["geo:4.6,-74.1"]);
        assert_eq!(p.raw, ";;Calle 1");
        let qp = prop("N;CHARSET=UTF-8;QUOTED-PRINTABLE:x");
        assert_eq!(qp.param("ENCODING").next(), Some("QUOTED-PRINTABLE"));
        let wa = prop("item1.TEL;waid=573188779043:+57 318 8779043");
        assert_eq!(wa.param("WAID").next(), Some("573188779043"));
    }

    #[test]
    fn broken_structure_is_reported_with_its_line() {
        let stray = "BEGIN:VCARD\nFN:a\nEND:VCARD\nEND:VCARD";
        assert_eq!(parse(stray), Err(VcardError::UnexpectedEnd { line: 4 }));
        let bad = "hi\r\nBEGIN:VCARD\r\nNOTE:a\r\n b\r\nthis line lost its colon\r\nEND:VCARD";
        let err = parse(bad).unwrap_err();
        assert_eq!(
            err,
            VcardError::Malformed {
                line: 5,
                text: "this line lost its colon".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "line 5: \"this line lost its colon\" is not a vCard property (NAME:value)"
        );
    }

    #[test]
    fn cards_are_found_in_any_text_around_them() {
        assert!(looks_like_vcard("\u{feff}begin:vcard\nEND:VCARD"));
        assert!(!looks_like_vcard("call BEGIN:VCARD people"));
        assert_eq!(parse("just a chat message"), Ok(vec![]));
        let chat = "Te paso el contacto 👇\nBEGIN:VCARD\nVERSION:3.0\nFN:Ana\nEND:VCARD\nGracias!";
        assert_eq!(parse(chat).unwrap()[0].full_name, "Ana");
    }

    #[test]
    fn names_labels_and_repeated_properties() {
        let c = card("N:;;;;\nFN:Ana María Pérez\nitem1.TEL:1\nitem1.X-ABLabel:_$!<Mobile>!$_");
        assert_eq!(
            (c.given.as_str(), c.family.as_str()),
            ("Ana María", "Pérez")
        );
        assert_eq!(c.phones[0].types, ["mobile"]);
        let c = card(
            "N:Pérez;Ana;;Dra.;\nORG:Acme;Ventas\nORG:Other\nADR:;;A;B;;;\nADR:;;C;D;;;\nURL:a\nURL:b",
        );
        assert_eq!(c.full_name, "Dra. Ana Pérez");
        assert_eq!(
            c.extras,
            [
                "Department: Ventas",
                "Company: Other",
                "Other address: C, D",
                "Web: b"
            ]
        );
    }

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

    #[test]
    fn drafts_split_a_bare_full_name_and_keep_a_different_whatsapp_id() {
        let card = Card {
            full_name: "Ana María Pérez".into(),
            phones: vec![Tel {
                number: "+57 601 234 5678".into(),
                types: vec![],
                waid: Some("573188779043".into()),
            }],
            ..Card::default()
        };
        let (draft, extra) = to_draft(&card, Flavour::Whatsmark, None);
        assert_eq!(draft.get("firstname"), "Ana");
        assert_eq!(draft.get("lastname"), "María Pérez");
        assert_eq!(draft.get("phone"), "+576012345678");
        assert_eq!(extra, ["WhatsApp: +573188779043"]);
        assert_eq!(draft.get("description"), "WhatsApp: +573188779043");
        let (draft, extra) = to_draft(&card, Flavour::Wipsy, None);
        assert_eq!(draft.get("whatsapp_id"), "+573188779043");
        assert!(extra.is_empty() && draft.get("notes").is_empty());
    }
}
