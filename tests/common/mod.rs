//! Shared helpers: an in-process sandbox on port 0 and a real HTTP client.
#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)]

use rolo::sandbox::{self, Flavour, SandboxConfig, SandboxHandle, Seed};
use serde_json::Value;

/// A running sandbox and a client for it.
pub struct Sb {
    pub handle: SandboxHandle,
    pub http: reqwest::Client,
    pub seed: Seed,
}

pub async fn start() -> Sb {
    let config = SandboxConfig::demo().unwrap();
    let seed = config.seed.clone();
    let handle = sandbox::start(config).await.unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Sb { handle, http, seed }
}

impl Sb {
    pub fn wipsy_key(&self, tenant: &str) -> String {
        self.seed
            .wipsy
            .iter()
            .find(|t| t.name == tenant)
            .unwrap()
            .api_key
            .clone()
    }

    /// A WhatsMark token of `tenant` whose label starts with `label`.
    pub fn wm_token(&self, tenant: &str, label: &str) -> String {
        let t = self
            .seed
            .whatsmark
            .iter()
            .find(|t| t.name == tenant)
            .unwrap();
        t.tokens
            .iter()
            .find(|k| k.label.starts_with(label))
            .unwrap()
            .token
            .clone()
    }

    pub fn wipsy_url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url(Flavour::Wipsy))
    }

    pub fn wm_url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url(Flavour::Whatsmark))
    }

    pub async fn wipsy_create(&self, tenant: &str, body: &Value) -> (u16, Value) {
        let resp = self
            .http
            .post(self.wipsy_url("/api-create-contact"))
            .header("x-api-key", self.wipsy_key(tenant))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap())
    }

    pub async fn wm_create(&self, token: &str, body: &Value) -> (u16, Value) {
        let resp = self
            .http
            .post(self.wm_url("/contacts"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap())
    }

    pub async fn wm_get(&self, token: &str, path: &str) -> reqwest::Response {
        self.http
            .get(self.wm_url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// The sandbox's own record of a tenant's contacts.
    pub fn stored(&self, flavour: &str, tenant: &str) -> Vec<Value> {
        self.handle.state().contacts(flavour, tenant)
    }

    /// Id of a Wipsy catalog entry by name: `kind` is `stages`, `tags` or `custom_fields`.
    pub fn wipsy_id(&self, tenant: &str, kind: &str, name: &str) -> String {
        let t = self.seed.wipsy.iter().find(|t| t.name == tenant).unwrap();
        match kind {
            "stages" => t.stages.iter().find(|s| s.name == name).unwrap().id.clone(),
            "tags" => t.tags.iter().find(|s| s.name == name).unwrap().id.clone(),
            _ => t
                .custom_fields
                .iter()
                .find(|s| s.field_name == name)
                .unwrap()
                .id
                .clone(),
        }
    }
}
