//! A policy prepared with its catalog (`entitle_prepare`, then a snapshot every
//! evaluation starts from): the snapshot carries what preparing wrote and nothing an
//! evaluation writes; it is bound to the exact catalog (a cache never serves a snapshot
//! of another one); a guest that traps while preparing, or has no such export, or a run
//! without a cache, is simply not prepared. (The built-in policies' findings are the
//! same either way: the golden suites run without a cache, `choices`, `formats` and the
//! others with one, against the same expected reports.)

use entitle::{CacheMode, ErrorKind, Policy, Prepared, Runtime, RuntimeOptions};

const FIXTURE: &str = include_str!("fixtures/prepared/counter.wat");

fn engine(cache: CacheMode) -> Runtime {
    Runtime::new(RuntimeOptions { cache, ..RuntimeOptions::default() }).expect("the engine starts")
}

/// A cache directory of its own, emptied first, so a snapshot is made here.
fn fresh_cache(name: &str) -> CacheMode {
    let dir = std::env::temp_dir().join(format!("entitle-tests-prepared-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    CacheMode::Dir(dir)
}

/// The guest's state as its error reply spells it.
fn state(runtime: &Runtime, policy: &Policy, prepared: Option<&Prepared>) -> String {
    match policy.evaluate_prepared(runtime, prepared, b"{}", "a.json") {
        Err(e) => match e.kind {
            ErrorKind::PolicyFailed(message) => message,
            other => panic!("unexpected error {other:?}"),
        },
        Ok(_) => panic!("the fixture always replies with an error"),
    }
}

#[test]
fn each_evaluation_starts_from_the_prepared_image_and_sees_no_earlier_evaluation() {
    let runtime = engine(fresh_cache("image"));
    let policy = Policy::load(&runtime, "prepared-counter.wat", FIXTURE.as_bytes()).expect("the fixture loads");
    assert_eq!(state(&runtime, &policy, None), "prepared=0 catalog=0 evaluated=1");
    let prepared = policy.prepare(&runtime, b"{\"v\":1}").expect("the fixture prepares");
    for _ in 0..3 {
        assert_eq!(state(&runtime, &policy, Some(&prepared)), "prepared=1 catalog=7 evaluated=1");
    }
    // Another catalog is another snapshot, in the same cache: never the first one again.
    let other = policy.prepare(&runtime, b"{}").expect("prepares again");
    assert_eq!(state(&runtime, &policy, Some(&other)), "prepared=1 catalog=2 evaluated=1");
    // A second run with the same cache loads the snapshot it made, and it is the same.
    let again = engine(runtime.options().cache.clone());
    let policy = Policy::load(&again, "prepared-counter.wat", FIXTURE.as_bytes()).expect("loads");
    let cached = policy.prepare(&again, b"{\"v\":1}").expect("from the cache");
    assert_eq!(state(&again, &policy, Some(&cached)), "prepared=1 catalog=7 evaluated=1");
}

#[test]
fn a_guest_that_traps_while_preparing_or_cannot_prepare_or_a_run_without_cache_is_not_prepared() {
    let runtime = engine(fresh_cache("refused"));
    let policy = Policy::load(&runtime, "prepared-counter.wat", FIXTURE.as_bytes()).expect("the fixture loads");
    assert!(policy.prepare(&runtime, b"").is_none(), "an empty catalog makes the fixture trap");
    let control = include_str!("fixtures/hostile/well-behaved.wat");
    let old = Policy::load(&runtime, "well-behaved.wat", control.as_bytes()).expect("loads");
    assert!(old.prepare(&runtime, b"{}").is_none(), "no entitle_prepare export: built with an older SDK");
    let uncached = engine(CacheMode::Disabled);
    let policy = Policy::load(&uncached, "prepared-counter.wat", FIXTURE.as_bytes()).expect("loads");
    assert!(policy.prepare(&uncached, b"{}").is_none(), "no cache, no snapshot");
}

/// A policy loaded for a catalog whose snapshot is cached answers for that catalog (by
/// its files' sha256) without its tables being serialised again, and for no other.
#[test]
fn a_policy_loaded_from_its_snapshot_is_prepared_for_that_catalog_only() {
    use entitle::{LoadHints, LoadedCatalog};
    let runtime = engine(fresh_cache("for-catalog"));
    let builtin = LoadedCatalog::builtin();
    let load = |catalog: &LoadedCatalog| {
        let hints = LoadHints { sha256: None, catalog: Some(catalog) };
        Policy::load_with(&runtime, "prepared-counter.wat", FIXTURE.as_bytes(), hints).expect("the fixture loads")
    };
    let first = load(&builtin);
    assert!(first.prepared_for(&builtin.sha256).is_none(), "nothing is cached yet");
    let tables = serde_json::to_vec(&builtin.catalog.subset(&first.metadata.catalog)).unwrap();
    first.prepare(&runtime, &tables).expect("the fixture prepares");

    let again = load(&builtin);
    let prepared = again.prepared_for(&builtin.sha256).expect("loaded from the snapshot just made");
    let compared = again.prepare(&runtime, &tables).expect("the same snapshot, found by comparing the tables");
    assert_eq!(state(&runtime, &again, Some(&prepared)), state(&runtime, &again, Some(&compared)));
    assert!(state(&runtime, &again, Some(&prepared)).starts_with("prepared=1 "));
    assert!(again.prepared_for(&"0".repeat(64)).is_none(), "another catalog's sha256");

    // Other tables under another sha256: no snapshot of the first catalog serves them.
    let mut other = builtin.clone();
    other.catalog.lifecycle.clear();
    other.sha256 = "1".repeat(64);
    let for_other = load(&other);
    assert!(for_other.prepared_for(&other.sha256).is_none() && for_other.prepared_for(&builtin.sha256).is_none());
}
