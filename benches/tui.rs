//! End-to-end figures of the full-screen form, measured from outside: the real binary in a
//! 120×40 pseudo-terminal, its output parsed by `vt100`, on 127.0.0.1 only.
//!
//! Run with `cargo bench --bench tui`. The binary measured is `CARGO_BIN_EXE_rolo`, which
//! `cargo bench` builds with the bench profile (it inherits `[profile.release]`) at
//! `target/release/rolo`; set `ROLO_BENCH_BIN` to measure another one. `ROLO_BENCH_RUNS`
//! (default 20) and `ROLO_BENCH_KEYS` (keystrokes per run, default 200) change the sizes.
//! Run without `--bench` (as `cargo test --benches` does), it makes one short smoke run.
//!
//! Scenarios (`ROLO_BENCH_SCENARIOS=demo,10k,100k` picks some), each run twice per round:
//! a cold start on a fresh data dir (no catalog cache, no draft), then a warm start on the
//! same data dir (the catalog cached by the cold run):
//! - `demo`: no config file, so rolo starts its embedded sandbox (demo-whatsmark);
//! - `10k`, `100k`: a config whose Wipsy profile declares 10,000 or 100,000 tags and 200
//!   custom fields, against a sandbox this bench runs in-process (tenant `loadtest`).
//!
//! Each figure is printed with its target (issue 11) and whether its median (p95 for the
//! tag filter) meets it.
//!
//! Every figure includes the harness: pty, reader thread, vt100 parsing and a condvar
//! wake-up. The `baseline` rows measure that overhead alone with trivial programs
//! (`echo` for a first frame, the kernel's own tty echo for keystrokes), so the difference
//! approximates rolo's own time.
// A bench script: a failed unwrap is a failed run, and the report reads best in one piece.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

#[path = "common/large_config.rs"]
mod large_config;
#[path = "../tests/it/support/pty.rs"]
mod pty;

use std::path::Path;
use std::time::{Duration, Instant};

use large_config::large_config;
use pty::{CTRL_O, CTRL_W, ENTER, ESC, Pty, Spawn, TAB};
use rolo::sandbox::{self, SandboxConfig, SandboxHandle};

const COLS: u16 = 120;
const ROWS: u16 = 40;
/// Column where field values start: the border, then the 26-column label.
const VALUE_COL: u16 = 27;
/// Characters typed into one field before it is cleared with Ctrl-W.
const CHUNK: usize = 40;
const WAIT: Duration = Duration::from_secs(30);

/// What a scenario must meet (issue 23), printed beside its figures.
#[derive(Debug, Clone, Copy)]
struct Targets {
    /// First full frame, median, ms.
    frame: f64,
    /// Keystroke to echo in a text field, median, ms.
    echo: Option<f64>,
    /// Enter on Tags to the drawn picker, median, ms.
    picker_open: Option<f64>,
    /// Keystroke to echo in the tag filter, p95, ms.
    filter: Option<f64>,
    /// Keystroke to echo on the quick-add line (parsed, matched, preview drawn), median, ms.
    quick: Option<f64>,
    /// Peak RSS, median, MiB.
    rss: f64,
}

/// One scenario: its name, the tags its profile declares (`None`: the embedded demo).
#[derive(Debug, Clone, Copy)]
struct Scenario {
    name: &'static str,
    tags: Option<usize>,
    targets: Targets,
}

const SCENARIOS: [Scenario; 3] = [
    Scenario {
        name: "demo",
        tags: None,
        targets: Targets {
            frame: 7.0,
            echo: Some(0.5),
            picker_open: None,
            filter: None,
            quick: None,
            rss: 13.0,
        },
    },
    Scenario {
        name: "10k",
        tags: Some(10_000),
        targets: Targets {
            frame: 12.0,
            echo: None,
            picker_open: None,
            filter: None,
            quick: None,
            rss: 18.0,
        },
    },
    Scenario {
        name: "100k",
        tags: Some(100_000),
        targets: Targets {
            frame: 30.0,
            echo: None,
            picker_open: Some(16.0),
            filter: Some(5.0),
            quick: Some(4.0),
            rss: 45.0,
        },
    },
];

/// Samples of one metric, in milliseconds (or MiB for memory).
#[derive(Debug, Default)]
struct Samples(Vec<f64>);

impl Samples {
    fn push_dur(&mut self, d: Duration) {
        self.0.push(d.as_secs_f64() * 1000.0);
    }

    fn push_kib(&mut self, kib: Option<u64>) {
        if let Some(k) = kib {
            #[allow(clippy::cast_precision_loss)] // KiB counts are far below 2^52
            self.0.push(k as f64 / 1024.0);
        }
    }

    /// The nearest-rank percentile `p` (0–100).
    fn pct(&self, p: f64) -> Option<f64> {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )] // a rank between 1 and len
        let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
        v.get(rank.min(v.len()).checked_sub(1)?).copied()
    }

    fn max(&self) -> Option<f64> {
        self.0.iter().copied().max_by(f64::total_cmp)
    }
}

/// Everything measured for one scenario.
#[derive(Debug, Default)]
struct Figures {
    first_byte: Samples,
    first_frame: Samples,
    warm_frame: Samples,
    rss_warm: Samples,
    catalog: Samples,
    echo: Samples,
    rss_start: Samples,
    rss_typed: Samples,
    picker_open: Samples,
    picker_echo: Samples,
    quick_echo: Samples,
    rss_picker: Samples,
}

/// Sizes of the run.
#[derive(Debug, Clone, Copy)]
struct Plan {
    runs: usize,
    keys: usize,
}

impl Plan {
    fn from_env() -> Self {
        let bench = std::env::args().any(|a| a == "--bench");
        let var = |name: &str, default: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        if bench {
            Self {
                runs: var("ROLO_BENCH_RUNS", 20).max(1),
                keys: var("ROLO_BENCH_KEYS", 200).max(1),
            }
        } else {
            Self { runs: 1, keys: 10 }
        }
    }
}

/// A tiny deterministic generator of lowercase letters (no spaces: Ctrl-W clears a chunk).
struct Letters(u64);

impl Letters {
    fn next(&mut self) -> char {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let n = u8::try_from((self.0 >> 33) % 26).unwrap_or(0);
        char::from(b'a' + n)
    }
}

fn binary() -> String {
    std::env::var("ROLO_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_rolo").to_owned())
}

/// The first full frame: the footer's keys and the bottom-right corner of the border.
fn full_frame(s: &vt100::Screen) -> bool {
    s.cell(ROWS - 1, COLS - 1)
        .is_some_and(|c| c.contents() == "┘")
        && s.contents().contains("Ctrl-S send")
}

/// The screen row of a field's label.
fn row_of(p: &Pty, label: &str) -> u16 {
    let screen = p.screen();
    let at = screen
        .lines()
        .position(|l| l.trim_start_matches('│').trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no {label:?} on the screen:\n{screen}"));
    u16::try_from(at).unwrap()
}

fn row_text(s: &vt100::Screen, row: u16, col: u16, width: u16) -> String {
    s.rows(col, width)
        .nth(usize::from(row))
        .unwrap_or_default()
        .trim_end()
        .to_owned()
}

/// Types `keys` characters one at a time, each timed from the write to the moment
/// `shown(screen, typed)` holds; every [`CHUNK`] characters, `clear` is sent and awaited.
fn type_timed(
    p: &mut Pty,
    keys: usize,
    clear: &str,
    out: &mut Samples,
    mut shown: impl FnMut(&vt100::Screen, &str) -> bool,
) {
    let mut letters = Letters(0x5eed);
    let mut typed = String::new();
    for n in 0..keys {
        if n > 0 && n % CHUNK == 0 {
            p.send(clear).unwrap();
            typed.clear();
            p.wait_until("the field to clear", WAIT, |s| shown(s, ""))
                .unwrap();
        }
        let c = letters.next();
        typed.push(c);
        let sent = Instant::now();
        p.send(c.encode_utf8(&mut [0; 4])).unwrap();
        let seen = p
            .wait_until_at(&format!("{typed:?} echoed"), WAIT, |s| shown(s, &typed))
            .unwrap();
        out.push_dur(seen - sent);
    }
}

/// One cold start of rolo: first byte, first full frame, catalog, RSS, typing.
fn one_run(spawn: Spawn, plan: Plan, f: &mut Figures) -> Pty {
    let mut p = spawn.start().unwrap();
    let frame = p
        .wait_until_at("the first full frame", WAIT, full_frame)
        .unwrap();
    f.first_frame.push_dur(frame - p.started());
    f.first_byte
        .push_dur(p.first_output().unwrap() - p.started());
    let fresh = p
        .wait_until_at("a fresh catalog", WAIT, |s| {
            s.contents().contains("catalog fresh")
        })
        .unwrap();
    f.catalog.push_dur(fresh - p.started());
    f.rss_start.push_kib(p.proc_status_kib("VmHWM"));
    let row = row_of(&p, "First name *");
    let width = COLS - 1 - VALUE_COL;
    type_timed(&mut p, plan.keys, CTRL_W, &mut f.echo, |s, typed| {
        row_text(s, row, VALUE_COL, width) == typed
    });
    f.rss_typed.push_kib(p.proc_status_kib("VmHWM"));
    p
}

/// With a big catalog: open the Tags picker, then type into its filter.
fn picker_run(p: &mut Pty, f: &mut Figures, tags: usize) {
    p.send(CTRL_W).unwrap();
    // First name → Tags: Last name, Phone, Email, WhatsApp ID, Company, Picture, Stage, Tags.
    p.send(&TAB.repeat(8)).unwrap();
    p.wait_until("Tags focused", WAIT, |s| {
        s.contents().contains("Tags  (Enter to choose)")
    })
    .unwrap();
    let sent = Instant::now();
    p.send(ENTER).unwrap();
    let open = p
        .wait_until_at("the Tags picker", WAIT, |s| {
            let text = s.contents();
            text.contains("┌ Tags ") && text.contains("Tag 00009")
        })
        .unwrap();
    f.picker_open.push_dur(open - sent);
    let last = format!("{:05}", tags - 1);
    let before = format!("{:05}", tags - 2);
    let mut typed = String::new();
    for c in last.chars() {
        typed.push(c);
        let want = format!("filter: {typed}");
        let sent = Instant::now();
        p.send(c.encode_utf8(&mut [0; 4])).unwrap();
        let seen = p
            .wait_until_at(&want, WAIT, |s| s.contents().contains(&want))
            .unwrap();
        f.picker_echo.push_dur(seen - sent);
    }
    let (want, not) = (format!("Tag {last}"), format!("Tag {before}"));
    p.wait_until("one tag left", WAIT, |s| {
        let text = s.contents();
        text.contains(&want) && !text.contains(&not)
    })
    .unwrap();
    f.rss_picker.push_kib(p.proc_status_kib("VmHWM"));
}

/// The quick-add line a big tenant's agent types: a name, a phone, then a tag by its
/// first letters (`#cli` fits all 100,000 "Tag N Cliente" names: the costly word).
const QUICK_LINE: &str = "Ana Pérez 318 877 9043 #cli";

/// With a big catalog, after the picker: close it, open quick add (Ctrl-O) and type a
/// line; each keystroke is timed to its echo on the line, which is drawn in the same
/// frame as the preview the keystroke re-parsed.
fn quick_run(p: &mut Pty, f: &mut Figures) {
    p.send(ESC).unwrap();
    p.wait_until("the picker closed", WAIT, |s| {
        !s.contents().contains("┌ Tags ")
    })
    .unwrap();
    p.send(CTRL_O).unwrap();
    p.wait_until("the quick-add line", WAIT, |s| {
        s.contents().contains("┌ Quick add")
    })
    .unwrap();
    let mut typed = String::new();
    for c in QUICK_LINE.chars() {
        typed.push(c);
        let want = format!("› {typed}");
        let sent = Instant::now();
        p.send(c.encode_utf8(&mut [0; 4])).unwrap();
        let seen = p
            .wait_until_at(&want, WAIT, |s| s.contents().contains(&want))
            .unwrap();
        f.quick_echo.push_dur(seen - sent);
    }
}

/// Harness overhead alone: `echo` printing the footer text, and the kernel echoing keys.
fn baseline(plan: Plan, f: &mut Figures) {
    for _ in 0..plan.runs {
        let p = Spawn::new("echo", COLS, ROWS)
            .arg("Ctrl-S send")
            .start()
            .unwrap();
        let seen = p
            .wait_until_at("echo's output", WAIT, |s| {
                s.contents().contains("Ctrl-S send")
            })
            .unwrap();
        f.first_frame.push_dur(seen - p.started());
        f.first_byte
            .push_dur(p.first_output().unwrap() - p.started());
    }
    let mut p = Spawn::new("sh", COLS, ROWS)
        .arg("-c")
        .arg("stty -icanon; echo ready; exec cat >/dev/null")
        .start()
        .unwrap();
    p.wait_for("ready", WAIT).unwrap();
    // The tty echoes each key at the cursor; each chunk ends with Enter (a new line).
    for _ in 0..plan.runs {
        type_timed(&mut p, plan.keys, "\r", &mut f.echo, |s, typed| {
            let (row, _) = s.cursor_position();
            row_text(s, row, 0, COLS) == typed
        });
        p.send("\r").unwrap();
        p.wait_until("a new line", WAIT, |s| s.cursor_position().1 == 0)
            .unwrap();
    }
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |x| format!("{x:.3}"))
}

/// Which figure a target is held against.
#[derive(Debug, Clone, Copy)]
enum By {
    Median,
    P95,
}

fn line(name: &str, scenario: &str, s: &Samples, unit: &str, target: Option<(f64, By)>) {
    if s.0.is_empty() {
        return;
    }
    let (med, p95) = (s.pct(50.0), s.pct(95.0));
    let t = target.map_or_else(String::new, |(t, by)| {
        let (v, what) = match by {
            By::Median => (med, "median"),
            By::P95 => (p95, "p95"),
        };
        let verdict = if v.is_some_and(|x| x <= t) {
            "meets"
        } else {
            "MISSES"
        };
        format!("target {what} ≤ {t} {unit}: {verdict}")
    });
    println!(
        "{name:<36} {scenario:<9} {:>6} {:>10} {:>10} {:>10}  {unit:<3} {t}",
        s.0.len(),
        ms(med),
        ms(p95),
        ms(s.max()),
    );
}

fn report(scenario: &str, f: &Figures, t: Option<Targets>) {
    let med = |v: Option<f64>| v.map(|v| (v, By::Median));
    let frame = med(t.map(|t| t.frame));
    let rss = med(t.map(|t| t.rss));
    let echo = med(t.and_then(|t| t.echo));
    let open = med(t.and_then(|t| t.picker_open));
    let quick = med(t.and_then(|t| t.quick));
    let filter = t.and_then(|t| t.filter).map(|v| (v, By::P95));
    line(
        "spawn → first output byte",
        scenario,
        &f.first_byte,
        "ms",
        None,
    );
    line(
        "spawn → first full frame (cold)",
        scenario,
        &f.first_frame,
        "ms",
        frame,
    );
    line(
        "spawn → first full frame (warm)",
        scenario,
        &f.warm_frame,
        "ms",
        frame,
    );
    line(
        "spawn → catalog fresh (HTTP)",
        scenario,
        &f.catalog,
        "ms",
        None,
    );
    line(
        "keystroke → echo (text field)",
        scenario,
        &f.echo,
        "ms",
        echo,
    );
    line(
        "Enter → Tags picker drawn",
        scenario,
        &f.picker_open,
        "ms",
        open,
    );
    line(
        "keystroke → echo (tag filter)",
        scenario,
        &f.picker_echo,
        "ms",
        filter,
    );
    line(
        "keystroke → echo (quick-add line)",
        scenario,
        &f.quick_echo,
        "ms",
        quick,
    );
    line(
        "peak RSS after startup (cold)",
        scenario,
        &f.rss_start,
        "MiB",
        None,
    );
    line(
        "peak RSS after startup (warm)",
        scenario,
        &f.rss_warm,
        "MiB",
        None,
    );
    line("peak RSS after typing", scenario, &f.rss_typed, "MiB", None);
    line("peak RSS at the end", scenario, &f.rss_picker, "MiB", rss);
}

fn start_sandbox(rt: &tokio::runtime::Runtime) -> (SandboxHandle, String) {
    let config = SandboxConfig::demo().unwrap();
    let key = config
        .seed
        .wipsy
        .iter()
        .find(|t| t.name == "loadtest")
        .unwrap()
        .api_key
        .clone();
    (rt.block_on(sandbox::start(config)).unwrap(), key)
}

/// A warm start on `data` (the catalog cached by the cold run): the first full frame.
fn warm_run(spawn: Spawn, f: &mut Figures) {
    let p = spawn.start().unwrap();
    let frame = p
        .wait_until_at("the first full frame", WAIT, full_frame)
        .unwrap();
    f.warm_frame.push_dur(frame - p.started());
    f.rss_warm.push_kib(p.proc_status_kib("VmHWM"));
}

fn run_scenario(sc: Scenario, plan: Plan, dir: &Path, origin: &str, key: &str) -> Figures {
    let config = match sc.tags {
        Some(tags) => {
            let own = dir.join(sc.name);
            std::fs::create_dir_all(&own).unwrap();
            let key = "api_key_env = \"ROLO_BENCH_WIPSY_KEY\"";
            large_config(&own, origin, tags, key)
        }
        None => dir.join("none.toml"),
    };
    let mut f = Figures::default();
    for n in 0..plan.runs {
        let data = dir.join(format!("{}-{n}", sc.name));
        let spawn = || {
            Spawn::new(binary(), COLS, ROWS)
                .rolo_dirs(&config, &data)
                .env("ROLO_BENCH_WIPSY_KEY", key)
        };
        let mut p = one_run(spawn(), plan, &mut f);
        if let Some(tags) = sc.tags {
            picker_run(&mut p, &mut f, tags);
            quick_run(&mut p, &mut f);
        } else {
            f.rss_picker.push_kib(p.proc_status_kib("VmHWM"));
        }
        drop(p);
        warm_run(spawn(), &mut f);
    }
    f
}

fn main() {
    let plan = Plan::from_env();
    let chosen = std::env::var("ROLO_BENCH_SCENARIOS").unwrap_or_default();
    let scenarios: Vec<Scenario> = SCENARIOS
        .into_iter()
        .filter(|s| chosen.is_empty() || chosen.split(',').any(|c| c.trim() == s.name))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (sb, key) = start_sandbox(&rt);
    println!(
        "rolo TUI bench: {} in a {COLS}x{ROWS} pty; {} runs per scenario, {} keystrokes per run",
        binary(),
        plan.runs,
        plan.keys
    );
    let mut base = Figures::default();
    baseline(plan, &mut base);
    let figures: Vec<(Scenario, Figures)> = scenarios
        .iter()
        .map(|sc| (*sc, run_scenario(*sc, plan, dir.path(), &sb.origin(), &key)))
        .collect();
    println!(
        "\n{:<36} {:<9} {:>6} {:>10} {:>10} {:>10}  unit target",
        "metric", "scenario", "n", "median", "p95", "max"
    );
    report("baseline", &base, None);
    for (sc, f) in &figures {
        report(sc.name, f, Some(sc.targets));
    }
    let net = |s: &Samples, b: &Samples| s.pct(50.0).zip(b.pct(50.0)).map(|(a, b)| a - b);
    for (sc, f) in &figures {
        println!(
            "{}: median minus the harness baseline (≈ rolo's own time): first frame {} ms, echo {} ms",
            sc.name,
            ms(net(&f.first_frame, &base.first_frame)),
            ms(net(&f.echo, &base.echo)),
        );
    }
    println!("Figures include the pty harness (see the baseline rows); RSS is VmHWM.");
    rt.block_on(sb.shutdown());
}
