//! `rolo outbox list|retry|drop` and `rolo history`.

use std::process::ExitCode;

use anyhow::anyhow;

use super::context::{self, load_config};
use super::{Global, exit};
use crate::engine::outbox::{self, short};
use crate::engine::record;
use crate::engine::resend::Resent;
use crate::engine::session;

/// `rolo outbox` actions.
#[derive(Debug, clap::Subcommand)]
pub enum OutboxAction {
    /// List the contacts waiting to be sent (the chosen profile's; --all for every one).
    List {
        /// Every profile, not only the chosen one.
        #[arg(long)]
        all: bool,
    },
    /// Send waiting contacts again (the chosen profile's, or those named by id or id
    /// prefix; --all for every profile).
    Retry {
        /// Item ids (or unique prefixes); none means every item of the profile.
        ids: Vec<String>,
        /// Every profile, not only the chosen one.
        #[arg(long)]
        all: bool,
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

/// Runs an outbox action.
pub async fn run(global: &Global, action: OutboxAction) -> anyhow::Result<ExitCode> {
    let dir = session::data_dir()?;
    match action {
        OutboxAction::List { all } => {
            let profile = chosen(global, all)?;
            let (items, damaged) = outbox::list_checked(&dir);
            let items: Vec<_> = items
                .into_iter()
                .filter(|i| profile.as_deref().is_none_or(|p| i.profile == p))
                .collect();
            let damaged = in_scope(damaged, profile.as_deref());
            for d in &damaged {
                say!("{}", damaged_line(d));
            }
            if items.is_empty() && damaged.is_empty() {
                let scope = profile
                    .map(|p| format!(" for profile {p}"))
                    .unwrap_or_default();
                say!("The outbox is empty{scope}.");
            }
            for i in items {
                let when = i
                    .created_at
                    .get(..16)
                    .unwrap_or(&i.created_at)
                    .replace('T', " ");
                say!(
                    "{}  {:<14} {:<28} {when}  {}",
                    short(&i.id),
                    i.profile,
                    outbox::title(&i),
                    i.reason
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        OutboxAction::Drop { id } => {
            if let Some(item) = outbox::find(&dir, &id) {
                outbox::drop(&dir, &item.id)?;
                say!("Dropped {} ({}).", short(&item.id), item.name);
                return Ok(ExitCode::SUCCESS);
            }
            let damaged = outbox::find_damaged(&dir, &id)
                .ok_or_else(|| anyhow!("no outbox item {id} (see `rolo outbox list`)"))?;
            let kept = outbox::set_aside(&dir, &damaged)?;
            say!(
                "Dropped the damaged item {} ({}); its bytes are kept in {}.",
                short(&damaged.id),
                damaged.readable(),
                kept.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        OutboxAction::Retry { ids, all } => {
            // Items named by id are retried whatever their profile: the id says which.
            let profile = if ids.is_empty() {
                chosen(global, all)?
            } else {
                None
            };
            retry(global, &dir, &ids, profile.as_deref()).await
        }
    }
}

/// The profile an outbox command is limited to: the chosen one (`--profile`, else the
/// default), or none with `--all`.
fn chosen(global: &Global, all: bool) -> anyhow::Result<Option<String>> {
    if all {
        return Ok(None);
    }
    let config = load_config(global)?;
    Ok(Some(config.select(global.profile.as_deref())?.name.clone()))
}

async fn retry(
    global: &Global,
    dir: &std::path::Path,
    ids: &[String],
    profile: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let (mut items, damaged) = outbox::list_checked(dir);
    items.retain(|i| profile.is_none_or(|p| i.profile == p));
    let mut damaged = in_scope(damaged, profile);
    if !ids.is_empty() {
        items.retain(|i| ids.iter().any(|id| i.id.starts_with(id.as_str())));
        damaged.retain(|d| ids.iter().any(|id| d.id.starts_with(id.as_str())));
    }
    let mut worst = 0;
    // Not sendable (what the contact was cannot be read whole), never passed over in
    // silence: the agent was told it would be sent.
    for d in &damaged {
        worst = worst.max(exit::OTHER);
        say!("{} (not sent)", damaged_line(d));
    }
    for item in items {
        wait_for_retry_at(&item).await;
        let scoped = Global {
            config: global.config.clone(),
            profile: Some(item.profile.clone()),
            linear: global.linear,
        };
        let session = context::open(&scoped)?;
        let catalog = context::warn(session.catalog().await).catalog;
        let (id, name) = (item.id.clone(), item.name.clone());
        let mut retried = session.resend(item, &catalog).await;
        // Rate limited again: wait as the server says and go on, a few times.
        for _ in 0..5 {
            if !matches!(
                retried.result,
                Resent::StillWaiting(crate::engine::Outcome::RateLimited { .. })
            ) {
                break;
            }
            let Some(item) = outbox::find(dir, &id) else {
                break;
            };
            wait_for_retry_at(&item).await;
            retried = session.resend(item, &catalog).await;
        }
        for w in &retried.warnings {
            tell!("rolo: warning: {w}");
        }
        let short = short(&id);
        let words = retried.words(&name);
        match &retried.result {
            Resent::Created { .. }
            | Resent::Updated { .. }
            | Resent::AlreadyThere(_)
            | Resent::Busy
            | Resent::Gone => {
                say!("{short} {words}.");
            }
            // The same codes as `rolo add` for the same outcome (a 5xx is 7, not 6).
            Resent::StillWaiting(o) => {
                worst = worst.max(exit::of(o));
                say!("{short} {words}");
            }
            // The code `rolo add` gives the same refusal: a quota is 3, a key 4, field
            // errors 2; a read-only profile is a config matter (1), as for add and import.
            Resent::Refused(o) => {
                worst = worst.max(exit::of(o));
                say!("{short} {words} (fix it in the form, or `rolo outbox drop {short}`)");
            }
            Resent::ReadOnly(_) => {
                worst = worst.max(exit::OTHER);
                say!("{short} {words} (it waits; `rolo outbox drop {short}` removes it)");
            }
            Resent::Conflict(_) => {
                worst = worst.max(exit::CONFLICT);
                say!("{short} {words}");
            }
            Resent::Unlocked(_) => {
                worst = worst.max(exit::OTHER);
                say!("{short} {words}");
            }
        }
    }
    Ok(ExitCode::from(worst))
}

/// Damaged outbox files a command limited to `profile` shows: those of that profile, and
/// those whose profile cannot be read (they might be its own).
fn in_scope(damaged: Vec<outbox::Damaged>, profile: Option<&str>) -> Vec<outbox::Damaged> {
    damaged
        .into_iter()
        .filter(|d| profile.is_none_or(|p| d.profile.as_deref().is_none_or(|dp| dp == p)))
        .collect()
}

/// One damaged outbox file, as the outbox's lists show it.
fn damaged_line(d: &outbox::Damaged) -> String {
    format!(
        "{}  DAMAGED: {} · {} · mend the file, or `rolo outbox drop {}` sets it aside",
        short(&d.id),
        d.readable(),
        d.damage,
        short(&d.id)
    )
}

/// A rate-limited item waits out its Retry-After (up to two minutes) before it goes.
async fn wait_for_retry_at(item: &outbox::Item) {
    let Some(at) = item.retry_at else { return };
    let wait = (at - jiff::Timestamp::now().as_second()).clamp(0, 120);
    if wait > 0 {
        tell!(
            "rolo: {} is rate limited; waiting {wait} s as the server asked.",
            short(&item.id)
        );
        tokio::time::sleep(std::time::Duration::from_secs(wait.unsigned_abs())).await;
    }
}

/// `rolo history`: contacts rolo created or updated, newest last.
pub fn history(global: &Global, args: &HistoryArgs) -> anyhow::Result<ExitCode> {
    let dir = session::data_dir()?;
    let profile = if args.all {
        None
    } else {
        let config = load_config(global)?;
        Some(config.select(global.profile.as_deref())?.name.clone())
    };
    let since = args.since.clone().unwrap_or_default();
    let (entries, damaged) = record::read_checked(&dir);
    for d in &damaged {
        tell!("rolo: warning: {d}");
    }
    let entries: Vec<_> = entries
        .into_iter()
        .filter(|e| {
            profile.as_deref().is_none_or(|p| e.profile == p) && e.time.as_str() >= since.as_str()
        })
        .collect();
    if entries.is_empty() {
        say!(
            "No contacts created{}.",
            profile
                .map(|p| format!(" in profile {p}"))
                .unwrap_or_default()
        );
    }
    for e in entries {
        let when = e.time.get(..16).unwrap_or(&e.time).replace('T', " ");
        let updated = if e.action.is_created() {
            ""
        } else {
            "  (updated)"
        };
        say!(
            "{when}  {:<14} {:<10} {:<28} {}{updated}",
            e.profile,
            e.id,
            e.name,
            e.phone
        );
    }
    Ok(ExitCode::SUCCESS)
}
