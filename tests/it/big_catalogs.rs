//! Big tenants, as a user meets them: a config declaring thousands of tags (read after
//! the form's first frame, checked all the same), and a catalog cache that is damaged,
//! truncated or from an older rolo (ignored with a notice, rebuilt, never a panic).
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use std::fmt::Write as _;

use support::pty::{ENTER, TAB, WAIT};
use support::{ConfigFile, Profile, SeedExt, World, code, stderr, stdout};

/// Tags a big tenant declares, after the profile written by `world`.
const TAGS: usize = 3_000;

/// One Wipsy profile (`big`, the loadtest tenant) and, appended to its file, `TAGS`
/// tags; `bad` puts a colour that is not one on that entry.
fn world(bad: Option<usize>) -> World {
    let w = World::new(1, |origin, seed| {
        ConfigFile::new()
            .profile(Profile::wipsy("big", origin, "T_BIG").region("CO"))
            .secret("T_BIG", seed.wipsy_key("loadtest"))
    });
    let mut text = std::fs::read_to_string(w.config_path()).unwrap();
    for n in 0..TAGS {
        let color = if Some(n) == bad { "#ZZZZZZ" } else { "#22AA66" };
        write!(
            text,
            "[[profiles.big.tags]]\nid = \"tag-{n:05}\"\nname = \"Etiqueta {n:05}\"\ncolor = \"{color}\"\n\n"
        )
        .unwrap();
    }
    std::fs::write(w.config_path(), text).unwrap();
    w
}

/// The 1-based line of tag `n`'s colour in the file `world` wrote.
fn colour_line(w: &World, n: usize) -> usize {
    let text = std::fs::read_to_string(w.config_path()).unwrap();
    let needle = format!("id = \"tag-{n:05}\"");
    let at = text.find(&needle).unwrap();
    text[..at].lines().count() + 3
}

#[test]
fn a_long_tag_list_comes_after_the_first_frame_and_every_tag_can_be_picked() {
    let w = world(None);
    let mut p = w.start();
    p.wait_for("Ctrl-S send", WAIT).unwrap();
    // First name → Tags: Last name, Phone, Email, WhatsApp ID, Company, Picture, Stage.
    p.send(&TAB.repeat(8)).unwrap();
    p.wait_for("Tags  (Enter to choose)", WAIT).unwrap();
    p.send(ENTER).unwrap();
    p.wait_for("┌ Tags ", WAIT).unwrap();
    p.send("02999").unwrap();
    p.wait_for("Etiqueta 02999", WAIT).unwrap();
    p.send(" ").unwrap();
    p.send(ENTER).unwrap();
    let screen = p.wait_for("[Etiqueta 02999]", WAIT).unwrap();
    assert!(!screen.contains("not in the catalog"), "{screen}");
}

#[test]
fn a_bad_entry_deep_in_a_long_list_stops_the_form_with_file_line_and_key() {
    let bad = 2_990;
    let w = world(Some(bad));
    let mut p = w.spawn().start().unwrap();
    assert!(p.wait_exit(WAIT), "rolo stops");
    let want = format!(
        "config.toml:{}: profiles.big.tags[{bad}].color: \"#ZZZZZZ\" is not a #RRGGBB colour",
        colour_line(&w, bad)
    );
    let screen = p.wait_for(&want, WAIT).unwrap();
    assert!(!screen.contains("panicked"), "{screen}");
    // The CLI reads the same file the same way.
    let out = w.rolo(&["profiles"]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains(&want), "{}", stderr(&out));
}

/// The cache file of profile `big`.
fn cache(w: &World) -> std::path::PathBuf {
    w.data_dir().join("catalogs").join("big.bin")
}

#[test]
fn a_damaged_truncated_or_older_cache_is_ignored_with_a_notice_and_rebuilt() {
    let w = world(None);
    let out = w.rolo(&["catalog", "refresh"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let good = std::fs::read(cache(&w)).unwrap();
    assert!(good.starts_with(b"ROLOCAT"));
    // Only what the server told is cached: the 3,000 declared tags are read from the
    // config at every start.
    assert!(good.len() < 200_000, "{} bytes", good.len());
    let damaged: [(&str, Vec<u8>); 3] = [
        ("it is damaged", {
            let mut d = good.clone();
            let half = d.len() / 2;
            d.truncate(half);
            d
        }),
        ("it is not a rolo catalog cache", b"{\"tags\": []}".to_vec()),
        ("it was written by an older rolo", {
            let mut d = good.clone();
            d[7] = 1;
            d
        }),
    ];
    for (why, bytes) in damaged {
        std::fs::write(cache(&w), &bytes).unwrap();
        let out = w.rolo(&["catalog", "show"]);
        assert_eq!(code(&out), 1, "{why}");
        assert!(
            stderr(&out).contains(&format!("was not used ({why}")),
            "{why}: {}",
            stderr(&out)
        );
        let out = w.rolo(&["catalog", "refresh"]);
        assert_eq!(code(&out), 0, "{why}: {}", stderr(&out));
        let out = w.rolo(&["catalog", "show"]);
        assert_eq!(code(&out), 0, "{why}: rebuilt");
        assert!(stdout(&out).contains("Etiqueta 02999"), "{why}");
    }
    // rolo 0.1 kept a JSON file: noticed, then replaced and removed.
    std::fs::remove_file(cache(&w)).unwrap();
    let old = w.data_dir().join("catalogs").join("big.json");
    std::fs::write(&old, b"{\"tags\": []}").unwrap();
    let out = w.rolo(&["catalog", "refresh"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("written by an older rolo"),
        "{}",
        stderr(&out)
    );
    assert!(!old.exists() && cache(&w).exists());
}

#[test]
fn offline_with_a_damaged_cache_the_configs_own_tags_still_resolve() {
    let mut w = world(None);
    std::fs::create_dir_all(cache(&w).parent().unwrap()).unwrap();
    std::fs::write(cache(&w), b"ROLOCAT\x02\xff\xff\xff").unwrap();
    w.stop();
    let out = w.rolo(&[
        "add",
        "--dry-run",
        "--set",
        "name=Ana",
        "--set",
        "tags=Etiqueta 01234",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("tag-01234"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("was not used (it is damaged"),
        "{}",
        stderr(&out)
    );
    // The form starts too, says so, and offers the declared tags. (The run above wrote
    // a good cache, with what it had: damage it again.)
    std::fs::write(cache(&w), b"ROLOCAT\x02\xff\xff\xff").unwrap();
    let mut p = w.spawn().start().unwrap();
    p.wait_for("was not used", WAIT).unwrap();
    p.send(&TAB.repeat(8)).unwrap();
    p.send(ENTER).unwrap();
    p.send("01234").unwrap();
    p.wait_for("Etiqueta 01234", WAIT).unwrap();
}
