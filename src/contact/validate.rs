//! Validation: pure functions, one place, used by every face (form, `rolo add`, import).
//!
//! Checks are what the contracts document plus what the catalog knows, so an agent
//! learns about a mistake while typing instead of from a 422. Messages are short plain
//! words, with an example where one helps; they are shown under the field as they are.

use std::collections::BTreeMap;

/// The words of a problem that a catalog refresh may solve: a face adds its own way to
/// refresh (the form its key, the CLI `rolo catalog refresh`) after them.
pub const REFRESH_HINT: &str = "refresh the catalog";

use email_address::{EmailAddress, Options};

use super::Role;
use super::catalog::{Catalog, CustomFieldDef, CustomType};
use super::draft::Draft;
use super::fields::{CatalogKind, FieldKind, FieldSpec, Flavour};
use super::phone;

#[cfg(test)]
mod cases;

/// How a Wipsy custom field's key starts in [`Problems`] and [`validate_field`]:
/// `custom.<field_id>`.
pub const CUSTOM_PREFIX: &str = "custom.";

const GONE: &str = "This custom field no longer exists in the catalog";
const EMAIL_HINT: &str = "This doesn't look like an email address, e.g. ana.gomez@example.com";
const URL_HINT: &str =
    "Type a web address starting with http:// or https://, e.g. https://example.com/photo.jpg";
const NUMBER_HINT: &str =
    "Type a number with digits, a dot for decimals and - if negative, e.g. 1500 or -3.75";
const DATE_HINT: &str = "Type a date as YYYY-MM-DD, e.g. 2026-11-24";

/// What a draft is checked against: the profile's flavour, its default phone region and
/// its catalog.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// Which API's fields apply.
    pub flavour: Flavour,
    /// ISO 3166 alpha-2 region for phone numbers typed without a country code.
    pub default_region: Option<&'a str>,
    /// Ids that picked fields may hold, and the Wipsy custom-field definitions.
    pub catalog: &'a Catalog,
}

/// Messages per field, keyed by contract key (`phone`, `source_id`, `tags`) or
/// `custom.<field_id>` for a Wipsy custom field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    /// Field key → its messages, never an empty list when built by this module.
    pub fields: BTreeMap<String, Vec<String>>,
}

impl Problems {
    /// Whether there is nothing to fix.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.fields.values().all(Vec::is_empty)
    }

    /// The number of messages, over all fields.
    #[must_use]
    pub fn count(&self) -> usize {
        self.fields.values().map(Vec::len).sum()
    }

    /// The messages of one field; empty when it is fine.
    #[must_use]
    pub fn get(&self, key: &str) -> &[String] {
        self.fields.get(key).map_or(&[], Vec::as_slice)
    }

    /// Adds a message to a field, e.g. one the server sent back.
    pub fn push(&mut self, key: &str, message: impl Into<String>) {
        self.fields
            .entry(key.to_owned())
            .or_default()
            .push(message.into());
    }

    /// The field the form should focus: the first with a message in form order, with
    /// custom fields in catalog order at the `custom_fields` position. Keys the form does
    /// not know (stale custom fields, server-only keys) come after those they follow.
    #[must_use]
    pub fn first_in_form_order(&self, flavour: Flavour, catalog: &Catalog) -> Option<&str> {
        let found = |key: &str| {
            self.fields
                .get_key_value(key)
                .filter(|(_, messages)| !messages.is_empty())
                .map(|(key, _)| key.as_str())
        };
        let with_messages = || {
            self.fields
                .iter()
                .filter(|(_, messages)| !messages.is_empty())
                .map(|(key, _)| key.as_str())
        };
        for spec in flavour.fields() {
            if !matches!(spec.kind, FieldKind::CustomFields) {
                if let Some(key) = found(spec.key) {
                    return Some(key);
                }
                continue;
            }
            let in_catalog = catalog
                .custom_fields
                .iter()
                .find_map(|def| found(&custom_key(&def.id)));
            let any_custom = || with_messages().find(|key| key.starts_with(CUSTOM_PREFIX));
            if let Some(key) = found(spec.key).or(in_catalog).or_else(any_custom) {
                return Some(key);
            }
        }
        with_messages().next()
    }

    fn add(&mut self, key: String, messages: Vec<String>) {
        if !messages.is_empty() {
            self.fields.entry(key).or_default().extend(messages);
        }
    }
}

/// The `Problems` key of a Wipsy custom field.
#[must_use]
pub fn custom_key(field_id: &str) -> String {
    format!("{CUSTOM_PREFIX}{field_id}")
}

/// Checks every field of a draft; an empty result means it can be sent.
#[must_use]
pub fn validate_draft(rules: &Rules, draft: &Draft) -> Problems {
    let mut problems = Problems::default();
    for spec in rules.flavour.fields() {
        if matches!(spec.kind, FieldKind::CustomFields) {
            check_all_custom(rules, draft, &mut problems);
        } else {
            problems.add(spec.key.to_owned(), check_spec(rules, spec, draft));
        }
    }
    problems
}

/// Checks one field as it is typed; `key` is a contract key or `custom.<field_id>`.
/// Gives exactly what [`validate_draft`] gives for that key.
#[must_use]
pub fn validate_field(rules: &Rules, draft: &Draft, key: &str) -> Vec<String> {
    if let Some(id) = key.strip_prefix(CUSTOM_PREFIX) {
        return check_custom_key(rules, draft, id);
    }
    match rules.flavour.field(key) {
        Some(spec) if !matches!(spec.kind, FieldKind::CustomFields) => {
            check_spec(rules, spec, draft)
        }
        _ => Vec::new(),
    }
}

/// Checks a Wipsy custom-field value against its definition's type.
#[must_use]
pub fn validate_custom(
    def: &CustomFieldDef,
    value: &str,
    default_region: Option<&str>,
) -> Vec<String> {
    let value = value.trim();
    if value.is_empty() {
        if def.required {
            let name = if def.name.trim().is_empty() {
                "This field"
            } else {
                def.name.trim()
            };
            return vec![format!("{name} is required")];
        }
        return Vec::new();
    }
    if let Some(m) = control_character(value, false) {
        return vec![m];
    }
    let problem = match def.kind {
        CustomType::Text => None,
        CustomType::Email => check_email(value),
        CustomType::Phone => match phone::to_e164(value, default_region) {
            // Not a verdict: checked again once the phone database is loaded.
            Ok(_) | Err(phone::PhoneError::NotLoaded) => None,
            Err(e) => Some(e.to_string()),
        },
        CustomType::Number | CustomType::Currency | CustomType::Percent => check_number(value),
        CustomType::Date => check_date(value),
        CustomType::Select => check_select(&def.options, value),
        CustomType::Link => check_url(value),
        CustomType::Checkbox => crate::contact::catalog::yes_no(value)
            .is_none()
            .then(|| "Yes or no".to_owned()),
    };
    let problem = problem.or_else(|| {
        let pattern = def.pattern.as_deref()?;
        // A pattern this engine cannot read is not held against the value.
        let re = regex::Regex::new(pattern).ok()?;
        (!re.is_match(value)).then(|| format!("Does not match the pattern {pattern}"))
    });
    problem.into_iter().collect()
}

/// The first character of `value` that is refused everywhere: a control character (tab
/// and line ends are allowed where the field has lines), ESC, a C1 control or a bidi
/// override. Such text comes from a paste, a spreadsheet or a vCard, never from typing,
/// and would act on the terminal of whoever reads the contact (see [`crate::text`]).
#[must_use]
pub fn control_character(value: &str, lines: bool) -> Option<String> {
    let allowed = |c: char| lines && matches!(c, '\n' | '\r' | '\t');
    let (at, c) = value
        .chars()
        .enumerate()
        .find(|&(_, c)| crate::text::is_unsafe(c) && !allowed(c))?;
    let name = match c {
        '\u{1b}' => " (ESC, which starts terminal escape sequences)",
        '\u{7}' => " (BEL)",
        '\t' => " (tab)",
        '\n' | '\r' => " (a line break, in a one-line field)",
        c if crate::text::is_bidi(c) => " (a bidi override, which reorders the text shown)",
        _ => "",
    };
    Some(format!(
        "Contains a control character U+{:04X}{name} at position {}: remove it",
        u32::from(c),
        at + 1
    ))
}

fn has_custom_fields(flavour: Flavour) -> bool {
    flavour
        .fields()
        .iter()
        .any(|spec| matches!(spec.kind, FieldKind::CustomFields))
}

fn check_all_custom(rules: &Rules, draft: &Draft, problems: &mut Problems) {
    for def in &rules.catalog.custom_fields {
        problems.add(custom_key(&def.id), check_custom_key(rules, draft, &def.id));
    }
    for id in draft.custom.keys() {
        if rules.catalog.custom_fields.iter().all(|def| &def.id != id) {
            problems.add(custom_key(id), check_custom_key(rules, draft, id));
        }
    }
}

/// A value kept for a definition the catalog no longer has would be refused or lost by
/// the server; when the catalog has no definitions at all it is unknown, not stale.
fn check_custom_key(rules: &Rules, draft: &Draft, id: &str) -> Vec<String> {
    if !has_custom_fields(rules.flavour) {
        return Vec::new();
    }
    let value = draft.custom.get(id).map_or("", String::as_str);
    let defs = &rules.catalog.custom_fields;
    match defs.iter().find(|def| def.id == id) {
        Some(def) => validate_custom(def, value, rules.default_region),
        None if !defs.is_empty() && !value.trim().is_empty() => vec![GONE.to_owned()],
        None => Vec::new(),
    }
}

fn check_spec(rules: &Rules, spec: &FieldSpec, draft: &Draft) -> Vec<String> {
    if let FieldKind::MultiPick(kind) = spec.kind {
        return check_list(rules, spec, kind, draft.list(spec.key));
    }
    let value = draft.get(spec.key).trim();
    if value.is_empty() {
        return if spec.required {
            vec![required(spec)]
        } else {
            Vec::new()
        };
    }
    // Nothing else is worth saying about a value that could act on a terminal.
    if let Some(m) = control_character(value, matches!(spec.kind, FieldKind::MultiLine)) {
        return vec![m];
    }
    let mut messages = Vec::new();
    // A phone's limit applies to what is sent, the normalised number, not what was typed.
    if let Some(max) = spec
        .max_len
        .filter(|_| !matches!(spec.kind, FieldKind::Phone))
    {
        messages.extend(too_long(value, max));
    }
    messages.extend(check_kind(rules, spec, value));
    if spec.role == Role::CountryCode {
        messages.extend(check_country_code(value));
    }
    messages
}

/// A two-letter ISO 3166 code the phone database knows (`CO`, `in`): any two letters
/// went to the CRM before (`zz`).
fn check_country_code(value: &str) -> Option<String> {
    let code = value.to_ascii_uppercase();
    let letters = code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic());
    (!letters || code.parse::<phonenumber::country::Id>().is_err()).then(|| {
        format!("{value:?} is not a country code: use two letters of ISO 3166, like CO, IN or BR")
    })
}

fn check_list(rules: &Rules, spec: &FieldSpec, kind: CatalogKind, ids: &[String]) -> Vec<String> {
    let ids: Vec<&str> = ids
        .iter()
        .map(|id| id.trim())
        .filter(|id| !id.is_empty())
        .collect();
    if ids.is_empty() && spec.required {
        return vec![required(spec)];
    }
    let mut messages: Vec<String> = Vec::new();
    for message in ids.iter().filter_map(|id| check_id(rules, spec, kind, id)) {
        if !messages.contains(&message) {
            messages.push(message);
        }
    }
    messages
}

fn check_kind(rules: &Rules, spec: &FieldSpec, value: &str) -> Option<String> {
    match spec.kind {
        FieldKind::Email => check_email(value),
        FieldKind::Phone => check_phone(value, rules.default_region, spec.max_len),
        FieldKind::Url => check_url(value),
        FieldKind::Enum(allowed) => (!allowed.contains(&value))
            .then(|| format!("{} must be {}", spec.label, or_list(allowed))),
        FieldKind::SinglePick(kind) => check_id(rules, spec, kind, value),
        FieldKind::Text
        | FieldKind::MultiLine
        | FieldKind::MultiPick(_)
        | FieldKind::CustomFields => None,
    }
}

fn required(spec: &FieldSpec) -> String {
    match spec.kind {
        FieldKind::SinglePick(_) | FieldKind::MultiPick(_) => {
            format!("{} is required; pick one from the list", spec.label)
        }
        FieldKind::Enum(allowed) => format!("{} is required: {}", spec.label, or_list(allowed)),
        _ => format!("{} is required", spec.label),
    }
}

fn too_long(value: &str, max: usize) -> Option<String> {
    // The APIs count characters, so "Ñandú" is 5 however many bytes it takes.
    let count = value.chars().count();
    (count > max).then(|| format!("At most {max} characters (this has {count})"))
}

/// Display names and IP-literal domains are refused, and a domain needs a dot: each is
/// far more often a slip ("ana@gmail") than a real address.
fn check_email(value: &str) -> Option<String> {
    let options = Options::default()
        .with_required_tld()
        .without_display_text()
        .without_domain_literal();
    EmailAddress::parse_with_options(value, options)
        .is_err()
        .then(|| EMAIL_HINT.to_owned())
}

fn check_phone(value: &str, region: Option<&str>, max: Option<usize>) -> Option<String> {
    match phone::to_e164(value, region) {
        // Not a verdict: checked again once the phone database is loaded.
        Err(phone::PhoneError::NotLoaded) => None,
        Err(error) => Some(error.to_string()),
        Ok(e164) => max.and_then(|max| too_long(&e164, max)),
    }
}

fn check_url(value: &str) -> Option<String> {
    let ok = url::Url::parse(value).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty())
    });
    (!ok).then(|| URL_HINT.to_owned())
}

/// WhatsMark ids are integers, so a name typed where an id belongs is caught here; any
/// id must be in the catalog when the catalog is known (an empty one is not yet fetched
/// or cannot be listed, so it proves nothing).
fn check_id(rules: &Rules, spec: &FieldSpec, kind: CatalogKind, id: &str) -> Option<String> {
    let integer = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
    if rules.flavour.caps().integer_ids && !kind.by_name() && !integer {
        return Some(format!(
            "{} must be chosen from the list (an id number)",
            spec.label
        ));
    }
    // The column's range: a bigger id passes the server's validator and fails at INSERT.
    if let Some(max) = spec.max_id
        && integer
        && id.parse::<u64>().map_or(true, |n| n > max)
    {
        return Some(format!(
            "{} ids go up to {max}; {id} is too big",
            spec.label
        ));
    }
    let items = rules.catalog.items(kind);
    // A catalog only learned, never listed whole: an entry not seen yet may well exist,
    // and the server says so if not.
    let known = items.is_empty() || kind.learned_only() || items.iter().any(|item| item.id == id);
    (!known).then(|| {
        format!(
            "Unknown {} {id} — {REFRESH_HINT} or pick another",
            kind.noun()
        )
    })
}

/// Digits with an optional minus and dot decimals: no exponent, no thousands separator
/// and no decimal comma, which servers read differently.
fn check_number(value: &str) -> Option<String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = value.strip_prefix('-').unwrap_or(value);
    let (whole, decimals) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let ok = digits(whole) && digits(decimals) && value.parse::<f64>().is_ok_and(f64::is_finite);
    (!ok).then(|| NUMBER_HINT.to_owned())
}

/// The shape is checked by hand because jiff also reads other ISO 8601 forms
/// (`20261124`, `+002026-11-24`) that the API would not.
fn check_date(value: &str) -> Option<String> {
    let shaped = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Some(DATE_HINT.to_owned());
    }
    value
        .parse::<jiff::civil::Date>()
        .is_err()
        .then(|| format!("{value} isn't a real date; type it as YYYY-MM-DD, e.g. 2026-11-24"))
}

/// A select with no known options takes anything: the definition did not say.
fn check_select(options: &[String], value: &str) -> Option<String> {
    let known = options.is_empty() || options.iter().any(|option| option.trim() == value);
    (!known).then(|| format!("Pick one of: {}", options.join(", ")))
}

fn or_list(values: &[&str]) -> String {
    match values {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
