//! Ctrl-E end to end: the real `rolo` in a real pseudo-terminal hands the terminal to
//! `$VISUAL` / `$EDITOR` (small shell scripts written here) and takes the edited text
//! back into Notes and a text custom field; a failing editor keeps the old text; VISUAL
//! wins over EDITOR. The scripts log the file they were given, its mode and the
//! terminal's mode, so the tests can check that the temp file was private and removed
//! and that raw mode was off while the editor ran.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // tests: panics are the failure report

use crate::support;

use std::path::{Path, PathBuf};

use support::pty::{CTRL_S, ENTER, Pty, SHIFT_TAB, TAB, WAIT, position};
use support::{ConfigFile, Profile, SeedExt, World};

/// Ctrl-E.
const CTRL_E: &str = "\x05";

/// One Wipsy profile, `wdemo`, with the demo tenant's catalog (its first custom field,
/// "Número de documento", is text; the second, "Canal preferido", a required select).
fn world() -> World {
    World::new(1, |origin, seed| {
        ConfigFile::new()
            .default_profile("wdemo")
            .profile(
                Profile::wipsy("wdemo", origin, "T_WDEMO")
                    .region("CO")
                    .wipsy_catalog(seed, "demo"),
            )
            .secret("T_WDEMO", seed.wipsy_key("demo"))
    })
}

/// A shell script in a folder whose name has a space (so `$EDITOR` needs its quotes),
/// and the `$EDITOR` value that runs it: `sh '<path>'`. Run through `sh`, the script is
/// never executed itself, so no exec bit and no "text file busy" race.
fn script(w: &World, name: &str, body: &str) -> String {
    let dir = w.path("my editors");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let log = w.path("editor.log");
    let text = format!(
        "#!/bin/sh\n\
         printf '%s\\n' \"$1\" >> '{log}'\n\
         stat -c %a \"$1\" >> '{log}.mode'\n\
         stty -a > '{log}.stty' 2>&1\n\
         {body}\n",
        log = log.display()
    );
    std::fs::write(&path, text).unwrap();
    format!("sh '{}'", path.display())
}

/// rolo on `wdemo` with `EDITOR`/`VISUAL` as given (an empty VISUAL counts as unset, so
/// the caller's own never leaks in) and its temp dir inside the world.
fn start(w: &World, visual: &str, editor: &str) -> Pty {
    let tmp = w.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let p = w
        .spawn()
        .env("ROLO_PROFILE", "wdemo")
        .env("VISUAL", visual)
        .env("EDITOR", editor)
        .env("TMPDIR", tmp.display().to_string())
        .start()
        .unwrap();
    p.wait_for("catalog fresh", WAIT).unwrap();
    p
}

/// Sends keys and waits until the screen shows `text`.
fn keys_then(p: &mut Pty, keys: &str, text: &str) -> String {
    p.send(keys).unwrap();
    p.wait_for(text, WAIT).unwrap()
}

/// Waits until the status line says `status` and the frame below it is drawn too (the
/// form is repainted top to bottom after the editor); returns the screen.
fn wait_frame(p: &Pty, status: &str) -> String {
    p.wait_until(&format!("{status:?} and the whole frame"), WAIT, |s| {
        let s = s.contents();
        s.contains(status) && s.contains("catalog fresh")
    })
    .unwrap()
}

/// The files the editor was given, in order.
fn edited_files(w: &World) -> Vec<PathBuf> {
    std::fs::read_to_string(w.path("editor.log"))
        .unwrap_or_default()
        .lines()
        .map(PathBuf::from)
        .collect()
}

/// Every file the editor was given: in the temp dir, private while it ran, gone now.
fn assert_temp_files_private_and_gone(w: &World, runs: usize) {
    let files = edited_files(w);
    assert_eq!(files.len(), runs, "{files:?}");
    for f in &files {
        assert!(
            f.starts_with(w.path("tmp")),
            "{} is not in TMPDIR",
            f.display()
        );
        assert!(!f.exists(), "{} was left behind", f.display());
    }
    let modes = std::fs::read_to_string(w.path("editor.log.mode")).unwrap();
    assert!(modes.lines().all(|m| m == "600"), "modes: {modes}");
    let left: Vec<_> = std::fs::read_dir(w.path("tmp")).unwrap().collect();
    assert!(left.is_empty(), "left in TMPDIR: {left:?}");
}

/// While the editor ran, the terminal was in its normal (cooked) mode: rolo had left
/// raw mode.
fn assert_editor_had_a_cooked_terminal(w: &World) {
    let stty = std::fs::read_to_string(w.path("editor.log.stty")).unwrap();
    let flags: Vec<&str> = stty.split_whitespace().collect();
    for flag in ["icanon", "echo", "isig"] {
        assert!(flags.contains(&flag), "{flag} was off: {stty}");
    }
}

/// Moves from First name (where rolo starts) to Notes: twelve fields down.
fn to_notes(p: &mut Pty) {
    p.send(&TAB.repeat(12)).unwrap();
    // The footer offers Ctrl-E only where it works.
    p.wait_for("Ctrl-E editor", WAIT).unwrap();
}

/// The row showing field `label`, as on screen.
fn row_of(screen: &str, label: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_editor_s_text_lands_in_notes_and_a_text_custom_field_and_is_sent() {
    let w = world();
    let editor = script(&w, "append.sh", "printf 'second line\\n' >> \"$1\"");
    let mut p = start(&w, "", &editor);
    let screen = keys_then(&mut p, "Zoë", "Zoë");
    assert!(
        !screen.contains("Ctrl-E editor"),
        "not on First name:\n{screen}"
    );
    to_notes(&mut p);
    keys_then(&mut p, "first line", "first line");
    let from = usize::try_from(p.bytes_read()).unwrap();
    p.send(CTRL_E).unwrap();
    // The whole form is back, the other fields as they were.
    let screen = wait_frame(&p, "took the text from your editor");
    for text in ["── Name and phone", "Zoë", "first line", "second line"] {
        assert!(screen.contains(text), "{text:?} missing:\n{screen}");
    }
    // The terminal was handed over (mouse, paste and the alternate screen off) and
    // taken back, in that order.
    let raw = p.raw_since(from);
    let at = |s: &str| position(&raw, s).unwrap_or_else(|| panic!("{s:?} never sent"));
    assert!(at("\x1b[?1000l") < at("\x1b[?1049l"), "mouse off first");
    assert!(at("\x1b[?2004l") < at("\x1b[?1049l"), "paste off first");
    assert!(at("\x1b[?1049l") < at("\x1b[?1049h"), "then back");
    assert_editor_had_a_cooked_terminal(&w);
    // A text custom field takes the editor's lines too (as one line).
    p.send(TAB).unwrap();
    p.send(CTRL_E).unwrap();
    p.wait_until("the custom field to change", WAIT, |s| {
        row_of(&s.contents(), "Número de documento").contains("second line")
    })
    .unwrap();
    assert_temp_files_private_and_gone(&w, 2);
    // What was sent is what the editor wrote.
    p.send(TAB).unwrap();
    keys_then(&mut p, ENTER, "┌ Canal preferido ");
    keys_then(&mut p, "llam", "filter: llam");
    p.send(ENTER).unwrap();
    p.wait_gone("┌ Canal preferido ", WAIT).unwrap();
    p.send(CTRL_S).unwrap();
    p.wait_for("✓ Created Zoë", WAIT).unwrap();
    let rec = w.stored("wipsy", "demo").last().unwrap().clone();
    assert_eq!(rec["name"], "Zoë");
    assert_eq!(rec["notes"], "first line\nsecond line");
    let text = rec["custom_fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"]["field_type"] == "text")
        .unwrap();
    assert_eq!(text["field_value"], "second line");
}

#[test]
fn a_failing_editor_keeps_the_old_text_and_says_why() {
    let w = world();
    let editor = script(&w, "fails.sh", "printf 'lost\\n' >> \"$1\"; exit 1");
    let mut p = start(&w, "", &editor);
    to_notes(&mut p);
    keys_then(&mut p, "keep me", "keep me");
    p.send(CTRL_E).unwrap();
    let screen = wait_frame(
        &p,
        "The editor (sh) exited with status 1; the text was kept.",
    );
    assert!(
        screen.contains("keep me") && !screen.contains("lost"),
        "{screen}"
    );
    assert!(screen.contains("── Name and phone"), "{screen}");
    assert_temp_files_private_and_gone(&w, 1);
    // Notes → Province, City, Address, Tags, Pipeline stage: not text, and it says so.
    p.send(&SHIFT_TAB.repeat(5)).unwrap();
    p.wait_gone("Ctrl-E editor", WAIT).unwrap();
    keys_then(&mut p, CTRL_E, "Pipeline stage is not one of them");
    assert_eq!(edited_files(&w).len(), 1, "no editor ran");
}

#[test]
fn visual_wins_over_editor() {
    let w = world();
    let visual = script(&w, "visual.sh", "printf 'from visual\\n' >> \"$1\"");
    let editor = script(&w, "editor.sh", "printf 'from editor\\n' >> \"$1\"");
    let mut p = start(&w, &visual, &editor);
    to_notes(&mut p);
    let screen = keys_then(&mut p, CTRL_E, "from visual");
    assert!(!screen.contains("from editor"), "{screen}");
    assert_temp_files_private_and_gone(&w, 1);
    assert!(Path::new(&w.path("editor.log")).exists());
}

#[test]
fn ctrl_c_in_the_editor_is_the_editor_s_and_a_later_sigterm_still_stops_rolo() {
    let w = world();
    // In the editor's cooked terminal Ctrl-C sends SIGINT to the whole foreground group,
    // rolo included; this editor does that itself (ignoring it, as editors do).
    let editor = script(
        &w,
        "interrupted.sh",
        "trap '' INT\nkill -INT 0\nprintf 'after ctrl-c\\n' >> \"$1\"",
    );
    let mut p = start(&w, "", &editor);
    to_notes(&mut p);
    p.send(CTRL_E).unwrap();
    let screen = wait_frame(&p, "took the text from your editor");
    assert!(screen.contains("after ctrl-c"), "{screen}");
    // rolo is still running and takes keys.
    keys_then(&mut p, " and on", "after ctrl-c and on");
    assert_temp_files_private_and_gone(&w, 1);
    // A SIGTERM still stops it.
    p.signal("TERM").unwrap();
    assert_eq!(p.wait_exit_code(WAIT), Some(143));
}

#[test]
fn a_suspend_in_the_editor_stops_rolo_with_it_and_fg_brings_both_back() {
    let w = world();
    // An editor's Ctrl-Z sends SIGTSTP to its whole process group, rolo included; this
    // editor does that itself, then saves once it is continued.
    let editor = script(
        &w,
        "suspended.sh",
        "kill -TSTP 0\nprintf 'after fg\\n' >> \"$1\"",
    );
    let mut p = start(&w, "", &editor);
    to_notes(&mut p);
    p.send(CTRL_E).unwrap();
    // rolo stops with its editor, as a job without a handler would: the shell sees the
    // whole job stopped.
    assert!(
        p.wait_until_true(WAIT, |p| p.proc_state() == Some('T')),
        "rolo stopped with the editor"
    );
    p.signal("CONT").unwrap();
    let screen = wait_frame(&p, "took the text from your editor");
    assert!(screen.contains("after fg"), "{screen}");
    // Once: the form goes on taking keys, not stopping again.
    keys_then(&mut p, " and on", "after fg and on");
    assert_ne!(p.proc_state(), Some('T'), "not stopped again");
}
