//! Chatwoot from outside, with the real binary against the sandbox (issue 30): the
//! issue's quick add with a label, a vCard, linear mode, find, and an update whose
//! attribute objects Chatwoot merges.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use rolo::sandbox::{FaultKind, FaultRule};
use serde_json::{Value, json};
use support::{World, code, show, stdout};

/// The demo account's contact with this phone, as the sandbox stores it.
fn stored_with(w: &World, phone: &str) -> Value {
    w.stored("chatwoot", "demo")
        .into_iter()
        .find(|c| c["phone_number"] == phone)
        .unwrap_or_else(|| panic!("no contact with {phone}"))
}

/// The issue's check, as a user runs it.
#[test]
fn the_issues_quick_add_creates_the_contact_with_its_label() {
    let w = World::cli();
    let out = w.rolo(&[
        "--profile",
        "cw",
        "add",
        "--quick",
        "Ana Gómez +573188779043 #vip",
    ]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(show(&out).contains("Created Ana Gómez"), "{}", show(&out));
    let c = stored_with(&w, "+573188779043");
    assert_eq!(c["name"], "Ana Gómez");
    assert_eq!(c["labels"], json!(["vip"]));
    assert_eq!(
        c["contact_inboxes"][0]["inbox"]["id"], 1,
        "the profile's inbox"
    );
    // Attributes by key, typed by their definitions.
    let out = w.rolo(&[
        "--profile",
        "cw",
        "add",
        "--quick",
        "Luis Rojas 3009998877 #soporte plan:platino orders:3 whatsapp_opt_in:sí",
    ]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    let c = stored_with(&w, "+573009998877");
    assert_eq!(
        c["custom_attributes"],
        json!({ "plan": "platino", "orders": 3, "whatsapp_opt_in": true })
    );
    assert_eq!(c["labels"], json!(["soporte"]));
}

#[test]
fn a_vcard_becomes_one_contact_with_its_whole_name() {
    let w = World::cli();
    w.write(
        "ana.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Gómez;Ana;;;\r\nFN:Ana Gómez\r\nORG:Ferretería Gómez\r\n\
         TEL;TYPE=CELL:+57 300 765 4321\r\nEMAIL:ana.gomez@example.co\r\nEND:VCARD\r\n",
    );
    let out = w.rolo(&["--profile", "cw", "add", "--vcard", "ana.vcf"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    let c = stored_with(&w, "+573007654321");
    assert_eq!(c["name"], "Ana Gómez");
    assert_eq!(c["email"], "ana.gomez@example.co");
    assert_eq!(
        c["additional_attributes"]["company_name"],
        "Ferretería Gómez"
    );
}

#[test]
fn linear_mode_asks_every_field_and_creates_the_contact() {
    let w = World::cli();
    let mut answers = vec!["Marta Ruiz", "310 222 3344"];
    // Email, identifier, company, avatar URL, inbox [1]; labels by name.
    answers.extend(["", "", "", "", "", "vip"]);
    // Country, country code, city, description; the eight custom attributes.
    answers.extend([""; 12]);
    // Send; no other contact.
    answers.extend(["y", "n"]);
    let out = w.piped(&["--profile", "cw", "--linear"], &answers);
    assert_eq!(code(&out), 0, "{}", show(&out));
    let c = stored_with(&w, "+573102223344");
    assert_eq!(c["name"], "Marta Ruiz");
    assert_eq!(c["labels"], json!(["vip"]));
}

#[test]
fn find_then_an_update_changes_only_what_it_names() {
    let w = World::cli();
    let found = w.rolo(&["--profile", "cw", "find", "ana maría"]);
    assert_eq!(code(&found), 0, "{}", show(&found));
    let id = stdout(&found).split('\t').next().unwrap().to_owned();
    let out = w.rolo_sets(
        &["--profile", "cw", "update", &id],
        &[
            "additional_attributes.city=Medellín",
            "labels=vip,mayorista",
            "custom.Pedidos=13",
        ],
    );
    assert_eq!(code(&out), 0, "{}", show(&out));
    let c = stored_with(&w, "+573157771234");
    // Merged: the company and the plan stay; the city and the orders change.
    assert_eq!(
        c["additional_attributes"]["company_name"],
        "Ferretería Pérez"
    );
    assert_eq!(c["additional_attributes"]["city"], "Medellín");
    assert_eq!(
        c["custom_attributes"],
        json!({ "plan": "oro", "orders": 13 })
    );
    assert_eq!(c["labels"], json!(["vip", "mayorista"]));
    // A contact the account does not have.
    let out = w.rolo(&["--profile", "cw", "update", "424242", "--set", "name=X"]);
    assert_eq!(code(&out), 9, "{}", show(&out));
}

fn outbox_len(w: &World) -> usize {
    std::fs::read_dir(w.data_dir().join("outbox")).map_or(0, |d| {
        d.flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .count()
    })
}

/// One fault on the next `method` call under `path`.
fn fault_once(w: &World, method: &str, path: &str, kind: FaultKind) {
    w.add_fault(FaultRule {
        path: path.into(),
        method: Some(method.into()),
        kind,
        after: false,
        times: Some(1),
    });
}

/// An update of a nested attribute that waits in the outbox is sent by the retry (its
/// old value kept nested, as the resend reads it).
#[test]
fn a_waiting_update_of_an_attribute_is_sent_by_the_retry() {
    let w = World::cli();
    fault_once(
        &w,
        "PATCH",
        "/chatwoot/api/v1/accounts/1/contacts/*",
        FaultKind::Drop,
    );
    let out = w.rolo_sets(
        &["--profile", "cw", "update", "1"],
        &["additional_attributes.city=Bogotá"],
    );
    assert_eq!(code(&out), 6, "{}", show(&out));
    assert_eq!(outbox_len(&w), 1);
    assert_eq!(
        stored_with(&w, "+573157771234")["additional_attributes"]["city"],
        "Cali"
    );
    let again = w.rolo(&["--profile", "cw", "outbox", "retry", "--all"]);
    assert_eq!(code(&again), 0, "{}", show(&again));
    assert_eq!(
        stored_with(&w, "+573157771234")["additional_attributes"]["city"],
        "Bogotá"
    );
    assert_eq!(outbox_len(&w), 0);
}

/// Labels that wait after a create are added to what the contact holds by then (another
/// agent's label stays).
#[test]
fn waiting_labels_are_added_to_the_ones_set_since() {
    let w = World::cli();
    fault_once(
        &w,
        "POST",
        "/chatwoot/api/v1/accounts/1/contacts/*",
        FaultKind::Status500,
    );
    let out = w.rolo(&[
        "--profile",
        "cw",
        "add",
        "--quick",
        "Sara Mejía 3105556677 #vip",
    ]);
    assert_eq!(code(&out), 7, "{}", show(&out));
    let id = stored_with(&w, "+573105556677")["id"].to_string();
    // Meanwhile another agent labels the contact.
    let other = w.rolo_sets(&["--profile", "cw", "update", &id], &["labels=soporte"]);
    assert_eq!(code(&other), 0, "{}", show(&other));
    let again = w.rolo(&["--profile", "cw", "outbox", "retry", "--all"]);
    assert_eq!(code(&again), 0, "{}", show(&again));
    assert_eq!(
        stored_with(&w, "+573105556677")["labels"],
        json!(["soporte", "vip"])
    );
    assert_eq!(outbox_len(&w), 0);
    assert_eq!(
        w.stored("chatwoot", "demo")
            .iter()
            .filter(|c| c["phone_number"] == "+573105556677")
            .count(),
        1
    );
}

/// Chatwoot's own rate limit (100 contact searches a minute per account) answers a bare
/// `text/plain` 429 without `Retry-After`: rolo reads it as a rate limit (exit 5), not as
/// an unreadable answer.
#[test]
fn a_bare_429_is_a_rate_limit() {
    let w = World::cli();
    let url = format!(
        "{}/chatwoot/api/v1/accounts/1/contacts/search?q=zz",
        w.origin()
    );
    let token = {
        use support::SeedExt as _;
        w.seed.cw_token("demo")
    };
    w.rt.block_on(async {
        rolo::api::install_crypto();
        let http = reqwest::Client::new();
        for _ in 0..100 {
            let resp = http
                .get(&url)
                .header("api_access_token", &token)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
        }
    });
    let out = w.rolo(&["--profile", "cw", "find", "ana"]);
    assert_eq!(code(&out), 5, "{}", show(&out));
    assert!(show(&out).contains("Retry later"), "{}", show(&out));
}

/// A profile whose `account_id` names no account is told so, and nothing waits: the
/// create's 404 was a server failure that "may pass", kept in the outbox and retried in
/// vain (and the retry then said "could not check for an earlier attempt", exit 9).
#[test]
fn a_wrong_account_id_is_a_config_problem_not_a_failure_that_may_pass() {
    let w = World::cli();
    let text = std::fs::read_to_string(w.config_path()).unwrap();
    assert!(text.contains("account_id = 1") && text.contains("inbox_id = 1\n"));
    let text = text.replace("account_id = 1", "account_id = 9");
    // With an inbox, the 404 is told under it, naming both keys (exit 2).
    std::fs::write(w.config_path(), &text).unwrap();
    let add = || {
        w.rolo(&[
            "--profile",
            "cw",
            "add",
            "--quick",
            "Cw Nueve +573009990009",
        ])
    };
    let out = add();
    assert_eq!(code(&out), 2, "{}", show(&out));
    assert!(show(&out).contains("check the profile's inbox_id and account_id"));
    // Without one, the account is to blame (exit 4, as for a key that cannot reach it).
    std::fs::write(w.config_path(), text.replace("inbox_id = 1\n", "")).unwrap();
    let out = add();
    assert_eq!(code(&out), 4, "{}", show(&out));
    assert!(
        show(&out).contains("check account_id in the config"),
        "{}",
        show(&out)
    );
    assert!(!show(&out).contains("outbox"), "{}", show(&out));
    assert!(rolo::engine::outbox::list(&w.data_dir()).is_empty());
}

/// `rolo catalog show` lists every list the catalog holds: a Chatwoot account's labels
/// with their colours, not only its custom attributes.
#[test]
fn catalog_show_lists_the_labels_and_inboxes() {
    let w = World::cli();
    let out = w.rolo(&["--profile", "cw", "catalog", "refresh"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    let out = w.rolo(&["--profile", "cw", "catalog", "show"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    let text = stdout(&out);
    assert!(text.contains("labels (4):"), "{text}");
    assert!(text.contains("vip #f59e0b"), "{text}");
    assert!(text.contains("custom fields ("), "{text}");
}
