//! `rolo find` and `rolo update` with the real binary against the sandbox: matches by
//! phone, name and email in both CRMs; a partial update that touches only what it names
//! (null clears, groups replaced whole), refused before sending when it would clear a
//! required field; 404; a dropped PATCH kept in the outbox and sent again; the history's
//! "updated" entries; Wipsy's read-only answer.
#![allow(clippy::unwrap_used)]

use crate::support;

use rolo::sandbox::FaultKind;
use serde_json::{Value, json};
use support::{World, code, stderr, stdout};

/// The demo tenant's contact `id` as the sandbox holds it.
fn stored(w: &World, id: i64) -> Value {
    w.stored("whatsmark", "demo")
        .into_iter()
        .find(|c| c["id"] == json!(id))
        .unwrap()
}

fn ids(out: &std::process::Output) -> Vec<String> {
    stdout(out)
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_owned())
        .collect()
}

#[test]
fn find_matches_a_phone_a_name_and_an_email_in_both_crms() {
    let w = World::cli();
    // WhatsMark: the server searches, rolo matches every word.
    assert_eq!(ids(&w.rolo(&["find", "95874 22363"])), ["1001"]);
    assert_eq!(ids(&w.rolo(&["find", "gómez maría"])), ["1002"]);
    assert_eq!(ids(&w.rolo(&["find", "PRIYA.R@example"])), ["1001"]);
    let none = w.rolo(&["find", "zzzz"]);
    assert_eq!(code(&none), 0);
    assert!(
        stderr(&none).contains("no contact matches"),
        "{}",
        stderr(&none)
    );
    let json: Value =
        serde_json::from_slice(&w.rolo(&["find", "Priya", "--output", "json"]).stdout).unwrap();
    let first = &json["contacts"][0];
    assert_eq!(first["id"], "1001");
    assert_eq!(first["name"], "Priya Raghunathan");
    assert_eq!(first["phone"], "+919587422363");
    assert_eq!(first["email"], "priya.r@example.in");
    assert_eq!(json["only_recent"], Value::Null);

    // Wipsy cannot search: its last 500 are filtered here, and rolo says so.
    let out = w.rolo(&["--profile", "wipsy", "find", "318 877 9043"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
    assert!(stdout(&out).contains("José Núñez Peña"));
    assert!(
        stderr(&out).contains("Wipsy's API cannot search: only its 3 most recent contacts"),
        "{}",
        stderr(&out)
    );
    for query in ["nuñez jose", "jose.nunez@ferreteria"] {
        let out = w.rolo(&["--profile", "wipsy", "find", query]);
        assert!(
            stdout(&out).contains("José Núñez Peña"),
            "{query}: {}",
            stdout(&out)
        );
    }
    w.assert_no_secret_leaked();
}

#[test]
fn an_update_sends_only_what_it_names_and_the_sandbox_holds_exactly_that() {
    let w = World::cli();
    let before = stored(&w, 1001);
    let out = w.rolo(&[
        "update",
        "1001",
        "--set",
        "city=Chennai",
        "--set",
        "groups=Mumbai,Delhi",
        "--clear",
        "email",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Updated Priya Raghunathan (id 1001)"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("City: Rajkot → Chennai"),
        "{}",
        stderr(&out)
    );
    let after = stored(&w, 1001);
    let mut expected = before.as_object().unwrap().clone();
    expected.insert("city".into(), json!("Chennai"));
    expected.insert("email".into(), Value::Null);
    expected.insert("group_id".into(), json!([19, 20]));
    for (k, v) in after.as_object().unwrap() {
        // Both follow from the others: the time of the change, the groups of group_id.
        if k == "updated_at" || k == "groups" {
            continue;
        }
        assert_eq!(Some(v), expected.get(k), "{k}: nothing else is touched");
    }
    // The history says "updated", beside the created entries, with the phone in E.164.
    let history = std::fs::read_to_string(w.data_dir().join("history.jsonl")).unwrap();
    let last: Value = serde_json::from_str(history.lines().last().unwrap()).unwrap();
    assert_eq!(last["action"], "updated");
    assert_eq!(last["id"], "1001");
    assert_eq!(last["phone"], "+919587422363");
    let listed = w.rolo(&["history"]);
    assert!(stdout(&listed).contains("updated"), "{}", stdout(&listed));
    w.assert_no_secret_leaked();
}

#[test]
fn a_dry_run_prints_the_patch_body_and_sends_nothing() {
    let w = World::cli();
    let before = stored(&w, 1001);
    let out = w.rolo(&[
        "update",
        "1001",
        "--set",
        "company=Acme",
        "--clear",
        "email",
        "--clear",
        "groups",
        "--dry-run",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        body,
        json!({ "email": null, "company": "Acme", "groups": [] })
    );
    assert_eq!(stored(&w, 1001), before);
}

#[test]
fn a_required_field_cannot_be_cleared_and_nothing_is_sent() {
    let w = World::cli();
    let before = stored(&w, 1001);
    let out = w.rolo(&["update", "1001", "--clear", "lastname", "--output", "json"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["updated"], false);
    assert_eq!(
        json["fields"]["lastname"][0],
        "Required: an update cannot clear it"
    );
    assert_eq!(stored(&w, 1001), before);
    let requests = w.control_json("/_sandbox/requests");
    let patches = requests
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "PATCH")
        .count();
    assert_eq!(patches, 0, "refused before sending");
}

#[test]
fn the_servers_field_errors_and_a_missing_contact_have_their_exit_codes() {
    let w = World::cli();
    // Another contact's phone: the server's 422 under the field.
    let out = w.rolo(&["update", "1001", "--set", "phone=+573001234567"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Phone: This phone number already exists."),
        "{}",
        stderr(&out)
    );
    let out = w.rolo(&["update", "424242", "--set", "city=X", "--output", "json"]);
    assert_eq!(code(&out), 9, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not on the server"),
        "{}",
        stderr(&out)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["exit_code"], 9);
    // An id that is no id is refused as a usage mistake, and sent nowhere.
    let out = w.rolo(&["update", "../1", "--set", "city=X"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is not a whatsmark contact id"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_dropped_patch_waits_in_the_outbox_and_is_sent_again_once() {
    let w = World::cli();
    w.add_fault(support::sandbox::once_on(
        "PATCH",
        "/whatsmark/api/v2/contacts/1001",
        FaultKind::Drop,
        true,
    ));
    let out = w.rolo(&["update", "1001", "--set", "city=Pune"]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("kept in the outbox"),
        "{}",
        stderr(&out)
    );
    let listing = stdout(&w.rolo(&["outbox", "list", "--all"]));
    assert!(listing.contains("update of id 1001"), "{listing}");
    let out = w.rolo(&["outbox", "retry", "--all"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("updated Priya Raghunathan (id 1001)")
            || stderr(&out).contains("updated Priya Raghunathan (id 1001)"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(stored(&w, 1001)["city"], "Pune");
    let listing = stdout(&w.rolo(&["outbox", "list", "--all"]));
    assert!(listing.contains("The outbox is empty"), "{listing}");
    let contacts = w.stored("whatsmark", "demo").len();
    let out = w.rolo(&["outbox", "retry", "--all"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        w.stored("whatsmark", "demo").len(),
        contacts,
        "no contact added"
    );
    let history = std::fs::read_to_string(w.data_dir().join("history.jsonl")).unwrap();
    let updated = history
        .lines()
        .filter(|l| l.contains("\"updated\""))
        .count();
    assert_eq!(updated, 1, "one update, one entry: {history}");
}

#[test]
fn wipsy_cannot_update_and_says_where_to() {
    let w = World::cli();
    let out = w.rolo(&["--profile", "wipsy", "update", "abc", "--set", "city=X"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Wipsy's API cannot update contacts: change it in the Wipsy panel"),
        "{}",
        stderr(&out)
    );
}

/// Review of issue 29: an update waiting in the outbox must not undo a later change. Its
/// resend reads the contact and sends only the fields still holding their old value.
#[test]
fn a_waiting_update_never_undoes_a_later_change() {
    let w = World::cli();
    w.add_fault(support::sandbox::once_on(
        "PATCH",
        "/whatsmark/api/v2/contacts/1001",
        FaultKind::Drop,
        false,
    ));
    // Dropped before the server saw it: waits in the outbox.
    let out = w.rolo(&[
        "update",
        "1001",
        "--set",
        "city=Pune",
        "--set",
        "company=Pune Silks",
    ]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    // Meanwhile the city is changed again, and this one arrives.
    let out = w.rolo(&["update", "1001", "--set", "city=Chennai"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = w.rolo(&["outbox", "retry", "--all"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(said.contains("changed on the server since"), "{said}");
    assert!(said.contains("City"), "{said}");
    assert_eq!(
        stored(&w, 1001)["city"],
        "Chennai",
        "the later change stands"
    );
    assert_eq!(
        stored(&w, 1001)["company"],
        "Pune Silks",
        "the rest still goes"
    );
}
