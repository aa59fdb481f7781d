//! Inputs the fuzz targets in `fuzz/` found wrong, kept as plain tests (each named after
//! its target), so `cargo test` holds the fix without a fuzzer or a nightly toolchain.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::path::Path;

use crate::config::{Config, ConfigErrorKind};
use crate::contact::vcard;
use crate::engine::import::table;

const W: &str = "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n\n";

/// `config`: the list fast path read past a comment holding a control character, which
/// TOML refuses, so the file loaded instead of failing as toml alone fails it.
#[test]
fn config_control_character_in_a_comment_of_a_list_is_a_syntax_error() {
    for body in [
        "id = \"t1\"\nname = \"Uno\"\n# a\u{1}comment\n",
        "id = \"t1\"\nname = \"Uno\" # a\u{7f}comment\n",
        "# \u{0}\u{0}\nid = \"t1\"\nname = \"Uno\"\n",
    ] {
        let text = format!("{W}[[profiles.w.tags]]\n{body}");
        let err = Config::parse(&text, Path::new("c.toml")).unwrap_err();
        assert_eq!(err.kind, ConfigErrorKind::Syntax, "{body:?}: {err}");
    }
    let header = format!("{W}[[profiles.w.tags]] # a\u{1}b\nid = \"t1\"\nname = \"Uno\"\n");
    let err = Config::parse(&header, Path::new("c.toml")).unwrap_err();
    assert_eq!(err.kind, ConfigErrorKind::Syntax, "{err}");
    // A tab is fine in a comment, as toml has it.
    let tab = format!("{W}[[profiles.w.tags]] # a\tb\nid = \"t1\" # c\td\nname = \"Uno\"\n");
    let config = Config::parse(&tab, Path::new("c.toml")).unwrap();
    assert_eq!(config.profiles[0].tags.len(), 1);
}

/// `config`: only spaces and tabs are TOML whitespace; a list header indented with a form
/// feed is refused by toml, and so by the fast path.
#[test]
fn config_list_header_with_other_whitespace_is_a_syntax_error() {
    for header in [
        "\u{c}[[profiles.w.tags]]",
        "[[profiles.w.tags]]\u{3000}",
        "[[ profiles\u{b}.w.tags ]]",
    ] {
        let text = format!("{W}{header}\nid = \"t1\"\nname = \"Uno\"\n");
        let err = Config::parse(&text, Path::new("c.toml")).unwrap_err();
        assert_eq!(err.kind, ConfigErrorKind::Syntax, "{header:?}: {err}");
    }
    let spaced = format!("{W} \t[[ profiles . w . tags ]] \t\nid = \"t1\"\nname = \"Uno\"\n");
    let config = Config::parse(&spaced, Path::new("c.toml")).unwrap();
    assert_eq!(config.profiles[0].tags.len(), 1);
}

/// `vcard`: files joined with `cat` keep each one's byte-order mark. The reader read the
/// second card, but the import, pairing cards with `BEGIN:VCARD` lines, did not see its
/// line and dropped the card without a word.
#[test]
fn vcard_byte_order_mark_before_a_later_card_keeps_the_card() {
    let text = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nEND:VCARD\r\n\xef\xbb\xbfBEGIN:VCARD\r\n\
                 VERSION:3.0\r\nFN:Luis\r\nTEL;TYPE=CELL:+57 318 877 9043\r\nEND:VCARD\r\n";
    let text = std::str::from_utf8(text).unwrap();
    assert_eq!(vcard::parse(text).unwrap().len(), 2);
    let rows = table::read_vcards(text).unwrap();
    let found: Vec<(u64, &str)> = rows
        .iter()
        .map(|(line, card)| (*line, card.full_name.as_str()))
        .collect();
    assert_eq!(found, [(1, "Ana"), (5, "Luis")]);
}

/// `config`: a profile that only its list tables name is placed by toml at its first
/// list header; the fast path took those headers out and pointed the error about the
/// profile at a later line.
#[test]
fn config_profile_named_only_by_its_lists_is_placed_at_its_first_list() {
    let text =
        "[[profiles.s.stages]]\nid = \"a\"\nname = \"A\"\n\n[profiles.s.defaults]\nname = \"x\"\n";
    let err = Config::parse(text, Path::new("c.toml")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "c.toml:1: profiles.s.api: missing; set api = \"wipsy\" or api = \"whatsmark\" or api = \"chatwoot\""
    );
}

/// `config`: a list header inside a multi-line array is part of the array for toml (and
/// wrong there); the fast path took it out and the file loaded.
#[test]
fn config_list_header_inside_a_multi_line_array_is_a_syntax_error() {
    let text = format!("{W}x = [\n[[profiles.w.tags]]\nid = \"a\"\nname = \"A\"\n[1]]\n");
    let err = Config::parse(&text, Path::new("c.toml")).unwrap_err();
    assert_eq!(err.kind, ConfigErrorKind::Syntax, "{err}");
}

/// `config`: the fast path handed toml the lines it kept joined with `\n`, so a bare
/// carriage return (`\r\r\n`), which toml refuses, became a valid line ending; and it
/// took a `\r` at the very end of the file for one.
#[test]
fn config_bare_carriage_return_is_a_syntax_error() {
    let tag = "[[profiles.w.tags]]\r\nid = \"t0\"\r\nname = \"Tag 0\"\r\n";
    for text in [
        format!("[profiles.w]\r\napi = \"wipsy\"\r\napi_key_env = \"W\"\r\n\r\r\n{tag}"),
        format!(
            "[profiles.w]\r\napi = \"wipsy\"\r\napi_key_env = \"W\"\r\n{tag}color = \"#00AA00\"\r"
        ),
    ] {
        let err = Config::parse(&text, Path::new("c.toml")).unwrap_err();
        assert_eq!(err.kind, ConfigErrorKind::Syntax, "{text:?}: {err}");
    }
}

/// Found by `csv_import` after CR-only files were read as LF: the separator sniffed on
/// the file as given read past the CR-only header line into the rows (`re;Ape…\rnoérez,2`
/// counted the rows' commas), so the import and its preview disagreed on the separator.
#[test]
fn csv_separator_of_a_cr_only_file_comes_from_its_header_line() {
    let text = "re;Apewwwwwww\u{fffd}\rno\u{e9}rez,29d0123o";
    assert_eq!(table::sniff_delimiter(text), b';');
    let t = table::read_csv(text).expect("a table");
    assert_eq!(t.delimiter, b';');
    assert_eq!(t.headers, ["re", "Apewwwwwww\u{fffd}"]);
    assert_eq!(table::sniff_delimiter("a,b\rc;d;e\r"), b',');
}

/// `quickadd`: a list's name typed across quotes (`tags:"vip, nope"x`) got a Tab fix
/// that replaced nothing, so Tab would have done nothing, forever; such a name has no
/// fix now, and every fix changes the line.
#[test]
fn quickadd_a_name_across_quotes_has_no_fix_that_changes_nothing() {
    use crate::contact::catalog::{Catalog, Item};
    use crate::contact::quickadd::parse;
    let catalog = Catalog {
        tags: [("t1", "VIP"), ("t2", "Nopal")]
            .iter()
            .map(|(id, name)| Item {
                id: (*id).into(),
                name: (*name).into(),
                ..Item::default()
            })
            .collect(),
        ..Catalog::default()
    };
    for line in [
        "Ana tags:\"vip, nope\"x",
        "Ana #中文tags:\"vip, nope\"客户 wang@qq.com",
        "Ana tags:\"vip, nopa\"",
    ] {
        let p = parse(line, crate::contact::Flavour::Wipsy, &catalog, None);
        for n in &p.notes {
            let typed = &line[n.span.clone()];
            assert_ne!(n.fix.as_deref(), Some(typed), "{line}: {n:?}");
        }
    }
}
