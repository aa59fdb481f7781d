//! `rolo config schema`, `rolo config check [FILE]` and `rolo config split [FILE]`.
//!
//! Decisions: `check` prints its report on stdout (it is the command's output, as a
//! linter's is): every problem as `file:line: key: what is wrong`, the same lines rolo
//! stops with at start-up, then each warning as `warning: …`, then one summary line.
//! Any problem exits 1 (rolo's exit code for config trouble); warnings alone exit 0.
//! A file that cannot be read, or is not TOML, is one problem like any other.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
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
    /// Move long inline lists ([[profiles.X.tags]] tables by the thousand) into CSV side
    /// files beside the config (PROFILE-tags.csv…), named in the profile instead
    /// (`tags_file = …`). The rest of the file keeps its comments; the old file is kept
    /// as FILE.before-split. Nothing is written unless the result means exactly the same.
    Split {
        /// The file to split (default: the one rolo reads).
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        /// Move only lists with at least this many entries.
        #[arg(long, value_name = "N", default_value_t = 100)]
        min: usize,
        /// Say what would move, and write nothing.
        #[arg(long)]
        dry_run: bool,
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
        ConfigAction::Split { file, min, dry_run } => {
            let path = match file {
                Some(file) => file,
                None => global.choice().config_path()?,
            };
            split(&path, min, dry_run)
        }
    }
}

/// `rolo config split FILE`: the side files written, then the config replaced (its old
/// text kept beside it). A file that exists already is never overwritten.
fn split(path: &Path, min: usize, dry_run: bool) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the config file", path.display()))?;
    let plan = crate::engine::config_split::split(&text, path, min)?;
    if plan.moved.is_empty() {
        say!(
            "{}: nothing to move: no inline list has {min} or more entries (--min)",
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let backup = PathBuf::from(format!("{}.before-split", path.display()));
    let taken: Vec<&Path> = plan
        .files
        .iter()
        .map(|(p, _)| p.as_path())
        .chain([backup.as_path()])
        .filter(|p| p.exists())
        .collect();
    if let Some(first) = taken.first() {
        anyhow::bail!(
            "{}: exists already; move it away first (nothing was written)",
            first.display()
        );
    }
    for line in &plan.moved {
        say!("{line}");
    }
    if dry_run {
        say!("{}: nothing written (--dry-run)", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let backup = crate::engine::config_split::apply(&plan, path)?;
    say!(
        "{}: rewritten; the old file is {}",
        path.display(),
        backup.display()
    );
    Ok(ExitCode::SUCCESS)
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
