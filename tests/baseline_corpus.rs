//! A baseline taken on the real corpus absorbs every finding of the next run, and
//! changing one image's SKU in a copy of the corpus makes exactly that finding new.

use std::path::{Path, PathBuf};

use entitle::gate::Baseline;
use entitle::{CacheMode, CheckOptions, Checker, LoadedCatalog, Report, Runtime, RuntimeOptions};

use crate::support;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn check(root: &Path) -> Report {
    let cache = std::env::temp_dir().join("entitle-tests-cache");
    let runtime = Runtime::new(RuntimeOptions { cache: CacheMode::Dir(cache), ..RuntimeOptions::default() }).unwrap();
    let (policies, _) = entitle::load_policies(&runtime, true, &[]);
    let checker = Checker { runtime, policies, catalog: LoadedCatalog::builtin() };
    let (files, errors) = entitle::discover(&[root.to_path_buf()]);
    checker.check(&files, errors, &CheckOptions { jobs: 2, ..CheckOptions::new("2026-11-25".parse().unwrap()) })
}

fn active(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.suppression.is_none() && f.rule != "ENTITLE-BASELINE-STALE")
        .map(|f| format!("{} {}", f.rule, f.message))
        .collect()
}

#[test]
fn a_corpus_baseline_absorbs_the_next_run_and_a_changed_sku_is_new() {
    let copy: PathBuf = std::env::temp_dir().join(format!("entitle-baseline-corpus-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    copy_tree(&support::root().join("../shared/corpus/real"), &copy);
    let baseline = Baseline::of(&check(&copy));
    assert!(baseline.findings.len() >= 10, "the corpus has findings: {}", baseline.findings.len());

    let mut again = check(&copy);
    baseline.apply(&mut again);
    assert_eq!(active(&again), Vec::<String>::new());

    let template = copy.join("arm/aqt-2018/101-vm-simple-rhel/azuredeploy.json");
    let text = std::fs::read_to_string(&template).unwrap();
    assert!(text.contains("\"imageSku\": \"7.2\""));
    std::fs::write(&template, text.replace("\"imageSku\": \"7.2\"", "\"imageSku\": \"7.3\"")).unwrap();
    let mut changed = check(&copy);
    baseline.apply(&mut changed);
    let new = active(&changed);
    // Every finding that rests on the changed release is new: the lifecycle finding names the
    // new image, the platform finding on the same VM (an Av1 size) the new release.
    let (image, other): (Vec<&String>, Vec<&String>) = new.iter().partition(|f| f.contains("RedHat:RHEL:7.3"));
    assert_eq!(image.len(), 1, "{new:?}");
    assert_eq!(other.len(), 1, "{new:?}");
    assert!(other[0].starts_with("PLATFORM-NOT-CERTIFIED RHEL 7.3 on Standard_A2"), "{new:?}");
    // The entries of the two findings on 7.2 match nothing now: reported as stale.
    let stale = changed.findings.iter().filter(|f| f.rule == "ENTITLE-BASELINE-STALE").count();
    assert_eq!(stale, 2, "{:?}", changed.findings.iter().map(|f| &f.rule).collect::<Vec<_>>());
    let _ = std::fs::remove_dir_all(&copy);
}
