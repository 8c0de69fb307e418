//! What `entitle check` always says on stderr: every input or policy error (so a CI log
//! shows it whatever the formats and files), and the summary line when every format was
//! written to an `--output` file and stdout carries nothing.

use entitle::Report;
use entitle::report::{error_line, summary_line};

/// Writes the errors, and the summary when `all_to_files`.
pub fn write(report: &Report, all_to_files: bool) {
    for e in &report.errors {
        eprintln!("entitle: {}", error_line(e, "error"));
    }
    if all_to_files {
        eprintln!("{}", summary_line(report));
    }
}
