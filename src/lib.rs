//! rolo: enter contacts into WhatsApp CRMs from the terminal.
//!
//! The crate is laid out as the data flows (see `shared/design.md`): the CLI face in
//! [`cli`], the local stand-in for both CRM APIs in [`sandbox`], and files in [`store`].

pub mod api;
pub mod cli;
pub mod config;
pub mod contact;
pub mod engine;
pub mod files;
pub mod linear;
pub mod sandbox;
pub mod secret;
pub mod store;
pub mod text;
pub mod tui;

/// Runs rolo with the process's arguments: a subcommand through the CLI face, or, with
/// none, the form. The two faces never call each other; this is where they meet.
#[must_use]
pub fn main() -> std::process::ExitCode {
    use clap::Parser as _;
    let cli = cli::Cli::parse();
    // The log goes to a file under the data dir; kept until rolo exits.
    let data_dir = engine::session::data_dir().ok();
    let _log = data_dir.as_deref().and_then(engine::log::start);
    if let Some(dir) = &data_dir {
        narrow_data_dir(dir);
    }
    let launch = cli.global.choice();
    let linear = cli.global.linear;
    if let Some(code) = cli::main(cli) {
        return code;
    }
    if linear::chosen(linear) {
        return match linear::run(&launch) {
            Ok(code) => code,
            Err(e) => cli::report(&e),
        };
    }
    match tui::runtime::run(&launch) {
        Ok(code) => code,
        Err(e) => cli::report(&e),
    }
}

/// Narrows the data dir to owner-only where an older rolo, a copy or a umask left it
/// wider (it holds customers' names and phones), and says so once.
fn narrow_data_dir(dir: &std::path::Path) {
    let narrowed = files::narrow(dir);
    if narrowed > 0 {
        let notice = format!(
            "rolo: {narrowed} files and folders in {} were readable by other users; they are \
             now yours only (0600 files, 0700 folders)",
            dir.display()
        );
        tracing::warn!("{notice}");
        eprintln!("{}", text::inert(&notice));
    }
}
