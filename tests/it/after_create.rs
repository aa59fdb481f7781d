//! When the answer to a create cannot say what happened (issue 14): a redirect or an
//! unreadable answer after the server stored the contact says the contact may exist and
//! keeps it in the outbox marked "look first", so a retry finds it instead of creating
//! it twice; and `rolo import` with the server unreachable stops, keeps every row in
//! `unsent.csv` and exits 6.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use rolo::sandbox::{FaultKind, FaultRule};
use support::{World, code, show};

const CONTACTS: &str = "/whatsmark/api/v2/contacts";

/// The create is stored, then answered with `kind`.
fn stored_then(w: &World, kind: FaultKind) {
    w.add_fault(FaultRule {
        path: CONTACTS.into(),
        method: Some("POST".into()),
        kind,
        after: true,
        times: Some(1),
    });
}

fn at_server(w: &World, e164: &str) -> usize {
    w.stored("whatsmark", "demo")
        .iter()
        .filter(|c| c["phone"] == e164)
        .count()
}

fn add(w: &World, phone: &str) -> std::process::Output {
    w.rolo(&[
        "add",
        "--set",
        "firstname=Quizá",
        "--set",
        "lastname=Llegó",
        "--set",
        &format!("phone={phone}"),
    ])
}

/// The answer says nothing sure: the contact may exist, waits in the outbox marked to
/// look first, and the retry finds it rather than creating a second one.
fn may_exist_then_found(kind: FaultKind, phone: &str, e164: &str) {
    let w = World::cli();
    stored_then(&w, kind);
    let out = add(&w, phone);
    assert_ne!(code(&out), 0, "{}", show(&out));
    assert!(show(&out).contains("may exist"), "{}", show(&out));
    assert!(show(&out).contains("outbox"), "{}", show(&out));
    assert_eq!(at_server(&w, e164), 1, "the server stored it");

    let list = w.rolo(&["outbox", "list"]);
    assert_eq!(code(&list), 0, "{}", show(&list));
    assert!(show(&list).contains("Quizá Llegó"), "{}", show(&list));

    let retry = w.rolo(&["outbox", "retry"]);
    assert_eq!(code(&retry), 0, "{}", show(&retry));
    assert_eq!(
        at_server(&w, e164),
        1,
        "found, not created twice: {}",
        show(&retry)
    );
    let history = w.rolo(&["history"]);
    assert!(show(&history).contains("Quizá Llegó"), "{}", show(&history));
}

#[test]
fn a_redirect_after_the_create_keeps_it_to_look_first() {
    may_exist_then_found(
        FaultKind::Redirect { location: None },
        "98765 40001",
        "+919876540001",
    );
}

#[test]
fn an_unreadable_answer_after_the_create_keeps_it_to_look_first() {
    may_exist_then_found(
        FaultKind::Answer {
            status: 200,
            body: "<html>502 Bad Gateway</html>".into(),
        },
        "98765 40002",
        "+919876540002",
    );
}

#[test]
fn an_import_with_the_server_unreachable_stops_and_keeps_every_row_unsent() {
    let w = World::cli();
    let csv = w.write(
        "clientes.csv",
        "firstname,lastname,phone,type,source,status\n\
         Ana,Díaz,98765 40011,lead,Website,Nuevo\n\
         Luz,Mora,98765 40012,lead,Website,Nuevo\n\
         Pía,Ruiz,98765 40013,lead,Website,Nuevo\n",
    );
    let out = w.rolo(&["--profile", "down", "import", csv.to_str().unwrap()]);
    assert_eq!(code(&out), 6, "{}", show(&out));
    assert!(show(&out).contains("cannot be reached"), "{}", show(&out));
    assert!(show(&out).contains("3 not sent"), "{}", show(&out));
    assert!(
        !w.path("clientes.csv.rejected.csv").exists(),
        "{}",
        show(&out)
    );
    let unsent = std::fs::read_to_string(w.path("clientes.csv.unsent.csv")).unwrap();
    assert_eq!(unsent.lines().count(), 4, "{unsent}");
    for name in ["Ana", "Luz", "Pía"] {
        assert!(unsent.contains(name), "{unsent}");
    }
}
