//! Reading a TOML side file (config, waivers) with errors that name `path:line:column`.

use std::path::Path;

use crate::{Error, ErrorKind, Phase};

/// The text of `path`, and a deserialised `T`; a syntax or shape error names the line.
pub fn read<T: serde::de::DeserializeOwned>(path: &Path) -> Result<(String, T), Error> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::new(Phase::Config, ErrorKind::Io(e)).path(&shown))?;
    let value = toml::from_str::<T>(&text).map_err(|e| {
        let message = e.message().to_owned();
        let mut error = Error::new(Phase::Config, ErrorKind::Shape(message)).path(&shown);
        if let Some(span) = e.span() {
            let (line, column) = line_column(&text, span.start);
            error = error.at(line, column);
        }
        error
    })?;
    Ok((text, value))
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line as u32, column as u32)
}
