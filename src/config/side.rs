//! Side files: a profile's long lists kept as CSV, as a CRM panel exports them
//! (`tags_file = "wipsy-tags.csv"`, header `id,name,color`), instead of thousands of
//! `[[profiles.X.tags]]` tables. Read here with the `csv` crate; the engine reads them
//! off the UI thread and keeps what it read in its binary cache, so this runs once per
//! change of the file. Every error names the CSV file, the line and the column.
//!
//! The header names the columns, in any order and any case: `id` and `name` always,
//! then what the list takes (see [`columns`]); a column the list does not take is
//! refused, so a typo does not drop data silently. Blank lines are skipped; a UTF-8
//! byte-order mark (Excel's) is ignored.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::colour::hex_color;
use super::entries::custom_type;
use super::{ConfigError, ConfigErrorKind, List, SideFile};
use crate::contact::catalog::{CustomFieldDef, CustomType, Item};

/// What a side file held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entries {
    /// Tags, stages, assignees or countries.
    Items(Vec<Item>),
    /// Custom-field definitions.
    CustomFields(Vec<CustomFieldDef>),
}

/// At most this many problems are listed from one file: past it, the rest of the file
/// is surely wrong the same way.
const MAX_PROBLEMS: usize = 50;

/// The columns `list` takes, the required ones first.
#[must_use]
pub fn columns(list: List) -> &'static [&'static str] {
    match list {
        List::Tags => &["id", "name", "color"],
        List::Stages => &["id", "name", "color", "order", "system"],
        List::CustomFields => &["id", "name", "type", "options", "required", "order"],
        List::Assignees | List::Countries => &["id", "name"],
    }
}

/// Reads a side file: every entry, or every problem (up to [`MAX_PROBLEMS`]). The file
/// is read as a stream, never held whole beside what it becomes.
pub fn read(side: &SideFile) -> Result<Entries, Vec<ConfigError>> {
    let cannot = |e: std::io::Error| {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            ConfigErrorKind::NotFound
        } else {
            ConfigErrorKind::Io
        };
        vec![ConfigError {
            path: side.path.clone(),
            line: None,
            key: None,
            message: format!(
                "cannot read the {} file ({e}); it is named at {}",
                side.list.key(),
                side.named_at
            ),
            kind,
        }]
    };
    let file = std::fs::File::open(&side.path).map_err(cannot)?;
    let mut file = BufReader::new(file.take(MAX_SIZE + 1));
    if file.fill_buf().map_err(cannot)?.starts_with(BOM) {
        file.consume(BOM.len());
    }
    let entries = parse_from(&mut file, side.list, &side.path);
    // Over the cap, the file was cut: what the cut made of its last line is no news.
    if file.into_inner().limit() == 0 {
        return Err(cannot(std::io::Error::other(format!(
            "it is over {} MiB, more than any list rolo reads",
            MAX_SIZE / (1024 * 1024)
        ))));
    }
    entries
}

/// The most a side file may hold: 64 MiB is several hundred thousand entries; past it
/// the file is surely not a list (`/dev/zero`, a log), and memory is not spent on it.
const MAX_SIZE: u64 = 64 * 1024 * 1024;

/// The UTF-8 byte-order mark Excel writes first.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads the CSV text of a side file of `list` (`path` names it in errors).
pub fn parse(bytes: &[u8], list: List, path: &Path) -> Result<Entries, Vec<ConfigError>> {
    parse_from(bytes.strip_prefix(BOM).unwrap_or(bytes), list, path)
}

fn parse_from(input: impl Read, list: List, path: &Path) -> Result<Entries, Vec<ConfigError>> {
    // Lines end at `\n` alone (a `\r` before it is trimmed with the cell), and no line
    // is empty: the csv crate skips empty lines and then numbers the ones after them
    // wrong, and numbers CRLF lines wrong; this way every record is its own line.
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(NoEmptyLines {
            inner: input,
            last: b'\n',
            pending: None,
        });
    let mut problems = Problems {
        path,
        list: Vec::new(),
    };
    let mut header = csv::StringRecord::new();
    // The first line that is not blank names the columns.
    loop {
        match reader.read_record(&mut header) {
            Ok(true) if header.iter().all(|c| c.trim().is_empty()) => {}
            Ok(true) => break,
            Ok(false) => {
                return Err(vec![problems.at(
                    1,
                    None,
                    "the file is empty; the first line names the columns, like id,name",
                )]);
            }
            Err(e) => return Err(vec![problems.csv(&e)]),
        }
    }
    let header_line = header
        .position()
        .and_then(|p| usize::try_from(p.line()).ok())
        .unwrap_or(1);
    let at = header_columns(&header, list).map_err(|m| vec![problems.at(header_line, None, &m)])?;
    let mut rows = Rows {
        at,
        list,
        position: 0,
    };
    let mut items = Vec::new();
    let mut defs = Vec::new();
    // Each entry's line, for the duplicate check after the last line.
    let mut lines: Vec<usize> = Vec::new();
    for record in reader.records() {
        if problems.list.len() >= MAX_PROBLEMS {
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.list.push(problems.csv(&e));
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, csv::Position::line);
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        match rows.row(&record) {
            Ok(Row::Item(item)) => items.push(item),
            Ok(Row::Field(def)) => defs.push(def),
            Err(wrong) => {
                for (column, message) in wrong {
                    problems.list.push(problems.at(line, column, &message));
                }
                continue;
            }
        }
        lines.push(line);
    }
    let ids: Vec<&str> = match list {
        List::CustomFields => defs.iter().map(|d| d.id.as_str()).collect(),
        _ => items.iter().map(|i| i.id.as_str()).collect(),
    };
    let id_column = rows.column(0);
    for (line, first, id) in duplicates(&ids, &lines) {
        let message = format!("duplicate id {id:?} (first on line {first})");
        problems.list.push(problems.at(line, id_column, &message));
    }
    if !problems.list.is_empty() {
        problems.list.sort_by_key(|e| e.line);
        problems.list.truncate(MAX_PROBLEMS);
        return Err(problems.list);
    }
    Ok(match list {
        List::CustomFields => Entries::CustomFields(defs),
        _ => Entries::Items(items),
    })
}

/// Each id written again: (its line, the line it was first on, the id), in file order.
/// Found by sorting positions, not with a set of copies: 100,000 ids cost 400 KB here.
fn duplicates<'i>(ids: &[&'i str], lines: &[usize]) -> Vec<(usize, usize, &'i str)> {
    let mut order: Vec<u32> = (0..u32::try_from(ids.len()).unwrap_or(u32::MAX)).collect();
    order.sort_by_key(|&i| (ids[i as usize], i));
    let mut out = Vec::new();
    let mut first: Option<usize> = None;
    for i in order.into_iter().map(|i| i as usize) {
        match first {
            // Sorted by id, then position: the first of a run is the earliest.
            Some(f) if ids[f] == ids[i] => out.push((lines[i], lines[f], ids[i])),
            _ => first = Some(i),
        }
    }
    out.sort_unstable();
    out.truncate(MAX_PROBLEMS);
    out
}

/// A header cell or line as quoted in a message: at most 40 characters of it.
fn short(text: &str) -> String {
    let mut out: String = text.trim().chars().take(40).collect();
    if out.len() < text.trim().len() {
        out.push('…');
    }
    out
}

/// Gives every empty line a space, so that the csv crate sees one record per line and
/// numbers each right (rolo skips blank records itself).
struct NoEmptyLines<R> {
    inner: R,
    /// The last byte passed on (`\n` at the start: an empty first line counts too).
    last: u8,
    /// A byte that did not fit in the caller's buffer.
    pending: Option<u8>,
}

impl<R: Read> Read for NoEmptyLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        if let Some(b) = self.pending.take() {
            if buf.is_empty() {
                self.pending = Some(b);
                return Ok(0);
            }
            buf[0] = b;
            self.last = b;
            n = 1;
        }
        if n == buf.len() {
            return Ok(n);
        }
        // Each byte read becomes at most two: read half of what is free.
        let mut scratch = [0u8; 4096];
        let want = ((buf.len() - n) / 2).clamp(1, scratch.len());
        let got = self.inner.read(&mut scratch[..want])?;
        for &b in &scratch[..got] {
            if b == b'\n' && self.last == b'\n' {
                buf[n] = b' ';
                n += 1;
                if n == buf.len() {
                    self.pending = Some(b);
                    self.last = b' ';
                    return Ok(n);
                }
            }
            buf[n] = b;
            n += 1;
            self.last = b;
        }
        Ok(n)
    }
}

/// Where each column the list takes is in the file (`None`: not there).
type At = Vec<Option<usize>>;

/// Finds the columns in the header: `id` and `name` required, nothing unknown.
fn header_columns(header: &csv::StringRecord, list: List) -> Result<At, String> {
    let wanted = columns(list);
    let mut at: At = vec![None; wanted.len()];
    for (i, raw) in header.iter().enumerate() {
        let name = raw.trim().to_ascii_lowercase();
        match wanted.iter().position(|w| *w == name) {
            Some(w) if at[w].is_some() => return Err(format!("column {name:?} is named twice")),
            Some(w) => at[w] = Some(i),
            None => {
                return Err(format!(
                    "unknown column {:?} in the header (column {}); a {} file takes: {}",
                    short(raw),
                    i + 1,
                    list.key(),
                    wanted.join(", ")
                ));
            }
        }
    }
    if at[0].is_none() || at[1].is_none() {
        return Err(format!(
            "the header must name the columns id and name (a {} file takes: {}); found {:?}",
            list.key(),
            wanted.join(", "),
            short(&header.iter().collect::<Vec<_>>().join(","))
        ));
    }
    Ok(at)
}

/// What one line became.
enum Row {
    Item(Item),
    Field(CustomFieldDef),
}

/// A column (1-based, with its name) and what is wrong in it.
type Wrong = (Option<(usize, &'static str)>, String);

/// The reading of the lines after the header.
struct Rows {
    at: At,
    list: List,
    /// The position of the next custom field (its default `order`).
    position: i64,
}

impl Rows {
    /// One line's entry, or every problem in it (a line whose cells cannot be told
    /// apart, too many or a line break in one, stops at that).
    fn row(&mut self, record: &csv::StringRecord) -> Result<Row, Vec<Wrong>> {
        let need = self.at.iter().flatten().max().map_or(0, |m| m + 1);
        // More cells than the header names would be dropped without a word (a name with
        // an unquoted comma, say); empty ones at the end are what spreadsheets write.
        let used = (0..record.len())
            .rev()
            .find(|&i| record.get(i).is_some_and(|c| !c.trim().is_empty()))
            .map_or(0, |i| i + 1);
        if record.len() < need || used > need {
            let found = if used > need { used } else { record.len() };
            return Err(vec![(
                None,
                format!(
                    "{need} columns expected, found {found} (a value holding a comma is \
                     written in double quotes)"
                ),
            )]);
        }
        // A line break in a cell is surely a double quote left open above it (no list
        // holds one), and the rows after it would be read as its text.
        if let Some(i) = (0..record.len()).find(|&i| {
            record
                .get(i)
                .is_some_and(|c| c.trim().contains(['\n', '\r']))
        }) {
            let column = self
                .at
                .iter()
                .position(|a| *a == Some(i))
                .and_then(|w| self.column(w));
            return Err(vec![(
                column,
                "holds a line break: is a double quote left open?".to_owned(),
            )]);
        }
        let mut wrong = Vec::new();
        let mut id = self.text(record, 0).map_err(|w| wrong.push(w)).ok();
        let name = self.text(record, 1).map_err(|w| wrong.push(w)).ok();
        if let Some(raw) = id.as_deref()
            && matches!(self.list, List::Assignees | List::Countries)
        {
            // The same id as the inline lists take: 0 to 2^63-1, written plainly.
            id = match raw.parse::<i64>() {
                Ok(n) if n >= 0 => Some(n.to_string()),
                _ => {
                    wrong.push((self.column(0), format!("{raw:?} is not an integer id")));
                    None
                }
            };
        }
        let row = if self.list == List::CustomFields {
            self.custom_field(record)
                .map_err(|w| wrong.extend(w))
                .ok()
                .map(Row::Field)
        } else {
            let color = self.color(record).map_err(|w| wrong.push(w)).ok();
            let order = self.int(record, "order").map_err(|w| wrong.push(w)).ok();
            let system = self.bool(record, "system").map_err(|w| wrong.push(w)).ok();
            match (color, order, system) {
                (Some(color), Some(order), Some(system)) => Some(Row::Item(Item {
                    color,
                    order,
                    system,
                    ..Item::default()
                })),
                _ => None,
            }
        };
        match (id, name, row) {
            (Some(id), Some(name), Some(mut row)) if wrong.is_empty() => {
                match &mut row {
                    Row::Item(item) => (item.id, item.name) = (id, name),
                    Row::Field(def) => (def.id, def.name) = (id, name),
                }
                Ok(row)
            }
            _ => Err(wrong),
        }
    }

    /// A custom field's definition, its id and name left empty (the row fills them),
    /// or every problem in its other cells.
    fn custom_field(&mut self, record: &csv::StringRecord) -> Result<CustomFieldDef, Vec<Wrong>> {
        let position = self.position;
        self.position += 1;
        let mut wrong = Vec::new();
        let kind = match self.cell(record, "type") {
            None | Some("") => Some(CustomType::Text),
            Some(raw) => custom_type(raw)
                .map_err(|m| wrong.push((self.column_of("type"), m)))
                .ok(),
        };
        let options: Vec<String> = self
            .cell(record, "options")
            .map(|o| {
                o.split('|')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        // Whether options belong depends on the type: not judged when it is wrong.
        match kind.map(|k| (k == CustomType::Select, options.is_empty())) {
            Some((true, true)) => wrong.push((
                self.column_of("options"),
                "a select field needs options, separated by | (like Uno|Dos)".to_owned(),
            )),
            Some((false, false)) => wrong.push((
                self.column_of("options"),
                "options only apply to type select".to_owned(),
            )),
            _ => {}
        }
        let required = self
            .bool(record, "required")
            .map_err(|w| wrong.push(w))
            .ok();
        let order = self.int(record, "order").map_err(|w| wrong.push(w)).ok();
        match (kind, required, order) {
            (Some(kind), Some(required), Some(order)) if wrong.is_empty() => Ok(CustomFieldDef {
                id: String::new(),
                name: String::new(),
                kind,
                options,
                required,
                order: order.unwrap_or(position),
                pattern: None,
            }),
            _ => Err(wrong),
        }
    }

    /// The cell of column `name` (trimmed), when the file has that column.
    fn cell<'r>(&self, record: &'r csv::StringRecord, name: &str) -> Option<&'r str> {
        let w = columns(self.list).iter().position(|c| *c == name)?;
        self.at[w].and_then(|i| record.get(i)).map(str::trim)
    }

    fn column_of(&self, name: &str) -> Option<(usize, &'static str)> {
        let w = columns(self.list).iter().position(|c| *c == name)?;
        self.column(w)
    }

    fn column(&self, w: usize) -> Option<(usize, &'static str)> {
        self.at[w].map(|i| (i + 1, columns(self.list)[w]))
    }

    /// The id (`w` = 0) or name (1): there, and not empty.
    fn text(&self, record: &csv::StringRecord, w: usize) -> Result<String, Wrong> {
        let text = self.at[w].and_then(|i| record.get(i)).map_or("", str::trim);
        if text.is_empty() {
            return Err((self.column(w), "must not be empty".to_owned()));
        }

        Ok(text.to_owned())
    }

    fn color(&self, record: &csv::StringRecord) -> Result<Option<String>, Wrong> {
        match self.cell(record, "color") {
            None | Some("") => Ok(None),
            Some(raw) => hex_color(raw).map(Some).ok_or_else(|| {
                (
                    self.column_of("color"),
                    format!("{raw:?} is not a #RRGGBB colour"),
                )
            }),
        }
    }

    fn int(&self, record: &csv::StringRecord, name: &str) -> Result<Option<i64>, Wrong> {
        match self.cell(record, name) {
            None | Some("") => Ok(None),
            Some(raw) => raw
                .parse()
                .map(Some)
                .map_err(|_| (self.column_of(name), format!("{raw:?} is not an integer"))),
        }
    }

    fn bool(&self, record: &csv::StringRecord, name: &str) -> Result<bool, Wrong> {
        match self
            .cell(record, name)
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("" | "false" | "no" | "0") => Ok(false),
            Some("true" | "yes" | "1") => Ok(true),
            Some(raw) => Err((
                self.column_of(name),
                format!("{raw:?} is not true or false"),
            )),
        }
    }
}

/// The problems of one file.
struct Problems<'p> {
    path: &'p Path,
    list: Vec<ConfigError>,
}

impl Problems<'_> {
    /// A problem on `line`, in `column` when one is to blame.
    fn at(&self, line: usize, column: Option<(usize, &str)>, message: &str) -> ConfigError {
        let (key, message) = match column {
            Some((n, name)) => (Some(name.to_owned()), format!("{message} (column {n})")),
            None => (None, message.to_owned()),
        };
        ConfigError {
            path: self.path.to_path_buf(),
            line: Some(line),
            key,
            message,
            kind: ConfigErrorKind::Invalid,
        }
    }

    /// What the csv crate could not read (text that is not UTF-8, say).
    fn csv(&self, e: &csv::Error) -> ConfigError {
        let line = e
            .position()
            .and_then(|p| usize::try_from(p.line()).ok())
            .unwrap_or(1);
        let message = match e.kind() {
            csv::ErrorKind::Utf8 { .. } => "not UTF-8 text; save the file as UTF-8".to_owned(),
            _ => e.to_string(),
        };
        self.at(line, None, &message)
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn read(list: List, text: &str) -> Result<Entries, Vec<ConfigError>> {
        parse(text.as_bytes(), list, Path::new("/t/tags.csv"))
    }

    fn items(list: List, text: &str) -> Vec<Item> {
        match read(list, text).unwrap() {
            Entries::Items(items) => items,
            Entries::CustomFields(_) => panic!("items expected"),
        }
    }

    /// The one problem of `text`, shown as the user sees it.
    fn problem(list: List, text: &str) -> String {
        let errors = read(list, text).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors[0].to_string()
    }

    #[test]
    fn a_panel_export_reads_in_any_column_order_and_case() {
        let text = "\u{FEFF}Name,ID,Color\r\nVIP,t1,#f59e0b\r\n\r\nMayorista,t2,\r\n";
        let tags = items(List::Tags, text);
        assert_eq!(tags.len(), 2);
        assert_eq!((tags[0].id.as_str(), tags[0].name.as_str()), ("t1", "VIP"));
        assert_eq!(tags[0].color.as_deref(), Some("#F59E0B"));
        assert_eq!(tags[1].color, None);
        let stages = items(
            List::Stages,
            "id,name,order,system\ns1,Nuevo,0,true\ns2,\"Cerrado, ganado\",9,\n",
        );
        assert_eq!(
            (stages[1].name.as_str(), stages[1].order),
            ("Cerrado, ganado", Some(9))
        );
        assert!(stages[0].system && !stages[1].system);
        let staff = items(List::Assignees, "id,name\n7,Priya Sharma\n");
        assert_eq!(staff[0].id, "7");
    }

    /// Every problem of a line is told, not only its first: `config check` promises every
    /// problem, and a second bad cell surfaced only after the first was mended.
    #[test]
    fn every_problem_of_a_line_is_told() {
        let errors = read(
            List::Stages,
            "id,name,color,order,system\ns5,,verde,y,maybe\n",
        )
        .unwrap_err();
        let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            [
                "/t/tags.csv:2: name: must not be empty (column 2)",
                "/t/tags.csv:2: color: \"verde\" is not a #RRGGBB colour (column 3)",
                "/t/tags.csv:2: order: \"y\" is not an integer (column 4)",
                "/t/tags.csv:2: system: \"maybe\" is not true or false (column 5)",
            ]
        );
        let errors = read(
            List::CustomFields,
            "id,name,type,options,required\nc1,Plan,choice,a|b,perhaps\n",
        )
        .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].to_string().contains("unknown type \"choice\""));
        assert!(
            errors[1]
                .to_string()
                .contains("\"perhaps\" is not true or false")
        );
    }

    #[test]
    fn custom_fields_take_types_options_and_their_order() {
        let text = "id,name,type,options,required\nc1,Convênio,select,Unimed | Particular,yes\nc2,Nacimiento,date,,\n";
        let Entries::CustomFields(defs) = read(List::CustomFields, text).unwrap() else {
            panic!("custom fields expected");
        };
        assert_eq!(defs[0].kind, CustomType::Select);
        assert_eq!(defs[0].options, ["Unimed", "Particular"]);
        assert!(defs[0].required && !defs[1].required);
        assert_eq!((defs[0].order, defs[1].order), (0, 1));
        let no_options = problem(List::CustomFields, "id,name,type\nc1,Talla,select\n");
        assert!(no_options.contains("needs options"), "{no_options}");
    }

    #[test]
    fn each_problem_names_the_file_the_line_and_the_column() {
        let cases = [
            (
                "id,nombre\nt1,VIP\n",
                "/t/tags.csv:1: unknown column \"nombre\" in the header (column 2)",
            ),
            (
                "name,color\nVIP,#000000\n",
                "/t/tags.csv:1: the header must name the columns id and name",
            ),
            (
                "id,name,color\nt1,VIP,#GGGGGG\n",
                "/t/tags.csv:2: color: \"#GGGGGG\" is not a #RRGGBB colour (column 3)",
            ),
            (
                "id,name\nt1,VIP\nt2,Nuevo\nt1,Otro\n",
                "/t/tags.csv:4: id: duplicate id \"t1\" (first on line 2) (column 1)",
            ),
            (
                "id,name,color\nt1\n",
                "/t/tags.csv:2: 3 columns expected, found 1",
            ),
            (
                "id,name\nt1,  \n",
                "/t/tags.csv:2: name: must not be empty (column 2)",
            ),
            ("", "/t/tags.csv:1: the file is empty"),
        ];
        for (text, says) in cases {
            let shown = problem(List::Tags, text);
            assert!(shown.starts_with(says), "{shown:?}\nshould start {says:?}");
        }
        let wrong_id = problem(List::Countries, "id,name\nIN,India\n");
        assert!(
            wrong_id.starts_with("/t/tags.csv:2: id: \"IN\" is not an integer id"),
            "{wrong_id}"
        );
    }

    #[test]
    fn every_bad_line_is_reported_up_to_a_limit() {
        let mut text = String::from("id,name,color\n");
        for n in 0..200 {
            writeln!(text, "t{n},Tag {n},red").unwrap();
        }
        let errors = read(List::Tags, &text).unwrap_err();
        assert_eq!(errors.len(), MAX_PROBLEMS);
        assert_eq!(errors[1].line, Some(3));
    }

    #[test]
    fn a_missing_file_says_where_the_config_names_it() {
        let side = SideFile {
            list: List::Tags,
            path: "/nonexistent/rolo/tags.csv".into(),
            named_at: "/c/config.toml:7: profiles.big.tags_file".to_owned(),
        };
        let errors = super::read(&side).unwrap_err();
        let shown = errors[0].to_string();
        assert!(
            shown.starts_with("/nonexistent/rolo/tags.csv: cannot read the tags file"),
            "{shown}"
        );
        assert!(
            shown.ends_with("it is named at /c/config.toml:7: profiles.big.tags_file"),
            "{shown}"
        );
        assert_eq!(errors[0].kind, ConfigErrorKind::NotFound);
    }

    /// Review of issue 28: nothing in a row is dropped without a word.
    #[test]
    fn a_row_wider_than_its_header_or_an_open_quote_is_refused() {
        let wider = problem(
            List::Countries,
            "id,name\n101,India\n102,Korea, Republic of\n",
        );
        assert!(
            wider.starts_with("/t/tags.csv:3: 2 columns expected, found 3"),
            "{wider}"
        );
        // Empty cells at the end are what spreadsheets write: fine.
        assert_eq!(items(List::Countries, "id,name\n101,India,,\n").len(), 1);
        let open = read(
            List::Countries,
            "id,name\n101,\"India\n102,Pakistan\n103,Nepal\n",
        )
        .unwrap_err();
        assert!(
            open[0]
                .to_string()
                .contains("holds a line break: is a double quote left open?"),
            "{open:?}"
        );
        // Integer ids are read as the inline lists read them.
        let staff = items(List::Assignees, "\n\nid,name\n007,Bond\n");
        assert_eq!(staff[0].id, "7");
        let dup = problem(List::Assignees, "id,name\n7,Bond\n007,James\n");
        assert!(dup.contains("duplicate id \"7\""), "{dup}");
        let header = problem(List::Tags, "\n\nid,nombre\n");
        assert!(
            header.starts_with("/t/tags.csv:3: unknown column"),
            "{header}"
        );
    }

    /// Second review of issue 28: lines are numbered right after blank lines and in
    /// CRLF files (the csv crate alone numbers both wrong), and a quote left open in any
    /// column is caught, not only in id and name.
    #[test]
    fn lines_are_numbered_right_in_crlf_files_and_after_blank_lines() {
        for (text, line) in [
            ("\r\n\r\nid,nombre\r\n", 3),
            ("\n\nid,nombre", 3),
            ("id,name,color\r\nt1,VIP,\r\n\r\nt2,X,verde\r\n", 4),
            ("id,name,color\n\n\nt1,VIP,verde\n", 4),
        ] {
            let errors = read(List::Tags, text).unwrap_err();
            assert_eq!(errors[0].line, Some(line), "{text:?}: {errors:?}");
        }
        let open = problem(
            List::CustomFields,
            "id,name,type,options\nc1,Talla,select,\"S|M\nc2,Color,text,\n",
        );
        assert!(
            open.starts_with("/t/tags.csv:2: options: holds a line break"),
            "{open}"
        );
    }

    /// The adapter gives empty lines a space whatever the size of the reads.
    #[test]
    fn empty_lines_get_a_space_through_reads_of_any_size() {
        for size in [1, 2, 3, 7, 64] {
            let mut r = NoEmptyLines {
                inner: &b"\n\na\n\n\nb\n"[..],
                last: b'\n',
                pending: None,
            };
            let mut out = Vec::new();
            let mut buf = vec![0; size];
            loop {
                let n = r.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&buf[..n]);
            }
            assert_eq!(out, b" \n \na\n \n \nb\n", "reads of {size}");
        }
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_with_its_line() {
        let errors = parse(b"id,name\nt1,Caf\xe9\n", List::Tags, Path::new("t.csv")).unwrap_err();
        assert_eq!(errors[0].line, Some(2), "{errors:?}");
        assert!(errors[0].message.contains("UTF-8"), "{errors:?}");
    }
}
