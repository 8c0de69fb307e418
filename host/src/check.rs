//! A check run: every input parsed once, every policy evaluated on it in a fresh
//! sandbox, findings placed at file:line:column, all gathered into one [`Report`].

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use entitle_sdk::{Date, Deployment, Finding, Workload};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::catalog::LoadedCatalog;
use crate::input::{self, InputFile, LoadedInput};
use crate::report::{self, Report};
use crate::runtime::{Policy, Runtime};
use crate::{Error, ErrorKind, Phase};

/// What a run evaluates against.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// The evaluation date.
    pub as_of: Date,
    /// "Expiring soon" horizon in days.
    pub warn_within_days: u32,
    /// Settings per policy id.
    pub settings: BTreeMap<String, Value>,
    /// The organisation's context (`null` when none).
    pub context: Value,
    /// Worker threads (at least 1).
    pub jobs: usize,
}

/// The engine, policies and catalog of one run.
pub struct Checker {
    /// The wasm runtime.
    pub runtime: Runtime,
    /// Loaded policies, in load order.
    pub policies: Vec<Policy>,
    /// The catalog.
    pub catalog: LoadedCatalog,
}

/// The part of every request that is the same for all policies of one input.
#[derive(Serialize)]
struct Shared<'a> {
    as_of: Date,
    warn_within_days: u32,
    context: &'a Value,
    deployment: &'a Deployment,
}

/// Everything one input produced.
struct InputOutcome {
    loaded: Option<LoadedInput>,
    findings: Vec<report::Finding>,
    errors: Vec<Error>,
}

impl Checker {
    /// Checks `files` (errors from discovering them go in `errors`) and builds the report.
    pub fn check(&self, files: &[InputFile], mut errors: Vec<Error>, options: &CheckOptions) -> Report {
        let runnable = self.validate_settings(options, &mut errors);
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<(usize, InputOutcome)>> = Mutex::new(Vec::with_capacity(files.len()));
        std::thread::scope(|scope| {
            for _ in 0..options.jobs.max(1).min(files.len().max(1)) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else { break };
                        let outcome = self.check_one(file, &runnable, options);
                        results.lock().expect("no worker panics while holding the lock").push((i, outcome));
                    }
                });
            }
        });
        let mut results = results.into_inner().expect("workers finished");
        results.sort_by_key(|(i, _)| *i);
        let mut report = Report::new(options.as_of, &self.catalog, &self.policies);
        for (_, outcome) in results {
            if let Some(loaded) = outcome.loaded {
                report.add_input(&loaded);
            }
            report.findings.extend(outcome.findings);
            errors.extend(outcome.errors);
        }
        report.add_errors(errors);
        report.finish();
        report
    }

    /// Checks workloads that were already modelled (the golden-case runner uses this).
    pub fn check_loaded(&self, loaded: LoadedInput, options: &CheckOptions) -> Report {
        let mut errors = Vec::new();
        let runnable = self.validate_settings(options, &mut errors);
        let outcome = self.evaluate(loaded, &runnable, options);
        let mut report = Report::new(options.as_of, &self.catalog, &self.policies);
        if let Some(loaded) = &outcome.loaded {
            report.add_input(loaded);
        }
        report.findings.extend(outcome.findings);
        errors.extend(outcome.errors);
        report.add_errors(errors);
        report.finish();
        report
    }

    /// Validates each policy's settings once; policies with bad settings do not run.
    /// For the others, prepares the request prefix: settings and the catalog tables
    /// the policy reads, serialised once per run.
    fn validate_settings(&self, options: &CheckOptions, errors: &mut Vec<Error>) -> Vec<(usize, Vec<u8>)> {
        for id in options.settings.keys() {
            if !self.policies.iter().any(|p| p.id() == id) {
                errors.push(Error::new(
                    Phase::Settings,
                    ErrorKind::Config(format!("settings given for `{id}`, but no such policy is loaded")),
                ));
            }
        }
        let mut runnable = Vec::new();
        for (i, policy) in self.policies.iter().enumerate() {
            let settings = options.settings.get(policy.id()).cloned().unwrap_or(Value::Null);
            let bytes = serde_json::to_vec(&settings).expect("JSON values serialise");
            match policy.validate_settings(&self.runtime, &bytes) {
                Ok(()) => {
                    let catalog = self.catalog.catalog.subset(&policy.metadata.catalog);
                    let mut prefix = b"{\"settings\":".to_vec();
                    prefix.extend_from_slice(&bytes);
                    prefix.extend_from_slice(b",\"catalog\":");
                    serde_json::to_writer(&mut prefix, &catalog).expect("the catalog serialises");
                    prefix.push(b',');
                    runnable.push((i, prefix));
                }
                Err(e) => errors.push(e),
            }
        }
        runnable
    }

    fn check_one(&self, file: &InputFile, runnable: &[(usize, Vec<u8>)], options: &CheckOptions) -> InputOutcome {
        match input::load(file, &self.catalog.catalog) {
            Ok(loaded) => self.evaluate(loaded, runnable, options),
            Err(e) => InputOutcome { loaded: None, findings: Vec::new(), errors: vec![e] },
        }
    }

    /// Runs every runnable policy on one input: the input is serialised once and
    /// joined to each policy's prepared prefix (settings and catalog tables).
    fn evaluate(&self, loaded: LoadedInput, runnable: &[(usize, Vec<u8>)], options: &CheckOptions) -> InputOutcome {
        let mut outcome = InputOutcome { loaded: None, findings: Vec::new(), errors: Vec::new() };
        if loaded.workloads.is_empty() {
            outcome.loaded = Some(loaded);
            return outcome;
        }
        let deployment = Deployment {
            path: loaded.path.clone(),
            format: loaded.format.map(|f| f.name().to_owned()).unwrap_or_default(),
            workloads: loaded.workloads,
        };
        // Provenance is the host's business (it places findings); guests never see it,
        // which keeps requests about half as large.
        let guest_view = Deployment {
            path: deployment.path.clone(),
            format: deployment.format.clone(),
            workloads: deployment
                .workloads
                .iter()
                .map(|w| Workload { provenance: Default::default(), ..w.clone() })
                .collect(),
        };
        let shared = Shared {
            as_of: options.as_of,
            warn_within_days: options.warn_within_days,
            context: &options.context,
            deployment: &guest_view,
        };
        let shared = serde_json::to_vec(&shared).expect("the model serialises");
        for (index, prefix) in runnable {
            let policy = &self.policies[*index];
            let mut request = Vec::with_capacity(prefix.len() + shared.len());
            request.extend_from_slice(prefix);
            request.extend_from_slice(&shared[1..]);
            match policy.evaluate(&self.runtime, &request, &deployment.path) {
                Ok(evaluated) => {
                    for (level, line) in evaluated.logs {
                        if level <= 1 && std::env::var_os("ENTITLE_LOG").is_some() {
                            eprintln!("entitle: policy {} on {}: {line}", policy.id(), deployment.path);
                        }
                    }
                    match place(policy, &deployment, evaluated.findings) {
                        Ok(found) => outcome.findings.extend(found),
                        Err(e) => outcome.errors.push(e),
                    }
                }
                Err(e) => outcome.errors.push(e),
            }
        }
        outcome.loaded = Some(LoadedInput {
            path: loaded.path,
            format: loaded.format,
            workloads: deployment.workloads,
            skipped: loaded.skipped,
        });
        outcome
    }
}

/// Checks a policy's findings against its metadata and the input, and resolves each
/// field path to a location. One bad finding makes the whole reply malformed.
fn place(policy: &Policy, deployment: &Deployment, findings: Vec<Finding>) -> Result<Vec<report::Finding>, Error> {
    let malformed =
        |m: String| Error::new(Phase::Evaluate, ErrorKind::Reply(m)).path(&deployment.path).policy(policy.id());
    let mut placed = Vec::with_capacity(findings.len());
    for f in findings {
        let rule = policy
            .metadata
            .rule(&f.rule)
            .ok_or_else(|| malformed(format!("finding for rule `{}`, which the policy does not declare", f.rule)))?;
        let workload =
            deployment.workloads.iter().find(|w| w.id == f.workload).ok_or_else(|| {
                malformed(format!("finding for workload `{}`, which is not in the input", f.workload))
            })?;
        let location = locate(workload, &f.field);
        let fingerprint = fingerprint(&f.rule, &deployment.path, &workload.id, &f.field);
        placed.push(report::Finding {
            rule: f.rule,
            policy: policy.id().to_owned(),
            severity: f.severity.unwrap_or(rule.severity),
            message: f.message,
            resource: workload.resource.clone(),
            workload: workload.id.clone(),
            field: f.field,
            location,
            evidence: f.evidence,
            fix: f.fix,
            fingerprint,
        });
    }
    Ok(placed)
}

/// The provenance of `field`, else of its nearest parent field, else the workload itself.
fn locate(w: &Workload, field: &str) -> report::Location {
    let mut key = field;
    let source = loop {
        if let Some(source) = w.provenance.get(key) {
            break source;
        }
        match key.rfind('.') {
            Some(dot) => key = &key[..dot],
            None => break &w.source,
        }
    };
    report::Location {
        path: source.path.clone(),
        line: source.line.unwrap_or(1),
        column: source.column.unwrap_or(1),
        pointer: source.pointer.clone(),
    }
}

/// Stable across edits that move lines: rule, file, workload and field only.
fn fingerprint(rule: &str, path: &str, workload: &str, field: &str) -> String {
    let digest = Sha256::digest(format!("{rule}\0{path}\0{workload}\0{field}").as_bytes());
    crate::runtime::hex(&digest[..8])
}
