//! `rolo sandbox`: serve both CRM APIs locally until interrupted.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use super::SandboxArgs;
use crate::sandbox::{self, DEFAULT_SEED, SandboxConfig, Seed};

/// Starts the sandbox, prints the tenant lines, serves until Ctrl-C or SIGTERM.
pub async fn serve_sandbox(args: SandboxArgs) -> anyhow::Result<ExitCode> {
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
