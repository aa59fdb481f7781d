//! The big tenant of the benches: a Wipsy profile declaring many tags and 200 custom
//! fields of every type, against a sandbox's `loadtest` tenant. Shared by `benches/tui.rs`
//! (timed in a pty) and `benches/budgets.rs` (counted by valgrind), so that both measure
//! the same files; each includes it with `#[path]`.
//!
//! The lists are side files (`tags_file`, `custom_fields_file`), as a team with 100,000
//! tags keeps them; `ROLO_BENCH_LISTS=inline` writes them as `[[profiles.big.tags]]`
//! tables instead (what a rolo before side files read, to time one against the other).

use std::fmt::Write as _;
use std::path::Path;

/// Writes `config.toml` in `dir` (with its side files beside it, unless the lists are
/// inline): profile `big` (Wipsy at `origin`) declares `tags` tags and 200 custom
/// fields; `secret` is the profile's key line (`api_key_env = "..."`). Returns its path.
pub fn large_config(dir: &Path, origin: &str, tags: usize, secret: &str) -> std::path::PathBuf {
    let inline = std::env::var("ROLO_BENCH_LISTS").is_ok_and(|v| v == "inline");
    let mut t = format!(
        "[profiles.big]\napi = \"wipsy\"\nbase_url = \"{origin}/wipsy\"\n\
         {secret}\nlabel = \"Big catalog\"\ncolor = \"cyan\"\n\
         default_region = \"CO\"\n"
    );
    if !inline {
        t.push_str("tags_file = \"big-tags.csv\"\ncustom_fields_file = \"big-fields.csv\"\n");
    }
    let mut tags_csv = String::from("id,name,color\n");
    for n in 0..tags {
        let rgb = (n * 2_654_435_761_usize) & 0x00FF_FFFF;
        let id = format!("7c9e6679-7425-40de-944b-{n:012x}");
        if inline {
            writeln!(
                t,
                "\n[[profiles.big.tags]]\nid = \"{id}\"\nname = \"Tag {n:05}\"\ncolor = \"#{rgb:06X}\""
            )
            .unwrap();
        } else {
            writeln!(tags_csv, "{id},Tag {n:05},#{rgb:06X}").unwrap();
        }
    }
    let kinds = ["text", "email", "phone", "number", "date", "select"];
    let mut fields_csv = String::from("id,name,type,options,order\n");
    for n in 0..200 {
        let kind = kinds[n % kinds.len()];
        let id = format!("5a1f0000-0000-4000-8000-{n:012x}");
        let options = if kind == "select" { "Uno|Dos|Tres" } else { "" };
        if inline {
            let options = if options.is_empty() {
                String::new()
            } else {
                "options = [\"Uno\", \"Dos\", \"Tres\"]\n".to_owned()
            };
            writeln!(
                t,
                "\n[[profiles.big.custom_fields]]\nid = \"{id}\"\nname = \"Campo {n:03}\"\n\
                 type = \"{kind}\"\n{options}order = {n}"
            )
            .unwrap();
        } else {
            writeln!(fields_csv, "{id},Campo {n:03},{kind},{options},{n}").unwrap();
        }
    }
    if !inline {
        std::fs::write(dir.join("big-tags.csv"), tags_csv).unwrap();
        std::fs::write(dir.join("big-fields.csv"), fields_csv).unwrap();
    }
    let path = dir.join("config.toml");
    std::fs::write(&path, t).unwrap();
    path
}
