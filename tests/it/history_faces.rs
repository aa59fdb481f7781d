//! Every face records a created contact in the history exactly once: `rolo add`,
//! `rolo import`, `rolo outbox retry` and the TUI all go through the engine's recorder,
//! so `rolo history`, F4 and the Wipsy monthly estimate see every contact rolo created.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use std::time::Duration;

use rolo::sandbox::{FaultKind, FaultRule};
use support::{World, code, stderr};

/// The history lines (`history.jsonl`) that name this server id.
fn entries_with_id(w: &World, id: &str) -> usize {
    let text = std::fs::read_to_string(w.data_dir().join("history.jsonl")).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["id"] == id)
        .count()
}

/// The server id of the stored contact with this phone (exactly one must exist).
fn stored_id(w: &World, flavour: &str, phone: &str) -> String {
    let found: Vec<_> = w
        .stored(flavour, "demo")
        .into_iter()
        .filter(|c| c["phone"] == phone)
        .collect();
    assert_eq!(found.len(), 1, "one contact with {phone} at the sandbox");
    match &found[0]["id"] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn history(w: &World, profile: &str) -> String {
    let out = w.rolo(&["--profile", profile, "history"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn rolo_add_lands_in_history_once_for_both_flavours() {
    let w = World::cli();
    let out = w.rolo(&[
        "add",
        "--set",
        "firstname=Meera",
        "--set",
        "lastname=Iyer",
        "--set",
        "phone=98470 55501",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let id = stored_id(&w, "whatsmark", "+919847055501");
    assert_eq!(entries_with_id(&w, &id), 1);
    let shown = history(&w, "wm");
    assert!(
        shown.contains("Meera Iyer") && shown.contains(&id),
        "{shown}"
    );

    let out = w.rolo(&[
        "--profile",
        "wipsy",
        "add",
        "--set",
        "name=Iñaki",
        "--set",
        "last_name=Zubiri",
        "--set",
        "phone=318 877 9050",
        "--set",
        "custom.Número de documento=71.234.568",
        "--set",
        "custom.Canal preferido=Llamada",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let id = stored_id(&w, "wipsy", "+573188779050");
    assert_eq!(entries_with_id(&w, &id), 1);
    assert!(history(&w, "wipsy").contains("Iñaki Zubiri"));
    w.assert_no_secret_leaked();
}

#[test]
fn the_wipsy_monthly_estimate_counts_a_contact_from_rolo_add() {
    let w = World::cli();
    for (n, phone) in ["318 877 9051", "318 877 9052"].iter().enumerate() {
        let out = w.rolo(&[
            "--profile",
            "wipsy",
            "add",
            "--set",
            &format!("name=Ana{n}"),
            "--set",
            &format!("phone={phone}"),
            "--set",
            &format!("custom.Número de documento=71.234.57{n}"),
            "--set",
            "custom.Canal preferido=Llamada",
        ]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    // The form's status bar, in the real binary, counts what `rolo add` created.
    let tui = w.spawn().arg("--profile").arg("wipsy").start().unwrap();
    let screen = tui
        .wait_for("this month 2 via rolo", Duration::from_secs(20))
        .unwrap_or_else(|e| panic!("{e}: {}", tui.screen()));
    assert!(screen.contains("this month 2 via rolo"));
}

#[test]
fn rolo_import_lands_in_history_once() {
    let w = World::cli();
    let csv = w.write(
        "people.csv",
        "firstname,lastname,phone\nLucía,Gómez,98470 55510\nPedro,Rojas,98470 55511\n",
    );
    let out = w.rolo(&["import", csv.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for phone in ["+919847055510", "+919847055511"] {
        let id = stored_id(&w, "whatsmark", phone);
        assert_eq!(entries_with_id(&w, &id), 1, "{phone}");
    }
    // A rerun creates nothing and records nothing again.
    let out = w.rolo(&["import", csv.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let id = stored_id(&w, "whatsmark", "+919847055510");
    assert_eq!(entries_with_id(&w, &id), 1);
    assert!(history(&w, "wm").contains("Lucía Gómez"));
}

#[test]
fn rolo_outbox_retry_lands_in_history_once() {
    let w = World::cli();
    // Warm the catalog so the fault meets the create.
    assert_eq!(code(&w.rolo(&["catalog", "refresh"])), 0);
    w.add_fault(FaultRule {
        path: "/whatsmark/api/v2/contacts".into(),
        method: Some("POST".into()),
        kind: FaultKind::Status500,
        after: false,
        times: Some(1),
    });
    let out = w.rolo(&[
        "add",
        "--set",
        "firstname=Nadia",
        "--set",
        "lastname=Khan",
        "--set",
        "phone=98470 55520",
    ]);
    assert_ne!(code(&out), 0, "the 500 fails the first try");
    assert!(!history(&w, "wm").contains("Nadia Khan"), "not created yet");
    let out = w.rolo(&["outbox", "retry"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let id = stored_id(&w, "whatsmark", "+919847055520");
    assert_eq!(entries_with_id(&w, &id), 1);
    // A second retry has nothing to send and records nothing.
    assert_eq!(code(&w.rolo(&["outbox", "retry"])), 0);
    assert_eq!(entries_with_id(&w, &id), 1);
}
