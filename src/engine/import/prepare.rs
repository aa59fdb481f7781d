//! Rows to request bodies, with every problem found before anything is sent: the same
//! rules as `rolo add --set` (catalog names or ids, comma lists, `custom.NAME`) over the
//! profile's defaults, rolo's validation, and phones or emails repeated inside the file.

use std::collections::HashMap;

use serde_json::Value;

use super::journal::{Journal, fingerprint};
use super::mapping::Mapping;
use super::table::{RawRow, Table};
use crate::contact::fields::FieldKind;
use crate::contact::input::apply;
use crate::contact::vcard::{self, Card};
use crate::contact::{Catalog, Draft, Flavour, Role};
use crate::engine::submit;

/// What rows are checked against.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    /// The profile's flavour.
    pub flavour: Flavour,
    /// The profile's default phone region.
    pub region: Option<&'a str>,
    /// The profile's catalog.
    pub catalog: &'a Catalog,
    /// The profile's defaults, under every row.
    pub defaults: &'a Draft,
}

/// One thing wrong with a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field's label (or `row` for the row as a whole).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Where a row stands before sending.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Valid: the body to send, and the name and phone for the history.
    Ready {
        /// The create body.
        body: Value,
        /// First and last name.
        name: String,
        /// The phone as sent.
        phone: String,
        /// The draft the body was built from: what a look for an earlier try reads.
        draft: Box<Draft>,
    },
    /// Not valid; never sent.
    Invalid(Vec<Problem>),
    /// Created by an earlier run of this import (in the journal).
    Done,
}

/// One data row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The line it starts on.
    pub line: u64,
    /// Its cells, as written back to the rejected and unsent files.
    pub cells: Vec<String>,
    /// Its fingerprint in the journal.
    pub hash: String,
    /// Where it stands.
    pub state: State,
}

/// Every row of a file, and the column names its cells go under.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// Column names for the rejected and unsent files.
    pub headers: Vec<String>,
    /// The rows, in file order.
    pub rows: Vec<Row>,
}

/// Prepares the rows of a CSV.
#[must_use]
pub fn from_table(table: &Table, mapping: &Mapping, env: &Env, journal: &Journal) -> Prepared {
    let width = table.headers.len();
    let rows = table
        .rows
        .iter()
        .map(|raw| {
            let hash = fingerprint(raw.cells.iter().map(String::as_str));
            Row {
                line: raw.line,
                cells: raw.cells.clone(),
                hash,
                state: csv_state(raw, width, mapping, env),
            }
        })
        .collect();
    finish(table.headers.clone(), rows, env.flavour, journal)
}

fn csv_state(raw: &RawRow, width: usize, mapping: &Mapping, env: &Env) -> State {
    let mut problems = Vec::new();
    let extra = raw
        .cells
        .iter()
        .skip(width)
        .filter(|c| !c.trim().is_empty());
    if extra.count() > 0 {
        problems.push(Problem {
            field: "row".into(),
            message: format!(
                "{} cells, but the header names {width} columns; is a separator inside an unquoted cell?",
                raw.cells.len()
            ),
        });
    }
    let mut draft = env.defaults.clone();
    for (key, value) in mapping.pairs(&raw.cells, env.flavour) {
        if let Err(message) = apply(&mut draft, env.flavour, env.catalog, &key, &value) {
            problems.push(Problem {
                field: label(env, &key),
                message,
            });
        }
    }
    checked(env, &draft, problems)
}

/// Prepares the cards of a vCard file: one row per card, its cells the flavour's fields.
#[must_use]
pub fn from_cards(cards: &[(u64, Card)], env: &Env, journal: &Journal) -> Prepared {
    let fields: Vec<&str> = env
        .flavour
        .fields()
        .iter()
        .filter(|f| !matches!(f.kind, FieldKind::CustomFields))
        .map(|f| f.key)
        .collect();
    let rows = cards
        .iter()
        .map(|(line, card)| {
            let (own, _) = vcard::to_draft(card, env.flavour, env.region);
            let cells: Vec<String> = fields.iter().map(|k| own.get(k).to_owned()).collect();
            let hash = fingerprint(cells.iter().map(String::as_str));
            let mut draft = env.defaults.clone();
            draft.values.extend(own.values);
            draft.lists.extend(own.lists);
            draft.custom.extend(own.custom);
            let state = checked(env, &draft, Vec::new());
            Row {
                line: *line,
                cells,
                hash,
                state,
            }
        })
        .collect();
    let headers = fields.iter().map(|k| (*k).to_owned()).collect();
    finish(headers, rows, env.flavour, journal)
}

/// Checks a filled draft with the pipeline's own checks ([`submit::check_for`]) and
/// builds its body; `problems` are those found while filling it.
fn checked(env: &Env, draft: &Draft, mut problems: Vec<Problem>) -> State {
    let body = match submit::check_for(env.flavour, env.region, env.catalog, draft) {
        Ok(body) => Some(body),
        Err(found) => {
            for (key, messages) in in_form_order(env.flavour, found.fields) {
                let field = label(env, &key);
                problems.extend(messages.into_iter().map(|message| Problem {
                    field: field.clone(),
                    message,
                }));
            }
            None
        }
    };
    let Some(body) = body.filter(|_| problems.is_empty()) else {
        return State::Invalid(problems);
    };
    let name = env.flavour.full_name(draft);
    // As every face records it (E.164): the body holds it so already for a valid row,
    // which spares a third parse of each phone (the check and the body made two).
    let sent = env.flavour.key(Role::Phone).and_then(|k| body.get(k));
    let phone = match sent.and_then(Value::as_str) {
        Some(e164) if e164.starts_with('+') => e164.to_owned(),
        _ => crate::engine::record::phone_of(env.flavour, draft, env.region),
    };
    State::Ready {
        body,
        name,
        phone,
        draft: Box::new(draft.clone()),
    }
}

/// Messages in form order, as the form would show them; custom fields and others after.
fn in_form_order(
    flavour: Flavour,
    mut found: std::collections::BTreeMap<String, Vec<String>>,
) -> Vec<(String, Vec<String>)> {
    let mut ordered: Vec<_> = flavour
        .fields()
        .iter()
        .filter_map(|f| found.remove_entry(f.key))
        .collect();
    ordered.extend(found);
    ordered
}

/// Marks a value the server keeps unique (a phone; on `WhatsMark` an email too) that an
/// earlier row of the file already uses: the CRM would refuse the second one anyway, or
/// (one that allows duplicates) hold the contact twice. Rows an earlier run created (in
/// the journal) become `Done`, and still hold their values here: a row refused as the
/// same phone as one of them is refused again on the next run, not sent.
fn finish(
    headers: Vec<String>,
    mut rows: Vec<Row>,
    flavour: Flavour,
    journal: &Journal,
) -> Prepared {
    let mut seen: HashMap<(&'static str, String), u64> = HashMap::new();
    for row in &mut rows {
        let done = journal.contains(&row.hash);
        let State::Ready { body, .. } = &row.state else {
            if done {
                row.state = State::Done;
            }
            continue;
        };
        let mut problems = Vec::new();
        let unique = flavour
            .spec()
            .unique
            .iter()
            .filter_map(|r| flavour.field_for(*r));
        for (key, field) in unique.map(|f| (f.key, f.label)) {
            let Some(value) = body.get(key).and_then(Value::as_str) else {
                continue;
            };
            let value = value.trim().to_lowercase();
            match seen.get(&(key, value.clone())) {
                Some(first) => problems.push(Problem {
                    field: field.into(),
                    message: format!("the same {key} as line {first}"),
                }),
                None => {
                    seen.insert((key, value), row.line);
                }
            }
        }
        if done {
            row.state = State::Done;
        } else if !problems.is_empty() {
            row.state = State::Invalid(problems);
        }
    }
    Prepared { headers, rows }
}

/// The label of a field key (or `custom.<id or name>`) for messages.
fn label(env: &Env, key: &str) -> String {
    if let Some(id) = key.strip_prefix("custom.") {
        return env
            .catalog
            .custom_field(id)
            .map_or_else(|| key.to_owned(), |d| d.name.clone());
    }
    env.flavour
        .field(key)
        .map_or_else(|| key.to_owned(), |f| f.label.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::CatalogKind;
    use crate::contact::catalog::Item;
    use crate::engine::import::mapping::plan;
    use crate::engine::import::table::read_csv;

    fn catalog() -> Catalog {
        let mut c = Catalog::default();
        for (kind, id, name) in [
            (CatalogKind::Sources, "110", "Website"),
            (CatalogKind::Statuses, "283", "Nuevo"),
            (CatalogKind::Groups, "12", "Mayoristas"),
        ] {
            c.merge_items(
                kind,
                [Item {
                    id: id.into(),
                    name: name.into(),
                    ..Item::default()
                }],
            );
        }
        c
    }

    #[test]
    fn rows_become_bodies_or_problems_by_line() {
        let csv = "nombre,apellido,celular,correo,grupos\n\
                   Ana,Pérez,3001112233,ana@x.co,Mayoristas\n\
                   Luis,,3001112234,no-email,\n\
                   Eva,Gil,300 111 2233,,Nope\n";
        let table = read_csv(csv).unwrap();
        let cat = catalog();
        let mut defaults = Draft::default();
        for (k, v) in [("type", "lead"), ("source_id", "110"), ("status_id", "283")] {
            defaults.set(k, v);
        }
        let env = Env {
            flavour: Flavour::Whatsmark,
            region: Some("CO"),
            catalog: &cat,
            defaults: &defaults,
        };
        let mapping = plan(&table.headers, env.flavour, &cat, &[], &|_| Vec::new()).unwrap();
        let p = from_table(&table, &mapping, &env, &Journal::default());
        let State::Ready {
            body, name, phone, ..
        } = &p.rows[0].state
        else {
            panic!("{:?}", p.rows[0].state);
        };
        assert_eq!(body["groups"], serde_json::json!([12]));
        assert_eq!(
            (name.as_str(), phone.as_str()),
            ("Ana Pérez", "+573001112233")
        );
        let State::Invalid(problems) = &p.rows[1].state else {
            panic!("row 3 is invalid");
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["Last name", "Email"]);
        let State::Invalid(problems) = &p.rows[2].state else {
            panic!("row 4 is invalid");
        };
        assert_eq!(problems[0].field, "Groups");
        assert_eq!(p.rows[2].line, 4);
    }
}
