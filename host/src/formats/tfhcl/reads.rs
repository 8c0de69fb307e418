//! The functions that read files of the module: `file`, `templatefile` (the template evaluated
//! with its variables), `fileexists`. Only files inside the module's own directory are read, at
//! most 1 MiB, so a descriptor cannot make entitle print a file from elsewhere on the machine.

use std::path::{Path, PathBuf};

use entitle_sdk::model::Source;

use super::eval::{Eval, Scope};
use super::files::File;
use super::position::FileText;
use super::value::{Kind, Val};

/// The largest file read.
const MAX_BYTES: u64 = 1 << 20;

/// Calls `file`, `templatefile` or `fileexists` with evaluated arguments.
pub fn call(ev: &Eval<'_>, name: &str, args: &[Val], at: Option<Source>) -> Val {
    let Some(path) = args.first().and_then(Val::as_text) else {
        return Val::error(format!("{name}(): needs a path"), at);
    };
    let found = locate(ev, &path);
    if name == "fileexists" {
        return match found {
            Ok(_) => Val::new(Kind::Bool(true), at),
            Err(why) if why.ends_with("does not exist") => Val::new(Kind::Bool(false), at),
            Err(why) => Val::unknown(format!("fileexists({path:?}): {why}"), at),
        };
    }
    let text = match found.and_then(|p| read(&p)) {
        Ok(text) => text,
        Err(why) => return Val::unknown(format!("{name}({path:?}): {why}"), at),
    };
    if name == "file" {
        return Val::str(text, at);
    }
    let template = match hcl_edit::parser::parse_template(&text) {
        Ok(t) => t,
        Err(e) => {
            return Val::unknown(format!("templatefile({path:?}): not a template entitle reads: {}", e.message()), at);
        }
    };
    let mut scope = Scope::default();
    match args.get(1).and_then(Val::entries) {
        Some(vars) => vars.into_iter().for_each(|(k, v)| scope = scope.with(&k, v)),
        None if args.get(1).is_some_and(Val::is_unknown) => return args[1].clone(),
        None => {}
    }
    let file = File { text: FileText::new(path.clone(), text), body: Default::default() };
    let mut v = ev.template(&file, &template, "", &scope, at.clone());
    if v.at.as_ref().is_some_and(|a| a.path == path) {
        v.at = at;
    }
    v
}

/// The file `path` names, when it is inside the module's directory and exists.
fn locate(ev: &Eval<'_>, path: &str) -> Result<PathBuf, String> {
    let Ok(dir) = ev.module.dir.canonicalize() else { return Err("the module's directory is not known".into()) };
    let given = Path::new(path);
    let candidates = [given.to_path_buf(), ev.module.dir.join(given)];
    let Some(found) = candidates.iter().find_map(|c| c.canonicalize().ok()) else {
        return Err(format!("{path} does not exist"));
    };
    if !found.starts_with(&dir) {
        return Err("outside the module's directory, so not read".into());
    }
    Ok(found)
}

fn read(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_BYTES {
        return Err(format!("larger than {MAX_BYTES} bytes, so not read"));
    }
    std::fs::read_to_string(path).map_err(|e| format!("not readable as text ({e})"))
}
