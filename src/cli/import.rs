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
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use tokio_util::sync::CancellationToken;

use super::context;
use super::{Global, exit};
use crate::contact::input;
use crate::engine::import::{self, Encoding, Env, Finished, Prepared, State, journal, report};

/// Rejected rows listed on stdout in a real run; all of them are in the rejected file.
const LISTED: usize = 20;

/// What `rolo import --help` adds after the options.
const MORE_HELP: &str = "\
Every row is checked before any is sent (--dry-run stops there). Picked fields take catalog
names or ids; lists are comma-separated; empty cells keep the profile's defaults.

Files written beside FILE (UTF-8, comma-separated, FILE's columns after rolo_line and
rolo_reason; removed when a run has nothing to put in them):
  FILE.rejected.csv  rows refused by rolo's checks or the server, or failing after retries
  FILE.unsent.csv    rows not sent: the import stopped (quota, key, Ctrl-C, SIGTERM), or
                     a row got no answer after three tries (the import goes on without it)

A journal in the data dir remembers each created row by its content, per file and profile:
running the same import again sends only what was not created. An edited row counts as new.
After a try the server may have stored (no answer, a 5xx), rolo looks for the contact
before trying again. One import of a file runs at a time: a second is refused. A server's
wait longer than an hour (Retry-After) is cut to an hour, and said.

Exit codes: 0 done; 2 some rows rejected; 3 the quota stopped it; 4 the key was refused;
6 rows got no answer (in FILE.unsent.csv) or network failures stopped it; 7 server failures
stopped it; 1 anything else (bad file, a second import of the file, Ctrl-C).";

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
    let session = context::open(global)?;
    let profile = session.profile().clone();
    let (text, warnings) = import::read_text(&args.file, args.encoding)?;
    for w in warnings {
        tell!("rolo: warning: {w}");
    }
    let fetched = context::warn(session.catalog().await);
    let unreachable = fetched.unreachable;
    // A refused key: nothing can be sent, and every row would look wrong against the
    // catalog it could not fetch. Stop before checking them, as the key's fault (exit 4);
    // a dry run sends nothing and goes on.
    if !args.dry_run
        && let Some(refused) = &fetched.refused
    {
        let said = crate::engine::words::failure(refused, &profile);
        tell!("rolo: {}", said.what);
        if let Some(advice) = &said.advice {
            tell!("rolo: {advice}");
        }
        tell!("rolo: nothing was imported.");
        return Ok(ExitCode::from(crate::engine::exit::of(refused)));
    }
    let (catalog, rate) = (fetched.catalog, fetched.rate);
    let (defaults, skipped) = input::defaults(profile.api, &catalog, &profile.defaults);
    for s in skipped {
        tell!("rolo: warning: {s}");
    }
    let file = std::fs::canonicalize(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    // Held until the import ends; a dry run sends nothing and needs none.
    let _lock = if args.dry_run {
        None
    } else {
        Some(lock(session.data_dir(), &file, &args.file)?)
    };
    let journal = journal::Journal::load(
        session.data_dir(),
        session.name(),
        &journal::tenant(session.profile()),
        &file,
    );
    for d in &journal.damaged {
        tell!(
            "rolo: warning: {d}; a row it may name is looked for on the server before it is sent"
        );
    }
    let env = Env {
        flavour: profile.api,
        region: profile.default_region.as_deref(),
        catalog: &catalog,
        defaults: &defaults,
    };
    let (prepared, notes) = import::prepare(&args.file, &text, &args.map, &env, &journal)?;
    for note in &notes {
        tell!("rolo: {note}");
    }
    if args.dry_run {
        if let Some(why) = &unreachable {
            tell!(
                "rolo: warning: the server cannot be reached ({why}); values it lists (sources, \
                 statuses, groups) could not be checked"
            );
        }
        return Ok(dry_run(&prepared));
    }
    if let Some(why) = unreachable {
        let finished = import::not_reached(&args.file, &prepared, &why);
        print(&args.file, &finished, started.elapsed());
        return Ok(ExitCode::from(finished.code));
    }
    if profile.read_only {
        let words = crate::engine::submit::NotSent::ReadOnly.words(&profile);
        return Err(anyhow!(words));
    }
    let sending = import::Sending::start(&session, &catalog, &prepared, &file, &journal)?;
    let (pacer, workers) = import::pace(profile.api, rate, args.jobs);
    let bar = progress(
        prepared
            .rows
            .iter()
            .filter(|r| matches!(r.state, State::Ready { .. }))
            .count(),
    );
    let interrupt = CancellationToken::new();
    let ctrl_c = tokio::spawn(stop_on_signal(interrupt.clone()));
    let sent = sending
        .run(pacer, workers, interrupt, |created, failed| {
            bar.inc(1);
            bar.set_message(format!("created {created} · failed {failed}"));
        })
        .await;
    ctrl_c.abort();
    bar.finish_and_clear();
    let finished = import::finish(&args.file, &prepared, &sent?);
    print(&args.file, &finished, started.elapsed());
    Ok(ExitCode::from(finished.code))
}

/// Takes the input file's import lock (see [`journal::lock_file`]), or says who holds it.
fn lock(data_dir: &Path, file: &Path, shown: &Path) -> anyhow::Result<journal::FileLock> {
    let locked = journal::lock_file(data_dir, file)
        .with_context(|| format!("cannot lock the import of {}", shown.display()))?;
    locked.map_err(|holder| {
        anyhow!(
            "{} is being imported by another rolo ({holder}); nothing was sent. Wait for it \
             to finish, then run this import again: it sends only what that one did not",
            shown.display()
        )
    })
}

/// Ctrl-C, SIGTERM (a service manager, `kill`) or SIGHUP (the terminal closed): the
/// import stops at once, reports and writes unsent.csv.
async fn stop_on_signal(stop: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let (term, hup) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    );
    let (Ok(mut term), Ok(mut hup)) = (term, hup) else {
        if tokio::signal::ctrl_c().await.is_ok() {
            stop.cancel();
        }
        return;
    };
    tokio::select! {
        r = tokio::signal::ctrl_c() => if r.is_err() { return },
        _ = term.recv() => {}
        _ = hup.recv() => {}
    }
    stop.cancel();
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
                    say!("line {}: {p}", row.line);
                }
            }
        }
    }
    say!(
        "dry run: {} row{}: {ready} ready to send, {bad} with problems, {done} already imported; nothing was sent",
        prepared.rows.len(),
        if prepared.rows.len() == 1 { "" } else { "s" }
    );
    ExitCode::from(if bad > 0 { exit::VALIDATION } else { 0 })
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

/// Prints the rejected lines, why the import stopped, the unsent lines and the summary.
fn print(file: &Path, f: &Finished, elapsed: Duration) {
    for w in &f.warnings {
        tell!("rolo: warning: {w}");
    }
    for (line, reason) in f.rejected.iter().take(LISTED) {
        say!("line {line}: {reason}");
    }
    if !f.rejected.is_empty() {
        let more = f.rejected.len().saturating_sub(LISTED);
        let more = if more > 0 {
            format!("{more} more; ")
        } else {
            String::new()
        };
        say!(
            "{more}every rejected row is in {}",
            report::beside(file, "rejected").display()
        );
    }
    if let Some(reason) = &f.stopped {
        tell!("rolo: the import stopped: {reason}");
    }
    if !f.unsent.is_empty() {
        say!(
            "not sent: lines {} ({} row{}, in {}; import it again later)",
            report::ranges(&f.unsent),
            f.unsent.len(),
            if f.unsent.len() == 1 { "" } else { "s" },
            report::beside(file, "unsent").display()
        );
    }
    say!("{}", report::summary(file, f.counts, elapsed));
}
