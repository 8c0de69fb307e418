//! Compiling a policy within bounds: the module's size, its function count and
//! function sizes are checked before Cranelift sees it, and compilation itself has a
//! wall-clock limit, so a hostile module cannot stall the run at load time.

use std::sync::mpsc;

use wasmtime::{Engine, Module};

use super::cache::ModuleCache;
use super::engine::CompileLimits;

/// Checks the counts and sizes in `wasm` against `limits`; the error says which.
pub(crate) fn check_shape(wasm: &[u8], limits: &CompileLimits) -> Result<(), String> {
    if wasm.len() > limits.max_module_bytes {
        return Err(too_large(wasm.len(), limits.max_module_bytes));
    }
    // Imported functions need no code; the ABI check allows one import only.
    let mut functions: u64 = 0;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| format!("not a valid wasm module: {e}"))?;
        match payload {
            wasmparser::Payload::FunctionSection(section) => functions += section.count() as u64,
            wasmparser::Payload::CodeSectionEntry(body) => {
                let size = body.range().len();
                if size > limits.max_function_bytes {
                    return Err(format!(
                        "a function body is {size} bytes, more than the limit of {} bytes",
                        limits.max_function_bytes
                    ));
                }
            }
            _ => {}
        }
        if functions > u64::from(limits.max_functions) {
            return Err(format!("it has more than {} functions, the limit", limits.max_functions));
        }
    }
    Ok(())
}

/// The error for a module of `len` bytes over `max`.
pub(crate) fn too_large(len: usize, max: usize) -> String {
    format!("the module is {len} bytes, more than the limit of {max} bytes")
}

/// Compiles `wasm` (through the cache when there is one) on a thread of its own and
/// waits at most `limits.timeout`. Cranelift cannot be interrupted: past the limit the
/// compile is abandoned (its thread ends with the process) and the policy fails to load.
pub(crate) fn compile(
    engine: &Engine,
    cache: Option<&ModuleCache>,
    sha256: &str,
    wasm: &[u8],
    limits: &CompileLimits,
) -> Result<Module, String> {
    let (engine, cache, sha256, wasm) = (engine.clone(), cache.cloned(), sha256.to_owned(), wasm.to_vec());
    let (send, receive) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("entitle-compile".into())
        .spawn(move || {
            let module = match &cache {
                Some(cache) => cache.module(&engine, &sha256, &wasm),
                None => Module::new(&engine, &wasm),
            };
            let _ = send.send(module.map_err(|e| format!("{e:#}")));
        })
        .map_err(|e| format!("cannot start the compiler thread: {e}"))?;
    match receive.recv_timeout(limits.timeout) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            Err(format!("compiling took longer than the limit of {} s", limits.timeout.as_secs_f64()))
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("internal error: the compiler thread stopped".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::{CompileLimits, check_shape};

    fn module(functions: usize, body_nops: usize) -> Vec<u8> {
        let body = "(nop)".repeat(body_nops);
        let funcs: String = (0..functions).map(|_| format!("(func {body})")).collect();
        wat::parse_str(format!("(module {funcs})")).expect("valid wat")
    }

    fn limits() -> CompileLimits {
        CompileLimits { max_module_bytes: 4096, max_functions: 10, max_function_bytes: 100, ..CompileLimits::default() }
    }

    #[test]
    fn a_module_within_every_bound_passes() {
        check_shape(&module(10, 90), &limits()).expect("10 functions of 90 nops fit");
    }

    #[test]
    fn each_bound_is_enforced_and_named() {
        let error = check_shape(&module(11, 1), &limits()).expect_err("11 functions");
        assert!(error.contains("more than 10 functions"), "{error}");
        let error = check_shape(&module(1, 200), &limits()).expect_err("a 200-byte body");
        assert!(error.contains("function body is") && error.contains("limit of 100 bytes"), "{error}");
        let error = check_shape(&module(15, 300), &CompileLimits { max_function_bytes: 1000, ..limits() })
            .expect_err("a module over 4096 bytes");
        assert!(error.contains("more than the limit of 4096 bytes"), "{error}");
    }
}
