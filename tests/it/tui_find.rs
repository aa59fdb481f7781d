//! Find, open and update on the form (key scripts over the sandbox): Ctrl-F finds by
//! phone, name and email in both CRMs; an opened WhatsMark contact is edited and only its
//! changes are sent (the sandbox holds exactly them); a cleared optional field is sent as
//! null, a cleared required one is refused before sending; the duplicate question's
//! update shows its diff; 404 offers to create it; a dropped update waits in the outbox
//! and is resent; a Wipsy contact is shown read-only.
#![allow(clippy::unwrap_used)]

use crate::support;

use crossterm::event::KeyCode;
use rolo::sandbox::FaultKind;
use rolo::tui::app::{Mode, Question};
use serde_json::{Value, json};
use support::tui::Harness;

/// The demo tenant's contact `id` as the sandbox holds it.
fn stored(h: &Harness, id: i64) -> Value {
    h.stored("whatsmark", "demo")
        .into_iter()
        .find(|c| c["id"] == json!(id))
        .unwrap()
}

/// Ctrl-F, `query`, and the matches' ids once the search answered.
async fn find(h: &mut Harness, query: &str) -> Vec<String> {
    h.ctrl('f');
    assert!(matches!(h.app().mode, Mode::Find(_)), "Ctrl-F opens find");
    h.typed(query);
    h.until(|a| matches!(&a.mode, Mode::Find(f) if !f.searching()))
        .await;
    found_ids(h)
}

/// The ids the open lookup shows.
fn found_ids(h: &Harness) -> Vec<String> {
    match &h.app().mode {
        Mode::Find(f) => f
            .found
            .as_ref()
            .unwrap()
            .iter()
            .map(|k| k.id.clone())
            .collect(),
        _ => unreachable!(),
    }
}

/// Finds `query`, opens the first match and waits until the form holds it.
async fn open(h: &mut Harness, query: &str) {
    let ids = find(h, query).await;
    assert!(!ids.is_empty(), "{query} finds a contact");
    h.press(KeyCode::Enter);
    h.until(|a| a.current().editing.is_some()).await;
}

/// How many PATCH requests the sandbox saw.
fn patches(h: &Harness) -> usize {
    h.sb.state()
        .lock()
        .requests
        .iter()
        .filter(|r| r.method == "PATCH")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_by_phone_name_and_email_in_both_crms() {
    let mut h = Harness::new().await;
    assert_eq!(find(&mut h, "95874 22363").await, ["1001"]);
    h.press(KeyCode::Esc);
    assert!(matches!(h.app().mode, Mode::Form));
    assert_eq!(find(&mut h, "gómez maría").await, ["1002"]);
    h.press(KeyCode::Esc);
    assert_eq!(find(&mut h, "priya.r@").await, ["1001"]);
    let screen = h.screen(120, 40);
    assert!(screen.contains("Find a contact"), "{screen}");
    assert!(screen.contains("Priya Raghunathan"), "{screen}");
    assert!(screen.contains("+919587422363"), "{screen}");
    assert!(screen.contains("id 1001"), "{screen}");
    // On a narrow terminal the id and the date keep their room; name and email are cut.
    let narrow = h.screen(80, 24);
    assert!(narrow.contains("id 1001"), "{narrow}");
    assert!(narrow.contains("Priya Raghunathan"), "{narrow}");
    let _ = h.screen(120, 40);
    // Typing on narrows it: the newest search's answer is the one shown.
    h.press(KeyCode::Backspace);
    h.typed("zzz");
    h.until(|a| matches!(&a.mode, Mode::Find(f) if !f.searching()))
        .await;
    let screen = h.screen(120, 40);
    assert!(screen.contains("0 matches"), "{screen}");
    h.press(KeyCode::Esc);

    // Wipsy: its last 500, filtered here, and it says so.
    h.switch_to("wdemo").await;
    assert_eq!(find(&mut h, "nuñez").await.len(), 1);
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("Wipsy's API cannot search: only its 3 most recent contacts"),
        "{screen}"
    );
    assert!(screen.contains("José Núñez Peña"), "{screen}");
    h.press(KeyCode::Esc);
    assert_eq!(find(&mut h, "+57 318 877").await.len(), 1);
    h.press(KeyCode::Esc);
    assert_eq!(find(&mut h, "jose.nunez@").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_opened_contact_is_edited_and_only_its_changes_are_sent() {
    let mut h = Harness::new().await;
    // A new contact in progress waits while another is edited.
    h.typed("Lucía");
    let before = stored(&h, 1001);
    open(&mut h, "Priya").await;
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("editing Priya Raghunathan (id 1001)"),
        "the frame says so: {screen}"
    );
    assert_eq!(h.app().current().form.draft.get("city"), "Rajkot");
    // Two fields and the groups.
    h.focus("Company");
    h.ctrl('u');
    h.typed("Acme Textiles");
    h.focus("City");
    h.ctrl('u');
    h.typed("Chennai");
    h.focus("Groups");
    h.press(KeyCode::Enter);
    h.typed("Delhi");
    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Enter);
    h.ctrl('s');
    h.until(|a| a.submitting.is_none() && a.current().editing.is_none())
        .await;
    let status = h.app().status.clone().unwrap().1;
    assert!(
        status.contains("Updated Priya Raghunathan (id 1001)"),
        "{status}"
    );
    let after = stored(&h, 1001);
    for (k, v) in after.as_object().unwrap() {
        let want = match k.as_str() {
            "company" => json!("Acme Textiles"),
            "city" => json!("Chennai"),
            "group_id" => json!([12, 19, 20]),
            "updated_at" | "groups" => continue,
            _ => before[k].clone(),
        };
        assert_eq!(v, &want, "{k}: only what was changed");
    }
    // The new contact is back; the history has an "updated" entry.
    assert_eq!(h.app().current().form.draft.get("firstname"), "Lucía");
    let history = std::fs::read_to_string(h.data_dir().join("history.jsonl")).unwrap();
    assert!(history.contains("\"action\":\"updated\""), "{history}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cleared_optional_field_is_null_and_a_required_one_is_refused_first() {
    let mut h = Harness::new().await;
    open(&mut h, "95874 22363").await;
    h.focus("Last name");
    h.ctrl('u');
    h.ctrl('s');
    assert_eq!(patches(&h), 0, "refused before sending");
    assert!(h.app().submitting.is_none());
    let screen = h.screen(120, 40);
    assert!(screen.contains("an update cannot clear it"), "{screen}");
    assert!(
        h.app()
            .status
            .as_ref()
            .unwrap()
            .1
            .contains("Last name cannot be cleared"),
        "{:?}",
        h.app().status
    );
    h.ctrl('z');
    h.focus("Email");
    h.ctrl('u');
    h.ctrl('s');
    h.until(|a| a.submitting.is_none() && a.current().editing.is_none())
        .await;
    assert_eq!(stored(&h, 1001)["email"], Value::Null);
    assert_eq!(stored(&h, 1001)["lastname"], "Raghunathan");
    assert_eq!(patches(&h), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_duplicate_question_offers_the_update_with_its_diff() {
    let mut h = Harness::new().await;
    let count = h.stored("whatsmark", "demo").len();
    h.type_fields(&["Priya", "Raghunathan", "95874 22363", "priya@newmail.in"]);
    h.picks("Source", &["web", "nuevo"]);
    h.ctrl_s().await;
    let Mode::Confirm(Question::Duplicate { update, .. }) = &h.app().mode else {
        panic!("the duplicate question: {:?}", h.app().mode);
    };
    assert_eq!(
        update.as_ref().map(|u| u.0.as_str()),
        Some("1001"),
        "it offers the update"
    );
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("Update Priya Raghunathan (id 1001) with what you typed"),
        "{screen}"
    );
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    h.until(|a| matches!(a.mode, Mode::Confirm(Question::Update(_))))
        .await;
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("Email: priya.r@example.in → priya@newmail.in"),
        "the diff: {screen}"
    );
    assert!(
        !screen.contains("Company:"),
        "only what was typed: {screen}"
    );
    h.press(KeyCode::Enter);
    h.until(|a| a.submitting.is_none() && matches!(a.mode, Mode::Form))
        .await;
    let c = stored(&h, 1001);
    assert_eq!(c["email"], "priya@newmail.in");
    assert_eq!(c["city"], "Rajkot", "fields typed empty never clear");
    assert_eq!(c["type"], "customer", "a default never overwrites");
    assert_eq!(h.stored("whatsmark", "demo").len(), count, "no new contact");
    assert_eq!(h.app().current().form.draft.get("firstname"), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_gone_from_the_server_is_offered_as_a_new_one() {
    let mut h = Harness::new().await;
    open(&mut h, "João").await;
    h.sb.add_fault(support::sandbox::once_on("PATCH", "/whatsmark/api/v2/contacts/1003", FaultKind::Answer {
            status: 404,
            body: json!({ "success": false, "error": { "code": "NOT_FOUND", "message": "Contact not found." } }),
        }, false));
    h.focus("City");
    h.typed("Recife");
    h.ctrl('s');
    h.until(|a| matches!(a.mode, Mode::Confirm(Question::Recreate(_))))
        .await;
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("João Conceição (id 1003) is not on the server any more"),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_update_waits_in_the_outbox_and_is_resent_once() {
    let mut h = Harness::new().await;
    open(&mut h, "Priya").await;
    h.sb.add_fault(support::sandbox::once_on(
        "PATCH",
        "/whatsmark/api/v2/contacts/1001",
        FaultKind::Drop,
        true,
    ));
    h.focus("City");
    h.ctrl('u');
    h.typed("Pune");
    h.ctrl('s');
    h.until(|a| a.submitting.is_none()).await;
    assert_eq!(h.app().outbox.len(), 1);
    assert!(h.app().outbox[0].update.is_some(), "kept as an update");
    assert!(h.app().current().editing.is_none());
    let status = h.app().status.clone().unwrap().1;
    assert!(status.contains("waits in the outbox"), "{status}");
    h.press(KeyCode::F(3));
    let screen = h.screen(120, 40);
    assert!(screen.contains("update of id 1001"), "{screen}");
    h.press(KeyCode::Char('r'));
    h.until(|a| a.outbox.is_empty()).await;
    assert_eq!(stored(&h, 1001)["city"], "Pune");
    // The server had stored it before the connection dropped (a dropped request is not
    // in the sandbox's log): the resend reads the contact first, finds the new city
    // there, and sends nothing again.
    assert_eq!(patches(&h), 0);
    let history = std::fs::read_to_string(h.data_dir().join("history.jsonl")).unwrap();
    assert_eq!(history.matches("\"updated\"").count(), 1, "{history}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wipsy_contact_is_shown_read_only_with_its_id() {
    let mut h = Harness::new().await;
    h.switch_to("wdemo").await;
    open(&mut h, "nuñez").await;
    let editing = h.app().current().editing.clone().unwrap();
    assert!(editing.read_only);
    let screen = h.screen(120, 40);
    assert!(screen.contains("viewing José Núñez Peña"), "{screen}");
    assert!(
        screen.contains("Wipsy's API cannot update contacts: change it in the Wipsy panel"),
        "{screen}"
    );
    assert!(
        screen.contains(&editing.id),
        "its id is on screen: {screen}"
    );
    let draft = h.app().current().form.draft.clone();
    h.typed("x");
    h.ctrl('s');
    assert_eq!(h.app().current().form.draft, draft, "nothing changes");
    assert_eq!(patches(&h), 0);
    h.ctrl('x');
    assert!(h.app().current().editing.is_none(), "Ctrl-X closes it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esc_calls_an_update_off_and_says_it_is_safe_to_send_again() {
    let mut h = Harness::new().await;
    open(&mut h, "Priya").await;
    h.sb.add_fault(support::sandbox::once_on(
        "PATCH",
        "/whatsmark/api/v2/contacts/1001",
        FaultKind::Delay { ms: 10_000 },
        false,
    ));
    h.focus("City");
    h.typed("x");
    h.ctrl('s');
    assert!(h.app().submitting.as_ref().is_some_and(|s| s.update));
    let screen = h.screen(120, 40);
    assert!(screen.contains("Updating…"), "{screen}");
    h.press(KeyCode::Esc);
    assert!(h.app().submitting.is_none());
    let status = h.app().status.clone().unwrap().1;
    assert!(status.contains("Update cancelled"), "{status}");
    assert!(h.app().current().editing.is_some(), "still editing it");
    assert_eq!(
        h.app().current().form.attempt,
        rolo::engine::submit::Attempt::First,
        "an update never makes the next create look first"
    );
}

/// Review of issue 29: quick add, a pasted vCard and "repeat last" make a new contact;
/// while one the CRM has is edited they are refused, never laid over it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_add_and_a_vcard_never_land_on_an_opened_contact() {
    let mut h = Harness::new().await;
    open(&mut h, "Priya").await;
    let opened = h.app().current().form.draft.clone();
    h.ctrl('o');
    assert!(
        matches!(h.app().mode, Mode::Form),
        "quick add does not open"
    );
    let status = h.app().status.clone().unwrap().1;
    assert!(
        status.contains("Quick add is for a new contact"),
        "{status}"
    );
    h.paste("BEGIN:VCARD\nVERSION:3.0\nFN:Otro Nombre\nTEL:+573001112233\nEND:VCARD\n");
    h.ctrl('l');
    assert_eq!(h.app().current().form.draft, opened, "nothing changed");
    assert_eq!(patches(&h), 0);
}

/// Review of issue 29: Ctrl-F while a send is out waits; the contact sent is not mixed
/// with one opened meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_waits_while_a_send_is_out() {
    let mut h = Harness::new().await;
    h.sb.add_fault(support::sandbox::once_on(
        "POST",
        "/whatsmark/api/v2/contacts",
        FaultKind::Delay { ms: 10_000 },
        false,
    ));
    h.type_fields(&["Nueva", "Persona", "98470 11223"]);
    h.picks("Source", &["web", "nuevo"]);
    h.ctrl_s().await;
    assert!(h.app().submitting.is_some());
    h.ctrl('f');
    assert!(matches!(h.app().mode, Mode::Form), "find does not open");
    let status = h.app().status.clone().unwrap().1;
    assert!(status.contains("Find waits: a send is out"), "{status}");
}

/// Typing on in the lookup asks the server a term only once while it is fresh: "ana p"
/// and then "ana " (a letter taken back) both search the server for "ana", and the
/// second is answered from the first listing, so the rate limit the creates share is not
/// spent on it. A create through the profile forgets the listing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_server_term_is_asked_once_while_typing() {
    let mut h = Harness::new().await;
    let searches = |h: &Harness| {
        h.sb.state()
            .lock()
            .requests
            .iter()
            .filter(|r| r.method == "GET" && r.uri.contains("search=ana"))
            .count()
    };
    let first = find(&mut h, "ana p").await;
    assert_eq!(searches(&h), 1);
    h.press(KeyCode::Backspace);
    h.until(|a| matches!(&a.mode, Mode::Find(f) if !f.searching()))
        .await;
    h.press(KeyCode::Char('p'));
    h.until(|a| matches!(&a.mode, Mode::Find(f) if !f.searching()))
        .await;
    assert_eq!(found_ids(&h), first);
    assert_eq!(searches(&h), 1, "answered from the first listing");
    h.press(KeyCode::Esc);
    // A create forgets it: the next lookup asks the server.
    h.typed("Ana");
    h.focus("Last name");
    h.typed("Probe");
    h.focus("Phone");
    h.typed("+91 98470 77777");
    h.picks("Source", &["Website"]);
    h.picks("Status", &["Nuevo"]);
    h.submit().await;
    let s = h.screen(120, 40);
    assert!(s.contains("Created Ana Probe"), "{s}");
    let ids = find(&mut h, "ana p").await;
    assert_eq!(searches(&h), 2);
    assert_eq!(ids.len(), first.len() + 1, "{ids:?}");
}
