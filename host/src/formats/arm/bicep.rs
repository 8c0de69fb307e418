//! The ARM evaluator's door for Bicep: a template compiled from a `.bicep` file is
//! modelled exactly as an ARM template is, with parameter values from a `.bicepparam`
//! file (its values evaluated by this evaluator too, as the variables of its compiled
//! form) or from a JSON parameters file.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use entitle_sdk::Catalog;

use super::expr::Context;
use super::params::ParamValues;
use super::session::Session;
use super::template::{Params, Template};
use crate::confined::Root;
use crate::document::Document;
use crate::formats::Extracted;
use crate::{Error, ErrorKind, Phase};

/// A compiled `.bicepparam` file: its values are the variables named `names`.
pub struct CompiledParams {
    /// As shown in reports.
    pub display: String,
    /// On disk.
    pub fs_path: PathBuf,
    /// The compiled document (values as variables, placed in the `.bicepparam` text).
    pub doc: Document,
    /// The parameters it gives values to.
    pub names: Vec<String>,
}

/// Where a compiled template's parameter values come from.
pub enum Given {
    /// No parameters file.
    None,
    /// A `.bicepparam` file.
    Bicep(CompiledParams),
    /// A JSON parameters file (`display`, path, and whether it must stay inside the tree).
    Json(String, PathBuf, bool),
}

/// Models the template `doc` compiled from the Bicep file `path` (on disk `fs_path`).
pub fn workloads_compiled(
    path: &str,
    fs_path: &Path,
    doc: Rc<Document>,
    given: Given,
    catalog: &Catalog,
    confine: Option<&Root>,
) -> Result<Extracted, Error> {
    let confine = confine.cloned().or_else(|| Root::of_file(fs_path).ok());
    let session = Rc::new(Session::new(confine.clone()));
    let root_file = session.add(path, fs_path, doc);
    let values = match given {
        Given::None => ParamValues::default(),
        Given::Json(display, file, inside) => {
            let within = if inside { confine.as_ref() } else { None };
            let read = ParamValues::read(&file, &display, within)
                .map_err(|m| Error::new(Phase::Parse, ErrorKind::Shape(m)).path(&display))?;
            if let Some(doc) = read.document.clone() {
                session.add(&display, &file, Rc::new(doc));
            }
            read
        }
        Given::Bicep(compiled) => {
            let file = session.add(&compiled.display, &compiled.fs_path, Rc::new(compiled.doc));
            let scope = Template::new(
                session.clone(),
                file,
                String::new(),
                Params::Values(Rc::new(ParamValues::default())),
                false,
            );
            let mut values = Vec::new();
            for name in &compiled.names {
                let value = scope.variable(name).map_err(|e| {
                    let at =
                        scope.file.doc.nearest_position(&format!("/variables/{}", crate::document::escape_token(name)));
                    Error::new(Phase::Model, ErrorKind::Shape(format!("parameter {name} cannot be evaluated: {e}")))
                        .path(&compiled.display)
                        .at(at.line, at.column)
                })?;
                values.push((name.to_ascii_lowercase(), value));
            }
            ParamValues { values, document: None }
        }
    };
    super::model(path, fs_path, &session, root_file, values, catalog)
}
