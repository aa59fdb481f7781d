//! rolo's own files damaged as disks, crashes and editors damage them (a line of invalid
//! UTF-8, a torn last line, JSON cut short, an empty file, binary garbage), against every
//! face that reads them: only the damaged record is skipped, the file and line are named,
//! the damaged bytes are kept (never deleted), and the rest stays usable.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use std::path::{Path, PathBuf};

use crossterm::event::KeyCode;
use rolo::contact::Draft;
use rolo::engine::outbox::Item;
use support::tui::Harness;
use support::{World, code, stderr, stdout};

/// Damage that may land in the middle of a file of lines (each stands for one line).
const LINE_DAMAGE: [(&str, &[u8]); 3] = [
    (
        "invalid UTF-8",
        b"{\"time\":\"2026-01-01T00:00:00Z\",\"name\":\"Ana \xff\xfe\"}",
    ),
    ("truncated JSON", b"{\"time\":\"2026-01-01T00:0"),
    ("binary garbage", b"\x00\x01\x02\x7fPK\x03\x04\x89PNG"),
];

/// Damage of a file that holds one record: the three above, and an empty file.
fn whole_file_damage(good: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mut utf8 = good.to_vec();
    let at = utf8.len() / 2;
    utf8.splice(at..at, *b"\xff\xfe");
    vec![
        ("invalid UTF-8", utf8),
        ("truncated JSON", good[..good.len() / 2].to_vec()),
        ("empty file", Vec::new()),
        (
            "binary garbage",
            b"\x00\x01\x02\x7fPK\x03\x04\x89PNG".to_vec(),
        ),
    ]
}

/// Every file under `dir` whose name starts with `prefix` and holds `.damaged-`.
fn set_aside(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(prefix) && name.contains(".damaged-")
        })
        .collect();
    found.sort();
    found
}

fn add(w: &World, first: &str, phone: &str) {
    let (first, phone) = (format!("firstname={first}"), format!("phone={phone}"));
    let out = w.rolo_sets(&["add"], &[&first, "lastname=Díaz", &phone]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

// ---- history.jsonl ----------------------------------------------------------------

#[test]
fn a_damaged_history_line_hides_only_itself_from_rolo_history() {
    let w = World::cli();
    add(&w, "Meera", "98470 55501");
    add(&w, "Ravi", "98470 55502");
    let file = w.data_dir().join("history.jsonl");
    let good = std::fs::read(&file).unwrap();
    let lines: Vec<&[u8]> = good.split(|&b| b == b'\n').collect();
    for (what, damage) in LINE_DAMAGE {
        let damaged = [lines[0], b"\n", damage, b"\n", lines[1], b"\n"].concat();
        std::fs::write(&file, &damaged).unwrap();
        let out = w.rolo(&["history"]);
        assert_eq!(code(&out), 0, "{what}: {}", stderr(&out));
        let shown = stdout(&out);
        assert!(
            shown.contains("Meera Díaz") && shown.contains("Ravi Díaz"),
            "{what}: every other entry is shown:\n{shown}"
        );
        let said = stderr(&out);
        assert!(
            said.contains("history.jsonl line 2 is damaged"),
            "{what}: the file and line are named:\n{said}"
        );
        assert_eq!(std::fs::read(&file).unwrap(), damaged, "{what}: bytes kept");
    }

    std::fs::write(&file, b"").unwrap();
    let out = w.rolo(&["history"]);
    assert_eq!(code(&out), 0);
    assert!(
        stdout(&out).contains("No contacts created"),
        "{}",
        stdout(&out)
    );
    assert!(
        !stderr(&out).contains("damaged"),
        "an empty history is not damaged"
    );
}

#[test]
fn a_contact_created_after_a_torn_history_line_is_not_lost() {
    let w = World::cli();
    add(&w, "Meera", "98470 55501");
    let file = w.data_dir().join("history.jsonl");
    let mut bytes = std::fs::read(&file).unwrap();
    // A crash half way through the next entry's write.
    bytes.extend_from_slice(br#"{"time":"2026-12-01T10:00:00Z","profile":"wm","id":"9"#);
    std::fs::write(&file, &bytes).unwrap();

    add(&w, "Ravi", "98470 55502");
    let out = w.rolo(&["history"]);
    let shown = stdout(&out);
    assert!(
        shown.contains("Meera Díaz") && shown.contains("Ravi Díaz"),
        "the entry appended after the torn line is there:\n{shown}"
    );
    assert!(
        stderr(&out).contains("history.jsonl line 2 is damaged"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn the_form_reads_around_a_damaged_history_and_counts_the_rest() {
    let mut h = Harness::with_data(|data| {
        let mut text = Vec::new();
        for (i, (_, damage)) in LINE_DAMAGE.iter().enumerate() {
            let e = rolo::engine::record::entry("wipsy", &format!("{i}"), "Ana", "+573001");
            text.extend(serde_json::to_vec(&e).unwrap());
            text.push(b'\n');
            text.extend_from_slice(damage);
            text.push(b'\n');
        }
        std::fs::write(data.join("history.jsonl"), text).unwrap();
    })
    .await;
    let app = h.app();
    assert_eq!(app.recent.len(), 3, "F4 lists every readable entry");
    let wipsy = app
        .profiles
        .iter()
        .find(|p| p.profile.name == "wipsy")
        .unwrap();
    assert_eq!(
        wipsy.created_this_month, 3,
        "the Wipsy estimate counts them"
    );
    let (_, said) = app.status.clone().unwrap();
    assert!(
        said.contains("history.jsonl line 2 is damaged") && said.contains("2 more warnings"),
        "{said}"
    );
    h.press(KeyCode::F(4));
    assert_eq!(h.screen(120, 40).matches("Ana").count(), 3);
}

// ---- outbox/ID.json -----------------------------------------------------------------

/// A waiting WhatsMark contact as an earlier run wrote it.
fn item(first: &str, phone: &str) -> Item {
    let mut d = Draft::default();
    d.set("firstname", first);
    d.set("lastname", "Díaz");
    d.set("phone", phone);
    d.set("type", "lead");
    Item::new("wm", d, &format!("{first} Díaz"), "timeout", false, None)
}

#[test]
fn a_damaged_outbox_item_is_listed_never_sent_and_set_aside_only_when_dropped() {
    let good_bytes = serde_json::to_vec_pretty(&item("Zoe", "+919847055509")).unwrap();
    for (what, damage) in whole_file_damage(&good_bytes) {
        let w = World::cli();
        // A good item beside it: a create the server failed (500, nothing stored).
        w.add_fault(support::sandbox::once_on_post(
            "/whatsmark/api/v2/contacts",
            rolo::sandbox::FaultKind::Status500,
            false,
        ));
        let out = w.rolo_sets(
            &["add"],
            &["firstname=Meera", "lastname=Díaz", "phone=98470 55501"],
        );
        assert_eq!(code(&out), 7, "{what}: {}", stderr(&out));
        let outbox = w.data_dir().join("outbox");
        let broken = outbox.join("0badf00d-item.json");
        std::fs::write(&broken, &damage).unwrap();

        let out = w.rolo(&["outbox", "list"]);
        let listed = stdout(&out);
        assert!(listed.contains("Meera Díaz"), "{what}: {listed}");
        assert!(
            listed.contains("0badf00d  DAMAGED") && listed.contains("0badf00d-item.json"),
            "{what}: listed as damaged, its file named:\n{listed}"
        );
        if what == "truncated JSON" {
            assert!(
                listed.contains("+919847055509"),
                "what can be read: {listed}"
            );
        }

        let out = w.rolo(&["outbox", "retry"]);
        assert_eq!(code(&out), 1, "{what}: a damaged item is a file problem");
        assert!(stdout(&out).contains("0badf00d  DAMAGED"), "{what}");
        let phones: Vec<_> = w
            .stored("whatsmark", "demo")
            .iter()
            .map(|c| c["phone"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert!(
            phones.contains(&"+919847055501".to_owned()),
            "{what}: the good one went"
        );
        assert!(
            !phones.contains(&"+919847055509".to_owned()),
            "{what}: not sent"
        );
        assert_eq!(
            std::fs::read(&broken).unwrap(),
            damage,
            "{what}: kept as it was"
        );

        let out = w.rolo(&["outbox", "drop", "0badf00d"]);
        assert_eq!(code(&out), 0, "{what}: {}", stderr(&out));
        let aside = set_aside(&outbox, "0badf00d-item.json");
        assert_eq!(aside.len(), 1, "{what}: moved aside");
        assert_eq!(
            std::fs::read(&aside[0]).unwrap(),
            damage,
            "{what}: bytes kept"
        );
        assert!(stdout(&out).contains(&aside[0].display().to_string()));
        let out = w.rolo(&["outbox", "list"]);
        assert!(
            stdout(&out).contains("The outbox is empty"),
            "{}",
            stdout(&out)
        );
    }
}

#[tokio::test]
async fn the_form_names_a_damaged_outbox_item_and_f3_lists_it() {
    let mut h = Harness::with_data(|data| {
        let outbox = data.join("outbox");
        std::fs::create_dir_all(&outbox).unwrap();
        let bytes = serde_json::to_vec_pretty(&item("Zoe", "+919847055509")).unwrap();
        std::fs::write(outbox.join("0badf00d-item.json"), &bytes[..bytes.len() / 2]).unwrap();
    })
    .await;
    let (_, said) = h.app().status.clone().unwrap();
    assert!(
        said.contains("outbox file is damaged") && said.contains("(+919847055509)"),
        "what can be read of it, short enough for an 80-column status line: {said}"
    );
    assert!(said.contains("F3 shows it"), "{said}");
    // F3 at 80 columns: what can be read, then how to drop it before what is wrong.
    h.press(KeyCode::F(3));
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("DAMAGED") && screen.contains("+919847055509"),
        "{screen}"
    );
    assert!(
        screen.contains("`rolo outbox drop 0badf00d` sets it aside"),
        "{screen}"
    );
    let screen = h.screen(200, 40);
    assert!(screen.contains("0badf00d-item.json is damaged"), "{screen}");
}

// ---- drafts/NAME.json and drafts/NAME.journal ---------------------------------------

#[tokio::test]
async fn a_damaged_draft_file_is_moved_aside_and_named_not_deleted() {
    let mut good = Draft::default();
    good.set("firstname", "Zoë");
    let saved = serde_json::json!({"saved_at": "2026-12-01T10:00:00Z", "draft": good});
    let good_bytes = serde_json::to_vec_pretty(&saved).unwrap();
    for (what, damage) in whole_file_damage(&good_bytes) {
        let bytes = damage.clone();
        let mut h = Harness::with_data(move |data| {
            std::fs::create_dir_all(data.join("drafts")).unwrap();
            std::fs::write(data.join("drafts/wm.json"), &bytes).unwrap();
        })
        .await;
        let drafts = h.data_dir().join("drafts");
        let aside = set_aside(&drafts, "wm.json");
        assert_eq!(aside.len(), 1, "{what}");
        assert_eq!(
            std::fs::read(&aside[0]).unwrap(),
            damage,
            "{what}: bytes kept"
        );
        let (_, said) = h.app().status.clone().unwrap();
        assert!(
            said.contains("wm.json is damaged") && said.contains("kept as"),
            "{what}: {said}"
        );
        // The form goes on: typing and sending never touch the file set aside.
        h.typed("Ana");
        h.ctrl('x');
        assert_eq!(std::fs::read(&aside[0]).unwrap(), damage, "{what}");
    }
}

#[tokio::test]
async fn a_damaged_journal_line_costs_only_its_own_edit() {
    let lines: [&[u8]; 3] = [
        br#"{"draft":{"values":{"firstname":"Ana"},"lists":{},"custom":{}}}"#,
        br#"{"patch":{"values":{"lastname":"D\u00edaz"}}}"#,
        br#"{"patch":{"values":{"phone":"98470 55501"}}}"#,
    ];
    for (what, damage) in LINE_DAMAGE {
        let journal = [
            lines[0], b"\n", lines[1], b"\n", damage, b"\n", lines[2], b"\n",
        ]
        .concat();
        let bytes = journal.clone();
        let h = Harness::with_data(move |data| {
            std::fs::create_dir_all(data.join("drafts")).unwrap();
            std::fs::write(data.join("drafts/wm.journal"), &bytes).unwrap();
        })
        .await;
        let unsent = h.app().current().unsent();
        assert_eq!(
            (
                unsent.get("firstname"),
                unsent.get("lastname"),
                unsent.get("phone")
            ),
            ("Ana", "Díaz", "98470 55501"),
            "{what}: the edits around the damaged line stand"
        );
        let (_, said) = h.app().status.clone().unwrap();
        assert!(
            said.contains("wm.journal line 3 is damaged"),
            "{what}: {said}"
        );
        let drafts = h.data_dir().join("drafts");
        let aside = set_aside(&drafts, "wm.journal");
        assert_eq!(aside.len(), 1, "{what}");
        assert_eq!(
            std::fs::read(&aside[0]).unwrap(),
            journal,
            "{what}: bytes kept"
        );
        let saved = rolo::engine::drafts::load(h.data_dir(), "wm")
            .unwrap()
            .draft;
        assert_eq!(
            (
                saved.get("firstname"),
                saved.get("lastname"),
                saved.get("phone")
            ),
            ("Ana", "Díaz", "98470 55501"),
            "{what}: what it made is in the draft file"
        );
    }
}

#[test]
fn linear_mode_names_a_damaged_draft() {
    let w = World::cli();
    let drafts = w.data_dir().join("drafts");
    std::fs::create_dir_all(&drafts).unwrap();
    std::fs::write(drafts.join("wm.json"), b"\x00\x01garbage").unwrap();
    let out = w
        .command()
        .args(["--linear"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("wm.json is damaged"), "{all}");
    assert_eq!(set_aside(&drafts, "wm.json").len(), 1);
}

// ---- imports/PROFILE-HASH.jsonl -------------------------------------------------------

#[test]
fn a_damaged_import_journal_line_is_named_and_its_row_looked_for_not_sent_twice() {
    let w = World::cli();
    w.write(
        "two.csv",
        "first name,last name,phone\nMeera,Díaz,98470 55501\nRavi,Díaz,98470 55502\n",
    );
    let out = w.rolo(&["import", "two.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let imports = w.data_dir().join("imports");
    let journal = std::fs::read_dir(&imports)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .unwrap();
    // Cut every line that says a row was created short: each keeps only its hash.
    let text = std::fs::read_to_string(&journal).unwrap();
    let cut: String = text
        .lines()
        .map(|l| match l.find(",\"id\"") {
            Some(at) if !l.contains("\"sending\"") => format!("{}\u{0}\n", &l[..at]),
            _ => format!("{l}\n"),
        })
        .collect();
    std::fs::write(&journal, &cut).unwrap();

    let out = w.rolo(&["import", "two.csv"]);
    let said = stderr(&out);
    assert!(
        said.contains(".jsonl line") && said.contains("is damaged"),
        "the journal's file and line are named:\n{said}"
    );
    for phone in ["+919847055501", "+919847055502"] {
        let copies = w
            .stored("whatsmark", "demo")
            .iter()
            .filter(|c| c["phone"] == phone)
            .count();
        assert_eq!(copies, 1, "{phone}: looked for, not sent again");
    }
}
