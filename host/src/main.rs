//! The `entitle` binary: parse arguments, run the library, pick the exit code.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc, not glibc malloc: glibc grew each worker thread's arena one page at a time
/// with `mprotect` (about two calls per evaluation), and each call is a TLB shootdown for
/// the other worker (`docs/decisions.md` 131). The library does not choose an allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
