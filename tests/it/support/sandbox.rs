//! The sandbox, in-process on a free port of 127.0.0.1 and spoken to over real HTTP:
//! [`Sb`] for async tests that talk to it directly, [`Hosted`] on a runtime of its own
//! for tests that run the real binary against it.

use rolo::sandbox::{self, FaultKind, FaultRule, Flavour, SandboxConfig, SandboxHandle, Seed};
use serde_json::Value;

use super::seed::SeedExt;

/// Starts the shipped demo seed, with `adjust` applied to its config first (a fixed
/// port, a state file); returns the seed it serves.
pub async fn start_with(adjust: impl FnOnce(&mut SandboxConfig)) -> (SandboxHandle, Seed) {
    // The tests' own HTTP clients need the process's TLS crypto, as rolo's do.
    rolo::api::install_crypto();
    let mut config = SandboxConfig::demo().unwrap();
    adjust(&mut config);
    let seed = config.seed.clone();
    (sandbox::start(config).await.unwrap(), seed)
}

/// Starts the shipped demo seed on a free port.
pub async fn start_demo() -> (SandboxHandle, Seed) {
    start_with(|_| {}).await
}

/// One fault on `path` (any method), fired once, before the request is handled.
#[must_use]
pub fn once(path: &str, kind: FaultKind) -> FaultRule {
    FaultRule {
        path: path.to_owned(),
        method: None,
        kind,
        after: false,
        times: Some(1),
    }
}

/// One fault on POSTs to `path`, fired once, before or `after` the request is handled.
#[must_use]
pub fn once_on_post(path: &str, kind: FaultKind, after: bool) -> FaultRule {
    once_on("POST", path, kind, after)
}

/// One fault on `method` requests to `path`, fired once, before or `after` the request is
/// handled.
#[must_use]
pub fn once_on(method: &str, path: &str, kind: FaultKind, after: bool) -> FaultRule {
    FaultRule {
        method: Some(method.into()),
        after,
        ..once(path, kind)
    }
}

/// The smallest valid WhatsMark create body (demo tenant's ids), with `phone`.
#[must_use]
pub fn wm_minimal(phone: &str) -> Value {
    serde_json::json!({ "firstname": "Ravi", "lastname": "Kumar", "phone": phone, "type": "lead",
            "source_id": 110, "status_id": 281 })
}

/// A running sandbox and a client for it, in the test's own runtime.
pub struct Sb {
    pub handle: SandboxHandle,
    pub http: reqwest::Client,
    pub seed: Seed,
}

/// Starts the demo sandbox, with a client that never follows redirects.
pub async fn start() -> Sb {
    let (handle, seed) = start_demo().await;
    rolo::api::install_crypto();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Sb { handle, http, seed }
}

impl Sb {
    pub fn wipsy_key(&self, tenant: &str) -> String {
        self.seed.wipsy_key(tenant)
    }

    /// A WhatsMark token of `tenant` whose label starts with `label`.
    pub fn wm_token(&self, tenant: &str, label: &str) -> String {
        self.seed.wm_token(tenant, label)
    }

    /// Id of a Wipsy catalog entry by name: `kind` is `stages`, `tags` or `custom_fields`.
    pub fn wipsy_id(&self, tenant: &str, kind: &str, name: &str) -> String {
        self.seed.wipsy_id(tenant, kind, name)
    }

    pub fn wipsy_url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url(Flavour::Wipsy))
    }

    pub fn wm_url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url(Flavour::Whatsmark))
    }

    /// `GET` of a Wipsy path with `tenant`'s key.
    pub fn wipsy_get(&self, tenant: &str, path: &str) -> reqwest::RequestBuilder {
        self.http
            .get(self.wipsy_url(path))
            .header("x-api-key", self.wipsy_key(tenant))
    }

    /// `POST /api-create-contact` with `tenant`'s key, not yet sent.
    pub fn wipsy_post(&self, tenant: &str) -> reqwest::RequestBuilder {
        self.http
            .post(self.wipsy_url("/api-create-contact"))
            .header("x-api-key", self.wipsy_key(tenant))
    }

    /// `PATCH /_sandbox/{flavour}/{tenant}` (a tenant's limits and switches); its status.
    pub async fn patch_tenant(&self, flavour: &str, tenant: &str, body: &Value) -> u16 {
        let url = format!("{}/_sandbox/{flavour}/{tenant}", self.handle.origin());
        let resp = self.http.patch(url).json(body).send().await.unwrap();
        resp.status().as_u16()
    }

    /// `POST /_sandbox/clock`: moves the sandbox's clock by `secs`, as a test user would;
    /// what the clock says after.
    pub async fn move_clock(&self, secs: i64) -> Value {
        let url = format!("{}/_sandbox/clock", self.handle.origin());
        let body = serde_json::json!({ "advance_secs": secs });
        let resp = self.http.post(url).json(&body).send().await.unwrap();
        assert_eq!(resp.status(), 200, "the clock moved");
        resp.json().await.unwrap()
    }

    pub async fn wipsy_create(&self, tenant: &str, body: &Value) -> (u16, Value) {
        let resp = self.wipsy_post(tenant).json(body).send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap())
    }

    /// `POST /contacts` with `token`, not yet sent.
    pub fn wm_post(&self, token: &str) -> reqwest::RequestBuilder {
        self.http.post(self.wm_url("/contacts")).bearer_auth(token)
    }

    pub async fn wm_create(&self, token: &str, body: &Value) -> (u16, Value) {
        let resp = self.wm_post(token).json(body).send().await.unwrap();
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

    /// The JSON body of a WhatsMark `GET`.
    pub async fn wm_json(&self, token: &str, path: &str) -> Value {
        self.wm_get(token, path).await.json().await.unwrap()
    }

    /// The JSON body of a `GET` on the sandbox's own control surface (`/_sandbox/…`).
    pub async fn control_json(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.handle.origin());
        let resp = self.http.get(url).send().await.unwrap();
        resp.json().await.unwrap()
    }

    /// The sandbox's own record of a tenant's contacts.
    pub fn stored(&self, flavour: &str, tenant: &str) -> Vec<Value> {
        self.handle.state().contacts(flavour, tenant)
    }
}

/// A sandbox on a runtime of its own, for tests that are not async themselves: they run
/// the real binary, which talks to it over HTTP. Shut down when dropped.
pub struct Hosted {
    pub rt: tokio::runtime::Runtime,
    sb: Option<SandboxHandle>,
    pub seed: Seed,
}

impl Hosted {
    /// The demo sandbox on a runtime with `workers` threads.
    pub fn new(workers: usize) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            .unwrap();
        let (sb, seed) = rt.block_on(start_demo());
        Self {
            rt,
            sb: Some(sb),
            seed,
        }
    }

    /// The running sandbox (panics after [`Hosted::stop`]).
    pub fn handle(&self) -> &SandboxHandle {
        self.sb.as_ref().expect("the sandbox is stopped")
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        self.handle().origin()
    }

    /// The contacts the sandbox holds for one tenant, oldest first.
    pub fn stored(&self, flavour: &str, tenant: &str) -> Vec<Value> {
        self.handle().state().contacts(flavour, tenant)
    }

    pub fn add_fault(&self, rule: FaultRule) {
        self.handle().add_fault(rule);
    }

    /// One fault on `path` (any method), fired once.
    pub fn fault(&self, path: &str, kind: FaultKind) {
        self.add_fault(once(path, kind));
    }

    /// `PATCH /_sandbox/{flavour}/{tenant}`, as a test user would; its status.
    #[must_use]
    pub fn patch(&self, flavour: &str, tenant: &str, body: &Value) -> reqwest::StatusCode {
        let url = format!("{}/_sandbox/{flavour}/{tenant}", self.origin());
        self.rt.block_on(async {
            rolo::api::install_crypto();
            let resp = reqwest::Client::new().patch(url).json(body).send().await;
            resp.unwrap().status()
        })
    }

    /// Moves the sandbox's clock by `secs` (`POST /_sandbox/clock`).
    pub fn move_clock(&self, secs: i64) {
        self.handle().move_clock(secs).unwrap();
    }

    /// Lifts the WhatsMark demo tenant's rate limit, for tests that send (or start forms)
    /// more than 60 times a minute.
    pub fn unlimited(&self) {
        let status = self.patch(
            "whatsmark",
            "demo",
            &serde_json::json!({ "rate_limit_per_minute": null }),
        );
        assert!(status.is_success(), "{status}");
    }

    /// The JSON body of a `GET` on the control surface (`/_sandbox/…`).
    pub fn control_json(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.origin());
        self.rt.block_on(async {
            let resp = reqwest::get(url).await.unwrap();
            resp.json().await.unwrap()
        })
    }

    /// Shuts the sandbox down: nothing listens on its port any more.
    pub fn stop(&mut self) {
        if let Some(sb) = self.sb.take() {
            self.rt.block_on(sb.shutdown());
        }
    }

    /// Starts the demo seed afresh on `port` (after [`Hosted::stop`]).
    pub fn restart_on(&mut self, port: u16) {
        let (sb, _) = self.rt.block_on(start_with(|c| c.port = port));
        self.sb = Some(sb);
    }
}

impl Drop for Hosted {
    fn drop(&mut self) {
        self.stop();
    }
}
