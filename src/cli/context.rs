//! What several commands share: the config and profile they were pointed at, opened
//! through the engine, and `rolo profiles` / `rolo catalog`.

use std::process::ExitCode;

use super::{CatalogAction, Global};
use crate::config::Config;
use crate::contact::{Catalog, CatalogKind};
use crate::engine::catalog::Fetched;
use crate::engine::session::{Choice, Session};

impl Global {
    /// The config and profile these options choose.
    #[must_use]
    pub fn choice(&self) -> Choice {
        Choice {
            config: self.config.clone(),
            profile: self.profile.clone(),
        }
    }
}

/// Loads the config, printing its warnings to stderr.
pub fn load_config(global: &Global) -> anyhow::Result<Config> {
    let config = global.choice().load_config()?;
    for w in &config.warnings {
        tell!("rolo: warning: {w}");
    }
    Ok(config)
}

/// A session, and the built-in demo sandbox it runs on when there is no config.
pub struct Opened {
    /// The profile opened.
    pub session: Session,
    /// The sandbox a no-config run talks to, served from this process while it lives.
    _demo: Option<crate::engine::embedded::SandboxHandle>,
}

/// Opens the chosen profile as [`open`] does; with no config file, at a terminal, the
/// built-in demo sandbox instead, as the form does (a newcomer trying `rolo add` sees it
/// work). A script (no terminal) is refused as before, and so is a config file named
/// with `--config` / `ROLO_CONFIG` that is not there (a typo in it): a wrong config path
/// must never "create" a contact that exists only in a demo.
pub async fn open_or_demo(global: &Global) -> anyhow::Result<Opened> {
    use std::io::IsTerminal;
    let path = global.choice().config_path().ok();
    let missing = global.config.is_none() && path.as_ref().is_none_or(|p| !p.exists());
    let at_terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !(missing && at_terminal) {
        return Ok(Opened {
            session: open(global)?,
            _demo: None,
        });
    }
    let (handle, profiles, keys) = crate::engine::embedded::start().await?;
    let chosen = crate::engine::embedded::choose(&profiles, global.profile.as_deref())?;
    let profile = profiles
        .get(chosen)
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("the built-in sandbox has no profiles"))?;
    let shown = path.map_or_else(|| "the config dir".to_owned(), |p| p.display().to_string());
    tell!(
        "rolo: no config at {shown}: this runs on the built-in sandbox ({}), as the form does; \
         nothing leaves this machine and the contact is gone when rolo exits. Add your CRM: \
         copy config.example.toml there.",
        profile.display_name()
    );
    let key = keys.get(&profile.name);
    let session = Session::connect(
        profile,
        key,
        std::path::Path::new("<built-in sandbox>"),
        crate::engine::session::data_dir()?,
    )
    .map_err(|e| anyhow::anyhow!(e))?;
    Ok(Opened {
        session,
        _demo: Some(handle),
    })
}

/// Opens the chosen profile: config (warnings to stderr), key and client.
pub fn open(global: &Global) -> anyhow::Result<Session> {
    let config = load_config(global)?;
    Session::open(&config, global.profile.as_deref())
}

/// Prints what could not be fetched or cached, and hands the catalog on.
pub fn warn(fetched: Fetched) -> Fetched {
    for w in fetched.warnings() {
        tell!("rolo: warning: {w}");
    }
    fetched
}

/// `rolo profiles`.
pub fn list_profiles(global: &Global) -> anyhow::Result<ExitCode> {
    let config = load_config(global)?;
    let chosen = config.select(global.profile.as_deref())?.name.clone();
    say!("config: {}", config.path.display());
    for p in &config.profiles {
        let mark = if p.name == chosen { "*" } else { " " };
        let mut flags = Vec::new();
        if p.read_only {
            flags.push("read-only");
        }
        if p.confirm_submit {
            flags.push("confirm");
        }
        say!(
            "{mark} {:<16} {:<10} {:<44} key: {}{}",
            p.name,
            p.api.as_str(),
            p.base_url.as_str(),
            p.secret.describe(),
            if flags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", flags.join(", "))
            },
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `rolo catalog refresh|show`.
pub async fn catalog(global: &Global, action: CatalogAction) -> anyhow::Result<ExitCode> {
    let session = open(global)?;
    let catalog = match action {
        CatalogAction::Refresh => {
            let local = crate::engine::catalog::local(session.data_dir(), session.profile());
            let mut fetched = session.refresh(local.catalog).await;
            fetched.notice = local.notice;
            warn(fetched).catalog
        }
        CatalogAction::Show { json } => {
            let local = crate::engine::catalog::local(session.data_dir(), session.profile());
            if let Some(n) = &local.notice {
                tell!("rolo: warning: {n}");
            }
            if !local.found {
                return Err(anyhow::anyhow!(
                    "no cached catalog yet; run `rolo catalog refresh`"
                ));
            }
            if json {
                super::say_json(&serde_json::to_string_pretty(&local.catalog)?);
                return Ok(ExitCode::SUCCESS);
            }
            local.catalog
        }
    };
    print_catalog(session.name(), &catalog);
    Ok(ExitCode::SUCCESS)
}

fn print_catalog(profile: &str, c: &Catalog) {
    say!(
        "profile {profile}; fetched {}",
        c.fetched_at.as_deref().unwrap_or("never")
    );
    if let Some(t) = &c.tenant {
        say!(
            "tenant: {} ({})",
            t.name,
            t.plan.as_deref().unwrap_or("plan unknown")
        );
    }
    if let Some(u) = &c.usage {
        let limit = u
            .limit
            .map_or_else(|| "unlimited".to_owned(), |l| l.to_string());
        say!("contacts: {} of {limit}", u.current);
    }
    // Every kind, so a list a new CRM brings is shown too (Chatwoot's labels were not).
    for kind in CatalogKind::ALL {
        let title = match kind {
            CatalogKind::Stages => "stages",
            CatalogKind::Tags => "tags",
            CatalogKind::Sources => "sources",
            CatalogKind::Statuses => "statuses",
            CatalogKind::Groups => "groups",
            CatalogKind::Countries => "countries",
            CatalogKind::Assignees => "assignees",
            CatalogKind::Labels => "labels",
            CatalogKind::Inboxes => "inboxes",
        };
        let items = c.items(kind);
        if items.is_empty() {
            continue;
        }
        say!("{title} ({}):", items.len());
        for i in items {
            let color = i
                .color
                .as_deref()
                .map(|c| format!(" {c}"))
                .unwrap_or_default();
            say!("  {:<38} {}{color}", i.id, i.name);
        }
    }
    if !c.custom_fields.is_empty() {
        say!("custom fields ({}):", c.custom_fields.len());
        for d in &c.custom_fields {
            let req = if d.required { " (required)" } else { "" };
            say!("  {:<38} {} [{:?}]{req}", d.id, d.name, d.kind);
        }
    }
}
