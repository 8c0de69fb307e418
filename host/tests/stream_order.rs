//! Streaming (each input evaluated as soon as it is read) reports exactly what reading every
//! input first does — the path `-v` takes, so that an included file never logs: a linked
//! template and a parameters file stay modelled through their includer only, and image
//! streams declared in one file still resolve a workload of another (decision 134).

use std::path::{Path, PathBuf};

use entitle::{CacheMode, CheckOptions, Checker, LoadedCatalog, Runtime, RuntimeOptions};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn report(checker: &Checker, path: &Path, verbosity: u8) -> String {
    let (files, errors) = entitle::discover(&[path.to_path_buf()]);
    let options = CheckOptions { jobs: 2, verbosity, ..CheckOptions::new("2026-11-25".parse().unwrap()) };
    checker.check(&files, errors, &options).to_json()
}

#[test]
fn streaming_reports_what_reading_everything_first_reports() {
    let cache = std::env::temp_dir().join("entitle-tests-cache");
    let runtime = Runtime::new(RuntimeOptions { cache: CacheMode::Dir(cache), ..RuntimeOptions::default() }).unwrap();
    let (policies, load_errors) = entitle::load_policies(&runtime, true, &[]);
    assert!(load_errors.is_empty(), "{load_errors:?}");
    let checker = Checker { runtime, policies, catalog: LoadedCatalog::builtin() };
    for case in ["tests/arm/linked", "tests/k8s/openshift-app", "tests/arm", "tests/k8s", "examples"] {
        let path = root().join(case);
        let streamed = report(&checker, &path, 0);
        assert_eq!(streamed, report(&checker, &path, 1), "{case}");
        let json: serde_json::Value = serde_json::from_str(&streamed).unwrap();
        let inputs = json["inputs"].as_array().unwrap();
        assert!(!json["findings"].as_array().unwrap().is_empty(), "{case}");
        if case == "tests/arm/linked" {
            let included = inputs.iter().filter(|i| i.get("read_with").is_some_and(|r| !r.is_null())).count();
            assert!(included > 0, "the linked template is read through its includer: {inputs:?}");
        }
    }
}
