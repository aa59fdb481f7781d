//! Instruction budgets: the scenarios CI counts with valgrind, so that a slower rolo fails
//! CI whatever the machine's noise (`.ci/budgets.py` runs them and compares each count
//! with its budget in `budgets.toml`; `docs/budgets.md` says how to read and raise one).
//!
//! `cargo bench --bench budgets -- NAME` runs once the session of scenario `NAME` (or the
//! session called `NAME`), natively; `-- --list` lists the scenarios, how each is counted
//! and its session. Without arguments (as `cargo test --benches` runs it) every session
//! runs once with at most 1,000 tags: a smoke run that keeps the setups working. Run by
//! `cargo bench` with no scenario, it says how to count.
//!
//! Two kinds of scenario:
//! - `callgrind`: one step of the form in this process, on ratatui's `TestBackend`
//!   (120x40). Setup (configs, sandbox, the form opened and settled) is not counted: only
//!   what runs inside [`budget_measured_step`] on this thread is (the script runs
//!   `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*budget_measured_step*'
//!   --dump-after=budgets::budget_measured_step`, one dump per step). Work a step hands to
//!   other threads (the config's long lists, catalog fetches, the phone database) is not
//!   counted: these budgets are about what the user waits for on the UI thread. The
//!   scenarios of a [`Session`] share one setup, in order.
//! - `cachegrind`: the whole `rolo` process (every thread), run under the command that
//!   `ROLO_BUDGET_WRAP` holds (a JSON array: `["valgrind", "--tool=cachegrind", ...]`);
//!   without it rolo runs as it is. The binary is `CARGO_BIN_EXE_rolo`, built with the
//!   same profile as this bench, unless `ROLO_BUDGET_BIN` names another.
//!
//! Everything happens in a temp dir (config, data dir, `HOME`) against a sandbox on
//! 127.0.0.1; nothing reaches any other address. Each step is checked to have done what
//! it should (a frame drawn, a picker open, a body printed), so that a broken setup fails
//! instead of counting nothing; and a setup waits for every background result that could
//! otherwise land inside a measured step.
// A bench script: a failed unwrap is a failed run, with its message.
#![allow(clippy::unwrap_used)]

#[path = "common/large_config.rs"]
mod large_config;

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use rolo::contact::fields::CatalogKind;
use rolo::engine::session::Choice;
use rolo::sandbox::{self, SandboxConfig, SandboxHandle, Seed};
use rolo::tui::app::{App, CatalogStatus, Mode, Searches};
use rolo::tui::message::Message;
use rolo::tui::runtime::Tui;
use tokio::runtime::Runtime;

/// How long a setup may wait for the form's background work (lists, catalog): long,
/// because under valgrind everything runs 20 to 50 times slower.
const WAIT: Duration = Duration::from_secs(600);
/// Tags at most in a smoke run (a scenario's own figure when counting).
const SMOKE_TAGS: usize = 1_000;
/// The quick-add line of `quickadd_100k`; all but its last letter is pasted in setup.
const QUICK_LINE: &str = "Ana Pérez +57 318 877 9043 #mumb";
/// What the quick-add preview shows once the line's phone is parsed.
const QUICK_PHONE: &str = "+573188779043";

/// The one function callgrind counts: `--toggle-collect` starts counting when this
/// thread enters it and stops when it returns. Never inlined, so that its symbol exists
/// (the counted dev build keeps symbols), and the result goes through `black_box` so that
/// the step cannot be optimised away.
#[inline(never)]
fn budget_measured_step<T>(step: impl FnOnce() -> T) -> T {
    black_box(step())
}

/// How a scenario is counted (see the module notes); `--list` names it in lower case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// One step in this process, by callgrind.
    Callgrind,
    /// The whole `rolo` process, by cachegrind.
    Cachegrind,
}

/// A smoke run shrinks the big catalogs; a counted run uses the scenario's own sizes.
#[derive(Debug, Clone, Copy)]
struct Plan {
    smoke: bool,
}

impl Plan {
    fn tags(self, n: usize) -> usize {
        if self.smoke { n.min(SMOKE_TAGS) } else { n }
    }
}

/// One setup and the scenarios measured on it, in this order: each scenario's budget is
/// the table of the same name in `budgets.toml`. The steps of one session share its
/// setup, which under valgrind costs far more than the steps (reading 100,000 tags);
/// callgrind dumps its counters after each step (`--dump-after`), so each dump is one
/// scenario's count.
struct Session {
    name: &'static str,
    kind: Kind,
    scenarios: &'static [&'static str],
    run: fn(Plan),
}

/// Every session, in the order `--list` prints them (and `budgets.toml` keeps them).
const SESSIONS: &[Session] = &[
    Session {
        name: "demo",
        kind: Kind::Callgrind,
        scenarios: &["first_frame_demo"],
        run: |_| first_frame("first_frame_demo", None),
    },
    Session {
        name: "10k",
        kind: Kind::Callgrind,
        scenarios: &["first_frame_10k"],
        run: |p| first_frame("first_frame_10k", Some(p.tags(10_000))),
    },
    Session {
        name: "100k",
        kind: Kind::Callgrind,
        scenarios: &[
            "first_frame_100k",
            "picker_open_100k",
            "tag_filter_100k",
            "tag_filter_rest_100k",
            "tag_filter_accented_100k",
            "quickadd_100k",
        ],
        run: |p| big_tenant(p.tags(100_000)),
    },
    Session {
        name: "process_profiles",
        kind: Kind::Cachegrind,
        scenarios: &["process_profiles"],
        run: |_| process_profiles(),
    },
    Session {
        name: "process_add_dry_run",
        kind: Kind::Cachegrind,
        scenarios: &["process_add_dry_run"],
        run: |_| process_add_dry_run(),
    },
    Session {
        name: "process_add_dry_run_phone",
        kind: Kind::Cachegrind,
        scenarios: &["process_add_dry_run_phone"],
        run: |_| process_add_dry_run_phone(),
    },
    Session {
        name: "process_import_1k",
        kind: Kind::Cachegrind,
        scenarios: &["process_import_1k"],
        run: |_| process_import_1k(),
    },
];

/// Runs one scenario's step where callgrind counts it, then says which scenario it was,
/// so the script pairs each dump with its scenario (and checks the order).
fn measured<T>(scenario: &str, step: impl FnOnce() -> T) -> T {
    let out = budget_measured_step(step);
    println!("budgets: measured {scenario}");
    out
}

// ---- the form in this process -------------------------------------------------------

/// A tokio runtime with `workers` threads (the form's own uses two, as `rolo` does).
fn runtime(workers: usize) -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

/// The demo sandbox on its own runtime (the `loadtest` tenant serves the big configs).
struct Sandbox {
    rt: Runtime,
    handle: Option<SandboxHandle>,
    seed: Seed,
}

impl Sandbox {
    fn start() -> Self {
        let rt = runtime(1);
        let config = SandboxConfig::demo().unwrap();
        let seed = config.seed.clone();
        let handle = rt.block_on(sandbox::start(config)).unwrap();
        Self {
            rt,
            handle: Some(handle),
            seed,
        }
    }

    fn origin(&self) -> String {
        self.handle.as_ref().unwrap().origin()
    }

    fn wipsy_key(&self, tenant: &str) -> String {
        let t = self.seed.wipsy.iter().find(|t| t.name == tenant).unwrap();
        t.api_key.clone()
    }

    fn wm_token(&self, tenant: &str) -> String {
        let t = self
            .seed
            .whatsmark
            .iter()
            .find(|t| t.name == tenant)
            .unwrap();
        t.tokens.first().unwrap().token.clone()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.rt.block_on(h.shutdown());
        }
    }
}

/// What a form scenario starts from: a temp dir with the config (or none: the demo),
/// an empty data dir, the form's runtime, and the sandbox the config points at.
struct Start {
    dir: tempfile::TempDir,
    choice: Choice,
    rt: Runtime,
    _sandbox: Option<Sandbox>,
}

impl Start {
    /// With `tags`, a Wipsy profile declaring that many tags and 200 custom fields (the
    /// sandbox's `loadtest` tenant); without, no config file at all.
    fn new(tags: Option<usize>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        let sandbox = tags.map(|n| {
            let sb = Sandbox::start();
            let secret = format!("api_key_cmd = \"printf %s {}\"", sb.wipsy_key("loadtest"));
            large_config::large_config(dir.path(), &sb.origin(), n, &secret);
            sb
        });
        Self {
            choice: Choice {
                config: Some(config),
                profile: None,
            },
            dir,
            rt: runtime(2),
            _sandbox: sandbox,
        }
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `Tui::open`: the config read (or the embedded sandbox started), the first frame drawn.
    fn open(&self) -> Tui<TestBackend> {
        let backend = TestBackend::new(120, 40);
        self.rt
            .block_on(Tui::open(&self.choice, self.data_dir(), backend))
            .unwrap()
    }
}

/// The frame last drawn, as text.
fn screen(tui: &Tui<TestBackend>) -> String {
    let buf = tui.backend().buffer();
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        for x in 0..area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// Feeds the form its tasks' next result (the step the terminal loop would take).
fn next(rt: &Runtime, tui: &mut Tui<TestBackend>, what: &str) {
    rt.block_on(async {
        let msg = tokio::time::timeout(WAIT, tui.next_result())
            .await
            .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
            .unwrap_or_else(|| panic!("the form's tasks ended before {what}"));
        tui.handle(msg).unwrap();
    });
}

/// Feeds the form its tasks' results until `done` holds.
fn until(rt: &Runtime, tui: &mut Tui<TestBackend>, what: &str, done: impl Fn(&App) -> bool) {
    while !done(tui.app()) {
        next(rt, tui, what);
    }
}

/// A key press as the terminal loop hands it over.
fn key(code: KeyCode, mods: KeyModifiers) -> Message {
    Message::Input(Event::Key(KeyEvent::new(code, mods)))
}

/// Presses `code` (setup only: a measured key goes through [`measured`]).
fn press(tui: &mut Tui<TestBackend>, code: KeyCode) {
    tui.handle(key(code, KeyModifiers::NONE)).unwrap();
}

/// Start to first frame drawn: `tags` tags declared, or the demo (no config).
fn first_frame(scenario: &str, tags: Option<usize>) {
    let start = Start::new(tags);
    let tui = measured(scenario, || start.open());
    assert_full_frame(&tui);
}

/// The footer is drawn only on a full frame.
fn assert_full_frame(tui: &Tui<TestBackend>) {
    let shown = screen(tui);
    assert!(
        shown.contains("Ctrl-S send"),
        "no full first frame:\n{shown}"
    );
}

/// Waits until the big form is settled: its long lists read, its catalog fetched, the
/// Tags list made ready for pickers and quick add on a worker, the phone database
/// loaded. Nothing is left to arrive that would change what a key costs, or be handled
/// in the middle of a measured step.
fn settle(start: &Start, tui: &mut Tui<TestBackend>) {
    let what = "the lists, the catalog, their search strings and the phone database";
    until(&start.rt, tui, what, |a| {
        let tags = a.current().catalog.items(CatalogKind::Tags);
        !a.lists_pending
            && a.phones_loaded
            && a.current().catalog_status == CatalogStatus::Fresh
            && (a.searches.find(tags).is_some() || tags.len() < Searches::AHEAD_FROM)
    });
}

/// The big tenant (`tags` tags, 200 custom fields), one scenario after the other: the
/// first frame; once settled, Enter on Tags (the picker opens); one letter in its empty
/// filter (every tag matches `t`: the keystroke's own step); the ranking steps after
/// it until the whole list is ranked (each a message on the UI thread); the picker opened
/// again, an accented letter and its whole ranking; then, with the picker closed, the
/// last letter of a quick-add line.
fn big_tenant(tags: usize) {
    let start = Start::new(Some(tags));
    let mut tui = measured("first_frame_100k", || start.open());
    assert_full_frame(&tui);
    settle(&start, &mut tui);
    // Keys are handled inside the runtime, as in rolo's loop (the controller spawns).
    let _inside = start.rt.enter();
    focus(&mut tui, "Tags");
    let enter = key(KeyCode::Enter, KeyModifiers::NONE);
    measured("picker_open_100k", || tui.handle(enter)).unwrap();
    assert!(picker_is_open(&tui), "Enter on Tags opened no picker");
    let letter = key(KeyCode::Char('t'), KeyModifiers::NONE);
    measured("tag_filter_100k", || tui.handle(letter)).unwrap();
    assert!(picker_is_open(&tui), "the letter closed the picker");
    measured("tag_filter_rest_100k", || {
        rank_the_rest(&start.rt, &mut tui);
    });
    press(&mut tui, KeyCode::Esc);
    assert!(
        matches!(tui.app().mode, Mode::Form),
        "Esc left the picker open"
    );
    // An accented letter means itself (names holding `á` first): every tag matches it
    // folded, and each match is asked about once as a step finds it.
    press(&mut tui, KeyCode::Enter);
    assert!(
        picker_is_open(&tui),
        "Enter on Tags opened no picker the second time"
    );
    let accented = key(KeyCode::Char('á'), KeyModifiers::NONE);
    measured("tag_filter_accented_100k", || {
        tui.handle(accented).unwrap();
        rank_the_rest(&start.rt, &mut tui);
    });
    press(&mut tui, KeyCode::Esc);
    quickadd(&start, &mut tui);
}

/// Moves the focus to the field labelled `label`.
fn focus(tui: &mut Tui<TestBackend>, label: &str) {
    for _ in 0..60 {
        let app = tui.app();
        if app
            .current()
            .form
            .focused()
            .is_some_and(|f| f.label == label)
        {
            return;
        }
        press(tui, KeyCode::Tab);
    }
    panic!("no field labelled {label}");
}

/// Whether a picker is on top of the form.
fn picker_is_open(tui: &Tui<TestBackend>) -> bool {
    matches!(tui.app().mode, Mode::Picker(_))
}

/// The steps that rank the rest of the list after a keystroke, as the loop takes them.
/// Only those may come: anything else would be counted with them.
fn rank_the_rest(rt: &Runtime, tui: &mut Tui<TestBackend>) {
    while matches!(&tui.app().mode, Mode::Picker(p) if p.busy()) {
        rt.block_on(async {
            let msg = tokio::time::timeout(WAIT, tui.next_result())
                .await
                .expect("timed out waiting for a ranking step")
                .expect("the form's tasks ended while ranking");
            assert!(
                matches!(msg, Message::Step),
                "a message other than a ranking step came while ranking; make settle() \
                 wait for what sends it"
            );
            tui.handle(msg).unwrap();
        });
    }
}

/// The last letter of a quick-add line (the rest pasted first; its phone parsed: the
/// database is loaded).
fn quickadd(start: &Start, tui: &mut Tui<TestBackend>) {
    tui.handle(key(KeyCode::Char('o'), KeyModifiers::CONTROL))
        .unwrap();
    let (head, last) = QUICK_LINE.split_at(QUICK_LINE.len() - 1);
    tui.handle(Message::Input(Event::Paste(head.to_owned())))
        .unwrap();
    let typed = |a: &App| matches!(&a.mode, Mode::Quick(q) if q.text == head);
    assert!(typed(tui.app()), "the line was not pasted into quick add");
    while !screen(tui).contains(QUICK_PHONE) {
        next(&start.rt, tui, "the phone in the quick-add preview");
    }
    let c = last.chars().next().unwrap();
    let letter = key(KeyCode::Char(c), KeyModifiers::NONE);
    measured("quickadd_100k", || tui.handle(letter)).unwrap();
    let done = |a: &App| matches!(&a.mode, Mode::Quick(q) if q.text == QUICK_LINE);
    assert!(done(tui.app()), "the last letter did not reach the line");
}

// ---- the whole rolo process ---------------------------------------------------------

/// A temp dir with a config of two profiles (`wipsy`, the default, and `wm`) against a
/// sandbox on 127.0.0.1, an empty data dir, and the keys in the environment rolo gets.
struct World {
    dir: tempfile::TempDir,
    sandbox: Sandbox,
}

impl World {
    fn new() -> Self {
        let sandbox = Sandbox::start();
        let dir = tempfile::tempdir().unwrap();
        let origin = sandbox.origin();
        let config = format!(
            "default_profile = \"wipsy\"\n\n\
             [profiles.wipsy]\napi = \"wipsy\"\nbase_url = \"{origin}/wipsy\"\n\
             api_key_env = \"ROLO_BUDGET_WIPSY_KEY\"\ndefault_region = \"CO\"\n\n\
             [profiles.wm]\napi = \"whatsmark\"\nbase_url = \"{origin}/whatsmark/api/v2\"\n\
             api_key_env = \"ROLO_BUDGET_WM_KEY\"\ndefault_region = \"IN\"\n\n\
             [profiles.wm.defaults]\ntype = \"lead\"\nsource_id = \"Website\"\n\
             status_id = \"Nuevo\"\n\n\
             [profiles.load]\napi = \"whatsmark\"\nbase_url = \"{origin}/whatsmark/api/v2\"\n\
             api_key_env = \"ROLO_BUDGET_LOAD_KEY\"\ndefault_region = \"CO\"\n\n\
             [profiles.load.defaults]\ntype = \"lead\"\nsource_id = \"Website\"\n\
             status_id = \"Nuevo\"\n"
        );
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Self { dir, sandbox }
    }

    /// Runs `rolo ARGS` under `wrap` (nothing: as it is) in this world's environment.
    fn rolo(&self, args: &[&str], wrap: &[String]) -> Output {
        let bin = std::env::var("ROLO_BUDGET_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_rolo").to_owned());
        let mut cmd = match wrap.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(&bin);
                c
            }
            None => Command::new(&bin),
        };
        let home = self.dir.path();
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("LANG", "C.UTF-8")
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("xdg-config"))
            .env("XDG_DATA_HOME", home.join("xdg-data"))
            .env("XDG_CACHE_HOME", home.join("xdg-cache"))
            .env("ROLO_CONFIG", home.join("config.toml"))
            .env("ROLO_DATA_DIR", home.join("data"))
            .env("ROLO_BUDGET_WIPSY_KEY", self.sandbox.wipsy_key("demo"))
            .env("ROLO_BUDGET_WM_KEY", self.sandbox.wm_token("demo"))
            .env("ROLO_BUDGET_LOAD_KEY", self.sandbox.wm_token("loadtest"))
            .output()
            .unwrap()
    }

    /// `rolo ARGS` as it is, which must succeed (a catalog fetched before the count).
    fn prepare(&self, args: &[&str]) {
        let out = self.rolo(args, &[]);
        check(args, &out, "");
    }

    /// `rolo ARGS` under the wrapper the script gave, which must succeed and print `want`.
    fn counted(&self, args: &[&str], want: &str) {
        let out = self.rolo(args, &wrapper());
        check(args, &out, want);
    }
}

/// The command `ROLO_BUDGET_WRAP` holds, as a JSON array; none when it is unset.
fn wrapper() -> Vec<String> {
    std::env::var("ROLO_BUDGET_WRAP").map_or_else(
        |_| Vec::new(),
        |w| serde_json::from_str(&w).expect("ROLO_BUDGET_WRAP is a JSON array of strings"),
    )
}

/// Fails the run, with rolo's output, unless `rolo ARGS` succeeded and printed `want`.
fn check(args: &[&str], out: &Output, want: &str) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(want),
        "rolo {args:?}: {}\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `rolo profiles`: read the config, list its profiles.
fn process_profiles() {
    World::new().counted(&["profiles"], "wipsy");
}

/// `rolo add --dry-run` of a Wipsy contact with a name and no phone (its catalog cached
/// before, as after any first run): nothing here needs the phone database.
fn process_add_dry_run() {
    let w = World::new();
    w.prepare(&["--profile", "wipsy", "catalog", "refresh"]);
    let add = [
        "--profile",
        "wipsy",
        "add",
        "--dry-run",
        "--set",
        "name=Ana Pérez",
        "--set",
        "email=ana@acme.co",
        "--set",
        "custom.Número de documento=1020304050",
        "--set",
        "custom.Canal preferido=WhatsApp",
    ];
    w.counted(&add, "ana@acme.co");
}

/// `rolo add --dry-run` of a WhatsMark contact with a phone: this one loads the phone
/// database, and parses one number.
fn process_add_dry_run_phone() {
    let w = World::new();
    w.prepare(&["--profile", "wm", "catalog", "refresh"]);
    let add = [
        "--profile",
        "wm",
        "add",
        "--dry-run",
        "--set",
        "firstname=Ravi",
        "--set",
        "lastname=Kumar",
        "--set",
        "phone=+91 98470 55555",
    ];
    w.counted(&add, "+919847055555");
}

/// `rolo import` of 1,000 WhatsMark rows with phones into the sandbox's `loadtest`
/// tenant (no rate limit; catalog cached): the whole send path of the pipeline a row
/// at a time (checks, the write-ahead journal, the create, the record), as
/// `cargo bench --bench import` times it. The sandbox answers from this process, so
/// only rolo's own work is counted.
fn process_import_1k() {
    let w = World::new();
    w.prepare(&["--profile", "load", "catalog", "refresh"]);
    let mut csv = String::from("nombre,apellido,celular,correo\n");
    for i in 0..1_000 {
        let _ = writeln!(csv, "Ana{i},Pérez,+57 300 {i:07},ana{i}@example.com");
    }
    let file = w.dir.path().join("rows.csv");
    std::fs::write(&file, csv).unwrap();
    let file = file.to_string_lossy().into_owned();
    w.counted(&["--profile", "load", "import", &file], "1000 created");
}

// ---- the command line ---------------------------------------------------------------

/// One line per scenario: its name, how it is counted, and its session.
fn list() {
    for session in SESSIONS {
        for scenario in session.scenarios {
            let kind = format!("{:?}", session.kind).to_lowercase();
            println!("{scenario} {kind} {}", session.name);
        }
    }
}

/// The sessions to run for `names` (scenarios or sessions), each once, in table order.
fn chosen(names: &[&str]) -> Vec<&'static Session> {
    for name in names {
        let known = SESSIONS
            .iter()
            .any(|s| s.name == *name || s.scenarios.contains(name));
        assert!(known, "no scenario or session {name:?} (see --list)");
    }
    SESSIONS
        .iter()
        .filter(|s| {
            names
                .iter()
                .any(|n| s.name == *n || s.scenarios.contains(n))
        })
        .collect()
}

/// `--list`, a smoke run (no arguments), or the sessions of the names given.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench = args.iter().any(|a| a == "--bench");
    if args.iter().any(|a| a == "--list") {
        return list();
    }
    let names: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if names.is_empty() && bench {
        println!("budgets: instruction counts need valgrind: run `python3 .ci/budgets.py`.");
        println!("One scenario's session, once: cargo bench --bench budgets -- NAME. Scenarios:");
        return list();
    }
    if names.is_empty() {
        for session in SESSIONS {
            println!("budgets smoke: {}", session.name);
            (session.run)(Plan { smoke: true });
        }
        return;
    }
    for session in chosen(&names) {
        (session.run)(Plan { smoke: false });
    }
}
