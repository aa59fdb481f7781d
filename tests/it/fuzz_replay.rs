//! The fuzz targets as plain tests: every committed seed (`fuzz/seeds/TARGET/*`) run
//! through the same function the libFuzzer binary calls (`fuzz/src/targets/`), so each
//! CI run checks the targets' promises on their corpus without building the fuzz crate
//! under libFuzzer. The instrumented runs stay for local use (`fuzz/run.sh`).
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use std::path::Path;

#[path = "../../fuzz/src/lib.rs"]
#[allow(
    dead_code,
    clippy::pedantic,
    clippy::unwrap_used,
    clippy::missing_panics_doc,
    reason = "the fuzz crate's own code, linted where it is built as a crate"
)]
mod rolo_fuzz;

#[test]
fn every_committed_seed_passes_its_target() {
    rolo_fuzz::init();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let mut ran = 0;
    for (name, run) in rolo_fuzz::targets::ALL {
        let dir = seeds.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{name} has no seeds");
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(
                outcome.is_ok(),
                "{name}: {} fails its target",
                file.display()
            );
            ran += 1;
        }
    }
    eprintln!("{ran} seeds replayed");
}

/// Every target the fuzz crate builds is replayed here: a new one cannot be left out.
#[test]
fn every_fuzz_target_is_replayed() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/Cargo.toml"))
            .unwrap();
    let built: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|n| *n != "rolo-fuzz")
        .collect();
    let replayed: Vec<&str> = rolo_fuzz::targets::ALL.iter().map(|(n, _)| *n).collect();
    let mut built_sorted = built.clone();
    built_sorted.sort_unstable();
    assert_eq!(built_sorted, replayed);
}
