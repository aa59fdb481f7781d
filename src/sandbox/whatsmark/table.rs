//! The tenant `contacts` table as MySQL in strict mode holds it. It is narrower than the
//! validator (`../shared/api/README.md`, "The table is narrower than the validator"): a
//! 192–255 character name passes validation and fails at INSERT or UPDATE, which Laravel
//! answers 500 `INTERNAL_ERROR` with the `QueryException` text (the SQL with every value
//! sent) in `details.error`. This module is that last step of a create or update.

use crate::sandbox::state::{WmContact, WmTenant};

/// How a column limits what it holds.
#[derive(Debug, Clone, Copy)]
enum Column {
    /// `varchar(n)`: at most n characters (utf8mb4 counts characters).
    Varchar(usize),
    /// `TEXT`: at most 65,535 bytes.
    Text,
    /// `INT`.
    Int,
    /// `BIGINT UNSIGNED`.
    BigUnsigned,
    /// `ENUM('lead','customer'[, 'guest'])`.
    Type,
}

/// The columns an API write touches, in the order `validated()` lists them (the order of
/// the INSERT's column list, so the first column that fails is the one MySQL names).
const COLUMNS: [(&str, Column); 15] = [
    ("firstname", Column::Varchar(191)),
    ("lastname", Column::Varchar(191)),
    ("phone", Column::Varchar(20)),
    ("type", Column::Type),
    ("source_id", Column::BigUnsigned),
    ("status_id", Column::BigUnsigned),
    ("email", Column::Varchar(191)),
    ("company", Column::Varchar(191)),
    ("description", Column::Text),
    ("city", Column::Varchar(100)),
    ("state", Column::Varchar(100)),
    ("zip", Column::Varchar(15)),
    ("address", Column::Text),
    ("country_id", Column::Int),
    ("assigned_id", Column::BigUnsigned),
];

/// Which statement writes the row.
#[derive(Debug, Clone)]
pub enum Statement {
    /// A create's INSERT.
    Insert,
    /// A PATCH's UPDATE of these columns (those the body carried).
    Update(Vec<&'static str>),
}

/// One value as the row holds it.
enum Cell<'a> {
    Null,
    Text(&'a str),
    Number(i64),
}

fn cell<'a>(c: &'a WmContact, column: &str) -> Cell<'a> {
    let number = |n: Option<i64>| n.map_or(Cell::Null, Cell::Number);
    match column {
        "source_id" => Cell::Number(c.source_id),
        "status_id" => Cell::Number(c.status_id),
        "country_id" => number(c.country_id),
        "assigned_id" => number(c.assigned_id),
        _ => c.text.get(column).map_or(Cell::Null, |s| Cell::Text(s)),
    }
}

/// MySQL's error for a value that does not fit its column, if it does not.
fn misfit(tenant: &WmTenant, name: &str, column: Column, value: &Cell<'_>) -> Option<String> {
    let too_long = || {
        format!(
            "SQLSTATE[22001]: String data, right truncated: 1406 Data too long for column '{name}' at row 1"
        )
    };
    let out_of_range = || {
        format!(
            "SQLSTATE[22003]: Numeric value out of range: 1264 Out of range value for column '{name}' at row 1"
        )
    };
    match (column, value) {
        (Column::Varchar(n), Cell::Text(s)) if s.chars().count() > n => Some(too_long()),
        (Column::Text, Cell::Text(s)) if s.len() > 65_535 => Some(too_long()),
        (Column::Int, Cell::Number(n)) if i32::try_from(*n).is_err() => Some(out_of_range()),
        (Column::BigUnsigned, Cell::Number(n)) if *n < 0 => Some(out_of_range()),
        (Column::Type, Cell::Text(s)) if *s == "guest" && tenant.type_enum_without_guest => Some(
            format!("SQLSTATE[01000]: Warning: 1265 Data truncated for column '{name}' at row 1"),
        ),
        _ => None,
    }
}

/// A value as Laravel writes it into the SQL of a `QueryException`.
fn literal(value: &Cell<'_>) -> String {
    match value {
        Cell::Null => "null".to_owned(),
        Cell::Number(n) => n.to_string(),
        Cell::Text(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
    }
}

/// The statement's SQL with its values, as the exception text carries it.
fn sql(tenant: &WmTenant, c: &WmContact, statement: &Statement) -> String {
    let table = format!("`{}_contacts`", tenant.subdomain);
    match statement {
        Statement::Insert => {
            let present: Vec<&str> = COLUMNS
                .iter()
                .map(|(name, _)| *name)
                .filter(|name| !matches!(cell(c, name), Cell::Null))
                .collect();
            let names: Vec<String> = present.iter().map(|n| format!("`{n}`")).collect();
            let values: Vec<String> = present.iter().map(|n| literal(&cell(c, n))).collect();
            format!(
                "insert into {table} ({}, `updated_at`, `created_at`) values ({}, '{}', '{}')",
                names.join(", "),
                values.join(", "),
                c.updated_at,
                c.created_at
            )
        }
        Statement::Update(columns) => {
            let sets: Vec<String> = columns
                .iter()
                .map(|n| format!("`{n}` = {}", literal(&cell(c, n))))
                .collect();
            format!(
                "update {table} set {}, `updated_at` = '{}' where `id` = {}",
                sets.join(", "),
                c.updated_at,
                c.id
            )
        }
    }
}

/// Writes the row as MySQL would, or gives the exception text (`details.error`) for the
/// first column that cannot hold its value. An update checks only the columns it sets.
pub fn check(tenant: &WmTenant, c: &WmContact, statement: &Statement) -> Result<(), String> {
    let written = |name: &str| match statement {
        Statement::Insert => true,
        Statement::Update(columns) => columns.contains(&name),
    };
    let failure = COLUMNS
        .iter()
        .filter(|(name, _)| written(name))
        .find_map(|(name, column)| misfit(tenant, name, *column, &cell(c, name)));
    match failure {
        None => Ok(()),
        Some(error) => Err(format!(
            "{error} (Connection: mysql, SQL: {})",
            sql(tenant, c, statement)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column a `QueryException` text names (`... for column 'city' at row 1`).
    fn named_column(error: &str) -> Option<&str> {
        let rest = &error[error.find("for column '")? + "for column '".len()..];
        rest.split_once('\'').map(|(name, _)| name)
    }

    fn tenant() -> WmTenant {
        serde_json::from_value(serde_json::json!({
            "id": 1, "name": "T", "subdomain": "acme", "plan_name": "P", "plan_id": 1,
            "contact_limit": -1, "rate_limit_per_minute": null, "tokens": [],
            "sources": [], "statuses": [], "groups": [],
        }))
        .unwrap()
    }

    fn contact(pairs: &[(&str, &str)]) -> WmContact {
        let mut c = WmContact {
            id: 7,
            created_at: "2026-01-01T00:00:00.000000Z".into(),
            updated_at: "2026-01-01T00:00:00.000000Z".into(),
            ..WmContact::default()
        };
        for (k, v) in pairs {
            c.text.insert((*k).to_owned(), (*v).to_owned());
        }
        c
    }

    #[test]
    fn a_name_the_validator_takes_can_be_too_wide_for_its_column() {
        let t = tenant();
        let ok = contact(&[("firstname", &"é".repeat(191))]);
        assert!(check(&t, &ok, &Statement::Insert).is_ok());
        let wide = contact(&[("firstname", &"é".repeat(192)), ("city", "Pune")]);
        let err = check(&t, &wide, &Statement::Insert).unwrap_err();
        assert!(err.starts_with(
            "SQLSTATE[22001]: String data, right truncated: 1406 Data too long for column 'firstname' at row 1 (Connection: mysql, SQL: insert into `acme_contacts` (`firstname`, "
        ), "{err}");
        assert!(err.contains("'Pune'"), "the SQL carries every value: {err}");
        assert_eq!(named_column(&err), Some("firstname"));
    }

    #[test]
    fn integers_out_of_their_column_range_fail_at_insert() {
        let t = tenant();
        let mut c = contact(&[]);
        c.assigned_id = Some(-1);
        let err = check(&t, &c, &Statement::Insert).unwrap_err();
        assert!(
            err.contains("1264 Out of range value for column 'assigned_id'"),
            "{err}"
        );
        c.assigned_id = None;
        c.country_id = Some(i64::from(i32::MAX) + 1);
        assert_eq!(
            named_column(&check(&t, &c, &Statement::Insert).unwrap_err()),
            Some("country_id")
        );
    }

    #[test]
    fn an_update_checks_and_names_only_what_it_sets() {
        let t = tenant();
        let c = contact(&[("zip", "1234567890123456"), ("city", "Surat")]);
        assert!(check(&t, &c, &Statement::Update(vec!["city"])).is_ok());
        let err = check(&t, &c, &Statement::Update(vec!["zip"])).unwrap_err();
        assert!(err.ends_with("SQL: update `acme_contacts` set `zip` = '1234567890123456', `updated_at` = '2026-01-01T00:00:00.000000Z' where `id` = 7)"), "{err}");
    }

    #[test]
    fn a_tenant_whose_type_column_lacks_guest_refuses_it_at_insert() {
        let mut t = tenant();
        let c = contact(&[("type", "guest")]);
        assert!(check(&t, &c, &Statement::Insert).is_ok());
        t.type_enum_without_guest = true;
        let err = check(&t, &c, &Statement::Insert).unwrap_err();
        assert!(
            err.starts_with("SQLSTATE[01000]: Warning: 1265 Data truncated for column 'type'"),
            "{err}"
        );
    }
}
