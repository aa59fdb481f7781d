//! `rolo config split`: moves a config's long inline lists (`[[profiles.X.tags]]` by the
//! thousand) into side files, and names them in the profile instead (`tags_file`). The
//! rest of the file keeps its comments and layout (`toml_edit`). Before anything is
//! written, the result is read back, config and CSV alike, and must mean exactly what
//! the file meant: the same profiles with the same lists.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::config::side::{self, Entries};
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
            let comments = table
                .remove(list.key())
                .map(comments_of)
                .unwrap_or_default();
            table.insert(list.file_key(), toml_edit::value(name.as_str()));
            if let Some(mut key) = table.key_mut(list.file_key()) {
                key.leaf_decor_mut().set_prefix(comments);
            }
            out.moved.push(format!(
                "profiles.{}.{}: {count} entries → {name}",
                profile.name,
                list.key()
            ));
            out.files.push((dir.join(&name), csv));
        }
    }
    out.text = doc.to_string();
    check_same(&config, &out, path)?;
    Ok(out)
}

/// The comment lines written above and between the tables of a list that is moved:
/// they go above the key that names its file, so that no comment is lost.
fn comments_of(item: toml_edit::Item) -> String {
    let mut out = String::new();
    if let toml_edit::Item::ArrayOfTables(tables) = item {
        for table in &tables {
            let prefix = table
                .decor()
                .prefix()
                .and_then(|p| p.as_str())
                .unwrap_or("");
            for line in prefix.lines().filter(|l| l.trim_start().starts_with('#')) {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
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
    let header = match list {
        List::Tags => &["id", "name", "color"][..],
        List::Stages => &["id", "name", "color", "order", "system"],
        List::CustomFields => &["id", "name", "type", "options", "required", "order"],
        List::Assignees | List::Countries => &["id", "name"],
    };
    let write = |w: &mut csv::Writer<Vec<u8>>, row: &[String]| w.write_record(row);
    w.write_record(header).map_err(|e| e.to_string())?;
    for row in &rows {
        write(&mut w, row).map_err(|e| e.to_string())?;
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
        for file in made {
            let csv = split
                .files
                .iter()
                .find(|(p, _)| *p == file.path)
                .map(|(_, text)| text.as_bytes())
                .unwrap_or_default();
            match side::parse(csv, file.list, &file.path).map_err(|mut e| e.swap_remove(0))? {
                Entries::CustomFields(defs) => profile.custom_fields = defs,
                Entries::Items(items) => match file.list {
                    List::Tags => profile.tags = items.into(),
                    List::Stages => profile.stages = items.into(),
                    List::Assignees => profile.assignees = items.into(),
                    _ => profile.countries = items.into(),
                },
            }
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
    if shown(&before.profiles) == shown(&filled) {
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

    #[test]
    fn short_lists_stay_unless_asked() {
        let text = format!("{W}[[profiles.w.tags]]\nid = \"t\"\nname = \"T\"\n");
        let none = split(&text, Path::new("/c/config.toml"), 100).unwrap();
        assert!(none.moved.is_empty() && none.files.is_empty());
        let one = split(&text, Path::new("/c/config.toml"), 1).unwrap();
        assert_eq!(one.files[0].0, Path::new("/c/w-tags.csv"));
        assert_eq!(one.files[0].1, "id,name,color\nt,T,\n");
    }
}
