//! Which field each column fills. Headers are compared without case, accents or
//! punctuation against the flavour's keys and labels, the Wipsy custom-field names, and
//! common English, Spanish and Portuguese column names; `--map "Column=field"` overrides.
//!
//! Two names need the other columns to decide:
//! - `name` / `nombre` / `nome` is the first name when another column holds the last
//!   name, and otherwise a full name split at its first space;
//! - `estado` is Spanish for both a region (Estado de México) and a status. On a
//!   `WhatsMark` profile it is the status when another column is the region, the region when
//!   another column is the status, and otherwise whichever its values say: the status when
//!   at least half of them name a status of the catalog. On Wipsy (no status) it is the
//!   province. The choice is printed, with the `--map` that reverses it.

use std::collections::HashSet;

use super::vocabulary::{Concept, named, norm};
use crate::contact::fields::FieldKind;
use crate::contact::{Catalog, CatalogKind, FieldSpec, Flavour, Role};

use Concept as C;

/// What a column fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A contract key (`firstname`, `tags`...) or `custom.<name or id>`.
    Field(String),
    /// A full name, split at its first space into first and last name.
    FullName,
}

/// Every column's target, and what to tell the user about the choice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    /// Per column, in file order: what it fills; `None` is ignored.
    pub columns: Vec<Option<Target>>,
    /// Decisions worth a line on stderr: ignored columns, ambiguous names, duplicates.
    pub notes: Vec<String>,
}

/// What a header alone says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Guess {
    Target(Target),
    /// Needs the other columns (or values) to decide.
    Concept(Concept),
    /// A known kind of information the flavour has no field for.
    NoField(Concept),
    /// rolo's own columns (`rolo_line`, `rolo_reason` in a rejected file) and blank ones.
    Silent,
    Unknown,
}

fn guess(header: &str, flavour: Flavour, catalog: &Catalog) -> Guess {
    let n = norm(header);
    if n.is_empty() || n.starts_with("rolo ") {
        return Guess::Silent;
    }
    let synonym = named(&n);
    if let Some(c @ (C::Name | C::Estado | C::Full)) = synonym {
        return match c {
            C::Full => Guess::Target(Target::FullName),
            _ => Guess::Concept(c),
        };
    }
    let own = flavour.fields().iter().find(|f| {
        !matches!(f.kind, FieldKind::CustomFields) && (norm(f.key) == n || norm(f.label) == n)
    });
    if let Some(f) = own {
        return Guess::Target(Target::Field(f.key.to_owned()));
    }
    if let Some(custom) = custom_target(header, &n, flavour, catalog) {
        return Guess::Target(custom);
    }
    // Another flavour's key or label (a WhatsMark export read into Wipsy) means what
    // that field means there.
    let concept = synonym.or_else(|| {
        Flavour::ALL
            .into_iter()
            .filter(|other| *other != flavour)
            .find_map(|other| {
                other
                    .fields()
                    .iter()
                    .find(|f| norm(f.key) == n || norm(f.label) == n)
                    .and_then(|f| Concept::of_key(other, f.key))
            })
    });
    match concept {
        Some(c) => c.key(flavour).map_or(Guess::NoField(c), |k| {
            Guess::Target(Target::Field(k.to_owned()))
        }),
        None => Guess::Unknown,
    }
}

/// A Wipsy custom field named by the header (`custom.NAME` or just its name).
fn custom_target(header: &str, n: &str, flavour: Flavour, catalog: &Catalog) -> Option<Target> {
    if !flavour.has_custom_fields() {
        return None;
    }
    let wanted = header.trim();
    let name = wanted.strip_prefix("custom.").unwrap_or(wanted);
    let n = n.strip_prefix("custom ").unwrap_or(n);
    catalog
        .custom_fields
        .iter()
        .find(|d| d.id == name || norm(&d.name) == n)
        .map(|d| Target::Field(format!("custom.{}", d.name)))
}

/// The target a `--map` field names: a contract key, `custom.NAME`, `full_name`, any
/// column name rolo recognises (`teléfono`), or `ignore` / `-`.
pub fn named_target(
    field: &str,
    flavour: Flavour,
    catalog: &Catalog,
) -> Result<Option<Target>, String> {
    let field = field.trim();
    let n = norm(field);
    if matches!(n.as_str(), "" | "ignore" | "none" | "skip") || field == "-" {
        return Ok(None);
    }
    if let Some(f) = flavour.field(field)
        && !matches!(f.kind, FieldKind::CustomFields)
    {
        return Ok(Some(Target::Field(f.key.to_owned())));
    }
    if (field.starts_with("custom.") || flavour.has_custom_fields())
        && let Some(t) = custom_target(field, &n, flavour, catalog)
    {
        return Ok(Some(t));
    }
    match guess(field, flavour, catalog) {
        Guess::Target(t) => Ok(Some(t)),
        Guess::Concept(C::Name) => Ok(Concept::First
            .key(flavour)
            .map(|k| Target::Field(k.to_owned()))),
        Guess::Concept(_) => Err(format!(
            "{field:?} is ambiguous; name the field by its key ({})",
            keys(flavour)
        )),
        Guess::NoField(c) => Err(format!(
            "{field:?} is {}, which {flavour} contacts do not have",
            c.words()
        )),
        Guess::Silent | Guess::Unknown => Err(format!(
            "no {flavour} field named {field:?} (fields: {}, custom.NAME, full_name, ignore)",
            keys(flavour)
        )),
    }
}

fn keys(flavour: Flavour) -> String {
    flavour
        .fields()
        .iter()
        .filter(|f| !matches!(f.kind, FieldKind::CustomFields))
        .map(|f| f.key)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The column a `--map` names: its exact header, else the same name compared as headers are.
fn column_of(headers: &[String], name: &str) -> Option<usize> {
    let name = name.trim();
    headers.iter().position(|h| h == name).or_else(|| {
        let n = norm(name);
        headers.iter().position(|h| norm(h) == n)
    })
}

/// Decides every column's target. `values(i)` gives a column's first cells, to decide
/// `estado`. `overrides` are the `--map COLUMN=FIELD` pairs, already split.
pub fn plan(
    headers: &[String],
    flavour: Flavour,
    catalog: &Catalog,
    overrides: &[(String, String)],
    values: &dyn Fn(usize) -> Vec<String>,
) -> Result<Mapping, String> {
    let mut guesses: Vec<Guess> = headers.iter().map(|h| guess(h, flavour, catalog)).collect();
    for (column, field) in overrides {
        let i = column_of(headers, column).ok_or_else(|| {
            let columns = headers.join(", ");
            format!("--map {column:?}: no such column (columns: {columns})")
        })?;
        let target = named_target(field, flavour, catalog).map_err(|e| format!("--map: {e}"))?;
        guesses[i] = target.map_or(Guess::Silent, Guess::Target);
    }
    let mut mapping = Mapping::default();
    let has_last = Concept::Last
        .key(flavour)
        .is_some_and(|key| claims(&guesses, key));
    let snapshot = guesses.clone();
    for (i, g) in guesses.iter_mut().enumerate() {
        let header = &headers[i];
        *g = match g.clone() {
            Guess::Concept(C::Name) => name(header, has_last, flavour, &mut mapping),
            Guess::Concept(C::Estado) => {
                let values = values(i);
                estado(header, &snapshot, flavour, catalog, &values, &mut mapping)
            }
            other => other,
        };
    }
    finish(headers, guesses, flavour, mapping)
}

/// Whether a column already fills `key`.
fn claims(guesses: &[Guess], key: &str) -> bool {
    guesses
        .iter()
        .any(|g| matches!(g, Guess::Target(Target::Field(k)) if k == key))
}

/// Reads `name` / `nombre` as the first name beside a last-name column, else a full name.
fn name(header: &str, has_last: bool, flavour: Flavour, mapping: &mut Mapping) -> Guess {
    // Where one field holds the whole name it is that field's, as it is.
    if flavour.one_name() {
        return Guess::Target(Target::FullName);
    }
    if has_last {
        let key = Concept::First.key(flavour).unwrap_or("name");
        return Guess::Target(Target::Field(key.to_owned()));
    }
    mapping.notes.push(format!(
        "column {header:?} read as a full name (first word = first name); use --map \"{header}=first_name\" if it is the first name only"
    ));
    Guess::Target(Target::FullName)
}

/// Reads `estado` as region or status (see the module notes).
fn estado(
    header: &str,
    others: &[Guess],
    flavour: Flavour,
    catalog: &Catalog,
    values: &[String],
    mapping: &mut Mapping,
) -> Guess {
    let field = |k: &str| Guess::Target(Target::Field(k.to_owned()));
    // With no status field (Wipsy) `estado` can only be the region.
    let (Some(status_key), Some(region_key)) =
        (flavour.key(Role::Status), flavour.key(Role::Region))
    else {
        return flavour
            .key(Role::Region)
            .map_or(Guess::NoField(C::Region), field);
    };
    let has = |key: &str| claims(others, key);
    let filled: Vec<&String> = values.iter().filter(|v| !v.trim().is_empty()).collect();
    let kind = flavour
        .field_for(Role::Status)
        .and_then(FieldSpec::catalog)
        .unwrap_or(CatalogKind::Statuses);
    let statuses = filled
        .iter()
        .filter(|v| catalog.resolve(kind, v).is_some())
        .count();
    let status = if has(status_key) {
        false
    } else {
        has(region_key) || (!filled.is_empty() && statuses * 2 >= filled.len())
    };
    let region_words = format!("{region_key} (region)");
    let (key, words, other) = if status {
        (status_key, "status", region_key)
    } else {
        (region_key, region_words.as_str(), status_key)
    };
    mapping.notes.push(format!(
        "column {header:?} read as the {words}; use --map \"{header}={other}\" if it is not"
    ));
    field(key)
}

/// Turns the decided guesses into targets and notes on ignored and shared columns.
fn finish(
    headers: &[String],
    guesses: Vec<Guess>,
    flavour: Flavour,
    mut mapping: Mapping,
) -> Result<Mapping, String> {
    let mut seen: Vec<(String, &str)> = Vec::new();
    for (header, g) in headers.iter().zip(guesses) {
        let target = match g {
            Guess::Target(t) => Some(t),
            Guess::NoField(c) => {
                mapping.notes.push(format!(
                    "column {header:?} holds {}, which {flavour} contacts do not have; ignored",
                    c.words()
                ));
                None
            }
            Guess::Unknown => {
                mapping.notes.push(format!(
                    "column {header:?} matches no {flavour} field; ignored (map it with --map \"{header}=FIELD\")"
                ));
                None
            }
            Guess::Silent | Guess::Concept(_) => None,
        };
        if let Some(Target::Field(key)) = &target {
            let shared = seen.iter().find(|(k, _)| k == key);
            // Where one field holds the whole name, its columns are joined (see `pairs`).
            let joined = C::First.key(flavour) == Some(key.as_str()) && flavour.one_name();
            if let Some((_, first)) = shared.filter(|_| !is_list(flavour, key)) {
                let how = if joined {
                    "they are joined, in that order"
                } else {
                    "the first one that is not empty is used"
                };
                mapping.notes.push(format!(
                    "columns {first:?} and {header:?} both fill {key}: {how}"
                ));
            }
            seen.push((key.clone(), header.as_str()));
        }
        mapping.columns.push(target);
    }
    if mapping.columns.iter().all(Option::is_none) {
        return Err(format!(
            "no column matches a {flavour} field (columns: {}); name them with --map \"COLUMN=FIELD\"",
            headers.join(", ")
        ));
    }
    Ok(mapping)
}

/// Whether a key is a list field (tags, groups), whose columns add up.
fn is_list(flavour: Flavour, key: &str) -> bool {
    flavour
        .field(key)
        .is_some_and(|f| matches!(f.kind, FieldKind::MultiPick(_)))
}

impl Mapping {
    /// A row's KEY=VALUE pairs: empty cells are left out (so profile defaults stay), a
    /// field filled by several columns takes the first non-empty one, list cells are
    /// joined (`;` and `|` also separate items), and a full name fills first and last
    /// name unless their own columns did.
    #[must_use]
    pub fn pairs(&self, cells: &[String], flavour: Flavour) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut used: HashSet<String> = HashSet::new();
        let mut full = Vec::new();
        // Where one field holds the whole name: a full-name column as it is, else the
        // first- and last-name columns joined (never both: "Ana Pérez Ana Pérez").
        let one_name = C::First.key(flavour).filter(|_| flavour.one_name());
        let mut parts = Vec::new();
        for (target, cell) in self.columns.iter().zip(cells) {
            let value = cell.trim();
            match target {
                Some(_) if value.is_empty() => {}
                Some(Target::FullName) => full.push(value),
                Some(Target::Field(key)) if Some(key.as_str()) == one_name => parts.push(value),
                Some(Target::Field(key)) => push(&mut out, &mut used, flavour, key, value),
                None => {}
            }
        }
        if let Some(key) = one_name {
            let whole = full
                .first()
                .map_or_else(|| parts.join(" "), |f| (*f).to_owned());
            if !whole.is_empty() {
                push(&mut out, &mut used, flavour, key, &whole);
            }
            return out;
        }
        for name in full {
            let (first, last) = name
                .split_once(char::is_whitespace)
                .map_or((name, ""), |(f, l)| (f, l.trim()));
            for (concept, part) in [(C::First, first), (C::Last, last)] {
                if let Some(key) = concept.key(flavour).filter(|_| !part.is_empty()) {
                    push(&mut out, &mut used, flavour, key, part);
                }
            }
        }
        out
    }
}

fn push(
    out: &mut Vec<(String, String)>,
    used: &mut HashSet<String>,
    flavour: Flavour,
    key: &str,
    value: &str,
) {
    if is_list(flavour, key) {
        let value = value.replace([';', '|'], ",");
        match out.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => {
                v.push(',');
                v.push_str(&value);
            }
            None => out.push((key.to_owned(), value)),
        }
    } else if used.insert(key.to_owned()) {
        out.push((key.to_owned(), value.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::catalog::Item;

    fn catalog() -> Catalog {
        let mut c = Catalog::default();
        c.merge_items(
            CatalogKind::Statuses,
            [Item {
                id: "283".into(),
                name: "Nuevo".into(),
                ..Item::default()
            }],
        );
        c
    }

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| (*s).to_owned()).collect()
    }

    fn targets(m: &Mapping) -> Vec<String> {
        m.columns
            .iter()
            .map(|t| match t {
                Some(Target::Field(k)) => k.clone(),
                Some(Target::FullName) => "FULL".into(),
                None => "-".into(),
            })
            .collect()
    }

    #[test]
    fn spanish_and_english_headers_map_for_each_flavour() {
        let h = headers(&[
            "Nombre",
            "Apellidos",
            "Teléfono",
            "Correo electrónico",
            "EMPRESA",
            "Ciudad",
            "Provincia",
            "Código postal",
            "Notas",
            "Etiquetas",
            "Fuente",
            "Tipo",
            "País",
            "Color favorito",
        ]);
        let none = |_| Vec::new();
        let wm = plan(&h, Flavour::Whatsmark, &catalog(), &[], &none).unwrap();
        assert_eq!(
            targets(&wm),
            [
                "firstname",
                "lastname",
                "phone",
                "email",
                "company",
                "city",
                "state",
                "zip",
                "description",
                "groups",
                "source_id",
                "type",
                "country_id",
                "-"
            ]
        );
        assert!(wm.notes.iter().any(|n| n.contains("Color favorito")));
        let wy = plan(&h, Flavour::Wipsy, &catalog(), &[], &none).unwrap();
        assert_eq!(
            targets(&wy)[..10],
            [
                "name",
                "last_name",
                "phone",
                "email",
                "company",
                "city",
                "province",
                "-",
                "notes",
                "tags"
            ]
        );
        assert!(wy.notes.iter().any(|n| n.contains("postal code")));
    }

    #[test]
    fn a_lone_name_column_is_a_full_name_and_is_split() {
        let h = headers(&["Name", "Phone"]);
        let m = plan(&h, Flavour::Whatsmark, &catalog(), &[], &|_| Vec::new()).unwrap();
        assert_eq!(targets(&m), ["FULL", "phone"]);
        let cells = headers(&["Ana María Pérez", " +57 300 "]);
        assert_eq!(
            m.pairs(&cells, Flavour::Whatsmark),
            [
                ("phone".to_owned(), "+57 300".to_owned()),
                ("firstname".to_owned(), "Ana".to_owned()),
                ("lastname".to_owned(), "María Pérez".to_owned()),
            ]
        );
    }

    /// Chatwoot's one name field: a full-name column as it is, or first and last name
    /// joined; never both (a Google export has Name, Given Name and Family Name).
    #[test]
    fn one_name_field_takes_the_full_name_or_first_and_last() {
        let h = headers(&["Name", "Given Name", "Family Name", "Phone"]);
        let m = plan(&h, Flavour::Chatwoot, &catalog(), &[], &|_| Vec::new()).unwrap();
        let cells = headers(&["Ana Pérez", "Ana", "Pérez", "+57 300"]);
        let pairs = m.pairs(&cells, Flavour::Chatwoot);
        assert!(
            pairs.contains(&("name".to_owned(), "Ana Pérez".to_owned())),
            "{pairs:?}"
        );
        let h = headers(&["First name", "Last name"]);
        let m = plan(&h, Flavour::Chatwoot, &catalog(), &[], &|_| Vec::new()).unwrap();
        let pairs = m.pairs(&headers(&["Ana", "Pérez"]), Flavour::Chatwoot);
        assert_eq!(pairs, [("name".to_owned(), "Ana Pérez".to_owned())]);
    }

    #[test]
    fn estado_follows_the_other_columns_then_the_values() {
        let cat = catalog();
        let with_region = headers(&["Estado", "Provincia"]);
        let m = plan(&with_region, Flavour::Whatsmark, &cat, &[], &|_| Vec::new()).unwrap();
        assert_eq!(targets(&m), ["status_id", "state"]);
        let alone = headers(&["Estado"]);
        let statuses = |_| vec!["Nuevo".to_owned(), "nuevo".to_owned(), "Jalisco".to_owned()];
        let m = plan(&alone, Flavour::Whatsmark, &cat, &[], &statuses).unwrap();
        assert_eq!(targets(&m), ["status_id"]);
        let regions = |_| vec!["Jalisco".to_owned(), "Nuevo León".to_owned()];
        let m = plan(&alone, Flavour::Whatsmark, &cat, &[], &regions).unwrap();
        assert_eq!(targets(&m), ["state"]);
        assert!(m.notes[0].contains("--map \"Estado=status_id\""));
        let m = plan(&alone, Flavour::Wipsy, &cat, &[], &statuses).unwrap();
        assert_eq!(targets(&m), ["province"]);
    }

    /// Where one field holds the whole name (Chatwoot), first- and last-name columns are
    /// joined, and the note says so instead of "the first one that is not empty".
    #[test]
    fn first_and_last_name_columns_are_said_to_be_joined_into_one_name() {
        let h = headers(&["first name", "last name", "phone"]);
        let m = plan(&h, Flavour::Chatwoot, &catalog(), &[], &|_| Vec::new()).unwrap();
        assert_eq!(targets(&m), ["name", "name", "phone_number"]);
        let note = m
            .notes
            .iter()
            .find(|n| n.contains("both fill name"))
            .unwrap();
        assert!(note.ends_with("they are joined, in that order"), "{note}");
        let cells = headers(&["Carla", "Ríos", "+573001112233"]);
        let pairs = m.pairs(&cells, Flavour::Chatwoot);
        assert!(
            pairs.contains(&("name".to_owned(), "Carla Ríos".to_owned())),
            "{pairs:?}"
        );
    }

    #[test]
    fn map_overrides_and_refuses_unknown_names() {
        let h = headers(&["Col A", "Tel", "Mobile"]);
        let over = [
            ("col a".to_owned(), "teléfono".to_owned()),
            ("Tel".to_owned(), "ignore".to_owned()),
        ];
        let m = plan(&h, Flavour::Whatsmark, &catalog(), &over, &|_| Vec::new()).unwrap();
        assert_eq!(targets(&m), ["phone", "-", "phone"]);
        assert!(m.notes.iter().any(|n| n.contains("both fill phone")));
        let cells = headers(&["", "x", "+1 555"]);
        assert_eq!(m.pairs(&cells, Flavour::Whatsmark)[0].1, "+1 555");
        let bad = [("Nope".to_owned(), "phone".to_owned())];
        assert!(plan(&h, Flavour::Whatsmark, &catalog(), &bad, &|_| Vec::new()).is_err());
        let bad = [("Tel".to_owned(), "shoe size".to_owned())];
        assert!(plan(&h, Flavour::Whatsmark, &catalog(), &bad, &|_| Vec::new()).is_err());
    }

    #[test]
    fn list_cells_join_and_other_flavour_keys_translate() {
        let h = headers(&["groups", "tags", "firstname", "description"]);
        let m = plan(&h, Flavour::Wipsy, &catalog(), &[], &|_| Vec::new()).unwrap();
        assert_eq!(targets(&m), ["tags", "tags", "name", "notes"]);
        let cells = headers(&["VIP; Soporte", "Recompra", "Ana", ""]);
        assert_eq!(
            m.pairs(&cells, Flavour::Wipsy),
            [
                ("tags".to_owned(), "VIP, Soporte,Recompra".to_owned()),
                ("name".to_owned(), "Ana".to_owned()),
            ]
        );
    }
}
