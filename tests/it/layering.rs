//! The layers of `src/`, read from the `crate::` paths of every file: which top-level
//! module may name which. The target (issue 10): `cli` and `tui` use `engine`, `contact`
//! and `config`, never each other; `api` uses only `contact`; `contact` uses nothing of
//! ours; `sandbox` uses neither `api`, `store` nor `engine`.
//!
//! `text` (strangers' text made inert) is a leaf below all of them, as `files` is for
//! the store's and the sandbox's writes: every layer may use it, it uses none.
//!
//! Doc links count: a reader who follows one depends on that layer too.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use std::collections::BTreeSet;
use std::path::Path;

/// Module → the modules it may name.
const ALLOWED: &[(&str, &[&str])] = &[
    ("text", &[]),
    ("contact", &["text"]),
    ("files", &[]),
    ("api", &["contact", "text"]),
    ("store", &["contact", "files", "text"]),
    ("secret", &["text"]),
    ("config", &["contact", "secret", "text"]),
    ("sandbox", &["contact", "files", "text"]),
    (
        "engine",
        &[
            "api", "store", "config", "contact", "sandbox", "secret", "files", "text",
        ],
    ),
    ("cli", &["engine", "contact", "config", "text"]),
    ("tui", &["engine", "contact", "config", "text"]),
    ("linear", &["engine", "contact", "config", "text"]),
];

/// Every `crate::NAME` in the Rust files under `dir` (comments included: a doc link
/// is a dependency of the reader too).
fn named(dir: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            named(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&p).unwrap();
            for (at, _) in text.match_indices("crate::") {
                let rest = &text[at + 7..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                out.insert(name);
            }
        }
    }
}

/// (from, to) for every crossing between top-level modules of `src/`.
fn crossings(src: &Path) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (module, _) in ALLOWED {
        let mut names = BTreeSet::new();
        named(&src.join(module), &mut names);
        let file = src.join(format!("{module}.rs"));
        if file.exists() {
            let text = std::fs::read_to_string(&file).unwrap();
            let tmp = tempfile::tempdir().unwrap();
            std::fs::write(tmp.path().join("m.rs"), text).unwrap();
            named(tmp.path(), &mut names);
        }
        for n in names.into_iter().filter(|n| n != module) {
            out.insert(((*module).to_owned(), n));
        }
    }
    out
}

fn forbidden(found: &BTreeSet<(String, String)>) -> BTreeSet<(String, String)> {
    found
        .iter()
        .filter(|(from, to)| {
            let allowed = ALLOWED.iter().find(|(m, _)| m == from).unwrap().1;
            !allowed.contains(&to.as_str())
        })
        .cloned()
        .collect()
}

#[test]
fn every_module_names_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = forbidden(&crossings(&src));
    assert!(bad.is_empty(), "forbidden imports: {bad:?}");
}

#[test]
fn the_check_catches_a_forbidden_import() {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // A copy of `contact` that names the TUI, as a slip would.
    std::fs::create_dir_all(dir.path().join("contact")).unwrap();
    std::fs::write(
        dir.path().join("contact/slip.rs"),
        "use crate::tui::app::App;\n",
    )
    .unwrap();
    let mut found = crossings(dir.path());
    assert!(forbidden(&found).contains(&("contact".to_owned(), "tui".to_owned())));
    // And the real tree has no such crossing.
    found = crossings(&src);
    assert!(!found.contains(&("contact".to_owned(), "tui".to_owned())));
}

/// Every top-level module of `src/` has its place in [`ALLOWED`] (issue 24): a new one
/// cannot stay outside the check.
#[test]
fn every_module_of_src_has_a_place_in_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let p = e.path();
            let stem = p.file_stem()?.to_str()?.to_owned();
            let rust = p.is_dir() || p.extension().is_some_and(|x| x == "rs");
            (rust && stem != "lib" && stem != "main").then_some(stem)
        })
        .collect();
    let listed: BTreeSet<String> = ALLOWED.iter().map(|(m, _)| (*m).to_owned()).collect();
    let unlisted: Vec<&String> = modules.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "modules the layering test does not know (give each its place in ALLOWED): {unlisted:?}"
    );
}
