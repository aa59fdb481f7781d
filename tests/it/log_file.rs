//! The log file (issue 13): every request rolo makes is a line in
//! `DATA/logs/rolo.log.DATE` (method, path, status, duration, rate limit), with catalog
//! refreshes and outbox moves; nothing goes to the terminal; and after every error path
//! (401, a redirect to another origin, a network failure, a dry run) neither the log, nor
//! any file of the data dir, nor anything rolo printed or drew holds the key, an
//! `Authorization` header or an `x-api-key` header.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use std::process::Output;

use rolo::sandbox::{FaultKind, FaultRule};
use support::world::files_under;
use support::{World, code, show};

const CONTACTS: &str = "/whatsmark/api/v2/contacts";

/// `rolo ARGS` with the log at debug level; what it printed.
fn run(w: &World, args: &[&str]) -> Output {
    w.command()
        .env("ROLO_LOG", "debug")
        .args(args)
        .output()
        .unwrap()
}

fn add(w: &World, profile: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "--profile",
        profile,
        "add",
        "--set",
        "firstname=Lucía",
        "--set",
        "lastname=Traza",
        "--set",
        "phone=+91 98470 11122",
        "--set",
        "type=lead",
        "--set",
        "source_id=110",
        "--set",
        "status_id=281",
    ];
    args.extend_from_slice(extra);
    run(w, &args)
}

fn log_text(w: &World) -> String {
    let dir = w.data_dir().join("logs");
    let mut text = String::new();
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        assert!(
            e.file_name().to_string_lossy().starts_with("rolo.log"),
            "{}",
            e.file_name().display()
        );
        text.push_str(&std::fs::read_to_string(e.path()).unwrap());
    }
    text
}

/// Neither a key nor a credential header in any of `texts`.
fn assert_clean(w: &World, texts: &[String]) {
    for t in texts {
        for (_, secret) in w.secrets() {
            assert!(!t.contains(&secret), "a key leaked into: {t}");
        }
        let lower = t.to_lowercase();
        assert!(
            !lower.contains("authorization"),
            "an Authorization header: {t}"
        );
        assert!(!lower.contains("x-api-key"), "an x-api-key header: {t}");
        assert!(!lower.contains("bearer"), "a bearer token: {t}");
    }
}

#[test]
fn requests_are_logged_and_no_error_path_leaks_the_key() {
    let w = World::cli();
    let mut printed = Vec::new();
    let mut keep = |out: &Output| {
        printed.push(String::from_utf8_lossy(&out.stdout).into_owned());
        printed.push(String::from_utf8_lossy(&out.stderr).into_owned());
    };

    let ok = add(&w, "wm", &[]);
    assert_eq!(code(&ok), 0, "{}", show(&ok));
    keep(&ok);
    let refused = add(&w, "wm-revoked", &[]);
    assert_eq!(code(&refused), 4, "{}", show(&refused));
    keep(&refused);
    w.add_fault(FaultRule {
        path: CONTACTS.into(),
        method: Some("POST".into()),
        kind: FaultKind::Redirect { location: None },
        after: false,
        times: Some(1),
    });
    let redirected = add(&w, "wm", &["--set", "phone=+91 98470 11133"]);
    assert_eq!(code(&redirected), 7, "{}", show(&redirected));
    keep(&redirected);
    let down = add(&w, "down", &[]);
    assert_eq!(code(&down), 6, "{}", show(&down));
    keep(&down);
    let dry = add(&w, "wm", &["--dry-run", "--set", "phone=+91 98470 11144"]);
    assert_eq!(code(&dry), 0, "{}", show(&dry));
    keep(&dry);

    let log = log_text(&w);
    for line in [
        "POST /contacts → 201",
        // A revoked key: refused on the catalog fetch, and no create is sent with it
        // (issue 25: it stops there with exit 4).
        "GET /sources → 401",
        "POST /contacts → 307",
        "POST /contacts failed after",
        "rolo::outbox",
    ] {
        assert!(log.contains(line), "the log has {line:?}:\n{log}");
    }
    assert!(log.contains("rate "), "rate-limit figures:\n{log}");
    // The query of a search may hold a phone; the log keeps only the path.
    assert!(!log.contains("search="), "{log}");
    // Nothing of the log reached the terminal.
    assert!(printed.iter().all(|t| !t.contains("rolo::http")));
    let mut texts = printed;
    texts.push(log);
    texts.extend(files_under(&w.data_dir()));
    assert_clean(&w, &texts);
}

#[test]
fn the_log_dir_is_private_and_rolo_log_sets_the_level() {
    let w = World::cli();
    let out = w
        .command()
        .env("ROLO_LOG", "error")
        .args(["catalog", "refresh"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(
        !log_text(&w).contains("rolo::http"),
        "info lines are below error"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(w.data_dir().join("logs"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }
    let out = run(&w, &["catalog", "refresh"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    let log = log_text(&w);
    assert!(log.contains("rolo::catalog"), "{log}");
    assert!(log.contains("GET /"), "{log}");
}

#[test]
fn the_form_on_a_refused_key_shows_no_trace_of_it() {
    let w = World::cli();
    let p = w
        .spawn()
        .env("ROLO_PROFILE", "wm-revoked")
        .env("ROLO_LOG", "debug")
        .start()
        .unwrap();
    let screen = p.wait_for("revoked", support::pty::WAIT).unwrap();
    drop(p);
    let mut texts = vec![screen, log_text(&w)];
    texts.extend(files_under(&w.data_dir()));
    assert_clean(&w, &texts);
}
