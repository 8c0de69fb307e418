//! `--rule ID` / `--skip-rule ID`: the findings of one run narrowed to some rules, after
//! checking that every id names a rule a loaded policy (or entitle itself) declares.

use super::Report;
use crate::{Error, ErrorKind, Phase};

impl Report {
    /// Keeps the findings of the rules in `only` (every rule when it is empty) that are
    /// not in `skip`, and recounts. Ids compare without regard to case; an id no rule
    /// has is an error (a typo would otherwise select nothing and pass).
    pub fn select_rules(&mut self, only: &[String], skip: &[String]) -> Result<(), Error> {
        if only.is_empty() && skip.is_empty() {
            return Ok(());
        }
        let declared =
            |id: &String| self.rules.iter().find(|(_, r)| r.id.eq_ignore_ascii_case(id)).map(|(_, r)| r.id.clone());
        let resolve = |ids: &[String], flag: &str| -> Result<Vec<String>, Error> {
            ids.iter()
                .map(|id| {
                    declared(id).ok_or_else(|| {
                        let why = format!(
                            "{flag} `{id}`: no loaded policy declares this rule (`entitle explain --list` lists them)"
                        );
                        Error::new(Phase::Config, ErrorKind::Config(why))
                    })
                })
                .collect()
        };
        let (only, skip) = (resolve(only, "--rule")?, resolve(skip, "--skip-rule")?);
        self.findings.retain(|f| (only.is_empty() || only.contains(&f.rule)) && !skip.contains(&f.rule));
        self.finish();
        Ok(())
    }
}
