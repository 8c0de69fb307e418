//! `Runtime`: the process's one wasmtime `Engine`, its epoch ticker and the linker.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use wasmtime::{Config, Engine, Linker, OptLevel};

use super::cache::{CacheMode, ModuleCache};
use super::store::{self, StoreState};

/// How often the epoch advances; deadlines are counted in these ticks.
pub(crate) const TICK: Duration = Duration::from_millis(10);

/// Limits and caching for every policy the runtime runs.
#[derive(Clone, Debug)]
pub struct RuntimeOptions {
    /// Wall-clock limit for one evaluation (instantiate + call).
    pub timeout: Duration,
    /// Linear-memory limit for one evaluation, in bytes.
    pub memory_limit: u64,
    /// Where compiled code is cached.
    pub cache: CacheMode,
}

impl Default for RuntimeOptions {
    fn default() -> Self {
        RuntimeOptions { timeout: Duration::from_secs(2), memory_limit: 256 << 20, cache: CacheMode::Default }
    }
}

/// The engine every policy of a run shares.
pub struct Runtime {
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<StoreState>,
    pub(crate) options: RuntimeOptions,
    pub(crate) cache: Option<ModuleCache>,
    ticker: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
}

impl Runtime {
    /// Creates the engine (Cranelift, epoch interruption on) and starts its ticker.
    pub fn new(options: RuntimeOptions) -> Result<Runtime, crate::Error> {
        let mut config = Config::new();
        config.epoch_interruption(true);
        config.cranelift_opt_level(OptLevel::Speed);
        config.parallel_compilation(true);
        let engine = Engine::new(&config).map_err(|e| {
            crate::Error::new(
                crate::Phase::Load,
                crate::ErrorKind::Compile(format!("cannot create the wasm engine: {e:#}")),
            )
        })?;
        let linker = store::linker(&engine);
        let cache = ModuleCache::open(&options.cache, &engine);
        let stop = Arc::new(AtomicBool::new(false));
        let ticker = {
            let (engine, flag) = (engine.clone(), stop.clone());
            std::thread::Builder::new()
                .name("entitle-epoch".into())
                .spawn(move || {
                    while !flag.load(Ordering::Relaxed) {
                        std::thread::sleep(TICK);
                        engine.increment_epoch();
                    }
                })
                .ok()
                .map(|handle| (stop, handle))
        };
        Ok(Runtime { engine, linker, options, cache, ticker })
    }

    /// The options in force.
    pub fn options(&self) -> &RuntimeOptions {
        &self.options
    }

    /// Epoch ticks that make up the time limit (at least two, so a tick that lands
    /// right after the deadline is set cannot cut an evaluation short).
    pub(crate) fn deadline_ticks(&self) -> u64 {
        (self.options.timeout.as_millis() as u64).div_ceil(TICK.as_millis() as u64).max(1) + 1
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some((stop, handle)) = self.ticker.take() {
            stop.store(true, Ordering::Relaxed);
            let _ = handle.join();
        }
    }
}
