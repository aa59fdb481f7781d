//! End to end: the real `rolo` binary in a real pseudo-terminal, talking HTTP to a real
//! sandbox on 127.0.0.1. Keys go in as bytes, the screen comes back through a vt100
//! parser, and what the sandbox stored is checked against what was typed.
//!
//! No test asserts on speed: every wait is generous (machines are shared and slow).
// Test code: a failed unwrap is a failed test, and scenarios read best in one piece.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use crate::support;

use std::time::{Duration, Instant};

use serde_json::Value;
use support::pty::{CTRL_C, CTRL_S, CTRL_T, ENTER, Pty, Spawn, TAB, WAIT};
use support::{ConfigFile, Profile, SeedExt, World};

/// A sandbox on its own runtime, a temp config (a WhatsMark and a Wipsy profile) and a
/// temp data dir; the keys: the seed's `demo` WhatsMark token (its first, full access)
/// and `loadtest` Wipsy key.
fn world() -> World {
    const WM_ENV: &str = "ROLO_PTY_WM_TOKEN";
    const WIPSY_ENV: &str = "ROLO_PTY_WIPSY_KEY";
    World::new(1, |origin, seed| {
        ConfigFile::new()
            .default_profile("wm")
            .profile(
                Profile::whatsmark("wm", origin, WM_ENV)
                    .label("WhatsMark demo")
                    .color("green")
                    .region("IN"),
            )
            .profile(
                Profile::wipsy("wipsy", origin, WIPSY_ENV)
                    .label("Wipsy loadtest")
                    .color("magenta")
                    .region("CO"),
            )
            .secret(WM_ENV, seed.wm_token("demo", "full"))
            .secret(WIPSY_ENV, seed.wipsy_key("loadtest"))
    })
}

/// The id of a named WhatsMark catalog entry of the `demo` tenant.
fn wm_id(w: &World, kind: &str, name: &str) -> i64 {
    w.seed.wm_id("demo", kind, name)
}

/// The value shown beside a field label (`"Phone *"`), when no popup covers it.
fn value_of(screen: &str, label: &str) -> Option<String> {
    screen.lines().find_map(|line| {
        let inner = line.trim_start_matches('│').trim_start();
        let rest = inner.strip_prefix(label)?;
        Some(rest.trim_end().trim_end_matches('│').trim().to_owned())
    })
}

/// Waits until the field `label` shows `value` (exactly, after trimming).
fn wait_value(p: &Pty, label: &str, value: &str) -> String {
    p.wait_until(&format!("{label} = {value:?}"), WAIT, |s| {
        value_of(&s.contents(), label).as_deref() == Some(value)
    })
    .unwrap()
}

/// With the focus on a picked field: opens its picker, filters by `filter`, takes the
/// first match, and waits until the field shows `shown`.
fn pick(p: &mut Pty, title: &str, label: &str, filter: &str, shown: &str) {
    p.send(ENTER).unwrap();
    p.wait_for(&format!("┌ {title} "), WAIT).unwrap();
    p.send(filter).unwrap();
    p.wait_for(&format!("filter: {filter}"), WAIT).unwrap();
    p.send(ENTER).unwrap();
    p.wait_gone(&format!("┌ {title} "), WAIT).unwrap();
    wait_value(p, label, shown);
}

/// The id in "✓ Created <name> — id <id>".
fn created_id(screen: &str) -> String {
    let at = screen.find("— id ").unwrap() + "— id ".len();
    screen[at..]
        .split(|c: char| c.is_whitespace() || c == '│')
        .next()
        .unwrap()
        .to_owned()
}

/// Types the first three WhatsMark fields and picks Type, Source and Status.
fn type_whatsmark(p: &mut Pty, first: &str, last: &str, phone: &str) {
    p.send(first).unwrap();
    wait_value(p, "First name *", first);
    p.send(TAB).unwrap();
    p.send(last).unwrap();
    wait_value(p, "Last name *", last);
    p.send(TAB).unwrap();
    p.send(phone).unwrap();
    p.wait_for(phone, WAIT).unwrap();
    // Email, Company, then Type: a picked field.
    p.send(&[TAB, TAB, TAB].concat()).unwrap();
    pick(p, "Type", "Type *", "cust", "customer");
    // Choosing moves the focus on, to Source and then Status.
    pick(p, "Source", "Source *", "goog", "Google Ads");
    pick(p, "Status", "Status *", "contact", "■ Contactado");
}

#[test]
fn a_contact_typed_into_each_flavour_is_stored_as_typed() {
    let w = world();
    let mut p = w.start();
    assert!(p.screen().contains("rolo · WhatsMark demo · whatsmark"));

    type_whatsmark(&mut p, "Zoë 王芳", "Ñúñez-Kumar", "+91 98470 12345");
    p.wait_for("→ +919847012345", WAIT).unwrap();
    p.send(CTRL_S).unwrap();
    let screen = p
        .wait_for("✓ Created Zoë 王芳 Ñúñez-Kumar — id ", WAIT)
        .unwrap();
    let id = created_id(&screen);
    let rec = w.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(
        rec["id"].to_string(),
        id,
        "the id on screen is the stored one"
    );
    assert_eq!(rec["firstname"], "Zoë 王芳");
    assert_eq!(rec["lastname"], "Ñúñez-Kumar");
    assert_eq!(rec["phone"], "+919847012345", "normalised to E.164");
    assert_eq!(rec["type"], "customer");
    assert_eq!(rec["source_id"], wm_id(&w, "source", "Google Ads"));
    assert_eq!(rec["status_id"], wm_id(&w, "status", "Contactado"));

    // Ctrl-T, type to filter the switcher, Enter.
    p.send(CTRL_T).unwrap();
    p.wait_for("Switch profile", WAIT).unwrap();
    p.send("wipsy").unwrap();
    p.wait_for("filter: wipsy", WAIT).unwrap();
    p.send(ENTER).unwrap();
    p.wait_for("rolo · Wipsy loadtest · wipsy", WAIT).unwrap();
    // The key resolves and the catalog loads in the background; Ctrl-S before that would
    // only say "still connecting".
    p.wait_for("catalog fresh", WAIT).unwrap();
    wait_value(&p, "Last name", "—");

    p.send("Ölçer Ñandú").unwrap();
    wait_value(&p, "First name *", "Ölçer Ñandú");
    p.send(&[TAB, "Pérez", TAB, "301 555 0199"].concat())
        .unwrap();
    p.wait_for("301 555 0199  → +573015550199", WAIT).unwrap();
    p.send(CTRL_S).unwrap();
    let screen = p
        .wait_for("✓ Created Ölçer Ñandú Pérez — id ", WAIT)
        .unwrap();
    let id = created_id(&screen);
    let rec = w.stored("wipsy", "loadtest").last().unwrap().clone();
    assert_eq!(rec["id"], id.as_str());
    assert_eq!(rec["name"], "Ölçer Ñandú");
    assert_eq!(rec["last_name"], "Pérez");
    assert_eq!(
        rec["phone"], "+573015550199",
        "normalised with the region CO"
    );

    // Ctrl-C leaves cleanly; both forms were emptied by their submits, so no draft stays.
    p.send(CTRL_C).unwrap();
    assert!(p.wait_exit(WAIT), "rolo exits on Ctrl-C");
    assert!(
        !w.data_dir().join("drafts/wm.json").exists()
            && !w.data_dir().join("drafts/wipsy.json").exists(),
        "a sent contact leaves no draft behind"
    );
}

/// Polls until the saved draft of `profile` holds `value` under `key`.
fn wait_draft(w: &World, profile: &str, key: &str, value: &str) {
    let path = w.data_dir().join(format!("drafts/{profile}.json"));
    let deadline = Instant::now() + WAIT;
    loop {
        let saved: Option<Value> = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        if saved.is_some_and(|s| s["draft"]["values"][key] == value) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the draft at {} never held {key} = {value:?}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_draft_survives_kill_9_with_wide_chars_and_emoji() {
    let w = world();
    let mut p = w.start();
    let first = "José 王芳 🙂";
    let last = "Ñúñez García ✓";
    let phone = "+91 98470 12345";
    let company = "Ferretería 中文 ✓";
    p.send(first).unwrap();
    wait_value(&p, "First name *", first);
    p.send(&[TAB, last, TAB, phone, TAB, TAB, company].concat())
        .unwrap();
    wait_value(&p, "Company", company);
    // Autosave runs about 150 ms after the last change; wait for the file, not the clock.
    wait_draft(&w, "wm", "company", company);
    p.kill9().unwrap();
    drop(p);

    let p = w.spawn().start().unwrap();
    let screen = p.wait_for("Restored your unsent draft: wm", WAIT).unwrap();
    for (label, value) in [
        ("First name *", first),
        ("Last name *", last),
        ("Company", company),
    ] {
        assert_eq!(
            value_of(&screen, label).as_deref(),
            Some(value),
            "{label} is back:\n{screen}"
        );
    }
    assert!(screen.contains(phone), "the phone is back:\n{screen}");
}

#[test]
fn a_server_field_error_lands_under_its_field_and_keeps_the_form() {
    let w = world();
    let before = w.stored("whatsmark", "demo").len();
    let mut p = w.start();
    // The seed's demo tenant already holds +919587422363. rolo's duplicate check warns
    // first (one extra confirmation); sent anyway, the server refuses it on the field.
    type_whatsmark(&mut p, "Ravi", "Kumar", "95874 22363");
    p.send(CTRL_S).unwrap();
    p.wait_for("Possible duplicate of Priya Raghunathan", WAIT)
        .unwrap();
    p.send(ENTER).unwrap();
    let screen = p
        .wait_for("This phone number already exists.", WAIT)
        .unwrap();
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines
        .iter()
        .position(|l| {
            l.trim_start_matches('│')
                .trim_start()
                .starts_with("Phone *")
        })
        .unwrap();
    assert!(
        lines[at + 1].contains("✗ This phone number already exists."),
        "the error sits right under Phone:\n{screen}"
    );
    for (label, value) in [
        ("First name *", "Ravi"),
        ("Last name *", "Kumar"),
        ("Type *", "customer"),
        ("Source *", "Google Ads"),
        ("Status *", "■ Contactado"),
    ] {
        assert_eq!(
            value_of(&screen, label).as_deref(),
            Some(value),
            "{label}:\n{screen}"
        );
    }
    assert!(
        value_of(&screen, "Phone *")
            .unwrap()
            .starts_with("95874 22363")
    );
    assert!(!screen.contains("✓ Created"));
    assert_eq!(
        w.stored("whatsmark", "demo").len(),
        before,
        "nothing stored"
    );
}

#[test]
fn no_color_shows_the_embedded_demo_form_without_colour() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Spawn::new(env!("CARGO_BIN_EXE_rolo"), 120, 40)
        .rolo_dirs(&dir.path().join("missing.toml"), &dir.path().join("data"))
        .env("NO_COLOR", "1")
        .start()
        .unwrap();
    p.wait_for("No config at", WAIT).unwrap();
    p.wait_for("Ctrl-S send", WAIT).unwrap();
    let screen = p.wait_for("catalog fresh", WAIT).unwrap();
    assert!(screen.contains("rolo · Demo WhatsMark (sandbox) · whatsmark"));
    // Status (coloured statuses, shown with swatches) is the 8th field.
    p.send(&TAB.repeat(7)).unwrap();
    p.send(ENTER).unwrap();
    p.wait_for("┌ Status ", WAIT).unwrap();
    p.wait_for("■ Interesado", WAIT).unwrap();
    let coloured = p.wait_until("a screen", WAIT, |s| {
        let (rows, cols) = s.size();
        let mut found = Vec::new();
        for r in 0..rows.get() {
            for c in 0..cols.get() {
                let cell = s.cell(r, c).unwrap();
                if cell.fgcolor() != vt100::Color::Default
                    || cell.bgcolor() != vt100::Color::Default
                {
                    found.push((r, c, cell.contents().to_owned()));
                }
            }
        }
        assert!(found.is_empty(), "NO_COLOR, yet coloured cells: {found:?}");
        true
    });
    coloured.unwrap();
}

/// Start does only what the first frame needs (issue 23): the phone database loads on a
/// worker right after it. A saved draft's phone shows "→ …" on the first frame (never a
/// guess, never a freeze), then its E.164 form once the database is in.
#[test]
fn the_first_frame_shows_a_saved_phone_as_pending_then_normalised() {
    let w = world();
    let mut draft = rolo::contact::Draft::default();
    draft.set("firstname", "Ravi");
    draft.set("phone", "98470 94025");
    rolo::engine::drafts::save(&w.data_dir(), "wm", &draft).unwrap();
    let mut p = w.start();
    p.wait_for("→ +919847094025", WAIT).unwrap();
    let raw = p.raw_since(0);
    let pending = support::pty::position(&raw, "→ …").expect("the first frame shows → …");
    let known = support::pty::position(&raw, "+919847094025").unwrap();
    assert!(pending < known, "… comes first, then the number");
    p.send(CTRL_C).unwrap();
    assert!(p.wait_exit(WAIT));
}

/// rolo in a 120x40 pty with no config anywhere: an empty config dir, no `ROLO_CONFIG`
/// (the pty clears it), its data in `dir`.
fn with_no_config(dir: &std::path::Path) -> Spawn {
    Spawn::new(env!("CARGO_BIN_EXE_rolo"), 120, 40)
        .env("XDG_CONFIG_HOME", dir.join("xdg").display().to_string())
        .env("ROLO_DATA_DIR", dir.join("data").display().to_string())
}

/// Issue 25 (9): `rolo add` with no config, at a terminal, runs on the built-in sandbox as
/// the form does, and says so; without a terminal (a script) it is refused as before, and
/// so is a config file named with `ROLO_CONFIG` / `--config` that is not there, even at
/// a terminal (a typo in the path must not "create" a contact in the demo).
#[test]
fn rolo_add_with_no_config_agrees_with_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.toml");
    // No config at the default place: an empty config dir, no ROLO_CONFIG.
    let mut p = with_no_config(dir.path())
        .arg("add")
        .arg("--quick")
        .arg("Ana Pérez 98470 11122 @nuevo source:Website")
        .start()
        .unwrap();
    p.wait_for(
        "this runs on the built-in sandbox (Demo WhatsMark (sandbox))",
        WAIT,
    )
    .unwrap();
    p.wait_for("Created Ana Pérez (id ", WAIT).unwrap();
    assert_eq!(p.wait_exit_code(WAIT), Some(0));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rolo"))
        .args(["add", "--quick", "Ana Pérez 98470 11122"])
        .env("ROLO_CONFIG", &missing)
        .env("ROLO_DATA_DIR", dir.path().join("data"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no config file at"));

    let mut p = Spawn::new(env!("CARGO_BIN_EXE_rolo"), 120, 40)
        .rolo_dirs(&missing, &dir.path().join("data"))
        .arg("add")
        .arg("--quick")
        .arg("Ana Pérez 98470 11123 @nuevo source:Website")
        .start()
        .unwrap();
    let screen = p.wait_for("no config file at", WAIT).unwrap();
    assert!(screen.contains("missing.toml"), "{screen}");
    assert!(!screen.contains("built-in sandbox"), "{screen}");
    assert_eq!(p.wait_exit_code(WAIT), Some(1));
}

/// With no config, an unknown `--profile` is refused by the form as by `rolo add`, with
/// the built-in sandbox's profile names (the form used to open the first one silently).
#[test]
fn an_unknown_profile_on_the_built_in_sandbox_is_refused_by_every_face() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--profile", "nope"][..],
        &["--profile", "nope", "add", "--quick", "Ana 98470 11124"],
    ] {
        let mut spawn = with_no_config(dir.path());
        for a in args {
            spawn = spawn.arg(*a);
        }
        let mut p = spawn.start().unwrap();
        p.wait_for(
            "the built-in sandbox has no profile \"nope\" (it has demo-whatsmark, demo-wipsy, demo-chatwoot)",
            WAIT,
        )
        .unwrap();
        assert_eq!(p.wait_exit_code(WAIT), Some(1), "{args:?}");
    }
}
