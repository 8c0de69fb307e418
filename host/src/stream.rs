//! The run pipeline of [`Checker::check`], streaming: each worker reads and models inputs
//! and runs their policies on them in small batches as it goes (policy by policy, so a
//! policy's code is still warm for the next input), keeping only what the report and the
//! end of the run need ([`Kept`]), so memory follows findings rather than the corpus. Two steps
//! look across inputs and are kept right as follows. A file another input reads (a linked
//! template, a parameters file) is only known once every input is read: it is evaluated
//! like any other, and when it turns out to be included its outcome is dropped, as if it
//! had never been evaluated. Kubernetes inputs (image streams and cluster signals are
//! resolved across inputs) are held back whole until every input is read, resolved
//! together, then evaluated. With `-v` (policy logs shown as they happen) nothing is
//! evaluated before every input is read, so an included file never logs.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::check::{CheckOptions, Checker, parallel};
use crate::input::{self, InputFile, LoadedInput};
use crate::input_finding::InputFinding;
use crate::kept::{Kept, Text};
use crate::report::Report;
use crate::request_prefix::Prefix;
use crate::source_text::SourceText;
use crate::{Error, ErrorKind, Phase};

/// One input after the streaming pass.
enum Slot {
    /// Evaluated already.
    Done(Box<Kept>),
    /// Waiting for every input to be read.
    Held(Box<LoadedInput>),
}

impl Slot {
    fn input(&self) -> &LoadedInput {
        match self {
            Slot::Done(kept) => &kept.input,
            Slot::Held(input) => input,
        }
    }
}

/// How many unpacked texts quoting holds at once.
const RECENT_TEXTS: usize = 8;

/// Checks `files` and builds the report (see the module's documentation).
pub(crate) fn check(checker: &Checker, files: &[InputFile], mut errors: Vec<Error>, options: &CheckOptions) -> Report {
    let runnable = checker.validate_settings(options, &mut errors);
    let run_scoped: Vec<&(usize, Prefix)> =
        runnable.iter().filter(|(i, _)| crate::run_scope::is_run_scoped(checker, *i)).collect();
    let properties = run_scoped.iter().any(|(i, _)| checker.policies[*i].metadata.reads_properties);
    // Resource bodies are read only for the policies that read them (decision 155).
    let bodies = runnable.iter().any(|(i, _)| checker.policies[*i].metadata.reads_properties);
    let read = crate::formats::ReadOptions { without_bodies: !bodies, ..options.read.clone() };
    let per_input = runnable.len();
    let progress = &options.progress;
    progress.reading(files.len());
    let stream = options.verbosity == 0;
    let read_one = |file: &InputFile| -> Result<LoadedInput, Error> {
        let loaded = crate::guard::run(|| {
            crate::guard::fault::hit("read", &file.display);
            input::load(file, &checker.catalog.catalog, &read)
        })
        .unwrap_or_else(|m| Err(Error::new(Phase::Parse, ErrorKind::Internal(m)).path(&file.display)));
        progress.read_one(loaded.as_ref().map_or(0, |l| l.workloads.len()));
        loaded
    };
    let run = |inputs: Vec<LoadedInput>| evaluate(checker, inputs, &runnable, options, properties, per_input);
    let slots = batched(files, options.jobs, read_one, |loaded| stream && !held(loaded), run);
    let mut slots: Vec<Slot> = slots.into_iter().filter_map(|r| r.map_err(|e| errors.push(e)).ok()).collect();
    mark_included(&mut slots);
    // The held inputs, in input order, resolved together and then evaluated.
    let (mut held, mut at): (Vec<LoadedInput>, Vec<usize>) = (Vec::new(), Vec::new());
    for (n, slot) in slots.iter_mut().enumerate() {
        if let Slot::Held(input) = slot {
            let input = std::mem::replace(&mut **input, LoadedInput::empty("", std::path::Path::new("")));
            held.push(input);
            at.push(n);
        }
    }
    let catalog = &checker.catalog.catalog;
    if let Err(m) = crate::guard::run(|| crate::formats::k8s::resolve_run(&mut held, catalog, &options.read)) {
        errors
            .push(Error::new(Phase::Model, ErrorKind::Internal(format!("resolving image streams across inputs: {m}"))));
    }
    let chunks: Vec<Mutex<Vec<LoadedInput>>> = {
        let mut held = held.into_iter();
        let size = held.len().div_ceil(options.jobs.max(1) * 4).clamp(1, MAX_BATCH);
        std::iter::from_fn(|| Some(held.by_ref().take(size).collect::<Vec<_>>()).filter(|c| !c.is_empty()))
            .map(Mutex::new)
            .collect()
    };
    let evaluated = parallel(&chunks, options.jobs, |cell| {
        let inputs = std::mem::take(&mut *cell.lock().expect("one worker per chunk"));
        evaluate(checker, inputs, &runnable, options, properties, per_input)
    });
    let evaluated = evaluated.into_iter().flatten();
    for (n, kept) in at.into_iter().zip(evaluated) {
        slots[n] = Slot::Done(Box::new(kept));
    }
    let kept: Vec<Kept> = slots
        .into_iter()
        .map(|s| match s {
            Slot::Done(kept) => *kept,
            Slot::Held(_) => unreachable!("every held input was evaluated"),
        })
        .collect();
    errors.extend(input::nothing_checked(files, kept.iter().map(|k| &k.input)));
    report(checker, kept, &runnable, errors, options)
}

/// Inputs that the run-wide Kubernetes pass reads or changes.
fn held(input: &LoadedInput) -> bool {
    input.format == Some(crate::formats::Format::Kubernetes)
        || !input.k8s.links.is_empty()
        || !input.k8s.tags.is_empty()
}

/// Runs the inputs' own policies, as one batch, and keeps what the rest of the run needs.
fn evaluate(
    checker: &Checker,
    inputs: Vec<LoadedInput>,
    runnable: &[(usize, Prefix)],
    options: &CheckOptions,
    properties: bool,
    per_input: usize,
) -> Vec<Kept> {
    let evaluations: usize = inputs.iter().map(|i| if i.workloads.is_empty() { 0 } else { per_input }).sum();
    options.progress.evaluating(evaluations);
    let outcomes = checker.evaluate_batch(&inputs.iter().collect::<Vec<_>>(), runnable, options);
    options.progress.evaluated(evaluations);
    inputs.into_iter().zip(outcomes).map(|(input, outcome)| Kept::new(input, outcome, properties)).collect()
}

/// Inputs evaluated together at most (decision 159): a policy runs on each of them in turn while its code is warm.
const MAX_BATCH: usize = 16;

/// Text of the inputs a worker holds for its next batch, at most: a batch ends early past it, so large inputs are
/// not held for one another.
const MAX_BATCH_BYTES: usize = 1 << 20;

/// Reads `files` on `jobs` workers, each taking the next file when it is free, and evaluates the ones `streamed`
/// accepts in batches of up to [`MAX_BATCH`] inputs (or [`MAX_BATCH_BYTES`] of their text) as each worker reads them;
/// the others are held. In the files' order.
fn batched(
    files: &[InputFile],
    jobs: usize,
    read: impl Fn(&InputFile) -> Result<LoadedInput, Error> + Sync,
    streamed: impl Fn(&LoadedInput) -> bool + Sync,
    evaluate: impl Fn(Vec<LoadedInput>) -> Vec<Kept> + Sync,
) -> Vec<Result<Slot, Error>> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(files.len()));
    let work = || {
        let mut done = Vec::new();
        let (mut batch, mut at, mut bytes) = (Vec::new(), Vec::new(), 0);
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(file) = files.get(i) else { break };
            match read(file) {
                Ok(loaded) if streamed(&loaded) => {
                    bytes += loaded.sources.iter().map(|s| s.text().len()).sum::<usize>();
                    batch.push(loaded);
                    at.push(i);
                    if batch.len() >= MAX_BATCH || bytes >= MAX_BATCH_BYTES {
                        flush(&evaluate, &mut batch, &mut at, &mut done);
                        bytes = 0;
                    }
                }
                Ok(loaded) => done.push((i, Ok(Slot::Held(Box::new(loaded))))),
                Err(e) => done.push((i, Err(e))),
            }
        }
        flush(&evaluate, &mut batch, &mut at, &mut done);
        results.lock().expect("no worker panics while holding the lock").append(&mut done);
    };
    match jobs.max(1).min(files.len()) {
        0 | 1 => work(),
        workers => std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(work);
            }
        }),
    }
    let mut results = results.into_inner().expect("workers finished");
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Evaluates a worker's batch and records its inputs (`at`: their places in the run) as done.
fn flush(
    evaluate: &impl Fn(Vec<LoadedInput>) -> Vec<Kept>,
    batch: &mut Vec<LoadedInput>,
    at: &mut Vec<usize>,
    done: &mut Vec<(usize, Result<Slot, Error>)>,
) {
    if batch.is_empty() {
        return;
    }
    let kept = evaluate(std::mem::take(batch));
    done.extend(at.drain(..).zip(kept).map(|(i, k)| (i, Ok(Slot::Done(Box::new(k))))));
}

/// A file that another input reads (a linked template, a parameters file) is modelled
/// through that input; on its own it is only listed, and what its own evaluation found
/// is dropped.
fn mark_included(slots: &mut [Slot]) {
    let readers = crate::check::Readers::of(slots.iter().map(Slot::input));
    if readers.is_empty() {
        return;
    }
    for slot in slots.iter_mut() {
        let Some(reader) = readers.reader(slot.input()) else {
            continue;
        };
        match slot {
            Slot::Done(kept) => kept.read_with(reader),
            Slot::Held(input) => crate::kept::clear_included(input, reader),
        }
    }
}

/// The serial tail: the report in input order, the run-scoped policies, sorting, quotes.
fn report(
    checker: &Checker,
    kept: Vec<Kept>,
    runnable: &[(usize, Prefix)],
    mut errors: Vec<Error>,
    options: &CheckOptions,
) -> Report {
    let mut report = Report::new(options.as_of, &checker.catalog, &checker.policies);
    let mut kept = kept;
    // One allocation of the right size: growing by doubling would hold the old and the new
    // buffer at once, the run's high-water mark with many findings.
    report.findings.reserve(kept.iter().map(|k| k.input.findings.len() + k.outcome.findings.len()).sum());
    for k in kept.iter_mut() {
        report.add_input_counted(&k.input, k.workload_count());
        report.findings.extend(k.input.findings.iter().map(InputFinding::to_report));
        errors.extend(k.input.errors.iter().map(Error::copy));
        let outcome = std::mem::take(&mut k.outcome);
        report.findings.extend(outcome.findings);
        errors.extend(outcome.errors);
        report.logs.extend(outcome.logs);
    }
    let (found, failed) = checker.evaluate_run(kept.as_slice(), runnable, options, &mut report.logs);
    report.findings.extend(found);
    errors.extend(failed);
    report.add_errors(errors);
    report.finish();
    // The last input that holds a path's text quotes it (as a map built in input order).
    let mut texts: HashMap<&str, &Text> = HashMap::new();
    for k in &kept {
        for (path, text) in &k.texts {
            texts.insert(path, text);
        }
    }
    // Findings are sorted by path, so a text is asked for in one stretch (a trail may
    // reach into a few other files): only the last few unpacked texts are held, never
    // every text of the run at once.
    let mut recent: VecDeque<(String, Option<Arc<SourceText>>)> = VecDeque::with_capacity(RECENT_TEXTS);
    report.quote_with(|path| {
        if let Some((_, text)) = recent.iter().find(|(p, _)| p == path) {
            return text.clone();
        }
        if recent.len() == RECENT_TEXTS {
            recent.pop_front();
        }
        let text = texts.get(path).map(|t| t.source(path));
        recent.push_back((path.to_owned(), text.clone()));
        text
    });
    report
}
