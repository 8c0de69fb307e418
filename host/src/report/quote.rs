//! The lines a report's findings point at, taken from the text the inputs were read
//! from (never by reading a file again), for the human report's snippets.

use std::collections::{BTreeMap, HashMap};

use super::Report;
use crate::source_text::{Excerpt, SourceText};

/// Most places one run quotes: past it, findings are still reported, without their lines.
pub const MAX_QUOTED: usize = 10_000;

/// Quoted lines by (path, line, column).
pub type Excerpts = BTreeMap<(String, u32, u32), Excerpt>;

impl Report {
    /// Quotes the location and trail of every finding whose file is among `sources`.
    pub fn quote<'a>(&mut self, sources: impl IntoIterator<Item = &'a SourceText>) {
        let by_path: HashMap<&str, &SourceText> = sources.into_iter().map(|s| (s.path.as_str(), s)).collect();
        if by_path.is_empty() {
            return;
        }
        self.quote_with(|path| by_path.get(path).copied());
    }

    /// [`Report::quote`] with each file's text asked of `source` by path (once per path).
    pub fn quote_with<S: std::ops::Deref<Target = SourceText>>(&mut self, mut source: impl FnMut(&str) -> Option<S>) {
        for f in &self.findings {
            for at in std::iter::once(&f.location).chain(&f.trail) {
                if self.excerpts.len() >= MAX_QUOTED {
                    return;
                }
                let key = (at.path.clone(), at.line, at.column);
                if self.excerpts.contains_key(&key) {
                    continue;
                }
                if let Some(excerpt) = source(at.path.as_str()).and_then(|s| s.excerpt(at.line, at.column)) {
                    self.excerpts.insert(key, excerpt);
                }
            }
        }
    }

    /// The quoted line at a location, when there is one.
    pub fn excerpt(&self, at: &super::Location) -> Option<&Excerpt> {
        self.excerpts.get(&(at.path.clone(), at.line, at.column))
    }
}
