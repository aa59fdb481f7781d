//! Phones as agents type them (issue 25, point 3), through the form, quick add and a
//! pasted iOS WhatsApp vCard, on the demo WhatsMark profile (default region IN): the old
//! Mexican mobile prefix `+52 1` is dropped and said, a number never changes country
//! between the quick-add preview and the form, and an extension is refused in words.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use crossterm::event::KeyCode;
use rolo::tui::app::Mode;
use support::tui::Harness;

/// (typed, E.164 it becomes, or the words of the refusal)
const PHONES: &[(&str, Result<&str, &str>)] = &[
    ("+52 1 55 1234 5678", Ok("+525512345678")),
    ("+5215512345678", Ok("+525512345678")),
    ("0052 1 55 1234 5678", Ok("+525512345678")),
    ("+52 55 1234 5678", Ok("+525512345678")),
    ("+52 (55) 1234-5678", Ok("+525512345678")),
    ("98470 12345", Ok("+919847012345")),
    ("+91 98470 12345", Ok("+919847012345")),
    (
        "+91 98470 12345 x123",
        Err("Extensions can't go in the phone field"),
    ),
    (
        "+91 98470 12345 ext. 123",
        Err("Extensions can't go in the phone field"),
    ),
    ("+52 1 55 1234", Err("valid number")),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_phones_read_the_same_in_the_form_and_in_quick_add() {
    let mut h = Harness::new().await;
    h.until(|a| a.phones_loaded).await;
    for (typed, want) in PHONES {
        // The form: the value as typed, checked when the field is left.
        h.focus("Phone");
        h.key(KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL);
        h.typed(typed);
        h.press(KeyCode::Tab);
        let form = &h.app().current().form;
        let problems = form.problems.get("phone").join("; ");
        match want {
            Ok(e164) => {
                assert!(problems.is_empty(), "{typed}: {problems}");
                assert_eq!(
                    rolo::contact::phone::to_e164(form.draft.get("phone"), Some("IN")).as_deref(),
                    Ok(*e164),
                    "{typed}"
                );
            }
            Err(words) => assert!(problems.contains(words), "{typed}: {problems:?}"),
        }
        h.key(KeyCode::Char('x'), crossterm::event::KeyModifiers::CONTROL);
        h.press(KeyCode::Enter);
        // Quick add: the preview shows the same number, and Down puts it on the form.
        h.ctrl('o');
        h.key(KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL);
        h.typed(&format!("Ana Pérez {typed}"));
        let s = h.screen(120, 40);
        if let Ok(e164) = want {
            assert!(s.contains(&format!("Phone  {e164}")), "{typed}:\n{s}");
            if e164.starts_with("+52") && typed.replace(' ', "").contains("521") {
                assert!(
                    s.contains("the old mobile 1 after +52 dropped"),
                    "{typed}:\n{s}"
                );
            }
            h.press(KeyCode::Down);
            assert!(matches!(h.app().mode, Mode::Form), "{typed}");
            let d = &h.app().current().form.draft;
            assert_eq!(
                d.get("phone"),
                *e164,
                "{typed}: the same number on the form"
            );
            h.key(KeyCode::Char('x'), crossterm::event::KeyModifiers::CONTROL);
            h.press(KeyCode::Enter);
        } else {
            assert!(s.contains('⚠'), "{typed}: flagged\n{s}");
            if typed.starts_with("+52") {
                assert!(
                    !s.contains("Phone  +91"),
                    "{typed}: never another country\n{s}"
                );
            }
            if typed.contains('x') {
                assert!(
                    s.contains("An extension: the CRM has no field for it"),
                    "{typed}:\n{s}"
                );
                // Tab puts it in the notes (WhatsMark's description).
                h.press(KeyCode::Tab);
                let text = match &h.app().mode {
                    Mode::Quick(q) => q.text.clone(),
                    _ => String::new(),
                };
                assert!(
                    text.ends_with("description:\"ext. 123\""),
                    "{typed}: {text}"
                );
            }
            h.press(KeyCode::Esc);
        }
    }
}

/// An iPhone's WhatsApp card shows the old prefix and carries `waid`: the contact gets
/// the number WhatsApp reaches, in today's form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ios_whatsapp_card_with_the_old_mexican_prefix_is_read() {
    let mut h = Harness::new().await;
    h.until(|a| a.phones_loaded).await;
    h.paste(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:López;Mariana;;;\r\nFN:Mariana López\r\n\
         item1.TEL;waid=5215512345678:+52 1 55 1234 5678\r\nitem1.X-ABLabel:Móvil\r\n\
         END:VCARD\r\n",
    );
    let d = h.app().current().form.draft.clone();
    assert_eq!(d.get("firstname"), "Mariana");
    assert_eq!(d.get("phone"), "+525512345678");
    h.press(KeyCode::Tab);
    assert!(h.app().current().form.problems.get("phone").is_empty());
}
