//! What policies log through `entitle.log`: warnings and errors go into the report's `logs`
//! (so `--format json` carries them), and with `-v` (repeatable) every line up to the chosen
//! level is shown on stderr as it happens, with the policy id and the input.

use serde::Serialize;

/// One warning or error a policy logged while evaluating an input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GuestLog {
    /// The policy's id.
    pub policy: String,
    /// The input, as the user named it (`(all inputs)` for a run-scoped policy).
    pub input: String,
    /// `error` or `warn`.
    pub level: &'static str,
    /// The message as logged (at most 8 KiB; the host keeps at most 64 lines per call).
    pub message: String,
}

/// Keeps the warnings and errors of `logs` in `out`, and shows on stderr every line at or
/// below `verbosity` (0: none; 1: errors and warnings; 2: also info; 3: also debug).
pub(crate) fn collect(policy: &str, input: &str, logs: Vec<(i32, String)>, verbosity: u8, out: &mut Vec<GuestLog>) {
    for (level, message) in logs {
        let name = entitle_sdk::log::level_name(level);
        if verbosity > 0 && level <= i32::from(verbosity) {
            let (id, path, text) =
                (crate::escape::text(policy), crate::escape::text(input), crate::escape::text(&message));
            eprintln!("entitle: policy {id} on {path}: {name}: {text}");
        }
        if level <= entitle_sdk::log::WARN {
            out.push(GuestLog { policy: policy.to_owned(), input: input.to_owned(), level: name, message });
        }
    }
}
