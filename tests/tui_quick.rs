//! Quick add and pasted vCards on the form, checked at the sandbox.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

mod support;

use crossterm::event::KeyCode;
use rolo::tui::app::Mode;
use support::tui::Harness;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/vcards/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_quick_line_and_enter_creates_the_contact() {
    let mut h = Harness::new().await;
    h.ctrl('o');
    h.typed("Ana María | Pérez Gómez +91 98470 55555 ana@acme.co #mumbai @interesado source:Website customer");
    let s = h.screen(120, 40);
    assert!(s.contains("Quick add"), "{s}");
    assert!(
        s.contains("Ana María") && s.contains("Pérez Gómez") && s.contains("+919847055555"),
        "the live preview:\n{s}"
    );
    h.press(KeyCode::Enter);
    h.until(|a| a.submitting.is_none() && a.awaiting_check.is_none())
        .await;
    h.until(|a| a.submitting.is_none()).await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Created Ana María Pérez Gómez"), "{s}");
    let rec = h.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(rec["firstname"], "Ana María");
    assert_eq!(rec["lastname"], "Pérez Gómez");
    assert_eq!(rec["phone"], "+919847055555");
    assert_eq!(rec["email"], "ana@acme.co");
    assert_eq!(rec["type"], "customer");
    assert_eq!(rec["source_id"], 110);
    assert_eq!(rec["status_id"], 283);
    assert_eq!(rec["group_id"], serde_json::json!([19]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flagged_words_stop_enter_and_nothing_typed_is_lost() {
    let mut h = Harness::new().await;
    h.ctrl('o');
    h.typed("Ravi Kumar +91 98470 66666 #atlantis @nuevo source:Website");
    h.press(KeyCode::Enter);
    assert!(
        matches!(h.app().mode, Mode::Quick(_)),
        "the line stays open"
    );
    let s = h.screen(120, 40);
    assert!(
        s.contains("⚠ #atlantis"),
        "the unknown group is flagged:\n{s}"
    );
    assert!(s.contains("flagged word"), "{s}");
    // Esc keeps the line; opening again brings it back.
    h.press(KeyCode::Esc);
    h.ctrl('o');
    assert!(
        h.screen(120, 40)
            .contains("› Ravi Kumar +91 98470 66666 #atlantis")
    );
    // Tab opens the full form prefilled.
    h.press(KeyCode::Tab);
    let d = &h.app().current().form.draft;
    assert_eq!(d.get("firstname"), "Ravi");
    assert_eq!(d.get("lastname"), "Kumar");
    assert_eq!(d.get("status_id"), "281");
    assert_eq!(
        d.get("type"),
        "lead",
        "defaults stay under what the line says"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_whatsapp_vcard_fills_the_form_for_review() {
    let mut h = Harness::new().await;
    h.paste(&fixture("whatsapp_30.vcf"));
    let d = h.app().current().form.draft.clone();
    assert_eq!(d.get("firstname"), "Carlos");
    assert_eq!(d.get("lastname"), "Rodríguez");
    assert_eq!(
        d.get("phone"),
        "+573188779043",
        "the WhatsApp number (waid) first"
    );
    assert_eq!(d.get("company"), "Repuestos Rodríguez");
    assert!(
        d.get("description").contains("+34612345678"),
        "the other phone goes to the notes"
    );
    assert!(h.screen(120, 40).contains("vCard on the form"));
    h.picks("Source", &["whats", "nuevo"]);
    h.submit().await;
    let rec = h.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(rec["firstname"], "Carlos");
    assert_eq!(rec["phone"], "+573188779043");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_pasted_cards_wait_their_turn() {
    let mut h = Harness::new().await;
    h.paste(&fixture("several.vcf"));
    let total = rolo::contact::vcard::parse(&fixture("several.vcf"))
        .unwrap()
        .len();
    assert!(h.screen(120, 40).contains(&format!("card 1 of {total}")));
    let first = h.app().current().form.draft.get("firstname").to_owned();
    h.picks("Source", &["web", "nuevo"]);
    if h.app().current().form.draft.get("phone").is_empty() {
        h.focus("Phone");
        h.typed("+919811100001");
    }
    if h.app().current().form.draft.get("lastname").is_empty() {
        h.focus("Last name");
        h.typed("X");
    }
    h.submit().await;
    h.until(|a| a.submitting.is_none()).await;
    if matches!(h.app().mode, Mode::Confirm(_)) {
        h.press(KeyCode::Enter);
        h.until(|a| a.submitting.is_none()).await;
    }
    let s = h.screen(120, 40);
    assert!(s.contains(&format!("card 2 of {total}")), "{s}");
    assert_ne!(
        h.app().current().form.draft.get("firstname"),
        first,
        "the next card is on the form"
    );
}

/// Issue 15: quick add never replaces a contact left unsent on the form; the agent sends
/// or clears it first (an explicit discard), and the quick line waits meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_add_never_replaces_an_unsent_form() {
    let mut h = Harness::new().await;
    h.typed("Lost");
    h.press(KeyCode::Tab);
    h.typed("One");
    h.ctrl('o');
    h.typed("Nadia Noor +91 98470 55556 source:Website");
    h.press(KeyCode::Enter);
    let s = h.screen(120, 40);
    assert!(
        s.contains("The form holds an unsent contact (Lost One)"),
        "{s}"
    );
    assert!(
        matches!(h.app().mode, Mode::Quick(_)),
        "the line stays open"
    );
    assert_eq!(h.app().current().form.draft.get("firstname"), "Lost");
    assert!(
        h.stored("whatsmark", "demo")
            .iter()
            .all(|c| c["firstname"] != "Nadia")
    );
    // Tab (to review in the form) is refused the same way.
    h.press(KeyCode::Tab);
    assert_eq!(h.app().current().form.draft.get("firstname"), "Lost");

    // An explicit clear, then the same line (kept) goes through.
    h.press(KeyCode::Esc);
    h.ctrl('x');
    h.press(KeyCode::Enter);
    h.ctrl('o');
    assert!(
        h.screen(120, 40).contains("Nadia Noor"),
        "the line was kept"
    );
    h.press(KeyCode::Tab);
    assert_eq!(h.app().current().form.draft.get("firstname"), "Nadia");
    assert_eq!(h.app().current().form.draft.get("lastname"), "Noor");
}
