//! Control characters are refused by validation in every field and from every face
//! (issue 14): `--set`, `--quick`, a CSV import and the form. Nothing reaches the CRM.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use support::tui::Harness;
use support::{World, code, show, stderr};

const REFUSED: &str = "Contains a control character U+";

#[test]
fn set_and_quick_refuse_escapes_and_send_nothing() {
    let w = World::cli();
    let before = w.stored("whatsmark", "demo").len();
    let out = w.rolo(&[
        "add",
        "--set",
        "firstname=Ana\u{1b}[2J",
        "--set",
        "lastname=Ruiz",
        "--set",
        "phone=98470 22211",
    ]);
    assert_eq!(code(&out), 2, "{}", show(&out));
    assert!(stderr(&out).contains(REFUSED), "{}", show(&out));
    assert!(stderr(&out).contains("U+001B (ESC"), "{}", show(&out));
    let out = w.rolo(&["add", "--quick", "Ana\u{7}Bel Ruiz 98470 22212"]);
    assert_ne!(code(&out), 0, "{}", show(&out));
    let out = w.rolo(&[
        "add",
        "--set",
        "firstname=Ana",
        "--set",
        "lastname=Ruiz\u{202E}zeuR",
        "--set",
        "phone=98470 22213",
    ]);
    assert_eq!(code(&out), 2, "{}", show(&out));
    assert!(stderr(&out).contains("bidi override"), "{}", show(&out));
    assert_eq!(
        w.stored("whatsmark", "demo").len(),
        before,
        "nothing was sent"
    );
}

#[test]
fn an_import_rejects_rows_with_control_characters() {
    let w = World::cli();
    let before = w.stored("whatsmark", "demo").len();
    let csv = w.write(
        "people.csv",
        "firstname,lastname,phone\nAna\u{1b}]0;x\u{7},Ruiz,98470 22214\n",
    );
    let out = w.rolo(&["import", csv.to_str().unwrap()]);
    assert_ne!(code(&out), 0, "{}", show(&out));
    let rejected = std::fs::read_to_string(w.path("people.csv.rejected.csv")).unwrap();
    assert!(rejected.contains(REFUSED), "{rejected}");
    assert_eq!(w.stored("whatsmark", "demo").len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_flags_a_pasted_escape() {
    let mut h = Harness::new().await;
    h.paste("Ana\u{1b}[31m");
    let s = h.screen(120, 40);
    assert!(s.contains(REFUSED), "{s}");
    h.ctrl('s');
    assert!(h.app().submitting.is_none(), "nothing is sent");
}
