//! Two rolo processes on one data dir (issue 12): outbox items are sent once whoever
//! retries them — two `rolo outbox retry` at once, two forms that both retry on start —
//! and a send lock left by `kill -9` is no lock at all. Each race runs several rounds in
//! a row (10, or `ROLO_STRESS_ROUNDS`: `support::stress_rounds`), bounded in time, and
//! counts contacts at the sandbox.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use rolo::sandbox::{FaultKind, FaultRule};
use support::pty::WAIT;
use support::{World, code, show};

const CONTACTS: &str = "/whatsmark/api/v2/contacts";
/// Rounds of each race on every run (every run made 20 before `ROLO_STRESS_ROUNDS`, which
/// sets the count of every stress loop), and the time a round may take: the bound grows
/// with the rounds.
const QUICK_ROUNDS: usize = 10;
const PER_ROUND: Duration = Duration::from_secs(12);

/// Every create waits `ms` at the sandbox, so two senders overlap.
fn slow_creates(w: &World, ms: u64) {
    w.add_fault(FaultRule {
        path: CONTACTS.into(),
        method: Some("POST".into()),
        kind: FaultKind::Delay { ms },
        after: false,
        times: None,
    });
}

fn clear_faults(w: &World) {
    w.handle().clear_faults();
}

/// `rolo add` against a server error: the contact waits in the outbox, marked as one
/// that may have arrived (so a resend looks first, then creates).
fn kept_in_outbox(w: &World, phone: &str) {
    // On the create (the duplicate search before it is a GET).
    w.add_fault(support::sandbox::once_on_post(
        CONTACTS,
        FaultKind::Status500,
        false,
    ));
    let out = w.rolo(&[
        "add",
        "--set",
        "firstname=Carrera",
        "--set",
        "lastname=Doble",
        "--set",
        &format!("phone={phone}"),
    ]);
    assert_ne!(code(&out), 0, "{}", show(&out));
    assert!(show(&out).contains("outbox"), "{}", show(&out));
}

/// How many contacts the sandbox holds with this (local) phone.
fn at_server(w: &World, phone: &str) -> usize {
    let e164 = format!("+91{}", phone.replace(' ', ""));
    w.stored("whatsmark", "demo")
        .iter()
        .filter(|c| c["phone"] == e164.as_str())
        .count()
}

fn outbox_files(w: &World) -> usize {
    std::fs::read_dir(w.data_dir().join("outbox")).map_or(0, |d| {
        d.flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .count()
    })
}

#[test]
fn two_retries_at_once_send_each_item_once() {
    let w = World::cli();
    w.unlimited();
    let rounds = support::stress_rounds(QUICK_ROUNDS);
    for round in support::bounded(rounds, PER_ROUND) {
        let phones: Vec<String> = (0..2).map(|n| format!("97{:08}", round * 10 + n)).collect();
        for p in &phones {
            kept_in_outbox(&w, p);
        }
        slow_creates(&w, 100);
        let spawn = || {
            w.command()
                .args(["outbox", "retry"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        clear_faults(&w);
        for p in &phones {
            assert_eq!(
                at_server(&w, p),
                1,
                "round {round}: {p} at the server\nA: {}\nB: {}",
                show(&a),
                show(&b)
            );
        }
        assert_eq!(outbox_files(&w), 0, "round {round}: the outbox is empty");
    }
    let history = std::fs::read_to_string(w.data_dir().join("history.jsonl")).unwrap();
    assert_eq!(
        history.lines().count(),
        rounds * 2,
        "one history line per contact"
    );
    for line in history.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
}

/// Whether some process holds an outbox item's send lock (an OS lock on its file).
fn lock_held(w: &World) -> bool {
    let Ok(dir) = std::fs::read_dir(w.data_dir().join("outbox")) else {
        return false;
    };
    dir.flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "lock"))
        .any(|e| {
            std::fs::File::open(e.path())
                .is_ok_and(|f| matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock)))
        })
}

#[test]
fn a_send_lock_left_by_kill_9_is_recovered() {
    let w = World::cli();
    let phone = "9733300001";
    kept_in_outbox(&w, phone);
    slow_creates(&w, 10_000);
    let mut child = w
        .command()
        .args(["outbox", "retry"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the retry holds the item's send lock, then kill -9 it mid-send.
    let deadline = Instant::now() + WAIT;
    while !lock_held(&w) {
        assert!(Instant::now() < deadline, "the retry never took the lock");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    clear_faults(&w);
    let out = w.rolo(&["outbox", "retry"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(!show(&out).contains("another rolo"), "{}", show(&out));
    assert_eq!(at_server(&w, phone), 1);
    assert_eq!(outbox_files(&w), 0);
}

#[test]
fn two_forms_that_retry_on_start_send_an_item_once() {
    let w = World::cli();
    w.unlimited();
    let rounds = support::stress_rounds(QUICK_ROUNDS);
    for round in support::bounded(rounds, PER_ROUND) {
        let phone = format!("96{round:08}");
        kept_in_outbox(&w, &phone);
        slow_creates(&w, 150);
        let a = w.spawn().start().unwrap();
        let b = w.spawn().start().unwrap();
        // Each form says what became of the item once its retry ends (one sends it, the
        // other leaves it to the first); the sender may still be at it.
        for p in [&a, &b] {
            p.wait_for("From the outbox", WAIT).unwrap();
        }
        let deadline = Instant::now() + WAIT;
        while outbox_files(&w) > 0 {
            assert!(Instant::now() < deadline, "round {round}: the item stays");
            std::thread::sleep(Duration::from_millis(20));
        }
        drop((a, b));
        clear_faults(&w);
        assert_eq!(at_server(&w, &phone), 1, "round {round}");
        assert_eq!(outbox_files(&w), 0, "round {round}");
    }
}

/// Issue 24: the terminal goes away (kill -9) while a send is out and the server has
/// stored the contact. The next start does not bring it back as a plain draft that a
/// Ctrl-S would send again: it waits in the outbox marked "may exist", and the retry on
/// start finds it on the server. One contact, on a tenant that would take a second.
#[test]
fn a_form_killed_mid_send_leaves_an_outbox_item_that_is_found_not_resent() {
    let w = World::cli();
    w.unlimited();
    let on = serde_json::json!({ "allow_duplicates": true });
    assert!(w.patch("whatsmark", "demo", &on).is_success());
    let phone = "9733300077";
    // Stored at once, answered 30 s later: the kill comes in between.
    w.add_fault(FaultRule {
        path: CONTACTS.into(),
        method: Some("POST".into()),
        kind: FaultKind::Delay { ms: 30_000 },
        after: true,
        times: Some(1),
    });
    let mut p = w.start();
    for (text, next) in [("Carrera", "\t"), ("Doble", "\t"), (phone, "")] {
        p.send(text).unwrap();
        p.send(next).unwrap();
    }
    p.send(support::pty::CTRL_S).unwrap();
    let deadline = Instant::now() + WAIT;
    while at_server(&w, phone) == 0 {
        assert!(Instant::now() < deadline, "never stored:\n{}", p.screen());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(outbox_files(&w), 1, "in flight, it waits in the outbox");
    p.kill9().unwrap();
    drop(p);
    clear_faults(&w);
    let p = w.spawn().start().unwrap();
    p.wait_for("was being sent when rolo closed", WAIT).unwrap();
    p.wait_for("already on the server", WAIT).unwrap();
    let deadline = Instant::now() + WAIT;
    while outbox_files(&w) > 0 {
        assert!(Instant::now() < deadline, "the item stays:\n{}", p.screen());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !p.screen().contains("First name *  Carrera"),
        "not a draft:\n{}",
        p.screen()
    );
    assert_eq!(at_server(&w, phone), 1);
    let history = rolo::engine::record::read(&w.data_dir());
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0].phone, format!("+91{phone}"));
}
