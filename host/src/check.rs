//! A check run: every input parsed once, every policy evaluated on it in a fresh
//! sandbox, findings placed at file:line:column, all gathered into one [`Report`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use entitle_sdk::{Date, Deployment, Workload};
use serde::Serialize;
use serde_json::Value;

use crate::catalog::LoadedCatalog;
use crate::formats::ReadOptions;
use crate::input::{self, InputFile, LoadedInput};
use crate::input_finding::InputFinding;
use crate::kept::InputOutcome;
use crate::report::{self, Report};
use crate::request_prefix::Prefix;
use crate::runtime::{Policy, Runtime};
use crate::sent_fields::SentFields;
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
    /// The file the context was read from, for findings placed on its entries (`None`
    /// when there is none, or the context was built in code).
    pub context_file: Option<crate::context::ContextFile>,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// How inputs are read.
    pub read: ReadOptions,
    /// Which lines policies log are shown on stderr as they happen (`-v` repeated): 0 none,
    /// 1 errors and warnings, 2 also info, 3 also debug. Errors and warnings go into the
    /// report's `logs` whatever this is.
    pub verbosity: u8,
    /// Counted as the run goes, for a progress bar.
    pub progress: crate::progress::Progress,
}

impl CheckOptions {
    /// Options for `as_of` with the defaults: 180 days, no settings or context, one
    /// worker thread, parameters files found beside their templates.
    pub fn new(as_of: Date) -> CheckOptions {
        CheckOptions {
            as_of,
            warn_within_days: 180,
            settings: BTreeMap::new(),
            context: Value::Null,
            context_file: None,
            jobs: 1,
            read: ReadOptions::default(),
            verbosity: 0,
            progress: Default::default(),
        }
    }
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

/// The part of every request that is the same for all policies of one input (`D`: the
/// deployment, or anything that serialises as one).
#[derive(Serialize)]
pub(crate) struct Shared<'a, D: Serialize = Deployment> {
    pub as_of: Date,
    pub warn_within_days: u32,
    pub context: &'a Value,
    pub deployment: &'a D,
}

impl Checker {
    /// Checks `files` (errors from discovering them go in `errors`) and builds the report.
    /// Each input's policies run as soon as it is read and modelled; a file that another
    /// input reads (a linked template, a parameters file) is still modelled through that
    /// one only (see [`crate::stream`]).
    pub fn check(&self, files: &[InputFile], errors: Vec<Error>, options: &CheckOptions) -> Report {
        crate::stream::check(self, files, errors, options)
    }

    /// Checks workloads that were already modelled (the golden-case runner uses this).
    pub fn check_loaded(&self, loaded: LoadedInput, options: &CheckOptions) -> Report {
        let mut errors = Vec::new();
        let runnable = self.validate_settings(options, &mut errors);
        let outcome = self.evaluate_guarded(&loaded, &runnable, options);
        let mut report = Report::new(options.as_of, &self.catalog, &self.policies);
        report.add_input(&loaded);
        report.findings.extend(loaded.findings.iter().map(InputFinding::to_report));
        errors.extend(loaded.errors.iter().map(Error::copy));
        report.findings.extend(outcome.findings);
        errors.extend(outcome.errors);
        report.logs.extend(outcome.logs);
        let inputs: &[&LoadedInput] = &[&loaded];
        let (found, failed) = self.evaluate_run(inputs, &runnable, options, &mut report.logs);
        report.findings.extend(found);
        errors.extend(failed);
        report.add_errors(errors);
        report.finish();
        report.quote(loaded.sources.iter().map(|s| &**s));
        report
    }

    /// Validates each policy's settings once; policies with bad settings do not run.
    /// For the others, prepares the request prefix: settings and the catalog tables
    /// the policy reads, serialised once per run.
    pub(crate) fn validate_settings(&self, options: &CheckOptions, errors: &mut Vec<Error>) -> Vec<(usize, Prefix)> {
        for id in options.settings.keys() {
            if !self.policies.iter().any(|p| p.id() == id) {
                errors.push(
                    Error::new(
                        Phase::Settings,
                        ErrorKind::Config(format!("settings given for `{id}`, but no such policy is loaded")),
                    )
                    .policy(id),
                );
            }
        }
        // Each policy's check and prefix (loading its prepared snapshot) is independent of the others': they run on
        // the run's workers, and come back in the policies' order.
        let prepared = parallel(&self.policies, options.jobs, |policy| {
            let settings = options.settings.get(policy.id()).cloned().unwrap_or(Value::Null);
            let bytes = serde_json::to_vec(&settings).expect("JSON values serialise");
            policy.validate_settings(&self.runtime, &bytes).map(|()| self.request_prefix(policy, &bytes))
        });
        let mut runnable = Vec::new();
        for (i, outcome) in prepared.into_iter().enumerate() {
            match outcome {
                Ok(prefix) => runnable.push((i, prefix)),
                Err(e) => errors.push(e),
            }
        }
        runnable
    }

    /// The start of every request to `policy`: its settings (JSON) and the catalog
    /// tables it reads, up to the comma before the shared part.
    pub(crate) fn request_prefix(&self, policy: &Policy, settings: &[u8]) -> Prefix {
        Prefix::new(&self.runtime, policy, settings, &self.catalog)
    }

    /// [`Checker::evaluate_batch`] of one input.
    pub(crate) fn evaluate_guarded(
        &self,
        loaded: &LoadedInput,
        runnable: &[(usize, Prefix)],
        options: &CheckOptions,
    ) -> InputOutcome {
        self.evaluate_batch(&[loaded], runnable, options).pop().expect("one outcome per input")
    }

    /// The run-scoped policies behind the panic boundary.
    pub(crate) fn evaluate_run<I: crate::run_scope::RunInputs + ?Sized>(
        &self,
        loaded: &I,
        runnable: &[(usize, Prefix)],
        options: &CheckOptions,
        logs: &mut Vec<crate::guest_log::GuestLog>,
    ) -> (Vec<report::Finding>, Vec<Error>) {
        crate::guard::run(|| crate::run_scope::evaluate(self, loaded, runnable, options, logs)).unwrap_or_else(|m| {
            (Vec::new(), vec![Error::new(Phase::Evaluate, ErrorKind::Internal(m)).path("(all inputs)")])
        })
    }

    /// Runs every runnable policy that is not run-scoped on each input of a batch. An input is serialised once and
    /// joined to each policy's prepared prefix (settings and catalog tables); each alternative deployment is evaluated
    /// as a workload of its own and mapped back. Policy by policy: each runs on every input of the batch before the
    /// next one starts, so its compiled code is still in the caches for the next input (decision 159); an input's
    /// findings and logs still come in policy order. Each input is behind the panic boundary: a panic is an internal
    /// error of that input (what its evaluation had found is dropped), and the batch's other inputs go on.
    pub(crate) fn evaluate_batch(
        &self,
        inputs: &[&LoadedInput],
        runnable: &[(usize, Prefix)],
        options: &CheckOptions,
    ) -> Vec<InputOutcome> {
        let failed = |loaded: &LoadedInput, m: String| InputOutcome {
            findings: Vec::new(),
            errors: vec![Error::new(Phase::Evaluate, ErrorKind::Internal(m)).path(&loaded.path)],
            logs: Vec::new(),
        };
        let mut outcomes: Vec<InputOutcome> = inputs.iter().map(|_| InputOutcome::default()).collect();
        // What each input sends; `None` when it has nothing to evaluate or its evaluation panicked.
        let mut sent: Vec<Option<Sent>> = Vec::with_capacity(inputs.len());
        for (loaded, outcome) in inputs.iter().zip(&mut outcomes) {
            let view = crate::guard::run(|| {
                crate::guard::fault::hit("evaluate", &loaded.path);
                (!loaded.workloads.is_empty()).then(|| Sent::new(loaded, options))
            });
            sent.push(view.unwrap_or_else(|m| {
                *outcome = failed(loaded, m);
                None
            }));
        }
        for (index, prefix) in runnable.iter().filter(|(i, _)| !crate::run_scope::is_run_scoped(self, *i)) {
            for ((loaded, outcome), sent) in inputs.iter().zip(&mut outcomes).zip(&mut sent) {
                let Some(s) = sent.as_mut() else { continue };
                if let Err(m) = crate::guard::run(|| self.evaluate_one(*index, prefix, loaded, s, options, outcome)) {
                    (*outcome, *sent) = (failed(loaded, m), None);
                }
            }
        }
        outcomes
    }

    /// Policy `index` on one input, its findings placed and its logs collected into `outcome`.
    fn evaluate_one(
        &self,
        index: usize,
        prefix: &Prefix,
        loaded: &LoadedInput,
        sent: &mut Sent,
        options: &CheckOptions,
        outcome: &mut InputOutcome,
    ) {
        crate::guard::fault::hit("evaluate-one", &loaded.path);
        let policy = &self.policies[index];
        let shared = sent.part(SentFields::of(&policy.metadata), loaded, options);
        let mut request = Vec::with_capacity(prefix.bytes.len() + shared.len());
        request.extend_from_slice(&prefix.bytes);
        request.extend_from_slice(&shared[1..]);
        match policy.evaluate_prepared(&self.runtime, prefix.prepared.as_ref(), &request, &loaded.path) {
            Ok(evaluated) => {
                let logs = evaluated.logs;
                crate::guest_log::collect(policy.id(), &loaded.path, logs, options.verbosity, &mut outcome.logs);
                match crate::place::place(policy, loaded, &sent.view, evaluated.findings, options.context_file.as_ref())
                {
                    Ok(found) => outcome.findings.extend(crate::choice_findings::fold_repeats(found)),
                    Err(e) => outcome.errors.push(e),
                }
            }
            Err(e) => outcome.errors.push(e),
        }
    }
}

/// What one input sends its policies: its guest view and the shared part of each request, serialised once for every
/// policy sent all fields without bodies, and once (on first use) for each other [`SentFields`] a policy asks for.
struct Sent {
    view: GuestView,
    shared: Vec<u8>,
    /// The parts made for the policies sent bodies or fewer fields, by what they are sent.
    others: Vec<(bool, Vec<String>, Vec<u8>)>,
}

impl Sent {
    fn new(loaded: &LoadedInput, options: &CheckOptions) -> Sent {
        let view = GuestView::new(loaded);
        let shared = serialise(&view.deployment, options);
        Sent { view, shared, others: Vec::new() }
    }

    /// The shared part of the request for a policy sent `fields`.
    fn part(&mut self, fields: SentFields<'_>, loaded: &LoadedInput, options: &CheckOptions) -> &[u8] {
        if fields.same(&SentFields::PLAIN) {
            return &self.shared;
        }
        let found =
            self.others.iter().position(|(properties, only, _)| fields.same(&SentFields::new(*properties, only)));
        let at = found.unwrap_or_else(|| {
            let mut deployment = match fields.properties {
                true => self.view.with_properties(loaded),
                false => self.view.deployment.clone(),
            };
            fields.trim_all(&mut deployment);
            self.others.push((fields.properties, fields.only().to_vec(), serialise(&deployment, options)));
            self.others.len() - 1
        });
        &self.others[at].2
    }
}

/// The part of a request every policy of the input gets: the run's date, context and the deployment.
fn serialise(deployment: &Deployment, options: &CheckOptions) -> Vec<u8> {
    let shared = Shared {
        as_of: options.as_of,
        warn_within_days: options.warn_within_days,
        context: &options.context,
        deployment,
    };
    serde_json::to_vec(&shared).expect("the model serialises")
}

/// What guests see of an input: workloads without provenance (the host's business) or
/// properties (sent only to the policies that read them), and one extra workload per
/// alternative deployment, whose id maps back.
pub(crate) struct GuestView {
    pub deployment: Deployment,
    /// Index in `deployment.workloads` → index of the input's workload it shows.
    pub(crate) shows: Vec<usize>,
    /// Guest id of an alternative → (index of the real workload, index of the alternative).
    pub(crate) alternatives: BTreeMap<String, (usize, usize)>,
    /// Workload id → index of the first workload of the input with that id.
    pub(crate) by_id: HashMap<String, usize>,
    /// Guest workload id → index in `deployment.workloads` (first of that id).
    pub(crate) seen: HashMap<String, usize>,
}

/// A workload as policies see it: no provenance, trail, alternatives or body (those stay with the host, or are
/// sent apart). Every other field is listed, so a new one is a compile error here rather than a silent omission,
/// and the large maps are never cloned only to be dropped.
pub(crate) fn plain(w: &Workload) -> Workload {
    Workload {
        id: w.id.clone(),
        kind: w.kind.clone(),
        provider: w.provider.clone(),
        resource: w.resource.clone(),
        source: w.source.clone(),
        count: w.count,
        region: w.region.clone(),
        image: w.image.clone(),
        os: w.os.clone(),
        billing: w.billing.clone(),
        addons: w.addons.clone(),
        alternatives: Vec::new(),
        unknown: w.unknown.clone(),
        evidence: w.evidence.clone(),
        boot: w.boot.clone(),
        registration: w.registration.clone(),
        cluster: w.cluster.clone(),
        ha: w.ha.clone(),
        sap: w.sap.clone(),
        instance: w.instance.clone(),
        kernel: w.kernel.clone(),
        network: w.network.clone(),
        products: w.products.clone(),
        windows: w.windows.clone(),
        tags: w.tags.clone(),
        properties: Value::Null,
        provenance: Default::default(),
        trail: Default::default(),
    }
}

impl GuestView {
    pub fn new(loaded: &LoadedInput) -> GuestView {
        let mut workloads = Vec::with_capacity(loaded.workloads.len());
        let mut shows = Vec::with_capacity(loaded.workloads.len());
        let mut alternatives = BTreeMap::new();
        for (i, w) in loaded.workloads.iter().enumerate() {
            let plain = plain(w);
            shows.extend(std::iter::repeat_n(i, w.alternatives.len() + 1));
            for (n, alt) in w.alternatives.iter().enumerate() {
                let id = format!("{}#alternative-{}", w.id, n + 1);
                alternatives.insert(id.clone(), (i, n));
                let mut variant = Workload { id, ..plain.clone() };
                (variant.image, variant.os, variant.billing, variant.addons) =
                    (alt.image.clone(), alt.os.clone(), alt.billing.clone(), alt.addons.clone());
                crate::billing_evidence::refresh(&mut variant);
                variant.unknown.retain(|field, _| {
                    !field.starts_with("image") && !field.starts_with("os") && !field.starts_with("billing")
                });
                workloads.push(variant);
            }
            workloads.insert(workloads.len() - w.alternatives.len(), plain);
        }
        let deployment = Deployment {
            path: loaded.path.clone(),
            format: loaded.format.map(|f| f.name().to_owned()).unwrap_or_default(),
            workloads,
        };
        let mut by_id = HashMap::with_capacity(loaded.workloads.len());
        for (i, w) in loaded.workloads.iter().enumerate() {
            by_id.entry(w.id.clone()).or_insert(i);
        }
        let mut seen = HashMap::with_capacity(deployment.workloads.len());
        for (i, w) in deployment.workloads.iter().enumerate() {
            seen.entry(w.id.clone()).or_insert(i);
        }
        GuestView { deployment, shows, alternatives, by_id, seen }
    }

    /// The deployment with each workload's properties, for policies that read them.
    pub fn with_properties(&self, loaded: &LoadedInput) -> Deployment {
        let mut deployment = self.deployment.clone();
        for (w, i) in deployment.workloads.iter_mut().zip(&self.shows) {
            w.properties = loaded.workloads[*i].properties.clone();
        }
        deployment
    }
}

/// Reads every input (in parallel), keeping their order; a file that another input
/// reads is marked as read through it. Inputs that cannot be read go to `errors`.
pub fn read_all(
    files: &[InputFile],
    catalog: &entitle_sdk::Catalog,
    read: &ReadOptions,
    jobs: usize,
    errors: &mut Vec<Error>,
) -> Vec<LoadedInput> {
    read_all_counted(files, catalog, read, jobs, errors, &Default::default())
}

/// [`read_all`], counting each file read into `progress`.
pub(crate) fn read_all_counted(
    files: &[InputFile],
    catalog: &entitle_sdk::Catalog,
    read: &ReadOptions,
    jobs: usize,
    errors: &mut Vec<Error>,
    progress: &crate::progress::Progress,
) -> Vec<LoadedInput> {
    let loaded = parallel(files, jobs, |file| {
        let loaded = crate::guard::run(|| {
            crate::guard::fault::hit("read", &file.display);
            input::load(file, catalog, read)
        })
        .unwrap_or_else(|m| Err(Error::new(Phase::Parse, ErrorKind::Internal(m)).path(&file.display)));
        progress.read_one(loaded.as_ref().map_or(0, |l| l.workloads.len()));
        loaded
    });
    let mut loaded: Vec<LoadedInput> = loaded.into_iter().filter_map(|r| r.map_err(|e| errors.push(e)).ok()).collect();
    mark_included(&mut loaded);
    if let Err(m) = crate::guard::run(|| crate::formats::k8s::resolve_run(&mut loaded, catalog, read)) {
        errors
            .push(Error::new(Phase::Model, ErrorKind::Internal(format!("resolving image streams across inputs: {m}"))));
    }
    loaded
}

/// Runs `f` on every item with `jobs` threads; results keep the items' order. One worker
/// (one job, or one item) is the calling thread: no thread is started or joined for it.
pub(crate) fn parallel<I: Sync, T: Send>(items: &[I], jobs: usize, f: impl Fn(&I) -> T + Sync) -> Vec<T> {
    let workers = jobs.max(1).min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, T)>> = Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let result = f(item);
                    results.lock().expect("no worker panics while holding the lock").push((i, result));
                }
            });
        }
    });
    let mut results = results.into_inner().expect("workers finished");
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// A file that another input reads (a linked template, a parameters file) is
/// modelled through that input; on its own it is only listed.
fn mark_included(loaded: &mut [LoadedInput]) {
    let readers = Readers::of(loaded.iter());
    for input in loaded.iter_mut() {
        if let Some(reader) = readers.reader(input) {
            crate::kept::clear_included(input, reader);
        }
    }
}

/// Which input reads each file that inputs include (the first in input order).
pub(crate) struct Readers(BTreeMap<std::path::PathBuf, String>);

impl Readers {
    /// The readers of every file that `inputs` include.
    pub fn of<'a>(inputs: impl Iterator<Item = &'a LoadedInput>) -> Readers {
        let mut readers = BTreeMap::new();
        for input in inputs {
            for include in &input.includes {
                readers.entry(canonical(include)).or_insert_with(|| input.path.clone());
            }
        }
        Readers(readers)
    }

    /// True when no input includes a file.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The input that reads `input`'s file, when another input does.
    pub fn reader(&self, input: &LoadedInput) -> Option<String> {
        self.0.get(&canonical(&input.fs_path)).filter(|r| **r != input.path).cloned()
    }
}

/// A path as the file system resolves it (as given when it cannot).
fn canonical(path: &std::path::Path) -> std::path::PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use entitle_sdk::model::Alternative;
    use serde_json::json;

    use super::*;

    #[test]
    fn one_worker_is_the_calling_thread() {
        let here = std::thread::current().id();
        assert_eq!(parallel(&[1], 4, |_| std::thread::current().id()), [here]);
        assert_eq!(parallel(&[1, 2, 3], 1, |_| std::thread::current().id()), [here; 3]);
        assert!(parallel(&[] as &[u8], 4, |_| std::thread::current().id()).is_empty());
        let ids = parallel(&[1, 2, 3, 4], 2, |i| (*i, std::thread::current().id()));
        assert_eq!(ids.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [1, 2, 3, 4], "in the items' order");
        assert!(ids.iter().all(|(_, id)| *id != here), "two workers are threads of their own");
    }

    #[test]
    fn guests_get_properties_only_when_they_read_them() {
        let mut loaded = LoadedInput::empty("f.json", std::path::Path::new("f.json"));
        let mut w = Workload { id: "a".into(), properties: json!({"secret_sauce": 1}), ..Workload::default() };
        w.alternatives.push(Alternative { when: "p = 1".into(), ..Alternative::default() });
        loaded.workloads.push(w);
        loaded.workloads.push(Workload { id: "b".into(), ..Workload::default() });
        let view = GuestView::new(&loaded);
        assert_eq!(view.deployment.workloads.len(), 3);
        assert!(!serde_json::to_string(&view.deployment).unwrap().contains("secret_sauce"));
        let with = view.with_properties(&loaded);
        let ids: Vec<(&str, &Value)> = with.workloads.iter().map(|w| (w.id.as_str(), &w.properties)).collect();
        let body = json!({"secret_sauce": 1});
        assert_eq!(ids, [("a", &body), ("a#alternative-1", &body), ("b", &Value::Null)]);
    }

    #[test]
    fn an_input_policy_is_sent_the_fields_it_lists_and_bodies_only_when_it_reads_them() {
        let mut loaded = LoadedInput::empty("f.json", std::path::Path::new("f.json"));
        let mut w = Workload { id: "a".into(), count: Some(2), properties: json!({"body": 1}), ..Workload::default() };
        w.evidence.push("why".into());
        loaded.workloads.push(w);
        let options = CheckOptions::new("2026-11-25".parse().unwrap());
        let mut sent = Sent::new(&loaded, &options);
        let only = ["count".to_owned()];
        let mut workload = |fields| {
            let part: Value = serde_json::from_slice(sent.part(fields, &loaded, &options)).unwrap();
            part["deployment"]["workloads"][0].clone()
        };
        let plain = workload(SentFields::PLAIN);
        assert!(plain.get("evidence").is_some() && plain.get("properties").is_none(), "{plain}");
        let trimmed = workload(SentFields::new(false, &only));
        assert_eq!(trimmed["count"], 2);
        assert!(trimmed.get("evidence").is_none() && trimmed.get("properties").is_none(), "{trimmed}");
        let bodies = workload(SentFields::new(true, &only));
        assert_eq!((&bodies["properties"], bodies.get("evidence")), (&json!({"body": 1}), None), "{bodies}");
        assert_eq!(workload(SentFields::new(false, &only)), trimmed, "made once, then shared");
        assert_eq!(sent.others.len(), 2);
    }
}
