//! `rolo config check [FILE]` with the real binary: every problem of a file, each as
//! `file:line: key: what is wrong`, exit 1 when there is any; "ok" and exit 0 when there
//! is none. And `Config::load` still stops at the first of them.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support;

use rolo::config::Config;

/// Four profiles, each wrong in its own way; the first and the last twice.
const BROKEN: &str = r##"default_profile = "acme"

[profiles.acme]
api = "whatsmark"
base_urll = "https://crm.example.com/api/v2"
api_key_env = "ACME_TOKEN"

[profiles.sonrisa]
api = "wipsy"
api_key_env = "SONRISA_TOKEN"
color = "reddish"

[profiles.sandbox]
api = "wipsy"
api_key_env = "SANDBOX_TOKEN"
timeout_secs = 0

[profiles.twice]
api = "wipsy"
api_key_env = "T"
read_only = "yes"

[[profiles.twice.tags]]
id = "t1"
name = "Uno"
color = "#GGGGGG"
"##;

const GOOD: &str = r#"[profiles.acme]
api = "whatsmark"
base_url = "https://crm.example.com/api/v2"
api_key_env = "ACME_TOKEN"

[profiles.sonrisa]
api = "wipsy"
api_key_env = "SONRISA_TOKEN"
"#;

/// rolo with a clean environment: no config or profile from the caller's, and its data
/// (the log) in `dir`.
fn rolo(dir: &Path, args: &[&str], config_env: Option<&Path>) -> Output {
    let mut cmd = support::bare(dir);
    cmd.args(args);
    if let Some(path) = config_env {
        cmd.env("ROLO_CONFIG", path);
    }
    cmd.output().unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn every_problem_in_every_profile_is_reported_and_the_check_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "config.toml", BROKEN);
    let out = rolo(
        dir.path(),
        &["config", "check", path.to_str().unwrap()],
        None,
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let p = path.display();
    let expected = [
        format!("{p}:5: profiles.acme.base_urll: unknown key (expected one of: api,"),
        format!("{p}:3: profiles.acme.base_url: missing; set it to your WhatsMark address"),
        format!("{p}:11: profiles.sonrisa.color: unknown colour \"reddish\""),
        format!("{p}:16: profiles.sandbox.timeout_secs: 0 is out of range (1 to 3600)"),
        format!("{p}:21: profiles.twice.read_only: expected true or false, found a string"),
        format!("{p}:26: profiles.twice.tags[0].color: \"#GGGGGG\" is not a #RRGGBB colour"),
    ];
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), expected.len() + 1, "{text}");
    for (line, want) in lines.iter().zip(&expected) {
        assert!(
            line.starts_with(want.as_str()),
            "{line:?}\nshould start {want:?}"
        );
    }
    assert_eq!(lines[expected.len()], format!("{p}: 6 problems"));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn load_still_stops_at_the_first_problem_the_check_reports() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "config.toml", BROKEN);
    let first = Config::load(&path).unwrap_err();
    let checked = Config::check(&path);
    assert_eq!(checked.errors.len(), 6);
    assert_eq!(checked.errors[0], first);
    assert!(
        Config::check(&write(dir.path(), "good.toml", GOOD))
            .errors
            .is_empty()
    );
}

#[test]
fn a_good_file_is_ok_and_counts_its_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "config.toml", GOOD);
    let out = rolo(
        dir.path(),
        &["config", "check", path.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        format!("{}: ok, 2 profiles\n", path.display())
    );
}

#[test]
fn without_a_file_it_checks_the_config_rolo_would_read() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.toml", GOOD);
    let broken = write(dir.path(), "broken.toml", BROKEN);
    let out = rolo(dir.path(), &["config", "check"], Some(&good));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).starts_with(&good.display().to_string()));
    let flag = ["--config", broken.to_str().unwrap(), "config", "check"];
    let out = rolo(dir.path(), &flag, Some(&good));
    assert_eq!(out.status.code(), Some(1), "--config wins over ROLO_CONFIG");
    assert!(stdout(&out).ends_with(&format!("{}: 6 problems\n", broken.display())));
}

#[test]
fn warnings_are_shown_but_pass() {
    let dir = tempfile::tempdir().unwrap();
    let inline = GOOD.replace("api_key_env = \"SONRISA_TOKEN\"", "api_key = \"k\"");
    let path = write(dir.path(), "config.toml", &inline);
    let out = rolo(
        dir.path(),
        &["config", "check", path.to_str().unwrap()],
        None,
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let p = path.display();
    assert!(
        text.starts_with(&format!("warning: {p}:8: profiles.sonrisa.api_key: ")),
        "{text}"
    );
    assert!(
        text.ends_with(&format!("{p}: ok, 2 profiles, 1 warning\n")),
        "{text}"
    );
}

#[test]
fn a_file_that_is_not_toml_or_not_there_is_one_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "config.toml", "[profiles.w\napi = 1\n");
    let out = rolo(
        dir.path(),
        &["config", "check", path.to_str().unwrap()],
        None,
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains(":1: profiles.w: TOML syntax error"), "{text}");
    assert!(text.ends_with(": 1 problem\n"), "{text}");
    let missing = dir.path().join("nope.toml");
    let out = rolo(
        dir.path(),
        &["config", "check", missing.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("cannot read the config file"));
}

/// Issue 28: the check reads the side files a config names and lists their problems
/// too, each with the CSV file, its line and column.
#[test]
fn side_file_problems_are_listed_with_their_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "config.toml",
        "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\ntags_file = \"tags.csv\"\n\
         stages_file = \"stages.csv\"\n",
    );
    write(
        dir.path(),
        "tags.csv",
        "id,name,color\nt1,VIP,#F59E0B\nt2,Mayorista,verde\nt1,Otra,\n",
    );
    let out = rolo(
        dir.path(),
        &["config", "check", path.to_str().unwrap()],
        None,
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let tags = dir.path().join("tags.csv");
    let stages = dir.path().join("stages.csv");
    let expected = [
        format!(
            "{}:3: color: \"verde\" is not a #RRGGBB colour (column 3)",
            tags.display()
        ),
        format!(
            "{}:4: id: duplicate id \"t1\" (first on line 2) (column 1)",
            tags.display()
        ),
        format!(
            "{}: cannot read the stages file (No such file or directory (os error 2)); it is named at {}:5: profiles.w.stages_file",
            stages.display(),
            path.display()
        ),
        format!("{}: 3 problems", path.display()),
    ];
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines, expected, "{text}");
}

/// A Wipsy profile with `n` tags, stages and custom fields written inline, and a comment
/// between two of its tags.
fn long_inline(n: usize) -> String {
    use std::fmt::Write as _;
    let mut t = String::from(
        "# My tenants.\n[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\" # from pass\n\n",
    );
    for i in 0..n {
        if i == 1 {
            t.push_str("# Tags from the panel export of March.\n");
        }
        writeln!(
            t,
            "[[profiles.w.tags]]\nid = \"t{i}\"\nname = \"Etiqueta, \\\"{i}\\\"\"\ncolor = \"#22aa66\"\n"
        )
        .unwrap();
    }
    for i in 0..n {
        let select = if i % 2 == 0 {
            "type = \"select\"\noptions = [\"Uno\", \"Dos, tres\"]\nrequired = true\n"
        } else {
            "type = \"date\"\n"
        };
        writeln!(
            t,
            "[[profiles.w.custom_fields]]\nid = \"c{i}\"\nname = \"Campo {i}\"\n{select}"
        )
        .unwrap();
    }
    t.push_str("[[profiles.w.stages]]\nid = \"s1\"\nname = \"Nuevo\"\norder = 0\nsystem = true\n");
    t
}

/// The profiles of the config at `path` with their side files read, as rolo sees them.
fn read_whole(path: &Path, data: &Path) -> String {
    let config = Config::load(path).unwrap();
    let profiles: Vec<_> = config
        .profiles
        .into_iter()
        .map(|p| rolo::engine::side_files::fill(data, p).unwrap())
        .collect();
    format!("{profiles:?}")
}

/// Issue 28: `rolo config split` moves the long inline lists into CSV side files, keeps
/// the old file and every comment, and the result means exactly what the file meant.
#[test]
fn split_moves_long_lists_to_side_files_and_means_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "config.toml", &long_inline(120));
    let file = path.to_str().unwrap();
    // A dry run says what would move and writes nothing.
    let out = rolo(dir.path(), &["config", "split", file, "--dry-run"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out).lines().collect::<Vec<_>>(),
        [
            "profiles.w.tags: 120 entries → w-tags.csv".to_owned(),
            "profiles.w.custom_fields: 120 entries → w-custom-fields.csv".to_owned(),
            format!("{file}: nothing written (--dry-run)"),
        ]
    );
    assert!(!dir.path().join("w-tags.csv").exists());
    let out = rolo(dir.path(), &["config", "split", file], None);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let backup = dir.path().join("config.toml.before-split");
    assert!(stdout(&out).ends_with(&format!(
        "{file}: rewritten; the old file is {}\n",
        backup.display()
    )));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("tags_file = \"w-tags.csv\"") && !text.contains("[[profiles.w.tags]]"),
        "{text}"
    );
    assert!(
        text.contains("[[profiles.w.stages]]"),
        "a short list stays: {text}"
    );
    for comment in [
        "# My tenants.",
        "# from pass",
        "# Tags from the panel export of March.",
    ] {
        assert!(text.contains(comment), "{comment} kept: {text}");
    }
    let data = dir.path().join("data");
    assert_eq!(read_whole(&path, &data), read_whole(&backup, &data));
    // The files are as private as the config, and so is the config rewritten.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let mode = std::fs::metadata(dir.path().join("w-tags.csv"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let out = rolo(dir.path(), &["config", "check", file], None);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Again: nothing left to move. And a file in the way is never overwritten.
    let out = rolo(dir.path(), &["config", "split", file], None);
    assert!(stdout(&out).contains("nothing to move"), "{}", stdout(&out));
    let again = write(dir.path(), "again.toml", &long_inline(120));
    let out = rolo(
        dir.path(),
        &["config", "split", again.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("w-tags.csv: exists already; move it away first (nothing was written)"),
        "{said}"
    );
    assert!(
        std::fs::read_to_string(&again)
            .unwrap()
            .contains("[[profiles.w.tags]]")
    );
}

/// Second review of issue 28: a config that is a link (dotfiles) stays a link, its
/// target rewritten, and the side files go where rolo looks for them: beside the path
/// rolo is given.
#[cfg(unix)]
#[test]
fn split_through_a_link_writes_where_rolo_reads() {
    let dir = tempfile::tempdir().unwrap();
    let dotfiles = dir.path().join("dotfiles");
    let conf = dir.path().join("conf");
    std::fs::create_dir_all(&dotfiles).unwrap();
    std::fs::create_dir_all(&conf).unwrap();
    let real = write(&dotfiles, "rolo.toml", &long_inline(120));
    let link = conf.join("config.toml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = rolo(
        dir.path(),
        &["config", "split", link.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("tags_file")
    );
    assert!(conf.join("w-tags.csv").exists());
    let out = rolo(
        dir.path(),
        &["config", "check", link.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}
