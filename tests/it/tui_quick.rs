//! Quick add and pasted vCards on the form, checked at the sandbox.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

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

/// Enter on the quick-add line, then the duplicate check and the send run to their end.
async fn enter_and_send(h: &mut Harness) {
    h.press(KeyCode::Enter);
    h.until(|a| a.submitting.is_none() && a.awaiting_check.is_none())
        .await;
    h.until(|a| a.submitting.is_none()).await;
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
    enter_and_send(&mut h).await;
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
    // Esc keeps the line; a fresh Ctrl-O starts empty (issue 25) and Up brings it back.
    h.press(KeyCode::Esc);
    h.ctrl('o');
    let s = h.screen(120, 40);
    assert!(
        s.contains("↑ brings back the line you left: Ravi Kumar +91 98470 66666 #atlantis"),
        "{s}"
    );
    h.press(KeyCode::Up);
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
    h.press(KeyCode::Up);
    h.press(KeyCode::Tab);
    assert_eq!(h.app().current().form.draft.get("firstname"), "Nadia");
    assert_eq!(h.app().current().form.draft.get("lastname"), "Noor");
}

/// Issue 15: quick add takes unique starts and letters in order of a catalog name
/// (`#mumb`, `@nue`, `source:web`), says so in the preview, and Tab puts a typo's
/// suggestion in the line; with no suggestion left, Tab opens the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starts_of_names_resolve_and_tab_takes_a_suggestion() {
    let mut h = Harness::new().await;
    h.ctrl('o');
    h.typed("Meera Iyer +91 98470 44444 #mumb @nue source:web #m");
    let s = h.screen(120, 40);
    assert!(
        s.contains("Mumbai") && s.contains("Nuevo") && s.contains("Website"),
        "the preview names what the starts picked:\n{s}"
    );
    assert!(
        s.contains("⚠ #m: \"m\" fits several: Mayoristas, Medellín, Mumbai"),
        "an ambiguous start asks for more:\n{s}"
    );
    for _ in 0..2 {
        h.press(KeyCode::Backspace);
    }
    h.typed("#soporte prio #bfriday #mumbay");
    let s = h.screen(120, 40);
    assert!(
        s.contains("⚠ #mumbay: No group named \"mumbay\" — did you mean Mumbai? Tab puts it"),
        "{s}"
    );
    assert!(
        s.contains("Tab puts #Mumbai"),
        "the popup's keys say it:\n{s}"
    );
    h.press(KeyCode::Tab);
    let Mode::Quick(q) = &h.app().mode else {
        panic!("Tab with a suggestion keeps the line open")
    };
    assert!(q.text.ends_with("#bfriday #Mumbai"), "{}", q.text);
    assert!(q.parsed.notes.is_empty(), "{:?}", q.parsed.notes);
    h.typed(" customer");
    h.press(KeyCode::Enter);
    h.until(|a| a.submitting.is_none() && a.awaiting_check.is_none())
        .await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Created Meera Iyer"), "{s}");
    let rec = h.stored("whatsmark", "demo").last().unwrap().clone();
    let groups = |name: &str| {
        let c = &h.app().current().catalog;
        c.groups.iter().find(|g| g.name == name).unwrap().id.clone()
    };
    let want: Vec<serde_json::Value> = ["Mumbai", "Soporte prioritario", "Black Friday 2026"]
        .iter()
        .map(|n| serde_json::json!(groups(n).parse::<i64>().unwrap()))
        .collect();
    let mut got = rec["group_id"].as_array().unwrap().clone();
    got.sort_by_key(serde_json::Value::as_i64);
    let mut want = want;
    want.sort_by_key(serde_json::Value::as_i64);
    assert_eq!(got, want);
    assert_eq!(rec["source_id"], 110);
    assert_eq!(rec["type"], "customer");

    // No suggestion: Tab opens the form, as before.
    h.ctrl('o');
    h.typed("Omar #atlantis");
    h.press(KeyCode::Tab);
    assert!(matches!(h.app().mode, Mode::Form), "{:?}", h.app().mode);
}

/// Issue 15: one typical WhatsMark contact (name, phone, type, source, status, one group)
/// costs fewer keystrokes by quick add than by the form, typing the same words for the
/// picked fields in both, and both store the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_add_takes_fewer_keys_than_the_form() {
    let mut h = Harness::new().await;
    // By the form: Tab between fields; typing on a picked field opens its picker with
    // that letter, Enter picks the highlighted entry and moves on.
    let start = h.keys;
    h.type_fields(&["Rahul", "Verma", "+91 98470 12345"]);
    h.focus("Type");
    for filter in ["cust", "face", "inte", "mumb"] {
        h.typed(filter);
        assert!(
            matches!(h.app().mode, Mode::Picker(_)),
            "typing opened the picker"
        );
        h.press(KeyCode::Enter);
    }
    h.ctrl('s');
    let by_form = h.keys - start;
    h.until(|a| a.submitting.is_none() && a.awaiting_check.is_none())
        .await;
    assert!(h.screen(120, 40).contains("✓ Created Rahul Verma"));
    let form = h.stored("whatsmark", "demo").last().unwrap().clone();

    // By quick add: the same words after the phone.
    let start = h.keys;
    h.ctrl('o');
    h.typed("Rahul Verma +91 98470 12346 cust face inte mumb");
    h.press(KeyCode::Enter);
    let by_quick = h.keys - start;
    h.until(|a| a.submitting.is_none() && a.awaiting_check.is_none())
        .await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Created Rahul Verma"), "{s}");
    let quick = h.stored("whatsmark", "demo").last().unwrap().clone();
    for key in [
        "firstname",
        "lastname",
        "type",
        "source_id",
        "status_id",
        "group_id",
    ] {
        assert_eq!(form[key], quick[key], "{key}");
    }
    assert_eq!(quick["type"], "customer");

    // By the form with Ctrl-L: the CRM fields repeated from the last contact.
    let start = h.keys;
    h.type_fields(&["Rahul", "Verma", "+91 98470 12347"]);
    h.ctrl('l');
    h.ctrl('s');
    let by_repeat = h.keys - start;
    h.until(|a| a.submitting.is_none() && a.awaiting_check.is_none())
        .await;
    let repeated = h.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(repeated["phone"], "+919847012347");
    for key in ["type", "source_id", "status_id", "group_id"] {
        assert_eq!(form[key], repeated[key], "{key}");
    }
    eprintln!("keystrokes: form {by_form}, form + Ctrl-L {by_repeat}, quick add {by_quick}");
    assert!(
        by_quick < by_form,
        "quick add {by_quick} keys, the form {by_form}"
    );
    assert!(
        by_repeat < by_form,
        "Ctrl-L {by_repeat} keys, the form {by_form}"
    );
}

/// Which words of a quick-add line are the phone depends on the numbering plans: Enter
/// before the phone database is loaded keeps the line open, then creates once it is in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_before_the_phone_database_is_loaded_creates_once_it_is() {
    let mut h = Harness::new().await;
    h.before_phones_load();
    h.ctrl('o');
    h.typed("Lata Rao 98470 94024 @interesado source:Website");
    h.press(KeyCode::Enter);
    assert!(matches!(h.app().mode, rolo::tui::app::Mode::Quick(_)));
    assert!(h.screen(120, 40).contains("Checking the phone number…"));
    h.send(rolo::tui::message::Message::PhonesLoaded);
    h.until(|a| a.submitting.is_none() && a.awaiting_check.is_none())
        .await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Created Lata Rao"), "{s}");
    let rec = h.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(rec["phone"], "+919847094024");
}

/// Issue 25 (1): quick add builds on the kept fields (Ctrl-K), not on the profile's
/// defaults alone, and a word that changes a kept field says so in the preview.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_add_keeps_the_kept_fields_and_says_when_a_word_changes_one() {
    let mut h = Harness::new().await;
    h.picks("Source", &["face"]);
    h.focus("Source");
    h.ctrl('k');
    assert_eq!(h.app().current().form.draft.get("source_id"), "112");
    h.ctrl('o');
    h.typed("Sticky Dos 98470 94021 @interesado");
    let s = h.screen(120, 40);
    assert!(
        s.contains("Facebook Ads (kept)"),
        "the preview shows it:\n{s}"
    );
    enter_and_send(&mut h).await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Created Sticky Dos"), "{s}");
    let rec = h.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(rec["source_id"], 112, "the kept source, not the default");
    assert_eq!(
        h.app().current().form.draft.get("source_id"),
        "112",
        "still kept"
    );
    // A word naming the kept field wins for this contact, says so, and stays kept.
    h.ctrl('o');
    h.typed("Sticky Tres 98470 94022 @interesado source:Website");
    let s = h.screen(120, 40);
    assert!(
        s.contains("Source is kept as Facebook Ads: this line makes it Website"),
        "{s}"
    );
    enter_and_send(&mut h).await;
    let rec = h.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(rec["firstname"], "Sticky");
    assert_eq!(rec["source_id"], 110);
    assert_eq!(h.app().current().form.draft.get("source_id"), "110");
}

/// Issue 25 (10): the empty quick-add line names this flavour's marks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quick_add_placeholder_names_the_flavours_marks() {
    let mut h = Harness::new().await;
    h.ctrl('o');
    let s = h.screen(120, 40);
    assert!(s.contains("#groups, @status"), "{s}");
    h.press(KeyCode::Esc);
    h.switch_to("wipsy").await;
    h.ctrl('o');
    let s = h.screen(120, 40);
    assert!(s.contains("#tags, @stage"), "{s}");
}

/// Issue 25 (2): after the name and the phone, a word that fits several lists is flagged
/// with its candidates (Tab puts one, Tab again the next) and never joins the last name;
/// a short word that fits nothing for sure is flagged too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ambiguous_word_is_flagged_with_its_candidates_and_tab_cycles_them() {
    let mut h = Harness::new().await;
    h.ctrl('o');
    h.typed("Cnt Four 98470 66604 lead @nuevo ma web");
    let s = h.screen(120, 40);
    assert!(
        s.contains("web: Fits several: Website (Source), Webinar octubre (Groups)"),
        "{s}"
    );
    assert!(
        s.contains("ma: \"ma\" is too short to pick from the lists"),
        "{s}"
    );
    assert!(!s.contains("Four ma"), "{s}");
    h.press(KeyCode::Enter);
    assert!(
        matches!(h.app().mode, Mode::Quick(_)),
        "flagged words stop Enter"
    );
    let text = |h: &Harness| match &h.app().mode {
        Mode::Quick(q) => q.text.clone(),
        _ => String::new(),
    };
    // Drop "ma"; then Tab walks through what "web" may mean.
    for _ in 0..3 {
        h.press(KeyCode::Left);
    }
    h.ctrl('w');
    h.press(KeyCode::End);
    h.press(KeyCode::Tab);
    assert!(text(&h).ends_with("@nuevo source:Website"), "{}", text(&h));
    assert!(
        h.screen(120, 40)
            .contains("Tab puts groups:\"Webinar octubre\"")
    );
    h.press(KeyCode::Tab);
    assert!(
        text(&h).ends_with("@nuevo groups:\"Webinar octubre\""),
        "{}",
        text(&h)
    );
    h.press(KeyCode::Tab);
    assert!(text(&h).ends_with("@nuevo source:Website"), "{}", text(&h));
    enter_and_send(&mut h).await;
    let rec = h.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(rec["firstname"], "Cnt");
    assert_eq!(rec["lastname"], "Four");
    assert_eq!(rec["source_id"], 110);
}

/// Issue 25 (4): letters typed while a question is open are held, said, and put back
/// where typing goes once it is answered: after a quick-add send, a new quick-add line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_during_a_question_is_held_and_comes_back() {
    let mut h = Harness::new().await;
    h.sb.add_fault(rolo::sandbox::FaultRule {
        path: "/whatsmark/api/v2/contacts".into(),
        method: Some("POST".into()),
        kind: rolo::sandbox::FaultKind::Status500,
        after: false,
        times: Some(1),
    });
    h.ctrl('o');
    h.typed("Pop Uno 98470 66611 @nuevo source:Website");
    h.press(KeyCode::Enter);
    h.until(|a| matches!(a.mode, Mode::Confirm(_))).await;
    // The agent keeps typing the next contact; Enter answers the question.
    h.typed("Pop Dos");
    assert!(matches!(h.app().mode, Mode::Confirm(_)));
    assert!(
        h.screen(120, 40)
            .contains("Held while the question is open: \"Pop Dos\""),
        "{}",
        h.screen(120, 40)
    );
    h.press(KeyCode::Enter);
    let Mode::Quick(q) = &h.app().mode else {
        panic!("a new quick-add line: {:?}", h.app().mode)
    };
    assert_eq!(q.text, "Pop Dos");
    assert_eq!(h.app().outbox.len(), 1, "Pop Uno waits in the outbox");
    assert!(
        h.screen(120, 40)
            .contains("What you typed during the question is in the quick-add line")
    );
}

/// Issue 25 (12): the line that says a contact was created keeps its row when the agent
/// types the next one (it dims to "Last sent"), so the form does not jump up under the
/// typing hand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_stays_still_after_a_create() {
    let mut h = Harness::new().await;
    h.ctrl('o');
    h.typed("Still Uno 98470 66612 @nuevo source:Website");
    enter_and_send(&mut h).await;
    let row = |s: &str| s.lines().position(|l| l.contains("First name *"));
    let before = h.screen(120, 40);
    assert!(before.contains("✓ Created Still Uno"), "{before}");
    h.typed("N");
    let after = h.screen(120, 40);
    assert_eq!(row(&before), row(&after), "{before}\n{after}");
    assert!(after.contains("Last sent: Still Uno — id "), "{after}");
}

/// Issue 25 (12): a contact costs two requests, its duplicate check and its create; the
/// plan's count on the status bar goes up from the create itself (no third request for
/// the usage), so 20 contacts fit in a 60-a-minute window with room to spare.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_costs_two_requests() {
    let mut h = Harness::new().await;
    h.until(|a| a.current().usage.is_some()).await;
    let used = h.app().current().usage.unwrap().current;
    let log = format!("{}/_sandbox/requests", h.sb.origin());
    let http = reqwest::Client::new();
    http.delete(&log).send().await.unwrap();
    h.ctrl('o');
    h.typed("Dos Pedidos 98470 66613 @nuevo source:Website");
    enter_and_send(&mut h).await;
    assert!(h.screen(120, 40).contains("✓ Created Dos Pedidos"));
    assert_eq!(h.app().current().usage.unwrap().current, used + 1);
    // One more round trip (the next contact's duplicate check), by which time a request
    // sent after the create would be in the log too.
    h.focus("Phone");
    h.typed("98470 66614");
    h.press(KeyCode::Tab);
    h.until(|a| a.current().checked_for.is_some()).await;
    let sent: Vec<serde_json::Value> = http.get(&log).send().await.unwrap().json().await.unwrap();
    let lines: Vec<String> = sent
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["method"].as_str().unwrap(),
                r["uri"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(lines.iter().all(|l| !l.contains("usage")), "{lines:#?}");
}

/// Typing while a send is out is the start of the next contact: the contact sent is the
/// one that left (on the server, in "Last sent", in Ctrl-L's copy), and the typing stays
/// on the next form. Before, the answer took the edited form as the contact sent and
/// then cleared it: the typing was lost and Ctrl-L repeated it into the next contact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_while_a_send_is_out_is_kept_for_the_next_contact() {
    let mut h = Harness::new().await;
    h.ctrl('o');
    h.typed("Envío Uno 98470 66614 @nuevo source:Website");
    h.press(KeyCode::Enter);
    h.until(|a| a.submitting.is_some()).await;
    h.focus("Email");
    h.typed("next@acme.co");
    h.until(|a| a.submitting.is_none()).await;
    let stored = h.stored("whatsmark", "demo");
    let rec = stored.last().unwrap();
    assert_eq!(rec["firstname"], "Envío");
    assert!(rec["email"].is_null() || rec["email"] == "", "{rec}");
    let p = h.app().current();
    assert_eq!(p.last_sent.as_ref().unwrap().get("email"), "");
    assert_eq!(p.form.draft.get("email"), "next@acme.co");
    assert_eq!(
        p.form.draft.get("firstname"),
        "",
        "the sent contact is cleared"
    );
    let s = h.screen(120, 40);
    assert!(
        s.contains("What you typed while it was sending is on the form"),
        "{s}"
    );
}

/// Letters held during a question go through the keymap as typed keys do: on a picked
/// field the first opens its picker and the rest filter it. Before, a picked field
/// refused them one by one and they were lost, though the status said they went in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_held_during_a_question_filters_a_picker_on_a_picked_field() {
    let mut h = Harness::new().await;
    // +91 95874 22363 is on the demo tenant: Ctrl-S asks about the duplicate.
    h.ctrl('o');
    h.typed("Dup Uno 95874 22363 @nuevo source:Website");
    h.press(KeyCode::Tab);
    h.until(|a| matches!(a.mode, Mode::Form)).await;
    h.focus("Source");
    h.ctrl('s');
    h.until(|a| matches!(a.mode, Mode::Confirm(_))).await;
    h.typed("web");
    h.press(KeyCode::Esc);
    let Mode::Picker(p) = &h.app().mode else {
        panic!("the Source picker: {:?}", h.app().mode)
    };
    assert_eq!(p.filter, "web");
}

/// A line Esc kept stays kept while other lines are sent (before, the next quick add
/// spent it with its own line), and stays kept when a held-typing line opens over it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_line_outlives_the_lines_sent_after_it() {
    let mut h = Harness::new().await;
    h.ctrl('o');
    h.typed("Guardada Uno 98470 66615");
    h.press(KeyCode::Esc);
    h.ctrl('o');
    h.typed("Otra Dos 98470 66616 @nuevo source:Website");
    enter_and_send(&mut h).await;
    assert!(
        h.app()
            .current()
            .last_sent
            .as_ref()
            .unwrap()
            .get("firstname")
            == "Otra",
        "the new line was sent"
    );
    h.ctrl('o');
    let s = h.screen(120, 40);
    assert!(
        s.contains("↑ brings back the line you left: Guardada Uno 98470 66615"),
        "{s}"
    );
    h.press(KeyCode::Up);
    let Mode::Quick(q) = &h.app().mode else {
        panic!("the quick-add line")
    };
    assert_eq!(q.text, "Guardada Uno 98470 66615");
}

/// Typing held during "Clear the form?" goes to the form, even right after a quick-add
/// send: a clear is no send's question (before, the last send's face decided, and the
/// letters opened a quick-add line).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_held_during_the_clear_question_goes_to_the_form() {
    let mut h = Harness::new().await;
    h.ctrl('o');
    h.typed("Borrar Uno 98470 66617 @nuevo source:Website");
    enter_and_send(&mut h).await;
    h.focus("First name");
    h.typed("Ana");
    h.ctrl('x');
    assert!(
        matches!(h.app().mode, Mode::Confirm(_)),
        "{:?}",
        h.app().mode
    );
    h.typed("Bea");
    assert!(
        h.screen(120, 40)
            .contains("the typing then goes to the form")
    );
    h.press(KeyCode::Enter);
    assert!(matches!(h.app().mode, Mode::Form), "{:?}", h.app().mode);
    assert_eq!(h.app().current().form.draft.get("firstname"), "Bea");
}

/// A quick-add line longer than its box scrolls with the cursor: what is typed at its end
/// stays in sight (`‹` marks the start out of sight), and Home shows the start again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_quick_add_line_scrolls_with_the_cursor() {
    let mut h = Harness::new().await;
    h.ctrl('o');
    h.typed("Valentina Ospina Restrepo +91 98470 55555 valentina.ospina@correo.example");
    h.typed(" @nuevo source:Website city:Medellín");
    let s = h.screen(80, 24);
    let input = s
        .lines()
        .find(|l| l.contains("‹ "))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(input.contains("source:Website city:Medellín"), "{input}");
    h.press(KeyCode::Home);
    let s = h.screen(80, 24);
    let input = s
        .lines()
        .find(|l| l.contains("› Valentina"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(!input.contains("Medellín"), "{input}");
}
