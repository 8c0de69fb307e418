//! One Bicep input read into workloads: the template compiled and modelled by the ARM
//! evaluator, then the passes every input gets (support signals read off the compiled
//! template, registration and kernel evidence), each placed in the Bicep text.

use entitle_sdk::Catalog;

use crate::Error;
use crate::formats::{self, Format, ReadOptions};
use crate::input::{InputFile, LoadedInput, derive_evidence};

/// Reads a `.bicep` file (or a `.bicepparam` file, as its template with its values).
pub fn load(file: &InputFile, catalog: &Catalog, options: &ReadOptions) -> Result<LoadedInput, Error> {
    let (found, doc, quoted) = formats::bicep::read(&file.display, &file.path, catalog, options)?;
    let mut loaded = LoadedInput::empty(&file.display, &file.path);
    loaded.format = Some(Format::Bicep);
    (loaded.workloads, loaded.errors, loaded.includes, loaded.notes, loaded.findings) =
        (found.workloads, found.errors, found.includes, found.notes, found.findings);
    let template = loaded.workloads.first().map(|w| w.source.path.clone()).unwrap_or_else(|| file.display.clone());
    let locate = |path: &str, pointer: &str| {
        (path == template).then(|| doc.position(pointer).map(|at| (at.line, at.column))).flatten()
    };
    // The compiled template has ARM's shape: the ARM passes read it.
    crate::support::detect(&mut loaded.workloads, Some(Format::Arm), Some(&doc.value), &template, &locate);
    derive_evidence(&mut loaded.workloads, &locate, catalog);
    if let Some((shown, text)) = quoted {
        loaded.sources.push(std::sync::Arc::new(crate::source_text::SourceText::new(&shown, text)));
    }
    Ok(loaded)
}
