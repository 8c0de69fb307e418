//! The waiver file (`.entitle-waivers.toml`, or `--waivers FILE`): accepting a known
//! finding is explicit, owned and temporary. Every `[[waiver]]` needs a `rule`, a
//! `path` glob and/or a `resource`, a `reason` and an `expires` date; a waiver past
//! its date stops waiving and is reported, and one that matches nothing is reported.
//!
//! ```toml
//! [[waiver]]
//! rule = "RHEL-LC-MAJOR-EOL"
//! path = "infra/legacy/**"
//! reason = "Decommissioned with the legacy platform in Q1"
//! expires = 2027-03-31
//! owner = "platform-team"
//! ticket = "OPS-1234"
//! ```

use std::path::Path;

use entitle_sdk::{Date, Severity};
use globset::{Glob, GlobMatcher};
use serde::Deserialize;

use super::tomlfile::{line_column, read};
use crate::report::{self, Location, Report, Suppression, SuppressionKind};
use crate::{Error, ErrorKind, Phase};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    waiver: Vec<toml::Spanned<Raw>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    rule: Option<String>,
    path: Option<String>,
    resource: Option<String>,
    reason: Option<String>,
    expires: Option<toml::Value>,
    owner: Option<String>,
    ticket: Option<String>,
}

/// One checked waiver.
#[derive(Clone, Debug)]
pub struct Waiver {
    rule: String,
    path: Option<(String, GlobMatcher)>,
    resource: Option<(String, GlobMatcher)>,
    reason: String,
    expires: Date,
    owner: Option<String>,
    ticket: Option<String>,
    line: u32,
}

/// The waivers of one file.
#[derive(Clone, Debug, Default)]
pub struct Waivers {
    file: String,
    waivers: Vec<Waiver>,
}

impl Waivers {
    /// Reads and checks a waiver file; a waiver without reason, expiry, rule or scope
    /// is an error naming its line.
    pub fn load(path: &Path) -> Result<Waivers, Vec<Error>> {
        let shown = path.display().to_string();
        let (text, file): (String, File) = read(path).map_err(|e| vec![e])?;
        let (mut waivers, mut errors) = (Vec::new(), Vec::new());
        for spanned in file.waiver {
            let line = line_column(&text, spanned.span().start).0;
            match check(spanned.into_inner(), line) {
                Ok(w) => waivers.push(w),
                Err(why) => errors.push(Error::new(Phase::Config, ErrorKind::Config(why)).path(&shown).at(line, 1)),
            }
        }
        if errors.is_empty() { Ok(Waivers { file: shown, waivers }) } else { Err(errors) }
    }

    /// Checks every waiver names a rule some loaded policy (or entitle) declares; an
    /// error names the waiver's line, as for `entitle.toml`. Such a waiver waives nothing.
    pub fn validate(&self, report: &Report) -> Vec<Error> {
        self.waivers
            .iter()
            .filter(|w| !report.rules.iter().any(|(_, r)| r.id == w.rule))
            .map(|w| {
                let why = format!("the waiver names rule {}, which no loaded policy declares", w.rule);
                Error::new(Phase::Config, ErrorKind::Config(why)).path(&self.file).at(w.line, 1)
            })
            .collect()
    }

    /// Marks matching findings as waived; adds a finding for each expired waiver
    /// (warning) and each waiver that matched nothing (info).
    pub fn apply(&self, report: &mut Report) {
        let as_of = report.as_of;
        let mut used = vec![false; self.waivers.len()];
        for f in report.findings.iter_mut().filter(|f| f.suppression.is_none() && super::acceptable(f)) {
            for (i, w) in self.waivers.iter().enumerate().filter(|(_, w)| w.matches(f)) {
                used[i] = true;
                if as_of <= w.expires {
                    f.suppression = Some(self.suppression(w));
                    break;
                }
            }
        }
        for (w, used) in self.waivers.iter().zip(used) {
            let at = Location { path: self.file.clone(), line: w.line, column: 1, pointer: String::new() };
            if as_of > w.expires {
                let message = format!(
                    "the waiver for {} expired on {} and no longer waives anything{}",
                    w.rule,
                    w.expires,
                    if used { "; its findings fail again" } else { "" }
                );
                report.findings.push(host_finding("ENTITLE-WAIVER-EXPIRED", Severity::Warning, message, at, w));
            } else if !used {
                let message = format!("the waiver for {} matches no finding in this run", w.rule);
                report.findings.push(host_finding("ENTITLE-WAIVER-UNUSED", Severity::Info, message, at, w));
            }
        }
    }

    fn suppression(&self, w: &Waiver) -> Suppression {
        Suppression {
            kind: SuppressionKind::Waiver,
            reason: w.reason.clone(),
            owner: w.owner.clone(),
            ticket: w.ticket.clone(),
            expires: Some(w.expires),
            location: Some(Location { path: self.file.clone(), line: w.line, column: 1, pointer: String::new() }),
        }
    }
}

impl Waiver {
    fn matches(&self, f: &report::Finding) -> bool {
        let path = f.location.path.trim_start_matches("./");
        self.rule == f.rule
            && self.path.as_ref().is_none_or(|(_, g)| g.is_match(path))
            && self.resource.as_ref().is_none_or(|(_, g)| g.is_match(&f.resource) || g.is_match(&f.workload))
    }
}

fn check(raw: Raw, line: u32) -> Result<Waiver, String> {
    let rule = raw.rule.filter(|r| !r.trim().is_empty()).ok_or("a waiver needs `rule`")?;
    let reason = raw.reason.filter(|r| !r.trim().is_empty()).ok_or(format!("the waiver for {rule} has no `reason`"))?;
    let expires = match raw.expires {
        Some(toml::Value::Datetime(d)) => d.to_string(),
        Some(toml::Value::String(s)) => s,
        Some(other) => return Err(format!("`expires` must be a date like 2027-06-30, not {other}")),
        None => return Err(format!("the waiver for {rule} has no `expires` date: waivers are temporary")),
    };
    let expires = Date::parse(&expires).map_err(|e| format!("`expires`: {e}"))?;
    if raw.path.is_none() && raw.resource.is_none() {
        return Err(format!(
            "the waiver for {rule} needs `path` and/or `resource`, so it cannot waive the rule everywhere"
        ));
    }
    let glob = |text: String| -> Result<(String, GlobMatcher), String> {
        let matcher = Glob::new(&text).map_err(|e| format!("`{text}` is not a glob: {e}"))?.compile_matcher();
        Ok((text, matcher))
    };
    Ok(Waiver {
        path: raw.path.map(glob).transpose()?,
        resource: raw.resource.map(glob).transpose()?,
        rule,
        reason,
        expires,
        owner: raw.owner,
        ticket: raw.ticket,
        line,
    })
}

/// A finding entitle makes about a waiver.
pub(super) fn host_finding(
    rule: &str,
    severity: Severity,
    message: String,
    at: Location,
    w: &Waiver,
) -> report::Finding {
    waiver_finding(rule, severity, message, at, &w.reason, w.expires)
}

/// A finding about a waiver (file or inline), located at the waiver.
pub(super) fn waiver_finding(
    rule: &str,
    severity: Severity,
    message: String,
    at: Location,
    reason: &str,
    expires: Date,
) -> report::Finding {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{rule}\0{}\0{}", at.path, at.line).as_bytes());
    report::Finding {
        rule: rule.to_owned(),
        policy: report::HOST_POLICY.to_owned(),
        severity,
        message,
        resource: format!("waiver at {}:{}", at.path, at.line),
        workload: String::new(),
        field: String::new(),
        location: at,
        trail: Vec::new(),
        alternative: None,
        evidence: vec![format!("reason: {reason}"), format!("expires: {expires}")],
        fix: Some("Fix the finding, or renew the waiver with a new date and a reason that still holds; remove waivers that match nothing.".into()),
        fingerprint: crate::runtime::hex(&digest[..8]),
        suppression: None,
    }
}
