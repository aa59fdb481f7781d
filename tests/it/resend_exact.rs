//! Exact resends (issue 14): an outbox item whose earlier attempt may have arrived counts
//! as "already on the server" only when the contact found matches on phone *and* name
//! (and email when given); the same phone under another name is a conflict, never
//! recorded as created, with its own exit code.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use rolo::sandbox::FaultKind;
use serde_json::json;
use support::{SeedExt, World, code, show};

const CONTACTS: &str = "/whatsmark/api/v2/contacts";

fn store_directly(w: &World, first: &str, phone: &str) {
    let token = w.seed.wm_token("demo", "full");
    let url = format!("{}{CONTACTS}", w.origin());
    let body = json!({ "firstname": first, "lastname": "Otra", "phone": phone, "type": "lead",
        "source_id": 110, "status_id": 281 });
    let status = w.rt.block_on(async {
        rolo::api::install_crypto();
        reqwest::Client::new()
            .post(url)
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    assert_eq!(status, 201);
}

fn history_lines(w: &World) -> usize {
    std::fs::read_to_string(w.data_dir().join("history.jsonl")).map_or(0, |t| t.lines().count())
}

#[test]
fn the_same_phone_under_another_name_is_a_conflict_not_a_success() {
    let w = World::cli();
    // A send that may have arrived: the item waits, marked to look first.
    // On the create (the duplicate search before it is a GET).
    w.add_fault(support::sandbox::once_on_post(
        CONTACTS,
        FaultKind::Status500,
        false,
    ));
    let out = w.rolo(&[
        "add",
        "--set",
        "firstname=Marta",
        "--set",
        "lastname=Ríos",
        "--set",
        "phone=98470 44411",
    ]);
    assert_ne!(code(&out), 0, "{}", show(&out));
    // Meanwhile someone else's contact with that phone is on the server.
    store_directly(&w, "Pedro", "+919847044411");
    let before = w.stored("whatsmark", "demo").len();
    let out = w.rolo(&["outbox", "retry"]);
    assert_eq!(code(&out), 8, "{}", show(&out));
    assert!(show(&out).contains("was not sent"), "{}", show(&out));
    assert!(show(&out).contains("Pedro Otra"), "{}", show(&out));
    assert_eq!(
        w.stored("whatsmark", "demo").len(),
        before,
        "nothing created"
    );
    assert_eq!(history_lines(&w), 0, "nothing recorded as created");
    let out = w.rolo(&["outbox", "list"]);
    assert!(show(&out).contains("look first"), "{}", show(&out));
}

#[test]
fn the_same_phone_and_name_is_the_earlier_attempt() {
    let w = World::cli();
    w.add_fault(rolo::sandbox::FaultRule {
        path: CONTACTS.into(),
        method: Some("POST".into()),
        kind: FaultKind::Status500,
        after: true,
        times: Some(1),
    });
    let out = w.rolo(&[
        "add",
        "--set",
        "firstname=Marta",
        "--set",
        "lastname=Ríos",
        "--set",
        "phone=98470 44412",
    ]);
    assert_ne!(code(&out), 0, "{}", show(&out));
    let before = w.stored("whatsmark", "demo").len();
    let out = w.rolo(&["outbox", "retry"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(
        show(&out).contains("already on the server"),
        "{}",
        show(&out)
    );
    assert_eq!(
        w.stored("whatsmark", "demo").len(),
        before,
        "not sent twice"
    );
    assert_eq!(history_lines(&w), 1);
}

#[test]
fn outbox_commands_keep_to_the_chosen_profile_unless_all() {
    let w = World::cli();
    for (profile, phone) in [("wm", "98470 44413"), ("wm-quick", "98470 44414")] {
        // On the create (the duplicate search before it is a GET).
        w.add_fault(support::sandbox::once_on_post(
            CONTACTS,
            FaultKind::Status500,
            false,
        ));
        let out = w.rolo(&[
            "--profile",
            profile,
            "add",
            "--set",
            "firstname=Eva",
            "--set",
            "lastname=Luna",
            "--set",
            &format!("phone={phone}"),
        ]);
        assert_ne!(code(&out), 0, "{}", show(&out));
    }
    let listed = show(&w.rolo(&["outbox", "list"]));
    assert!(
        listed.contains("wm ") && !listed.contains("wm-quick"),
        "{listed}"
    );
    let all = show(&w.rolo(&["outbox", "list", "--all"]));
    assert!(all.contains("wm-quick"), "{all}");
    let out = w.rolo(&["--profile", "wm-quick", "outbox", "retry"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    let phones: Vec<String> = w
        .stored("whatsmark", "demo")
        .iter()
        .map(|c| c["phone"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        phones.contains(&"+919847044414".to_owned()),
        "wm-quick's item went"
    );
    assert!(
        !phones.contains(&"+919847044413".to_owned()),
        "wm's item waits"
    );
    let left = show(&w.rolo(&["outbox", "list", "--all"]));
    assert!(
        left.contains("Eva Luna") && !left.contains("wm-quick"),
        "{left}"
    );
}
