//! The file as a table: a header and rows of cells, each row with the line it starts on.
//! CSV separators are sniffed from the header line; quoted cells may hold separators,
//! quotes and line breaks. A vCard file gives one row per card.

use anyhow::{Context, anyhow};

use crate::contact::vcard::{self, Card};

/// One row of cells and where it starts in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// 1-based line on which the row starts (the header is line 1 in a CSV).
    pub line: u64,
    /// The cells, as many as the row has (it may have fewer or more than the header).
    pub cells: Vec<String>,
}

/// A CSV file read into memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Column names, trimmed.
    pub headers: Vec<String>,
    /// Data rows; rows whose cells are all blank are left out.
    pub rows: Vec<RawRow>,
    /// The separator found.
    pub delimiter: u8,
}

/// The separator of a CSV: whichever of `,` `;` and tab occurs most in the header line
/// outside quotes (`,` on a tie). Excel writes `;` where the decimal mark is a comma.
#[must_use]
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            // The header line ends at LF, CRLF or (old Mac files) CR alone.
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = counts
        .iter()
        .enumerate()
        .max_by_key(|&(i, n)| (*n, std::cmp::Reverse(i)))
        .map_or(0, |(i, _)| i);
    [b',', b';', b'\t'][best]
}

/// Reads a CSV text (already decoded, BOM removed).
pub fn read_csv(text: &str) -> anyhow::Result<Table> {
    // Old Mac spreadsheets end lines with CR alone; the csv crate splits them but counts
    // lines by LF, so every row would say line 1. Read as LF so row numbers are true.
    let text: std::borrow::Cow<'_, str> = if text.contains('\r') && !text.contains('\n') {
        std::borrow::Cow::Owned(text.replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let text = text.as_ref();
    let delimiter = sniff_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .context("cannot read the header line")?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(anyhow!(
            "the first line should name the columns (nombre, teléfono, email...), but it is empty"
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.context("cannot read the CSV")?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, csv::Position::line);
        rows.push(RawRow {
            line,
            cells: record.iter().map(str::to_owned).collect(),
        });
    }
    Ok(Table {
        headers,
        rows,
        delimiter,
    })
}

/// Whether a file is a vCard file: by its extension, or by its first line.
#[must_use]
pub fn is_vcard(path: &std::path::Path, text: &str) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    ext == "vcf"
        || ext == "vcard"
        || text
            .trim_start()
            .get(..11)
            .is_some_and(|s| s.eq_ignore_ascii_case("BEGIN:VCARD"))
}

/// Every card of a vCard text with the line of its `BEGIN:VCARD`.
pub fn read_vcards(text: &str) -> anyhow::Result<Vec<(u64, Card)>> {
    let cards = vcard::parse(text).context("not a readable vCard file")?;
    // The parser is strict about structure, so the n-th BEGIN line (as the parser sees
    // one) opens the n-th card.
    let begins = text
        .lines()
        .enumerate()
        .filter(|(_, l)| vcard::is_begin(l))
        .map(|(n, _)| n as u64 + 1);
    Ok(begins.zip(cards).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn cr_only_line_ends_give_true_line_numbers() {
        let t = super::read_csv("firstname,phone\rAna,1\rLuz,2\r").unwrap();
        let lines: Vec<u64> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3]);
    }
    use super::*;

    #[test]
    fn separators_are_sniffed_outside_quotes() {
        assert_eq!(sniff_delimiter("a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_delimiter("\"a,b\";c;d\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("nombre"), b',');
    }

    #[test]
    fn quoted_line_breaks_keep_the_row_and_its_starting_line() {
        let t = read_csv("Nombre;Notas\nAna;\"uno\ndos; tres\"\n;\nLuis;x\n").unwrap();
        assert_eq!(t.headers, ["Nombre", "Notas"]);
        assert_eq!(t.delimiter, b';');
        assert_eq!(t.rows.len(), 2, "the blank row is left out");
        assert_eq!(t.rows[0].line, 2);
        assert_eq!(t.rows[0].cells[1], "uno\ndos; tres");
        assert_eq!(t.rows[1].line, 5);
    }

    #[test]
    fn vcards_carry_their_begin_line() {
        let text = "hola\nBEGIN:VCARD\nVERSION:3.0\nFN:Ana\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Luis\nEND:VCARD\n";
        let cards = read_vcards(text).unwrap();
        let lines: Vec<u64> = cards.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 6]);
        assert!(is_vcard(std::path::Path::new("x.VCF"), ""));
        assert!(is_vcard(std::path::Path::new("x.txt"), " BEGIN:VCARD\n"));
    }
}
