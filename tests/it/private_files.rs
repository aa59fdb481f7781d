//! Private files (issue 14): with umask 022, the data dir is 0700 and every file rolo
//! writes in it 0600 (history, outbox, journals, drafts, caches, logs), the reports beside
//! an import take the input's mode but never wider than 0600, and wider permissions left
//! from before are narrowed with a notice.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Output};

use rolo::sandbox::FaultKind;
use support::{World, show};

/// `rolo ARGS` under `umask 022`, with the world's environment.
fn rolo_umask_022(w: &World, args: &[&str]) -> Output {
    let base = w.command();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("umask 022; exec \"$0\" \"$@\"")
        .arg(base.get_program())
        .args(args)
        .current_dir(w.dir.path());
    for (k, v) in base.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.output().unwrap()
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Every file and folder under `dir` with its mode.
fn modes_under(dir: &Path) -> Vec<(String, u32)> {
    let mut out = vec![(dir.display().to_string(), mode(dir))];
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(modes_under(&e.path()));
        } else {
            out.push((e.path().display().to_string(), mode(&e.path())));
        }
    }
    out
}

const ADD: [&str; 7] = [
    "add",
    "--set",
    "firstname=Privada",
    "--set",
    "lastname=Ruiz",
    "--set",
    "phone=98470 33311",
];

#[test]
fn everything_in_the_data_dir_is_owner_only_whatever_the_umask() {
    let w = World::cli();
    let out = rolo_umask_022(&w, &ADD);
    assert!(out.status.success(), "{}", show(&out));
    // On the create (the duplicate search before it is a GET).
    w.add_fault(support::sandbox::once_on_post(
        "/whatsmark/api/v2/contacts",
        FaultKind::Status500,
        false,
    ));
    let out = rolo_umask_022(&w, &[&ADD[..6], &["phone=98470 33312"]].concat());
    assert!(!out.status.success(), "{}", show(&out));
    let csv = w.write(
        "people.csv",
        "firstname,lastname,phone\nAna,,98470 33313\nLuz,Paz,98470 33314\n",
    );
    std::fs::set_permissions(&csv, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = rolo_umask_022(&w, &["import", csv.to_str().unwrap()]);
    assert!(!out.status.success(), "a row was rejected: {}", show(&out));
    for (path, m) in modes_under(&w.data_dir()) {
        let dir = Path::new(&path).is_dir();
        assert_eq!(m, if dir { 0o700 } else { 0o600 }, "{path}: {m:o}");
    }
    assert_eq!(mode(&w.path("people.csv.rejected.csv")), 0o600);
    // A narrower input keeps its narrower mode for its reports.
    let csv = w.write("mine.csv", "firstname,lastname,phone\nAna,,98470 33315\n");
    std::fs::set_permissions(&csv, std::fs::Permissions::from_mode(0o400)).unwrap();
    rolo_umask_022(&w, &["import", csv.to_str().unwrap()]);
    assert_eq!(mode(&w.path("mine.csv.rejected.csv")), 0o400);
}

#[test]
fn wider_permissions_from_before_are_narrowed_with_a_notice() {
    let w = World::cli();
    let out = rolo_umask_022(&w, &ADD);
    assert!(out.status.success(), "{}", show(&out));
    let data = w.data_dir();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let history = data.join("history.jsonl");
    std::fs::set_permissions(&history, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = rolo_umask_022(&w, &["history"]);
    assert!(out.status.success(), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("were readable by other users"),
        "{}",
        show(&out)
    );
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&history), 0o600);
    // Said once: the next run finds nothing to narrow.
    let out = rolo_umask_022(&w, &["history"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("readable by other users"));
}
