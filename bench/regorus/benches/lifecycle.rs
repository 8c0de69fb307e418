//! regorus (RVM) evaluating two lifecycle rules (`lifecycle.rego`) on the facts files
//! given as arguments, input parse included, a fresh VM per evaluation: the figure
//! `scripts/bench.sh` prints beside `entitle bench`'s one evaluation in a fresh instance.
//! Usage: `cargo bench -- LIFECYCLE_JSON ITERATIONS FACTS...`; one JSON line per file.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use regorus::{Engine, Rc, Value};

const ENTRY: &str = "data.entitle.lifecycle.findings";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let [lifecycle, iterations, facts @ ..] = args.as_slice() else {
        eprintln!("usage: lifecycle LIFECYCLE_JSON ITERATIONS FACTS...");
        std::process::exit(2);
    };
    let iterations: usize = iterations.parse().expect("ITERATIONS is a number");
    let lifecycle = std::fs::read_to_string(lifecycle).expect("read lifecycle.json");
    let data = Value::from_json_str(&format!("{{\"lifecycle\":{lifecycle}}}")).expect("lifecycle.json is JSON");
    let mut engine = Engine::new();
    engine.add_policy("lifecycle.rego".into(), include_str!("lifecycle.rego").into()).expect("the policy parses");
    let entry: Rc<str> = ENTRY.into();
    let compiled = engine.compile_with_entrypoint(&entry).expect("the policy compiles");
    let program = Compiler::compile_from_policy(&compiled, &[ENTRY]).expect("the RVM program compiles");
    for path in facts {
        let text = std::fs::read_to_string(path).expect("read facts");
        let run = |program: &Arc<_>| {
            let input = Value::from_json_str(black_box(&text)).expect("facts are JSON");
            let mut vm = RegoVM::new();
            vm.load_program(Arc::clone(program));
            vm.set_data(data.clone()).expect("data");
            vm.set_input(input);
            vm.execute().expect("the policy evaluates")
        };
        let findings = run(&program);
        let count = findings.as_set().map(|s| s.len()).or_else(|_| findings.as_array().map(|a| a.len())).unwrap_or(0);
        let mut samples: Vec<f64> = (0..iterations)
            .map(|_| {
                let start = Instant::now();
                black_box(run(&program));
                start.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        samples.sort_by(f64::total_cmp);
        let median = samples.get(samples.len() / 2).copied().unwrap_or(f64::NAN);
        println!(
            "{}",
            serde_json::json!({"facts": path, "bytes": text.len(), "findings": count, "median_us": median, "iterations": iterations})
        );
    }
}
