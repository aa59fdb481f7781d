//! `rolo import` throughput against the sandbox, side by side with `curl` through
//! `xargs -P 8` sending the same request bodies: contacts per second for both.
//!
//! Run with `cargo bench --bench import` (the release binary). `ROLO_BENCH_ROWS` changes
//! the 10,000 rows; `ROLO_BENCH_BIN` runs another rolo binary, say an older commit's;
//! `ROLO_BENCH_RUNS=N` times rolo N times (each on a fresh sandbox and data dir) and
//! prints every run and the median, for a before/after on a noisy machine;
//! `ROLO_BENCH_CURL=0` leaves out the curl side. The `WhatsMark` `loadtest` tenant has no
//! rate limit and no contact limit; each side gets a fresh sandbox so every phone is new.
//! Only 127.0.0.1 is used.
//!
//! The two sides do not do the same work, and the figures should be read knowing it:
//! rolo's time is the whole command (config, catalog fetch, CSV parsing, validating
//! every row, 8 paced workers on one connection pool, and a journal and history synced to
//! disk), while curl only posts prepared bodies, one process and one connection each.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use rolo::api::body::create_body;
use rolo::contact::{Draft, Flavour};
use rolo::sandbox::{self, SandboxConfig, SandboxHandle, Seed};

/// The tenant both sides fill: no rate limit, no contact limit.
const TENANT: &str = "loadtest";
/// curl's parallelism, and rolo's workers.
const PARALLEL: usize = 8;

fn main() -> anyhow::Result<()> {
    let rows: usize = std::env::var("ROLO_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let dir = tempfile::tempdir()?;
    let seed = Seed::parse(sandbox::DEFAULT_SEED)?;
    println!(
        "import bench: {rows} rows into the whatsmark `{TENANT}` sandbox tenant (no rate limit), 127.0.0.1"
    );
    let runs: usize = std::env::var("ROLO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let sb = rt.block_on(sandbox::start(SandboxConfig::demo()?))?;
        let run = tempfile::tempdir()?;
        times.push(time_rolo(&sb, &seed, run.path(), rows)?);
        rt.block_on(sb.shutdown());
    }
    if runs > 1 {
        let all: Vec<String> = times
            .iter()
            .map(|t| format!("{:.2}", t.as_secs_f64()))
            .collect();
        println!("  rolo runs (s): {}", all.join(" "));
    }
    times.sort();
    report("rolo import (8 workers), median", rows, times[runs / 2]);
    if std::env::var("ROLO_BENCH_CURL").is_ok_and(|v| v == "0") {
        return Ok(());
    }

    let sb = rt.block_on(sandbox::start(SandboxConfig::demo()?))?;
    if Command::new("curl").arg("--version").output().is_err() {
        println!("curl via xargs -P {PARALLEL}: not run, curl is not installed");
    } else {
        let curl = time_curl(&sb, &seed, dir.path(), rows)?;
        report(&format!("curl via xargs -P {PARALLEL}"), rows, curl);
    }
    rt.block_on(sb.shutdown());
    Ok(())
}

fn report(what: &str, rows: usize, elapsed: Duration) {
    let secs = elapsed.as_secs_f64();
    #[allow(clippy::cast_precision_loss)] // row counts are far below 2^52
    let rate = rows as f64 / secs;
    println!("{what:<28} {rows} created in {secs:>6.2} s = {rate:>7.0} contacts/s");
}

fn phone(i: usize) -> String {
    format!("+57 300 {i:07}")
}

fn token(seed: &Seed) -> anyhow::Result<String> {
    let t = seed
        .whatsmark
        .iter()
        .find(|t| t.name == TENANT)
        .ok_or_else(|| anyhow!("the seed has no whatsmark tenant {TENANT}"))?;
    Ok(t.tokens
        .first()
        .ok_or_else(|| anyhow!("{TENANT} has no token"))?
        .token
        .clone())
}

fn stored(sb: &SandboxHandle) -> usize {
    let snap = sb.state().snapshot();
    snap["whatsmark"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["name"] == TENANT))
        .and_then(|t| t["contacts"].as_array())
        .map_or(0, Vec::len)
}

/// Writes the CSV and config, then times the release binary importing it.
fn time_rolo(sb: &SandboxHandle, seed: &Seed, dir: &Path, rows: usize) -> anyhow::Result<Duration> {
    let mut csv = String::from("nombre,apellido,celular,correo\n");
    for i in 0..rows {
        writeln!(csv, "Ana{i},Pérez,{},ana{i}@example.com", phone(i))?;
    }
    std::fs::write(dir.join("bench.csv"), csv)?;
    let config = format!(
        "[profiles.bench]\napi = \"whatsmark\"\nbase_url = \"{}/whatsmark/api/v2\"\n\
         api_key_env = \"ROLO_BENCH_TOKEN\"\ndefault_region = \"CO\"\n\n\
         [profiles.bench.defaults]\ntype = \"lead\"\nsource_id = \"Website\"\nstatus_id = \"Nuevo\"\n",
        sb.origin()
    );
    std::fs::write(dir.join("config.toml"), config)?;
    let start = Instant::now();
    // `ROLO_BENCH_BIN` measures another build (an older commit's, to compare).
    let bin =
        std::env::var("ROLO_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_rolo").to_owned());
    let out = Command::new(bin)
        .args(["import", "bench.csv"])
        .current_dir(dir)
        .env("ROLO_CONFIG", dir.join("config.toml"))
        .env("ROLO_DATA_DIR", dir.join("data"))
        .env("ROLO_BENCH_TOKEN", token(seed)?)
        .env_remove("ROLO_PROFILE")
        .output()?;
    let elapsed = start.elapsed();
    if !out.status.success() || stored(sb) != rows {
        bail!(
            "rolo import failed ({}; {} stored): {}{}",
            out.status,
            stored(sb),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    print!("  rolo said: {}", String::from_utf8_lossy(&out.stdout));
    Ok(elapsed)
}

/// The bodies rolo sent for the same rows, built by the same code.
fn bodies(seed: &Seed, rows: usize) -> anyhow::Result<Vec<Vec<u8>>> {
    let t = seed
        .whatsmark
        .iter()
        .find(|t| t.name == TENANT)
        .context("no loadtest tenant")?;
    let id = |items: &[rolo::sandbox::state::Named], name: &str| {
        items
            .iter()
            .find(|i| i.name == name)
            .map(|i| i.id.to_string())
            .ok_or_else(|| anyhow!("{TENANT} has no {name}"))
    };
    let (source, status) = (id(&t.sources, "Website")?, id(&t.statuses, "Nuevo")?);
    (0..rows)
        .map(|i| {
            let mut d = Draft::default();
            for (k, v) in [
                ("firstname", format!("Ana{i}")),
                ("lastname", "Pérez".to_owned()),
                ("phone", phone(i)),
                ("email", format!("ana{i}@example.com")),
                ("type", "lead".to_owned()),
                ("source_id", source.clone()),
                ("status_id", status.clone()),
            ] {
                d.set(k, v);
            }
            Ok(serde_json::to_vec(&create_body(
                Flavour::Whatsmark,
                &d,
                Some("CO"),
                &[],
            ))?)
        })
        .collect()
}

/// Times `xargs -P 8 curl` posting one prepared body file each.
fn time_curl(sb: &SandboxHandle, seed: &Seed, dir: &Path, rows: usize) -> anyhow::Result<Duration> {
    let bodies_dir = dir.join("bodies");
    std::fs::create_dir_all(&bodies_dir)?;
    let mut list = String::new();
    for (i, body) in bodies(seed, rows)?.iter().enumerate() {
        let path = bodies_dir.join(format!("{i:06}.json"));
        std::fs::write(&path, body)?;
        list.push_str(&path.to_string_lossy());
        list.push('\n');
    }
    let url = format!("{}/whatsmark/api/v2/contacts", sb.origin());
    let auth = format!("Authorization: Bearer {}", token(seed)?);
    let parallel = PARALLEL.to_string();
    let start = Instant::now();
    let mut child = Command::new("xargs")
        .args(["-P", &parallel, "-I{}", "curl", "-s", "-o", "/dev/null"])
        .args(["-w", "%{http_code}\\n", "-H", &auth])
        .args([
            "-H",
            "Content-Type: application/json",
            "-H",
            "Accept: application/json",
        ])
        .args(["--data-binary", "@{}", &url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .context("no stdin for xargs")?
        .write_all(list.as_bytes())?;
    let out = child.wait_with_output()?;
    let elapsed = start.elapsed();
    let created = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| *l == "201")
        .count();
    if created != rows || stored(sb) != rows {
        bail!("curl created {created} of {rows} ({} stored)", stored(sb));
    }
    Ok(elapsed)
}
