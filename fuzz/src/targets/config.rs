//! The config readers: `Config::parse` on any text, and the side-file reader
//! (`config::side::parse`) on the same bytes as the CSV of every list. Errors are fine,
//! panics are not, and every error of a file that is TOML points inside the file: a
//! line between 1 and the file's last (the user must be able to go there).

use std::path::Path;

use super::super::lossy;
use rolo::config::{Config, ConfigErrorKind, List, side};

/// One input: panics (a failed promise) are what the fuzzer looks for.
pub fn run(data: &[u8]) {
    let text = lossy(data);
    let last = text.lines().count().max(1) + 1;
    let checked = Config::check_text(&text, Path::new("fuzz.toml"));
    for e in &checked.errors {
        if e.kind != ConfigErrorKind::Syntax {
            let line = e.line.unwrap_or(1);
            assert!((1..=last).contains(&line), "{e} is outside the file");
        }
    }
    for list in List::ALL {
        if let Err(errors) = side::parse(data, list, Path::new("fuzz.csv")) {
            assert!(!errors.is_empty(), "a refused side file says why");
            for e in &errors {
                assert!(e.line.is_some_and(|l| l >= 1), "{e} has no line");
            }
        }
    }
}
