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
    let _log = engine::session::data_dir()
        .ok()
        .and_then(|dir| engine::log::start(&dir));
    let launch = cli.global.choice();
    if let Some(code) = cli::main(cli) {
        return code;
    }
    match tui::runtime::run(&launch) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => cli::report(&e),
    }
}
