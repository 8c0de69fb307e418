//! Parameter values for a Bicep template: `--params` (a `.bicepparam` or JSON file), else
//! the `.bicepparam` beside it whose `using` names it (`main.bicepparam` first, else the
//! only one), else `main.parameters.json` beside it. A `.bicepparam` file is compiled
//! like a template (its `param x = …` and `var` as variables), so its expressions are
//! evaluated by the same evaluator and its values point into it.

use std::path::{Path, PathBuf};

use super::{compile_text, is_params};
use crate::confined::{self, Root, TEMPLATE_LIMIT};
use crate::document::Position;
use crate::formats::ReadOptions;
use crate::formats::arm::{self, CompiledParams, Given};
use crate::{Error, ErrorKind, Phase};

/// How many `.bicepparam` files beside a template are looked at for one that names it.
const MAX_SIBLINGS: usize = 64;

/// A compiled `.bicepparam` file and the template it names.
pub struct ParamsFile {
    /// Its values.
    pub params: CompiledParams,
    /// `using '…'`, with where it is written.
    pub using: Option<(String, Position)>,
}

/// Reads and compiles a `.bicepparam` file: inside `root` when given, else anywhere
/// (a file the user named); a regular file of at most [`TEMPLATE_LIMIT`] bytes.
pub fn read_file(display: &str, fs_path: &Path, root: Option<&Root>) -> Result<(ParamsFile, Vec<Error>), Error> {
    let bytes = match root {
        Some(r) => r.read(fs_path, TEMPLATE_LIMIT),
        None => confined::read_regular(fs_path, TEMPLATE_LIMIT),
    }
    .map_err(|e| Error::new(Phase::Parse, ErrorKind::Shape(format!("parameters file: {e}"))).path(display))?;
    let compiled = compile_text(&bytes, fs_path, root, display).map_err(|e| {
        Error::new(Phase::Parse, ErrorKind::Syntax(e.message.clone())).path(display).at(e.line, e.column)
    })?;
    let errors = compiled.errors(display);
    let names = compiled.params.iter().map(|(n, _)| n.clone()).collect();
    let using = compiled.using.clone();
    let params =
        CompiledParams { display: display.to_owned(), fs_path: fs_path.to_path_buf(), doc: compiled.doc, names };
    Ok((ParamsFile { params, using }, errors))
}

/// The template a `.bicepparam` file names: `(path on disk, path as shown)`.
pub fn template_of(file: &ParamsFile, display: &str, fs_path: &Path) -> Result<(PathBuf, String), Error> {
    let Some((using, at)) = &file.using else {
        let why = "this parameters file has no `using '…'`, so it names no template to check";
        return Err(Error::new(Phase::Parse, ErrorKind::Shape(why.into())).path(display).at(1, 1));
    };
    if !using.ends_with(".bicep") {
        let why = format!("`using '{using}'` does not name a local .bicep file, so the template is not checked");
        return Err(Error::new(Phase::Parse, ErrorKind::Shape(why)).path(display).at(at.line, at.column));
    }
    let dir = fs_path.parent().unwrap_or(Path::new(""));
    let shown = Path::new(display).parent().unwrap_or(Path::new(""));
    Ok((arm::normalise(&dir.join(using)), arm::normalise(&shown.join(using)).display().to_string()))
}

/// The parameter values for the template `fs_path` (shown as `display`).
pub fn beside(
    display: &str,
    fs_path: &Path,
    root: Option<&Root>,
    options: &ReadOptions,
) -> Result<(Given, Vec<Error>), Error> {
    if let Some(named) = &options.params {
        let shown = named.display().to_string();
        if is_params(named) {
            let (file, errors) = read_file(&shown, named, None)?;
            return Ok((Given::Bicep(file.params), errors));
        }
        return Ok((Given::Json(shown, named.clone(), false), Vec::new()));
    }
    let dir = fs_path.parent().unwrap_or(Path::new(""));
    let shown_dir = Path::new(display).parent().unwrap_or(Path::new(""));
    let stem = fs_path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let own = dir.join(format!("{stem}.bicepparam"));
    let mut candidates: Vec<PathBuf> = vec![own.clone()];
    let mut others: Vec<PathBuf> = std::fs::read_dir(if dir.as_os_str().is_empty() { Path::new(".") } else { dir })
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| is_params(p) && *p != own).collect())
        .unwrap_or_default();
    others.sort();
    others.truncate(MAX_SIBLINGS);
    let target = fs_path.canonicalize().ok();
    let mut naming = Vec::new();
    for candidate in candidates.drain(..).chain(others) {
        if !candidate.is_file() {
            continue;
        }
        let file_name = candidate.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let shown = shown_dir.join(&file_name).display().to_string();
        let Ok((file, errors)) = read_file(&shown, &candidate, root) else { continue };
        let names_this = template_of(&file, &shown, &candidate)
            .ok()
            .and_then(|(path, _)| path.canonicalize().ok())
            .is_some_and(|p| Some(p) == target);
        if names_this {
            if candidate == own {
                return Ok((Given::Bicep(file.params), errors));
            }
            naming.push((file, errors));
        }
    }
    // Several parameters files for one template are several deployments: each is checked
    // as its own input, and the template alone with its defaults.
    if naming.len() == 1 {
        let (file, errors) = naming.remove(0);
        return Ok((Given::Bicep(file.params), errors));
    }
    let json = dir.join(format!("{stem}.parameters.json"));
    if json.is_file() {
        let shown = shown_dir.join(format!("{stem}.parameters.json")).display().to_string();
        return Ok((Given::Json(shown, json, true), Vec::new()));
    }
    Ok((Given::None, Vec::new()))
}
