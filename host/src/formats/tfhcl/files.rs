//! A module's files: every `.tf` file of one directory (or the one file named), read together,
//! parsed with hcl-edit so every expression keeps its byte span, plus the variables files
//! Terraform reads on its own (`terraform.tfvars`, then `*.auto.tfvars` in lexical order). A
//! file of the directory that is a symlink leading out of it, or not a regular file, is not
//! read (a note says so); a file larger than [`MAX_SOURCE`] is an error.

use std::path::{Path, PathBuf};

use hcl_edit::structure::{Block, Body};

use super::position::FileText;
use crate::{Error, ErrorKind, Phase};

/// One parsed file.
#[derive(Debug)]
pub struct File {
    /// Its text, for positions.
    pub text: FileText,
    /// Its body.
    pub body: Body,
}

/// The files of one module.
#[derive(Debug)]
pub struct Module {
    /// The directory (or the single file) as shown.
    pub display: String,
    /// The directory on disk.
    pub dir: PathBuf,
    /// The `.tf` files, in name order.
    pub files: Vec<File>,
    /// `terraform.tfvars`, then `*.auto.tfvars` (lowest precedence first).
    pub tfvars: Vec<File>,
    /// What was not read, for the notes.
    pub notes: Vec<String>,
}

/// The largest `.tf` or variables file read.
pub const MAX_SOURCE: u64 = 8 << 20;

/// The text of a source or variables file at `path` (shown as `display`), at most
/// [`MAX_SOURCE`] bytes read.
pub fn read_source(path: &Path, display: &str) -> Result<String, Error> {
    use std::io::Read;
    let io = |e: std::io::Error| Error::new(Phase::Parse, ErrorKind::Io(e)).path(display);
    let mut bytes = Vec::new();
    std::fs::File::open(path).map_err(io)?.take(MAX_SOURCE + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_SOURCE {
        let why = format!("larger than {MAX_SOURCE} bytes: not read as Terraform source");
        return Err(Error::new(Phase::Parse, ErrorKind::Shape(why)).path(display));
    }
    String::from_utf8(bytes)
        .map_err(|_| Error::new(Phase::Parse, ErrorKind::Shape("not UTF-8 text".into())).path(display))
}

/// Why the directory entry `name` of `dir` (whose real path is `real`) is not read: a symlink
/// that leads out of the directory, or not a regular file.
fn refused(dir: &Path, real: &Path, name: &str) -> Option<&'static str> {
    match dir.join(name).canonicalize() {
        Ok(target) if !target.starts_with(real) => Some("outside the module's directory"),
        Ok(target) if !target.is_file() => Some("not a regular file"),
        Ok(_) => None,
        Err(_) => Some("a link to nothing"),
    }
}

/// True when `path` is a `.tf` or `.tf.json` file.
pub fn is_source(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

/// True when `dir` directly holds `.tf` or `.tf.json` files.
pub fn holds_sources(dir: &Path) -> bool {
    std::fs::read_dir(dir).into_iter().flatten().flatten().any(|e| e.path().is_file() && is_source(&e.path()))
}

/// Reads the module at `path`: a directory, or a single `.tf` file (a module of that file).
pub fn load(path: &Path, display: &str) -> Result<Module, Error> {
    let io = |e: std::io::Error| Error::new(Phase::Parse, ErrorKind::Io(e)).path(display);
    let mut module = Module {
        display: display.to_owned(),
        dir: path.to_path_buf(),
        files: Vec::new(),
        tfvars: Vec::new(),
        notes: Vec::new(),
    };
    if !path.is_dir() {
        module.dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if !std::fs::metadata(path).map_err(io)?.is_file() {
            return Err(Error::new(Phase::Parse, ErrorKind::Shape("not a regular file".into())).path(display));
        }
        let text = read_source(path, display)?;
        let json = display.to_ascii_lowercase().ends_with(".json");
        module.files.push(if json { super::json_syntax::parse(display, &text)? } else { parse(display, &text)? });
        return Ok(module);
    }
    let real = path.canonicalize().map_err(io)?;
    let mut names: Vec<String> = std::fs::read_dir(path)
        .map_err(io)?
        .flatten()
        .filter(|e| !e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    let shown = |name: &str| format!("{}/{name}", display.trim_end_matches('/'));
    let read = |name: &str| name.ends_with(".tfvars") || name.ends_with(".tfvars.json") || is_source(Path::new(name));
    names.retain(|name| match refused(path, &real, name) {
        Some(why) if read(&name.to_ascii_lowercase()) => {
            module.notes.push(format!("{}: not read: {why}", shown(name)));
            false
        }
        Some(_) => false,
        None => true,
    });
    for name in &names {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".tf.json") {
            let text = read_source(&path.join(name), &shown(name))?;
            module.files.push(super::json_syntax::parse(&shown(name), &text)?);
        } else if lower.ends_with(".tf") {
            let text = read_source(&path.join(name), &shown(name))?;
            module.files.push(parse(&shown(name), &text)?);
        }
    }
    let auto = names.iter().filter(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"));
    let plain = names.iter().filter(|n| *n == "terraform.tfvars" || *n == "terraform.tfvars.json");
    for name in plain.chain(auto) {
        let text = read_source(&path.join(name), &shown(name))?;
        module.tfvars.push(parse_vars(&shown(name), &text)?);
    }
    Ok(module)
}

/// Parses a variables file: native syntax, or JSON when its name ends in `.json`.
pub fn parse_vars(display: &str, text: &str) -> Result<File, Error> {
    if display.to_ascii_lowercase().ends_with(".json") {
        super::json_syntax::parse_values(display, text)
    } else {
        parse(display, text)
    }
}

/// Parses one file; a syntax error names the file, line and column.
pub fn parse(display: &str, text: &str) -> Result<File, Error> {
    // A UTF-8 byte order mark is not text: columns are counted without it.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        let at = e.location();
        Error::new(Phase::Parse, ErrorKind::Syntax(format!("HCL: {}", e.message())))
            .path(display)
            .at(at.line() as u32, at.column() as u32)
    })?;
    Ok(File { text: FileText::new(display, text), body })
}

impl Module {
    /// The top-level blocks of type `ident`, with their file.
    pub fn blocks<'m>(&'m self, ident: &'m str) -> impl Iterator<Item = (&'m File, &'m Block)> + 'm {
        self.files.iter().flat_map(move |f| f.body.get_blocks(ident).map(move |b| (f, b)))
    }
}

/// The label `i` of a block.
pub fn label(block: &Block, i: usize) -> &str {
    block.labels.get(i).map_or("", |l| l.as_str())
}

#[cfg(test)]
mod tests {
    use hcl_edit::Span;

    use super::*;

    #[test]
    fn reports_syntax_errors_with_position() {
        let err = parse("bad.tf", "resource \"a\" \"b\" {\n  x = \n}\n").unwrap_err();
        assert_eq!(err.path.as_deref(), Some("bad.tf"));
        assert_eq!(err.line, Some(2));
        assert!(parse("ok.tf", "variable \"x\" {\n  default = 1\n}\n").is_ok());
        let bom = parse("bom.tf", "\u{FEFF}x = 1\r\ny = 2\r\n").unwrap();
        assert_eq!(bom.text.position(bom.body.get_attribute("y").unwrap().key.span().unwrap().start), (2, 1));
    }
}
