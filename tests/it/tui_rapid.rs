//! Rapid entry on the form: duplicate warnings, kept (sticky) fields, repeat last.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use crossterm::event::KeyCode;
use support::tui::Harness;

/// A WhatsMark contact with the CRM fields set; the phone is the caller's.
fn fill(h: &mut Harness, first: &str, phone: &str) {
    h.type_fields(&[first, "Iyer", phone]);
    h.picks("Source", &["face", "interes", "mumbai"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_a_known_phone_shows_the_duplicate_beside_it() {
    let mut h = Harness::new().await;
    h.type_fields(&["Otra", "Persona", "+91 95874 22363"]);
    h.press(KeyCode::Tab);
    h.until(|a| a.current().checked_for.is_some()).await;
    let s = h.screen(120, 40);
    let phone = s.lines().position(|l| l.contains("Phone *")).unwrap();
    let next = s.lines().nth(phone + 1).unwrap();
    assert!(
        next.contains("⚠ Possible duplicate: Priya Raghunathan (id 1001, created"),
        "{s}"
    );
    // A different number clears the warning.
    h.focus("Phone");
    h.press(KeyCode::Backspace);
    h.typed("9");
    assert!(!h.screen(120, 40).contains("Possible duplicate"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_fields_survive_a_submit_and_repeat_last_fills_the_crm_fields() {
    let mut h = Harness::new().await;
    fill(&mut h, "Meera", "+919822200011");
    h.focus("Source");
    h.ctrl('k');
    assert!(
        h.screen(120, 40).contains("⟲ Source *"),
        "the form shows the field is kept"
    );
    h.submit().await;
    assert!(h.screen(120, 40).contains("✓ Created Meera Iyer"));
    // F4 lists what was created.
    h.key(KeyCode::F(4), crossterm::event::KeyModifiers::NONE);
    let s = h.screen(120, 40);
    assert!(
        s.contains("Created recently") && s.contains("Meera Iyer") && s.contains("+919822200011"),
        "{s}"
    );
    h.press(KeyCode::Esc);
    let d = &h.app().current().form.draft;
    assert_eq!(d.get("source_id"), "112", "the kept source stays");
    assert_eq!(d.get("status_id"), "", "the rest is cleared");
    assert_eq!(d.get("type"), "lead", "defaults come back");
    // Ctrl-L repeats the CRM fields of the last contact.
    h.ctrl('l');
    let d = &h.app().current().form.draft;
    assert_eq!(d.get("status_id"), "283");
    assert_eq!(d.list("groups"), ["19"]);
    assert_eq!(d.get("firstname"), "", "only CRM fields are repeated");
}

/// Issue 15: Ctrl-L repeats Wipsy's custom fields too, not only the stage and tags.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeat_last_repeats_wipsy_custom_fields() {
    let mut h = Harness::new().await;
    h.switch_to("wipsy").await;
    h.typed("Iñaki");
    h.focus("Phone");
    h.typed("301 555 0188");
    h.picks("Pipeline stage", &["won", "prio"]);
    h.focus("Notes code");
    h.typed("A-7");
    h.submit().await;
    assert!(h.screen(120, 40).contains("✓ Created Iñaki"));
    let id = h.custom_id("Notes code");
    assert!(!h.app().current().form.draft.custom.contains_key(&id));
    h.ctrl('l');
    let d = &h.app().current().form.draft;
    assert_eq!(d.custom.get(&id).map(String::as_str), Some("A-7"));
    assert!(h.screen(120, 40).contains("CRM and custom fields repeated"));
}

/// Issue 25 (10), decided: Ctrl-X clears the contact but not the kept fields (they are
/// kept for every next contact until Ctrl-K on them again), and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clearing_the_form_keeps_the_kept_fields_and_says_so() {
    let mut h = Harness::new().await;
    fill(&mut h, "Meera", "+919822200012");
    h.focus("Source");
    h.ctrl('k');
    h.ctrl('x');
    h.press(KeyCode::Enter);
    let d = &h.app().current().form.draft;
    assert_eq!(d.get("firstname"), "", "the contact is cleared");
    assert_eq!(d.get("status_id"), "");
    assert_eq!(d.get("source_id"), "112", "the kept source stays");
    let s = h.screen(120, 40);
    assert!(
        s.contains("Form cleared; 1 kept field stays (Ctrl-K on a field stops keeping it)"),
        "{s}"
    );
}

/// Issue 25 (10): after Ctrl-T the form lands on the first required field still empty,
/// not wherever that draft's focus was left, so typing goes where it is needed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_profiles_lands_on_the_first_empty_required_field() {
    let mut h = Harness::new().await;
    h.typed("Ana");
    h.focus("Email");
    h.switch_to("wipsy").await;
    h.switch_to("wm").await;
    let focused = h.app().current().form.focused().unwrap().label.clone();
    assert_eq!(focused, "Last name");
}

/// Issue 25 (10): at 50x15 the line that says what lies below is whole, the required
/// count included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_more_below_line_fits_a_narrow_terminal() {
    let mut h = Harness::new().await;
    let s = h.screen(50, 15);
    let line = s
        .lines()
        .find(|l| l.contains("more fields below"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(line.contains("required"), "{s}");
}

/// A send asked for while the profile just switched to is still connecting (its key
/// being read) is made once it is connected, duplicate check first; it was refused with
/// "still connecting; try again in a moment", and a fast agent's quick add stayed unsent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_while_connecting_goes_once_connected() {
    let mut h = Harness::new().await;
    // Still connecting when Ctrl-S comes.
    switch_now(&mut h, "wipsy");
    let before = h.stored("wipsy", "loadtest").len();
    h.type_fields(&["Iñaki", "Etxeberria", "+57 300 765 4399"]);
    h.ctrl('s');
    let s = h.screen(120, 40);
    assert!(
        s.contains("the contact goes as soon as it is connected"),
        "{s}"
    );
    assert!(!s.contains("Cannot send"), "{s}");
    h.until(|a| {
        a.submitting.is_none()
            && a.awaiting_check.is_none()
            && a.current().session.is_some()
            && a.created.is_some()
    })
    .await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Created Iñaki Etxeberria"), "{s}");
    let stored = h.stored("wipsy", "loadtest");
    assert_eq!(stored.len(), before + 1, "created once");
    assert_eq!(stored.last().unwrap()["phone"], "+573007654399");
    assert!(h.app().after_session.is_none());
}

/// Switches to `name` without waiting for it to connect (the harness feeds no task
/// result in until asked).
fn switch_now(h: &mut Harness, name: &str) {
    h.ctrl('t');
    h.typed(name);
    h.press(KeyCode::Enter);
    assert!(h.app().current().session.is_none(), "still connecting");
}

/// The waiting send is for the contact as it was: Esc, or an edit, calls it off and the
/// form stays as it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_send_is_called_off_by_esc_or_an_edit() {
    let mut h = Harness::new().await;
    switch_now(&mut h, "wipsy");
    let before = h.stored("wipsy", "loadtest").len();
    h.type_fields(&["Iñaki", "Etxeberria", "+57 300 765 4388"]);
    h.ctrl('s');
    assert!(
        h.app().after_session.is_some(),
        "waiting for the connection"
    );
    h.press(KeyCode::Esc);
    let s = h.screen(120, 40);
    assert!(s.contains("Send called off: nothing was sent"), "{s}");
    assert!(h.app().after_session.is_none());
    // Asked again, then the form changes: called off too.
    h.ctrl('s');
    assert!(h.app().after_session.is_some(), "waiting again");
    h.typed("x");
    let s = h.screen(120, 40);
    assert!(
        s.contains("Send called off: the form changed while connecting"),
        "{s}"
    );
    h.until(|a| a.current().session.is_some()).await;
    assert!(h.app().submitting.is_none() && h.app().awaiting_check.is_none());
    assert!(h.app().created.is_none(), "nothing created");
    assert_eq!(h.stored("wipsy", "loadtest").len(), before, "nothing sent");
    assert_eq!(
        h.app().current().form.draft.get("phone"),
        "+57 300 765 4388x"
    );
}
