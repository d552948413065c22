//! `tovholder`: the command line over the core. Parses arguments (clap) and
//! hands them to the command tree in `src/cli/`, which calls one core
//! function and prints the result in Danish (or JSON with `--json`). No rules
//! live here: a failed command prints the core's Danish message with its
//! code and exits non-zero, and the journal is unchanged.

use std::process::ExitCode;

use clap::Parser;

#[path = "../cli/mod.rs"]
mod cli;

fn main() -> ExitCode {
    match cli::run(cli::Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Fejl [{}]: {e}", e.code());
            ExitCode::FAILURE
        }
    }
}
