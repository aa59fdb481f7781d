//! Importing many contacts from a CSV or vCard file.
//!
//! The file is read whole (UTF-8, BOM or not; Latin-1 on request), every row becomes a
//! draft by the rules of `rolo add --set` over the profile's defaults, and every row is
//! validated before the first is sent. Valid rows go out through a few workers paced by
//! the server's rate-limit headers; each created row is journaled (and written to the
//! history), so the same import run again skips it. Rejected rows, with their reasons,
//! go to `FILE.rejected.csv`; rows a stop left unsent go to `FILE.unsent.csv`.
//!
//! The face (`rolo import`) chooses the file and options, shows progress and prints what
//! [`Finished`] holds; everything else is here.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, anyhow};
use tokio_util::sync::CancellationToken;

use super::exit;
use super::session::Session;
use crate::api::RateLimit;
use crate::contact::{Catalog, Flavour};

pub mod encoding;
pub mod journal;
pub mod mapping;
pub mod pacer;
pub mod prepare;
pub mod report;
pub mod send;
pub mod table;
pub mod vocabulary;

pub use encoding::Encoding;
pub use prepare::{Env, Prepared, Row, State};
pub use report::Counts;
use send::{Fate, Job, Shared};

/// The file's text, decoded, and a warning when the encoding asked for looks wrong.
pub fn read_text(path: &Path, encoding: Encoding) -> anyhow::Result<(String, Vec<String>)> {
    let bytes = crate::files::read_file_at_most(path, crate::files::MAX_IMPORT)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut warnings = Vec::new();
    if encoding == Encoding::Latin1 && encoding::is_non_ascii_utf8(&bytes) {
        warnings.push(format!(
            "{} is valid UTF-8; --encoding latin1 will misread its accents",
            path.display()
        ));
    }
    let text = encoding::decode(&bytes, encoding).with_context(|| format!("{}", path.display()))?;
    Ok((text, warnings))
}

/// Reads the rows (CSV or vCard), maps the columns (`overrides` are `--map` pairs,
/// `COLUMN=FIELD`) and checks every row. The notes say how columns were read.
pub fn prepare(
    file: &Path,
    text: &str,
    overrides: &[String],
    env: &Env,
    journal: &journal::Journal,
) -> anyhow::Result<(Prepared, Vec<String>)> {
    if table::is_vcard(file, text) {
        let mut notes = Vec::new();
        if !overrides.is_empty() {
            notes.push("warning: --map applies to CSV columns; ignored for a vCard file".into());
        }
        let cards = table::read_vcards(text)?;
        return Ok((prepare::from_cards(&cards, env, journal), notes));
    }
    let table = table::read_csv(text)?;
    let overrides = overrides
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
    let notes = mapping.notes.clone();
    Ok((prepare::from_table(&table, &mapping, env, journal), notes))
}

/// How fast to go: paced by the rate-limit headers where the API sends them (`WhatsMark`,
/// 8 workers); unpaced where it announces no limit (Wipsy, whose 429 is the monthly
/// quota; 4 workers). `jobs` overrides the number of workers.
#[must_use]
pub fn pace(flavour: Flavour, rate: Option<RateLimit>, jobs: Option<u16>) -> (pacer::Pacer, usize) {
    let caps = flavour.caps();
    let workers = usize::from(jobs.unwrap_or(caps.import_jobs));
    if caps.rate_limit_headers {
        (pacer::Pacer::new(rate), workers)
    } else {
        (pacer::Pacer::unlimited(), workers)
    }
}

/// What became of every row that was sent or stopped.
#[derive(Debug)]
pub struct Sent {
    /// Per row: its fate, for the rows that were sent or stopped.
    fates: Vec<Option<Fate>>,
    /// Why the import stopped early.
    stop: Option<send::Stop>,
    /// Files that could not be written (the journal, the catalog cache), and contacts
    /// created with a part still waiting in the outbox.
    pub warnings: Vec<String>,
    /// Why parts of created contacts could not be set (they wait in the outbox).
    unfinished: Vec<crate::api::Outcome>,
}

/// What the sending phase has seen so far.
struct Tally {
    fates: Vec<Option<Fate>>,
    created: usize,
    failed: usize,
    /// Echoes, to learn a catalog the API cannot list.
    echoes: Vec<serde_json::Value>,
}

/// The rows to send, in file order; a row an earlier run may have created (its
/// "sending" line has no "created" line after it) is looked for first.
fn jobs(prepared: &Prepared, journal: &journal::Journal) -> Vec<Job> {
    let ready = |(row, r): (usize, &Row)| match &r.state {
        State::Ready { body, draft, .. } => Some(Job {
            row,
            line: r.line,
            hash: r.hash.clone(),
            may_exist: journal.may_exist(&r.hash),
            body: body.clone(),
            draft: draft.clone(),
        }),
        _ => None,
    };
    prepared.rows.iter().enumerate().filter_map(ready).collect()
}

/// The sending phase: the rows of one file to one profile.
pub struct Sending<'a> {
    session: &'a Session,
    catalog: &'a Catalog,
    prepared: &'a Prepared,
    journal: &'a journal::Journal,
    writer: journal::Writer,
}

impl<'a> Sending<'a> {
    /// Opens the journal for writing now, so a data dir that cannot be written stops the
    /// import before anything is sent. `file` is the canonical path of the input.
    pub fn start(
        session: &'a Session,
        catalog: &'a Catalog,
        prepared: &'a Prepared,
        file: &Path,
        journal: &'a journal::Journal,
    ) -> anyhow::Result<Self> {
        let writer = journal::Writer::start(
            journal,
            session.data_dir(),
            session.name(),
            &journal::tenant(session.profile()),
            file,
        )
        .with_context(|| format!("cannot write the import journal {}", journal.path.display()))?;
        Ok(Self {
            session,
            catalog,
            prepared,
            journal,
            writer,
        })
    }

    /// Sends every ready row and collects the fates, journaling each created row.
    /// `progress(created, failed)` is called after each row; cancelling `interrupt`
    /// stops new rows (the ones in flight finish).
    pub async fn run(
        self,
        pacer: pacer::Pacer,
        workers: usize,
        interrupt: CancellationToken,
        progress: impl Fn(usize, usize),
    ) -> anyhow::Result<Sent> {
        let shared = Arc::new(Shared::new(
            self.session.client.clone(),
            self.catalog.clone(),
            pacer,
            jobs(self.prepared, self.journal),
            self.session.profile().default_region.clone(),
            self.writer.intents(),
            self.session.keep(),
        ));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let handles = send::spawn(&shared, workers, &tx);
        drop(tx);
        let watch = Arc::clone(&shared);
        let stopper = tokio::spawn(async move {
            interrupt.cancelled().await;
            watch.halt(
                exit::OTHER,
                "interrupted (Ctrl-C or a signal to stop)".to_owned(),
            );
        });
        let mut tally = Tally {
            fates: vec![None; self.prepared.rows.len()],
            created: 0,
            failed: 0,
            echoes: Vec::new(),
        };
        while let Some((i, fate)) = rx.recv().await {
            let row = shared.jobs()[i].row;
            self.record(&shared, &mut tally, row, fate);
            progress(tally.created, tally.failed);
        }
        stopper.abort();
        for h in handles {
            h.await.context("an import worker failed")?;
        }
        let mut warnings: Vec<String> = shared.pacer_note().into_iter().collect();
        let unfinished = shared.unfinished();
        for (id, why) in &unfinished {
            warnings.push(format!(
                "contact id {id} was created, but its labels could not be set ({}); they wait \
                 in the outbox: `rolo outbox retry` sets them",
                why.summary()
            ));
        }
        let profile = self.session.profile();
        if !profile.api.caps().lists_catalogs {
            let mut learned = self.catalog.clone();
            if let Some(e) = super::catalog::learn(
                &mut learned,
                &tally.echoes,
                self.session.data_dir(),
                profile,
            ) {
                warnings.push(format!("cannot cache the catalog: {e}"));
            }
        }
        if let Err(e) = self.writer.finish() {
            warnings.push(format!("the import journal may miss rows: {e}"));
        }
        Ok(Sent {
            fates: tally.fates,
            stop: shared.stopped(),
            warnings,
            unfinished: unfinished.into_iter().map(|(_, why)| why).collect(),
        })
    }

    /// Counts one row's fate; a created row goes to the journal.
    fn record(&self, shared: &Shared, tally: &mut Tally, row: usize, fate: Fate) {
        match &fate {
            Fate::Created { id, echo, found } => {
                tally.created += 1;
                self.journal(shared, &self.prepared.rows[row], id, *found);
                tally.echoes.push(echo.clone());
            }
            Fate::Rejected(..) => tally.failed += 1,
            Fate::NotSent | Fate::Unanswered(_) => {}
        }
        tally.fates[row] = Some(fate);
    }

    /// Queues a created row for the journal and the history; stops the import if the
    /// journal cannot be written (a re-run could not tell what was created).
    fn journal(&self, shared: &Shared, row: &Row, id: &str, found: bool) {
        let State::Ready { name, phone, .. } = &row.state else {
            return;
        };
        let ok = self.writer.record(journal::Created {
            line: row.line,
            hash: row.hash.clone(),
            id: id.to_owned(),
            name: name.clone(),
            phone: phone.clone(),
            found,
        });
        if !ok {
            shared.halt(exit::OTHER, "cannot write the import journal".to_owned());
        }
    }
}

/// What an import came to, for the face to print.
#[derive(Debug, Clone, Default)]
pub struct Finished {
    /// Rows by what became of them.
    pub counts: Counts,
    /// Rejected rows: line and reason, in file order.
    pub rejected: Vec<(u64, String)>,
    /// Lines not sent because the import stopped.
    pub unsent: Vec<u64>,
    /// Why the import stopped early, if it did.
    pub stopped: Option<String>,
    /// The exit code it comes to.
    pub code: u8,
    /// Files that could not be written.
    pub warnings: Vec<String>,
}

/// The server could not be reached before the first row: nothing is sent, and every
/// row not imported yet goes to `FILE.unsent.csv` (a row's problems may only be the
/// catalog that could not be fetched, so none is called rejected). Exit code: network.
#[must_use]
pub fn not_reached(file: &Path, prepared: &Prepared, reason: &str) -> Finished {
    let stopped = format!("nothing was sent: the server cannot be reached ({reason})");
    let mut counts = Counts::default();
    let mut unsent: Vec<(&Row, String)> = Vec::new();
    for row in &prepared.rows {
        if matches!(row.state, State::Done) {
            counts.skipped += 1;
        } else {
            unsent.push((row, format!("not sent: {stopped}")));
        }
    }
    counts.unsent = unsent.len();
    let warnings = write_reports(file, prepared, &[], &unsent);
    Finished {
        counts,
        rejected: Vec::new(),
        unsent: unsent.iter().map(|(r, _)| r.line).collect(),
        stopped: Some(stopped),
        code: exit::NETWORK,
        warnings,
    }
}

/// Writes `FILE.rejected.csv` and `FILE.unsent.csv` (either removed when it has no
/// rows); the files that could not be written, in words.
fn write_reports(
    file: &Path,
    prepared: &Prepared,
    rejected: &[(&Row, String)],
    unsent: &[(&Row, String)],
) -> Vec<String> {
    let mut warnings = Vec::new();
    for (path, rows) in [
        (report::beside(file, "rejected"), rejected),
        (report::beside(file, "unsent"), unsent),
    ] {
        if let Err(e) =
            report::write_rows(&path, report::mode_beside(file), &prepared.headers, rows)
        {
            warnings.push(format!("cannot write {}: {e:#}", path.display()));
        }
    }
    warnings
}

/// Writes the rejected and unsent files beside `file` and sums the import up.
#[must_use]
pub fn finish(file: &Path, prepared: &Prepared, sent: &Sent) -> Finished {
    let mut counts = Counts::default();
    let mut rejected: Vec<(&Row, String)> = Vec::new();
    let mut unsent: Vec<(&Row, String)> = Vec::new();
    let stop_reason = sent.stop.as_ref().map_or("", |s| s.reason.as_str());
    // The worst reason a row did not pass, as `rolo add` codes it: a row that got no
    // answer waits in unsent.csv (network), a refused one is in rejected.csv (its own
    // code: field errors 2, rate limited 5, a failing server 7, a conflict 8).
    let mut worst = 0;
    for (row, fate) in prepared.rows.iter().zip(&sent.fates) {
        match (&row.state, fate) {
            (State::Done, _) => counts.skipped += 1,
            (State::Invalid(problems), _) => {
                worst = worst.max(exit::VALIDATION);
                let reasons: Vec<String> = problems.iter().map(ToString::to_string).collect();
                rejected.push((row, reasons.join("; ")));
            }
            (State::Ready { .. }, Some(Fate::Created { .. })) => counts.created += 1,
            (State::Ready { .. }, Some(Fate::Rejected(code, reason))) => {
                worst = worst.max(*code);
                rejected.push((row, reason.clone()));
            }
            (State::Ready { .. }, Some(Fate::NotSent) | None) => {
                unsent.push((row, format!("not sent: {stop_reason}")));
            }
            (State::Ready { .. }, Some(Fate::Unanswered(why))) => {
                worst = worst.max(exit::NETWORK);
                unsent.push((row, format!("not sent: {why}")));
            }
        }
    }
    counts.rejected = rejected.len();
    counts.unsent = unsent.len();
    let mut warnings = sent.warnings.clone();
    warnings.extend(write_reports(file, prepared, &rejected, &unsent));
    let mut code = sent.stop.as_ref().map_or(worst, |stop| stop.code);
    // Created, with a part still waiting: not done, as a script must see.
    if code == 0
        && let Some(why) = sent.unfinished.first()
    {
        code = exit::of(why);
    }
    Finished {
        counts,
        rejected: rejected.into_iter().map(|(r, why)| (r.line, why)).collect(),
        unsent: unsent.iter().map(|(r, _)| r.line).collect(),
        stopped: sent.stop.as_ref().map(|s| s.reason.clone()),
        code,
        warnings,
    }
}
