//! `entitle serve`: flags (each also an `ENTITLE_*` environment variable, for a
//! container) turned into the library's server configuration; prints the bound
//! address on stderr, then serves until SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::ValueEnum;
use entitle::serve::{AdmissionConfig, Evaluation, FailurePolicy, Limits, ServeConfig, Server, TlsFiles};
use entitle_sdk::Severity;

use super::settings::SettingsFile;
use super::{EngineArgs, PlatformArg, common};

/// `entitle serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (`127.0.0.1:0` picks a free port; the bound one is printed on stderr).
    #[arg(long, env = "ENTITLE_LISTEN", value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// PEM certificate chain: serve HTTPS (needs --tls-key).
    #[arg(long, env = "ENTITLE_TLS_CERT", value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "ENTITLE_TLS_KEY", value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Evaluation date, YYYY-MM-DD (default: the day of each request, UTC).
    #[arg(long, env = "ENTITLE_AS_OF", value_name = "DATE")]
    pub as_of: Option<String>,
    /// Warn about support phases that end within this many days.
    #[arg(long, env = "ENTITLE_WARN_WITHIN", value_name = "DAYS", default_value_t = 180, value_parser = clap::value_parser!(u32).range(0..=36_525))]
    pub warn_within: u32,
    /// Organisation context (JSON or YAML) for admission reviews, and for checks that upload none.
    #[arg(long, env = "ENTITLE_CONTEXT", value_name = "FILE")]
    pub context: Option<PathBuf>,
    /// Policy settings, keyed by policy id (default for checks that send none).
    #[arg(long, env = "ENTITLE_SETTINGS", value_name = "FILE")]
    pub settings: Option<PathBuf>,
    /// The cluster admission reviews come from (and the default for checks).
    #[arg(long, env = "ENTITLE_PLATFORM", value_enum, value_name = "PLATFORM")]
    pub platform: Option<PlatformArg>,
    /// Largest request body, in MiB (413 past it).
    #[arg(long, env = "ENTITLE_MAX_BODY", value_name = "MIB", default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub max_body: u64,
    /// Time limit of one request, reading and checking (504 past it).
    #[arg(long, env = "ENTITLE_REQUEST_TIMEOUT", value_name = "DURATION", default_value = "30s", value_parser = common::parse_duration)]
    pub request_timeout: Duration,
    /// Checks running at once (default: the number of CPUs); more requests wait in a queue.
    #[arg(long, env = "ENTITLE_MAX_CONCURRENT", value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub max_concurrent: Option<u64>,
    /// Requests that may wait for a free check (within --request-timeout); past it, 503 with Retry-After.
    #[arg(long, env = "ENTITLE_MAX_QUEUED", value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    pub max_queued: u64,
    /// Most files one /v1/check request may upload.
    #[arg(long, env = "ENTITLE_MAX_FILES", value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_files: u64,
    /// Admission: findings at or above this severity deny the object (lower ones are warnings).
    #[arg(long, env = "ENTITLE_DENY_ON", value_enum, default_value_t = DenyOn::Error)]
    pub deny_on: DenyOn,
    /// Admission: when an object cannot be checked, deny it (`fail`) or allow it with a warning (`ignore`).
    #[arg(long, env = "ENTITLE_FAILURE_POLICY", value_enum, default_value_t = FailurePolicyArg::Fail)]
    pub failure_policy: FailurePolicyArg,
}

/// `--deny-on` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DenyOn {
    /// Deny on errors.
    Error,
    /// Deny on warnings and errors.
    Warning,
    /// Deny on any finding.
    Info,
    /// Never deny on findings (they are warnings).
    Never,
}

/// `--failure-policy` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailurePolicyArg {
    /// Deny an object that could not be checked, saying why.
    Fail,
    /// Allow it, with a warning saying why.
    Ignore,
}

/// Starts the server; returns when it has stopped (0), or fails to start.
pub fn run(args: ServeArgs) -> anyhow::Result<u8> {
    let as_of = args.as_of.as_deref().map(|text| common::as_of(Some(text))).transpose()?;
    let settings = match &args.settings {
        Some(path) => SettingsFile::read(path).map_err(|e| anyhow::anyhow!("{e}"))?.by_policy(),
        None => Default::default(),
    };
    let context = match &args.context {
        Some(path) => Some(entitle::context::read_file(path).map_err(|e| anyhow::anyhow!("{e}"))?),
        None => None,
    };
    let catalog = common::catalog(args.engine.catalog.as_deref())
        .map_err(|e| anyhow::Error::new(e).context("cannot load the catalog"))?;
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let read = entitle::ReadOptions { platform: args.platform.map(|p| p.name().to_owned()), ..Default::default() };
    let config = ServeConfig {
        listen: args.listen,
        tls: match (args.tls_cert, args.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            _ => None,
        },
        runtime: common::runtime_options(&args.engine, 0)?,
        builtin: !args.engine.no_builtin,
        policies: args.engine.policies.clone(),
        catalog,
        limits: Limits {
            max_body: usize::try_from(args.max_body << 20).context("--max-body")?,
            request_timeout: args.request_timeout,
            max_concurrent: args.max_concurrent.map_or(cpus, |n| n as usize),
            max_queued: args.max_queued as usize,
            max_files: args.max_files as usize,
        },
        evaluation: Evaluation { as_of, warn_within_days: args.warn_within, settings, read },
        admission: AdmissionConfig {
            deny_on: match args.deny_on {
                DenyOn::Error => Some(Severity::Error),
                DenyOn::Warning => Some(Severity::Warning),
                DenyOn::Info => Some(Severity::Info),
                DenyOn::Never => None,
            },
            failure_policy: match args.failure_policy {
                FailurePolicyArg::Fail => FailurePolicy::Fail,
                FailurePolicyArg::Ignore => FailurePolicy::Ignore,
            },
            context,
        },
    };
    let server = Server::bind(config)?;
    let scheme = if server.is_tls() { "https" } else { "http" };
    eprintln!("entitle: serving on {scheme}://{}", server.local_addr()?);
    server.run()?;
    eprintln!("entitle: stopped");
    Ok(0)
}
