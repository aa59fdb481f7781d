//! A local, faithful stand-in for the three CRM APIs, on 127.0.0.1.
//!
//! One port serves every flavour: Wipsy under `/wipsy`, WhatsMark under
//! `/whatsmark/api/v2`, Chatwoot under `/chatwoot/api/v1`. Tenants are told apart by key or token, as on the real services.
//! `/_sandbox/...` is the control surface tests use: state, request log, faults, limits.
//!
//! The sandbox implements the servers' rules from the contracts in `shared/api/` and
//! never calls rolo's client-side validation, so each side checks the other.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

mod admin;
pub mod chatwoot;
pub mod errors;
pub mod faults;
pub mod state;
pub mod whatsmark;
pub mod wipsy;

pub use errors::Flavour;
pub use faults::{FaultKind, FaultRule};
pub use state::{DEFAULT_SEED, Seed, SharedState};

/// Shared handle every handler gets.
#[derive(Debug, Clone)]
pub struct App {
    /// The world behind its lock.
    pub state: Arc<SharedState>,
}

/// The client's address, put on each request by the accept loop.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Tenants to serve.
    pub seed: Seed,
    /// Where to keep a JSON picture of the state, rewritten after each change.
    pub state_file: Option<PathBuf>,
}

impl SandboxConfig {
    /// The shipped demo seed on a free port.
    pub fn demo() -> Result<Self, SandboxError> {
        Ok(Self {
            port: 0,
            seed: Seed::parse(DEFAULT_SEED).map_err(|e| SandboxError::Seed(e.to_string()))?,
            state_file: None,
        })
    }
}

/// Why a sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The seed is not valid.
    #[error("the sandbox seed is not valid: {0}")]
    Seed(String),
    /// The port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// The system's reason.
        source: std::io::Error,
    },
}

/// One seeded tenant as `rolo sandbox` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct TenantLine {
    /// `wipsy`, `whatsmark` or `chatwoot`.
    pub flavour: &'static str,
    /// The tenant's name.
    pub name: String,
    /// Base URL a client uses for this tenant.
    pub base_url: String,
    /// The tenant's API key (Wipsy), first token (WhatsMark), or the access token of
    /// its first member (Chatwoot).
    pub key: String,
    /// The account's id (Chatwoot: it goes in every contact path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<i64>,
}

/// A running sandbox. Dropping it does not stop it; call [`SandboxHandle::shutdown`].
#[derive(Debug)]
pub struct SandboxHandle {
    addr: SocketAddr,
    app: App,
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

/// Starts a sandbox on 127.0.0.1 and returns once it accepts connections.
pub async fn start(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
    let state = SharedState::new(config.seed).map_err(SandboxError::Seed)?;
    let app = App {
        state: Arc::new(state),
    };
    let listener = TcpListener::bind(("127.0.0.1", config.port))
        .await
        .map_err(|source| SandboxError::Bind {
            port: config.port,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
        port: config.port,
        source,
    })?;
    let shutdown = CancellationToken::new();
    let mut tasks = vec![tokio::spawn(accept_loop(
        listener,
        router(app.clone()),
        shutdown.clone(),
    ))];
    if let Some(path) = config.state_file {
        tasks.push(tokio::spawn(write_state_file(
            app.clone(),
            path,
            shutdown.clone(),
        )));
    }
    Ok(SandboxHandle {
        addr,
        app,
        shutdown,
        tasks,
    })
}

impl SandboxHandle {
    /// The address it listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL of one flavour.
    #[must_use]
    pub fn base_url(&self, flavour: Flavour) -> String {
        match flavour {
            Flavour::Wipsy => format!("{}/wipsy", self.origin()),
            Flavour::Whatsmark => format!("{}/whatsmark/api/v2", self.origin()),
            Flavour::Chatwoot => format!("{}/chatwoot/api/v1", self.origin()),
        }
    }

    /// Every seeded tenant with its base URL and key.
    #[must_use]
    pub fn tenants(&self) -> Vec<TenantLine> {
        admin::tenant_lines(&self.app, &self.origin())
    }

    /// Adds a fault rule.
    pub fn add_fault(&self, rule: FaultRule) {
        self.app.state.lock().faults.push(rule);
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.app.state.lock().faults.clear();
    }

    /// Moves the sandbox's clock by `secs` (see `POST /_sandbox/clock`).
    ///
    /// # Errors
    /// When the clock would leave what a timestamp can hold.
    pub fn move_clock(&self, secs: i64) -> Result<(), String> {
        self.app.state.lock().move_clock(secs)
    }

    /// The shared state, for tests that inspect or adjust it directly.
    #[must_use]
    pub fn state(&self) -> &SharedState {
        &self.app.state
    }

    /// Stops accepting, closes connections, and writes the state file one last time.
    pub async fn shutdown(self) {
        self.shutdown.cancel();
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

fn router(app: App) -> Router {
    let wm = "/whatsmark/api/v2";
    Router::new()
        .route("/wipsy/api-create-contact", post(wipsy::create))
        .route("/wipsy/api-get-contacts", get(wipsy::get_contacts))
        .route(
            &format!("{wm}/contacts"),
            post(whatsmark::create).get(whatsmark::list_contacts),
        )
        .route(
            &format!("{wm}/contacts/{{id}}"),
            get(whatsmark::get_contact).patch(whatsmark::update_contact),
        )
        .route(&format!("{wm}/sources"), get(whatsmark::catalog))
        .route(&format!("{wm}/statuses"), get(whatsmark::catalog))
        .route(&format!("{wm}/groups"), get(whatsmark::catalog))
        .route(&format!("{wm}/account"), get(whatsmark::account))
        .route(&format!("{wm}/account/usage"), get(whatsmark::usage))
        .route(&format!("{wm}/account/limits"), get(whatsmark::limits))
        .merge(chatwoot_routes())
        .merge(admin::routes())
        .fallback(
            |req: Request| async move { errors::not_found(Flavour::of_path(req.uri().path())) },
        )
        .method_not_allowed_fallback(|req: Request| async move {
            errors::method_not_allowed(Flavour::of_path(req.uri().path()))
        })
        .layer(middleware::from_fn_with_state(app.clone(), faults::inject))
        .layer(middleware::from_fn_with_state(app.clone(), record))
        .with_state(app)
}

/// Chatwoot under `/chatwoot/api/v1`: every contact path carries the account.
fn chatwoot_routes() -> Router<App> {
    let cw = "/chatwoot/api/v1";
    let acc = format!("{cw}/accounts/{{account_id}}");
    Router::new()
        .route(&format!("{cw}/profile"), get(chatwoot::profile))
        .route(&format!("{acc}/contacts"), post(chatwoot::create))
        .route(&format!("{acc}/contacts/search"), get(chatwoot::search))
        .route(
            &format!("{acc}/contacts/{{id}}"),
            get(chatwoot::get_contact)
                .patch(chatwoot::update_contact)
                .put(chatwoot::update_contact),
        )
        .route(
            &format!("{acc}/contacts/{{id}}/labels"),
            get(chatwoot::contact_labels).post(chatwoot::set_contact_labels),
        )
        .route(&format!("{acc}/labels"), get(chatwoot::labels))
        .route(
            &format!("{acc}/custom_attribute_definitions"),
            get(chatwoot::attribute_definitions),
        )
}

/// Middleware: logs each API request (never the credential itself).
async fn record(
    axum::extract::State(app): axum::extract::State<App>,
    req: Request,
    next: Next,
) -> Response {
    if req.uri().path().starts_with("/_sandbox") {
        return next.run(req).await;
    }
    let h = req.headers();
    let text = |name: header::HeaderName| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut rec = state::RequestRecord {
        method: req.method().to_string(),
        uri: req.uri().to_string(),
        host: text(header::HOST),
        had_credentials: h.contains_key("x-api-key")
            || h.contains_key(header::AUTHORIZATION)
            || h.contains_key("api_access_token"),
        user_agent: text(header::USER_AGENT),
        status: 0,
    };
    let resp = next.run(req).await;
    rec.status = resp.status().as_u16();
    app.state.record(rec);
    resp
}

/// Serves HTTP/1.1 connections until `shutdown`. Each connection gets a kill switch so a
/// fault can close it without answering, which `axum::serve` cannot do.
async fn accept_loop(listener: TcpListener, router: Router, shutdown: CancellationToken) {
    loop {
        let (stream, peer) = tokio::select! {
            () = shutdown.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!("sandbox accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let kill = shutdown.child_token();
        let conn_kill = faults::ConnKill(kill.clone());
        let svc = tower::util::MapRequest::new(router.clone(), move |mut req: Request<_>| {
            req.extensions_mut().insert(conn_kill.clone());
            req.extensions_mut().insert(Peer(peer));
            req
        });
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc));
            tokio::select! {
                _ = conn => {}
                () = kill.cancelled() => {}
            }
        });
    }
}

/// Keeps `path` a current JSON picture of the state, written atomically.
async fn write_state_file(app: App, path: PathBuf, shutdown: CancellationToken) {
    let write = |app: &App| {
        let text = serde_json::to_string_pretty(&app.state.snapshot()).unwrap_or_default();
        if let Err(e) = crate::files::atomic_write(&path, text.as_bytes()) {
            tracing::warn!("cannot write sandbox state to {}: {e}", path.display());
        }
    };
    write(&app);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            () = app.state.changed.notified() => {}
        }
        // Coalesce bursts (an import) into one write.
        tokio::time::sleep(Duration::from_millis(50)).await;
        write(&app);
    }
    write(&app);
}
