//! The project root: the one directory every path is spelled against, so a waiver's
//! `path`, a baseline's fingerprints and a report's file names are the same whether
//! entitle runs from the root, a subfolder or elsewhere with absolute paths.
//!
//! It is `--root DIR`, else the directory of `--config` or `--waivers`, else the nearest
//! directory from the working directory up to the git work tree's top that holds
//! `entitle.toml` or `.entitle-waivers.toml`, else that work tree's top, else the
//! working directory. Paths are normalised without following symbolic links: made
//! absolute, `.` dropped and `..` folded by name, then made relative to the root when
//! they are inside it (a link inside the root keeps its own name; a path outside the
//! root stays absolute, never `../..`).

use std::path::{Component, Path, PathBuf};

use crate::report::{Location, Report};

/// The rule-override file entitle picks up at the project root.
pub const CONFIG_FILE: &str = "entitle.toml";
/// The waiver file entitle picks up at the project root.
pub const WAIVERS_FILE: &str = ".entitle-waivers.toml";

/// How the root was chosen, as the report's metadata and `--help` say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootFrom {
    /// `--root DIR`.
    Flag,
    /// The directory of `--config FILE`.
    Config,
    /// The directory of `--waivers FILE`.
    Waivers,
    /// A directory holding `entitle.toml` or `.entitle-waivers.toml`.
    Marker,
    /// The top of the git work tree (a directory holding `.git`).
    Git,
    /// The working directory.
    WorkingDirectory,
}

/// The project root of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectRoot {
    /// The root, absolute and with symbolic links resolved.
    pub dir: PathBuf,
    /// How it was chosen.
    pub from: RootFrom,
    /// The working directory the user's relative paths are spelled against.
    cwd: PathBuf,
}

/// The explicit choices that decide the root, each spelled against the working directory.
#[derive(Clone, Copy, Debug, Default)]
pub struct RootHints<'a> {
    /// `--root DIR`.
    pub root: Option<&'a Path>,
    /// `--config FILE`.
    pub config: Option<&'a Path>,
    /// `--waivers FILE`.
    pub waivers: Option<&'a Path>,
}

impl ProjectRoot {
    /// The root for a run started in `cwd` (absolute). `--root` must be a directory.
    pub fn find(cwd: &Path, hints: RootHints<'_>) -> std::io::Result<ProjectRoot> {
        let cwd = fold(&cwd.join("."));
        let dir_of = |file: &Path| fold(&cwd.join(file)).parent().map(Path::to_path_buf).unwrap_or_else(|| cwd.clone());
        let (dir, from) = if let Some(root) = hints.root {
            let dir = fold(&cwd.join(root));
            if !dir.is_dir() {
                let why = format!("--root {}: not a directory", root.display());
                return Err(std::io::Error::new(std::io::ErrorKind::NotFound, why));
            }
            (dir, RootFrom::Flag)
        } else if let Some(config) = hints.config {
            (dir_of(config), RootFrom::Config)
        } else if let Some(waivers) = hints.waivers {
            (dir_of(waivers), RootFrom::Waivers)
        } else {
            let top = cwd.ancestors().find(|d| d.join(".git").exists());
            // Without a work tree, only the working directory itself is looked at: a
            // stray `/tmp/entitle.toml` must not configure every run below `/tmp`.
            let searched = top.map_or(1, |top| cwd.ancestors().take_while(|d| *d != top).count() + 1);
            let marked = cwd
                .ancestors()
                .take(searched)
                .find(|d| d.join(CONFIG_FILE).is_file() || d.join(WAIVERS_FILE).is_file());
            match (marked, top) {
                (Some(dir), _) => (dir.to_path_buf(), RootFrom::Marker),
                (None, Some(top)) => (top.to_path_buf(), RootFrom::Git),
                (None, None) => (cwd.clone(), RootFrom::WorkingDirectory),
            }
        };
        let dir = dir.canonicalize().unwrap_or(dir);
        Ok(ProjectRoot { dir, from, cwd })
    }

    /// `path` (as the user spelled it in the working directory) relative to the root
    /// when it is inside it (`.` for the root itself), else absolute; `.` and `..`
    /// folded by name, symbolic links not followed.
    pub fn relative(&self, path: &Path) -> PathBuf {
        let absolute = fold(&self.cwd.join(path));
        if let Ok(rest) = absolute.strip_prefix(&self.dir) {
            return dot_if_empty(rest);
        }
        // Spelled through a link to the root (or the working directory is): resolve the
        // directories above the last part, never the last part itself.
        let resolved = match (absolute.parent().and_then(|p| p.canonicalize().ok()), absolute.file_name()) {
            (Some(parent), Some(name)) => parent.join(name),
            _ => absolute.canonicalize().unwrap_or_else(|_| absolute.clone()),
        };
        match resolved.strip_prefix(&self.dir) {
            Ok(rest) => dot_if_empty(rest),
            Err(_) => absolute,
        }
    }

    /// A path of a report (relative to the root, or absolute) made absolute.
    pub fn absolute(&self, shown: &str) -> String {
        let path = Path::new(shown);
        if path.is_absolute() { shown.to_owned() } else { fold(&self.dir.join(path)).display().to_string() }
    }

    /// Rewrites every file name in `report` to an absolute path (`--absolute-paths`).
    /// Run after the gate: waivers and baselines compare root-relative names.
    pub fn absolutise(&self, report: &mut Report) {
        let location = |l: &mut Location| l.path = self.absolute(&l.path);
        for f in &mut report.findings {
            location(&mut f.location);
            f.trail.iter_mut().for_each(location);
            if let Some(at) = f.suppression.as_mut().and_then(|s| s.location.as_mut()) {
                location(at);
            }
        }
        for e in &mut report.errors {
            if let Some(path) = &mut e.path {
                *path = self.absolute(path);
            }
        }
        for input in &mut report.inputs {
            input.path = self.absolute(&input.path);
            if let Some(with) = &mut input.read_with {
                *with = self.absolute(with);
            }
        }
        if let Some(config) = &mut report.config {
            config.path = self.absolute(&config.path);
        }
        // A run-scoped policy's lines are for `(all inputs)`, not a file.
        for log in &mut report.logs {
            if !log.input.starts_with('(') {
                log.input = self.absolute(&log.input);
            }
        }
    }
}

fn dot_if_empty(rest: &Path) -> PathBuf {
    if rest.as_os_str().is_empty() { PathBuf::from(".") } else { rest.to_path_buf() }
}

/// `path` with `.` dropped and `..` folded by name (a `..` above a relative path's start
/// is kept), without touching the disk.
pub fn fold(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                let at_start = matches!(out.components().next_back(), None | Some(Component::ParentDir));
                if at_start && !out.has_root() {
                    out.push("..");
                } else {
                    out.pop();
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() { PathBuf::from(".") } else { out }
}

/// A path for display: folded, `/`-separated as every format (and every glob) wants.
pub fn shown(path: &Path) -> String {
    let folded = fold(path);
    let text = folded.display().to_string();
    if std::path::MAIN_SEPARATOR == '/' { text } else { text.replace(std::path::MAIN_SEPARATOR, "/") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_dots_and_folds_parents_by_name() {
        assert_eq!(fold(Path::new("./a/./b/../c.json")), Path::new("a/c.json"));
        assert_eq!(fold(Path::new("../a/../../b")), Path::new("../../b"));
        assert_eq!(fold(Path::new("/a/../../b")), Path::new("/b"));
        assert_eq!(fold(Path::new("./")), Path::new("."));
        assert_eq!(shown(Path::new("./infra//vm.json")), "infra/vm.json");
    }

    #[test]
    fn relative_inside_absolute_outside() {
        let dir = std::env::temp_dir().join(format!("entitle-project-root-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("repo/sub")).unwrap();
        let repo = dir.join("repo").canonicalize().unwrap();
        let root =
            ProjectRoot::find(&repo.join("sub"), RootHints { root: Some(Path::new("..")), ..RootHints::default() })
                .unwrap();
        assert_eq!(root.dir, repo);
        assert_eq!(root.relative(Path::new("x.json")), Path::new("sub/x.json"));
        assert_eq!(root.relative(Path::new("../sub/./x.json")), Path::new("sub/x.json"));
        assert_eq!(root.relative(Path::new("..")), Path::new("."));
        assert_eq!(root.relative(Path::new("../../other.json")), dir.canonicalize().unwrap().join("other.json"));
        assert_eq!(root.absolute("sub/x.json"), repo.join("sub/x.json").display().to_string());
        assert!(ProjectRoot::find(&repo, RootHints { root: Some(Path::new("nope")), ..RootHints::default() }).is_err());
    }

    #[test]
    fn the_root_is_the_nearest_marker_within_the_work_tree_else_its_top_else_the_working_directory() {
        let dir = std::env::temp_dir().join(format!("entitle-project-markers-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("repo/.git")).unwrap();
        std::fs::create_dir_all(dir.join("repo/a/b")).unwrap();
        std::fs::create_dir_all(dir.join("loose/c")).unwrap();
        let dir = dir.canonicalize().unwrap();
        let find = |cwd: &Path| ProjectRoot::find(cwd, RootHints::default()).unwrap();
        assert_eq!(
            (find(&dir.join("repo/a/b")).dir, find(&dir.join("repo/a/b")).from),
            (dir.join("repo"), RootFrom::Git)
        );
        std::fs::write(dir.join("repo/a/.entitle-waivers.toml"), "").unwrap();
        assert_eq!(
            (find(&dir.join("repo/a/b")).dir, find(&dir.join("repo/a/b")).from),
            (dir.join("repo/a"), RootFrom::Marker)
        );
        // No work tree: a marker above the working directory is not picked up.
        std::fs::write(dir.join("loose/entitle.toml"), "").unwrap();
        let loose = find(&dir.join("loose/c"));
        assert_eq!((loose.dir, loose.from), (dir.join("loose/c"), RootFrom::WorkingDirectory));
        let hinted =
            ProjectRoot::find(&dir, RootHints { waivers: Some(Path::new("repo/a/w.toml")), ..RootHints::default() });
        assert_eq!(hinted.unwrap().dir, dir.join("repo/a"));
    }
}
