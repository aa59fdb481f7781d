//! The command line: `rolo` and its subcommands. A thin face over the domain code.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

/// `println!` for the CLI: the line is made inert (see [`crate::text`]) because it may
/// carry a stranger's text, and a closed pipe (`rolo history | head`) is not a panic.
macro_rules! say {
    ($($arg:tt)*) => { $crate::cli::emit(false, &format!($($arg)*), true) };
}

/// `eprintln!` for the CLI, inert like [`say!`].
macro_rules! tell {
    ($($arg:tt)*) => { $crate::cli::emit(true, &format!($($arg)*), true) };
}

mod add;
mod config_cmd;
mod context;
mod docs;
mod find;
mod import;
mod outbox;
mod sandbox;

/// rolo: enter contacts into `WhatsApp` CRMs (Wipsy, `WhatsMark`, Chatwoot) from the terminal.
#[derive(Debug, Parser)]
#[command(name = "rolo", version, about, long_about = None)]
pub struct Cli {
    /// Options every command shares.
    #[command(flatten)]
    pub global: Global,
    /// What to do; without one, rolo opens the contact form.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command shares.
#[derive(Debug, Clone, clap::Args)]
pub struct Global {
    /// Config file (default: config.toml in the OS config dir).
    #[arg(long, global = true, env = "ROLO_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Profile to use (default: `default_profile`, else the first).
    #[arg(
        long,
        global = true,
        env = "ROLO_PROFILE",
        value_name = "NAME",
        value_hint = clap::ValueHint::Other
    )]
    pub profile: Option<String>,
    /// The form as plain prompts, one field at a time (for screen readers and slow
    /// links); also `ROLO_LINEAR=1`, and offered on a dumb terminal or without a tty.
    #[arg(long, global = true)]
    pub linear: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a contact from --set KEY=VALUE pairs, a JSON file, a quick-add line or a vCard.
    #[command(
        after_help = "Exit codes: 0 created · 1 config/usage · 2 invalid (rolo's checks or the server's field errors) · 3 quota or plan limit · 4 key refused · 5 rate limited · 6 network · 7 server error, unreadable answer or redirect · 8 conflict (a duplicate in the CRM, or an earlier attempt that may have arrived).\nA failure that may pass (network, timeout, 5xx, rate limit) keeps the contact in the outbox: `rolo outbox retry`."
    )]
    Add(add::AddArgs),
    /// Look contacts up by phone, name or email: id, name, phone, email, created date.
    Find(find::FindArgs),
    /// Change some fields of a contact the CRM has (WhatsMark, Chatwoot): only those are sent.
    #[command(
        after_help = "Exit codes: 0 updated (or nothing to change) · 1 config/usage, or an API that cannot update (Wipsy) · 2 invalid (rolo's checks, a required field cleared, or the server's field errors) · 4 key refused · 5 rate limited · 6 network · 7 server error, unreadable answer or redirect · 9 no such contact on the server.
A failure that may pass (network, timeout, 5xx, rate limit) keeps the update in the outbox: `rolo outbox retry` sends it again (safe: an update sets values, it never adds a contact)."
    )]
    Update(find::UpdateArgs),
    /// Create many contacts from a CSV or vCard file, with a journal, a dry run and a report.
    Import(import::ImportArgs),
    /// List the configured profiles (never their secrets).
    Profiles,
    /// Fetch or show a profile's catalog (sources, statuses, groups, stages, tags...).
    Catalog {
        /// What to do with it.
        #[command(subcommand)]
        action: CatalogAction,
    },
    /// Contacts waiting to be sent again after a failure that may pass.
    Outbox {
        /// What to do with them.
        #[command(subcommand)]
        action: outbox::OutboxAction,
    },
    /// Contacts rolo created (time, profile, id, name, phone).
    History(outbox::HistoryArgs),
    /// Serve a local sandbox of both CRM APIs on 127.0.0.1 until interrupted.
    Sandbox(SandboxArgs),
    /// Check config.toml and report every problem, or print its JSON Schema for editors.
    Config {
        /// What to do.
        #[command(subcommand)]
        action: config_cmd::ConfigAction,
    },
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    Completions(docs::CompletionsArgs),
    /// Print the manual page (roff), or write a page per command into a directory.
    Man(docs::ManArgs),
}

/// `rolo catalog` actions.
#[derive(Debug, Subcommand)]
pub enum CatalogAction {
    /// Fetch the catalog from the API and cache it.
    Refresh,
    /// Show the cached catalog.
    Show {
        /// Print it as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Arguments of `rolo sandbox`.
#[derive(Debug, clap::Args)]
pub struct SandboxArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 7878)]
    pub port: u16,
    /// Seed file with tenants (JSON, the shape of assets/sandbox-seed.json).
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Keep a JSON picture of every tenant and contact in FILE, rewritten after each change.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Print the tenants as one JSON array instead of one line each.
    #[arg(long)]
    pub json: bool,
    /// Print one tenant's demo key and exit, serving nothing: `whatsmark`, `wipsy` or
    /// `chatwoot` (the `demo` tenant), or `FLAVOUR:TENANT`. What the example config's sandbox
    /// profiles run as their `api_key_cmd`.
    #[arg(long, value_name = "FLAVOUR[:TENANT]")]
    pub print_key: Option<String>,
}

pub use crate::engine::exit;

/// Runs a subcommand and maps the result to an exit code; `None` when there is none,
/// and the caller opens the form (the CLI face does not know the TUI face).
#[must_use]
pub fn main(cli: Cli) -> Option<ExitCode> {
    let command = cli.command?;
    Some(match run(&cli.global, command) {
        Ok(code) => code,
        Err(e) => report(&e),
    })
}

/// Writes CLI output with every unsafe character shown instead of obeyed; write errors
/// (a closed pipe) end the output quietly. rolo's own output carries no escape codes, so
/// the whole text can go through the filter.
#[doc(hidden)]
pub fn emit(to_stderr: bool, text: &str, newline: bool) {
    use std::io::Write as _;
    let text = crate::text::inert_lines(text);
    let end = if newline { "\n" } else { "" };
    let _ = if to_stderr {
        write!(std::io::stderr().lock(), "{text}{end}")
    } else {
        let mut out = std::io::stdout().lock();
        write!(out, "{text}{end}").and_then(|()| out.flush())
    };
}

/// Prints JSON for a program to read: the same value, with bidi and C1 characters
/// escaped so it is inert on a terminal too.
pub(crate) fn say_json(json: &str) {
    emit(false, &crate::text::inert_json(json), true);
}

/// Prints an error the way every command does and returns its exit code: 4 when no
/// API key could be had (as for a key the server refuses: the README's table), else 1.
#[must_use]
pub fn report(e: &anyhow::Error) -> ExitCode {
    tell!("rolo: {e:#}");
    ExitCode::from(exit::of_error(e))
}

fn run(global: &Global, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Sandbox(args) => runtime()?.block_on(sandbox::serve_sandbox(args)),
        Command::Add(args) => runtime()?.block_on(add::run(global, args)),
        Command::Import(args) => runtime()?.block_on(import::run(global, args)),
        Command::Find(args) => runtime()?.block_on(find::find(global, args)),
        Command::Update(args) => runtime()?.block_on(find::run(global, args)),
        Command::Profiles => context::list_profiles(global),
        Command::Outbox { action } => runtime()?.block_on(outbox::run(global, action)),
        Command::History(args) => outbox::history(global, &args),
        Command::Catalog { action } => runtime()?.block_on(context::catalog(global, action)),
        Command::Config { action } => config_cmd::run(global, action),
        Command::Completions(args) => docs::completions(global, &args),
        Command::Man(args) => docs::man(&args),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
