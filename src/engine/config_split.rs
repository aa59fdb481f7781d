//! `rolo config split`: moves a config's long inline lists (`[[profiles.X.tags]]` by the
//! thousand) into side files, and names them in the profile instead (`tags_file`). The
//! rest of the file keeps its comments and layout (`toml_edit`). Before anything is
//! written, the result is read back, config and CSV alike, and must mean exactly what
//! the file meant: the same profiles with the same lists.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::config::side;
use crate::config::{CUSTOM_TYPES, Config, ConfigError, ConfigErrorKind, List, Profile, SideFile};
use crate::contact::catalog::{CustomFieldDef, CustomType, Item};

/// What a split would write.
#[derive(Debug)]
pub struct Split {
    /// The config's new text.
    pub text: String,
    /// Each side file: where it goes and its CSV text.
    pub files: Vec<(PathBuf, String)>,
    /// One line per list moved (`profiles.big.tags: 3000 entries → big-tags.csv`).
    pub moved: Vec<String>,
}

/// Plans the split of `text` (read from `path`): every inline list of at least `min`
/// entries goes to `PROFILE-LIST.csv` beside the config. A config with a problem is
/// refused (its first problem, as `rolo config check` would show it).
pub fn split(text: &str, path: &Path, min: usize) -> Result<Split, ConfigError> {
    let config = Config::parse(text, path)?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| refuse(path, &format!("cannot edit it: {e}")))?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut out = Split {
        text: String::new(),
        files: Vec::new(),
        moved: Vec::new(),
    };
    for profile in &config.profiles {
        for list in List::ALL {
            let count = inline_len(profile, list);
            if count == 0 || count < min {
                continue;
            }
            let name = format!("{}-{}.csv", profile.name, list.key().replace('_', "-"));
            let csv = to_csv(profile, list).map_err(|m| {
                refuse(
                    path,
                    &format!("profiles.{}.{}: {m}", profile.name, list.key()),
                )
            })?;
            let table = doc["profiles"][profile.name.as_str()]
                .as_table_like_mut()
                .ok_or_else(|| refuse(path, "a profile is not a table"))?;
            let mut comments = String::new();
            if let Some(key) = table.key(list.key()) {
                decor_comments(key.leaf_decor(), &mut comments);
            }
            if let Some(item) = table.remove(list.key()) {
                item_comments(&item, &mut comments);
            }
            table.insert(list.file_key(), toml_edit::value(name.as_str()));
            if let Some(mut key) = table.key_mut(list.file_key()) {
                key.leaf_decor_mut().set_prefix(comments);
            }
            out.moved.push(format!(
                "profiles.{}.{}: {count} entries → {name}",
                profile.name,
                list.key()
            ));
            let folded = name.to_lowercase();
            if out.files.iter().any(|(p, _)| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().to_lowercase() == folded)
            }) {
                return Err(refuse(
                    path,
                    &format!("two lists would both go to {name} (names that differ only in case)"),
                ));
            }
            out.files.push((dir.join(&name), csv));
        }
    }
    out.text = doc.to_string();
    // toml_edit writes `\n`: a file written with Windows line ends keeps them.
    if text.contains("\r\n") {
        out.text = out.text.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    check_same(&config, &out, path)?;
    Ok(out)
}

/// Every comment of a moved list (above, between and inside its tables, after its
/// values, inside inline arrays): they go above the key that names its file, so that no
/// comment is lost.
fn item_comments(item: &toml_edit::Item, out: &mut String) {
    match item {
        toml_edit::Item::ArrayOfTables(tables) => {
            for table in tables {
                table_comments(table, out);
            }
        }
        toml_edit::Item::Table(table) => table_comments(table, out),
        toml_edit::Item::Value(value) => value_comments(value, out),
        toml_edit::Item::None => {}
    }
}

fn table_comments(table: &toml_edit::Table, out: &mut String) {
    decor_comments(table.decor(), out);
    for (key, item) in table {
        if let Some(k) = table.key(key) {
            decor_comments(k.leaf_decor(), out);
        }
        item_comments(item, out);
    }
}

fn value_comments(value: &toml_edit::Value, out: &mut String) {
    decor_comments(value.decor(), out);
    match value {
        toml_edit::Value::Array(items) => {
            items.iter().for_each(|v| value_comments(v, out));
            if let Some(trailing) = items.trailing().as_str() {
                push_comments(trailing, out);
            }
        }
        toml_edit::Value::InlineTable(table) => {
            for (key, v) in table {
                if let Some(k) = table.key(key) {
                    decor_comments(k.leaf_decor(), out);
                }
                value_comments(v, out);
            }
            if let Some(trailing) = table.trailing().as_str() {
                push_comments(trailing, out);
            }
        }
        _ => {}
    }
}

fn decor_comments(decor: &toml_edit::Decor, out: &mut String) {
    for raw in [decor.prefix(), decor.suffix()].into_iter().flatten() {
        if let Some(text) = raw.as_str() {
            push_comments(text, out);
        }
    }
}

/// The comments of a stretch of whitespace and comments, one a line.
fn push_comments(text: &str, out: &mut String) {
    for line in text.lines() {
        if let Some(at) = line.find('#') {
            out.push_str(line[at..].trim_end());
            out.push('\n');
        }
    }
}

/// How many entries `list` has inline in `profile`.
fn inline_len(profile: &Profile, list: List) -> usize {
    match list {
        List::Tags => profile.tags.len(),
        List::Stages => profile.stages.len(),
        List::CustomFields => profile.custom_fields.len(),
        List::Assignees => profile.assignees.len(),
        List::Countries => profile.countries.len(),
    }
}

/// The CSV of one list, with the columns its side file takes.
fn to_csv(profile: &Profile, list: List) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let rows: Vec<Vec<String>> = match list {
        List::Tags => profile.tags.iter().map(|i| item_row(i, false)).collect(),
        List::Stages => profile.stages.iter().map(|i| item_row(i, true)).collect(),
        List::Assignees => profile
            .assignees
            .iter()
            .map(|i| vec![i.id.clone(), i.name.clone()])
            .collect(),
        List::Countries => profile
            .countries
            .iter()
            .map(|i| vec![i.id.clone(), i.name.clone()])
            .collect(),
        List::CustomFields => profile
            .custom_fields
            .iter()
            .map(field_row)
            .collect::<Result<_, _>>()?,
    };
    // The rows above are written in the order of the columns the side file takes.
    w.write_record(side::columns(list))
        .map_err(|e| e.to_string())?;
    for row in &rows {
        w.write_record(row).map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

fn item_row(i: &Item, stage: bool) -> Vec<String> {
    let mut row = vec![
        i.id.clone(),
        i.name.clone(),
        i.color.clone().unwrap_or_default(),
    ];
    if stage {
        row.push(i.order.map(|o| o.to_string()).unwrap_or_default());
        row.push(i.system.to_string());
    }
    row
}

fn field_row(d: &CustomFieldDef) -> Result<Vec<String>, String> {
    if let Some(o) = d.options.iter().find(|o| o.contains('|')) {
        return Err(format!(
            "the option {o:?} of {:?} holds a |, which separates options in a side file; \
             keep this list inline",
            d.name
        ));
    }
    Ok(vec![
        d.id.clone(),
        d.name.clone(),
        type_name(d.kind).to_owned(),
        d.options.join("|"),
        d.required.to_string(),
        d.order.to_string(),
    ])
}

/// The name a custom-field type is written with.
fn type_name(kind: CustomType) -> &'static str {
    CUSTOM_TYPES
        .iter()
        .find(|t| CustomType::parse(t) == kind)
        .map_or("text", |t| t)
}

/// Reads the split back, config and CSV, and holds it against what the file meant.
fn check_same(before: &Config, split: &Split, path: &Path) -> Result<(), ConfigError> {
    let after = Config::parse(&split.text, path)?;
    let mut filled = Vec::new();
    for mut profile in after.profiles {
        // Side files named before the split stay named, and unread, on both sides.
        let (made, kept): (Vec<SideFile>, Vec<SideFile>) = std::mem::take(&mut profile.side_files)
            .into_iter()
            .partition(|f| split.files.iter().any(|(p, _)| *p == f.path));
        profile.side_files = kept;
        // Where a file is named moves with the lines around it; what it names does not.
        for f in &mut profile.side_files {
            f.named_at.clear();
        }
        for file in made {
            let csv = split
                .files
                .iter()
                .find(|(p, _)| *p == file.path)
                .map(|(_, text)| text.as_bytes())
                .unwrap_or_default();
            let entries =
                side::parse(csv, file.list, &file.path).map_err(|mut e| e.swap_remove(0))?;
            profile.set_list(file.list, entries);
        }
        filled.push(profile);
    }
    let shown = |profiles: &[Profile]| {
        let mut s = String::new();
        for p in profiles {
            let _ = write!(s, "{p:?}"); // writing to a String cannot fail
        }
        s
    };
    let mut before = before.profiles.clone();
    for f in before.iter_mut().flat_map(|p| p.side_files.iter_mut()) {
        f.named_at.clear();
    }
    if shown(&before) == shown(&filled) {
        Ok(())
    } else {
        Err(refuse(
            path,
            "splitting would change what the file means; nothing was written (please report it)",
        ))
    }
}

fn refuse(path: &Path, message: &str) -> ConfigError {
    ConfigError {
        path: path.to_path_buf(),
        line: None,
        key: None,
        message: message.to_owned(),
        kind: ConfigErrorKind::Invalid,
    }
}

/// Writes a split: each side file created new (never over a file, even one that appeared
/// since the plan), then the config replaced atomically with its own permissions, its
/// old text kept as `FILE.before-split`. `path` is the config as rolo is given it: the
/// side files go beside it (where rolo looks for them), and a config that is a link
/// stays a link, its target rewritten. What was written is removed again when a later
/// step fails, so that a second try does not find it in the way.
pub fn apply(split: &Split, path: &Path) -> std::io::Result<PathBuf> {
    let real = std::fs::canonicalize(path)?;
    let mode = file_mode(&real)?;
    let backup = PathBuf::from(format!("{}.before-split", path.display()));
    let mut written: Vec<&Path> = Vec::new();
    let result = (|| {
        for (file, csv) in &split.files {
            write_new(file, csv.as_bytes(), mode)?;
            written.push(file);
        }
        write_new(&backup, &std::fs::read(&real)?, mode)?;
        written.push(&backup);
        crate::files::atomic_write_mode(&real, split.text.as_bytes(), mode)
    })();
    if let Err(e) = result {
        for file in written {
            let _ = std::fs::remove_file(file); // best effort: the error below is the news
        }
        return Err(e);
    }
    Ok(backup)
}

fn write_new(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut f = create_new(path, mode)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn create_new(path: &Path, mode: u32) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    options
        .open(path)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

#[cfg(unix)]
fn file_mode(path: &Path) -> std::io::Result<u32> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn file_mode(_path: &Path) -> std::io::Result<u32> {
    Ok(0o600)
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n";

    #[test]
    fn an_option_holding_the_separator_keeps_its_list_inline() {
        let text = format!(
            "{W}[[profiles.w.custom_fields]]\nid = \"c\"\nname = \"Talla\"\ntype = \"select\"\n\
             options = [\"S|M\", \"L\"]\n"
        );
        let err = split(&text, Path::new("/c/config.toml"), 1).unwrap_err();
        assert!(
            err.to_string().contains("\"S|M\" of \"Talla\" holds a |"),
            "{err}"
        );
    }

    #[test]
    fn a_config_with_a_problem_is_not_split() {
        let text = format!("{W}colr = \"red\"\n");
        let err = split(&text, Path::new("/c/config.toml"), 1).unwrap_err();
        assert_eq!(err.line, Some(4), "{err}");
    }

    /// Review of issue 28: where a later profile names its file moves with the lines
    /// above it; that is no change of meaning.
    #[test]
    fn a_profile_with_a_side_file_already_does_not_stop_the_split() {
        let text = format!(
            "{W}[[profiles.w.tags]]\nid = \"t\"\nname = \"T\"\n\
             [profiles.v]\napi = \"wipsy\"\napi_key_env = \"V\"\ntags_file = \"v.csv\"\n"
        );
        let split = split(&text, Path::new("/c/config.toml"), 1).unwrap();
        assert_eq!(split.moved.len(), 1);
    }

    /// Review of issue 28: every comment of a moved list survives, wherever it was.
    #[test]
    fn every_comment_of_a_moved_list_is_kept() {
        let text = format!(
            "{W}# above the list\ntags = [ # after the bracket\n  # inside\n  \
             {{ id = \"a\", name = \"A\" }}, # after an entry\n]\n\
             [[profiles.w.stages]]\n# in a table\nid = \"s\" # after a value\nname = \"S\"\n"
        );
        let split = split(&text, Path::new("/c/config.toml"), 1).unwrap();
        for comment in [
            "# above the list",
            "# after the bracket",
            "# inside",
            "# after an entry",
            "# in a table",
            "# after a value",
        ] {
            assert!(
                split.text.contains(comment),
                "{comment} lost:\n{}",
                split.text
            );
        }
    }

    /// Review of issue 28: two lists whose files differ only in case would be one file
    /// where case does not count (macOS): refused before anything is written.
    #[test]
    fn files_that_differ_only_in_case_are_refused() {
        let one = |n: &str| {
            format!(
                "[profiles.{n}]\napi = \"wipsy\"\napi_key_env = \"W\"\n[[profiles.{n}.tags]]\nid = \"t\"\nname = \"T\"\n"
            )
        };
        let text = format!("{}{}", one("Acme"), one("acme"));
        let err = split(&text, Path::new("/c/config.toml"), 1).unwrap_err();
        assert!(err.to_string().contains("differ only in case"), "{err}");
        // A name that only ends like another is another file.
        let text = format!("{}{}", one("myacme"), one("acme"));
        assert_eq!(
            split(&text, Path::new("/c/config.toml"), 1)
                .unwrap()
                .files
                .len(),
            2
        );
    }

    #[test]
    fn short_lists_stay_unless_asked() {
        let text = format!("{W}[[profiles.w.tags]]\nid = \"t\"\nname = \"T\"\n");
        let none = split(&text, Path::new("/c/config.toml"), 100).unwrap();
        assert!(none.moved.is_empty() && none.files.is_empty());
        let one = split(&text, Path::new("/c/config.toml"), 1).unwrap();
        assert_eq!(one.files[0].0, Path::new("/c/w-tags.csv"));
        assert_eq!(one.files[0].1, "id,name,color\nt,T,\n");
    }

    /// A config written with Windows line ends keeps them: the rest of the file stays as
    /// written, as the README says (every line came back with `\n`).
    #[test]
    fn windows_line_ends_are_kept() {
        let text = format!("# mine\n{W}[[profiles.w.tags]]\nid = \"t\"\nname = \"T\"\n")
            .replace('\n', "\r\n");
        let one = split(&text, Path::new("/c/config.toml"), 1).unwrap();
        assert!(one.text.starts_with("# mine\r\n"), "{:?}", one.text);
        assert!(
            one.text.contains("tags_file = \"w-tags.csv\"\r\n"),
            "{:?}",
            one.text
        );
        assert!(
            !one.text.replace("\r\n", "").contains('\n'),
            "{:?}",
            one.text
        );
    }
}
