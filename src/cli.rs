//! The command line: `rolo` and its subcommands.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::sandbox::{self, DEFAULT_SEED, SandboxConfig, Seed};

/// rolo: enter contacts into WhatsApp CRMs (Wipsy, WhatsMark) from the terminal.
#[derive(Debug, Parser)]
#[command(name = "rolo", version, about, long_about = None)]
pub struct Cli {
    /// What to do; without one, rolo opens the contact form.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve a local sandbox of both CRM APIs on 127.0.0.1 until interrupted.
    Sandbox(SandboxArgs),
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
}

/// Runs rolo with the process's arguments and maps the result to an exit code.
#[must_use]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("rolo: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Command::Sandbox(args)) => runtime()?.block_on(serve_sandbox(args)),
        None => {
            println!(
                "rolo {}: the contact form is not part of this build yet.\n\
                 Try `rolo sandbox` to serve both CRM APIs locally, or `rolo --help`.",
                env!("CARGO_PKG_VERSION")
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

async fn serve_sandbox(args: SandboxArgs) -> anyhow::Result<ExitCode> {
    let seed_text = match &args.seed {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the seed file {}", path.display()))?,
        None => DEFAULT_SEED.to_owned(),
    };
    let seed = Seed::parse(&seed_text).with_context(|| match &args.seed {
        Some(path) => format!("the seed file {} is not valid", path.display()),
        None => "the built-in seed is not valid".to_owned(),
    })?;
    let handle = sandbox::start(SandboxConfig {
        port: args.port,
        seed,
        state_file: args.state.clone(),
    })
    .await?;
    let tenants = handle.tenants();
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&tenants)?)?;
    } else {
        for t in &tenants {
            writeln!(out, "{} {} {} {}", t.flavour, t.name, t.base_url, t.key)?;
        }
    }
    out.flush()?;
    drop(out);
    eprintln!(
        "rolo sandbox: serving wipsy at {} and whatsmark at {} (Ctrl-C stops)",
        handle.base_url(sandbox::Flavour::Wipsy),
        handle.base_url(sandbox::Flavour::Whatsmark),
    );
    wait_for_signal().await;
    handle.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C, or SIGTERM where there is one.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
