//! `entitle new NAME [--dir DIR]`: argument handling for the policy crate scaffold.

use std::path::PathBuf;

use anyhow::bail;
use entitle::authoring::{SdkSource, new_policy};

/// `entitle new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The policy id and crate name (lowercase letters, digits and `-`).
    pub name: String,
    /// Where to write the crate (default: ./NAME); it must not exist or be empty.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Depend on the SDK in this directory (default: the SDK this entitle was built from, when present).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["sdk_git", "sdk_version"])]
    pub sdk_path: Option<PathBuf>,
    /// Depend on the SDK from this git repository (the entitle workspace).
    #[arg(long, value_name = "URL", conflicts_with = "sdk_version")]
    pub sdk_git: Option<String>,
    /// With --sdk-git: the commit, tag or branch to use.
    #[arg(long, value_name = "REV", requires = "sdk_git")]
    pub sdk_rev: Option<String>,
    /// Depend on this published version of entitle-sdk from crates.io.
    #[arg(long, value_name = "VERSION")]
    pub sdk_version: Option<String>,
}

/// Writes the crate; exit 0, or 2 when it cannot.
pub fn run(args: NewArgs) -> anyhow::Result<u8> {
    let sdk = match (args.sdk_path, args.sdk_git, args.sdk_version) {
        (Some(dir), _, _) => {
            if !dir.join("Cargo.toml").is_file() {
                bail!("--sdk-path {}: no Cargo.toml there", dir.display());
            }
            SdkSource::Path(std::path::absolute(&dir)?)
        }
        (_, Some(url), _) => SdkSource::Git { url, rev: args.sdk_rev },
        (_, _, Some(version)) => SdkSource::Version(version),
        _ => SdkSource::default_for_this_build(),
    };
    let dir = args.dir.unwrap_or_else(|| PathBuf::from(&args.name));
    let files = new_policy(&args.name, &dir, &sdk)?;
    let shown = entitle::escape::text(&dir.display().to_string()).into_owned();
    eprintln!("entitle: wrote policy `{}` in {shown}: {}", args.name, files.join(", "));
    let dependency = match &sdk {
        SdkSource::Path(p) => format!("path {}", entitle::escape::text(&p.display().to_string())),
        SdkSource::Git { url, .. } => format!("git {}", entitle::escape::text(url)),
        SdkSource::Version(v) => format!("crates.io version {}", entitle::escape::text(v)),
    };
    eprintln!("entitle: entitle-sdk comes from {dependency}; next: cd {shown} && cargo test && entitle test");
    Ok(0)
}
