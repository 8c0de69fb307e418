//! Renaming every file a report names (findings, trails, suppressions, errors, inputs,
//! the config file, logs) in one place, for callers that spell paths differently from
//! the run: `entitle serve` shows uploaded names instead of its private directory.

use super::{Location, Report};

impl Report {
    /// Replaces each path for which `rename` gives a new spelling; others are kept.
    pub fn rename_paths(&mut self, rename: &dyn Fn(&str) -> Option<String>) {
        let one = |path: &mut String| {
            if let Some(new) = rename(path) {
                *path = new;
            }
        };
        let location = |l: &mut Location| one(&mut l.path);
        for f in &mut self.findings {
            location(&mut f.location);
            f.trail.iter_mut().for_each(location);
            if let Some(at) = f.suppression.as_mut().and_then(|s| s.location.as_mut()) {
                location(at);
            }
        }
        for e in &mut self.errors {
            e.path.iter_mut().for_each(one);
        }
        for input in &mut self.inputs {
            one(&mut input.path);
            input.read_with.iter_mut().for_each(one);
        }
        if let Some(config) = &mut self.config {
            one(&mut config.path);
        }
        for log in &mut self.logs {
            one(&mut log.input);
        }
    }
}
