//! The host library's error type: every error names its input, policy and phase.

use std::fmt;

/// Which step of a run failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Finding or reading an input file (a missing path, a file that cannot be opened).
    Read,
    /// Parsing an input file.
    Parse,
    /// Turning a parsed input into workloads.
    Model,
    /// Loading (compiling, checking) a policy.
    Load,
    /// Validating a policy's settings.
    Settings,
    /// Running a policy on an input.
    Evaluate,
    /// Loading the catalog, the context or the settings file.
    Config,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read.
    Io(std::io::Error),
    /// The text is not valid JSON/YAML.
    Syntax(String),
    /// The document parses but has the wrong shape.
    Shape(String),
    /// The policy module is not a valid wasm module or failed to compile.
    Compile(String),
    /// The module does not follow the entitle guest ABI.
    Abi(String),
    /// The guest trapped.
    Trap(String),
    /// The guest ran past its time limit.
    Timeout {
        /// The limit in milliseconds.
        limit_ms: u64,
    },
    /// The guest tried to use more memory than allowed.
    OutOfMemory {
        /// The limit in bytes.
        limit_bytes: u64,
    },
    /// The guest replied with something that is not the expected JSON.
    Reply(String),
    /// The policy itself reported that it could not evaluate.
    PolicyFailed(String),
    /// A configuration file (catalog, settings, context) is invalid.
    Config(String),
    /// entitle itself failed (a panic caught at the input's boundary).
    Internal(String),
}

/// An error with the input, policy and phase it belongs to.
#[derive(Debug)]
pub struct Error {
    /// The step that failed.
    pub phase: Phase,
    /// The input file (or policy file for load errors), as the user named it.
    pub path: Option<String>,
    /// The policy id, when a policy is involved.
    pub policy: Option<String>,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// JSON pointer of the offending value, when known.
    pub pointer: Option<String>,
    /// What went wrong.
    pub kind: ErrorKind,
}

impl Error {
    /// An error of `kind` in `phase`.
    pub fn new(phase: Phase, kind: ErrorKind) -> Error {
        Error { phase, path: None, policy: None, line: None, column: None, pointer: None, kind }
    }

    /// A copy (an I/O error is copied as its kind and message).
    pub fn copy(&self) -> Error {
        let kind = match &self.kind {
            ErrorKind::Io(e) => ErrorKind::Io(std::io::Error::new(e.kind(), e.to_string())),
            ErrorKind::Syntax(m) => ErrorKind::Syntax(m.clone()),
            ErrorKind::Shape(m) => ErrorKind::Shape(m.clone()),
            ErrorKind::Compile(m) => ErrorKind::Compile(m.clone()),
            ErrorKind::Abi(m) => ErrorKind::Abi(m.clone()),
            ErrorKind::Trap(m) => ErrorKind::Trap(m.clone()),
            ErrorKind::Timeout { limit_ms } => ErrorKind::Timeout { limit_ms: *limit_ms },
            ErrorKind::OutOfMemory { limit_bytes } => ErrorKind::OutOfMemory { limit_bytes: *limit_bytes },
            ErrorKind::Reply(m) => ErrorKind::Reply(m.clone()),
            ErrorKind::PolicyFailed(m) => ErrorKind::PolicyFailed(m.clone()),
            ErrorKind::Config(m) => ErrorKind::Config(m.clone()),
            ErrorKind::Internal(m) => ErrorKind::Internal(m.clone()),
        };
        Error { kind, path: self.path.clone(), policy: self.policy.clone(), pointer: self.pointer.clone(), ..*self }
    }

    /// Names the input (or policy file).
    pub fn path(mut self, path: impl Into<String>) -> Error {
        self.path = Some(path.into());
        self
    }

    /// Names the policy.
    pub fn policy(mut self, policy: impl Into<String>) -> Error {
        self.policy = Some(policy.into());
        self
    }

    /// Sets line and column.
    pub fn at(mut self, line: u32, column: u32) -> Error {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Sets the JSON pointer.
    pub fn pointer(mut self, pointer: impl Into<String>) -> Error {
        self.pointer = Some(pointer.into());
        self
    }

    /// The message without the path prefix (the report keeps the path in its own field).
    pub fn message(&self) -> String {
        let policy = self.policy.as_deref().unwrap_or("the policy");
        let on = self.path.as_deref().map(|p| format!(" on {p}")).unwrap_or_default();
        let mut text = match &self.kind {
            ErrorKind::Io(e) if e.kind() == std::io::ErrorKind::NotFound => {
                "does not exist: no such file or directory".to_owned()
            }
            ErrorKind::Io(e) => format!("cannot read: {e}"),
            ErrorKind::Syntax(m) => format!("syntax error: {m}"),
            ErrorKind::Shape(m) => m.clone(),
            ErrorKind::Compile(m) => match &self.policy {
                Some(policy) => format!("policy {policy} does not compile: {m}"),
                None => format!("cannot load this policy file: {m}"),
            },
            ErrorKind::Abi(m) => format!("policy {policy} does not follow the entitle ABI: {m}"),
            ErrorKind::Trap(m) => format!("policy {policy} trapped{on}: {m}"),
            ErrorKind::Timeout { limit_ms } => {
                format!("policy {policy} exceeded its {} time limit{on}", human_ms(*limit_ms))
            }
            ErrorKind::OutOfMemory { limit_bytes } => {
                format!("policy {policy} exceeded its memory limit of {}{on}", human_bytes(*limit_bytes))
            }
            ErrorKind::Reply(m) => format!("policy {policy} returned a malformed reply{on}: {m}"),
            ErrorKind::PolicyFailed(m) => format!("policy {policy} could not evaluate{on}: {m}"),
            ErrorKind::Config(m) => m.clone(),
            ErrorKind::Internal(m) => format!("internal error: {m}"),
        };
        if let Some(pointer) = self.pointer.as_ref().filter(|p| !text.contains(p.as_str())) {
            text.push_str(&format!(" (at {})", if pointer.is_empty() { "/" } else { pointer }));
        }
        text
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{path}")?;
            if let (Some(line), Some(column)) = (self.line, self.column) {
                write!(f, ":{line}:{column}")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

fn human_ms(ms: u64) -> String {
    humantime::format_duration(std::time::Duration::from_millis(ms)).to_string()
}

fn human_bytes(bytes: u64) -> String {
    if bytes.is_multiple_of(1 << 20) { format!("{} MiB", bytes >> 20) } else { format!("{bytes} bytes") }
}
