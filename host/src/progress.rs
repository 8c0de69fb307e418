//! How far a check run has got (files read, workloads found, evaluations done), counted
//! as it goes so a front end can draw a progress bar. The library only counts: it never
//! prints, and counting costs one atomic add per file and per evaluation.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Shared counters; clones count into the same ones.
#[derive(Clone, Debug, Default)]
pub struct Progress(Arc<Counters>);

#[derive(Debug, Default)]
struct Counters {
    files: AtomicUsize,
    files_read: AtomicUsize,
    workloads: AtomicUsize,
    evaluations: AtomicUsize,
    evaluations_done: AtomicUsize,
}

/// The counters at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Files the run reads.
    pub files: usize,
    /// Files read so far.
    pub files_read: usize,
    /// Workloads found so far.
    pub workloads: usize,
    /// Policy evaluations the run makes (known so far: inputs are evaluated as they are read).
    pub evaluations: usize,
    /// Evaluations done so far.
    pub evaluations_done: usize,
}

impl Progress {
    /// The counters now.
    pub fn snapshot(&self) -> Snapshot {
        let c = &self.0;
        Snapshot {
            files: c.files.load(Ordering::Relaxed),
            files_read: c.files_read.load(Ordering::Relaxed),
            workloads: c.workloads.load(Ordering::Relaxed),
            evaluations: c.evaluations.load(Ordering::Relaxed),
            evaluations_done: c.evaluations_done.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn reading(&self, files: usize) {
        self.0.files.store(files, Ordering::Relaxed);
    }

    pub(crate) fn read_one(&self, workloads: usize) {
        self.0.workloads.fetch_add(workloads, Ordering::Relaxed);
        self.0.files_read.fetch_add(1, Ordering::Relaxed);
    }

    /// More evaluations to make (an input is evaluated as soon as it is read).
    pub(crate) fn evaluating(&self, evaluations: usize) {
        self.0.evaluations.fetch_add(evaluations, Ordering::Relaxed);
    }

    pub(crate) fn evaluated(&self, evaluations: usize) {
        self.0.evaluations_done.fetch_add(evaluations, Ordering::Relaxed);
    }
}
