//! Levelled logging from a policy to the host (`entitle.log`): shown on stderr with the policy
//! id and input by `entitle check -v` (errors and warnings; `-vv` adds info, `-vvv` debug);
//! errors and warnings are also in the JSON report's `logs`. At most 64 lines and 64 KiB per
//! evaluation are kept, each line at most 8 KiB.

/// Level of [`error`].
pub const ERROR: i32 = 0;
/// Level of [`warn`].
pub const WARN: i32 = 1;
/// Level of [`info`].
pub const INFO: i32 = 2;
/// Level of [`debug`].
pub const DEBUG: i32 = 3;

/// The name of a level number.
pub fn level_name(level: i32) -> &'static str {
    match level {
        ERROR => "error",
        WARN => "warn",
        INFO => "info",
        _ => "debug",
    }
}

/// Logs at error level.
pub fn error(message: &str) {
    crate::abi::log(ERROR, message);
}

/// Logs at warning level.
pub fn warn(message: &str) {
    crate::abi::log(WARN, message);
}

/// Logs at info level.
pub fn info(message: &str) {
    crate::abi::log(INFO, message);
}

/// Logs at debug level.
pub fn debug(message: &str) {
    crate::abi::log(DEBUG, message);
}
