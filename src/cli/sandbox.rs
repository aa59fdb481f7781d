//! `rolo sandbox`: serve both CRM APIs locally until interrupted.

use std::io::Write;
use std::process::ExitCode;

use super::SandboxArgs;
use crate::engine::embedded;

/// Starts the sandbox, prints the tenant lines, serves until Ctrl-C or SIGTERM.
pub async fn serve_sandbox(args: SandboxArgs) -> anyhow::Result<ExitCode> {
    if let Some(which) = &args.print_key {
        return print_key(which, args.seed.as_deref());
    }
    let handle = embedded::serve(args.port, args.seed.as_deref(), args.state.clone()).await?;
    let tenants = handle.tenants();
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&tenants)?)?;
    } else {
        for t in &tenants {
            // Chatwoot's account goes in every path: a fifth column says which.
            let account = t.account_id.map(|a| format!(" {a}")).unwrap_or_default();
            writeln!(
                out,
                "{} {} {} {}{account}",
                t.flavour, t.name, t.base_url, t.key
            )?;
        }
    }
    out.flush()?;
    drop(out);
    eprintln!(
        "rolo sandbox: {} (Ctrl-C stops)",
        embedded::serving(&handle)
    );
    wait_for_signal().await;
    handle.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

/// `--print-key FLAVOUR[:TENANT]`: the seed's key for that tenant, on stdout.
fn print_key(which: &str, seed: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let (flavour, tenant) = which.split_once(':').unwrap_or((which, "demo"));
    let key = embedded::demo_key(flavour, tenant, seed)?;
    say!("{key}");
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
