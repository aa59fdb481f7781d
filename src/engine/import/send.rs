//! Sending the valid rows with a few workers, paced by [`Pacer`], and what became of each.
//! Each request is the pipeline's own ([`submit::look`] after an uncertain outcome, else
//! [`submit::send`]); the import adds the pacing, the tries and the journal around them.
//!
//! - Field errors: the row is rejected with the server's messages.
//! - 429: wait (the pacer honours `Retry-After`) and send the same row again.
//! - No answer, 5xx, unreadable answer: two more tries with a growing pause. The server
//!   may have stored the row anyway, so each try after such an answer first looks for
//!   the contact (phone and name, as the outbox does): found, the row is created (once).
//!   Then a row without an answer is not sent (`unsent.csv`, to import again) and one the
//!   server kept failing is rejected; the import goes on, and stops only after several
//!   such rows in a row (the server is down).
//! - Quota spent, key refused, redirect elsewhere: the import stops. Requests in flight
//!   finish; rows not created because of the stop are "not sent" (they can be sent later).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use tokio_util::sync::CancellationToken;

use super::journal::Intents;
use super::pacer::Pacer;
use crate::api::{Client, Outcome};
use crate::contact::{Catalog, Draft, Flavour, duplicates};
use crate::engine::exit;
use crate::engine::submit::{self, Looked};

/// Tries after the first for a row that got no usable answer.
const RETRIES: u32 = 2;
/// 429s in a row for one row before it is given up (pacing makes even a second rare).
const MAX_RATE_LIMITED: u32 = 5;
/// Rows in a row failing without an answer before the import stops.
const DOWN_AFTER: usize = 5;
/// Rows whose "sending" lines go into the journal ahead, in one write: a write per row
/// cost 15 % of an import's throughput. A row marked and then not sent (the import
/// stopped) is only looked for first by the next run.
const MARKED_AHEAD: usize = 32;

/// One row to send.
#[derive(Debug, Clone)]
pub struct Job {
    /// Index of the row in the prepared rows.
    pub row: usize,
    /// The row's line in the file, and its fingerprint (for the journal).
    pub line: u64,
    /// See [`Job::line`].
    pub hash: String,
    /// An earlier run started sending it and did not record it created: look first.
    pub may_exist: bool,
    /// The create body.
    pub body: Value,
    /// The draft it was built from (a look for an earlier try reads it).
    pub draft: Box<Draft>,
}

/// What became of a job.
#[derive(Debug, Clone, PartialEq)]
pub enum Fate {
    /// Created, with the server's id and echo.
    Created {
        /// The server's id.
        id: String,
        /// The contact as the server echoed it (`Null` when found).
        echo: Value,
        /// Found by a look (an earlier try, or an earlier run, had created it), not
        /// created by this answer: its history entry may be written already.
        found: bool,
    },
    /// Refused, with the exit code of why (the code `rolo add` gives the same outcome:
    /// field errors 2, rate limited 5, a failing server 7, a conflict 8) and the reason.
    Rejected(u8, String),
    /// Not created because the import stopped.
    NotSent,
    /// No answer after every try: not sent (to import again), the import went on.
    Unanswered(String),
}

/// Why the import stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// The exit code it leads to (`exit::QUOTA`, `exit::AUTH`...).
    pub code: u8,
    /// What happened, for the report.
    pub reason: String,
}

/// What the workers share.
#[derive(Debug)]
pub struct Shared {
    client: Client,
    catalog: Catalog,
    pacer: Pacer,
    jobs: Vec<Job>,
    next: AtomicUsize,
    stop: Mutex<Option<Stop>>,
    /// Cancelled with the first stop: a worker waiting on the pacer (for as long as an
    /// hour) leaves at once.
    halted: CancellationToken,
    failing: AtomicUsize,
    region: Option<String>,
    intents: Intents,
    /// Jobs below this have their "sending" lines in the journal.
    marked: Mutex<usize>,
    /// Where what a created contact still lacks waits.
    keep: submit::Keep,
    /// Contacts created with a part still waiting in the outbox: id and why.
    unfinished: Mutex<Vec<(String, Outcome)>>,
}

impl Shared {
    /// Everything the workers need; `pacer` from the catalog fetch's rate figures.
    #[must_use]
    pub fn new(
        client: Client,
        catalog: Catalog,
        pacer: Pacer,
        jobs: Vec<Job>,
        region: Option<String>,
        intents: Intents,
        keep: submit::Keep,
    ) -> Self {
        Self {
            client,
            catalog,
            pacer,
            jobs,
            next: AtomicUsize::new(0),
            stop: Mutex::new(None),
            halted: CancellationToken::new(),
            failing: AtomicUsize::new(0),
            region,
            intents,
            marked: Mutex::new(0),
            keep,
            unfinished: Mutex::new(Vec::new()),
        }
    }

    /// The pipeline's look for a job's contact (see [`submit::look`]).
    async fn look(&self, job: &Job) -> submit::Looked {
        let region = self.region.as_deref();
        submit::look(&self.client, &job.draft, region, &job.body, &self.keep).await
    }

    /// Notes a contact created with a part still waiting in the outbox.
    fn note_unfinished(&self, answer: &crate::api::Answer) {
        if let (Outcome::Created { id, .. }, Some((_, why))) = (&answer.outcome, &answer.unsent) {
            self.note(id.clone(), why.clone());
        }
    }

    /// Notes contact `id`, created with a part still waiting in the outbox for `why`.
    fn note(&self, id: String, why: Outcome) {
        self.unfinished
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((id, why));
    }

    /// The contacts created with a part still waiting in the outbox, with why.
    #[must_use]
    pub fn unfinished(&self) -> Vec<(String, Outcome)> {
        self.unfinished
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// What the pacer has to report (a wait it did not take in full).
    #[must_use]
    pub fn pacer_note(&self) -> Option<String> {
        self.pacer.note()
    }

    /// Stops the import (the first reason wins); in-flight requests still finish.
    pub fn halt(&self, code: u8, reason: String) {
        let mut stop = self.stop.lock().unwrap_or_else(PoisonError::into_inner);
        if stop.is_none() {
            *stop = Some(Stop { code, reason });
        }
        drop(stop);
        self.halted.cancel();
    }

    /// Why the import stopped, if it did.
    #[must_use]
    pub fn stopped(&self) -> Option<Stop> {
        self.stop
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The jobs, in file order.
    #[must_use]
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }
}

/// Starts `workers` tasks that take jobs in file order and report each job's index in
/// [`Shared::jobs`] with its fate. Jobs no worker took (after a stop) are never reported.
pub fn spawn(
    shared: &Arc<Shared>,
    workers: usize,
    tx: &UnboundedSender<(usize, Fate)>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..workers.max(1))
        .map(|_| {
            let (shared, tx) = (Arc::clone(shared), tx.clone());
            tokio::spawn(async move {
                while shared.stopped().is_none() {
                    let i = shared.next.fetch_add(1, Ordering::SeqCst);
                    let Some(job) = shared.jobs.get(i) else {
                        break;
                    };
                    let fate = send_one(&shared, i, job).await;
                    if tx.send((i, fate)).is_err() {
                        break;
                    }
                }
            })
        })
        .collect()
}

/// Makes sure job `i`'s "sending" line is in the journal: from the first job not marked
/// yet (every job below `i` is taken already) through `i` and some after it.
fn mark(sh: &Shared, i: usize) -> std::io::Result<()> {
    let mut upto = sh.marked.lock().unwrap_or_else(PoisonError::into_inner);
    if i < *upto {
        return Ok(());
    }
    let end = (i + 1).max(*upto + MARKED_AHEAD).min(sh.jobs.len());
    let rows = sh.jobs[*upto..end]
        .iter()
        .map(|j| (j.line, j.hash.as_str()));
    sh.intents.sending(rows)?;
    *upto = end;
    Ok(())
}

async fn send_one(sh: &Shared, i: usize, job: &Job) -> Fate {
    let (mut failures, mut limited) = (0, 0);
    // Whether a try of this row (this run's, or an earlier run's) may have been stored
    // though no answer said so.
    let mut may_exist = job.may_exist;
    loop {
        tokio::select! {
            () = sh.pacer.acquire() => {}
            () = sh.halted.cancelled() => return Fate::NotSent,
        }
        if sh.stopped().is_some() {
            sh.pacer.release();
            return Fate::NotSent;
        }
        let outcome = if may_exist {
            // Looking is a request too: it takes the permit the create would have.
            let looked = sh.look(job).await;
            sh.pacer.spent();
            match looked {
                Looked::Found(known, unfinished) => {
                    sh.failing.store(0, Ordering::SeqCst);
                    if let Some(why) = unfinished {
                        sh.note(known.id.clone(), why);
                    }
                    return Fate::Created {
                        id: known.id,
                        echo: Value::Null,
                        found: true,
                    };
                }
                Looked::Conflict(known) => {
                    return Fate::Rejected(
                        exit::CONFLICT,
                        format!(
                            "an earlier try may have created it, and the server has {} with this \
                         phone (this contact, or someone else): look before importing it again",
                            duplicates::describe(&known)
                        ),
                    );
                }
                Looked::Absent => {
                    may_exist = false;
                    continue;
                }
                Looked::Failed(o) => o,
            }
        } else {
            // Written before the create leaves: a full disk refuses it here, so nothing is
            // sent that the journal could not tell of (and a later run looks first).
            if let Err(e) = mark(sh, i) {
                sh.pacer.release();
                sh.halt(
                    exit::OTHER,
                    format!(
                        "cannot write the import journal ({e}); nothing more was sent, and \
                         what was sent is looked for before the next run sends it again"
                    ),
                );
                return Fate::NotSent;
            }
            let (answer, arrived) =
                submit::send(&sh.client, &job.body, &sh.catalog, &job.draft, &sh.keep).await;
            sh.pacer.answered(&answer.outcome, answer.rate.as_ref());
            sh.note_unfinished(&answer);
            may_exist = arrived;
            answer.outcome
        };
        if !matches!(
            outcome,
            Outcome::Network { .. } | Outcome::ServerError { .. } | Outcome::Undecodable { .. }
        ) {
            sh.failing.store(0, Ordering::SeqCst);
        }
        match outcome {
            Outcome::Created { id, echo } => {
                return Fate::Created {
                    id,
                    echo,
                    found: false,
                };
            }
            Outcome::FieldErrors { fields, form } => {
                return Fate::Rejected(exit::VALIDATION, field_errors(sh, &fields, &form));
            }
            Outcome::RateLimited { .. } if limited + 1 < MAX_RATE_LIMITED => limited += 1,
            Outcome::RateLimited { message, .. } => {
                return Fate::Rejected(
                    exit::RATE_LIMIT,
                    format!("rate limited {MAX_RATE_LIMITED} times: {message}"),
                );
            }
            Outcome::Network { .. } | Outcome::ServerError { .. } | Outcome::Undecodable { .. }
                if failures < RETRIES =>
            {
                failures += 1;
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_millis(500 << failures)) => {}
                    () = sh.halted.cancelled() => return Fate::NotSent,
                }
            }
            other => return give_up(sh, &other, may_exist),
        }
    }
}

/// A row that cannot pass now. Quota, key or redirect: no later row can pass either, so
/// the import stops. No answer or a failing server: this row waits (not sent, or
/// rejected with the reason) and the import goes on, until several rows in a row fail
/// the same way: then the server is down and the import stops.
fn give_up(sh: &Shared, outcome: &Outcome, may_exist: bool) -> Fate {
    if let Some((code, reason)) = fatal(outcome) {
        sh.halt(code, reason);
        return Fate::NotSent;
    }
    let down = sh.failing.fetch_add(1, Ordering::SeqCst) + 1 >= DOWN_AFTER;
    if matches!(outcome, Outcome::Network { .. }) {
        // No answer is nothing the row did: it waits for the server, in unsent.csv,
        // rather than being called rejected.
        if down {
            sh.halt(
                exit::NETWORK,
                format!(
                    "the server cannot be reached: {DOWN_AFTER} rows in a row got no answer \
                     after {} tries; last: {}",
                    RETRIES + 1,
                    outcome.summary()
                ),
            );
            return Fate::NotSent;
        }
        return Fate::Unanswered(format!(
            "no answer after {} tries: {}",
            RETRIES + 1,
            outcome.summary()
        ));
    }
    let maybe = if may_exist {
        " (it may have been created: look before importing it again)"
    } else {
        ""
    };
    let reason = format!(
        "the server failed {} times: {}{maybe}",
        RETRIES + 1,
        outcome.summary()
    );
    if !down {
        return Fate::Rejected(exit::of(outcome), reason);
    }
    sh.halt(
        exit::SERVER,
        format!("{DOWN_AFTER} rows in a row failed; last: {reason}"),
    );
    Fate::NotSent
}

/// The exit code and reason of an answer after which no row can pass.
fn fatal(outcome: &Outcome) -> Option<(u8, String)> {
    match outcome {
        o @ Outcome::QuotaExceeded { .. } => Some((exit::QUOTA, o.summary())),
        Outcome::Auth { message, .. } => Some((
            exit::AUTH,
            format!("the server refused the key: {message} (`rolo add` explains what to check)"),
        )),
        Outcome::Redirected { to } => Some((
            exit::SERVER,
            format!(
                "the server redirected to {to}; not followed, so the key stayed home (the row \
                 just sent may exist on the server: look before importing it again). Check base_url"
            ),
        )),
        _ => None,
    }
}

/// The server's field errors on one line: `Phone: This phone number already exists.`
fn field_errors(
    sh: &Shared,
    fields: &std::collections::BTreeMap<String, Vec<String>>,
    form: &[String],
) -> String {
    let flavour: Flavour = sh.client.flavour();
    let mut parts: Vec<String> = Vec::new();
    for (key, messages) in fields {
        let label = match key.strip_prefix("custom.") {
            Some(id) => sh
                .catalog
                .custom_field(id)
                .map_or_else(|| key.clone(), |d| d.name.clone()),
            None => flavour
                .field(key)
                .map_or_else(|| key.clone(), |f| f.label.to_owned()),
        };
        parts.extend(messages.iter().map(|m| format!("{label}: {m}")));
    }
    parts.extend(form.iter().cloned());
    if parts.is_empty() {
        "the server refused the contact".to_owned()
    } else {
        parts.join("; ")
    }
}
