//! Entering the project root for `check`, `baseline`, `facts` and `bom`: every path the
//! user gave is re-spelled relative to the root (absolute when outside it), the default
//! config and waiver files are picked up there, and the process then works from the
//! root, so every file name in reports, models, bills of materials, waivers and
//! fingerprints is root-relative wherever entitle ran.

use std::path::{Path, PathBuf};

use anyhow::Context;
use entitle::project_root::{CONFIG_FILE, ProjectRoot, RootHints, WAIVERS_FILE};

use super::{ReadArgs, RunArgs};

/// The root a run works from, and the gate files found there.
pub struct Entered {
    /// The project root (now the working directory).
    pub root: ProjectRoot,
    /// `--config`, else `entitle.toml` at the root when it exists.
    pub config: Option<PathBuf>,
    /// How the config file was found, for the report.
    pub config_found: &'static str,
    /// `--waivers`, else `.entitle-waivers.toml` at the root when it exists (only when asked).
    pub waivers: Option<PathBuf>,
}

/// Finds the root, rebases `run`'s paths and `others` (output files, baseline), and
/// changes the working directory to the root. `waivers`: `Some` for `check`, whose
/// default waiver file is then looked up too.
pub fn enter(
    run: &mut RunArgs,
    waivers: Option<Option<PathBuf>>,
    others: &mut [&mut PathBuf],
) -> anyhow::Result<Entered> {
    let hints = RootHints {
        root: run.root.as_deref(),
        config: run.config.as_deref(),
        waivers: waivers.as_ref().and_then(|w| w.as_deref()),
    };
    let root = find(hints)?;
    rebase_all(&root, &mut run.paths, &mut run.read);
    run.engine.policies.iter_mut().for_each(|p| rebase(&root, p));
    for p in [&mut run.engine.catalog, &mut run.context, &mut run.settings, &mut run.config] {
        p.iter_mut().for_each(|p| rebase(&root, p));
    }
    others.iter_mut().for_each(|p| rebase(&root, p));
    let at_root = |name: &str| root.dir.join(name).is_file().then(|| PathBuf::from(name));
    let (config, config_found) = match run.config.clone() {
        Some(named) => (Some(named), "--config"),
        None => (at_root(CONFIG_FILE), "project root"),
    };
    let waivers = match waivers {
        Some(Some(named)) => Some(root.relative(&named)),
        Some(None) => at_root(WAIVERS_FILE),
        None => None,
    };
    work_from(&root)?;
    Ok(Entered { root, config, config_found, waivers })
}

/// Enters the root for a command that only reads inputs (`facts`, `bom`): `--root`, else
/// the marker files and the git work tree as for `check`. `paths` and the read options'
/// files are rebased, and so are `others` (catalog, context, output, baseline).
pub fn enter_reading(
    root: Option<&Path>,
    paths: &mut [PathBuf],
    read: &mut ReadArgs,
    others: &mut [&mut Option<PathBuf>],
) -> anyhow::Result<ProjectRoot> {
    let root = find(RootHints { root, ..RootHints::default() })?;
    rebase_all(&root, paths, read);
    others.iter_mut().for_each(|p| p.iter_mut().for_each(|p| rebase(&root, p)));
    work_from(&root)?;
    Ok(root)
}

fn find(hints: RootHints<'_>) -> anyhow::Result<ProjectRoot> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    Ok(ProjectRoot::find(&cwd, hints)?)
}

fn rebase(root: &ProjectRoot, path: &mut PathBuf) {
    *path = root.relative(path);
}

/// The inputs and every file the read options name.
fn rebase_all(root: &ProjectRoot, paths: &mut [PathBuf], read: &mut ReadArgs) {
    paths.iter_mut().for_each(|p| rebase(root, p));
    read.var_files.iter_mut().for_each(|p| rebase(root, p));
    for p in [&mut read.params, &mut read.ami_catalog] {
        p.iter_mut().for_each(|p| rebase(root, p));
    }
}

fn work_from(root: &ProjectRoot) -> anyhow::Result<()> {
    std::env::set_current_dir(&root.dir)
        .with_context(|| format!("cannot work from the project root {}", root.dir.display()))
}
