//! The `rolo` binary: parse the command line and run it. No logic lives here.

use std::process::ExitCode;

fn main() -> ExitCode {
    rolo::main()
}
