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

/// Where the big tenant's tags are written.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    /// `[[profiles.big.tags]]` tables in config.toml.
    Inline,
    /// `tags_file = "big-tags.csv"`, beside config.toml.
    SideFile,
}

const SHAPES: [Shape; 2] = [Shape::Inline, Shape::SideFile];

/// One Wipsy profile (`big`, the loadtest tenant) with `TAGS` tags, written as `shape`
/// says; `bad` puts a colour that is not one on that entry.
fn world(bad: Option<usize>, shape: Shape) -> World {
    let w = World::new(1, |origin, seed| {
        let profile = Profile::wipsy("big", origin, "T_BIG").region("CO");
        let profile = match shape {
            Shape::Inline => profile,
            Shape::SideFile => profile.text("tags_file", "big-tags.csv"),
        };
        ConfigFile::new()
            .profile(profile)
            .secret("T_BIG", seed.wipsy_key("loadtest"))
    });
    let color = |n| if Some(n) == bad { "#ZZZZZZ" } else { "#22AA66" };
    match shape {
        Shape::Inline => {
            let mut text = std::fs::read_to_string(w.config_path()).unwrap();
            for n in 0..TAGS {
                write!(
                    text,
                    "[[profiles.big.tags]]\nid = \"tag-{n:05}\"\nname = \"Etiqueta {n:05}\"\ncolor = \"{}\"\n\n",
                    color(n)
                )
                .unwrap();
            }
            std::fs::write(w.config_path(), text).unwrap();
        }
        Shape::SideFile => {
            let mut csv = String::from("id,name,color\n");
            for n in 0..TAGS {
                writeln!(csv, "tag-{n:05},Etiqueta {n:05},{}", color(n)).unwrap();
            }
            std::fs::write(side_file(&w), csv).unwrap();
        }
    }
    w
}

/// The big tenant's tags file, beside its config.
fn side_file(w: &World) -> std::path::PathBuf {
    w.config_path().with_file_name("big-tags.csv")
}

/// Where tag `n`'s colour is: `file:line: key` as an error names it.
fn colour_place(w: &World, n: usize, shape: Shape) -> String {
    match shape {
        Shape::Inline => {
            let text = std::fs::read_to_string(w.config_path()).unwrap();
            let needle = format!("id = \"tag-{n:05}\"");
            let at = text.find(&needle).unwrap();
            let line = text[..at].lines().count() + 3;
            format!("config.toml:{line}: profiles.big.tags[{n}].color")
        }
        // The header, then one line a tag.
        Shape::SideFile => format!("big-tags.csv:{}: color", n + 2),
    }
}

#[test]
fn a_long_tag_list_comes_after_the_first_frame_and_every_tag_can_be_picked() {
    for shape in SHAPES {
        let w = world(None, shape);
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
        assert!(
            !screen.contains("not in the catalog"),
            "{shape:?}: {screen}"
        );
        // The catalog cache keeps only what the server told: declared tags are read
        // from the config or the side file at every start, never kept in it too (the
        // form's connection takes the profile with its lists once they are read). The
        // refresh that writes it runs once the lists are in.
        let written = p.wait_until_true(WAIT, |_| {
            std::fs::read(cache(&w)).is_ok_and(|b| b.starts_with(b"ROLOCAT"))
        });
        assert!(written, "{shape:?}: no catalog cache written");
        let cached = std::fs::read(cache(&w)).unwrap();
        let held = cached.windows(9).any(|win| win == b"Etiqueta ");
        assert!(!held, "{shape:?}: the declared tags went into the cache");
    }
}

#[test]
fn a_bad_entry_deep_in_a_long_list_stops_the_form_with_file_line_and_key() {
    let bad = 2_990;
    for shape in SHAPES {
        let w = world(Some(bad), shape);
        let mut p = w.spawn().start().unwrap();
        assert!(p.wait_exit(WAIT), "{shape:?}: rolo stops");
        let want = format!(
            "{}: \"#ZZZZZZ\" is not a #RRGGBB colour",
            colour_place(&w, bad, shape)
        );
        let screen = p.wait_for(&want, WAIT).unwrap();
        assert!(!screen.contains("panicked"), "{screen}");
        // The CLI reads the same file the same way: every command for a config's own
        // list, those that use the lists for a side file's.
        if shape == Shape::Inline {
            let out = w.rolo(&["profiles"]);
            assert_eq!(code(&out), 1);
            assert!(stderr(&out).contains(&want), "{}", stderr(&out));
        }
        let out = w.rolo(&["add", "--dry-run", "--set", "name=Ana"]);
        assert_eq!(code(&out), 1, "{shape:?}");
        assert!(stderr(&out).contains(&want), "{}", stderr(&out));
        // And the check names it among every problem.
        let out = w.rolo(&["config", "check"]);
        assert_eq!(code(&out), 1, "{shape:?}");
        assert!(stdout(&out).contains(&want), "{}", stdout(&out));
    }
}

/// `rolo add --dry-run` with the tag named `name` sends the id `id`.
fn dry_run_resolves(w: &World, name: &str, id: &str) {
    let tags = format!("tags={name}");
    let out = w.rolo(&["add", "--dry-run", "--set", "name=Ana", "--set", &tags]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains(id), "{}", stdout(&out));
}

/// A side file is read once and kept in the catalog cache; a change to it is read
/// again (its length and time differ), never hidden by what was kept.
#[test]
fn a_side_file_is_read_once_and_again_when_it_changes() {
    let mut w = world(None, Shape::SideFile);
    w.stop();
    let kept = w.data_dir().join("catalogs").join("big.tags.bin");
    dry_run_resolves(&w, "Etiqueta 01234", "tag-01234");
    assert!(kept.exists(), "the list is kept");
    let mut csv = std::fs::read_to_string(side_file(&w)).unwrap();
    csv.push_str("tag-nueva,Recién llegada,\n");
    std::fs::write(side_file(&w), csv).unwrap();
    dry_run_resolves(&w, "Recién llegada", "tag-nueva");
    // The kept copy is only a copy: the file gone is an error, not the old list.
    std::fs::remove_file(side_file(&w)).unwrap();
    let out = w.rolo(&["add", "--dry-run", "--set", "name=Ana"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("big-tags.csv: cannot read the tags file"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("profiles.big.tags_file"),
        "{}",
        stderr(&out)
    );
}

/// The cache file of profile `big`.
fn cache(w: &World) -> std::path::PathBuf {
    w.data_dir().join("catalogs").join("big.bin")
}

#[test]
fn a_damaged_truncated_or_older_cache_is_ignored_with_a_notice_and_rebuilt() {
    let w = world(None, Shape::Inline);
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
    for shape in SHAPES {
        offline_with_a_damaged_cache(shape);
    }
}

fn offline_with_a_damaged_cache(shape: Shape) {
    let mut w = world(None, shape);
    std::fs::create_dir_all(cache(&w).parent().unwrap()).unwrap();
    std::fs::write(cache(&w), damaged_cache()).unwrap();
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
    std::fs::write(cache(&w), damaged_cache()).unwrap();
    let mut p = w.spawn().start().unwrap();
    p.wait_for("was not used", WAIT).unwrap();
    p.send(&TAB.repeat(8)).unwrap();
    p.send(ENTER).unwrap();
    p.send("01234").unwrap();
    p.wait_for("Etiqueta 01234", WAIT).unwrap();
}

/// A cache file of this rolo's format whose body is garbage (not one of an older format,
/// which is refused for another reason).
fn damaged_cache() -> Vec<u8> {
    let mut bytes = b"ROLOCAT".to_vec();
    bytes.push(rolo::store::catalog_cache::VERSION);
    bytes.extend_from_slice(b"\xff\xff\xff");
    bytes
}
