//! The CSV import: the file's bytes decoded (UTF-8 or Latin-1), the separator sniffed,
//! the table read, the columns mapped for both flavours (sometimes with a `--map`
//! override), every row turned into pairs, and the rows checked as an import would.

use super::super::{catalog_for, region, split_control};
use rolo::contact::{Draft, Flavour};
use rolo::engine::import::journal::Journal;
use rolo::engine::import::{Encoding, Env, encoding, mapping, prepare, table};

/// Fields a `--map COLUMN=FIELD` may name, right and wrong.
const FIELDS: [&str; 16] = [
    "phone",
    "email",
    "ignore",
    "-",
    "full_name",
    "custom.Canal preferido",
    "custom.cf-bday",
    "Fecha de cumpleaños",
    "estado",
    "tags",
    "groups",
    "status_id",
    "teléfono",
    "nombre",
    "custom.",
    "no such field",
];

/// One input: panics (a failed promise) are what the fuzzer looks for.
pub fn run(data: &[u8]) {
    let (control, rest) = split_control(data);
    let (pick, bytes) = if control & 0xC0 == 0 {
        (None, rest)
    } else {
        let (p, r) = split_control(rest);
        (Some(p), r)
    };
    let enc = if control & 0x20 == 0 {
        Encoding::Utf8
    } else {
        Encoding::Latin1
    };
    let _ = encoding::is_non_ascii_utf8(bytes);
    let Ok(text) = encoding::decode(bytes, enc) else {
        return;
    };
    let sniffed = table::sniff_delimiter(&text);
    assert!(matches!(sniffed, b',' | b';' | b'\t'));
    let Ok(t) = table::read_csv(&text) else {
        return;
    };
    assert_eq!(t.delimiter, sniffed);

    let catalog = catalog_for(control);
    let overrides: Vec<(String, String)> = pick
        .into_iter()
        .filter(|_| !t.headers.is_empty())
        .map(|p| {
            let column = t.headers[usize::from(p) % t.headers.len()].clone();
            (column, FIELDS[usize::from(p >> 4)].to_owned())
        })
        .collect();
    let values = |i: usize| -> Vec<String> {
        let cells = t.rows.iter().take(200);
        cells.filter_map(|r| r.cells.get(i).cloned()).collect()
    };
    for flavour in [Flavour::Wipsy, Flavour::Whatsmark] {
        let Ok(m) = mapping::plan(&t.headers, flavour, &catalog, &overrides, &values) else {
            continue;
        };
        assert_eq!(m.columns.len(), t.headers.len());
        for row in &t.rows {
            let _ = m.pairs(&row.cells, flavour);
        }
        if flavour == super::super::flavour(control) {
            let defaults = Draft::default();
            let env = Env {
                flavour,
                region: region(control),
                catalog: &catalog,
                defaults: &defaults,
            };
            let prepared = prepare::from_table(&t, &m, &env, &Journal::default());
            assert_eq!(prepared.rows.len(), t.rows.len());
        }
    }
}
