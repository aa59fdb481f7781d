//! What every command needs: the config, the chosen profile, its key, a client, the
//! data dir and the profile's catalog (cached, or fetched when there is no cache).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};

use super::{CatalogAction, Global};
use crate::api::catalog::{self as fetch, Refreshed};
use crate::api::{Client, ClientConfig};
use crate::config::{self, Config, Profile};
use crate::contact::{Catalog, CatalogKind};
use crate::secret;
use crate::store::catalog_cache;

/// A loaded profile, ready to talk to its CRM.
pub struct Ctx {
    /// The whole config (for listing and switching).
    pub config: Config,
    /// The chosen profile's name.
    pub profile: String,
    /// Where rolo keeps its files.
    pub data_dir: PathBuf,
    /// The client, with the key inside.
    pub client: Client,
}

/// The config file to read: `--config` / `ROLO_CONFIG`, else the OS config dir.
fn config_path(global: &Global) -> anyhow::Result<PathBuf> {
    global
        .config
        .clone()
        .or_else(config::default_config_path)
        .ok_or_else(|| anyhow!("cannot find a config directory; pass --config FILE"))
}

/// Loads the config, printing its warnings to stderr.
pub fn load_config(global: &Global) -> anyhow::Result<Config> {
    let path = config_path(global)?;
    if !path.exists() {
        return Err(anyhow!(
            "no config file at {} — copy config.example.toml there and edit it, or pass --config FILE",
            path.display()
        ));
    }
    let config = Config::load(&path)?;
    for w in &config.warnings {
        eprintln!("rolo: warning: {w}");
    }
    Ok(config)
}

impl Ctx {
    /// Loads config, profile and key, and builds the client.
    pub fn load(global: &Global) -> anyhow::Result<Self> {
        let config = load_config(global)?;
        let profile = config.select(global.profile.as_deref())?.clone();
        let key = secret::resolve(&profile.name, &profile.secret, &config.path)?;
        let client = Client::new(
            &ClientConfig {
                flavour: profile.api,
                base_url: profile.base_url.clone(),
                connect_timeout: profile.connect_timeout,
                timeout: profile.timeout,
            },
            &key,
        )?;
        let data_dir = config::data_dir()
            .ok_or_else(|| anyhow!("cannot find a data directory; set ROLO_DATA_DIR"))?;
        Ok(Self {
            profile: profile.name.clone(),
            config,
            data_dir,
            client,
        })
    }

    /// The chosen profile.
    #[must_use]
    pub fn profile(&self) -> &Profile {
        self.config
            .profiles
            .iter()
            .find(|p| p.name == self.profile)
            .unwrap_or(&self.config.profiles[0])
    }

    /// The cached catalog, or a freshly fetched one when nothing is cached.
    pub async fn catalog(&self) -> Catalog {
        if let Some(cached) = catalog_cache::load(&self.data_dir, &self.profile) {
            return crate::engine::catalog::with_profile(cached, self.profile());
        }
        self.refresh().await.catalog
    }

    /// Fetches the catalog and caches it; failures become warnings on stderr.
    pub async fn refresh(&self) -> Refreshed {
        // Start from what is cached, so a part that fails keeps its last good entries.
        let base = catalog_cache::load(&self.data_dir, &self.profile).map_or_else(
            || crate::engine::catalog::from_profile(self.profile()),
            |cached| crate::engine::catalog::with_profile(cached, self.profile()),
        );
        let refreshed = fetch::refresh(&self.client, base).await;
        for w in &refreshed.warnings {
            eprintln!("rolo: warning: could not fetch {w}");
        }
        if let Err(e) = catalog_cache::save(&self.data_dir, &self.profile, &refreshed.catalog) {
            eprintln!("rolo: warning: cannot cache the catalog: {e}");
        }
        refreshed
    }
}

/// `rolo profiles`.
pub fn list_profiles(global: &Global) -> anyhow::Result<ExitCode> {
    let config = load_config(global)?;
    let chosen = config.select(global.profile.as_deref())?.name.clone();
    println!("config: {}", config.path.display());
    for p in &config.profiles {
        let mark = if p.name == chosen { "*" } else { " " };
        let mut flags = Vec::new();
        if p.read_only {
            flags.push("read-only");
        }
        if p.confirm_submit {
            flags.push("confirm");
        }
        println!(
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
    let ctx = Ctx::load(global)?;
    let catalog = match action {
        CatalogAction::Refresh => ctx.refresh().await.catalog,
        CatalogAction::Show { json: true } => {
            let c = catalog_cache::load(&ctx.data_dir, &ctx.profile)
                .context("no cached catalog yet; run `rolo catalog refresh`")?;
            println!("{}", serde_json::to_string_pretty(&c)?);
            return Ok(ExitCode::SUCCESS);
        }
        CatalogAction::Show { json: false } => catalog_cache::load(&ctx.data_dir, &ctx.profile)
            .context("no cached catalog yet; run `rolo catalog refresh`")?,
    };
    print_catalog(&ctx.profile, &catalog);
    Ok(ExitCode::SUCCESS)
}

fn print_catalog(profile: &str, c: &Catalog) {
    println!(
        "profile {profile}; fetched {}",
        c.fetched_at.as_deref().unwrap_or("never")
    );
    if let Some(t) = &c.tenant {
        println!(
            "tenant: {} ({})",
            t.name,
            t.plan.as_deref().unwrap_or("plan unknown")
        );
    }
    if let Some(u) = &c.usage {
        let limit = u
            .limit
            .map_or_else(|| "unlimited".to_owned(), |l| l.to_string());
        println!("contacts: {} of {limit}", u.current);
    }
    for (title, kind) in [
        ("stages", CatalogKind::Stages),
        ("tags", CatalogKind::Tags),
        ("sources", CatalogKind::Sources),
        ("statuses", CatalogKind::Statuses),
        ("groups", CatalogKind::Groups),
        ("assignees", CatalogKind::Assignees),
        ("countries", CatalogKind::Countries),
    ] {
        let items = c.items(kind);
        if items.is_empty() {
            continue;
        }
        println!("{title} ({}):", items.len());
        for i in items {
            let color = i
                .color
                .as_deref()
                .map(|c| format!(" {c}"))
                .unwrap_or_default();
            println!("  {:<38} {}{color}", i.id, i.name);
        }
    }
    if !c.custom_fields.is_empty() {
        println!("custom fields ({}):", c.custom_fields.len());
        for d in &c.custom_fields {
            let req = if d.required { " (required)" } else { "" };
            println!("  {:<38} {} [{:?}]{req}", d.id, d.name, d.kind);
        }
    }
}
