//! `rolo config schema` and `rolo config check [FILE]`.
//!
//! Decisions: `check` prints its report on stdout (it is the command's output, as a
//! linter's is): every problem as `file:line: key: what is wrong`, the same lines rolo
//! stops with at start-up, then each warning as `warning: …`, then one summary line.
//! Any problem exits 1 (rolo's exit code for config trouble); warnings alone exit 0.
//! A file that cannot be read, or is not TOML, is one problem like any other.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::{Global, exit};
use crate::config::Config;

/// `rolo config` actions.
#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the JSON Schema of config.toml, for editors that check TOML against one
    /// (taplo, Even Better TOML): `rolo config schema > rolo-config.schema.json`.
    Schema,
    /// Check a config file and report every problem in it, not only the first, as
    /// `file:line: key: what is wrong`; exits 1 when there is any.
    Check {
        /// The file to check (default: the one rolo reads: --config, `ROLO_CONFIG`, else
        /// config.toml in the OS config dir).
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
}

/// Runs a `rolo config` action.
pub fn run(global: &Global, action: ConfigAction) -> anyhow::Result<ExitCode> {
    match action {
        ConfigAction::Schema => {
            super::say_json(&serde_json::to_string_pretty(&crate::config::schema())?);
            Ok(ExitCode::SUCCESS)
        }
        ConfigAction::Check { file } => {
            let path = match file {
                Some(file) => file,
                None => global.choice().config_path()?,
            };
            Ok(check(&path))
        }
    }
}

/// `rolo config check FILE`: the report, and 1 when the file has any problem.
fn check(path: &std::path::Path) -> ExitCode {
    let checked = Config::check(path);
    for e in &checked.errors {
        say!("{e}");
    }
    let warnings = &checked.config.warnings;
    for w in warnings {
        say!("warning: {w}");
    }
    let warned = match warnings.len() {
        0 => String::new(),
        n => format!(", {}", count(n, "warning")),
    };
    let shown = path.display();
    if checked.errors.is_empty() {
        let profiles = count(checked.config.profiles.len(), "profile");
        say!("{shown}: ok, {profiles}{warned}");
        ExitCode::SUCCESS
    } else {
        say!(
            "{shown}: {}{warned}",
            count(checked.errors.len(), "problem")
        );
        ExitCode::from(exit::OTHER)
    }
}

/// `1 profile`, `3 profiles`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
