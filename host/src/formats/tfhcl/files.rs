//! A module's files: every `.tf` file of one directory (or the one file named), read together,
//! parsed with hcl-edit so every expression keeps its byte span, plus the variables files
//! Terraform reads on its own (`terraform.tfvars`, then `*.auto.tfvars` in lexical order).

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
        let text = std::fs::read_to_string(path).map_err(io)?;
        let json = display.to_ascii_lowercase().ends_with(".json");
        module.files.push(if json { super::json_syntax::parse(display, &text)? } else { parse(display, &text)? });
        return Ok(module);
    }
    let mut names: Vec<String> = std::fs::read_dir(path)
        .map_err(io)?
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    let shown = |name: &str| format!("{}/{name}", display.trim_end_matches('/'));
    for name in &names {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".tf.json") {
            let text = std::fs::read_to_string(path.join(name)).map_err(io)?;
            module.files.push(super::json_syntax::parse(&shown(name), &text)?);
        } else if lower.ends_with(".tf") {
            let text = std::fs::read_to_string(path.join(name)).map_err(io)?;
            module.files.push(parse(&shown(name), &text)?);
        }
    }
    let auto = names.iter().filter(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"));
    let plain = names.iter().filter(|n| *n == "terraform.tfvars" || *n == "terraform.tfvars.json");
    for name in plain.chain(auto) {
        let text = std::fs::read_to_string(path.join(name)).map_err(io)?;
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
