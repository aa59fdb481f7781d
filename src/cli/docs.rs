//! `rolo completions SHELL` and `rolo man`: shell completion scripts and the manual
//! page, generated from the clap definitions ([`super::Cli`]) so they can never say
//! something `rolo --help` does not.
//!
//! Decisions: both are written to stdout byte for byte (not through the inert filter
//! `say!` applies: they are rolo's own text, and a script must stay exactly as
//! generated); a closed pipe ends the output quietly, as everywhere in the CLI. The man
//! page adds what clap does not know (environment, files, exit status) after clap's
//! sections; `--dir` writes one page per command, as packagers install them.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::CommandFactory as _;
use clap_complete::Shell;
use clap_mangen::roff::{Roff, bold, roman};

/// Arguments of `rolo completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Arguments of `rolo man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write one page per command (rolo.1, rolo-add.1, rolo-config-check.1…) into DIR
    /// instead of printing rolo.1.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// `rolo completions SHELL`: the completion script on stdout.
///
/// `--profile` completes the names of the config's profiles as they are when the script
/// is made (run it again after adding one); with no config it completes nothing rather
/// than file names.
pub fn completions(global: &super::Global, args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut cmd = super::Cli::command();
    if let Ok(config) = super::context::load_config(global) {
        let names: Vec<String> = config.profiles.iter().map(|p| p.name.clone()).collect();
        cmd = cmd.mut_arg("profile", |a| {
            a.value_parser(clap::builder::PossibleValuesParser::new(names))
        });
    }
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "rolo", &mut script);
    write_stdout(&script)
}

/// `rolo man [--dir DIR]`: the manual page in roff on stdout, or every page in DIR.
pub fn man(args: &ManArgs) -> anyhow::Result<ExitCode> {
    // `rolo help` is clap's own; a page about it says nothing the others do not.
    let cmd = super::Cli::command().disable_help_subcommand(true);
    let mut page = Vec::new();
    render_page(cmd.clone(), &mut page).context("cannot render the man page")?;
    let Some(dir) = &args.dir else {
        return write_stdout(&page);
    };
    write_pages(cmd, dir, &page)?;
    say!("wrote the man pages to {}", dir.display());
    Ok(ExitCode::SUCCESS)
}

/// A page per command into `dir`, then rolo.1 with rolo's own sections over clap's.
fn write_pages(cmd: clap::Command, dir: &Path, page: &[u8]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let written = |e| anyhow::Error::new(e).context(format!("cannot write to {}", dir.display()));
    clap_mangen::generate_to(cmd, dir).map_err(written)?;
    std::fs::write(dir.join("rolo.1"), page).map_err(written)
}

/// clap's page for `cmd`, then the sections clap cannot know.
fn render_page(cmd: clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    clap_mangen::Man::new(cmd).render(out)?;
    out.extend_from_slice(extra_sections().to_roff().as_bytes());
    Ok(())
}

/// ENVIRONMENT, FILES and EXIT STATUS.
fn extra_sections() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, what) in ENVIRONMENT {
        item(&mut roff, name, what);
    }
    roff.control("SH", ["FILES"]);
    for (name, what) in FILES {
        item(&mut roff, name, what);
    }
    roff.control("SH", ["EXIT STATUS"]);
    for (code, what) in crate::engine::exit::MEANINGS {
        item(&mut roff, &code.to_string(), what);
    }
    roff
}

/// A tagged paragraph: the name in bold, then what it is.
fn item(roff: &mut Roff, name: &str, what: &str) {
    roff.control("TP", []);
    roff.text([bold(name)]);
    roff.text([roman(what)]);
}

const ENVIRONMENT: &[(&str, &str)] = &[
    ("ROLO_CONFIG", "The config file, as --config."),
    ("ROLO_PROFILE", "The profile to use, as --profile."),
    (
        "ROLO_DATA_DIR",
        "Where drafts, history, the outbox, caches and the log live \
         (default: the OS data dir, ~/.local/share/rolo on Linux).",
    ),
    ("ROLO_LINEAR", "Set to 1 for the linear form, as --linear."),
    (
        "ROLO_NO_ANIMATION",
        "Set (to anything) to stop the spinners; the elapsed time stays as plain text.",
    ),
    (
        "ACCESSIBLE",
        "Set (to anything but 0) for the linear form, as --linear: the convention screen reader users set once for every tool.",
    ),
    (
        "ROLO_LOG",
        "The level of the log file: error, warn, info, debug or trace.",
    ),
    ("NO_COLOR", "When set, the form uses no colour."),
];

const FILES: &[(&str, &str)] = &[(
    "config.toml",
    "The profiles, in the OS config dir (~/.config/rolo/config.toml on Linux). \
         config.example.toml documents every key; rolo config check reports every \
         problem of a file, and rolo config schema prints its JSON Schema for editors.",
)];

/// Writes `bytes` to stdout as they are; a closed pipe is not an error.
fn write_stdout(bytes: &[u8]) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(e).context("cannot write to stdout"))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}
