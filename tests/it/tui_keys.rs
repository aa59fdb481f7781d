//! Key scripts against ratatui's `TestBackend`: the real App, keymap, view and controller,
//! talking to a real sandbox over HTTP on 127.0.0.1. Snapshots of the main screens.
#![allow(
    clippy::unwrap_used,
    clippy::too_many_lines,
    clippy::format_push_string
)] // tests: panics are the failure report

use crate::support;

use crossterm::event::{Event, KeyCode, KeyModifiers};
use rolo::tui::app::{CatalogStatus, Mode};
use rolo::tui::message::Message;
use support::tui::Harness;

fn labels_on_screen(h: &mut Harness, flavour_labels: &[&str]) {
    let mut seen = String::new();
    // The form scrolls: walk the focus through every field and collect the screens.
    for _ in 0..h.app().current().form.fields.len() {
        seen.push_str(&h.screen(120, 40));
        h.press(KeyCode::Tab);
    }
    for l in flavour_labels {
        assert!(seen.contains(l), "label {l:?} is on screen");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_field_label_is_on_screen_for_both_flavours() {
    let mut h = Harness::new().await;
    labels_on_screen(
        &mut h,
        &[
            "First name *",
            "Last name *",
            "Phone *",
            "Email",
            "Company",
            "Type *",
            "Source *",
            "Status *",
            "Groups",
            "Assigned to",
            "Country",
            "Address",
            "City",
            "State",
            "ZIP / postal code",
            "Description",
        ],
    );
    h.switch_to("wipsy").await;
    labels_on_screen(
        &mut h,
        &[
            "First name *",
            "Last name",
            "Phone",
            "Email",
            "WhatsApp ID",
            "Company",
            "Profile picture URL",
            "Pipeline stage",
            "Tags",
            "Address",
            "City",
            "Province",
            "Notes",
            "Notes code",
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_validation_focus_and_submit() {
    let mut h = Harness::new().await;
    h.type_fields(&["Ana María", "Pérez"]);
    h.press(KeyCode::Enter);
    h.typed("98470 12345");
    let s = h.screen(120, 40);
    assert!(
        s.contains("98470 12345  → +919847012345"),
        "the phone shows its E.164 form:\n{s}"
    );
    h.press(KeyCode::Tab);
    h.typed("ana@");
    h.press(KeyCode::Tab);
    let s = h.screen(120, 40);
    assert!(
        s.contains("✗ This doesn't look like an email address"),
        "{s}"
    );
    // Ctrl-S with problems: nothing is sent, focus goes to the first problem.
    h.ctrl('s');
    assert!(h.app().submitting.is_none());
    assert_eq!(h.app().current().form.focused().unwrap().key, "email");
    let s = h.screen(120, 40);
    assert!(s.contains("✗ 3 problems"), "{s}");
    h.typed("acme.co");
    h.picks("Source", &["Insta", "Interes", "mumbai"]);
    h.submit().await;
    h.until(|a| a.current().usage.is_some_and(|u| u.current == 4))
        .await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Created Ana María Pérez — id 1008"), "{s}");
    let rec = h.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(rec["phone"], "+919847012345");
    assert_eq!(rec["email"], "ana@acme.co");
    assert_eq!(rec["source_id"], 113);
    assert_eq!(rec["status_id"], 283);
    assert_eq!(rec["type"], "lead", "the default type was kept");
    assert_eq!(
        h.app().current().form.draft.get("firstname"),
        "",
        "the form is ready for the next contact"
    );
    assert!(
        s.contains("contacts 4/1000"),
        "usage refreshed after the create:\n{s}"
    );
    insta::assert_snapshot!("whatsmark_created_120x40", support::tui::stable(&s));
    recorded_once(&h, "1008", "Ana María Pérez");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_field_errors_land_under_their_fields_and_the_form_is_kept() {
    let mut h = Harness::new().await;
    h.type_fields(&["Priya", "Again", "+919587422363"]);
    h.picks("Source", &["web", "nuevo"]);
    h.ctrl_s().await;
    // The duplicate check sees the seeded Priya first and asks once.
    let s = h.screen(120, 40);
    assert!(
        s.contains("Possible duplicate of Priya Raghunathan (id 1001"),
        "{s}"
    );
    assert!(
        s.contains("⚠ Possible duplicate: Priya Raghunathan"),
        "shown under the phone:\n{s}"
    );
    h.press(KeyCode::Enter);
    h.until(|a| a.submitting.is_none()).await;
    assert_eq!(
        h.app().current().form.focused().unwrap().key,
        "phone",
        "focus on the first server error"
    );
    let s = h.screen(120, 40);
    let phone_line = s.lines().position(|l| l.contains("Phone *")).unwrap();
    assert!(
        s.lines()
            .nth(phone_line + 1)
            .unwrap()
            .contains("✗ This phone number already exists."),
        "{s}"
    );
    assert!(s.contains("Priya"), "typed values are kept");
    insta::assert_snapshot!(
        "whatsmark_server_error_80x24",
        support::tui::stable(&h.screen(80, 24))
    );
    // Editing the field clears the server's message.
    h.press(KeyCode::Backspace);
    assert!(!h.screen(120, 40).contains("already exists"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_and_auth_failures_are_shown_and_the_form_is_kept() {
    let mut h = Harness::new().await;
    h.switch_to("full").await;
    h.type_fields(&["Lucía", "Gómez", "+34600123123"]);
    h.picks("Type", &["lead", "web", "nuevo"]);
    h.submit().await;
    let s = h.screen(120, 40);
    assert!(s.contains("Quota spent — nothing was created"), "{s}");
    assert!(
        s.contains("contacts 3/3"),
        "the server's figures are on the status bar:\n{s}"
    );
    assert!(s.contains("Lucía"));

    h.ctrl('t');
    h.typed("wrong");
    h.press(KeyCode::Enter);
    h.until(|a| {
        !matches!(
            a.current().catalog_status,
            CatalogStatus::Refreshing | CatalogStatus::Empty
        )
    })
    .await;
    h.typed("Nadie");
    h.submit().await;
    let s = h.screen(120, 40);
    assert!(s.contains("does not accept this profile's key"), "{s}");
    assert!(s.contains("catalog offline"), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_profiles_keeps_both_drafts() {
    let mut h = Harness::new().await;
    h.typed("Ravi");
    h.switch_to("wipsy").await;
    h.typed("José 🙂");
    let s = h.screen(120, 40);
    assert!(
        s.contains("rolo · wipsy · wipsy"),
        "the frame names the profile:\n{s}"
    );
    insta::assert_snapshot!("wipsy_form_120x40", support::tui::stable(&s));
    h.ctrl('t');
    h.typed("WhatsMark");
    h.press(KeyCode::Enter);
    assert!(h.screen(120, 40).contains("Ravi"));
    assert_eq!(h.app().profiles[2].form.draft.get("name"), "José 🙂");
    insta::assert_snapshot!(
        "whatsmark_form_80x24",
        support::tui::stable(&h.screen(80, 24))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_paste_undo_help_and_clear() {
    let mut h = Harness::new().await;
    // A pasted newline never submits; in a one-line field it becomes a space.
    h.paste("Ana\nMaría\n");
    assert_eq!(h.app().current().form.draft.get("firstname"), "Ana María");
    assert!(h.app().submitting.is_none());
    // Emacs keys of the text widget do nothing.
    // (Ctrl-U is rolo's own: it clears the field; see tests/it/tui_layout.rs. Ctrl-F is
    // rolo's own too: it opens find; see tests/it/tui_find.rs.)
    for c in ['p', 'n', 'v', 'j', 'a', 'e', 'b'] {
        h.ctrl(c);
    }
    assert_eq!(h.app().current().form.draft.get("firstname"), "Ana María");
    h.ctrl('z');
    assert_ne!(h.app().current().form.draft.get("firstname"), "Ana María");
    h.ctrl('y');
    assert_eq!(h.app().current().form.draft.get("firstname"), "Ana María");
    // Pasting a list into a multi picker field selects each known name and reports the rest.
    h.focus("Groups");
    h.paste("Mumbai, Delhi\nAtlantis");
    assert_eq!(h.app().current().form.draft.list("groups"), ["19", "20"]);
    assert!(h.screen(120, 40).contains("Not in the catalog: Atlantis"));
    // Help from outside text, generated from the keymap.
    h.press(KeyCode::Char('?'));
    let s = h.screen(120, 40);
    assert!(
        s.contains("Ctrl-S") && s.contains("submit the contact"),
        "{s}"
    );
    insta::assert_snapshot!("help_120x40", support::tui::stable(&s));
    h.press(KeyCode::Esc);
    // Esc never clears; Ctrl-X asks first.
    h.press(KeyCode::Esc);
    assert_eq!(h.app().current().form.draft.get("firstname"), "Ana María");
    h.ctrl('x');
    // Letters typed on do not answer the question (issue 15): only Enter and Esc do.
    for c in ['y', 'Y', 'n', 'N'] {
        h.press(KeyCode::Char(c));
        assert!(matches!(h.app().mode, Mode::Confirm(_)), "{c} answered");
    }
    h.press(KeyCode::Esc);
    assert_eq!(h.app().current().form.draft.get("firstname"), "Ana María");
    // The letters were held, not lost: they go where typing goes, and on Groups (a
    // picked field, focused) typing opens its picker and filters it (c2489ca; they
    // used to be refused by the field one by one, without a word).
    let Mode::Picker(p) = &h.app().mode else {
        panic!(
            "the held letters opened the Groups picker: {:?}",
            h.app().mode
        )
    };
    assert_eq!(p.filter, "yYnN");
    h.press(KeyCode::Esc);
    h.ctrl('x');
    h.press(KeyCode::Enter);
    assert_eq!(h.app().current().form.draft.get("firstname"), "");
    assert_eq!(
        h.app().current().form.draft.get("type"),
        "lead",
        "clearing keeps the profile's defaults"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wipsy_contact_with_stage_tags_and_custom_fields() {
    let mut h = Harness::new().await;
    h.switch_to("wipsy").await;
    h.typed("Iñaki");
    h.focus("Phone");
    h.typed("301 555 0199");
    h.focus("Notes");
    h.typed("línea 1");
    h.press(KeyCode::Enter);
    h.typed("línea 2");
    h.picks("Pipeline stage", &["won", "prio"]);
    h.focus("Notes code");
    h.typed("A-7");
    h.submit().await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Created Iñaki"), "{s}");
    let rec = h.stored("wipsy", "loadtest").last().unwrap().clone();
    assert_eq!(rec["phone"], "+573015550199");
    assert_eq!(rec["notes"], "línea 1\nlínea 2");
    assert_eq!(rec["custom_fields"][0]["field_value"], "A-7");
    assert_eq!(rec["pipeline_stage"]["name"], "Won");
    assert_eq!(rec["tags"][0]["name"], "Priority");
    assert!(s.contains("this month 1/100 via rolo"), "{s}");
    recorded_once(&h, rec["id"].as_str().unwrap(), "Iñaki");
}

/// The contact is in the history exactly once: in the file and in F4's recent list.
fn recorded_once(h: &Harness, id: &str, name: &str) {
    let history = std::fs::read_to_string(h.data_dir().join("history.jsonl")).unwrap();
    let lines: Vec<&str> = history
        .lines()
        .filter(|l| l.contains(&format!("\"id\":\"{id}\"")))
        .collect();
    assert_eq!(lines.len(), 1, "{history}");
    assert!(lines[0].contains(name), "{history}");
    assert_eq!(h.app().recent.iter().filter(|e| e.id == id).count(), 1);
}

/// Fills a valid WhatsMark contact in the active profile.
fn fill_whatsmark(h: &mut Harness, phone: &str) {
    h.type_fields(&["Meera", "Iyer", phone]);
    h.picks("Type", &["lead", "web", "nuevo"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirm_submit_asks_and_read_only_refuses() {
    let mut h = Harness::new().await;
    h.switch_to("careful").await;
    fill_whatsmark(&mut h, "+919811122233");
    h.ctrl_s().await;
    let s = h.screen(120, 40);
    assert!(s.contains("Create Meera Iyer in Careful Co?"), "{s}");
    h.press(KeyCode::Esc);
    assert!(h.app().submitting.is_none(), "no means nothing is sent");
    h.ctrl_s().await;
    h.press(KeyCode::Enter);
    h.until(|a| a.submitting.is_none()).await;
    assert!(h.screen(120, 40).contains("✓ Created Meera Iyer"));
    assert_eq!(
        h.stored("whatsmark", "rasl-retail").last().unwrap()["lastname"],
        "Iyer"
    );

    h.switch_to("ro").await;
    fill_whatsmark(&mut h, "+919811122244");
    h.ctrl_s().await;
    let s = h.screen(120, 40);
    assert!(s.contains("read-only: submitting is switched off"), "{s}");
    assert!(s.contains("READ-ONLY"), "the status bar says so:\n{s}");
    assert!(h.app().submitting.is_none());
}

/// Ctrl-S on a form with problems runs the engine's checks, as every face does (issue
/// 24): nothing is sent, the words say how many, and the cursor goes to the first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_s_with_problems_says_how_many_and_goes_to_the_first() {
    let mut h = Harness::new().await;
    h.focus("Email");
    h.typed("ana@");
    h.focus("First name");
    let before = h.stored("whatsmark", "demo").len();
    h.ctrl_s().await;
    let s = h.screen(120, 40);
    assert!(
        s.contains("problems to fix before sending: the first one has the cursor"),
        "{s}"
    );
    assert!(h.app().submitting.is_none());
    let p = h.app().current();
    assert_eq!(p.form.focus, p.form.first_problem().unwrap());
    assert_eq!(h.stored("whatsmark", "demo").len(), before, "nothing sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esc_cancels_a_slow_submit_and_keeps_the_form() {
    let mut h = Harness::new().await;
    h.sb.add_fault(rolo::sandbox::FaultRule {
        path: "/whatsmark/api/v2/contacts".into(),
        method: Some("POST".into()),
        kind: rolo::sandbox::FaultKind::Delay { ms: 3000 },
        after: false,
        times: Some(1),
    });
    fill_whatsmark(&mut h, "+919811122255");
    h.ctrl_s().await;
    assert!(h.app().submitting.is_some());
    assert!(
        h.screen(120, 40).contains("Sending…"),
        "a spinner with the elapsed time shows"
    );
    h.press(KeyCode::Esc);
    assert!(h.app().submitting.is_none());
    let s = h.screen(120, 40);
    assert!(s.contains("Submit cancelled"), "{s}");
    assert_eq!(
        h.app().current().form.draft.get("firstname"),
        "Meera",
        "Esc never clears the form"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_focuses_the_field_under_the_mouse() {
    let mut h = Harness::new().await;
    let s = h.screen(120, 40);
    let row = s.lines().position(|l| l.contains("Company")).unwrap();
    let click = crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: 40,
        row: u16::try_from(row).unwrap(),
        modifiers: KeyModifiers::NONE,
    };
    h.send(Message::Input(Event::Mouse(click)));
    assert_eq!(h.app().current().form.focused().unwrap().key, "company");
    // A resize redraws and keeps the focus.
    h.send(Message::Input(Event::Resize(80, 24)));
    assert_eq!(h.app().current().form.focused().unwrap().key, "company");
    assert!(h.screen(80, 24).contains("Company"));
}

/// Snapshots hold no wall clock: a contact created today showed "created 2026-12-03", and
/// the suite failed every later day (issue 23).
#[test]
fn snapshots_mask_dates_and_times_but_not_other_numbers() {
    let screen = "│ created 2026-12-03) saved 09:41 at 23:59:07 · rate 57/60 · +919587422363 │";
    assert_eq!(
        support::tui::stable(screen),
        "│ created YYYY-MM-DD) saved HH:MM at HH:MM:SS · rate ##/60 · +919587422363 │"
    );
    // Longer runs of digits are not dates or times.
    assert_eq!(
        support::tui::stable("12026-12-031 123:45"),
        "12026-12-031 123:45"
    );
}

/// The phone database loads on a worker after the first frame (issue 23). A Ctrl-S in the
/// moment before it is loaded is not lost and not sent on a guess: it waits, says so, and
/// goes on when the database is in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_before_the_phone_database_is_loaded_waits_for_it() {
    let mut h = Harness::new().await;
    h.before_phones_load();
    fill_whatsmark(&mut h, "98470 94023");
    h.ctrl('s');
    assert!(h.app().submitting.is_none() && h.app().awaiting_check.is_none());
    let s = h.screen(120, 40);
    assert!(s.contains("Checking the phone number…"), "{s}");
    h.send(Message::PhonesLoaded);
    h.until(|a| a.awaiting_check.is_none() && a.submitting.is_none())
        .await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Created Meera Iyer"), "{s}");
    let rec = h.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(
        rec["phone"], "+919847094023",
        "normalised with the profile's region"
    );
}

/// Leaving the phone before the phone database is loaded starts no check on a number
/// not normalised yet; the check runs as soon as it is loaded (issue 23).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_duplicate_check_skipped_before_the_phone_database_runs_once_it_is_loaded() {
    let mut h = Harness::new().await;
    h.before_phones_load();
    h.type_fields(&["Priya", "Again", "95874 22363"]);
    h.press(KeyCode::Tab);
    assert!(h.app().current().checking.is_none(), "no check yet");
    h.send(Message::PhonesLoaded);
    assert!(h.app().current().checking.is_some(), "the check runs now");
    h.until(|a| a.current().checking.is_none()).await;
    let s = h.screen(120, 40);
    assert!(s.contains("Possible duplicate: Priya Raghunathan"), "{s}");
}

/// Issue 25 (8): on a tenant whose table refuses `guest` (newer WhatsMark builds), the
/// 500 that names the column is shown under Type, the SQL it carries is not, and the
/// form is kept; a value past the table's width is refused before anything is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tables_refusals_show_under_their_fields() {
    let mut h = Harness::new().await;
    for t in &mut h.sb.state().lock().whatsmark {
        t.type_enum_without_guest = true;
    }
    h.type_fields(&["Gita", "Rao", "+91 98470 55599"]);
    h.picks("Type", &["guest", "web", "nuevo"]);
    h.submit().await;
    let s = h.screen(120, 40);
    let ty = s.lines().position(|l| l.contains("Type *")).unwrap();
    assert!(
        s.lines()
            .nth(ty + 1)
            .unwrap()
            .contains("This tenant does not take guest contacts"),
        "{s}"
    );
    assert!(!s.contains("SQLSTATE") && !s.contains("insert into"), "{s}");
    assert_eq!(h.app().current().form.draft.get("firstname"), "Gita");
    // Past the table's width: said under the field as it is typed.
    h.focus("City");
    h.typed(&"c".repeat(101));
    h.press(KeyCode::Tab);
    assert!(
        h.screen(120, 40)
            .contains("At most 100 characters (this has 101)")
    );
}

/// Ctrl-Z brings back what Backspace or Ctrl-U took from a picked row (groups, a type),
/// as it does in a text row, and Ctrl-Y takes it again: the choices were lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_brings_back_what_ctrl_u_cleared_from_a_picked_row() {
    let mut h = Harness::new().await;
    h.picks("Groups", &["Mumbai"]);
    h.focus("Groups");
    h.focus("Type");
    let type_before = h.app().current().form.value("type").to_owned();
    assert!(!type_before.is_empty(), "the profile's default type");
    h.ctrl('u');
    assert_eq!(h.app().current().form.value("type"), "");
    h.ctrl('z');
    assert_eq!(h.app().current().form.value("type"), type_before);
    h.focus("Groups");
    let groups = h.app().current().form.draft.list("groups").to_vec();
    assert_eq!(groups.len(), 1, "{groups:?}");
    h.ctrl('u');
    assert!(h.app().current().form.draft.list("groups").is_empty());
    h.ctrl('z');
    assert_eq!(h.app().current().form.draft.list("groups"), groups);
    h.ctrl('y');
    assert!(h.app().current().form.draft.list("groups").is_empty());
    h.ctrl('z');
    assert_eq!(h.app().current().form.draft.list("groups"), groups);
}
