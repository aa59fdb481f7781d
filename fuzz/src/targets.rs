//! Each fuzz target's body, one module per target: the `fuzz_targets/` binaries call
//! them under libFuzzer, and `tests/it/fuzz_replay.rs` replays the committed seeds
//! through them as plain tests on every CI run.

pub mod api_whatsmark;
pub mod api_wipsy;
pub mod config;
pub mod csv_import;
pub mod quickadd;
pub mod vcard;

/// A target's body: one input; a panic is a finding.
pub type Run = fn(&[u8]);

/// Every target by the name `cargo fuzz` knows it by (its `fuzz/seeds/NAME` corpus).
pub const ALL: [(&str, Run); 6] = [
    ("api_whatsmark", api_whatsmark::run),
    ("api_wipsy", api_wipsy::run),
    ("config", config::run),
    ("csv_import", csv_import::run),
    ("quickadd", quickadd::run),
    ("vcard", vcard::run),
];
