//! What the in-process measuring tests (`linear_cost`, `peak_heap`, `parse_once`) set up alike: a checker of the
//! built-in policies with the tests' shared code cache, and a fresh directory for the inputs they write.

use std::path::PathBuf;

use entitle::{CacheMode, Checker, LoadedCatalog, Runtime, RuntimeOptions};

/// A checker of the built-in policies, with the tests' shared cache.
pub fn builtin_checker() -> Checker {
    let cache = std::env::temp_dir().join("entitle-tests-cache");
    let runtime = Runtime::new(RuntimeOptions { cache: CacheMode::Dir(cache), ..RuntimeOptions::default() }).unwrap();
    let (policies, load_errors) = entitle::load_policies(&runtime, true, &[]);
    assert!(load_errors.is_empty(), "{load_errors:?}");
    Checker { runtime, policies, catalog: LoadedCatalog::builtin() }
}

/// An empty directory of this process named after `tag`, emptied first.
pub fn fresh_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entitle-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
