//! The key-script harness: the real App, keymap, view and controller over a real sandbox,
//! drawn on ratatui's `TestBackend`.

use std::collections::HashMap;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolo::config::Config;
use rolo::sandbox::{SandboxHandle, Seed};
use rolo::secret::ApiKey;
use rolo::tui::app::{App, CatalogStatus, Mode, ProfileState};
use rolo::tui::message::Message;
use rolo::tui::runtime::Controller;
use rolo::tui::theme::Theme;
use rolo::tui::view;

use super::config::{ConfigFile, Profile};
use super::sandbox::start_demo;
use super::seed::SeedExt;

/// A running app over a sandbox.
pub struct Harness {
    pub sb: SandboxHandle,
    pub app: App,
    pub ctl: Controller,
    dir: tempfile::TempDir,
}

/// Keys are handed to the controller directly, so no profile reads its variable.
const UNUSED: &str = "UNUSED_IN_TESTS";

/// The profiles of the key-script tests, in this order: `wm` (demo), `full` (plan limit
/// reached), `wipsy` (loadtest, with its whole catalog), `careful` (confirm first), `ro`
/// (read only), `wdemo` (Wipsy demo), `staff` (WhatsMark with a staff list), `wrong`.
pub fn config(origin: &str, seed: &Seed) -> Config {
    let wm = |name: &str| Profile::whatsmark(name, origin, UNUSED);
    let wipsy = |name: &str| Profile::wipsy(name, origin, UNUSED);
    ConfigFile::new()
        .profile(
            wm("wm")
                .label("WhatsMark demo")
                .color("green")
                .region("IN")
                .default_value("type", "lead"),
        )
        .profile(wm("full"))
        .profile(
            wipsy("wipsy")
                .color("magenta")
                .region("CO")
                .raw("monthly_contact_limit", 100)
                .wipsy_catalog(seed, "loadtest"),
        )
        .profile(
            wm("careful")
                .raw("confirm_submit", true)
                .label("Careful Co"),
        )
        .profile(wm("ro").raw("read_only", true))
        .profile(wipsy("wdemo").region("CO").wipsy_catalog(seed, "demo"))
        .profile(
            wm("staff")
                .region("CO")
                .assignee(15, "Priya (soporte)")
                .assignee(16, "Carlos Peña (ventas)"),
        )
        .profile(wipsy("wrong"))
        .parse()
}

impl Harness {
    pub async fn new() -> Self {
        let (sb, seed) = start_demo().await;
        let wm = |t: &str| ApiKey::new(seed.wm_token(t, "full"));
        let wp = |t: &str| ApiKey::new(seed.wipsy_key(t));
        let keys: HashMap<String, ApiKey> = [
            ("wm", wm("demo")),
            ("full", wm("full-house")),
            ("wipsy", wp("loadtest")),
            ("wrong", ApiKey::new("wpy_not_the_key")),
            ("careful", wm("rasl-retail")),
            ("ro", wm("demo")),
            ("wdemo", wp("demo")),
            ("staff", wm("loadtest")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let dir = tempfile::tempdir().unwrap();
        let states = config(&sb.origin(), &seed)
            .profiles
            .into_iter()
            .map(|p| {
                let catalog = rolo::engine::catalog::from_profile(&p);
                ProfileState::new(p, catalog, None, 0)
            })
            .collect();
        let app = App::new(states, 0, Theme { color: true });
        let ctl = Controller::new(keys, "test-config.toml".into(), dir.path().to_path_buf());
        let mut h = Self { sb, app, ctl, dir };
        let fx = h.app.start();
        h.ctl.perform(fx, &mut h.app);
        h.until(|a| a.current().catalog_status == CatalogStatus::Fresh)
            .await;
        h
    }

    /// Feeds task results into the app until `done` holds (or fails after 20 s).
    pub async fn until(&mut self, done: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !done(&self.app) {
            let msg = tokio::time::timeout_at(deadline, self.ctl.next())
                .await
                .expect("timed out waiting")
                .unwrap();
            let fx = self.app.update(msg);
            self.ctl.perform(fx, &mut self.app);
        }
    }

    pub fn key(&mut self, code: KeyCode, mods: KeyModifiers) {
        let fx = self
            .app
            .update(Message::Input(Event::Key(KeyEvent::new(code, mods))));
        self.ctl.perform(fx, &mut self.app);
    }

    pub fn press(&mut self, code: KeyCode) {
        self.key(code, KeyModifiers::NONE);
    }

    pub fn ctrl(&mut self, c: char) {
        self.key(KeyCode::Char(c), KeyModifiers::CONTROL);
    }

    pub fn typed(&mut self, s: &str) {
        for c in s.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    pub fn paste(&mut self, s: &str) {
        let fx = self.app.update(Message::Input(Event::Paste(s.to_owned())));
        self.ctl.perform(fx, &mut self.app);
    }

    /// Picks `filter`'s first match in the focused field's picker.
    pub fn pick(&mut self, filter: &str) {
        self.press(KeyCode::Enter);
        assert!(matches!(self.app.mode, Mode::Picker(_)), "a picker opened");
        self.typed(filter);
        self.press(KeyCode::Enter);
    }

    /// Types each of `values` into a field, with Tab between them: the fields in order
    /// from the focused one.
    pub fn type_fields(&mut self, values: &[&str]) {
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.press(KeyCode::Tab);
            }
            self.typed(value);
        }
    }

    /// Focuses `label`, then picks each filter's first match: a pick moves the focus on,
    /// so the filters fill that field and those after it.
    pub fn picks(&mut self, label: &str, filters: &[&str]) {
        self.focus(label);
        for filter in filters {
            self.pick(filter);
        }
    }

    pub fn focus(&mut self, label: &str) {
        for _ in 0..40 {
            if self.app.current().form.focused().unwrap().label == label {
                return;
            }
            self.press(KeyCode::Tab);
        }
        panic!("no field labelled {label}");
    }

    pub fn screen(&mut self, w: u16, h: u16) -> String {
        self.app.size = (w, h);
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        term.draw(|f| view::draw(f, &self.app)).unwrap();
        let buf = term.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..h {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..w {
                // A wide character covers the next cell too, as on a real screen.
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = buf[(x, y)].symbol();
                skip = ratatui::text::Span::raw(symbol).width().saturating_sub(1);
                line.push_str(symbol);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// Ctrl-T to the profile whose name matches `name`, and wait for its catalog.
    pub async fn switch_to(&mut self, name: &str) {
        self.ctrl('t');
        self.typed(name);
        self.press(KeyCode::Enter);
        self.until(|a| a.current().catalog_status == CatalogStatus::Fresh)
            .await;
    }

    /// Ctrl-S, then wait for the duplicate check that runs before sending.
    pub async fn ctrl_s(&mut self) {
        self.ctrl('s');
        self.until(
            |a| !matches!(&a.status, Some((_, s)) if s.starts_with("Checking for duplicates")),
        )
        .await;
    }

    /// Ctrl-S and wait for the answer.
    pub async fn submit(&mut self) {
        self.ctrl_s().await;
        self.until(|a| a.submitting.is_none()).await;
    }

    /// The data dir the controller writes (history, drafts, outbox).
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub fn stored(&self, flavour: &str, tenant: &str) -> Vec<serde_json::Value> {
        self.sb.state().contacts(flavour, tenant)
    }
}

/// The screen with figures that depend on task timing (rate-limit headroom: the catalog
/// and usage refreshes race) replaced, so snapshots are stable.
pub fn stable(screen: &str) -> String {
    let mut out = String::with_capacity(screen.len());
    let mut rest = screen;
    while let Some(at) = rest.find("rate ") {
        out.push_str(&rest[..at + 5]);
        rest = &rest[at + 5..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            out.push_str(&"#".repeat(digits));
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}
