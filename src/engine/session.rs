//! A profile opened for work: its settings, the client that carries its key, and the data
//! dir where rolo keeps its files. Every face opens one the same way: the CLI for the
//! profile a command names, the form for each profile as it connects.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::anyhow;

use crate::api::{Client, ClientConfig, RateLimit};
use crate::config::{self, Config, Profile};
use crate::contact::catalog::Usage;
use crate::contact::duplicates::Known;
use crate::contact::{Catalog, Flavour};
use crate::secret::{self, ApiKey};

use super::catalog::{self as catalogs, Fetched};

/// What the command line chose: a config file and a profile, each `None` for the
/// defaults (the OS config dir; `default_profile`, else the first).
#[derive(Debug, Clone, Default)]
pub struct Choice {
    /// `--config` / `ROLO_CONFIG`.
    pub config: Option<PathBuf>,
    /// `--profile` / `ROLO_PROFILE`.
    pub profile: Option<String>,
}

impl Choice {
    /// The config file to read: the one named, else the OS config dir's.
    pub fn config_path(&self) -> anyhow::Result<PathBuf> {
        self.config
            .clone()
            .or_else(config::default_config_path)
            .ok_or_else(|| anyhow!("cannot find a config directory; pass --config FILE"))
    }

    /// Loads and checks the config file; its warnings are in [`Config::warnings`].
    pub fn load_config(&self) -> anyhow::Result<Config> {
        let path = self.config_path()?;
        if !path.exists() {
            return Err(anyhow!(
                "no config file at {} — copy config.example.toml there and edit it, or pass --config FILE",
                path.display()
            ));
        }
        Ok(Config::load(&path)?)
    }

    /// The same choice with another profile.
    #[must_use]
    pub fn with_profile(&self, profile: &str) -> Self {
        Self {
            config: self.config.clone(),
            profile: Some(profile.to_owned()),
        }
    }
}

/// Where rolo keeps its files (`ROLO_DATA_DIR`, else the OS data dir).
pub fn data_dir() -> anyhow::Result<PathBuf> {
    config::data_dir().ok_or_else(|| anyhow!("cannot find a data directory; set ROLO_DATA_DIR"))
}

/// A profile with its key resolved and its client built.
#[derive(Debug, Clone)]
pub struct Session {
    profile: Arc<Profile>,
    data_dir: PathBuf,
    pub(crate) client: Client,
}

impl Session {
    /// Opens the chosen profile of `config`: resolves its key (which may run a command
    /// or ask the keyring, so call it off any UI thread) and builds its client.
    pub fn open(config: &Config, profile: Option<&str>) -> anyhow::Result<Self> {
        let data_dir = data_dir()?;
        let profile = super::side_files::fill(&data_dir, config.select(profile)?.clone())?;
        let key = secret::resolve(&profile.name, &profile.secret, &config.path)?;
        Self::with_key(profile, &key, data_dir)
    }

    /// Opens `profile` with a key already known (the embedded sandbox's), else the one
    /// its secret spec names; the error is one line for the status bar.
    pub fn connect(
        profile: Profile,
        known: Option<&ApiKey>,
        config_path: &std::path::Path,
        data_dir: PathBuf,
    ) -> Result<Self, String> {
        let key = match known {
            Some(k) => k.clone(),
            None => secret::resolve(&profile.name, &profile.secret, config_path)
                .map_err(|e| e.to_string())?,
        };
        Self::with_key(profile, &key, data_dir).map_err(|e| e.to_string())
    }

    fn with_key(profile: Profile, key: &ApiKey, data_dir: PathBuf) -> anyhow::Result<Self> {
        let client = Client::new(
            &ClientConfig {
                flavour: profile.api,
                base_url: profile.base_url.clone(),
                connect_timeout: profile.connect_timeout,
                timeout: profile.timeout,
                account_id: profile.account_id,
            },
            key.secret(),
        )?;
        Ok(Self {
            profile: Arc::new(profile),
            data_dir,
            client,
        })
    }

    /// Takes the profile as it is now: its side files are read after the form connects,
    /// and what the cache keeps (only what the server told) is told apart from what the
    /// profile declares by it. The connection itself does not change.
    pub fn update_profile(&mut self, profile: Profile) {
        self.profile = Arc::new(profile);
    }

    /// The profile.
    #[must_use]
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The profile's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.profile.name
    }

    /// The profile's flavour.
    #[must_use]
    pub fn flavour(&self) -> Flavour {
        self.profile.api
    }

    /// Where rolo keeps its files.
    #[must_use]
    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    /// The catalog pickers and names resolve against: the cached one with the profile's
    /// own entries over it, or, when nothing is cached yet, a freshly fetched one.
    pub async fn catalog(&self) -> Fetched {
        let local = catalogs::local(&self.data_dir, &self.profile);
        if local.found {
            return Fetched::cached(local.catalog);
        }
        let mut fetched = self.refresh(local.catalog).await;
        fetched.notice = local.notice;
        fetched
    }

    /// Fetches what the API can tell, merges it over `base` (so a part that fails keeps
    /// its last good entries) and caches the result.
    pub async fn refresh(&self, base: Catalog) -> Fetched {
        catalogs::refresh(&self.client, &self.data_dir, &self.profile, base).await
    }
}

impl Session {
    /// Contacts against the plan, where the API tells (`WhatsMark`), with the rate
    /// figures of the answer.
    pub async fn usage(&self) -> (Option<Usage>, Option<RateLimit>) {
        let mut rate = None;
        let usage = crate::api::catalog::usage(&self.client, &mut rate)
            .await
            .ok();
        (usage, rate)
    }

    /// Contacts the CRM already has with this phone (E.164) or email: searched where the
    /// API can search, else looked up in `recent` (contacts harvested from a list); with
    /// the rate figures of the last answer (a refused search's too), for the status bar.
    pub async fn duplicates(
        &self,
        phone: Option<&str>,
        email: Option<&str>,
        recent: &[Known],
    ) -> (Result<Vec<Known>, String>, Option<RateLimit>) {
        let (found, rate) = self.client.find_duplicates(phone, email, recent).await;
        (found.map_err(|o| o.summary()), rate)
    }

    /// The duplicate check every face runs before a first send: contacts the CRM already
    /// has with the draft's phone (in E.164) or email, read by role whatever the fields'
    /// keys. Nothing to look for (no phone, no email) finds nothing.
    pub async fn duplicates_of(
        &self,
        draft: &crate::contact::Draft,
        recent: &[Known],
    ) -> (Result<Vec<Known>, String>, Option<RateLimit>) {
        let flavour = self.profile().api;
        let region = self.profile().default_region.as_deref();
        let phone = Some(super::record::phone_of(flavour, draft, region)).filter(|p| !p.is_empty());
        let email =
            Some(flavour.value(draft, crate::contact::Role::Email)).filter(|e| !e.is_empty());
        if phone.is_none() && email.is_none() {
            return (Ok(Vec::new()), None);
        }
        self.duplicates(phone.as_deref(), email, recent).await
    }
}
