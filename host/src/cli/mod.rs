//! Command-line arguments (clap) and dispatch. No logic of its own: each command
//! turns its arguments into library options and calls the library.

mod bench;
mod bom;
mod check;
mod common;
mod completions;
mod conformance;
mod explain;
mod facts;
mod inspect;
mod man;
mod new;
mod policies;
mod progress_bar;
mod rooted;
mod serve;
mod settings;
mod stderr_summary;
mod test;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Checks cloud deployment descriptors for RHEL licensing and support-scope problems.
#[derive(Debug, Parser)]
#[command(name = "entitle", version, long_version = entitle::LONG_VERSION, about, long_about = None)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check descriptors and report findings (exit 0 clean, 1 findings, 2 not checkable).
    Check(CheckArgs),
    /// Print the canonical deployment model of descriptors as JSON.
    Facts(FactsArgs),
    /// Print the subscription bill of materials: what the deployment needs, in the units Red Hat sells.
    Bom(BomArgs),
    /// List loaded policies and their rules.
    Policies(PoliciesArgs),
    /// Record today's findings, so `check --baseline FILE` fails only on new ones.
    Baseline(BaselineArgs),
    /// Write a new policy crate that builds and tests on its own (exit 0, or 2).
    New(new::NewArgs),
    /// Build policy crates (or take .wasm files) and run their golden cases (exit 0 pass, 1 mismatch, 2 error).
    Test(test::TestArgs),
    /// Show a policy module's metadata, imports, exports and whether it loads (exit 0 loads, 1 not).
    Inspect(inspect::InspectArgs),
    /// Time each policy's evaluation on inputs (median, spread, evaluations per second).
    Bench(bench::BenchArgs),
    /// Run the checks a policy must pass before it ships (exit 0 all pass, 1 one fails).
    Conformance(conformance::ConformanceArgs),
    /// Explain a rule: why it matters, what it reads, the catalog rows behind it, an example (exit 0, or 2).
    Explain(explain::ExplainArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the manual page, or write every page (one per subcommand) into a directory.
    Man(man::ManArgs),
    /// Serve checks over HTTP(S) and answer Kubernetes admission reviews (exit 0 when stopped, 2 on a start-up error).
    Serve(serve::ServeArgs),
}

/// Options shared by every command that loads policies or the catalog.
#[derive(Debug, clap::Args)]
pub struct EngineArgs {
    /// Add a policy (.wasm or .wat file, or a directory of them); repeatable.
    #[arg(long = "policy", value_name = "FILE|DIR")]
    pub policies: Vec<PathBuf>,
    /// Do not load the built-in policies.
    #[arg(long)]
    pub no_builtin: bool,
    /// Use this catalog directory instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    pub catalog: Option<PathBuf>,
    /// Time limit per policy evaluation (`2s`, `500ms`; at most 10 minutes).
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = common::parse_duration)]
    pub policy_timeout: std::time::Duration,
    /// Memory limit per policy evaluation, in MiB (1 to 4096, the most a wasm32 guest can address).
    #[arg(long, value_name = "MIB", default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub policy_memory: u64,
    /// Largest reply a policy may return from one evaluation, in MiB (1 to 1024).
    #[arg(long, value_name = "MIB", default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub policy_reply_limit: u64,
    /// Most findings a policy may return from one evaluation (1 to 1000000).
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub policy_max_findings: u64,
    /// Compile policies without reading or writing the on-disk cache.
    #[arg(long)]
    pub no_cache: bool,
}

/// How inputs are read (shared by `check`, `baseline` and `facts`).
#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// Parameters file: ARM (default: X.parameters.json beside X.json) or CloudFormation (`[{"ParameterKey", "ParameterValue"}]`).
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,
    /// `aws ec2 describe-images` output naming AMI ids that plans and templates leave opaque.
    #[arg(long, value_name = "FILE")]
    pub ami_catalog: Option<PathBuf>,
    /// Consider only this region for region-keyed choices (CloudFormation mappings).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// The cluster Kubernetes manifests run on, when the files cannot say (OpenShift is detected).
    #[arg(long, value_enum, value_name = "PLATFORM")]
    pub platform: Option<PlatformArg>,
    /// Terraform source: a variables file, as `terraform -var-file` (repeatable; a later file wins).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Terraform source: a variable value, as `terraform -var` (repeatable; wins over files).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// List walked descriptors entitle cannot check (Deployment Manager templates) as "not checked" instead of failing the run.
    #[arg(long)]
    pub allow_unchecked: bool,
}

/// `--platform` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlatformArg {
    /// Red Hat OpenShift (RHEL CoreOS nodes).
    Openshift,
    /// Azure Kubernetes Service.
    Aks,
    /// Amazon Elastic Kubernetes Service.
    Eks,
    /// Google Kubernetes Engine.
    Gke,
    /// Any other Kubernetes.
    Kubernetes,
}

impl PlatformArg {
    /// The name the model records.
    pub fn name(self) -> &'static str {
        match self {
            PlatformArg::Openshift => "openshift",
            PlatformArg::Aks => "aks",
            PlatformArg::Eks => "eks",
            PlatformArg::Gke => "gke",
            PlatformArg::Kubernetes => "kubernetes",
        }
    }
}

/// What a check run reads and evaluates (shared by `check` and `baseline`).
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Files or directories to check (directories are walked in sorted order).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Evaluation date, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Warn about support phases that end within this many days (at most 36525, a century).
    #[arg(long, value_name = "DAYS", default_value_t = 180, value_parser = clap::value_parser!(u32).range(0..=36_525))]
    pub warn_within: u32,
    /// Organisation context (JSON or YAML).
    #[arg(long, value_name = "FILE")]
    pub context: Option<PathBuf>,
    /// Policy settings: a JSON or YAML object keyed by policy id.
    #[arg(long, value_name = "FILE")]
    pub settings: Option<PathBuf>,
    /// Worker threads (default: the number of CPUs; 1 to 256).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256))]
    pub jobs: Option<u64>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Rule overrides (default: entitle.toml at the project root when it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report only this rule's findings (repeatable; as Checkov's --check).
    #[arg(long = "rule", value_name = "ID")]
    pub rules: Vec<String>,
    /// Leave this rule's findings out (repeatable; as Checkov's --skip-check).
    #[arg(long = "skip-rule", value_name = "ID")]
    pub skip_rules: Vec<String>,
    /// The project root every path is spelled against (default: the directory of --config
    /// or --waivers, else the nearest directory up to the git work tree's top holding
    /// entitle.toml or .entitle-waivers.toml, else that top, else the working directory).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Show what policies log on stderr, with the policy id and input: -v errors and
    /// warnings, -vv also info, -vvv also debug (`--format json` carries errors and warnings in `logs`).
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// `entitle check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Output format; repeat it to write several (the Nth --output goes with the Nth --format).
    #[arg(long, value_enum, action = clap::ArgAction::Append)]
    pub format: Vec<OutputFormat>,
    /// Write a format to this file instead of stdout; repeatable, paired with --format.
    #[arg(long, value_name = "FILE", action = clap::ArgAction::Append)]
    pub output: Vec<PathBuf>,
    /// Lowest severity that fails the run (exit 1).
    #[arg(long, value_enum, default_value_t = FailOnArg::Error)]
    pub fail_on: FailOnArg,
    /// Waiver file (default: .entitle-waivers.toml at the project root when it exists).
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// Name files by absolute path in every format (default: relative to the project root).
    #[arg(long)]
    pub absolute_paths: bool,
    /// Report only findings that are not in this baseline (from `entitle baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Human output: only errors, the per-rule table and the summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `entitle baseline`.
#[derive(Debug, clap::Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Where to write the baseline.
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,
}

/// `entitle facts`.
#[derive(Debug, clap::Args)]
pub struct FactsArgs {
    /// Files or directories to read.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format (the canonical model is JSON).
    #[arg(long, value_enum, default_value_t = FactsFormat::Json)]
    pub format: FactsFormat,
    /// Use this catalog directory instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    pub catalog: Option<PathBuf>,
    /// The project root file names are spelled against (default: as for `check`).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `entitle bom`.
#[derive(Debug, clap::Args)]
pub struct BomArgs {
    /// Files or directories to read.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = BomFormat::Table)]
    pub format: BomFormat,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Evaluation date, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Organisation context (JSON or YAML): weigh the BOM against the subscriptions owned.
    #[arg(long, value_name = "FILE")]
    pub context: Option<PathBuf>,
    /// A previous BOM (`--format json`): report what this one adds to it.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Use this catalog directory instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    pub catalog: Option<PathBuf>,
    /// The project root file names are spelled against (default: as for `check`).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `entitle bom` formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BomFormat {
    /// An aligned table, totals last.
    Table,
    /// The BOM as JSON (schema `entitle-bom/1`).
    Json,
    /// CSV for a spreadsheet.
    Csv,
    /// CycloneDX 1.6 JSON.
    Cyclonedx,
}

/// `entitle policies`.
#[derive(Debug, clap::Args)]
pub struct PoliciesArgs {
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = inspect::InfoFormat::Human)]
    pub format: inspect::InfoFormat,
}

/// Report formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One line per finding, for people.
    Human,
    /// The JSON report.
    Json,
    /// SARIF 2.1.0 (code scanning).
    Sarif,
    /// JUnit XML (test reports).
    Junit,
    /// GitHub Actions annotations.
    Github,
    /// GitLab code-quality JSON.
    Gitlab,
}

/// `entitle facts` formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FactsFormat {
    /// The canonical model as JSON.
    Json,
}

/// `--fail-on` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// Fail on errors.
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on any finding.
    Info,
    /// Never fail on findings (errors still exit 2).
    Never,
}

/// Runs a command; the result is the process exit code.
pub fn run(args: Args) -> anyhow::Result<u8> {
    match args.command {
        Command::Check(a) => check::run(a),
        Command::Facts(a) => facts::run(a),
        Command::Bom(a) => bom::run(a),
        Command::Policies(a) => policies::run(a),
        Command::Baseline(a) => check::baseline(a),
        Command::New(a) => new::run(a),
        Command::Test(a) => test::run(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Conformance(a) => conformance::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Completions(a) => completions::run(a),
        Command::Man(a) => man::run(a),
        Command::Serve(a) => serve::run(a),
    }
}
