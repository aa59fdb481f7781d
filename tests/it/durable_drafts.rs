//! Drafts that survive anything (issue 14): every key shown on the form is on disk, so
//! `kill -9` at any moment after the echo loses nothing; two forms on one profile keep
//! a draft each, and both are offered when rolo starts again. The real binary in a pty.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use std::time::Duration;

use rolo::engine::drafts;
use support::World;
use support::pty::{ENTER, WAIT};

const CTRL_Q: &str = "\x11";
const CTRL_X: &str = "\x18";
/// Kill rounds on every run (every run made 40 before `ROLO_STRESS_ROUNDS`, which sets
/// the count of every stress loop), and the time a round may take: the bound grows with
/// the rounds.
const QUICK_ROUNDS: usize = 20;
const PER_ROUND: Duration = Duration::from_secs(6);

/// A small deterministic generator (xorshift), seeded from the clock and printed, so a
/// failing run can be repeated with `ROLO_KILL_SEED`.
struct Dice(u64);

impl Dice {
    fn new() -> Self {
        let seed = std::env::var("ROLO_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .subsec_nanos();
                u64::from(nanos) | 1
            });
        eprintln!("ROLO_KILL_SEED={seed}");
        Self(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Starts a form and waits for its first frame (not for the catalog).
fn open(w: &World) -> support::pty::Pty {
    let p = w.spawn().start().unwrap();
    p.wait_for("Ctrl-S send", WAIT).unwrap();
    p
}

/// What the first name holds in the draft a restart would replay.
fn saved_first_name(w: &World) -> String {
    drafts::load(&w.data_dir(), "wm")
        .map(|s| s.draft.get("firstname").to_owned())
        .unwrap_or_default()
}

#[test]
fn kill_9_after_any_echo_loses_no_character() {
    let w = World::cli();
    w.unlimited();
    let mut dice = Dice::new();
    let rounds = support::stress_rounds(QUICK_ROUNDS);
    let (mut typed, mut lost, mut runs_losing) = (0, 0, 0);
    for round in support::bounded(rounds, PER_ROUND) {
        let _ = std::fs::remove_dir_all(w.data_dir().join("drafts"));
        let mut p = open(&w);
        p.wait_for("First name", WAIT).unwrap();
        // A few bursts of letters, each waited for on screen; then the kill, at once or
        // up to 300 ms after the last echo (inside the old 150 ms autosave and after it).
        let mut name = String::new();
        for _ in 0..=dice.below(4) {
            let burst: String = (0..=dice.below(12))
                .map(|_| char::from(b'a' + u8::try_from(dice.below(26)).unwrap()))
                .collect();
            p.send(&burst).unwrap();
            name.push_str(&burst);
            // The First name row itself shows the whole name (a short name would also
            // be found elsewhere on the screen).
            let row = format!("First name *  {name} ");
            p.wait_until(&row, WAIT, |s| s.contents().contains(&row))
                .unwrap();
        }
        let delay = if round % 2 == 0 { 0 } else { dice.below(300) };
        std::thread::sleep(Duration::from_millis(delay));
        p.kill9().unwrap();
        let saved = saved_first_name(&w);
        let kept = saved
            .chars()
            .zip(name.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let missing = name.chars().count() - kept;
        typed += name.chars().count();
        lost += missing;
        runs_losing += usize::from(missing > 0);
        assert!(
            saved.len() <= name.len(),
            "round {round}: saved {saved:?} for {name:?}"
        );
    }
    eprintln!(
        "kill -9 test: {rounds} runs, {typed} characters typed, {lost} lost ({runs_losing} runs losing any)"
    );
    assert_eq!(
        lost, 0,
        "{lost} of {typed} characters lost in {runs_losing} runs"
    );

    // And a restart puts the last one back on the form.
    let mut p = open(&w);
    let name = saved_first_name(&w);
    p.wait_for("Restored your unsent draft", WAIT).unwrap();
    p.wait_for(&name, WAIT).unwrap();
    p.send(CTRL_Q).unwrap();
    assert!(p.wait_exit(WAIT));
}

#[test]
fn two_forms_on_one_profile_keep_a_draft_each() {
    let w = World::cli();
    let mut a = open(&w);
    a.wait_for("First name", WAIT).unwrap();
    let mut b = open(&w);
    b.wait_for("Another rolo window has wm open", WAIT).unwrap();
    a.send("Alfa").unwrap();
    a.wait_for("Alfa", WAIT).unwrap();
    b.send("Bravo").unwrap();
    b.wait_for("Bravo", WAIT).unwrap();
    // The old loss: A quits, then B, and B's save took A's place.
    a.send(CTRL_Q).unwrap();
    assert!(a.wait_exit(WAIT));
    b.send(CTRL_Q).unwrap();
    assert!(b.wait_exit(WAIT));

    // Both are offered: the first window's on the form, the other after it is cleared.
    let mut c = open(&w);
    c.wait_for("Restored your unsent draft", WAIT).unwrap();
    c.wait_for("Alfa", WAIT).unwrap();
    c.wait_for("1 more unsent draft from other", WAIT).unwrap();
    c.send(CTRL_X).unwrap();
    c.wait_for("Clear the form?", WAIT).unwrap();
    c.send(ENTER).unwrap();
    c.wait_for("Opened an unsent draft another rolo window left", WAIT)
        .unwrap();
    c.wait_for("Bravo", WAIT).unwrap();
    c.send(CTRL_Q).unwrap();
    assert!(c.wait_exit(WAIT));
    assert_eq!(saved_first_name(&w), "Bravo");
    let mut left: Vec<String> = std::fs::read_dir(w.data_dir().join("drafts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|f| f.extension().is_some_and(|x| x == "json"))
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["wm.json"],
        "Alfa was cleared on purpose; Bravo moved in"
    );
}

#[test]
fn a_killed_second_window_leaves_its_draft_to_the_next_one() {
    let w = World::cli();
    let mut a = open(&w);
    a.wait_for("First name", WAIT).unwrap();
    let mut b = open(&w);
    b.wait_for("Another rolo window has wm open", WAIT).unwrap();
    b.send("Charlie").unwrap();
    b.wait_for("Charlie", WAIT).unwrap();
    b.kill9().unwrap();
    a.send(CTRL_Q).unwrap();
    assert!(a.wait_exit(WAIT));
    // A left nothing, so the next form takes B's draft at once.
    let mut c = open(&w);
    c.wait_for("Restored your unsent draft", WAIT).unwrap();
    c.wait_for("Charlie", WAIT).unwrap();
    c.send(CTRL_Q).unwrap();
    assert!(c.wait_exit(WAIT));
}
