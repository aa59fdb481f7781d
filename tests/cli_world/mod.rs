//! A sandbox on its own runtime, a temp config and data dir, and the real binary.
#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rolo::sandbox::{self, FaultKind, FaultRule, SandboxConfig, SandboxHandle, Seed};
use serde_json::Value;

/// A sandbox on its own runtime, a temp config and data dir, and every output seen.
pub struct World {
    pub rt: tokio::runtime::Runtime,
    pub sb: Option<SandboxHandle>,
    pub dir: tempfile::TempDir,
    pub seed: Seed,
    pub seen: std::cell::RefCell<Vec<String>>,
}

pub fn token(seed: &Seed, tenant: &str, label: &str) -> String {
    let t = seed.whatsmark.iter().find(|t| t.name == tenant).unwrap();
    t.tokens
        .iter()
        .find(|k| k.label.starts_with(label))
        .unwrap()
        .token
        .clone()
}

pub fn key(seed: &Seed, tenant: &str) -> String {
    seed.wipsy
        .iter()
        .find(|t| t.name == tenant)
        .unwrap()
        .api_key
        .clone()
}

impl World {
    pub fn new() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let sb = rt
            .block_on(sandbox::start(SandboxConfig::demo().unwrap()))
            .unwrap();
        let seed = Seed::parse(sandbox::DEFAULT_SEED).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let w = Self {
            rt,
            sb: Some(sb),
            dir,
            seed,
            seen: std::cell::RefCell::default(),
        };
        w.write_config(&w.origin());
        w
    }

    pub fn origin(&self) -> String {
        self.sb.as_ref().unwrap().origin()
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    /// What the Wipsy API cannot list: the stages and custom fields no seeded contact
    /// uses yet, declared in the profile as a user would.
    pub fn wipsy_catalog_entries(&self) -> String {
        let t = self.seed.wipsy.iter().find(|t| t.name == "demo").unwrap();
        let stage = t.stages.iter().find(|s| s.name == "Negociación").unwrap();
        let mut out = format!(
            "[[profiles.wipsy.stages]]\nid = \"{}\"\nname = \"{}\"\ncolor = \"{}\"\norder = {}\n\n",
            stage.id, stage.name, stage.color, stage.stage_order
        );
        for f in t.custom_fields.iter().filter(|f| f.field_order >= 3) {
            let options = f
                .field_options
                .as_ref()
                .map(|o| format!("options = {o:?}\n"))
                .unwrap_or_default();
            writeln!(
                out,
                "[[profiles.wipsy.custom_fields]]\nid = \"{}\"\nname = \"{}\"\ntype = \"{}\"\n{options}order = {}\n",
                f.id, f.field_name, f.field_type, f.field_order
            )
            .unwrap();
        }
        out
    }

    /// One profile per interesting tenant/token; keys come from environment variables.
    pub fn write_config(&self, origin: &str) {
        let text = format!(
            r#"default_profile = "wm"

[profiles.wm]
api = "whatsmark"
base_url = "{origin}/whatsmark/api/v2"
api_key_env = "ROLO_T_WM"
label = "WhatsMark demo"
default_region = "IN"

[profiles.wm.defaults]
type = "lead"
source_id = "Website"
status_id = "Nuevo"

[profiles.wm-quick]
api = "whatsmark"
base_url = "{origin}/whatsmark/api/v2"
api_key_env = "ROLO_T_WM"
timeout_secs = 1
default_region = "IN"

[profiles.wm-quick.defaults]
type = "lead"
source_id = "Website"
status_id = "Nuevo"

[profiles.wm-full]
api = "whatsmark"
base_url = "{origin}/whatsmark/api/v2"
api_key_env = "ROLO_T_FULL"

[profiles.wm-revoked]
api = "whatsmark"
base_url = "{origin}/whatsmark/api/v2"
api_key_env = "ROLO_T_REVOKED"

[profiles.wm-readonly]
api = "whatsmark"
base_url = "{origin}/whatsmark/api/v2"
api_key_env = "ROLO_T_READONLY"

[profiles.wipsy]
api = "wipsy"
base_url = "{origin}/wipsy"
api_key_env = "ROLO_T_WIPSY"
default_region = "CO"

{wipsy_entries}
[profiles.wipsy-full]
api = "wipsy"
base_url = "{origin}/wipsy"
api_key_env = "ROLO_T_WIPSY_FULL"

[profiles.wipsy-wrong]
api = "wipsy"
base_url = "{origin}/wipsy"
api_key_env = "ROLO_T_WIPSY_WRONG"

[profiles.down]
api = "whatsmark"
base_url = "http://127.0.0.1:9/whatsmark/api/v2"
api_key_env = "ROLO_T_WM"
"#,
            wipsy_entries = self.wipsy_catalog_entries()
        );
        std::fs::write(self.config_path(), text).unwrap();
    }

    pub fn secrets(&self) -> Vec<(&'static str, String)> {
        vec![
            ("ROLO_T_WM", token(&self.seed, "demo", "full")),
            ("ROLO_T_FULL", token(&self.seed, "full-house", "full")),
            ("ROLO_T_REVOKED", token(&self.seed, "demo", "revoked")),
            ("ROLO_T_READONLY", token(&self.seed, "demo", "read only")),
            ("ROLO_T_WIPSY", key(&self.seed, "demo")),
            ("ROLO_T_WIPSY_FULL", key(&self.seed, "agencia-llena")),
            ("ROLO_T_WIPSY_WRONG", "wpy_wrong_key_0000".to_owned()),
        ]
    }

    pub fn rolo(&self, args: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_rolo"))
            .args(args)
            .env("ROLO_CONFIG", self.config_path())
            .env("ROLO_DATA_DIR", self.dir.path().join("data"))
            .env_remove("ROLO_PROFILE")
            .envs(self.secrets())
            .output()
            .unwrap();
        let mut seen = self.seen.borrow_mut();
        seen.push(String::from_utf8_lossy(&out.stdout).into_owned());
        seen.push(String::from_utf8_lossy(&out.stderr).into_owned());
        out
    }

    pub fn stored(&self, flavour: &str, tenant: &str) -> Vec<Value> {
        self.sb.as_ref().unwrap().state().contacts(flavour, tenant)
    }

    pub fn fault(&self, path: &str, kind: FaultKind) {
        self.sb.as_ref().unwrap().add_fault(FaultRule {
            path: path.into(),
            method: None,
            kind,
            after: false,
            times: Some(1),
        });
    }

    /// No secret in anything rolo printed or wrote.
    pub fn assert_no_secret_leaked(&self) {
        let mut texts = self.seen.borrow().clone();
        texts.extend(files_under(&self.dir.path().join("data")));
        for (_, secret) in self.secrets() {
            for t in &texts {
                assert!(!t.contains(&secret), "a secret leaked into: {t}");
            }
        }
    }
}

pub fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else if let Ok(t) = std::fs::read_to_string(&p) {
                out.push(t);
            }
        }
    }
    out
}

pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
