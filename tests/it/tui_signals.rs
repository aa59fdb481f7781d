//! Signals end the form as Ctrl-C does: `SIGTERM` and `SIGHUP` restore the terminal
//! (alternate screen left, mouse and paste reporting off), keep the draft, say why on
//! stderr and exit with 128 plus the signal's number. Before, their default action
//! killed rolo with the terminal still taken. `SIGINT` is ignored while the form is open
//! (it also killed rolo). The real binary in a pty.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use rolo::engine::drafts;
use support::World;
use support::pty::{WAIT, position};

#[test]
fn a_signal_restores_the_terminal_keeps_the_draft_and_says_why() {
    let w = World::cli();
    for (signal, status) in [("TERM", 143), ("HUP", 129)] {
        let _ = std::fs::remove_dir_all(w.data_dir().join("drafts"));
        let mut p = w.spawn().start().unwrap();
        p.wait_for("Ctrl-S send", WAIT).unwrap();
        p.send("Zo").unwrap();
        p.wait_for("First name *  Zo ", WAIT).unwrap();
        // SIGINT is not a stop: the form goes on taking keys.
        p.signal("INT").unwrap();
        p.send("ë").unwrap();
        p.wait_for("First name *  Zoë ", WAIT).unwrap();
        let from = usize::try_from(p.bytes_read()).unwrap();
        p.signal(signal).unwrap();
        assert_eq!(p.wait_exit_code(WAIT), Some(status), "SIG{signal}");
        // What rolo wrote after the signal: the terminal given back, then the reason.
        let why = format!("rolo: stopped by SIG{signal}; the drafts are saved");
        p.wait_for(&why, WAIT).unwrap();
        let raw = p.raw_since(from);
        let at =
            |s: &str| position(&raw, s).unwrap_or_else(|| panic!("SIG{signal}: {s:?} never sent"));
        assert!(
            at("\x1b[?1000l") < at("\x1b[?1049l"),
            "SIG{signal}: mouse off first"
        );
        assert!(
            at("\x1b[?2004l") < at("\x1b[?1049l"),
            "SIG{signal}: paste off first"
        );
        assert!(
            at("\x1b[?1049l") < at(&why),
            "SIG{signal}: said after the screen is back"
        );
        let saved = drafts::load(&w.data_dir(), "wm").unwrap();
        assert_eq!(saved.draft.get("firstname"), "Zoë", "SIG{signal}");
    }
}

/// Issue 25 (6): leaving the form while contacts wait in the outbox says how many and how
/// they will go (exit 0: a quit is not an error).
#[test]
fn quitting_with_contacts_in_the_outbox_says_so() {
    let w = World::cli();
    let mut draft = rolo::contact::Draft::default();
    for (k, v) in [("firstname", "Meera"), ("lastname", "Iyer")] {
        draft.set(k, v);
    }
    // Kept for the profile whose server is down: it stays there whatever the form does.
    let item = rolo::store::outbox::Item::new("down", draft, "Meera Iyer", "refused", false, None);
    rolo::store::outbox::put(&w.data_dir(), &item).unwrap();
    let mut p = w.spawn().start().unwrap();
    p.wait_for("Ctrl-S send", WAIT).unwrap();
    p.send(support::pty::CTRL_Q).unwrap();
    assert_eq!(p.wait_exit_code(WAIT), Some(0));
    p.wait_for(
        "rolo: 1 contact waits in the outbox (Meera Iyer): the form sends it when it starts \
         again, or `rolo outbox retry` sends it now",
        WAIT,
    )
    .unwrap();
}

/// Whether `stty -a` says raw: no canonical input, no echo.
fn raw(modes: &str) -> bool {
    let words: Vec<&str> = modes.split_whitespace().collect();
    words.contains(&"-icanon") && words.contains(&"-echo")
}

#[test]
fn a_suspend_gives_the_terminal_back_and_a_continue_takes_it_again() {
    let w = World::cli();
    let mut p = w.spawn().start().unwrap();
    p.wait_for("Ctrl-S send", WAIT).unwrap();
    p.send("Zo").unwrap();
    p.wait_for("First name *  Zo ", WAIT).unwrap();
    assert!(raw(&p.tty_modes().unwrap()), "the form runs in raw mode");

    // SIGTSTP from outside (a shell's `suspend`, `kill -TSTP`): the terminal given back
    // as on quit, then stopped.
    let from = usize::try_from(p.bytes_read()).unwrap();
    p.signal("TSTP").unwrap();
    assert!(
        p.wait_until_true(WAIT, |p| p.proc_state() == Some('T')),
        "stopped"
    );
    // rolo writes these before it stops, but the pty's reader thread may not have read
    // them yet when the state turns to T: wait for them, do not sample once.
    for (what, seq) in [
        ("mouse off", "\x1b[?1000l"),
        ("paste off", "\x1b[?2004l"),
        ("main screen", "\x1b[?1049l"),
    ] {
        assert!(
            p.wait_until_true(WAIT, |p| position(&p.raw_since(from), seq).is_some()),
            "{what} before the stop"
        );
    }
    let modes = p.tty_modes().unwrap();
    assert!(!raw(&modes), "cooked while stopped: {modes}");

    // `fg`: raw again, the alternate screen taken, the form repainted; a key lands in
    // the field.
    let from = usize::try_from(p.bytes_read()).unwrap();
    p.signal("CONT").unwrap();
    assert!(
        p.wait_until_true(WAIT, |p| raw(&p.tty_modes().unwrap_or_default())),
        "raw again after SIGCONT"
    );
    assert!(
        p.wait_until_true(WAIT, |p| {
            position(&p.raw_since(from), "\x1b[?1049h").is_some()
        }),
        "the alternate screen taken again"
    );
    p.send("ë").unwrap();
    p.wait_for("First name *  Zoë ", WAIT).unwrap();

    // A SIGSTOP rolo cannot see, and a shell that puts the tty back in cooked mode
    // meanwhile: SIGCONT still brings raw mode back.
    p.signal("STOP").unwrap();
    assert!(p.wait_until_true(WAIT, |p| p.proc_state() == Some('T')));
    p.stty(&["sane"]).unwrap();
    assert!(!raw(&p.tty_modes().unwrap()));
    p.signal("CONT").unwrap();
    assert!(
        p.wait_until_true(WAIT, |p| raw(&p.tty_modes().unwrap_or_default())),
        "raw again after SIGSTOP, cooked mode and SIGCONT"
    );
    p.send("!").unwrap();
    p.wait_for("First name *  Zoë! ", WAIT).unwrap();
    // Ctrl-C is a key again (it quits, the draft kept), not a signal the tty sends.
    p.send(support::pty::CTRL_C).unwrap();
    assert_eq!(p.wait_exit_code(WAIT), Some(0));
    let saved = drafts::load(&w.data_dir(), "wm").unwrap();
    assert_eq!(saved.draft.get("firstname"), "Zoë!");
}
