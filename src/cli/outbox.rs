//! `rolo outbox list|retry|drop` and `rolo history`.

use std::process::ExitCode;

use anyhow::anyhow;

use super::context::{Ctx, load_config};
use super::{Global, exit};
use crate::engine::resend::{self, Resent};
use crate::store::{history, outbox};

/// `rolo outbox` actions.
#[derive(Debug, clap::Subcommand)]
pub enum OutboxAction {
    /// List the contacts waiting to be sent.
    List,
    /// Send waiting contacts again (all of them, or those named by id or id prefix).
    Retry {
        /// Item ids (or unique prefixes); none means every item.
        ids: Vec<String>,
    },
    /// Delete a waiting contact without sending it.
    Drop {
        /// Item id (or a unique prefix).
        id: String,
    },
}

/// `rolo history` arguments.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Only contacts created on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Every profile, not only the chosen one.
    #[arg(long)]
    pub all: bool,
}

fn data_dir() -> anyhow::Result<std::path::PathBuf> {
    crate::config::data_dir()
        .ok_or_else(|| anyhow!("cannot find a data directory; set ROLO_DATA_DIR"))
}

/// Runs an outbox action.
pub async fn run(global: &Global, action: OutboxAction) -> anyhow::Result<ExitCode> {
    let dir = data_dir()?;
    match action {
        OutboxAction::List => {
            let items = outbox::list(&dir);
            if items.is_empty() {
                println!("The outbox is empty.");
            }
            for i in items {
                let when = i
                    .created_at
                    .get(..16)
                    .unwrap_or(&i.created_at)
                    .replace('T', " ");
                println!(
                    "{}  {:<14} {:<28} {when}  {}",
                    &i.id[..8],
                    i.profile,
                    i.name,
                    i.reason
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        OutboxAction::Drop { id } => {
            let item = outbox::find(&dir, &id)
                .ok_or_else(|| anyhow!("no outbox item {id} (see `rolo outbox list`)"))?;
            outbox::remove(&dir, &item.id)?;
            println!("Dropped {} ({}).", &item.id[..8], item.name);
            Ok(ExitCode::SUCCESS)
        }
        OutboxAction::Retry { ids } => retry(global, &dir, &ids).await,
    }
}

async fn retry(global: &Global, dir: &std::path::Path, ids: &[String]) -> anyhow::Result<ExitCode> {
    let mut items = outbox::list(dir);
    if !ids.is_empty() {
        items.retain(|i| ids.iter().any(|id| i.id.starts_with(id.as_str())));
    }
    let mut worst = 0;
    for item in items {
        wait_for_retry_at(&item).await;
        let scoped = Global {
            config: global.config.clone(),
            profile: Some(item.profile.clone()),
        };
        let ctx = Ctx::load(&scoped)?;
        let catalog = ctx.catalog().await;
        let region = ctx.profile().default_region.clone();
        let (id, name, profile) = (item.id.clone(), item.name.clone(), item.profile.clone());
        let draft = item.draft.clone();
        let mut result = resend::resend(&ctx.client, dir, item, region.as_deref(), &catalog)
            .await
            .0;
        // Rate limited again: wait as the server says and go on, a few times.
        for _ in 0..5 {
            if !matches!(
                result,
                Resent::StillWaiting(crate::api::Outcome::RateLimited { .. })
            ) {
                break;
            }
            let Some(item) = outbox::find(dir, &id) else {
                break;
            };
            wait_for_retry_at(&item).await;
            result = resend::resend(&ctx.client, dir, item, region.as_deref(), &catalog)
                .await
                .0;
        }
        let short = &id[..8];
        match result {
            Resent::Created { id: server_id } => {
                record(dir, &profile, &server_id, &name, draft.get("phone"));
                outbox::remove(dir, &id)?;
                println!("{short} sent: created {name} (id {server_id}).");
            }
            Resent::AlreadyThere(k) => {
                record(dir, &profile, &k.id, &name, draft.get("phone"));
                outbox::remove(dir, &id)?;
                println!(
                    "{short} was already on the server ({}); not sent again.",
                    crate::contact::duplicates::describe(&k)
                );
            }
            Resent::StillWaiting(o) => {
                worst = worst.max(exit::NETWORK);
                println!("{short} still waiting: {}", o.summary());
            }
            Resent::Refused(o) => {
                worst = worst.max(exit::VALIDATION);
                println!(
                    "{short} refused: {} (fix it in the form, or `rolo outbox drop {short}`)",
                    crate::engine::words::refusal(&o)
                );
            }
        }
    }
    Ok(ExitCode::from(worst))
}

/// A rate-limited item waits out its Retry-After (up to two minutes) before it goes.
async fn wait_for_retry_at(item: &outbox::Item) {
    let Some(at) = item.retry_at else { return };
    let wait = (at - jiff::Timestamp::now().as_second()).clamp(0, 120);
    if wait > 0 {
        eprintln!(
            "rolo: {} is rate limited; waiting {wait} s as the server asked.",
            &item.id[..8]
        );
        tokio::time::sleep(std::time::Duration::from_secs(wait.unsigned_abs())).await;
    }
}

fn record(dir: &std::path::Path, profile: &str, id: &str, name: &str, phone: &str) {
    if let Err(e) = crate::engine::record::created(dir, profile, id, name, phone) {
        eprintln!(
            "rolo: warning: {}",
            crate::engine::record::history_warning(&e)
        );
    }
}

/// `rolo history`: contacts rolo created, newest last.
pub fn history(global: &Global, args: &HistoryArgs) -> anyhow::Result<ExitCode> {
    let dir = data_dir()?;
    let profile = if args.all {
        None
    } else {
        let config = load_config(global)?;
        Some(config.select(global.profile.as_deref())?.name.clone())
    };
    let since = args.since.clone().unwrap_or_default();
    let entries: Vec<_> = history::read(&dir)
        .into_iter()
        .filter(|e| {
            profile.as_deref().is_none_or(|p| e.profile == p) && e.time.as_str() >= since.as_str()
        })
        .collect();
    if entries.is_empty() {
        println!(
            "No contacts created{}.",
            profile
                .map(|p| format!(" in profile {p}"))
                .unwrap_or_default()
        );
    }
    for e in entries {
        let when = e.time.get(..16).unwrap_or(&e.time).replace('T', " ");
        println!(
            "{when}  {:<14} {:<10} {:<28} {}",
            e.profile, e.id, e.name, e.phone
        );
    }
    Ok(ExitCode::SUCCESS)
}
