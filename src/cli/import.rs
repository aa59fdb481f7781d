//! `rolo import FILE`: many contacts from a CSV or vCard file.
//!
//! The file is read whole (UTF-8, BOM or not; `--encoding latin1` for Windows exports),
//! every row becomes a draft by the rules of `rolo add --set` over the profile's defaults,
//! and every row is validated before the first is sent. Valid rows go out through a few
//! workers paced by the server's rate-limit headers; each created row is journaled, so
//! the same import run again skips it. Rejected rows, with their reasons, go to
//! `FILE.rejected.csv`; rows a quota stop left unsent go to `FILE.unsent.csv`.
//!
//! Output: problems, unsent lines and the summary on stdout; column notes, warnings, the
//! progress bar (only on a terminal) and why an import stopped on stderr. Exit codes: 0
//! every row created or already imported; 2 some rows rejected; 3 the quota stopped it;
//! 4, 6, 7 the key, the network or the server stopped it; 1 anything else (Ctrl-C too).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use super::context::Ctx;
use super::{Global, exit};
use crate::api::RateLimit;
use crate::contact::{Catalog, Flavour, input};
use crate::store::catalog_cache;

mod encoding;
mod journal;
mod mapping;
mod pacer;
mod prepare;
mod report;
mod send;
mod table;
mod vocabulary;

use encoding::Encoding;
use prepare::{Env, Prepared, Row, State};
use report::Counts;
use send::{Fate, Job, Shared};

/// Rejected rows listed on stdout in a real run; all of them are in the rejected file.
const LISTED: usize = 20;

/// What `rolo import --help` adds after the options.
const MORE_HELP: &str = "\
Every row is checked before any is sent (--dry-run stops there). Picked fields take catalog
names or ids; lists are comma-separated; empty cells keep the profile's defaults.

Files written beside FILE (UTF-8, comma-separated, FILE's columns after rolo_line and
rolo_reason; removed when a run has nothing to put in them):
  FILE.rejected.csv  rows refused by rolo's checks or the server, or failing after retries
  FILE.unsent.csv    rows not sent because the import stopped (quota, key, Ctrl-C)

A journal in the data dir remembers each created row by its content, per file and profile:
running the same import again sends only what was not created. An edited row counts as new.

Exit codes: 0 done; 2 some rows rejected; 3 the quota stopped it; 4 the key was refused;
6 network or 7 server failures stopped it; 1 anything else (bad file, Ctrl-C).";

/// Arguments of `rolo import`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = MORE_HELP)]
pub struct ImportArgs {
    /// A CSV file (`,` `;` or tab separated, header on the first line) or a vCard file
    /// (.vcf, many cards). Columns are matched by name, in English, Spanish or Portuguese.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Read a column as a field: a contract key (`firstname`, `tags`...), `custom.NAME`,
    /// `full_name`, any column name rolo knows (`teléfono`), or `ignore`. Repeatable.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,
    /// Check every row and list the problems by line; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The file's encoding: `utf8`, or `latin1` (Windows-1252, as Excel saves CSV on
    /// Spanish and Portuguese Windows) to convert it.
    #[arg(long, value_enum, value_name = "ENCODING", default_value_t)]
    pub encoding: Encoding,
    /// Requests at a time (default 8 on WhatsMark, paced by its rate limit; 4 on Wipsy).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=32))]
    pub jobs: Option<u16>,
}

/// Runs `rolo import`.
pub async fn run(global: &Global, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let ctx = Ctx::load(global)?;
    let profile = ctx.profile().clone();
    let text = read_text(&args.file, args.encoding)?;
    let (catalog, rate) = catalog_and_rate(&ctx).await;
    let (defaults, skipped) = input::defaults(profile.api, &catalog, &profile.defaults);
    for s in skipped {
        eprintln!("rolo: warning: {s}");
    }
    let file = std::fs::canonicalize(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let journal = journal::Journal::load(&ctx.data_dir, &ctx.profile, &file);
    let env = Env {
        flavour: profile.api,
        region: profile.default_region.as_deref(),
        catalog: &catalog,
        defaults: &defaults,
    };
    let prepared = prepare_rows(&args, &text, &env, &journal)?;
    if args.dry_run {
        return Ok(dry_run(&prepared));
    }
    if profile.read_only {
        return Err(anyhow!(
            "profile {} is read-only; nothing was sent",
            profile.name
        ));
    }
    let writer = journal::Writer::start(&journal, &ctx.data_dir, &ctx.profile, &file)
        .with_context(|| format!("cannot write the import journal {}", journal.path.display()))?;
    let sending = Sending {
        ctx: &ctx,
        catalog: &catalog,
        prepared: &prepared,
        writer,
    };
    let (pacer, workers) = pace(profile.api, rate, args.jobs);
    let outcome = sending.run(pacer, workers).await?;
    Ok(finish(&args.file, &prepared, &outcome, started.elapsed()))
}

/// How fast to go: `WhatsMark` paced by its rate-limit headers with 8 workers; Wipsy,
/// which announces no limit (its 429 is the monthly quota), with 4 unpaced ones.
fn pace(flavour: Flavour, rate: Option<RateLimit>, jobs: Option<u16>) -> (pacer::Pacer, usize) {
    match flavour {
        Flavour::Wipsy => (pacer::Pacer::unlimited(), usize::from(jobs.unwrap_or(4))),
        Flavour::Whatsmark => (pacer::Pacer::new(rate), usize::from(jobs.unwrap_or(8))),
    }
}

/// The file's text, decoded.
fn read_text(path: &Path, encoding: Encoding) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if encoding == Encoding::Latin1 && encoding::is_non_ascii_utf8(&bytes) {
        eprintln!(
            "rolo: warning: {} is valid UTF-8; --encoding latin1 will misread its accents",
            path.display()
        );
    }
    encoding::decode(&bytes, encoding).with_context(|| format!("{}", path.display()))
}

/// The catalog (cached, or fetched when nothing is cached) and, when fetched, the last
/// rate-limit figures, so the first sends are already paced.
async fn catalog_and_rate(ctx: &Ctx) -> (Catalog, Option<RateLimit>) {
    if let Some(cached) = catalog_cache::load(&ctx.data_dir, &ctx.profile) {
        return (
            crate::engine::catalog::with_profile(cached, ctx.profile()),
            None,
        );
    }
    let refreshed = ctx.refresh().await;
    (refreshed.catalog, refreshed.rate)
}

/// Reads the rows (CSV or vCard), maps the columns and checks every row.
fn prepare_rows(
    args: &ImportArgs,
    text: &str,
    env: &Env,
    journal: &journal::Journal,
) -> anyhow::Result<Prepared> {
    if table::is_vcard(&args.file, text) {
        if !args.map.is_empty() {
            eprintln!("rolo: warning: --map applies to CSV columns; ignored for a vCard file");
        }
        let cards = table::read_vcards(text)?;
        return Ok(prepare::from_cards(&cards, env, journal));
    }
    let table = table::read_csv(text)?;
    let overrides = args
        .map
        .iter()
        .map(|m| {
            m.rsplit_once('=')
                .map(|(c, f)| (c.trim().to_owned(), f.trim().to_owned()))
                .ok_or_else(|| anyhow!("--map {m:?} needs the form \"COLUMN=FIELD\""))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let values = |i: usize| -> Vec<String> {
        let cells = table.rows.iter().take(200);
        cells.filter_map(|r| r.cells.get(i).cloned()).collect()
    };
    let mapping = mapping::plan(
        &table.headers,
        env.flavour,
        env.catalog,
        &overrides,
        &values,
    )
    .map_err(|e| anyhow!(e))?;
    for note in &mapping.notes {
        eprintln!("rolo: {note}");
    }
    Ok(prepare::from_table(&table, &mapping, env, journal))
}

/// `--dry-run`: every problem by line, a summary, exit 2 when any row has a problem.
fn dry_run(prepared: &Prepared) -> ExitCode {
    let (mut ready, mut bad, mut done) = (0, 0, 0);
    for row in &prepared.rows {
        match &row.state {
            State::Ready { .. } => ready += 1,
            State::Done => done += 1,
            State::Invalid(problems) => {
                bad += 1;
                for p in problems {
                    println!("line {}: {p}", row.line);
                }
            }
        }
    }
    println!(
        "dry run: {} rows: {ready} ready to send, {bad} with problems, {done} already imported; nothing was sent",
        prepared.rows.len()
    );
    ExitCode::from(if bad > 0 { exit::VALIDATION } else { 0 })
}

/// What became of every row.
struct Outcome {
    /// Per row: its fate, for the rows that were sent or stopped.
    fates: Vec<Option<Fate>>,
    /// Why the import stopped early.
    stop: Option<send::Stop>,
}

/// What the sending phase has seen so far.
struct Tally {
    fates: Vec<Option<Fate>>,
    created: usize,
    failed: usize,
    /// Wipsy echoes, to learn its catalog from.
    echoes: Vec<serde_json::Value>,
}

impl Tally {
    fn new(rows: usize) -> Self {
        Self {
            fates: vec![None; rows],
            created: 0,
            failed: 0,
            echoes: Vec::new(),
        }
    }
}

/// The rows to send, in file order.
fn jobs(prepared: &Prepared) -> Vec<Job> {
    let ready = |(row, r): (usize, &Row)| match &r.state {
        State::Ready { body, .. } => Some(Job {
            row,
            body: body.clone(),
        }),
        _ => None,
    };
    prepared.rows.iter().enumerate().filter_map(ready).collect()
}

/// The sending phase's inputs.
struct Sending<'a> {
    ctx: &'a Ctx,
    catalog: &'a Catalog,
    prepared: &'a Prepared,
    writer: journal::Writer,
}

impl Sending<'_> {
    /// Sends every ready row and collects the fates, journaling each created row.
    async fn run(self, pacer: pacer::Pacer, workers: usize) -> anyhow::Result<Outcome> {
        let jobs = jobs(self.prepared);
        let bar = progress(jobs.len());
        let shared = Arc::new(Shared::new(
            self.ctx.client.clone(),
            self.catalog.clone(),
            pacer,
            jobs,
        ));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let handles = send::spawn(&shared, workers, &tx);
        drop(tx);
        let interrupt = tokio::spawn(interrupted(Arc::clone(&shared)));
        let mut tally = Tally::new(self.prepared.rows.len());
        while let Some((i, fate)) = rx.recv().await {
            let row = shared.jobs()[i].row;
            self.record(&shared, &mut tally, row, fate);
            bar.inc(1);
            bar.set_message(format!(
                "created {} · failed {}",
                tally.created, tally.failed
            ));
        }
        interrupt.abort();
        for h in handles {
            h.await.context("an import worker failed")?;
        }
        bar.finish_and_clear();
        self.learn(&tally.echoes);
        if let Err(e) = self.writer.finish() {
            eprintln!("rolo: warning: the import journal may miss rows: {e}");
        }
        Ok(Outcome {
            fates: tally.fates,
            stop: shared.stopped(),
        })
    }

    /// Counts one row's fate; a created row goes to the journal.
    fn record(&self, shared: &Shared, tally: &mut Tally, row: usize, fate: Fate) {
        match &fate {
            Fate::Created { id, echo } => {
                tally.created += 1;
                self.journal(shared, &self.prepared.rows[row], id);
                if self.ctx.client.flavour() == Flavour::Wipsy {
                    tally.echoes.push(echo.clone());
                }
            }
            Fate::Rejected(_) => tally.failed += 1,
            Fate::NotSent => {}
        }
        tally.fates[row] = Some(fate);
    }

    /// Queues a created row for the journal and the history; stops the import if the
    /// journal cannot be written (a re-run could not tell what was created).
    fn journal(&self, shared: &Shared, row: &Row, id: &str) {
        let State::Ready { name, phone, .. } = &row.state else {
            return;
        };
        let ok = self.writer.record(journal::Created {
            line: row.line,
            hash: row.hash.clone(),
            id: id.to_owned(),
            name: name.clone(),
            phone: phone.clone(),
        });
        if !ok {
            shared.halt(exit::OTHER, "cannot write the import journal".to_owned());
        }
    }

    /// Wipsy cannot list its catalog; created contacts teach its stages, tags and fields.
    fn learn(&self, echoes: &[serde_json::Value]) {
        if echoes.is_empty() {
            return;
        }
        let mut learned = self.catalog.clone();
        crate::api::wipsy::harvest(&mut learned, echoes);
        if learned != *self.catalog {
            let _ = catalog_cache::save(&self.ctx.data_dir, &self.ctx.profile, &learned);
        }
    }
}

/// Ctrl-C stops sending new rows; the ones in flight finish and the report is written.
async fn interrupted(shared: Arc<Shared>) {
    if tokio::signal::ctrl_c().await.is_ok() {
        shared.halt(exit::OTHER, "interrupted (Ctrl-C)".to_owned());
    }
}

/// A progress bar with rate, ETA and counts, on stderr when it is a terminal.
fn progress(len: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{spinner} {elapsed_precise} [{wide_bar}] {pos}/{len} {rate} ETA {eta} {msg}",
    )
    .map(|s| {
        s.progress_chars("=> ").with_key(
            "rate",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", state.per_sec());
            },
        )
    });
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Writes the rejected and unsent files, prints the report and picks the exit code.
fn finish(file: &Path, prepared: &Prepared, outcome: &Outcome, elapsed: Duration) -> ExitCode {
    let mut counts = Counts::default();
    let mut rejected: Vec<(&Row, String)> = Vec::new();
    let mut unsent: Vec<(&Row, String)> = Vec::new();
    let stop_reason = outcome.stop.as_ref().map_or("", |s| s.reason.as_str());
    for (row, fate) in prepared.rows.iter().zip(&outcome.fates) {
        match (&row.state, fate) {
            (State::Done, _) => counts.skipped += 1,
            (State::Invalid(problems), _) => {
                let reasons: Vec<String> = problems.iter().map(ToString::to_string).collect();
                rejected.push((row, reasons.join("; ")));
            }
            (State::Ready { .. }, Some(Fate::Created { .. })) => counts.created += 1,
            (State::Ready { .. }, Some(Fate::Rejected(reason))) => {
                rejected.push((row, reason.clone()));
            }
            (State::Ready { .. }, Some(Fate::NotSent) | None) => {
                unsent.push((row, format!("not sent: {stop_reason}")));
            }
        }
    }
    counts.rejected = rejected.len();
    counts.unsent = unsent.len();
    for (path, rows) in [
        (report::beside(file, "rejected"), &rejected),
        (report::beside(file, "unsent"), &unsent),
    ] {
        if let Err(e) = report::write_rows(&path, &prepared.headers, rows) {
            eprintln!("rolo: warning: cannot write {}: {e:#}", path.display());
        }
    }
    print_lists(file, &rejected, &unsent, outcome.stop.as_ref());
    println!("{}", report::summary(file, counts, elapsed));
    let code = match (&outcome.stop, rejected.is_empty()) {
        (Some(stop), _) => stop.code,
        (None, false) => exit::VALIDATION,
        (None, true) => 0,
    };
    ExitCode::from(code)
}

fn print_lists(
    file: &Path,
    rejected: &[(&Row, String)],
    unsent: &[(&Row, String)],
    stop: Option<&send::Stop>,
) {
    for (row, reason) in rejected.iter().take(LISTED) {
        println!("line {}: {reason}", row.line);
    }
    if !rejected.is_empty() {
        let more = rejected.len().saturating_sub(LISTED);
        let more = if more > 0 {
            format!("{more} more; ")
        } else {
            String::new()
        };
        println!(
            "{more}every rejected row is in {}",
            report::beside(file, "rejected").display()
        );
    }
    if let Some(stop) = stop {
        eprintln!("rolo: the import stopped: {}", stop.reason);
    }
    if !unsent.is_empty() {
        let lines: Vec<u64> = unsent.iter().map(|(r, _)| r.line).collect();
        println!(
            "not sent: lines {} ({} rows, in {}; import it again later)",
            report::ranges(&lines),
            lines.len(),
            report::beside(file, "unsent").display()
        );
    }
}
