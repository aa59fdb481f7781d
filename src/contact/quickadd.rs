//! Quick-add: one typed line becomes a draft.
//!
//! `Ana María | Pérez +57 318 877 9043 ana@acme.co #vip @Prospecto company:"Acme SAS"` is
//! split on whitespace (`"…"` keeps spaces), and each token is read by the first rule that
//! fits:
//!
//! - `#name` (or `#a,b`): Wipsy `tags`, WhatsMark `groups`; `@name`: Wipsy
//!   `pipeline_stage_id`, WhatsMark `status_id`.
//! - `http(s)://…` or `www.…`: Wipsy `profile_picture_url` when it ends in an image
//!   extension, else appended to the notes (`description` on WhatsMark).
//! - `key:value`, `key:"a b"`, `"Label":value`: a field by contract key, label or alias
//!   (`tel`, `wa`, `stage`, `zip`, `nota`…), or a Wipsy custom field by name. A key without
//!   letters (`10:30`) is not a key.
//! - `x@y.z`: `email`; further addresses are flagged. `wa.me/<number>` links: `phone`.
//! - digits with `+ ( ) - . /` over up to six tokens: `phone` in E.164, only when they form
//!   a valid number; a second number is flagged (Wipsy suggests `wa:+…`).
//! - `lead`, `customer`, `guest`: WhatsMark `type` (a name word on Wipsy).
//! - after the phone or the email, a plain word that names one entry of the picked fields
//!   (`customer`, `facebook`, `inte`, `mumb`: a type, source, status, group; on Wipsy a
//!   stage or tag), exactly or by the looser rules below with three letters at least, is
//!   that entry: the name comes first, what the CRM files it under after. When name
//!   words came before the phone (or email), a word after it is never part of the name:
//!   one that fits several entries is flagged with them all (Tab puts the first, Tab
//!   again the next), one under three letters or fitting none is flagged (with a lone
//!   first name before the phone, Tab puts it in as the last name by key). With no name
//!   before the phone, the words after it are the name, as typed.
//! - a lone `|` splits first from last name; anything else is a name word, and without `|`
//!   the first word is the first name and the rest the last name.
//!
//! A catalog name is first the longest one that the following plain words complete
//! (`#cliente nuevo`), else an id or the exact name, accent-folded when typed in plain
//! ASCII (`#nandu club`), else the one name that the tightest looser rule fits: its
//! leading words (`#nandu` → "Ñandú Club"), its start (`#mumb` → "Mumbai"), a later
//! word's start (`#prio` → "Soporte prioritario"), its letters in order from a word's
//! start (`#bfriday` → "Black Friday 2026", as the pickers filter); several names fitting
//! are flagged with their names. Else what `rolo add` accepts (a bare WhatsMark id;
//! anything while a Wipsy catalog is empty). A name that fits nothing is flagged with
//! the closest one, which Tab puts in the line on the form ([`Note::fix`]). A custom field key may be any unique start of a word of its
//! name (`cumple:` → "Fecha de cumpleaños"). Values given with a key go in as typed when
//! they are text, for validation to speak about on the form; a name that fits no catalog
//! entry cannot, so it is flagged with the closest name. Nothing is dropped: every token
//! is in [`Parsed::words`], used or flagged with a [`Note`].

pub(crate) mod index;
mod keys;
mod lists;
mod matching;
#[cfg(test)]
mod scenarios;
mod tokens;

use std::ops::Range;

use email_address::{EmailAddress, Options};

use self::lists::{closest_in, loose_in, same_in};
use self::matching::{Fit, loose_fit};
use self::tokens::{Token, is_image_url, is_url, looks_like_date, tokenize, wa_me};
use super::catalog::{CustomFieldDef, CustomType};
use super::{Catalog, CatalogKind, Draft, FieldKind, Flavour, Role, input, phone};

/// Most tokens one phone number is typed over (`0034 612 34 56 78` is five).
const MAX_PHONE_TOKENS: usize = 6;
/// Fewer digits is a year, an extension or a quantity, never a whole number.
const MIN_PHONE_DIGITS: usize = 7;
/// More digits than E.164 allows, even with a `00` prefix.
const MAX_PHONE_DIGITS: usize = 17;
const UNCLOSED: &str = "No closing \"; the rest of the line was read as one value";
const BAD_EMAIL: &str = "Not a valid email address, e.g. ana.gomez@example.com";
const SHORT_PHONE: &str = "Too few digits for a phone number";
const NAMED_BY_KEYS: &str = "The name is already given with keys; not used";
const NO_NAME_AROUND: &str = "| splits first from last name, but no name is around it";

/// What one quick-add line became.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The fields filled.
    pub draft: Draft,
    /// What could not be used, or was read in a way worth saying, in line order.
    pub notes: Vec<Note>,
    /// Every token of the line, in order, with where it went.
    pub words: Vec<Word>,
}

/// Something flagged: an unknown name, an extra email, a `key:value` that fits no field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The text concerned, as typed (tokens joined by a space).
    pub token: String,
    /// What happened, in words for the agent.
    pub message: String,
    /// The closest thing that would have worked, e.g. a catalog name or `wa:+91…`.
    pub suggestion: Option<String>,
    /// Where [`Note::token`] is in the line, in bytes.
    pub span: Range<usize>,
    /// The text that takes the suggestion when it replaces `span` (`#Mumbai` for
    /// `#mumbay`, `city:Cali` for `cuidad:Cali`): what Tab puts in the line.
    pub fix: Option<String>,
    /// Further fixes after [`Note::fix`] when a word fits several entries (`nue`:
    /// `status:Nuevo`, then `source:Newsletter`): a second Tab puts the next one.
    pub others: Vec<String>,
}

/// One whitespace-separated token of the line (quotes keep spaces inside one token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The token as typed, quotes included.
    pub text: String,
    /// Where it went.
    pub used_as: Use,
}

/// Where a token went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Use {
    /// Into this draft key: a contract key, or `custom.<field id>` for a Wipsy custom field.
    Field(String),
    /// Not used; a [`Note`] says why.
    Flagged,
}

/// Reads one line into a draft for `flavour`, resolving names through `catalog` and
/// placing national phone numbers in `default_region`. Never fails: what it cannot use
/// is flagged in [`Parsed::notes`].
#[must_use]
pub fn parse(
    line: &str,
    flavour: Flavour,
    catalog: &Catalog,
    default_region: Option<&str>,
) -> Parsed {
    let tokens = tokenize(line);
    let mut p = Parser {
        line,
        flavour,
        catalog,
        region: default_region,
        uses: vec![None; tokens.len()],
        tokens,
        draft: Draft::default(),
        notes: Vec::new(),
        names: Vec::new(),
        splits: Vec::new(),
    };
    let mut i = 0;
    while i < p.tokens.len() {
        i += p.step(i).max(1);
    }
    // Only the last token can run to the end of the line.
    let last = p.tokens.len().saturating_sub(1);
    if p.tokens.last().is_some_and(|t| t.unclosed) {
        p.note(last..last + 1, UNCLOSED, None);
    }
    p.finish_names();
    p.into_parsed()
}

/// A hint: the closest name, as a suggestion.
type Hint = Option<String>;

/// What a plain word after the phone fits among the lists.
enum Fits {
    /// One entry: the field and the value it takes.
    One(&'static str, String),
    /// Several entries, each named with its field.
    Several(Vec<Candidate>),
    /// Some entries, but the word is under three letters: too short to pick from them.
    Short,
    /// None.
    None,
}

/// One entry a word may mean.
struct Candidate {
    /// The entry's name.
    name: String,
    /// Its field's label.
    label: String,
}

/// The line being read: its tokens, where each went, and the draft so far.
struct Parser<'a> {
    line: &'a str,
    flavour: Flavour,
    catalog: &'a Catalog,
    region: Option<&'a str>,
    tokens: Vec<Token>,
    uses: Vec<Option<Use>>,
    draft: Draft,
    notes: Vec<Note>,
    /// Name words (token index, text), placed once the whole line is read.
    names: Vec<(usize, String)>,
    /// Indices of `|` tokens.
    splits: Vec<usize>,
}

impl<'a> Parser<'a> {
    /// Reads the token at `i` and any it takes along; returns how many were read.
    fn step(&mut self, i: usize) -> usize {
        let token = &self.tokens[i];
        let text = token.text();
        let sigil = token.parts.first();
        let sigil = sigil.is_some_and(|(s, quoted)| !quoted && s.starts_with(['#', '@']));
        let key_value = token.key_value().filter(|(key, _)| !key.contains('@'));
        if token.raw == "|" {
            self.splits.push(i);
        } else if text.is_empty() {
            self.flag(i..i + 1, "Nothing readable here", None);
        } else if sigil {
            return self.pick(i);
        } else if let Some(number) = wa_me(&text) {
            match phone::to_e164(&number, None) {
                Ok(e164) => self.put_phone(i..i + 1, &e164),
                Err(e) => self.flag(i..i + 1, e.to_string(), None),
            }
        } else if is_url(&text) {
            self.url(i, &text);
        } else if let Some((key, value)) = key_value {
            return self.key_value(i, &key, &value);
        } else if token.bare() && text.contains('@') {
            self.email(i, &text);
        } else if token.phonish() {
            return self.phone_run(i);
        } else if let Some(taken) = self.extension(i) {
            return taken;
        } else {
            self.word(i, &text);
        }
        1
    }

    /// An extension right after the phone (`x123`, `ext.123`, `ext. 123`): neither CRM
    /// has a field for it, so it is flagged with a fix that puts it in the notes. How
    /// many tokens it took, when it is one.
    fn extension(&mut self, i: usize) -> Option<usize> {
        let phone = self.flavour.key(Role::Phone)?;
        let after_phone = i > 0 && matches!(&self.uses[i - 1], Some(Use::Field(k)) if k == phone);
        if !after_phone {
            return None;
        }
        let lower = self.tokens[i].text().to_lowercase();
        let rest = ["extension", "ext.", "ext", "x"]
            .iter()
            .find_map(|m| lower.strip_prefix(m))?;
        let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
        let (number, taken) = if digits(rest) {
            (rest.to_owned(), 1)
        } else if rest.is_empty() && self.tokens.get(i + 1).is_some_and(|t| digits(&t.text())) {
            (self.tokens[i + 1].text(), 2)
        } else {
            return None;
        };
        let notes = self.flavour.key(Role::Notes).unwrap_or("notes");
        let fix = format!("{notes}:\"ext. {number}\"");
        self.flag(
            i..i + taken,
            "An extension: the CRM has no field for it, so it goes in the notes",
            Some(fix.clone()),
        );
        self.fix_last(Some(fix));
        Some(taken)
    }

    /// A token with no marker: a type, a stray date or punctuation, or a name word.
    fn word(&mut self, i: usize, text: &str) {
        let lower = text.trim_end_matches([',', ';']).to_lowercase();
        let bare = self.tokens[i].bare();
        let type_field = self.flavour.field_for(Role::Type);
        let types = match type_field.map(|f| f.kind) {
            Some(FieldKind::Enum(values)) => values,
            _ => &[],
        };
        if let (true, Some(field)) = (bare && types.contains(&lower.as_str()), type_field) {
            self.set_single(i..i + 1, field.key, &lower);
        } else if bare && looks_like_date(text) {
            let hint = self
                .date_field()
                .map(|name| format!("{}:{text}", quote_spaced(name)));
            self.flag_fix(
                i..i + 1,
                "A date with no field to go in",
                hint,
                str::to_owned,
            );
        } else if text.chars().all(|c| c.is_ascii_punctuation()) {
            self.flag(i..i + 1, "Stray punctuation, not used", None);
        } else {
            match self.crm_word(i, &lower) {
                Fits::One(key, value) if self.flavour.is_list(key) => {
                    self.put_pick(i..i + 1, key, value);
                }
                Fits::One(key, value) => self.set_single(i..i + 1, key, &value),
                // After a name and a phone (or email), a word is never part of the name:
                // one that fits several entries, or none, is flagged, not guessed.
                fits if self.named_before_contact(i) => self.not_a_name(i, text, fits),
                _ => {
                    let name = text.trim_end_matches([',', ';']).to_owned();
                    self.names.push((i, name));
                }
            }
        }
    }

    /// Whether name words came before the line's first phone or email, and `i` is after
    /// it: then the name is given, and a plain word at `i` is meant for a CRM field.
    fn named_before_contact(&self, i: usize) -> bool {
        let contact = [Role::Phone, Role::Email]
            .into_iter()
            .filter_map(|role| self.flavour.key(role))
            .collect::<Vec<_>>();
        let first = (0..i).find(
            |&j| matches!(&self.uses[j], Some(Use::Field(k)) if contact.contains(&k.as_str())),
        );
        first.is_some_and(|f| self.names.iter().any(|(j, _)| *j < f))
    }

    /// A word after the phone that picks no one entry: flagged with what it fits (Tab
    /// puts the first, and again the next), never added to the name.
    fn not_a_name(&mut self, i: usize, text: &str, fits: Fits) {
        let word = text.trim_end_matches([',', ';']);
        match fits {
            Fits::Several(candidates) => {
                let shown: Vec<String> = candidates
                    .iter()
                    .map(|c| format!("{} ({})", c.name, c.label))
                    .collect();
                let fixes: Vec<String> = candidates
                    .iter()
                    .map(|c| format!("{}:{}", quote_spaced(&c.label.to_lowercase()), quote_spaced(&c.name)))
                    .collect();
                let message = format!("Fits several: {}", shown.join(", "));
                self.flag(i..i + 1, message, candidates.first().map(|c| c.name.clone()));
                let mut fixes = fixes.into_iter();
                self.fix_last(fixes.next());
                if let Some(note) = self.notes.last_mut() {
                    note.others = fixes.collect();
                }
            }
            Fits::Short => self.flag(
                i..i + 1,
                format!("\"{word}\" is too short to pick from the lists (three letters at least), and the name goes before the phone"),
                None,
            ),
            Fits::One(..) | Fits::None => {
                // A one-word name before the phone may be missing its last name: Tab
                // puts this word there by key, where it is meant.
                // (Not where one field holds the whole name: that key would replace it.)
                let key = self.flavour.key(Role::LastName).unwrap_or_default();
                let lone = self.names.len() == 1 && !key.is_empty() && !self.flavour.one_name();
                let hint = lone.then(|| format!("{key}:{}", quote_spaced(word)));
                self.flag(
                    i..i + 1,
                    "Not part of the name (it goes before the phone) and no open field takes it",
                    hint.clone(),
                );
                self.fix_last(hint);
            }
        }
    }

    /// What a plain word after the phone or email names among the picked fields not set
    /// yet (see the module's rules): one entry, several, none, or some but the word is
    /// too short to pick from them.
    fn crm_word(&self, i: usize, word: &str) -> Fits {
        let token = &self.tokens[i];
        let identified = [Role::Phone, Role::Email]
            .into_iter()
            .any(|role| !self.flavour.value(&self.draft, role).is_empty());
        if !identified || !token.plain_word() {
            return Fits::None;
        }
        // (field, value, how it fits, its name and its field's label); the same name
        // once per field.
        let mut found: Vec<(&'static str, String, Fit, Candidate)> = Vec::new();
        let mut add = |spec: &crate::contact::fields::FieldSpec,
                       (fit, hits): (Option<Fit>, Vec<usize>),
                       value: &dyn Fn(usize) -> (String, String)| {
            let Some(fit) = fit else {
                return;
            };
            // One name is a pick and two a question, whatever follows: a word that
            // fits 100,000 tags must not copy their ids.
            let hits = &hits[..hits.len().min(if fit == Fit::Same { 1 } else { 2 })];
            for &at in hits {
                let (value, name) = value(at);
                let label = spec.label.to_owned();
                found.push((spec.key, value, fit, Candidate { name, label }));
            }
        };
        for spec in self.flavour.fields() {
            let open = self.flavour.is_list(spec.key) || self.draft.get(spec.key).is_empty();
            match spec.kind {
                FieldKind::SinglePick(kind) | FieldKind::MultiPick(kind) if open => {
                    let items = self.catalog.items(kind);
                    let fits = loose_in(word, items);
                    let entry = |at: usize| {
                        items
                            .get(at)
                            .map(|it| (it.id.clone(), it.name.clone()))
                            .unwrap_or_default()
                    };
                    add(spec, fits, &entry);
                }
                FieldKind::Enum(values) if open && spec.role == Role::Type => {
                    let fits = loose_fit(word, values.iter().copied());
                    let value = |at: usize| {
                        let v = values.get(at).copied().unwrap_or_default().to_owned();
                        (v.clone(), v)
                    };
                    add(spec, fits, &value);
                }
                _ => {}
            }
        }
        let Some(tightest) = found.iter().map(|f| f.2).min() else {
            return Fits::None;
        };
        if tightest != Fit::Same && word.chars().count() < 3 {
            return Fits::Short;
        }
        let mut best: Vec<_> = found.into_iter().filter(|f| f.2 == tightest).collect();
        if best.len() == 1 {
            let (key, value, _, _) = best.remove(0);
            return Fits::One(key, value);
        }
        Fits::Several(best.into_iter().map(|f| f.3).collect())
    }

    /// `#name` and `@name`.
    fn pick(&mut self, i: usize) -> usize {
        let token = &self.tokens[i];
        let (bare, text) = (token.bare(), token.text());
        let sigil = if text.starts_with('#') { '#' } else { '@' };
        let name = text.strip_prefix(sigil).unwrap_or(&text);
        let mut name = name.trim_end_matches([',', ';']).trim().to_owned();
        let Some((key, kind)) = self.flavour.mark(sigil) else {
            let message = format!("{sigil} means nothing on a {} contact", self.flavour);
            self.flag(i..i + 1, message, None);
            return 1;
        };
        if name.is_empty() {
            let message = format!("{sigil} needs a {} name right after it", kind.noun());
            self.flag(i..i + 1, message, None);
            return 1;
        }
        if name.contains(',') && self.flavour.is_list(key) {
            self.put_list(i..i + 1, key, kind, &name);
            return 1;
        }
        let words = if bare {
            self.complete(i, kind, &mut name)
        } else {
            0
        };
        match self.lookup(kind, &name) {
            Ok(id) => self.put_pick(i..i + 1 + words, key, id),
            Err((message, hint)) => self.flag_fix(i..i + 1, message, hint, |h| {
                format!("{sigil}{}", quote_spaced(h))
            }),
        }
        1 + words
    }

    /// Extends `name` with the plain words after token `i` while they spell a longer
    /// catalog name (`#cliente nuevo`); returns how many words it took.
    fn complete(&self, i: usize, kind: CatalogKind, name: &mut String) -> usize {
        // Most names are one word, or not followed by a plain word: then nothing to do,
        // and no pass over the whole list.
        if !self.tokens.get(i + 1).is_some_and(Token::plain_word) {
            return 0;
        }
        let items = self.catalog.items(kind);
        let (mut candidate, mut taken) = (name.clone(), 0);
        for extra in 1..items.most_words().unwrap_or(1) {
            let Some(next) = self.tokens.get(i + extra).filter(|t| t.plain_word()) else {
                break;
            };
            candidate = format!("{candidate} {}", next.text());
            if same_in(&candidate, items) {
                name.clone_from(&candidate);
                taken = extra;
            }
        }
        taken
    }

    /// A catalog id for a typed name: by id or the name itself, else the one name that
    /// [`loose`] finds (`mumb` → "Mumbai"); otherwise why not, with the closest name as a
    /// hint.
    fn lookup(&self, kind: CatalogKind, text: &str) -> Result<String, (String, Hint)> {
        let items = self.catalog.items(kind);
        if let Some(item) = items.find(text.trim()) {
            return Ok(item.id.clone());
        }
        let (fit, hits) = loose_in(text, items);
        let name_at = |at: &usize| items.get(*at).map(|it| it.name.as_str());
        match hits[..] {
            [first, ..] if fit == Some(Fit::Same) => {
                // Of names alike but for accents, the one spelt as typed (any case).
                let lower = text.trim().to_lowercase();
                let spelt = hits
                    .iter()
                    .filter_map(|at| items.get(*at))
                    .find(|it| it.name.to_lowercase() == lower);
                if let Some(item) = spelt.or_else(|| items.get(first)) {
                    return Ok(item.id.clone());
                }
            }
            [one] => {
                if let Some(item) = items.get(one) {
                    return Ok(item.id.clone());
                }
            }
            [_, _, ..] => {
                // A word may fit 100,000 names: only the first few are named.
                let shown = hits.iter().take(SHOWN).filter_map(name_at);
                let shown: Vec<&str> = shown.collect();
                return Err((several(text, &shown, hits.len()), None));
            }
            [] => {}
        }
        // An empty catalog or a bare WhatsMark id: the same rules as `rolo add`.
        input::resolve(self.catalog, kind, self.flavour, text).map_err(|_| {
            let near = closest_in(text, items).and_then(|at| name_at(&at));
            (missing(kind, text), near.map(str::to_owned))
        })
    }

    fn put_pick(&mut self, range: Range<usize>, key: &str, id: String) {
        if !self.flavour.is_list(key) {
            return self.set_single(range, key, &id);
        }
        let list = self.draft.lists.entry(key.to_owned()).or_default();
        if !list.contains(&id) {
            list.push(id);
        }
        self.field(range, key);
    }

    fn url(&mut self, i: usize, text: &str) {
        let picture = self.flavour.field_for(Role::Picture).map(|f| f.key);
        match picture.filter(|k| self.draft.get(k).is_empty()) {
            Some(key) if is_image_url(text) => self.set_single(i..i + 1, key, text),
            _ => {
                if let Some(notes) = self.flavour.key(Role::Notes) {
                    self.append(i..i + 1, notes, text);
                }
            }
        }
    }

    fn email(&mut self, i: usize, text: &str) {
        let address = text.trim_start_matches(['<', '(', '[']);
        let address = address.trim_end_matches(['>', ')', ']', ',', ';', '.', ':']);
        let options = Options::default()
            .with_required_tld()
            .without_display_text()
            .without_domain_literal();
        let Some(key) = self.flavour.key(Role::Email) else {
            return self.flag(i..i + 1, "This CRM has no email field; not used", None);
        };
        let current = self.draft.get(key);
        if EmailAddress::parse_with_options(address, options).is_err() {
            self.flag(i..i + 1, BAD_EMAIL, None);
        } else if current.eq_ignore_ascii_case(address) {
            self.field(i..i + 1, key);
        } else if current.is_empty() {
            self.set_single(i..i + 1, key, address);
        } else {
            self.flag(i..i + 1, "Extra email, not used", None);
        }
    }

    /// How many phone-like tokens follow from `start`, at most one number's worth.
    fn phone_tokens(&self, start: usize) -> usize {
        let tokens = self.tokens.iter().skip(start).take(MAX_PHONE_TOKENS);
        tokens.take_while(|t| t.phonish()).count()
    }

    fn phone_text(&self, head: &str, range: Range<usize>) -> String {
        let tokens = self.tokens.get(range).unwrap_or_default();
        let rest = tokens.iter().map(|t| t.raw.trim_end_matches([',', ';']));
        let all: Vec<&str> = std::iter::once(head).chain(rest).collect();
        all.join(" ").trim().to_owned()
    }

    /// The valid number spelled by `head` and the most tokens from `start` (none when
    /// `head` alone is one), with how many tokens it took.
    fn longest_phone(&self, head: &str, start: usize) -> Option<(String, usize)> {
        (0..=self.phone_tokens(start)).rev().find_map(|n| {
            let text = self.phone_text(head, start..start + n);
            let digits = text.chars().filter(char::is_ascii_digit).count();
            let plausible = (MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS).contains(&digits);
            let e164 = plausible.then(|| phone::to_e164(&text, self.region).ok());
            e164.flatten().map(|e164| (e164, n))
        })
    }

    /// Phone-like tokens from `i`: the first valid number among them is the phone, and
    /// the tokens before it (`2024` in `2024 318 877 9043`) are flagged.
    fn phone_run(&mut self, i: usize) -> usize {
        let run = self.phone_tokens(i);
        // A run that starts with its country code (`+52`, `0052`) is read whole: a number
        // found further in would be placed in the profile's region, in another country.
        let raw = self.tokens[i].raw.trim_start_matches(['(', '[']);
        let international = raw.starts_with('+') || raw.starts_with("00");
        let starts = if international { i..i + 1 } else { i..i + run };
        for start in starts {
            if let Some((e164, taken)) = self.longest_phone("", start).filter(|f| f.1 > 0) {
                if start > i {
                    self.not_a_phone(i..start);
                }
                self.put_phone(start..start + taken, &e164);
                return start + taken - i;
            }
        }
        self.not_a_phone(i..i + run);
        run
    }

    fn not_a_phone(&mut self, range: Range<usize>) {
        let text = self.phone_text("", range.clone());
        let digits = text.chars().filter(char::is_ascii_digit).count();
        let message = match phone::to_e164(&text, self.region) {
            _ if digits < MIN_PHONE_DIGITS => SHORT_PHONE.to_owned(),
            Err(e) => e.to_string(),
            Ok(_) => "Not used as a phone number".to_owned(),
        };
        self.flag(range, message, None);
    }

    fn put_phone(&mut self, range: Range<usize>, value: &str) {
        let Some(key) = self.flavour.key(Role::Phone) else {
            return self.flag(
                range,
                "This CRM has no phone field; not used".to_owned(),
                None,
            );
        };
        let current = self.draft.get(key);
        if current.is_empty() || current == value {
            return self.set_single(range, key, value);
        }
        let wa = self.flavour.field_for(Role::WhatsApp);
        let wa_free = wa.is_some_and(|f| self.draft.get(f.key).is_empty());
        let hint = wa_free.then(|| format!("wa:{value}"));
        let message = format!("A second phone ({value}); only one fits, not used");
        self.flag_fix(range, message, hint, str::to_owned);
    }

    /// The first value of a single field wins; a different later one is flagged.
    fn set_single(&mut self, range: Range<usize>, key: &str, value: &str) {
        let current = self.draft.get(key);
        if current.is_empty() || current == value {
            self.draft.set(key, value);
            self.field(range, key);
        } else {
            let label = self.flavour.field(key).map_or(key, |f| f.label);
            self.flag(range, format!("{label} is already set; not used"), None);
        }
    }

    /// Notes take every piece given, a line each.
    fn append(&mut self, range: Range<usize>, key: &str, value: &str) {
        let joined = match self.draft.get(key) {
            "" => value.to_owned(),
            current => format!("{current}\n{value}"),
        };
        self.draft.set(key, joined);
        self.field(range, key);
    }

    /// The one Wipsy date custom field, where a bare date most likely belongs.
    fn date_field(&self) -> Option<&'a str> {
        let catalog: &'a Catalog = self.catalog;
        let dates = catalog.custom_fields.iter();
        let custom = self.flavour.has_custom_fields();
        let dates = dates.filter(|d| d.kind == CustomType::Date && custom);
        let dates: Vec<&'a CustomFieldDef> = dates.collect();
        dates
            .first()
            .filter(|_| dates.len() == 1)
            .map(|d| d.name.as_str())
    }

    /// Places the name words: explicit `name:`/`last_name:` keys win, the rest fill in.
    fn finish_names(&mut self) {
        let key = |role| self.flavour.key(role).unwrap_or_default();
        let (first_key, last_key) = (key(Role::FirstName), key(Role::LastName));
        let split = self.splits.first().copied();
        let names = std::mem::take(&mut self.names).into_iter();
        let (mut first, mut last): (Vec<_>, Vec<_>) =
            names.partition(|(j, _)| split.is_none_or(|s| *j < s));
        if split.is_none() && first.len() > 1 {
            last = first.split_off(1);
        }
        let given = |key: &str| !self.draft.get(key).is_empty();
        // One field for the whole name: a `name:` key's words come first, the rest after.
        let given_keys = if first_key == last_key {
            (given(first_key), false)
        } else {
            (given(first_key), given(last_key))
        };
        match given_keys {
            (false, false) => {}
            (true, false) => {
                first.append(&mut last);
                last = std::mem::take(&mut first);
            }
            (false, true) => first.append(&mut last),
            (true, true) => {
                for (j, _) in first.drain(..).chain(last.drain(..)) {
                    self.flag(j..j + 1, NAMED_BY_KEYS, None);
                }
            }
        }
        if first_key == last_key {
            // One field holds the whole name (Chatwoot): every name word, in order, and
            // after what a `name:` key gave.
            first.append(&mut last);
        }
        for (key, words) in [(first_key, first), (last_key, last)] {
            let mut text: Vec<&str> = words.iter().map(|(_, w)| w.as_str()).collect();
            let given = self.draft.get(key).to_owned();
            if first_key == last_key && !given.is_empty() && !text.is_empty() {
                text.insert(0, &given);
            }
            if !text.is_empty() {
                self.draft.set(key, text.join(" "));
            }
            for (j, _) in words {
                self.field(j..j + 1, key);
            }
        }
        self.finish_splits(first_key, last_key);
    }

    /// The first `|` counts with the name it splits; any other is flagged.
    fn finish_splits(&mut self, first_key: &str, last_key: &str) {
        for (n, j) in std::mem::take(&mut self.splits).into_iter().enumerate() {
            let with = [last_key, first_key];
            let with = with.into_iter().find(|key| !self.draft.get(key).is_empty());
            match with {
                Some(key) if n == 0 => self.field(j..j + 1, key),
                Some(_) => self.flag(j..j + 1, "Only the first | splits the name", None),
                None => self.flag(j..j + 1, NO_NAME_AROUND, None),
            }
        }
    }

    fn note(&mut self, range: Range<usize>, message: impl Into<String>, suggestion: Hint) {
        let span = self.span(range.clone());
        let tokens = self.tokens.get(range).unwrap_or_default();
        let raws: Vec<&str> = tokens.iter().map(|t| t.raw.as_str()).collect();
        let (token, message) = (raws.join(" "), message.into());
        self.notes.push(Note {
            token,
            message,
            suggestion,
            span,
            fix: None,
            others: Vec::new(),
        });
    }

    /// The bytes of the line that tokens `range` cover.
    fn span(&self, range: Range<usize>) -> Range<usize> {
        let tokens = self.tokens.get(range).unwrap_or_default();
        match (tokens.first(), tokens.last()) {
            (Some(first), Some(last)) => first.span.start..last.span.end,
            _ => 0..0,
        }
    }

    /// Gives the last note the text that takes its suggestion.
    fn fix_last(&mut self, fix: Option<String>) {
        if let Some(note) = self.notes.last_mut() {
            note.fix = fix;
        }
    }

    /// [`Parser::flag`], with the fix Tab applies made from the hint by `fix`.
    fn flag_fix(
        &mut self,
        range: Range<usize>,
        message: impl Into<String>,
        hint: Hint,
        fix: impl FnOnce(&str) -> String,
    ) {
        let fixed = hint.as_deref().map(fix);
        self.flag(range, message, hint);
        self.fix_last(fixed);
    }

    fn flag(&mut self, range: Range<usize>, message: impl Into<String>, hint: Hint) {
        self.note(range.clone(), message, hint);
        self.mark(range, &Use::Flagged);
    }

    fn field(&mut self, range: Range<usize>, key: &str) {
        self.mark(range, &Use::Field(key.to_owned()));
    }

    fn mark(&mut self, range: Range<usize>, used: &Use) {
        for slot in self.uses.get_mut(range).unwrap_or_default() {
            *slot = Some(used.clone());
        }
    }

    fn into_parsed(mut self) -> Parsed {
        // Every branch places its tokens; this guards against a future one that forgets.
        for j in 0..self.uses.len() {
            if self.uses[j].is_none() {
                self.flag(j..j + 1, "Not understood", None);
            }
        }
        let words = self.tokens.into_iter().zip(self.uses);
        let word = |(t, used): (Token, Option<Use>)| Word {
            text: t.raw,
            used_as: used.unwrap_or(Use::Flagged),
        };
        let (draft, notes) = (self.draft, self.notes);
        Parsed {
            draft,
            notes,
            words: words.map(word).collect(),
        }
    }
}

fn missing(kind: CatalogKind, name: &str) -> String {
    format!("No {} named \"{name}\"", kind.noun())
}

/// How many of the names a typed name fits [`several`] shows.
const SHOWN: usize = 3;

/// A typed name that starts, or spells, `count` names: the first few (`shown`), for
/// more letters.
fn several(name: &str, shown: &[&str], count: usize) -> String {
    let mut list = shown.join(", ");
    if count > SHOWN {
        list = format!("{list} and {} more", count - SHOWN);
    }
    format!("\"{name}\" fits several: {list}; type more of it")
}

fn quote_spaced(name: &str) -> String {
    let quote = if name.contains(' ') { "\"" } else { "" };
    format!("{quote}{name}{quote}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_take_only_the_tokens_that_form_a_number() {
        let catalog = Catalog::default();
        let line = "2024 318 877 9043 +91 98765 43210";
        let p = parse(line, Flavour::Wipsy, &catalog, Some("CO"));
        assert_eq!(p.draft.get("phone"), "+573188779043");
        let flagged: Vec<&str> = p.notes.iter().map(|n| n.token.as_str()).collect();
        assert_eq!(flagged, ["2024", "+91 98765 43210"]);
        assert_eq!(p.notes[1].suggestion.as_deref(), Some("wa:+919876543210"));
    }

    /// Chatwoot keeps the whole name in `name`: every name word goes there, after what
    /// a `name:` key gave, and nothing is flagged or offered as a replacement.
    #[test]
    fn one_name_field_takes_every_name_word() {
        let catalog = Catalog::default();
        for (line, whole) in [
            ("Ana María Pérez 3001234567", "Ana María Pérez"),
            ("name:Ana Pérez 3001234567", "Ana Pérez"),
            ("Ana | Pérez 3001234567", "Ana Pérez"),
        ] {
            let p = parse(line, Flavour::Chatwoot, &catalog, Some("CO"));
            assert_eq!(p.draft.get("name"), whole, "{line}");
            assert!(p.notes.is_empty(), "{line}: {:?}", p.notes);
        }
        let p = parse(
            "Ana 3001234567 Pérez",
            Flavour::Chatwoot,
            &catalog,
            Some("CO"),
        );
        assert_eq!(p.draft.get("name"), "Ana");
        assert!(
            p.notes.iter().all(|n| n.suggestion.is_none()),
            "no name: hint that would replace Ana: {:?}",
            p.notes
        );
    }
}
