//! Which policies a run loads: the built-in pack embedded in the binary, plus
//! `--policy FILE.wasm|FILE.wat|DIR`.

use std::path::PathBuf;

use crate::LoadedCatalog;
use crate::runtime::{LoadHints, Policy, Runtime};
use crate::{Error, ErrorKind, Phase};

include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));

/// Loads the built-in policies (unless `builtin` is false) and every policy under
/// `extra`. A policy that fails to load is an error; the rest still load.
pub fn load_policies(runtime: &Runtime, builtin: bool, extra: &[PathBuf]) -> (Vec<Policy>, Vec<Error>) {
    load(runtime, builtin, extra, None)
}

/// [`load_policies`] for a run with `catalog`: a policy whose snapshot prepared with that
/// catalog is cached loads from the snapshot alone (see [`LoadHints::catalog`]).
pub fn load_policies_for(
    runtime: &Runtime,
    builtin: bool,
    extra: &[PathBuf],
    catalog: &LoadedCatalog,
) -> (Vec<Policy>, Vec<Error>) {
    load(runtime, builtin, extra, Some(catalog))
}

fn load(
    runtime: &Runtime,
    builtin: bool,
    extra: &[PathBuf],
    catalog: Option<&LoadedCatalog>,
) -> (Vec<Policy>, Vec<Error>) {
    let (mut loaded, mut errors): (Vec<Policy>, Vec<Error>) = (Vec::new(), Vec::new());
    let mut add = |result: Result<Policy, Error>, loaded: &mut Vec<Policy>| match result {
        Ok(policy) => {
            if let Some(first) = loaded.iter().find(|p| p.id() == policy.id()) {
                errors.push(
                    Error::new(
                        Phase::Load,
                        ErrorKind::Config(format!(
                            "policy id `{}` is already loaded from {}",
                            policy.id(),
                            first.origin
                        )),
                    )
                    .path(&policy.origin)
                    .policy(policy.id()),
                );
            } else {
                loaded.push(policy);
            }
        }
        Err(e) => errors.push(e),
    };
    if builtin {
        // Loading a built-in policy is reading, hashing and deserialising its cached code
        // (or compiling it): independent per policy, so they load side by side, and are
        // added in their fixed order so ids and errors come out the same every run.
        let results: Vec<Result<Policy, Error>> = std::thread::scope(|scope| {
            let loading: Vec<_> = BUILTIN_POLICIES
                .iter()
                .zip(BUILTIN_SHA256)
                .map(|((name, bytes), sha256)| {
                    let origin = format!("builtin:{name}");
                    let hints = LoadHints { sha256: Some(sha256), catalog };
                    let load = move || Policy::load_static(runtime, &origin, bytes, hints);
                    (scope.spawn(move || guarded(&format!("builtin:{name}"), load)), name)
                })
                .collect();
            loading
                .into_iter()
                .map(|(handle, name)| {
                    handle.join().unwrap_or_else(|_| {
                        let stopped = ErrorKind::Internal("the thread loading it stopped".into());
                        Err(Error::new(Phase::Load, stopped).path(format!("builtin:{name}")))
                    })
                })
                .collect()
        });
        for result in results {
            add(result, &mut loaded);
        }
    }
    for path in extra {
        for file in policy_files(path) {
            match file {
                Ok(file) => {
                    let origin = file.display().to_string();
                    let result = read_bounded(&file, runtime.options().compile.max_module_bytes)
                        .map_err(|e| Error::new(Phase::Load, ErrorKind::Io(e)).path(&origin))
                        .and_then(|bytes| {
                            let hints = LoadHints { sha256: None, catalog };
                            guarded(&origin, || Policy::load_with(runtime, &origin, &bytes, hints))
                        });
                    add(result, &mut loaded);
                }
                Err(e) => add(Err(e), &mut loaded),
            }
        }
    }
    (loaded, errors)
}

/// Loading a policy behind the panic boundary: a panic while loading one policy is an
/// internal error of that policy, and the others still load.
fn guarded(origin: &str, load: impl FnOnce() -> Result<Policy, Error>) -> Result<Policy, Error> {
    crate::guard::run(load).unwrap_or_else(|m| Err(Error::new(Phase::Load, ErrorKind::Internal(m)).path(origin)))
}

/// The file's bytes, reading at most one byte past `max` (so a larger module fails to
/// load on its size, and a device or FIFO given as a policy cannot fill memory).
fn read_bounded(path: &std::path::Path, max: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(max as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A file as given, or the `.wasm` / `.wat` files of a directory in sorted order.
fn policy_files(path: &PathBuf) -> Vec<Result<PathBuf, Error>> {
    let origin = path.display().to_string();
    match std::fs::metadata(path) {
        Err(e) => vec![Err(Error::new(Phase::Load, ErrorKind::Io(e)).path(origin))],
        Ok(meta) if meta.is_dir() => {
            let mut files: Vec<PathBuf> = match std::fs::read_dir(path) {
                Ok(entries) => entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "wasm" || x == "wat"))
                    .collect(),
                Err(e) => return vec![Err(Error::new(Phase::Load, ErrorKind::Io(e)).path(origin))],
            };
            files.sort();
            if files.is_empty() {
                let none = ErrorKind::Config("the directory holds no .wasm or .wat policy".into());
                return vec![Err(Error::new(Phase::Load, none).path(origin))];
            }
            files.into_iter().map(Ok).collect()
        }
        Ok(_) => vec![Ok(path.clone())],
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    #[test]
    fn each_built_in_sha256_is_that_of_its_bytes() {
        assert_eq!(super::BUILTIN_SHA256.len(), super::BUILTIN_POLICIES.len());
        for ((name, bytes), sha256) in super::BUILTIN_POLICIES.iter().zip(super::BUILTIN_SHA256) {
            assert_eq!(crate::runtime::hex(&Sha256::digest(bytes)), *sha256, "{name}");
        }
    }
}
