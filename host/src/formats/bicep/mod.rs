//! Bicep source (`.bicep`, `.bicepparam`) read directly, without the Bicep CLI: parsed
//! with positions, compiled to the ARM template it stands for (every node placed at its
//! Bicep text) and modelled by the ARM evaluator, so Bicep gets ARM's functions,
//! choices, loops, conditions and nested deployments, and every location is a Bicep line.

mod compile;
mod compile_resources;
mod expr;
mod lex;
mod loads;
mod located;
mod params;
mod parse;
mod parse_expr;
mod syntax;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::rc::Rc;

use entitle_sdk::Catalog;

use super::arm::{self, Given};
use super::{Extracted, ReadOptions};
use crate::confined::{self, Root, TEMPLATE_LIMIT};
use crate::document::Document;
use crate::{Error, ErrorKind, Phase};
pub use compile::Compiled;

/// A `.bicep` file.
pub fn is_bicep(path: &Path) -> bool {
    path.extension().is_some_and(|x| x.eq_ignore_ascii_case("bicep"))
}

/// A `.bicepparam` file.
pub fn is_params(path: &Path) -> bool {
    path.extension().is_some_and(|x| x.eq_ignore_ascii_case("bicepparam"))
}

impl Compiled {
    /// Each problem with a pointer the document places at it.
    pub fn problem_pointers(&self) -> Vec<(String, String)> {
        self.problems.iter().enumerate().map(|(i, (_, m))| (compile::problem_pointer(i), m.clone())).collect()
    }

    /// Each problem as an error of `display` at its line and column.
    fn errors(&self, display: &str) -> Vec<Error> {
        self.problems
            .iter()
            .map(|(at, m)| Error::new(Phase::Model, ErrorKind::Shape(m.clone())).path(display).at(at.line, at.column))
            .collect()
    }
}

/// Parses and compiles a Bicep file's bytes; a syntax error is `display:line:column: …`.
pub fn compile_bytes(bytes: &[u8], display: &str, fs_path: &Path, root: Option<&Root>) -> Result<Compiled, String> {
    compile_text(bytes, fs_path, root, display).map_err(|e| format!("{display}:{}:{}: {}", e.line, e.column, e.message))
}

fn compile_text(
    bytes: &[u8],
    fs_path: &Path,
    root: Option<&Root>,
    display: &str,
) -> Result<Compiled, crate::document::SyntaxError> {
    let text = crate::document::decode_text(bytes)?;
    let decls = parse::parse(text)?;
    let _ = display;
    let file = compile::FileCtx { fs_path, root };
    Ok(compile::compile(&decls, file, is_params(fs_path)))
}

/// Reads one `.bicep` input (or a `.bicepparam` input, as its template with these
/// values): its workloads, errors, the files read with it, and the compiled template
/// (for the passes that read the input's document).
pub fn read(
    display: &str,
    fs_path: &Path,
    catalog: &Catalog,
    options: &ReadOptions,
) -> Result<(Extracted, Rc<Document>, Quoted), Error> {
    let root = options.confine.clone().or_else(|| Root::of_file(fs_path).ok());
    let (template, template_display, given, mut errors) = if is_params(fs_path) {
        let (compiled, errors) = params::read_file(display, fs_path, root.as_ref())?;
        let (path, shown) = params::template_of(&compiled, display, fs_path)?;
        (path, shown, Given::Bicep(compiled.params), errors)
    } else {
        let (given, errors) = params::beside(display, fs_path, root.as_ref(), options)?;
        (fs_path.to_path_buf(), display.to_owned(), given, errors)
    };
    let bytes = match &root {
        Some(r) if template != fs_path => r.read(&template, TEMPLATE_LIMIT),
        _ => confined::read_regular(&template, TEMPLATE_LIMIT),
    }
    .map_err(|e| Error::new(Phase::Parse, ErrorKind::Shape(e.to_string())).path(&template_display))?;
    let compiled = compile_text(&bytes, &template, root.as_ref(), &template_display).map_err(|e| {
        Error::new(Phase::Parse, ErrorKind::Syntax(e.message.clone())).path(&template_display).at(e.line, e.column)
    })?;
    errors.extend(compiled.errors(&template_display));
    // The template's text, for the human report's quotes (decoded again only when it parsed).
    let quoted = crate::document::decode_text(&bytes).ok().map(|text| (template_display.clone(), text.to_owned()));
    let doc = Rc::new(compiled.doc);
    let mut found = arm::workloads_compiled(&template_display, &template, doc.clone(), given, catalog, root.as_ref())?;
    found.errors.extend(errors);
    let literal = |s: &entitle_sdk::model::Source| {
        s.path == template_display
            && doc.value.pointer(&s.pointer).is_some_and(|v| !v.as_str().is_some_and(|t| t.starts_with('[')))
    };
    located::at_literals(&mut found.workloads, &literal);
    if template != fs_path {
        // A parameters file checked on its own: its template is read with it, not included
        // (the template is its own input when walked, with its own parameters).
        found.includes.retain(|f| f != &template);
    }
    Ok((found, doc, quoted))
}

/// The template's path as shown and its text, kept for quoting its lines in the report.
pub type Quoted = Option<(String, String)>;
