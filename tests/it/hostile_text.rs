//! Strangers' text never drives the terminal (issue 12): a contact name, an id and a
//! server message carrying a window-title OSC, a clear-screen CSI, an OSC 52 clipboard
//! write and a right-to-left override show as inert text on every screen and in every
//! output that carries them — checked on the real pty screen and in the raw bytes.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use rolo::sandbox::{FaultKind, FaultRule};
use serde_json::json;
use support::pty::{CTRL_S, ENTER, Pty, TAB, WAIT};
use support::{SeedExt, World, code, show};

/// A name a hostile CRM user could save: retitle the window, clear the screen, write the
/// clipboard, and turn the rest of the line around.
const EVIL: &str = "Eve\u{1b}]0;pwned\u{7} \u{1b}[2J\u{1b}]52;c;cHduZWQ=\u{7}\u{202E}lanimret";
/// How [`EVIL`]'s start reads once inert.
const SHOWN: &str = "Eve␛]0;pwned␇ ␛[2J␛]52;c;cHduZWQ=␇";

/// The bytes a terminal would obey in what rolo wrote: an OSC, a BEL, the clear-screen
/// CSI, a C1 control or the override. (rolo's own drawing uses CSI for colours and
/// cursor moves, never these.)
fn obeyed(bytes: &[u8]) -> Vec<&'static str> {
    let text = String::from_utf8_lossy(bytes);
    let mut found = Vec::new();
    for (needle, what) in [
        ("\u{1b}]", "OSC"),
        ("\u{7}", "BEL"),
        ("\u{1b}[2J", "clear screen"),
        ("\u{202E}", "right-to-left override"),
        ("\u{9b}", "C1 CSI"),
        ("\u{9d}", "C1 OSC"),
    ] {
        if text.contains(needle) {
            found.push(what);
        }
    }
    found
}

/// CLI output must not carry an escape character at all: rolo prints none of its own.
fn assert_plain(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    assert!(
        !text.contains('\u{1b}') && obeyed(bytes).is_empty(),
        "{what} carries terminal controls: {text:?}"
    );
}

/// A WhatsMark contact named [`EVIL`] in the demo tenant, with this phone.
fn seed_evil_contact(w: &World, phone: &str) {
    let token = w.seed.wm_token("demo", "full");
    let url = format!("{}/whatsmark/api/v2/contacts", w.origin());
    let body = json!({ "firstname": EVIL, "lastname": "X", "phone": phone, "type": "lead",
        "source_id": 110, "status_id": 281 });
    let status = w.rt.block_on(async {
        rolo::api::install_crypto();
        let resp = reqwest::Client::new()
            .post(url)
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        resp.status().as_u16()
    });
    assert_eq!(status, 201, "the sandbox stored the hostile contact");
}

/// A 422 whose message for `firstname` (and for the form) is [`EVIL`], once, on create.
fn evil_validation_error(w: &World) {
    w.add_fault(FaultRule {
        path: "/whatsmark/api/v2/contacts".into(),
        method: Some("POST".into()),
        kind: FaultKind::Answer {
            status: 422,
            body: json!({ "success": false, "error": { "code": "VALIDATION_ERROR",
                "message": EVIL, "details": { "firstname": [EVIL] } } }),
        },
        after: false,
        times: Some(1),
    });
}

/// A history file written by someone else (or an older rolo) with a hostile name and id.
fn write_evil_history(w: &World) {
    let entry = json!({ "time": "2026-12-01T10:00:00Z", "profile": "wm", "id": EVIL,
        "name": EVIL, "phone": "+919800000001" });
    std::fs::create_dir_all(w.data_dir()).unwrap();
    std::fs::write(w.data_dir().join("history.jsonl"), format!("{entry}\n")).unwrap();
}

/// Waits for `text` on the screen; then nothing written since `mark` may be obeyed.
fn shows_inert(p: &Pty, mark: usize, text: &str, screen: &str) {
    let shown = p.wait_for(text, WAIT).unwrap();
    assert!(
        !shown.contains('\u{202E}'),
        "{screen}: the override reached the screen"
    );
    let raw = p.raw_since(mark);
    assert!(
        obeyed(&raw).is_empty(),
        "{screen}: the terminal was sent {:?}",
        obeyed(&raw)
    );
}

#[test]
fn the_form_shows_hostile_names_and_messages_as_text() {
    let w = World::cli();
    seed_evil_contact(&w, "+919811122233");
    write_evil_history(&w);
    let mut p = w.start_on("wm");

    // F4 lists the history's entries.
    let mark = p.raw_since(0).len();
    p.send("\u{1b}OS").unwrap();
    shows_inert(&p, mark, SHOWN, "F4 recent list");
    p.send("\u{1b}").unwrap();
    p.wait_gone("Created recently", WAIT).unwrap();

    // The duplicate warning names the stored contact.
    let mark = p.raw_since(0).len();
    for part in ["Ana", TAB, "Ruiz", TAB, "98111 22233", TAB] {
        p.send(part).unwrap();
    }
    shows_inert(
        &p,
        mark,
        &format!("Possible duplicate: {SHOWN}"),
        "duplicate hint",
    );

    // The server's field error goes under First name, as text.
    evil_validation_error(&w);
    let mark = p.raw_since(0).len();
    p.send(CTRL_S).unwrap();
    // The duplicate question comes first: create anyway.
    p.wait_for("Possible duplicate of", WAIT).unwrap();
    p.send(ENTER).unwrap();
    shows_inert(&p, mark, &format!("✗ {SHOWN}"), "server field error");
}

#[test]
fn cli_outputs_print_hostile_text_inert() {
    let w = World::cli();
    write_evil_history(&w);

    let out = w.rolo(&["history"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(support::stdout(&out).contains(SHOWN), "{}", show(&out));
    assert_plain(&out.stdout, "rolo history");

    // A server field error, under its field's name.
    evil_validation_error(&w);
    let out = w.rolo(&[
        "add",
        "--set",
        "firstname=Ana",
        "--set",
        "lastname=Ruiz",
        "--set",
        "phone=98111 22244",
    ]);
    assert_eq!(code(&out), 2, "{}", show(&out));
    assert!(support::stderr(&out).contains(SHOWN), "{}", show(&out));
    assert_plain(&out.stderr, "rolo add (422)");
    assert_plain(&out.stdout, "rolo add (422)");

    // A refusal that may pass: kept in the outbox, its reason quoting the server.
    w.add_fault(FaultRule {
        path: "/whatsmark/api/v2/contacts".into(),
        method: Some("POST".into()),
        kind: FaultKind::Answer {
            status: 503,
            body: json!({ "success": false, "error": { "code": "UNAVAILABLE", "message": EVIL } }),
        },
        after: false,
        times: Some(1),
    });
    let out = w.rolo(&[
        "add",
        "--set",
        "firstname=Ana",
        "--set",
        "lastname=Ruiz",
        "--set",
        "phone=98111 22255",
    ]);
    assert_ne!(code(&out), 0, "{}", show(&out));
    assert_plain(&out.stderr, "rolo add (503)");
    let out = w.rolo(&["outbox", "list"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(support::stdout(&out).contains("Ana"), "{}", show(&out));
    assert_plain(&out.stdout, "rolo outbox list");

    // An import whose row the server refuses: the report and rejected.csv's reason.
    let csv = w.write(
        "people.csv",
        "firstname,lastname,phone\nAna,Ruiz,98111 22266\n",
    );
    evil_validation_error(&w);
    let out = w.rolo(&["import", csv.to_str().unwrap()]);
    assert_plain(&out.stdout, "rolo import stdout");
    assert_plain(&out.stderr, "rolo import stderr");
    let rejected = std::fs::read(w.path("people.csv.rejected.csv")).unwrap();
    assert!(
        String::from_utf8_lossy(&rejected).contains(SHOWN),
        "{}",
        show(&out)
    );
    assert_plain(&rejected, "people.csv.rejected.csv");
}

/// One rule for strangers' text on every screen (issue 26 point 5): catalog names and
/// custom field names in the form's fields, labels, pickers and the quick-add preview
/// show ESC and BEL as `␛` and `␇`, as the lists, the CLI and linear mode do; before,
/// ratatui dropped them there without a trace.
#[tokio::test]
async fn catalog_names_show_their_controls_in_fields_pickers_and_quick_add() {
    use crossterm::event::KeyCode;
    use support::tui::Harness;
    const GROUP: &str = "VIP\u{1b}]0;x\u{7} club";
    const GROUP_SHOWN: &str = "VIP␛]0;x␇ club";
    const FIELD: &str = "Doc\u{7}umento";
    const FIELD_SHOWN: &str = "Doc␇umento";
    let mut h = Harness::with_seed(|seed| {
        let wm = seed
            .whatsmark
            .iter_mut()
            .find(|t| t.name == "demo")
            .unwrap();
        wm.groups[0].name = GROUP.to_owned();
        let wipsy = seed.wipsy.iter_mut().find(|t| t.name == "demo").unwrap();
        wipsy.custom_fields[0].field_name = FIELD.to_owned();
    })
    .await;

    // The quick-add preview first, while the form holds no group.
    h.ctrl('o');
    h.typed("Ana 98470 55501 #vip");
    let screen = h.screen(120, 40);
    assert!(
        screen.contains(GROUP_SHOWN),
        "the quick-add preview:\n{screen}"
    );
    h.press(KeyCode::Esc);
    assert!(matches!(h.app().mode, rolo::tui::app::Mode::Form));

    h.focus("Groups");
    h.press(KeyCode::Enter);
    h.typed("VIP");
    let screen = h.screen(120, 40);
    assert!(screen.contains(GROUP_SHOWN), "the picker row:\n{screen}");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Esc);
    let screen = h.screen(120, 40);
    assert!(
        screen.contains(&format!("[{GROUP_SHOWN}]")),
        "the field:\n{screen}"
    );

    h.switch_to("wdemo").await;
    let screen = h.screen(120, 40);
    assert!(
        screen.contains(FIELD_SHOWN),
        "a custom field's label:\n{screen}"
    );
}
