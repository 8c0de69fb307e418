//! The total work one Terraform input may cost. Limits per level (nesting, instances per call,
//! module depth) multiply — a module calling itself with `count = 64` is 64⁸ evaluations — so
//! one budget, shared by every module instance of the input, bounds the sum: module instances,
//! evaluation steps and bytes of text built. Past it evaluation stops with a located error
//! naming where the work fanned out, and the problems found on the way (module call cycles,
//! locals cycles) are kept here once each, whichever instance met them.

use std::cell::{Cell, RefCell};
use std::path::PathBuf;

use entitle_sdk::model::Source;

use crate::{Error, ErrorKind, Phase};

/// Module instances one input may evaluate (each `count` / `for_each` instance of a call, for
/// its resources or for its outputs).
pub const MAX_MODULES: u64 = 256;

/// Expressions one input may evaluate.
pub const MAX_STEPS: u64 = 1_000_000;

/// Bytes of text one input may build (templates, functions, files read).
pub const MAX_TEXT: u64 = 64 << 20;

/// Workloads one input may give.
pub const MAX_WORKLOADS: usize = 10_000;

/// The work left for one input, and the problems met.
#[derive(Debug)]
pub struct Budget {
    /// The input's directory, symlinks resolved: the files its modules read stay inside it.
    pub root: Option<PathBuf>,
    modules: Cell<u64>,
    steps: Cell<u64>,
    text: Cell<u64>,
    /// Why evaluation stopped, once it has.
    stopped: RefCell<Option<String>>,
    problems: RefCell<Vec<Error>>,
}

impl Budget {
    /// A full budget for the input at `root` (its directory).
    pub fn new(root: Option<PathBuf>) -> Budget {
        Budget {
            root,
            modules: Cell::new(0),
            steps: Cell::new(0),
            text: Cell::new(0),
            stopped: RefCell::new(None),
            problems: RefCell::new(Vec::new()),
        }
    }

    /// Why evaluation stopped, when it has.
    pub fn stopped(&self) -> Option<String> {
        self.stopped.borrow().clone()
    }

    /// Spends one evaluation step at `at` (in the module at `prefix`); false once spent out.
    pub fn step(&self, at: impl FnOnce() -> Source, prefix: &str) -> bool {
        if self.stopped.borrow().is_some() {
            return false;
        }
        self.steps.set(self.steps.get() + 1);
        if self.steps.get() > MAX_STEPS {
            let why = format!("more than {MAX_STEPS} expressions to evaluate{}", within(prefix));
            self.stop(why, &at());
            return false;
        }
        true
    }

    /// Spends one module instance, called at `at` as `address`; false once spent out.
    pub fn module(&self, at: &Source, address: &str) -> bool {
        if self.stopped.borrow().is_some() {
            return false;
        }
        self.modules.set(self.modules.get() + 1);
        if self.modules.get() > MAX_MODULES {
            let why = format!("more than {MAX_MODULES} module instances (module calls fan out: {address} is one)");
            self.stop(why, at);
            return false;
        }
        true
    }

    /// Bytes of text that may still be built.
    pub fn text_left(&self) -> usize {
        MAX_TEXT.saturating_sub(self.text.get()) as usize
    }

    /// Spends `bytes` of text built at `at`; false once spent out.
    pub fn text(&self, bytes: usize, at: Option<&Source>, prefix: &str) -> bool {
        if self.stopped.borrow().is_some() {
            return false;
        }
        self.text.set(self.text.get().saturating_add(bytes as u64));
        if self.text.get() > MAX_TEXT {
            let why = format!("more than {MAX_TEXT} bytes of text to build{}", within(prefix));
            match at {
                Some(at) => self.stop(why, at),
                None => *self.stopped.borrow_mut() = Some(why),
            }
            return false;
        }
        true
    }

    /// Stops evaluation for `why`, reported at `at`.
    pub fn stop(&self, why: String, at: &Source) {
        if self.stopped.borrow().is_some() {
            return;
        }
        let message = format!("Terraform evaluation stopped: this input needs {why}; the rest is not evaluated");
        self.problem(located(message, at));
        *self.stopped.borrow_mut() = Some(why);
    }

    /// Keeps a problem, once (several instances of a module meet the same one).
    pub fn problem(&self, e: Error) {
        let mut problems = self.problems.borrow_mut();
        let seen = problems.iter().any(|p| p.path == e.path && p.line == e.line && p.message() == e.message());
        if !seen {
            problems.push(e);
        }
    }

    /// The problems met, in the order met.
    pub fn take_problems(&self) -> Vec<Error> {
        std::mem::take(&mut *self.problems.borrow_mut())
    }
}

/// A model error with `message` at `at`.
pub fn located(message: String, at: &Source) -> Error {
    let mut e = Error::new(Phase::Model, ErrorKind::Shape(message)).path(&at.path).pointer(&at.pointer);
    if let (Some(line), Some(column)) = (at.line, at.column) {
        e = e.at(line, column);
    }
    e
}

/// ` (in module.a[3].module.b[7])` for a module below the input, or nothing.
fn within(prefix: &str) -> String {
    let prefix = prefix.trim_end_matches('.');
    if prefix.is_empty() { String::new() } else { format!(" (stopped in {prefix})") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Source {
        Source { path: "m/main.tf".into(), pointer: "/module/a".into(), line: Some(3), column: Some(5) }
    }

    #[test]
    fn stops_once_and_says_where() {
        let b = Budget::new(None);
        for _ in 0..MAX_MODULES {
            assert!(b.module(&at(), "module.a"));
        }
        assert!(!b.module(&at(), "module.a[1].module.a[2]"));
        assert!(!b.step(at, ""), "nothing runs once stopped");
        let problems = b.take_problems();
        let [e] = &problems[..] else { panic!("one problem: {problems:?}") };
        assert_eq!((e.path.as_deref(), e.line, e.column), (Some("m/main.tf"), Some(3), Some(5)));
        assert!(e.message().contains("module.a[1].module.a[2]"), "{}", e.message());
    }
}
