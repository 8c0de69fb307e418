//! Host half of guest ABI version 1: export names and types, and moving bytes in and
//! out of guest memory with every address checked.

use wasmtime::{ExternType, Instance, Memory, Module, Store, ValType};

use super::store::StoreState;

/// Exported function names and their `(params, results)`.
pub(crate) const EXPORTS: [(&str, &[ValType], &[ValType]); 6] = [
    ("entitle_abi_version", &[], &[ValType::I32]),
    ("entitle_alloc", &[ValType::I32], &[ValType::I32]),
    ("entitle_dealloc", &[ValType::I32, ValType::I32], &[]),
    ("entitle_metadata", &[], &[ValType::I64]),
    ("entitle_validate_settings", &[ValType::I32, ValType::I32], &[ValType::I64]),
    ("entitle_evaluate", &[ValType::I32, ValType::I32], &[ValType::I64]),
];

/// An export a policy may have (SDK 0.1 builds since `entitle_prepare`): parses the
/// catalog once so the host can snapshot the instance (`prepared.rs`).
pub(crate) const OPTIONAL_PREPARE: (&str, &[ValType], &[ValType]) =
    ("entitle_prepare", &[ValType::I32, ValType::I32], &[ValType::I32]);

/// Checks imports and exports against the ABI; the error says what is wrong.
pub(crate) fn check_module(module: &Module) -> Result<(), String> {
    for import in module.imports() {
        let ok = import.module() == "entitle"
            && import.name() == "log"
            && matches!(import.ty(), ExternType::Func(f)
                if f.params().all(|p| matches!(p, ValType::I32)) && f.params().len() == 3 && f.results().len() == 0);
        if !ok {
            return Err(format!(
                "imports `{}.{}`; a policy may import only `entitle.log(i32, i32, i32)` (no WASI, no other host functions)",
                import.module(),
                import.name()
            ));
        }
    }
    match module.get_export("memory") {
        Some(ExternType::Memory(_)) => {}
        _ => return Err("does not export its linear memory as `memory`".into()),
    }
    for (name, params, results) in EXPORTS.into_iter().chain([OPTIONAL_PREPARE]) {
        let Some(ty) = module.get_export(name) else {
            if name == OPTIONAL_PREPARE.0 {
                continue;
            }
            return Err(format!("missing export `{name}`"));
        };
        let ExternType::Func(func) = ty else {
            return Err(format!("export `{name}` is not a function"));
        };
        let same = |a: &mut dyn ExactSizeIterator<Item = ValType>, b: &[ValType]| {
            a.len() == b.len() && a.zip(b).all(|(x, y)| ValType::eq(&x, y))
        };
        if !same(&mut func.params(), params) || !same(&mut func.results(), results) {
            return Err(format!("export `{name}` has type {func}, expected ({params:?}) -> ({results:?})"));
        }
    }
    Ok(())
}

/// Copies `input` into a buffer from `entitle_alloc`; returns `(ptr, len)`.
pub(crate) fn write_input(
    store: &mut Store<StoreState>,
    instance: &Instance,
    memory: &Memory,
    input: &[u8],
) -> Result<(i32, i32), CallError> {
    write_parts(store, instance, memory, &[input])
}

/// [`write_input`] of the concatenation of `parts`, written into the guest one part
/// after another (a large request is never joined in host memory first).
pub(crate) fn write_parts(
    store: &mut Store<StoreState>,
    instance: &Instance,
    memory: &Memory,
    parts: &[&[u8]],
) -> Result<(i32, i32), CallError> {
    let total: usize = parts.iter().map(|p| p.len()).sum();
    let len = i32::try_from(total).map_err(|_| CallError::Reply("request larger than 2 GiB".into()))?;
    let alloc = instance.get_typed_func::<i32, i32>(&mut *store, "entitle_alloc").map_err(CallError::Wasm)?;
    let ptr = alloc.call(&mut *store, len).map_err(CallError::Wasm)?;
    let mut at = ptr as u32 as usize;
    for part in parts {
        memory
            .write(&mut *store, at, part)
            .map_err(|_| CallError::Reply(format!("entitle_alloc({len}) returned {ptr:#x}, outside guest memory")))?;
        at += part.len();
    }
    Ok((ptr, len))
}

/// Reads the reply that a packed `(ptr << 32) | len` points at, refusing one longer
/// than `max` bytes before anything is copied.
pub(crate) fn read_reply(
    store: &Store<StoreState>,
    memory: &Memory,
    packed: i64,
    max: u64,
) -> Result<Vec<u8>, CallError> {
    let packed = packed as u64;
    let (ptr, len) = ((packed >> 32) as usize, (packed & 0xffff_ffff) as usize);
    if len as u64 > max {
        let limit = if max.is_multiple_of(1 << 20) { format!("{} MiB", max >> 20) } else { format!("{max} bytes") };
        return Err(CallError::Reply(format!(
            "the reply is {len} bytes, more than the limit of {limit} (--policy-reply-limit)"
        )));
    }
    memory
        .data(store)
        .get(ptr..ptr.saturating_add(len))
        .map(<[u8]>::to_vec)
        .ok_or_else(|| CallError::Reply(format!("reply at {ptr:#x} with length {len} lies outside guest memory")))
}

/// A failed guest call, before it is named with input and policy.
#[derive(Debug)]
pub(crate) enum CallError {
    /// A wasmtime error (trap, interrupt, limiter error).
    Wasm(wasmtime::Error),
    /// A reply or address that breaks the ABI.
    Reply(String),
}

#[cfg(test)]
mod tests {
    use wasmtime::{Engine, Instance, Module, Store};

    use super::{CallError, StoreState, write_parts};

    /// A guest whose `entitle_alloc` returns 12 bytes before the end of its one page.
    fn near_the_end() -> (Store<StoreState>, Instance) {
        let engine = Engine::default();
        let wat = r#"(module (memory (export "memory") 1)
            (func (export "entitle_alloc") (param i32) (result i32) (i32.const 65524)))"#;
        let module = Module::new(&engine, wat).expect("valid module");
        let mut store = Store::new(&engine, StoreState::new(1 << 20));
        let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
        (store, instance)
    }

    #[test]
    fn a_request_in_parts_must_fit_whole_where_the_guest_put_it() {
        let (mut store, instance) = near_the_end();
        let memory = instance.get_memory(&mut store, "memory").unwrap();
        let (ptr, len) = write_parts(&mut store, &instance, &memory, &[b"12345678", b"1234"]).expect("12 bytes fit");
        assert_eq!((ptr, len), (65524, 12));
        assert_eq!(&memory.data(&store)[65524..], b"123456781234");
        // The first part fits; the second runs past the end of guest memory.
        match write_parts(&mut store, &instance, &memory, &[b"12345678", b"12345678"]) {
            Err(CallError::Reply(m)) => assert!(m.contains("outside guest memory"), "{m}"),
            Err(CallError::Wasm(e)) => panic!("{e:#}"),
            Ok(at) => panic!("written past the end of guest memory at {at:?}"),
        }
    }
}
