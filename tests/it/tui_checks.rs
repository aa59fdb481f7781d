//! The duplicate check before a send (issue 15): it shows progress and Esc cancels it
//! (nothing is sent), and the same search is never sent twice when Ctrl-S follows the
//! check that leaving the phone began.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use crossterm::event::KeyCode;
use rolo::sandbox::{FaultKind, FaultRule};
use support::tui::Harness;

const CONTACTS: &str = "/whatsmark/api/v2/contacts";

/// Every search waits `ms` at the sandbox.
fn slow_searches(h: &Harness, ms: u64) {
    h.sb.add_fault(FaultRule {
        path: CONTACTS.into(),
        method: Some("GET".into()),
        kind: FaultKind::Delay { ms },
        after: false,
        times: None,
    });
}

fn searches(h: &Harness) -> usize {
    let log = h.sb.state().lock();
    log.requests
        .iter()
        .filter(|r| r.method == "GET" && r.uri.starts_with(CONTACTS) && r.uri.contains("search="))
        .count()
}

fn fill(h: &mut Harness, phone: &str) {
    h.type_fields(&["Meera", "Iyer", phone]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esc_cancels_a_slow_duplicate_check_and_nothing_is_sent() {
    let mut h = Harness::new().await;
    slow_searches(&h, 3000);
    fill(&mut h, "+919811122277");
    h.picks("Type", &["lead", "web", "nuevo"]);
    let before = h.stored("whatsmark", "demo").len();
    h.ctrl('s');
    let s = h.screen(120, 40);
    assert!(s.contains("Checking for duplicates…"), "{s}");
    assert!(s.contains("Esc cancels"), "progress and the way out:\n{s}");
    h.press(KeyCode::Esc);
    assert!(h.app().awaiting_check.is_none());
    assert!(
        h.screen(120, 40)
            .contains("Duplicate check cancelled: nothing was sent")
    );
    // The check's answer still comes (the harness feeds it in when it arrives); it must
    // not send.
    h.until(|a| a.current().checking.is_none()).await;
    assert!(h.app().submitting.is_none());
    assert_eq!(
        h.stored("whatsmark", "demo").len(),
        before,
        "nothing created"
    );
    assert_eq!(h.app().current().form.draft.get("firstname"), "Meera");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_s_during_the_check_begun_on_the_phone_waits_for_it() {
    let mut h = Harness::new().await;
    slow_searches(&h, 1500);
    fill(&mut h, "+919811122288");
    // Leaving the phone begins the check; Ctrl-S while it runs waits for that one.
    h.press(KeyCode::Tab);
    h.picks("Type", &["lead", "web", "nuevo"]);
    h.ctrl_s().await;
    h.until(|a| a.submitting.is_none()).await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Created Meera Iyer"), "{s}");
    assert_eq!(searches(&h), 1, "one search for the phone, not two");
}
