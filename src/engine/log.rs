//! rolo's log file: `logs/rolo.log.YYYY-MM-DD` under the data dir, a new file each day.
//! Nothing ever goes to the terminal (the form draws there; the CLI's output is for its
//! reader). `ROLO_LOG` raises or lowers the level of rolo's own lines (`error`, `warn`,
//! `info` — the default —, `debug`, `trace`); other crates log warnings only, so a
//! dependency's debug output can never carry a request's headers into the file.
//!
//! What is logged: each request's method, path (never its query: it may hold a phone),
//! status, duration and rate-limit headers (`rolo::http`); catalog refreshes
//! (`rolo::catalog`); outbox moves (`rolo::outbox`). Never a key, a header, a body.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Log lines queued for the writer thread at most.
const QUEUED_LINES: usize = 4_096;

/// The log directory under the data dir.
#[must_use]
pub fn dir(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("logs")
}

/// Starts logging into the data dir; lines are written by a background thread until the
/// returned guard is dropped (keep it for the life of the process). `None` when the
/// directory cannot be made: rolo then runs without a log rather than not at all.
#[must_use]
pub fn start(data_dir: &Path) -> Option<WorkerGuard> {
    let dir = dir(data_dir);
    crate::files::private_dir(&dir).ok()?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("rolo.log")
        .max_log_files(14)
        .build(&dir)
        .ok()?;
    // The appender creates today's file with the umask's bits: owner-only, like the rest.
    let _ = crate::files::narrow(&dir);
    // The default queue holds 128,000 lines, allocated up front at every start (most
    // of what `rolo profiles` did); rolo writes a few lines a second at most, so 4,096
    // queued lines are ample, and past them a line is dropped rather than the UI waiting.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(QUEUED_LINES)
        .finish(appender);
    let level = std::env::var("ROLO_LOG").unwrap_or_else(|_| "info".to_owned());
    let level = level.trim().to_ascii_lowercase();
    let level = if ["error", "warn", "info", "debug", "trace", "off"].contains(&level.as_str()) {
        level
    } else {
        "info".to_owned()
    };
    let filter = EnvFilter::new(format!("warn,rolo={level}"));
    let subscriber = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(true)
        .with_env_filter(filter)
        .finish();
    tracing::subscriber::set_global_default(subscriber).ok()?;
    Some(guard)
}
