//! The world of the CLI tests (`rolo add`, `catalog`, `profiles`, `outbox`): one profile
//! per interesting tenant or token, every key from an environment variable.

use rolo::sandbox::Seed;

use super::config::{ConfigFile, Profile};
use super::seed::SeedExt;
use super::world::World;

impl World {
    /// The demo sandbox (one worker thread) and [`cli_config`].
    pub fn cli() -> Self {
        Self::new(1, cli_config)
    }
}

/// `wm` (the default; demo, full token) and `wm-quick` (1 s timeout), `wm-full` (plan
/// limit reached), `wm-revoked`, `wm-readonly`; `wipsy` (demo) with the catalog entries
/// the API cannot list, `wipsy-full` (quota spent), `wipsy-wrong` (a wrong key); `cw`
/// (the Chatwoot demo account, its WhatsApp inbox); `down` (nothing listens).
pub fn cli_config(origin: &str, seed: &Seed) -> ConfigFile {
    let wm = |name: &str, env: &str| Profile::whatsmark(name, origin, env);
    let wipsy = |name: &str, env: &str| Profile::wipsy(name, origin, env);
    ConfigFile::new()
        .default_profile("wm")
        .profile(
            wm("wm", "ROLO_T_WM")
                .label("WhatsMark demo")
                .region("IN")
                .lead_defaults(),
        )
        .profile(
            wm("wm-quick", "ROLO_T_WM")
                .raw("timeout_secs", 1)
                .region("IN")
                .lead_defaults(),
        )
        .profile(wm("wm-full", "ROLO_T_FULL"))
        .profile(wm("wm-revoked", "ROLO_T_REVOKED"))
        .profile(wm("wm-readonly", "ROLO_T_READONLY"))
        .profile(
            wipsy("wipsy", "ROLO_T_WIPSY")
                .region("CO")
                .wipsy_catalog_unused(seed, "demo"),
        )
        .profile(wipsy("wipsy-full", "ROLO_T_WIPSY_FULL"))
        .profile(wipsy("wipsy-wrong", "ROLO_T_WIPSY_WRONG"))
        .profile(Profile::chatwoot("cw", origin, "ROLO_T_CW").region("CO"))
        .profile(Profile::whatsmark(
            "down",
            "http://127.0.0.1:9",
            "ROLO_T_WM",
        ))
        .secret("ROLO_T_WM", seed.wm_token("demo", "full"))
        .secret("ROLO_T_FULL", seed.wm_token("full-house", "full"))
        .secret("ROLO_T_REVOKED", seed.wm_token("demo", "revoked"))
        .secret("ROLO_T_READONLY", seed.wm_token("demo", "read only"))
        .secret("ROLO_T_WIPSY", seed.wipsy_key("demo"))
        .secret("ROLO_T_WIPSY_FULL", seed.wipsy_key("agencia-llena"))
        .secret("ROLO_T_WIPSY_WRONG", "wpy_wrong_key_0000")
        .secret("ROLO_T_CW", seed.cw_token("demo"))
}
