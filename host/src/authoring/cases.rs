//! Golden cases: one runner for the built-in policies (`tests/golden.rs`) and for a
//! policy crate anywhere (`entitle test`). A case runs through the real host (format
//! detection, front-end, wasm policy, placement) and its findings and errors must equal
//! `<case>.expected.json`, which `--bless` rewrites.
//!
//! A case file `cases/<case>.json` is `{"description": …, "as_of": "YYYY-MM-DD",
//! "settings": {…}?, "context": {…}?, "warn_within_days": N?}` plus the input: either
//! `"input": <a descriptor>` written inline (it keeps its line numbers in the case file,
//! so expected locations point into the case itself), or `"input_file": "<path>"`, a
//! file in any format entitle reads, relative to the case (it may not leave the case's
//! directory; keep such inputs in a subfolder such as `cases/inputs/`, since every
//! `*.json` directly in `cases/` is a case). Settings go to the first policy of the run: a case tests one policy.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::AuthoringError;
use crate::confined::{self, Root};
use crate::{CheckOptions, Checker, InputFile, ReadOptions};

/// Largest case file read.
const CASE_LIMIT: u64 = 16 << 20;

/// Keys a case file may have; another key is a typo that would silently do nothing.
const KEYS: [&str; 7] = ["description", "as_of", "settings", "context", "warn_within_days", "input", "input_file"];

/// One golden case and what became of it.
#[derive(Debug)]
pub struct CaseRun {
    /// The case file.
    pub case: PathBuf,
    /// The case as shown in output (relative to the base directory).
    pub shown: String,
    /// Its expected-results file.
    pub expected: PathBuf,
    /// What happened.
    pub outcome: CaseOutcome,
}

/// The result of one case.
#[derive(Debug, PartialEq, Eq)]
pub enum CaseOutcome {
    /// The output equals the expected file.
    Passed,
    /// The expected file was (re)written.
    Blessed,
    /// The output differs: the line diff (`-` expected, `+` actual).
    Differs(String),
    /// There is no expected file yet (run with bless to create it).
    Missing,
    /// The case itself is unusable (bad JSON, no `as_of`, an input outside its directory).
    Broken(String),
}

/// The case files of `dir` (`*.json` but not `*.expected.json`), sorted.
pub fn case_files(dir: &Path) -> Result<Vec<PathBuf>, AuthoringError> {
    let entries = std::fs::read_dir(dir).map_err(|e| AuthoringError::io(dir, e))?;
    let mut found = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| AuthoringError::io(dir, e))?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if path.is_file() && name.ends_with(".json") && !name.ends_with(".expected.json") {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// Runs every case under `dir` with `checker`; paths are shown relative to `base`.
/// With `bless`, expected files are rewritten instead of compared.
pub fn run_cases(checker: &Checker, dir: &Path, base: &Path, bless: bool) -> Result<Vec<CaseRun>, AuthoringError> {
    let mut runs = Vec::new();
    for case in case_files(dir)? {
        let shown = shown(&case, base);
        let expected = expected_file(&case);
        let outcome = match run_case(checker, &case, &shown) {
            Err(why) => CaseOutcome::Broken(why),
            Ok(actual) => compare(&expected, &actual, bless)?,
        };
        runs.push(CaseRun { case, shown, expected, outcome });
    }
    Ok(runs)
}

/// `<case>.expected.json` beside `<case>.json`.
fn expected_file(case: &Path) -> PathBuf {
    let name = case.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    case.with_file_name(format!("{}.expected.json", name.strip_suffix(".json").unwrap_or(&name)))
}

/// `path` relative to `base` with `/` separators, or as given when it is not under it.
fn shown(path: &Path, base: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Compares `actual` with the expected file, or rewrites it when blessing.
fn compare(expected: &Path, actual: &str, bless: bool) -> Result<CaseOutcome, AuthoringError> {
    if bless {
        std::fs::write(expected, actual).map_err(|e| AuthoringError::io(expected, e))?;
        return Ok(CaseOutcome::Blessed);
    }
    let want = match confined::read_regular(expected, CASE_LIMIT) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(confined::Refused::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Ok(CaseOutcome::Missing),
        Err(e) => return Ok(CaseOutcome::Broken(format!("{}: {e}", expected.display()))),
    };
    Ok(if want == actual { CaseOutcome::Passed } else { CaseOutcome::Differs(super::diff(&want, actual)) })
}

/// Runs one case; the result is the report's findings and errors as pretty JSON (what
/// the expected file holds), or why the case cannot run.
pub fn run_case(checker: &Checker, case: &Path, shown: &str) -> Result<String, String> {
    let bytes = confined::read_regular(case, CASE_LIMIT).map_err(|e| format!("{shown}: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{shown}: not UTF-8"))?;
    let doc = crate::document::parse_json(&text).map_err(|e| format!("{shown}: {e}"))?;
    let Some(fields) = doc.value.as_object() else { return Err(format!("{shown}: a case is a JSON object")) };
    if let Some(key) = fields.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!("{shown}: unknown key `{key}` (a case has {})", KEYS.join(", ")));
    }
    let as_of = fields.get("as_of").and_then(Value::as_str).ok_or_else(|| format!("{shown}: `as_of` is required"))?;
    let as_of = as_of.parse().map_err(|e| format!("{shown}: `as_of`: {e}"))?;
    let mut settings = BTreeMap::new();
    if let (Some(value), Some(policy)) = (fields.get("settings"), checker.policies.first()) {
        settings.insert(policy.id().to_owned(), value.clone());
    }
    let warn = fields.get("warn_within_days").map(|v| v.as_u64().filter(|d| *d <= 36_525));
    let warn = match warn {
        None => 180,
        Some(Some(days)) => days as u32,
        Some(None) => return Err(format!("{shown}: `warn_within_days` is a number of days up to 36525")),
    };
    let options = CheckOptions {
        warn_within_days: warn,
        settings,
        context: fields.get("context").cloned().unwrap_or(Value::Null),
        // The case's context keeps its lines in the case file, like an inline input.
        context_file: doc
            .subdocument("/context")
            .map(|document| crate::context::ContextFile { path: shown.to_owned(), document }),
        ..CheckOptions::new(as_of)
    };
    let read = ReadOptions::default();
    let catalog = &checker.catalog.catalog;
    let loaded = match (doc.subdocument("/input"), fields.get("input_file")) {
        (Some(input), None) => crate::load_documents(shown, case, &text, vec![input], true, catalog, &read),
        (None, Some(Value::String(file))) => {
            let (display, path) = input_file(case, shown, file)?;
            crate::load(&InputFile::named(display, path), catalog, &read)
        }
        (Some(_), Some(_)) => return Err(format!("{shown}: give `input` or `input_file`, not both")),
        (None, Some(_)) => return Err(format!("{shown}: `input_file` is a path relative to the case")),
        (None, None) => return Err(format!("{shown}: `input` or `input_file` is required")),
    };
    let report = match loaded {
        Ok(loaded) => serde_json::to_value(checker.check_loaded(loaded, &options)).map_err(|e| e.to_string())?,
        Err(e) => json!({"findings": [], "errors": [crate::report::ReportError::from(&e)]}),
    };
    let out = json!({"findings": report["findings"], "errors": report["errors"]});
    Ok(format!("{}\n", serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?))
}

/// The display name and path of a case's `input_file`, which must stay in the case's directory.
fn input_file(case: &Path, shown: &str, file: &str) -> Result<(String, PathBuf), String> {
    let root = Root::of_file(case).map_err(|e| format!("{shown}: {e}"))?;
    let wanted = case.parent().unwrap_or(Path::new(".")).join(file);
    let path = root.resolve(&wanted).map_err(|e| format!("{shown}: `input_file` {file:?}: {e}"))?;
    let display = match shown.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{file}"),
        None => file.to_owned(),
    };
    Ok((display, path))
}
