//! How Terraform files named on the command line become inputs. Terraform always reads a
//! directory, so a named `.tf` / `.tf.json` file is read with its module (the other source files
//! and the auto-loaded variables files of its directory), and a module named several ways (its
//! directory, files inside it, a walk that met it) is one input, read once. A named variables file
//! beside `.tf` files is that module read with it, as `--var-file` would; a variables file with no
//! module beside it is read alone (`formats::tfhcl::load_vars_alone`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use entitle_sdk::Catalog;

use crate::formats::{self, Format, ReadOptions};
use crate::input::{InputFile, LoadedInput};
use crate::{Error, ErrorKind, Phase};

/// The inputs after grouping: a named Terraform source file (or auto-loaded variables file)
/// becomes its module's directory, and an input met twice (same file or directory on disk) is
/// kept once, where it first appeared.
pub fn group(files: Vec<InputFile>) -> Vec<InputFile> {
    let mut kept_at: HashMap<PathBuf, usize> = HashMap::new();
    let mut out: Vec<InputFile> = Vec::new();
    for file in files {
        if file.unread.is_some() {
            // Only listed (a link to a file the walk reads under its own name, a FIFO): never
            // the copy that is read.
            out.push(file);
            continue;
        }
        let file = module_of(file);
        let key = file.path.canonicalize().unwrap_or_else(|_| file.path.clone());
        match kept_at.get(&key) {
            None => {
                kept_at.insert(key, out.len());
                out.push(file);
            }
            Some(&at) => out[at].explicit |= file.explicit,
        }
    }
    out
}

/// A named `.tf` file, or a named auto-loaded variables file beside `.tf` files, as its module.
fn module_of(file: InputFile) -> InputFile {
    if !file.explicit || !file.path.is_file() {
        return file;
    }
    let source = formats::tfhcl::is_source(&file.path);
    let auto = formats::tfhcl::is_auto_vars(&file.path) && holds_sources(&file.path);
    if !(source || auto) {
        return file;
    }
    let (path, display) = dir_of(&file.path, &file.display);
    InputFile { display, path, ..file }
}

/// The directory of `path` and how to show it (`.` for a bare file name).
fn dir_of(path: &Path, display: &str) -> (PathBuf, String) {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let shown = Path::new(display)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| ".".to_owned(), |d| d.display().to_string());
    (dir, shown)
}

/// True when the directory of file `path` holds `.tf` files.
fn holds_sources(path: &Path) -> bool {
    formats::tfhcl::holds_sources(&dir_of(path, "").0)
}

/// Reads a variables file: with the module beside it (as `--var-file`, before those given on
/// the command line), or alone when there is none.
pub fn load_vars(file: &InputFile, catalog: &Catalog, options: &ReadOptions) -> Result<LoadedInput, Error> {
    let mut loaded = LoadedInput::empty(&file.display, &file.path);
    loaded.format = Some(Format::TerraformHcl);
    let found = if holds_sources(&file.path) {
        let (dir, shown) = dir_of(&file.path, &file.display);
        let mut with = options.clone();
        with.var_files.insert(0, file.path.clone());
        let mut found = formats::tfhcl::load(&shown, &dir, catalog, &with)?;
        found.notes.push(format!(
            "{} is read with the module beside it, {shown}, as `--var-file {}` would be",
            file.display, file.display
        ));
        found
    } else if file.path.is_file() {
        formats::tfhcl::load_vars_alone(&file.display, &file.path, catalog)?
    } else {
        let why = "not a file".to_owned();
        return Err(Error::new(Phase::Parse, ErrorKind::Shape(why)).path(&file.display));
    };
    (loaded.workloads, loaded.errors, loaded.includes, loaded.notes) =
        (found.workloads, found.errors, found.includes, found.notes);
    crate::input::derive_evidence(&mut loaded.workloads, &|_, _| None, catalog);
    Ok(loaded)
}
