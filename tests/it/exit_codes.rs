//! One table of exit codes for every command (issue 26 point 4): `rolo add`, `rolo
//! import` and `rolo outbox retry` each run into each outcome the server can give, and
//! each ends with the code `rolo add --help` and the man page give for it
//! (`rolo::engine::exit::MEANINGS`). Before, `rolo outbox retry` exited 6 (network) for
//! a 5xx that `rolo add` reported as 7.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use rolo::engine::exit;
use rolo::sandbox::{FaultKind, FaultRule};
use serde_json::json;
use support::{World, code, show};

const CONTACTS: &str = "/whatsmark/api/v2/contacts";

/// Every create answered with `kind`, from now on.
fn every_create(w: &World, kind: FaultKind) {
    w.add_fault(FaultRule {
        path: CONTACTS.into(),
        method: Some("POST".into()),
        kind,
        after: false,
        times: None,
    });
}

/// The CLI world with the demo tenant's rate window cut from 60 s to 1 s: after a 429
/// the import's pacer waits for the window the headers announce, and a test has no
/// minute to spend on it (`rate_window_secs`, as `tests/it/import.rs` does).
fn world() -> World {
    let w = World::cli();
    let status = w.patch("whatsmark", "demo", &json!({"rate_window_secs": 1}));
    assert!(status.is_success(), "PATCH answered {status}");
    w
}

fn answer(status: u16, body: serde_json::Value) -> FaultKind {
    FaultKind::Answer { status, body }
}

/// Each outcome: its name, the answer to every create, and the code the table gives.
fn outcomes() -> Vec<(&'static str, Option<FaultKind>, u8)> {
    vec![
        ("created", None, 0),
        (
            "field errors",
            Some(answer(
                422,
                json!({"error": {"code": "VALIDATION_ERROR", "message": "invalid",
                    "details": {"phone": ["The phone format is invalid."]}}}),
            )),
            exit::VALIDATION,
        ),
        (
            "plan limit",
            Some(answer(
                403,
                json!({"error": {"code": "FEATURE_LIMIT_EXCEEDED", "message": "limit",
                    "details": {"feature": "contacts", "current": 3, "maximum": 3}}}),
            )),
            exit::QUOTA,
        ),
        (
            "revoked token",
            Some(answer(
                401,
                json!({"error": {"code": "TOKEN_REVOKED", "message": "revoked"}}),
            )),
            exit::AUTH,
        ),
        (
            "rate limited",
            Some(answer(
                429,
                json!({"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "slow down"},
                    "meta": {"retry_after": 1}}),
            )),
            exit::RATE_LIMIT,
        ),
        ("connection dropped", Some(FaultKind::Drop), exit::NETWORK),
        ("server error", Some(FaultKind::Status500), exit::SERVER),
        (
            "unreadable answer",
            Some(FaultKind::MalformedJson),
            exit::SERVER,
        ),
    ]
}

fn add(w: &World, phone: &str) -> std::process::Output {
    let phone = format!("phone={phone}");
    w.rolo_sets(&["add"], &["firstname=Meera", "lastname=Iyer", &phone])
}

#[test]
fn every_command_ends_each_outcome_with_the_code_of_the_table() {
    let documented: Vec<u8> = exit::MEANINGS.iter().map(|(c, _)| *c).collect();
    for (what, fault, want) in outcomes() {
        assert!(documented.contains(&want), "{what}: {want} is in the table");

        // rolo add
        let w = world();
        if let Some(kind) = fault.clone() {
            every_create(&w, kind);
        }
        let out = add(&w, "98470 55501");
        assert_eq!(
            code(&out),
            i32::from(want),
            "rolo add, {what}: {}",
            show(&out)
        );

        // rolo import
        let w = world();
        w.write(
            "one.csv",
            "first name,last name,phone\nMeera,Iyer,98470 55502\n",
        );
        if let Some(kind) = fault.clone() {
            every_create(&w, kind);
        }
        let out = w.rolo(&["import", "one.csv"]);
        assert_eq!(
            code(&out),
            i32::from(want),
            "rolo import, {what}: {}",
            show(&out)
        );

        // rolo outbox retry: a contact a 500 put in the outbox, then this outcome.
        let w = world();
        w.add_fault(support::sandbox::once_on_post(
            CONTACTS,
            FaultKind::Status500,
            false,
        ));
        assert_eq!(code(&add(&w, "98470 55503")), i32::from(exit::SERVER));
        if let Some(kind) = fault.clone() {
            every_create(&w, kind);
        }
        let out = w.rolo(&["outbox", "retry"]);
        assert_eq!(
            code(&out),
            i32::from(want),
            "rolo outbox retry, {what}: {}",
            show(&out)
        );
    }
}

#[test]
fn a_conflict_and_a_problem_of_rolo_s_own_have_their_codes_in_every_command() {
    // A conflict: rolo add finds the phone on the server; an outbox item that may have
    // arrived finds someone else with its phone. (An import leaves such a row to the
    // server's uniqueness rule: a field error, 2.)
    let w = world();
    let out = w.rolo_sets(
        &["add"],
        &["firstname=Otro", "lastname=Nombre", "phone=+919587422363"],
    );
    assert_eq!(code(&out), i32::from(exit::CONFLICT), "{}", show(&out));

    let w = world();
    w.add_fault(support::sandbox::once_on_post(
        CONTACTS,
        FaultKind::Drop,
        false,
    ));
    assert_eq!(code(&add(&w, "98470 55504")), i32::from(exit::NETWORK));
    // Meanwhile someone else was saved with that phone.
    let out = w.rolo_sets(
        &["add", "--allow-duplicate"],
        &["firstname=Ravi", "lastname=Kumar", "phone=98470 55504"],
    );
    assert_eq!(code(&out), 0, "{}", show(&out));
    let out = w.rolo(&["outbox", "retry"]);
    assert_eq!(code(&out), i32::from(exit::CONFLICT), "{}", show(&out));

    // rolo's own problems (a config, a file, usage): 1, for every command.
    let w = world();
    for args in [
        &["--profile", "nope", "add", "--set", "firstname=A"][..],
        &["import", "missing.csv"][..],
        &["--profile", "nope", "outbox", "retry"][..],
    ] {
        let out = w.rolo(args);
        assert_eq!(
            code(&out),
            i32::from(exit::OTHER),
            "{args:?}: {}",
            show(&out)
        );
    }
}
