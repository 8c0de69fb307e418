//! The functions that read files of the module: `file`, `templatefile` (the template evaluated
//! with its variables), `fileexists`. Only regular files inside the input's directory (symlinks
//! resolved) are read, at most 1 MiB, so a descriptor cannot make entitle read a device or print
//! a file from elsewhere on the machine; the text read is marked with the call that read it, so
//! it reaches boot scripts but never a field a report prints (see `bridge.rs`).

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
    if !ev.budget.text(text.len(), at.as_ref(), &ev.prefix) {
        return ev.spent(at);
    }
    let call: std::rc::Rc<str> = format!("{name}({path:?})").into();
    if name == "file" {
        return Val { read: Some(call), ..Val::str(text, at) };
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
    v.read = Some(call);
    v
}

/// The file `path` names (relative to the input's directory, as Terraform runs there, or as
/// `path.module` gives it), when it exists inside the input's directory once symlinks are
/// resolved, and is a regular file.
fn locate(ev: &Eval<'_>, path: &str) -> Result<PathBuf, String> {
    let Some(root) = &ev.budget.root else { return Err("the input's directory is not known".into()) };
    let given = Path::new(path);
    let candidates = [root.join(given), given.to_path_buf(), ev.module.dir.join(given)];
    let Some(found) = candidates.iter().find_map(|c| c.canonicalize().ok()) else {
        return Err(format!("{path} does not exist"));
    };
    if !found.starts_with(root) {
        return Err("not read: outside the input's directory".into());
    }
    let meta = std::fs::metadata(&found).map_err(|e| format!("not read ({e})"))?;
    if !meta.is_file() {
        return Err("not read: not a regular file".into());
    }
    Ok(found)
}

/// The text of a regular file, at most [`MAX_BYTES`] (a size the file system misreports
/// changes nothing: no more is read).
fn read(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("not read ({e})"))?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("not read ({e})"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!("larger than {MAX_BYTES} bytes, so not read"));
    }
    String::from_utf8(bytes).map_err(|_| "not read: not UTF-8 text".into())
}
