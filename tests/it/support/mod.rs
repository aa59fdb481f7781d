//! What the integration tests share, in one place (declared once in `tests/it/main.rs`;
//! each module says `use crate::support;`):
//!
//! - [`sandbox`]: the sandbox in-process on 127.0.0.1 over real HTTP — [`Sb`] for async
//!   tests that talk to it directly, [`Hosted`] on its own runtime for the rest;
//! - [`seed`]: keys, tokens and catalog ids of the seeded tenants by name;
//! - [`config`]: the one config writer, profiles of both flavours with their secrets;
//! - [`world`]: the real binary against a sandbox with a temp config and data dir — the
//!   CLI runner ([`World::rolo`]) and the pseudo-terminal world ([`World::spawn`]);
//! - [`pty`]: the pseudo-terminal harness itself (also used by `benches/tui.rs`);
//! - [`tui`]: the in-process key-script harness on ratatui's `TestBackend`;
//! - [`cli`]: the CLI tests' world and config.
// Each test crate uses a different part; a failed unwrap is a failed test.
#![allow(
    dead_code,
    unused_imports,
    clippy::unwrap_used,
    clippy::missing_panics_doc
)]

pub mod cli;
pub mod config;
pub mod pty;
pub mod sandbox;
pub mod seed;
pub mod tui;
pub mod world;

pub use config::{ConfigFile, Profile};
pub use sandbox::{Hosted, Sb};
pub use seed::SeedExt;
pub use world::{World, bare, code, sets, show, stderr, stdout};

use serde_json::Value;

/// The `name` of each entry of a JSON array: a contact's tags or groups, a page of
/// contacts.
#[must_use]
pub fn names(list: &Value) -> Vec<&str> {
    let entries = list.as_array().unwrap().iter();
    entries.map(|e| e["name"].as_str().unwrap()).collect()
}

/// How many rounds a stress loop (kill -9 rounds, two-process races) runs: `quick` on
/// every run, so CI keeps them on every submission within its budget, or
/// `ROLO_STRESS_ROUNDS` when set (`ROLO_STRESS_ROUNDS=40 cargo nextest run concurrency::
/// durable_drafts::` for the full count before a release, as the README says).
///
/// # Panics
/// When `ROLO_STRESS_ROUNDS` is set but not a positive whole number: a typo must not
/// quietly run the quick count.
#[must_use]
pub fn stress_rounds(quick: usize) -> usize {
    match std::env::var("ROLO_STRESS_ROUNDS") {
        Ok(v) => match v.trim().parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => panic!("ROLO_STRESS_ROUNDS must be a positive whole number, not {v:?}"),
        },
        Err(_) => quick,
    }
}

/// Rounds `0..rounds` of a stress loop, each asserted to start within `per_round` ×
/// `rounds` of the first: a loop that slows down fails instead of running on.
///
/// # Panics
/// When a round starts after that bound.
pub fn bounded(rounds: usize, per_round: std::time::Duration) -> impl Iterator<Item = usize> {
    let bound = per_round * u32::try_from(rounds).unwrap();
    let started = std::time::Instant::now();
    (0..rounds).inspect(move |round| {
        assert!(started.elapsed() < bound, "round {round} started too late");
    })
}
