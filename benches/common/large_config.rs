//! The big tenant of the benches: a Wipsy profile declaring many tags and 200 custom
//! fields of every type, against a sandbox's `loadtest` tenant. Shared by `benches/tui.rs`
//! (timed in a pty) and `benches/budgets.rs` (counted by valgrind), so that both measure
//! the same file; each includes it with `#[path]`.

use std::fmt::Write as _;

/// A config whose profile `big` (Wipsy at `origin`) declares `tags` tags and 200 custom
/// fields; `secret` is the profile's key line (`api_key_env = "..."`, `api_key_cmd = "..."`).
pub fn large_config(origin: &str, tags: usize, secret: &str) -> String {
    let mut t = format!(
        "[profiles.big]\napi = \"wipsy\"\nbase_url = \"{origin}/wipsy\"\n\
         {secret}\nlabel = \"Big catalog\"\ncolor = \"cyan\"\n\
         default_region = \"CO\"\n\n"
    );
    for n in 0..tags {
        let rgb = (n * 2_654_435_761_usize) & 0x00FF_FFFF;
        writeln!(
            t,
            "[[profiles.big.tags]]\nid = \"7c9e6679-7425-40de-944b-{n:012x}\"\n\
             name = \"Tag {n:05}\"\ncolor = \"#{rgb:06X}\"\n"
        )
        .unwrap();
    }
    let kinds = ["text", "email", "phone", "number", "date", "select"];
    for n in 0..200 {
        let kind = kinds[n % kinds.len()];
        let options = if kind == "select" {
            "options = [\"Uno\", \"Dos\", \"Tres\"]\n"
        } else {
            ""
        };
        writeln!(
            t,
            "[[profiles.big.custom_fields]]\nid = \"5a1f0000-0000-4000-8000-{n:012x}\"\n\
             name = \"Campo {n:03}\"\ntype = \"{kind}\"\n{options}order = {n}\n"
        )
        .unwrap();
    }
    t
}
