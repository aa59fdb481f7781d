//! The config reader (`Config::parse`): any text, errors are fine, panics are not.
//!
//! The fast path for long `[[profiles.NAME.tags]]`-style lists promises never to change
//! what a file means or which error it gets. The same text with a comment holding `"""`
//! appended (which sends a file to toml whole) must therefore read the same: the same
//! profiles, warnings and errors, with the same lines. Syntax errors are only compared by
//! kind, since one at the end of the file moves with the extra line.

use std::path::Path;

use super::super::lossy;
use rolo::config::{Config, ConfigError, ConfigErrorKind};

fn shown(r: &Result<Config, ConfigError>) -> String {
    match r {
        Ok(c) => format!(
            "default {:?}\nprofiles {:?}\nwarnings {:?}",
            c.default_profile, c.profiles, c.warnings
        ),
        Err(e) => format!("error ({:?}): {e}", e.kind),
    }
}

fn is_syntax(r: &Result<Config, ConfigError>) -> bool {
    matches!(r, Err(e) if e.kind == ConfigErrorKind::Syntax)
}

/// One input: panics (a failed promise) are what the fuzzer looks for.
pub fn run(data: &[u8]) {
    let text = lossy(data);
    let path = Path::new("fuzz.toml");
    let fast = Config::parse(&text, path);
    if text.ends_with('\r') {
        return;
    }
    let whole = Config::parse(&format!("{text}\n# \"\"\" (toml reads it all)\n"), path);
    if is_syntax(&fast) || is_syntax(&whole) {
        assert!(
            is_syntax(&fast) && is_syntax(&whole),
            "fast path and toml disagree:\n{}\n---\n{}",
            shown(&fast),
            shown(&whole)
        );
    } else {
        assert_eq!(shown(&fast), shown(&whole), "fast path and toml disagree");
    }
}
