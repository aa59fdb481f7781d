//! The key-script harness: the real form (config file, `build_app`, keymap, update,
//! controller, view) run by `rolo::tui::runtime::Tui` on ratatui's `TestBackend`, over a
//! real sandbox on 127.0.0.1. Keys go in one at a time through the same step the
//! terminal loop uses; task results are fed in until a condition holds.

use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use rolo::contact::Draft;
use rolo::engine::session::Choice;
use rolo::sandbox::{SandboxHandle, Seed};
use rolo::tui::app::{App, CatalogStatus, Mode};
use rolo::tui::message::Message;
use rolo::tui::runtime::Tui;

use super::config::{ConfigFile, Profile};
use super::seed::SeedExt;

/// A running form over a sandbox.
pub struct Harness {
    pub sb: SandboxHandle,
    tui: Tui<TestBackend>,
    dir: tempfile::TempDir,
    /// Keys pressed so far (a paste is not a key), for scripts that count keystrokes.
    pub keys: usize,
}

/// The profiles of the key-script tests, in this order: `wm` (demo), `full` (plan limit
/// reached), `wipsy` (loadtest, with its whole catalog), `careful` (confirm first), `ro`
/// (read only), `wdemo` (Wipsy demo), `staff` (WhatsMark with a staff list), `wrong`,
/// `cw` (Chatwoot demo account, its WhatsApp inbox).
/// Each key comes from a command, as `api_key_cmd` users write it.
pub fn config(origin: &str, seed: &Seed) -> ConfigFile {
    let wm = |name: &str, tenant: &str| {
        Profile::whatsmark(name, origin, "UNUSED").key_cmd(&seed.wm_token(tenant, "full"))
    };
    let wipsy = |name: &str, key: &str| Profile::wipsy(name, origin, "UNUSED").key_cmd(key);
    ConfigFile::new()
        .profile(
            wm("wm", "demo")
                .label("WhatsMark demo")
                .color("green")
                .region("IN")
                .default_value("type", "lead"),
        )
        .profile(wm("full", "full-house"))
        .profile(
            wipsy("wipsy", &seed.wipsy_key("loadtest"))
                .color("magenta")
                .region("CO")
                .raw("monthly_contact_limit", 100)
                .wipsy_catalog(seed, "loadtest"),
        )
        .profile(
            wm("careful", "rasl-retail")
                .raw("confirm_submit", true)
                .label("Careful Co"),
        )
        .profile(wm("ro", "demo").raw("read_only", true))
        .profile(
            wipsy("wdemo", &seed.wipsy_key("demo"))
                .region("CO")
                .wipsy_catalog(seed, "demo"),
        )
        .profile(
            wm("staff", "loadtest")
                .region("CO")
                .assignee(15, "Priya (soporte)")
                .assignee(16, "Carlos Peña (ventas)"),
        )
        .profile(wipsy("wrong", "wpy_not_the_key"))
        .profile(
            Profile::chatwoot("cw", origin, "UNUSED")
                .key_cmd(&seed.cw_token("demo"))
                .region("CO"),
        )
}

impl Harness {
    /// The form on the first profile, its catalog fetched.
    pub async fn new() -> Self {
        Self::with_saved_draft(None).await
    }

    /// The same, with a draft of the first profile (`wm`) saved by an earlier run.
    pub async fn with_saved_draft(draft: Option<Draft>) -> Self {
        Self::build(draft, |_| {}, |_| {}).await
    }

    /// The form opened on a data dir that `prepare` filled first (files an earlier run,
    /// a crash or a bad disk left).
    pub async fn with_data(prepare: impl FnOnce(&std::path::Path)) -> Self {
        Self::build(None, |_| {}, prepare).await
    }

    /// The form over the demo seed as `adjust` changes it (a tenant's catalog, say).
    pub async fn with_seed(adjust: impl FnOnce(&mut Seed)) -> Self {
        Self::build(None, adjust, |_| {}).await
    }

    async fn build(
        draft: Option<Draft>,
        adjust: impl FnOnce(&mut Seed),
        prepare: impl FnOnce(&std::path::Path),
    ) -> Self {
        let (sb, seed) = super::sandbox::start_with(|c| adjust(&mut c.seed)).await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        config(&sb.origin(), &seed).write(&path);
        let data_dir = dir.path().join("data");
        if let Some(d) = draft {
            rolo::engine::drafts::save(&data_dir, "wm", &d).unwrap();
        }
        std::fs::create_dir_all(&data_dir).unwrap();
        prepare(&data_dir);
        let choice = Choice {
            config: Some(path),
            profile: None,
        };
        let tui = Tui::open(&choice, data_dir, TestBackend::new(120, 40))
            .await
            .unwrap();
        let mut h = Self {
            sb,
            tui,
            dir,
            keys: 0,
        };
        h.until(|a| a.current().catalog_status == CatalogStatus::Fresh && a.phones_loaded)
            .await;
        h
    }

    /// Makes the form act as in the moment after its first frame, before the phone
    /// database is loaded (in a test process it is loaded once, by whichever test comes
    /// first); [`Message::PhonesLoaded`] ends that moment.
    pub fn before_phones_load(&mut self) {
        self.tui.app_mut().phones_loaded = false;
    }

    /// The app as it stands (read only: a script changes it with keys).
    pub fn app(&self) -> &App {
        self.tui.app()
    }

    /// The id of the current profile's custom field called `name` (the catalog's, so a
    /// script names the field as the screen shows it).
    pub fn custom_id(&self, name: &str) -> String {
        self.app()
            .current()
            .catalog
            .custom_fields
            .iter()
            .find(|f| f.name == name)
            .map_or_else(
                || panic!("no custom field {name:?} in the catalog"),
                |f| f.id.clone(),
            )
    }

    /// One message through the form's step, as the terminal loop would hand it over.
    pub fn send(&mut self, msg: Message) {
        self.tui.handle(msg).unwrap();
    }

    /// Feeds task results into the form until `done` holds (or fails after 20 s).
    pub async fn until(&mut self, done: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !done(self.tui.app()) {
            let msg = tokio::time::timeout_at(deadline, self.tui.next_result())
                .await
                .expect("timed out waiting")
                .unwrap();
            self.send(msg);
        }
    }

    pub fn key(&mut self, code: KeyCode, mods: KeyModifiers) {
        self.keys += 1;
        self.send(Message::Input(Event::Key(KeyEvent::new(code, mods))));
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
        self.send(Message::Input(Event::Paste(s.to_owned())));
    }

    /// Picks `filter`'s first match in the focused field's picker.
    pub fn pick(&mut self, filter: &str) {
        self.press(KeyCode::Enter);
        assert!(
            matches!(self.app().mode, Mode::Picker(_)),
            "a picker opened"
        );
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
            if self.app().current().form.focused().unwrap().label == label {
                return;
            }
            self.press(KeyCode::Tab);
        }
        panic!("no field labelled {label}");
    }

    /// The terminal at `w`x`h`: the backend is resized and the form told, as a terminal
    /// resize would, and the frame it draws is read back.
    pub fn screen(&mut self, w: u16, h: u16) -> String {
        self.tui.backend_mut().resize(w, h);
        self.send(Message::Input(Event::Resize(w, h)));
        let buf = self.tui.backend().buffer().clone();
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

    /// Where the terminal cursor is after a `w`x`h` frame: (column, row).
    pub fn cursor(&mut self, w: u16, h: u16) -> (u16, u16) {
        let _ = self.screen(w, h);
        let at = ratatui::backend::Backend::get_cursor_position(self.tui.backend_mut()).unwrap();
        (at.x, at.y)
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
        self.until(|a| a.awaiting_check.is_none()).await;
    }

    /// Ctrl-S and wait for the answer.
    pub async fn submit(&mut self) {
        self.ctrl_s().await;
        self.until(|a| a.submitting.is_none()).await;
    }

    /// The data dir the controller writes (history, drafts, outbox).
    pub fn data_dir(&self) -> &std::path::Path {
        self.tui.data_dir()
    }

    /// The temp dir holding the config file and the data dir.
    pub fn root(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub fn stored(&self, flavour: &str, tenant: &str) -> Vec<serde_json::Value> {
        self.sb.state().contacts(flavour, tenant)
    }
}

/// The screen with what varies between runs masked, so snapshots are stable: the rate
/// count (its refreshes race), and every date and time of day, which come from the wall
/// clock (the sandbox stamps contacts with today's date; the app shows saved-at times).
/// Masks keep widths, so the layout around them is still checked.
pub fn stable(screen: &str) -> String {
    let screen = mask_rate(screen);
    let screen = mask_shape(&screen, "0000-00-00", "YYYY-MM-DD");
    let screen = mask_shape(&screen, "00:00:00", "HH:MM:SS");
    mask_shape(&screen, "00:00", "HH:MM")
}

/// The rate count after "rate " as `#`s.
fn mask_rate(screen: &str) -> String {
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

/// Every run of characters fitting `shape` (`0` is any ASCII digit, anything else itself)
/// and not part of a longer number becomes `mask`.
fn mask_shape(screen: &str, shape: &str, mask: &str) -> String {
    let chars: Vec<char> = screen.chars().collect();
    let shape: Vec<char> = shape.chars().collect();
    let fits = |at: usize| {
        at + shape.len() <= chars.len()
            && shape.iter().zip(&chars[at..]).all(|(s, c)| {
                if *s == '0' {
                    c.is_ascii_digit()
                } else {
                    s == c
                }
            })
            && (at == 0 || !chars[at - 1].is_ascii_digit())
            && chars
                .get(at + shape.len())
                .is_none_or(|c| !c.is_ascii_digit())
    };
    let mut out = String::with_capacity(screen.len());
    let mut i = 0;
    while i < chars.len() {
        if fits(i) {
            out.push_str(mask);
            i += shape.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}
