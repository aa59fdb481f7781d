//! The outbox on the form: a failure that may pass is kept (Enter = yes), counted on the
//! status bar, listed with F3, and resent on its own — exactly once.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

mod support;

use crossterm::event::KeyCode;
use rolo::sandbox::{FaultKind, FaultRule};
use rolo::tui::app::Mode;
use rolo::tui::message::Message;
use support::tui::Harness;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_submit_waits_in_the_outbox_and_goes_once() {
    let mut h = Harness::new().await;
    h.sb.add_fault(FaultRule {
        path: "/whatsmark/api/v2/contacts".into(),
        method: Some("POST".into()),
        kind: FaultKind::Drop,
        after: true,
        times: Some(1),
    });
    h.type_fields(&["Kavya", "Menon", "+919833300011"]);
    h.picks("Source", &["web", "nuevo"]);
    h.submit().await;
    let s = h.screen(120, 40);
    assert!(s.contains("Keep it in the outbox"), "{s}");
    // Issue 15: the connection dropped after the server stored it; the question must not
    // say "Not created" while the status line says it may have been.
    assert!(
        s.contains("may or may not have been created") && !s.contains("Not created"),
        "{s}"
    );
    h.press(KeyCode::Enter);
    assert!(matches!(h.app().mode, Mode::Form));
    assert_eq!(h.app().outbox.len(), 1);
    assert_eq!(
        h.app().current().form.draft.get("firstname"),
        "",
        "the form is ready for the next one"
    );
    let s = h.screen(120, 40);
    assert!(s.contains("outbox 1"), "the status bar counts it:\n{s}");
    h.key(KeyCode::F(3), crossterm::event::KeyModifiers::NONE);
    assert!(h.screen(120, 40).contains("Kavya Menon"), "F3 lists it");
    h.press(KeyCode::Esc);
    // The dropped connection happened after the server stored it: the resend finds it.
    h.send(Message::Tick);
    h.until(|a| a.outbox.is_empty()).await;
    let copies = h
        .stored("whatsmark", "demo")
        .iter()
        .filter(|c| c["phone"] == "+919833300011")
        .count();
    assert_eq!(copies, 1, "created exactly once");
    assert!(h.screen(120, 40).contains("already on the server"));
}
