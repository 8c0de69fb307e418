//! The per-input panic boundary: a bug that panics while one input is read, modelled
//! or evaluated becomes an "internal error" for that input, and the run goes on.
//!
//! The default panic hook still prints its one line to stderr (where diagnostics go);
//! stdout carries only the report, which stays complete and valid.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `f`; a panic comes back as its message.
pub(crate) fn run<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    // AssertUnwindSafe: nothing `f` borrows is used after a panic except through
    // values it owns (the input's result is replaced by the error).
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        format!("{message} (this is a bug in entitle; the other inputs were still checked)")
    })
}

/// Test-only fault injection: panics when `path` contains a registered fragment for
/// `stage`. Compiled into unit tests only, so no user input or setting can reach it.
#[cfg(test)]
pub(crate) mod fault {
    use std::sync::Mutex;

    static FAULTS: Mutex<Vec<(&'static str, String)>> = Mutex::new(Vec::new());

    /// Makes `stage` panic on every path that contains `fragment`.
    pub(crate) fn inject(stage: &'static str, fragment: &str) {
        FAULTS.lock().unwrap_or_else(|e| e.into_inner()).push((stage, fragment.to_owned()));
    }

    /// Panics when a fault is registered for `stage` on `path`.
    pub(crate) fn hit(stage: &'static str, path: &str) {
        let faults = FAULTS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, fragment)) = faults.iter().find(|(s, f)| *s == stage && path.contains(f.as_str())) {
            let message = format!("injected fault in {stage} of {fragment}");
            drop(faults);
            panic!("{message}");
        }
    }
}

/// In every build but unit tests, the injection point is nothing.
#[cfg(not(test))]
pub(crate) mod fault {
    #[inline(always)]
    pub(crate) fn hit(_stage: &'static str, _path: &str) {}
}
