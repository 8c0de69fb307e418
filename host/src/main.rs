//! The `entitle` binary: parse arguments, run the library, pick the exit code.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("entitle: error: {}", entitle::escape::text(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}
