//! `entitle bench`: how long one evaluation of each policy takes on given inputs, as
//! `check` runs it (the module compiled once and pre-linked, a fresh store and
//! instance per evaluation), without placement or reporting. One untimed evaluation
//! warms caches first; then the median and spread of `iterations` timed ones.

use std::time::Instant;

use serde::Serialize;

use super::request::request;
use crate::input::LoadedInput;
use crate::{CheckOptions, Checker};

/// How many evaluations are timed per policy and input.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// Timed evaluations per policy and input (at least 1).
    pub iterations: usize,
}

/// One policy on one input (or over the run, for a run-scoped policy).
#[derive(Debug, Serialize)]
pub struct BenchRow {
    /// The policy id.
    pub policy: String,
    /// The input, `(all inputs)` for a run-scoped policy.
    pub input: String,
    /// Workloads the policy saw.
    pub workloads: usize,
    /// Timed evaluations.
    pub iterations: usize,
    /// Median time of one evaluation, in microseconds.
    pub median_us: f64,
    /// Fastest evaluation, in microseconds.
    pub min_us: f64,
    /// Slowest evaluation, in microseconds.
    pub max_us: f64,
    /// Median absolute deviation from the median, in microseconds.
    pub mad_us: f64,
    /// Evaluations per second at the median time (one thread).
    pub per_second: f64,
    /// Why the policy could not be timed on this input (an evaluation failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Times every policy of `checker` on every input with workloads.
pub fn bench(checker: &Checker, inputs: &[LoadedInput], options: &CheckOptions, bench: &BenchOptions) -> Vec<BenchRow> {
    let iterations = bench.iterations.max(1);
    let with_workloads: Vec<&LoadedInput> = inputs.iter().filter(|i| !i.workloads.is_empty()).collect();
    let mut rows = Vec::new();
    for policy in &checker.policies {
        let settings = options.settings.get(policy.id()).cloned().unwrap_or(serde_json::Value::Null);
        let settings = serde_json::to_vec(&settings).expect("JSON values serialise");
        let groups: Vec<(String, Vec<&LoadedInput>)> = match policy.metadata.scope {
            entitle_sdk::Scope::Run => vec![("(all inputs)".to_owned(), with_workloads.clone())],
            entitle_sdk::Scope::Input => with_workloads.iter().map(|i| (i.path.clone(), vec![*i])).collect(),
        };
        for (input, group) in groups {
            let workloads = group.iter().map(|i| i.workloads.len()).sum();
            let mut row = BenchRow {
                policy: policy.id().to_owned(),
                input,
                workloads,
                iterations,
                median_us: 0.0,
                min_us: 0.0,
                max_us: 0.0,
                mad_us: 0.0,
                per_second: 0.0,
                error: None,
            };
            if let Err(e) = policy.validate_settings(&checker.runtime, &settings) {
                row.error = Some(e.to_string());
                rows.push(row);
                continue;
            }
            let (request, prepared) = request(checker, policy, &settings, &group, options);
            let mut samples = Vec::with_capacity(iterations);
            for n in 0..=iterations {
                let start = Instant::now();
                if let Err(e) = policy.evaluate_prepared(&checker.runtime, prepared.as_ref(), &request, &row.input) {
                    row.error = Some(e.to_string());
                    break;
                }
                if n > 0 {
                    samples.push(start.elapsed().as_secs_f64() * 1e6);
                }
            }
            if row.error.is_none() {
                fill(&mut row, samples);
            }
            rows.push(row);
        }
    }
    rows
}

/// Median, range and median absolute deviation of `samples` (microseconds).
fn fill(row: &mut BenchRow, mut samples: Vec<f64>) {
    samples.sort_by(f64::total_cmp);
    let median = median_of(&samples);
    let mut deviations: Vec<f64> = samples.iter().map(|s| (s - median).abs()).collect();
    deviations.sort_by(f64::total_cmp);
    row.median_us = median;
    row.min_us = samples.first().copied().unwrap_or(0.0);
    row.max_us = samples.last().copied().unwrap_or(0.0);
    row.mad_us = median_of(&deviations);
    row.per_second = if median > 0.0 { 1e6 / median } else { 0.0 };
}

fn median_of(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The rows as an aligned text table (inputs and ids escaped).
pub fn table(rows: &[BenchRow]) -> String {
    let mut out = format!(
        "{:<24} {:>9} {:>11} {:>11} {:>11} {:>11} {:>9}  {}\n",
        "policy", "workloads", "median µs", "min µs", "max µs", "±mad µs", "evals/s", "input"
    );
    for r in rows {
        let (policy, input) = (crate::escape::text(&r.policy), crate::escape::text(&r.input));
        match &r.error {
            Some(e) => {
                out.push_str(&format!("{policy:<24} {:>9} failed: {}  {input}\n", r.workloads, crate::escape::text(e)))
            }
            None => out.push_str(&format!(
                "{policy:<24} {:>9} {:>11.1} {:>11.1} {:>11.1} {:>11.1} {:>9.0}  {input}\n",
                r.workloads, r.median_us, r.min_us, r.max_us, r.mad_us, r.per_second
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{BenchRow, fill};

    #[test]
    fn median_spread_and_rate_come_from_the_samples() {
        let mut row = BenchRow {
            policy: "p".into(),
            input: "i".into(),
            workloads: 1,
            iterations: 5,
            median_us: 0.0,
            min_us: 0.0,
            max_us: 0.0,
            mad_us: 0.0,
            per_second: 0.0,
            error: None,
        };
        fill(&mut row, vec![500.0, 100.0, 200.0, 300.0, 250.0]);
        assert_eq!((row.median_us, row.min_us, row.max_us), (250.0, 100.0, 500.0));
        assert_eq!(row.mad_us, 50.0);
        assert_eq!(row.per_second, 4000.0);
    }
}
