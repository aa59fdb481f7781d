//! Key scripts for a Chatwoot profile (issue 30): the form with every custom-attribute
//! type and labels, sent as Chatwoot stores them; the server's 422 on `phone_number`
//! under Phone; and the status bar saying there is no quota to show.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use crossterm::event::KeyCode;
use serde_json::json;
use support::tui::Harness;

/// The Chatwoot demo account's contact with this phone, as the sandbox stores it.
fn stored_with(h: &Harness, phone: &str) -> serde_json::Value {
    h.stored("chatwoot", "demo")
        .into_iter()
        .find(|c| c["phone_number"] == phone)
        .unwrap_or_else(|| panic!("no contact with {phone}"))
}

/// Ctrl-F "ana maría", and her contact opened for editing.
async fn open_ana(h: &mut Harness) {
    use rolo::tui::app::Mode;
    h.ctrl('f');
    h.typed("ana maría");
    h.until(|a| matches!(&a.mode, Mode::Find(f) if !f.searching()))
        .await;
    h.press(KeyCode::Enter);
    h.until(|a| a.current().editing.is_some()).await;
}

/// How many of the demo account's contacts hold `value` at `key`.
fn count_where(h: &Harness, key: &str, value: &str) -> usize {
    h.stored("chatwoot", "demo")
        .iter()
        .filter(|c| c[key] == value)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_attribute_type_and_labels_go_as_chatwoot_stores_them() {
    let mut h = Harness::new().await;
    h.switch_to("cw").await;
    // One name field for the whole name.
    h.typed("Ana Gómez");
    h.focus("Phone");
    h.typed("300 765 4321");
    h.focus("Company");
    h.typed("Ferretería Gómez");
    h.focus("Labels");
    h.paste("vip, soporte");
    assert_eq!(
        h.app().current().form.draft.list("labels"),
        ["vip", "soporte"]
    );
    h.focus("City");
    h.typed("Cali");
    // Every display type: list, date, number, currency, percent, link, checkbox, text
    // with a pattern.
    h.focus("Plan");
    h.pick("oro");
    h.focus("Fecha de cumpleaños");
    h.typed("1990-04-01");
    h.focus("Pedidos");
    h.typed("12");
    h.focus("Saldo");
    h.typed("1500.50");
    h.focus("Descuento");
    h.typed("15");
    h.focus("Tienda online");
    h.typed("tienda.example.co");
    h.focus("Acepta WhatsApp");
    h.pick("yes");
    h.focus("NIT");
    h.typed("12-34");
    // Checked as typed: a link without its scheme, a NIT off its pattern.
    let s = h.screen(120, 40);
    assert!(s.contains("✗ 2 problems"), "{s}");
    assert!(
        s.contains("Does not match the pattern ^[0-9]{6,12}$"),
        "{s}"
    );
    h.focus("Tienda online");
    h.press(KeyCode::Home);
    h.typed("https://");
    h.focus("NIT");
    for _ in 0..5 {
        h.press(KeyCode::Backspace);
    }
    h.typed("900123456");
    assert!(h.screen(120, 40).contains("✓ no problems"));
    h.submit().await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Created Ana Gómez"), "{s}");
    assert!(s.contains("no quota API"), "{s}");
    let c = stored_with(&h, "+573007654321");
    assert_eq!(c["name"], "Ana Gómez");
    assert_eq!(c["labels"], json!(["vip", "soporte"]));
    assert_eq!(
        c["additional_attributes"]["company_name"],
        "Ferretería Gómez"
    );
    assert_eq!(c["additional_attributes"]["city"], "Cali");
    assert_eq!(
        c["custom_attributes"],
        json!({
            "plan": "oro",
            "birthday": "1990-04-01",
            "orders": 12,
            "balance": 1500.5,
            "discount": 15,
            "store_url": "https://tienda.example.co",
            "whatsapp_opt_in": true,
            "tax_id": "900123456",
        })
    );
    // Its WhatsApp inbox, the profile's default.
    assert_eq!(c["contact_inboxes"][0]["inbox"]["id"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_422_on_phone_number_lands_under_phone_and_the_form_is_kept() {
    let mut h = Harness::new().await;
    h.switch_to("cw").await;
    h.typed("Rafa Gómez");
    h.focus("Phone");
    // The seeded Ana's number: the duplicate check finds her, and sending anyway gets
    // Chatwoot's uniqueness answer.
    h.typed("+573157771234");
    h.ctrl_s().await;
    let s = h.screen(120, 40);
    assert!(s.contains("Possible duplicate of Ana María Pérez"), "{s}");
    h.press(KeyCode::Enter);
    h.until(|a| a.submitting.is_none()).await;
    assert_eq!(
        h.app().current().form.focused().unwrap().key,
        "phone_number",
        "focus on the server's error"
    );
    let s = h.screen(120, 40);
    let phone = s.lines().position(|l| l.contains(" Phone ")).unwrap();
    assert!(
        s.lines()
            .nth(phone + 1)
            .unwrap()
            .contains("✗ Phone number has already been taken"),
        "{s}"
    );
    assert!(s.contains("Rafa Gómez"), "typed values are kept");
}

/// Find, then edit a Chatwoot contact: the change of a nested attribute is sent, and on a
/// narrow terminal the status bar keeps what matters (editing whom, the catalog) by
/// leaving out the words that tell nothing to act on ("chatwoot", "no quota API").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_edit_and_send_an_attribute_with_the_status_bar_when_narrow() {
    let mut h = Harness::new().await;
    h.switch_to("cw").await;
    open_ana(&mut h).await;
    let status_at = |h: &mut Harness, w: u16| {
        let s = h.screen(w, 24);
        s.lines().rev().nth(1).unwrap().to_owned()
    };
    let wide = status_at(&mut h, 80);
    assert!(
        wide.contains(
            "● cw chatwoot · editing Ana María Pérez (id 1) · no quota API · catalog fresh"
        ),
        "all of it where it fits: {wide}"
    );
    let narrow = status_at(&mut h, 70);
    assert!(
        narrow.contains("● cw · editing Ana María Pérez (id 1) · catalog fresh"),
        "{narrow}"
    );
    h.focus("City");
    for _ in 0.."Cali".len() {
        h.press(KeyCode::Backspace);
    }
    h.typed("Pasto");
    h.submit().await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Updated Ana María Pérez (id 1)"), "{s}");
    let c = stored_with(&h, "+573157771234");
    assert_eq!(c["additional_attributes"]["city"], "Pasto");
    assert_eq!(
        c["additional_attributes"]["company_name"],
        "Ferretería Pérez"
    );
}

/// The inbox is Chatwoot's to set when a contact is created, and an update never sends
/// it: while a contact is edited its row is locked and says so, instead of taking a
/// choice that would be dropped without a word. A new contact's inbox is still picked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_is_locked_while_a_contact_is_edited() {
    use rolo::tui::app::Mode;
    let mut h = Harness::new().await;
    h.switch_to("cw").await;
    h.focus("Inbox");
    h.press(KeyCode::Char(' '));
    assert!(
        matches!(h.app().mode, Mode::Picker(_)),
        "a new contact picks its inbox"
    );
    h.press(KeyCode::Esc);
    open_ana(&mut h).await;
    h.focus("Inbox");
    let before = h.app().current().form.draft.clone();
    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Char('2'));
    h.paste("2");
    assert!(matches!(h.app().mode, Mode::Form), "no picker opens");
    assert_eq!(h.app().current().form.draft, before, "nothing changed");
    // The inbox the contact was created in, read from its contact_inboxes.
    assert_eq!(h.app().current().form.value("inbox_id"), "1");
    let s = h.screen(120, 40);
    assert!(
        s.contains("Inbox  1 (set when created; an update keeps it)"),
        "{s}"
    );
    assert!(
        s.contains(
            "Inbox is chosen when a contact is created; Chatwoot does not change it afterwards."
        ),
        "{s}"
    );
    // The rest of the contact is edited as before.
    h.focus("City");
    h.typed("x");
    assert_ne!(h.app().current().form.draft, before);
}

/// Labels Chatwoot did not take after the create wait in the outbox, and the form lists
/// them there at once (the status bar counts them, F3 shows them), to be sent like any
/// waiting contact: they were on disk but unseen (and not retried) until F3's "send now".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_left_unset_are_listed_in_the_outbox_at_once_and_sent() {
    let mut h = Harness::new().await;
    h.switch_to("cw").await;
    h.typed("Luis Mora");
    h.focus("Phone");
    h.typed("+573112223344");
    h.focus("Labels");
    h.paste("vip");
    h.sb.add_fault(rolo::sandbox::FaultRule {
        path: "/chatwoot/api/v1/accounts/1/contacts/*".into(),
        method: Some("POST".into()),
        kind: rolo::sandbox::FaultKind::Status500,
        after: false,
        times: Some(1),
    });
    h.submit().await;
    h.until(|a| a.outbox.len() == 1).await;
    let item = &h.app().outbox[0];
    assert!(
        item.update.as_ref().is_some_and(|u| u.rest_of_create),
        "{item:?}"
    );
    let s = h.screen(120, 40);
    assert!(s.contains("outbox 1"), "{s}");
    h.sb.clear_faults();
    h.key(KeyCode::F(3), crossterm::event::KeyModifiers::NONE);
    h.press(KeyCode::Char('r'));
    h.until(|a| a.outbox.is_empty()).await;
    let c = stored_with(&h, "+573112223344");
    assert_eq!(c["labels"], json!(["vip"]));
    assert_eq!(count_where(&h, "phone_number", "+573112223344"), 1);
}

/// Chatwoot's contract lists no inboxes, so the picker holds only those rolo has seen;
/// an inbox id typed as the filter is offered all the same, and the contact is created
/// there (an email-only contact in the email inbox, 3). The form shows the id without
/// calling it missing from the catalog.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inbox_not_seen_yet_is_chosen_by_its_id() {
    use rolo::tui::app::Mode;
    let mut h = Harness::new().await;
    h.switch_to("cw").await;
    h.typed("Correo Solo");
    h.focus("Email");
    h.typed("correo.solo@example.co");
    h.focus("Inbox");
    h.press(KeyCode::Enter);
    assert!(matches!(h.app().mode, Mode::Picker(_)));
    h.typed("3");
    let s = h.screen(120, 40);
    assert!(s.contains("id 3 (as typed; not seen yet)"), "{s}");
    h.press(KeyCode::Enter);
    assert_eq!(h.app().current().form.value("inbox_id"), "3");
    let s = h.screen(120, 40);
    assert!(!s.contains("not in the catalog"), "{s}");
    h.submit().await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Created Correo Solo"), "{s}");
    let c = h
        .stored("chatwoot", "demo")
        .into_iter()
        .find(|c| c["email"] == "correo.solo@example.co")
        .unwrap();
    assert_eq!(c["contact_inboxes"][0]["inbox"]["id"], 3, "{c}");
}

/// A duplicate check that fails does not stop a send, and the line that says the
/// contact was created still says it was not checked first: the warning was replaced by
/// "✓ Created" before it could be read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_without_its_duplicate_check_says_so_beside_created() {
    let mut h = Harness::new().await;
    h.switch_to("cw").await;
    h.sb.add_fault(rolo::sandbox::FaultRule {
        path: "/chatwoot/api/v1/accounts/1/contacts/search".into(),
        method: Some("GET".into()),
        kind: rolo::sandbox::FaultKind::Status500,
        after: false,
        times: None,
    });
    h.ctrl('o');
    h.typed("Juan Preciado 320 111 0001 #soporte");
    h.press(KeyCode::Enter);
    h.until(|a| a.awaiting_check.is_none() && a.submitting.is_none())
        .await;
    h.sb.clear_faults();
    let s = h.screen(160, 40);
    assert!(s.contains("Created Juan Preciado"), "{s}");
    assert!(
        s.contains("Created Juan Preciado (id 4) in cw, not checked for duplicates first (Internal server error"),
        "{s}"
    );
    assert_eq!(count_where(&h, "name", "Juan Preciado"), 1);
}

/// A checkbox's picker finds yes by the words quick add and imports take for it ("sí",
/// "x", "true", "1") and no by "false" or "0": only "yes" and "no" were found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkbox_picker_takes_the_words_for_yes_and_no() {
    let mut h = Harness::new().await;
    h.switch_to("cw").await;
    for (typed, value) in [
        ("sí", "yes"),
        ("x", "yes"),
        ("true", "yes"),
        ("0", "no"),
        ("false", "no"),
    ] {
        h.focus("Acepta WhatsApp");
        h.pick(typed);
        assert_eq!(
            h.app().current().form.value("custom.whatsapp_opt_in"),
            value,
            "{typed}"
        );
    }
}

/// Quick add checks each attribute by its definition as it is typed, as the form does
/// on Enter: a date that is no date or a link without its scheme is flagged in the
/// preview, before the line is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_add_flags_an_attribute_its_definition_refuses() {
    let mut h = Harness::new().await;
    h.switch_to("cw").await;
    h.ctrl('o');
    h.typed("Ana Ruiz 310 000 2222 birthday:2026-02-30 plan:oro");
    let s = h.screen(120, 40);
    assert!(s.contains("⚠ Fecha de cumpleaños:"), "{s}");
    assert!(!s.contains("⚠ Plan:"), "{s}");
}
