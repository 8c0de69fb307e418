//! Per-evaluation store state: the memory limiter and the guest's log lines.

use wasmtime::{Caller, Engine, Extern, Linker, ResourceLimiter};

/// Log lines kept per evaluation, and their total size; more are dropped.
const MAX_LOG_LINES: usize = 64;
const MAX_LOG_BYTES: usize = 64 << 10;

/// What one store carries: limits, what the guest logged, and why it stopped.
pub(crate) struct StoreState {
    memory_limit: u64,
    /// Set when the guest tried to grow past the limit.
    pub(crate) out_of_memory: bool,
    /// `(level, message)` lines from `entitle.log`.
    pub(crate) logs: Vec<(i32, String)>,
    log_bytes: usize,
}

impl StoreState {
    pub(crate) fn new(memory_limit: u64) -> StoreState {
        StoreState { memory_limit, out_of_memory: false, logs: Vec::new(), log_bytes: 0 }
    }

    /// The last line the guest logged at error level (a panic message, usually).
    pub(crate) fn last_error_log(&self) -> Option<&str> {
        self.logs.iter().rev().find(|(level, _)| *level == 0).map(|(_, m)| m.as_str())
    }
}

impl ResourceLimiter for StoreState {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired as u64 > self.memory_limit {
            self.out_of_memory = true;
            return Err(wasmtime::Error::msg(format!("memory limit of {} bytes reached", self.memory_limit)));
        }
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 1 << 20)
    }

    fn instances(&self) -> usize {
        1
    }

    fn memories(&self) -> usize {
        1
    }

    fn tables(&self) -> usize {
        4
    }
}

/// The only import a guest may have: `entitle.log(level, ptr, len)`.
pub(crate) fn linker(engine: &Engine) -> Linker<StoreState> {
    let mut linker = Linker::new(engine);
    linker
        .func_wrap("entitle", "log", |mut caller: Caller<'_, StoreState>, level: i32, ptr: i32, len: i32| {
            let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
                return Ok(());
            };
            let (start, len) = (ptr as u32 as usize, (len as u32 as usize).min(8 << 10));
            let text = memory
                .data(&caller)
                .get(start..start.saturating_add(len))
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_else(|| "<log message outside guest memory>".to_owned());
            let state = caller.data_mut();
            if state.logs.len() < MAX_LOG_LINES && state.log_bytes + text.len() <= MAX_LOG_BYTES {
                state.log_bytes += text.len();
                state.logs.push((level, text));
            }
            Ok(())
        })
        .expect("define entitle.log");
    linker
}
