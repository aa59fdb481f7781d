//! The linear face (`rolo --linear`, and rolo whenever it has no terminal): the real
//! binary against the real sandbox, answered through a pipe (a script written to its
//! stdin at once) and in a real pseudo-terminal (each prompt answered as it appears).
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use std::process::Output;
use std::time::{Duration, Instant};

use rolo::sandbox::{FaultKind, FaultRule};
use serde_json::{Value, json};
use support::pty::{Pty, WAIT};
use support::{World, code, show, stdout};

/// Runs rolo on `profile` with `answers` piped in, one a line, then the end of input.
fn piped(w: &World, profile: &str, answers: &[&str]) -> Output {
    w.piped(&["--profile", profile], answers)
}

/// `n` empty answers: Enter at each of `n` prompts.
fn enter(n: usize) -> Vec<&'static str> {
    vec![""; n]
}

/// The last contact the sandbox holds for the demo tenant of `flavour`.
fn last_stored(w: &World, flavour: &str) -> Value {
    w.stored(flavour, "demo").last().unwrap().clone()
}

/// A `WhatsMark` contact typed field by field: first name, last name and phone, then
/// `middle` (email through groups), then Enter for every later field, sent, and no
/// other contact.
fn wm_script<'a>(first: &'a str, middle: &[&'a str]) -> Vec<&'a str> {
    let mut s = vec![first, "Pérez", "98765 43210"];
    s.extend_from_slice(middle);
    // Assigned to, country, address, city, state, ZIP, description.
    s.extend(enter(7));
    s.extend(["y", "n"]);
    s
}

#[test]
fn a_whatsmark_contact_is_created_from_piped_answers() {
    let w = World::cli();
    let script = wm_script(
        "Ana",
        &[
            // Email: refused by the form's own check, then a good one.
            "ana@",
            "ana@example.com",
            // Company, type [lead].
            "",
            "",
            // Source [Website]: filtered by text, then chosen by number.
            "insta",
            "1",
            // Status [Nuevo]; groups by number.
            "",
            "2",
        ],
    );
    let out = piped(&w, "wm", &script);
    let said = stdout(&out);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(
        said.contains("Email: ana@\nError: This doesn't look like an email address"),
        "{said}"
    );
    assert!(
        said.contains("\nEmail: ana@example.com\n"),
        "asked again: {said}"
    );
    assert!(said.contains("First name (required): Ana"), "{said}");
    assert!(said.contains("Type (required) [lead], number"), "{said}");
    assert!(
        said.contains("Matching \"insta\":\n   1. Instagram\n"),
        "{said}"
    );
    assert!(said.contains("   2. Mayoristas\n"), "{said}");
    assert!(said.contains("Created Ana Pérez (id "), "{said}");
    assert!(said.contains("Quota: "), "{said}");
    assert!(said.contains("Rate limit: "), "{said}");
    let rec = last_stored(&w, "whatsmark");
    assert_eq!(rec["firstname"], "Ana");
    assert_eq!(rec["phone"], "+919876543210");
    assert_eq!(rec["email"], "ana@example.com");
    assert_eq!(rec["type"], "lead");
    assert_eq!(rec["source_id"], 113, "Instagram");
    assert_eq!(rec["status_id"], 281, "the default, Nuevo");
    assert_eq!(rec["group_id"], json!([12]));
    assert!(!said.contains('\u{1b}'), "no escape sequence: {said:?}");
    w.assert_no_secret_leaked();
}

#[test]
fn a_wipsy_contact_is_created_with_its_custom_fields() {
    let w = World::cli();
    let mut script = vec!["Luis", "Gómez", "316 555 0142"];
    // Email, WhatsApp ID, company, picture.
    script.extend(enter(4));
    // Pipeline stage by filter then number; tags by their names (those the catalog
    // learned from the seeded contacts).
    script.extend(["nego", "1", "VIP, Mayorista"]);
    // Address, city, province, notes.
    script.extend(enter(4));
    // Número de documento (required), then Canal preferido (required) by number.
    script.extend(["", "71.234.567", "2"]);
    // The optional custom fields.
    script.extend(enter(5));
    script.extend(["y", "n"]);
    let out = piped(&w, "wipsy", &script);
    let said = stdout(&out);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(
        said.contains("Número de documento (required): \nError: Número de documento is required"),
        "{said}"
    );
    assert!(said.contains("Created Luis Gómez (id "), "{said}");
    assert!(said.contains("Quota: 1 "), "rolo's own count: {said}");
    let rec = last_stored(&w, "wipsy");
    assert_eq!(rec["name"], "Luis");
    assert_eq!(rec["phone"], "+573165550142");
    assert_eq!(rec["pipeline_stage"]["name"], "Negociación");
    assert_eq!(support::names(&rec["tags"]), ["VIP", "Mayorista"]);
    let custom: Vec<&str> = rec["custom_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field_value"].as_str().unwrap())
        .collect();
    assert_eq!(custom, ["71.234.567", "Llamada"]);
}

#[test]
fn a_server_field_error_is_shown_under_its_field_which_is_asked_again() {
    let w = World::cli();
    let message = "Ana is taken \u{1b}[2J here";
    w.add_fault(FaultRule {
        path: "/whatsmark/api/v2/contacts".into(),
        method: Some("POST".into()),
        kind: FaultKind::Answer {
            status: 422,
            body: json!({ "success": false, "error": { "code": "VALIDATION_ERROR",
                "message": "The given data was invalid.",
                "details": { "firstname": [message] } } }),
        },
        after: false,
        times: Some(1),
    });
    // Email, company, type, source, status, groups: Enter.
    let mut script = wm_script("Ana", &enter(6));
    // After the refusal: the first name again, then send again, and no other contact.
    script.truncate(script.len() - 1);
    script.extend(["Anita", "", "n"]);
    let out = piped(&w, "wm", &script);
    let said = stdout(&out);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(
        said.contains("First name:\n  Error: Ana is taken ␛[2J here\n"),
        "the server's words, inert, under the label: {said}"
    );
    // Exactly that field is asked again: no other prompt before it, the summary after.
    let after = said.split("  Error: Ana is taken").nth(1).unwrap();
    let (between, rest) = after
        .split_once("First name (required) [Ana]: Anita\n")
        .unwrap();
    assert!(!between.contains(": \n"), "another prompt first: {between}");
    assert!(rest.starts_with("\nThe contact:\n"), "{rest}");
    assert!(rest.contains("Send again? [Y/n]"), "{rest}");
    assert!(said.contains("Created Anita Pérez (id "), "{said}");
    assert!(!said.contains('\u{1b}'), "{said:?}");
    assert_eq!(last_stored(&w, "whatsmark")["firstname"], "Anita");
}

#[test]
fn end_of_input_keeps_the_draft_for_the_next_run() {
    let w = World::cli();
    let out = piped(&w, "wm", &["Ana", "Pérez"]);
    let said = stdout(&out);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(said.contains("Stopped. The draft is kept"), "{said}");
    let before = w.stored("whatsmark", "demo").len();
    // The next run offers it: Enter keeps the first name.
    let script = wm_script("", &enter(6));
    let out = piped(&w, "wm", &script);
    let said = stdout(&out);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(said.contains("Restored your unsent draft"), "{said}");
    assert!(said.contains("First name (required) [Ana]: \n"), "{said}");
    assert!(said.contains("Created Ana Pérez"), "{said}");
    assert_eq!(w.stored("whatsmark", "demo").len(), before + 1);
}

#[test]
fn a_network_failure_keeps_the_contact_in_the_outbox() {
    let w = World::cli();
    // `down`: nothing listens, so no catalog either: source and status are typed ids.
    let mut script = vec![
        "Ana",
        "Pérez",
        "+91 98765 43210",
        "",
        "",
        "lead",
        "110",
        "281",
    ];
    // Groups (typed), assigned to, country, address, city, state, ZIP, description.
    script.extend(enter(8));
    // Send; not again now; no other contact.
    script.extend(["y", "", "n"]);
    let out = piped(&w, "down", &script);
    let said = stdout(&out);
    assert_eq!(
        code(&out),
        6,
        "the exit code of a network failure: {}",
        show(&out)
    );
    assert!(said.contains("Send again now? [y/N]"), "{said}");
    assert!(said.contains("Kept in the outbox as "), "{said}");
    let listed = support::stdout(&w.rolo(&["--profile", "down", "outbox", "list"]));
    assert!(listed.contains("Ana Pérez"), "{listed}");
}

/// rolo in a pseudo-terminal, answered prompt by prompt: each prompt is looked for in
/// what rolo wrote after the one before, so an answer never goes early.
struct Talk {
    p: Pty,
    seen: usize,
}

impl Talk {
    fn start(w: &World, profile: &str) -> Self {
        let p = w
            .spawn()
            .arg("--linear")
            .env("ROLO_PROFILE", profile)
            .start()
            .unwrap();
        Self { p, seen: 0 }
    }

    /// Waits for `text` after what was waited for last; gives what came up to its end.
    fn expect(&mut self, text: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let raw = self.p.raw_since(self.seen);
            let s = String::from_utf8_lossy(&raw);
            if let Some(at) = s.find(text) {
                self.seen += at + text.len();
                return s[..at + text.len()].to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}; rolo wrote:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for `prompt`, then types `reply` and Enter.
    fn answer(&mut self, prompt: &str, reply: &str) {
        self.expect(prompt);
        self.p.send(&format!("{reply}\r")).unwrap();
    }
}

#[test]
fn prompts_are_answered_as_they_appear_in_a_real_terminal() {
    let w = World::cli();
    let mut t = Talk::start(&w, "wm");
    t.answer("First name (required): ", "Ravi");
    t.answer("Last name (required): ", "Kumar");
    t.answer("Phone (required): ", "98111 22233");
    t.answer("Email: ", "");
    t.answer("Company: ", "");
    t.answer("Type (required) [lead], number, or text to filter: ", "2");
    t.answer("Source (required) [Website], number", "");
    t.answer("Status (required) [Nuevo], number", "3");
    t.answer("Groups, numbers separated by commas", "1, 2");
    t.answer("Assigned to: ", "");
    // By text: two countries match; the one whose name starts with it comes first
    // (issue 25: British Indian Ocean Territory was listed above India).
    t.answer("Country, number", "india");
    t.expect("   1. India (IN, +91)");
    t.answer("Country, number", "1");
    for label in ["Address: ", "City: ", "State: ", "ZIP / postal code: "] {
        t.answer(label, "");
    }
    t.answer(
        "Description (end a line with \\ to write another): ",
        "Llamó\\",
    );
    t.answer("  next line: ", "por WhatsApp");
    let summary = t.expect("Send? [Y/n] ");
    assert!(
        summary.contains("Groups: Clientes VIP, Mayoristas"),
        "{summary}"
    );
    assert!(summary.contains("Country: India"), "{summary}");
    t.p.send("y\r").unwrap();
    t.expect("Created Ravi Kumar (id ");
    t.answer("Another contact? [y/N] ", "n");
    assert!(t.p.wait_exit(WAIT), "rolo ends after the last contact");
    let raw = t.p.raw_since(0);
    assert!(
        !raw.contains(&0x1b),
        "no escape sequence reached the terminal: {}",
        String::from_utf8_lossy(&raw)
    );
    let rec = last_stored(&w, "whatsmark");
    assert_eq!(rec["firstname"], "Ravi");
    assert_eq!(rec["type"], "customer");
    assert_eq!(rec["status_id"], 283, "Interesado");
    assert_eq!(rec["group_id"], json!([11, 12]));
    assert_eq!(rec["country_id"], 101);
    assert_eq!(rec["description"], "Llamó\npor WhatsApp");
}

/// Six Enters: email, company, type, source, status and groups take their defaults.
const DEFAULTS: [&str; 6] = [""; 6];

/// Issue 24: linear mode runs the form's duplicate check before a first send. Priya
/// (+91 95874 22363) is on the demo tenant: asked, "no" keeps the draft, exit 8.
#[test]
fn a_duplicate_phone_is_asked_about_before_sending() {
    let w = World::cli();
    let before = w.stored("whatsmark", "demo").len();
    let mut script = vec!["Dup", "Pérez", "95874 22363"];
    script.extend(DEFAULTS);
    script.extend(enter(7));
    // Send; not anyway; not an update of Priya either (issue 29 asks that next); no
    // other contact.
    script.extend(["y", "", "", "n"]);
    let out = piped(&w, "wm", &script);
    let said = stdout(&out);
    assert_eq!(code(&out), 8, "{}", show(&out));
    assert!(said.contains("Possible duplicate: "), "{said}");
    assert!(said.contains("Create it anyway? [y/N]"), "{said}");
    assert!(
        said.contains("Update Priya Raghunathan (id 1001) with what you typed? [y/N]"),
        "{said}"
    );
    assert!(said.contains("Not sent; the draft is kept."), "{said}");
    assert_eq!(w.stored("whatsmark", "demo").len(), before, "nothing sent");
}

/// Issue 24: the server stores the contact and the connection drops; "Send again now?"
/// yes looks first and finds it: one contact on a tenant that would take a second, one
/// history entry with the phone in E.164.
#[test]
fn send_again_after_a_drop_looks_first() {
    let w = World::cli();
    let on = json!({ "allow_duplicates": true });
    assert!(w.patch("whatsmark", "demo", &on).is_success());
    w.add_fault(support::sandbox::once_on_post(
        "/whatsmark/api/v2/contacts",
        FaultKind::Drop,
        true,
    ));
    let mut script = vec!["Eco", "Pérez", "98765 43299"];
    script.extend(DEFAULTS);
    script.extend(enter(7));
    // Send; again now; no other contact.
    script.extend(["y", "y", "n"]);
    let out = piped(&w, "wm", &script);
    let said = stdout(&out);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(said.contains("Send again now? [y/N]"), "{said}");
    assert!(
        said.contains("was already on the server from an earlier attempt"),
        "{said}"
    );
    let copies = w
        .stored("whatsmark", "demo")
        .iter()
        .filter(|c| c["phone"] == "+919876543299")
        .count();
    assert_eq!(copies, 1);
    let history = rolo::engine::record::read(&w.data_dir());
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0].phone, "+919876543299");
}

/// Issue 25 (11): `ACCESSIBLE=1`, the convention of charm's huh and the Slack CLI,
/// starts the linear form as `--linear` does.
#[test]
fn accessible_starts_the_linear_form() {
    let w = World::cli();
    let mut p = w.spawn().env("ACCESSIBLE", "1").start().unwrap();
    // The linear form's own prompt (the full-screen form shows "First name *").
    p.wait_for("First name (required): ", WAIT).unwrap();
    let _ = p.kill9();
}

/// Issue 29: the duplicate question's other answer updates the contact the CRM has with
/// what was typed, after showing each change; a field left empty clears nothing.
#[test]
fn a_duplicate_can_be_updated_with_what_was_typed() {
    let w = World::cli();
    let before = w.stored("whatsmark", "demo").len();
    let mut script = vec!["Priya", "Raghunathan", "95874 22363", "priya@newmail.in"];
    script.extend([""; 5]);
    script.extend(enter(7));
    // Send; not anyway; update it; send this update; no other contact.
    script.extend(["y", "", "y", "y", "n"]);
    let out = piped(&w, "wm", &script);
    let said = stdout(&out);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(
        said.contains("Email: priya.r@example.in → priya@newmail.in"),
        "{said}"
    );
    assert!(
        !said.contains("Type: customer"),
        "a default is not typed: {said}"
    );
    assert!(
        said.contains("Updated Priya Raghunathan (id 1001)"),
        "{said}"
    );
    let stored = w.stored("whatsmark", "demo");
    assert_eq!(stored.len(), before, "no new contact");
    let priya = stored.iter().find(|c| c["id"] == 1001).unwrap();
    assert_eq!(priya["email"], "priya@newmail.in");
    assert_eq!(priya["city"], "Rajkot");
    assert_eq!(priya["type"], "customer");
}

/// Issue 29: `/find` at a text prompt lists the matches; one is opened, a field changed
/// by its number, the update sent; then the new contact goes on where it was.
#[test]
fn find_opens_a_contact_and_updates_it_in_linear_mode() {
    let w = World::cli();
    let script = [
        "/find 95874 22363",
        "1",  // open Priya
        "13", // change field 13 of the read-back: City
        "Chennai",
        "",  // done
        "y", // send this update
        "Lucía",
    ];
    let out = piped(&w, "wm", &script);
    let said = stdout(&out);
    assert!(
        said.contains("1. Priya Raghunathan, +919587422363"),
        "{said}"
    );
    assert!(said.contains("City: Rajkot → Chennai"), "{said}");
    assert!(
        said.contains("Updated Priya Raghunathan (id 1001)"),
        "{said}"
    );
    assert!(said.contains("Back to the new contact."), "{said}");
    let priya = w
        .stored("whatsmark", "demo")
        .into_iter()
        .find(|c| c["id"] == 1001)
        .unwrap();
    assert_eq!(priya["city"], "Chennai");
    // Input ended on the new contact's last name: its draft is what was kept.
    let saved = rolo::engine::drafts::load(&w.data_dir(), "wm").unwrap();
    assert_eq!(saved.draft.get("firstname"), "Lucía");
}

/// Issue 29: a Wipsy contact found in linear mode is read back, with why it cannot be
/// changed here and its id.
#[test]
fn a_wipsy_contact_found_in_linear_mode_is_read_only() {
    let w = World::cli();
    let out = piped(&w, "wipsy", &["/find nuñez", "1"]);
    let said = stdout(&out);
    assert!(
        said.contains("Wipsy's API cannot search: only its 3 most recent contacts"),
        "{said}"
    );
    assert!(said.contains("José Núñez Peña"), "{said}");
    assert!(
        said.contains("Wipsy's API cannot update contacts: change it in the Wipsy panel. Its id: "),
        "{said}"
    );
}
