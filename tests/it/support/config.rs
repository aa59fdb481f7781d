//! The one config writer: profiles of both flavours as a user writes them in
//! `config.toml`, with the secrets their `api_key_env` variables hold.

use std::fmt::Write as _;
use std::path::Path;

use rolo::sandbox::Seed;
use rolo::sandbox::state::{FieldDef, Stage};

use super::seed::SeedExt;

/// A config file: an optional default profile, then profiles in file order.
#[derive(Debug, Default, Clone)]
pub struct ConfigFile {
    default_profile: Option<String>,
    profiles: Vec<Profile>,
    secrets: Vec<(String, String)>,
}

impl ConfigFile {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// `default_profile = "name"`.
    #[must_use]
    pub fn default_profile(mut self, name: &str) -> Self {
        self.default_profile = Some(name.to_owned());
        self
    }

    /// Adds a profile after those already there.
    #[must_use]
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profiles.push(profile);
        self
    }

    /// A secret for the environment of every rolo run: `env` holds `value`.
    #[must_use]
    pub fn secret(mut self, env: &str, value: impl Into<String>) -> Self {
        self.secrets.push((env.to_owned(), value.into()));
        self
    }

    /// The environment variables and the secrets they hold.
    #[must_use]
    pub fn secrets(&self) -> &[(String, String)] {
        &self.secrets
    }

    /// The file's text.
    #[must_use]
    pub fn toml(&self) -> String {
        let mut out = String::new();
        if let Some(name) = &self.default_profile {
            writeln!(out, "default_profile = {name:?}\n").unwrap();
        }
        for p in &self.profiles {
            p.write_to(&mut out);
        }
        out
    }

    /// Writes the file at `path`.
    pub fn write(&self, path: &Path) {
        std::fs::write(path, self.toml()).unwrap();
    }

    /// The config rolo reads from this text (as if from `test-config.toml`).
    #[must_use]
    pub fn parse(&self) -> rolo::config::Config {
        rolo::config::Config::parse(&self.toml(), Path::new("test-config.toml")).unwrap()
    }
}

/// One `[profiles.NAME]` table with its sub-tables.
#[derive(Debug, Clone)]
pub struct Profile {
    name: String,
    /// `key = value` lines of the profile table.
    lines: Vec<String>,
    /// `[profiles.NAME.defaults]`, when any.
    defaults: Vec<(String, String)>,
    /// Array tables after it (`[[profiles.NAME.stages]]`…), as TOML text.
    tables: String,
}

impl Profile {
    fn new(name: &str, api: &str, base_url: &str, key_env: &str) -> Self {
        let lines = vec![
            format!("api = {api:?}"),
            format!("base_url = {base_url:?}"),
            format!("api_key_env = {key_env:?}"),
        ];
        Self {
            name: name.to_owned(),
            lines,
            defaults: Vec::new(),
            tables: String::new(),
        }
    }

    /// A WhatsMark profile against the sandbox at `origin`, its token in `key_env`.
    #[must_use]
    pub fn whatsmark(name: &str, origin: &str, key_env: &str) -> Self {
        Self::new(
            name,
            "whatsmark",
            &format!("{origin}/whatsmark/api/v2"),
            key_env,
        )
    }

    /// A Wipsy profile against the sandbox at `origin`, its key in `key_env`.
    #[must_use]
    pub fn wipsy(name: &str, origin: &str, key_env: &str) -> Self {
        Self::new(name, "wipsy", &format!("{origin}/wipsy"), key_env)
    }

    /// A Chatwoot profile against the sandbox at `origin` (account 1, "demo", and its
    /// WhatsApp inbox), its token in `key_env`.
    #[must_use]
    pub fn chatwoot(name: &str, origin: &str, key_env: &str) -> Self {
        let mut p = Self::new(
            name,
            "chatwoot",
            &format!("{origin}/chatwoot/api/v1"),
            key_env,
        );
        p.lines.push("account_id = 1".to_owned());
        p.lines.push("inbox_id = 1".to_owned());
        p
    }

    /// The key from a command, as `api_key_cmd` users write it (`pass show …`), instead
    /// of a variable: in-process tests cannot set variables safely.
    #[must_use]
    pub fn key_cmd(mut self, key: &str) -> Self {
        self.lines.retain(|l| !l.starts_with("api_key_env"));
        self.lines
            .push(format!("api_key_cmd = \"printf %s {key}\""));
        self
    }

    /// `key = "value"`.
    #[must_use]
    pub fn text(mut self, key: &str, value: &str) -> Self {
        self.lines.push(format!("{key} = {value:?}"));
        self
    }

    /// `key = value`, for numbers and booleans.
    #[must_use]
    pub fn raw(mut self, key: &str, value: impl std::fmt::Display) -> Self {
        self.lines.push(format!("{key} = {value}"));
        self
    }

    /// `label = "…"`.
    #[must_use]
    pub fn label(self, label: &str) -> Self {
        self.text("label", label)
    }

    /// `default_region = "…"`.
    #[must_use]
    pub fn region(self, region: &str) -> Self {
        self.text("default_region", region)
    }

    /// `color = "…"`.
    #[must_use]
    pub fn color(self, color: &str) -> Self {
        self.text("color", color)
    }

    /// A default value under `[profiles.NAME.defaults]`.
    #[must_use]
    pub fn default_value(mut self, key: &str, value: &str) -> Self {
        self.defaults.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The WhatsMark defaults most tests use: a lead from the website, status new.
    #[must_use]
    pub fn lead_defaults(self) -> Self {
        self.default_value("type", "lead")
            .default_value("source_id", "Website")
            .default_value("status_id", "Nuevo")
    }

    /// A `[[profiles.NAME.assignees]]` entry (WhatsMark staff cannot be listed).
    #[must_use]
    pub fn assignee(mut self, id: i64, name: &str) -> Self {
        let table = &self.name;
        writeln!(
            self.tables,
            "[[profiles.{table}.assignees]]\nid = {id}\nname = {name:?}\n"
        )
        .unwrap();
        self
    }

    /// What the Wipsy API cannot list, declared as a user would: every stage, tag and
    /// custom field of the seed's tenant `tenant`.
    #[must_use]
    pub fn wipsy_catalog(self, seed: &Seed, tenant: &str) -> Self {
        self.wipsy_catalog_where(seed, tenant, |_| true, true, |_| true)
    }

    /// Only the stages and custom fields no seeded contact of `tenant` uses yet (the
    /// stage Negociación and the fields from order 3 on), and no tags.
    #[must_use]
    pub fn wipsy_catalog_unused(self, seed: &Seed, tenant: &str) -> Self {
        let stage = |s: &Stage| s.name == "Negociación";
        self.wipsy_catalog_where(seed, tenant, stage, false, |f| f.field_order >= 3)
    }

    fn wipsy_catalog_where(
        mut self,
        seed: &Seed,
        tenant: &str,
        stage: impl Fn(&Stage) -> bool,
        tags: bool,
        field: impl Fn(&FieldDef) -> bool,
    ) -> Self {
        let (p, t, out) = (&self.name, seed.wipsy_tenant(tenant), &mut self.tables);
        for s in t.stages.iter().filter(|s| stage(s)) {
            writeln!(
                out,
                "[[profiles.{p}.stages]]\nid = \"{}\"\nname = \"{}\"\ncolor = \"{}\"\norder = {}\nsystem = {}\n",
                s.id, s.name, s.color, s.stage_order, s.is_system
            )
            .unwrap();
        }
        for g in t.tags.iter().filter(|_| tags) {
            writeln!(
                out,
                "[[profiles.{p}.tags]]\nid = \"{}\"\nname = \"{}\"\ncolor = \"{}\"\n",
                g.id, g.name, g.color
            )
            .unwrap();
        }
        for f in t.custom_fields.iter().filter(|f| field(f)) {
            let options = f
                .field_options
                .as_ref()
                .map(|o| format!("options = {o:?}\n"))
                .unwrap_or_default();
            writeln!(
                out,
                "[[profiles.{p}.custom_fields]]\nid = \"{}\"\nname = {}\ntype = \"{}\"\n{options}required = {}\norder = {}\n",
                f.id, toml_string(&f.field_name), f.field_type, f.is_required, f.field_order
            )
            .unwrap();
        }
        self
    }

    fn write_to(&self, out: &mut String) {
        let name = &self.name;
        writeln!(out, "[profiles.{name}]").unwrap();
        for line in &self.lines {
            writeln!(out, "{line}").unwrap();
        }
        out.push('\n');
        if !self.defaults.is_empty() {
            writeln!(out, "[profiles.{name}.defaults]").unwrap();
            for (k, v) in &self.defaults {
                writeln!(out, "{k} = {v:?}").unwrap();
            }
            out.push('\n');
        }
        out.push_str(&self.tables);
    }
}

/// `text` as a TOML string, escaped as TOML wants (control characters included).
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}
