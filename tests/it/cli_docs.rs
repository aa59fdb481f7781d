//! `rolo completions SHELL` and `rolo man`, generated from the clap definitions: every
//! shell gets a script that names rolo's subcommands, and the man page is roff that
//! lists them.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::path::Path;
use std::process::Output;

use crate::support;

const SUBCOMMANDS: &[&str] = &[
    "add",
    "import",
    "profiles",
    "catalog",
    "outbox",
    "history",
    "sandbox",
    "config",
    "completions",
    "man",
];

fn rolo(dir: &Path, args: &[&str]) -> Output {
    support::bare(dir).args(args).output().unwrap()
}

#[test]
fn every_shell_gets_a_script_that_names_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = rolo(dir.path(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.len() > 500, "{shell}: {script}");
        for name in SUBCOMMANDS.iter().chain(&["check", "schema"]) {
            assert!(script.contains(name), "{shell} script lacks {name}");
        }
    }
    let out = rolo(dir.path(), &["completions", "tcsh"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn the_man_page_is_roff_and_lists_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let out = rolo(dir.path(), &["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    // roff's apostrophe preamble (`.ie`/`.el`) comes first, then the title.
    let first = page
        .lines()
        .find(|l| !l.starts_with(".ie ") && !l.starts_with(".el "))
        .unwrap();
    assert!(first.starts_with(".TH rolo 1"), "{first}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    for name in SUBCOMMANDS {
        assert!(
            page.contains(&format!("rolo\\-{name}(1)")),
            "the page lacks {name}"
        );
    }
    for section in ["ENVIRONMENT", "FILES", "EXIT STATUS"] {
        assert!(
            page.contains(&format!(".SH \"{section}\""))
                || page.contains(&format!(".SH {section}")),
            "{section}"
        );
    }
    assert!(page.contains("ROLO_CONFIG") && page.contains("ROLO_DATA_DIR"));
}

#[test]
fn man_dir_writes_a_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    let out = rolo(dir.path(), &["man", "--dir", pages.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for page in [
        "rolo.1",
        "rolo-add.1",
        "rolo-config.1",
        "rolo-config-check.1",
    ] {
        let text = std::fs::read_to_string(pages.join(page)).unwrap();
        assert!(text.contains(".TH rolo"), "{page}");
    }
    let main = std::fs::read_to_string(pages.join("rolo.1")).unwrap();
    assert!(
        main.contains("EXIT STATUS"),
        "rolo.1 has rolo's own sections"
    );
    assert!(!pages.join("rolo-help.1").exists());
}

/// Issue 25 (9): every exit code rolo has is in the man page and in the `--help` of the
/// command that gives it: `rolo add` (8, the conflict, was missing from both), or
/// `rolo update` for 9, the one code only an update gives.
#[test]
fn every_exit_code_is_documented() {
    let dir = tempfile::tempdir().unwrap();
    let page = String::from_utf8(rolo(dir.path(), &["man"]).stdout).unwrap();
    let add = String::from_utf8(rolo(dir.path(), &["add", "--help"]).stdout).unwrap();
    let update = String::from_utf8(rolo(dir.path(), &["update", "--help"]).stdout).unwrap();
    assert!(update.contains(" 9 no such contact"), "{update}");
    for (code, what) in rolo::engine::exit::MEANINGS {
        let help = if *code == rolo::engine::exit::NOT_FOUND {
            &update
        } else {
            &add
        };
        assert!(
            page.contains(&format!("\\fB{code}\\fR")),
            "man page lacks {code}"
        );
        let first_words: String = what
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(page.contains(&first_words), "man page lacks {code}: {what}");
        if *code > 0 {
            assert!(
                help.contains(&format!(" {code} ")),
                "rolo add/update --help lacks {code}"
            );
        }
    }
    assert!(add.contains("8 conflict"), "{add}");
}

/// Issue 25 (9): `--profile <TAB>` completes the config's profile names, not file names.
#[test]
fn profile_completes_the_configs_profile_names() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[profiles.acme-wm]\napi = \"whatsmark\"\nbase_url = \"http://127.0.0.1:9/whatsmark/api/v2\"\n\
         api_key_env = \"ROLO_T_NONE\"\n\n[profiles.tienda]\napi = \"wipsy\"\n\
         base_url = \"http://127.0.0.1:9/wipsy\"\napi_key_env = \"ROLO_T_NONE\"\n",
    )
    .unwrap();
    let out = support::bare(dir.path())
        .args(["completions", "bash"])
        .env("ROLO_CONFIG", &config)
        .output()
        .unwrap();
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(script.contains("compgen -W \"acme-wm tienda\""), "{script}");
    // No config: nothing to offer, and no file names either.
    let script = String::from_utf8(rolo(dir.path(), &["completions", "bash"]).stdout).unwrap();
    let at = script.find("--profile)").unwrap();
    let branch = &script[at..at + 120];
    assert!(!branch.contains("compgen -f"), "{branch}");
}
