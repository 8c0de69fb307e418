//! `Runtime`: the process's one wasmtime `Engine`, its epoch ticker and the linker.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, Linker, OptLevel, PoolingAllocationConfig};

use super::cache::{CacheMode, ModuleCache};
use super::store::{self, StoreState};

/// How often the epoch advances; deadlines are counted in these ticks.
pub(crate) const TICK: Duration = Duration::from_millis(10);

/// Instance slots of the pooling allocator: more than the stores alive at once (one
/// per worker thread, plus the load-time check).
const POOL_SLOTS: u32 = 64;

/// Slots kept for instances outside the workers' (the load-time check, a snapshot being made).
const POOL_SPARE: usize = 8;

/// Limits and caching for every policy the runtime runs.
#[derive(Clone, Debug)]
pub struct RuntimeOptions {
    /// Wall-clock limit for one evaluation (instantiate + call).
    pub timeout: Duration,
    /// Linear-memory limit for one evaluation, in bytes.
    pub memory_limit: u64,
    /// Where compiled code is cached.
    pub cache: CacheMode,
    /// Pre-allocate instance slots (pooling allocator). Costs a few milliseconds once;
    /// pays off, and lets threads scale, when a run has many evaluations.
    pub pooling: bool,
    /// Largest reply the host copies out of a guest, in bytes; a larger one is malformed.
    pub max_reply_bytes: u64,
    /// Most findings one evaluation may return; more make the reply malformed.
    pub max_findings: usize,
    /// Bounds on compiling a policy (module size, functions, time).
    pub compile: CompileLimits,
    /// Count the wasm instructions (fuel) each call runs and report them in
    /// [`crate::Evaluated::fuel`]: a cost that does not depend on the machine or its
    /// load, for tests and benchmarks. Metered code runs slower and is cached apart.
    pub meter_fuel: bool,
}

/// What compiling one policy may cost; past a bound the policy fails to load.
#[derive(Clone, Debug)]
pub struct CompileLimits {
    /// Largest module, in bytes (wasm, or `.wat` text before it is assembled).
    pub max_module_bytes: usize,
    /// Most functions defined in a module.
    pub max_functions: u32,
    /// Largest body of one function, in bytes.
    pub max_function_bytes: usize,
    /// Wall-clock limit for compiling one module.
    pub timeout: Duration,
}

impl Default for CompileLimits {
    fn default() -> Self {
        // The built-in policies are about 200 KiB with a few hundred functions and
        // compile in a fraction of a second in a release build; these leave room for
        // far larger policies. The time limit is generous because a debug build on a
        // busy machine compiles the built-ins in tens of seconds: it is there to stop a
        // pathological module, not to judge a slow machine.
        CompileLimits {
            max_module_bytes: 16 << 20,
            max_functions: 50_000,
            max_function_bytes: 1 << 20,
            timeout: Duration::from_secs(600),
        }
    }
}

impl Default for RuntimeOptions {
    fn default() -> Self {
        RuntimeOptions {
            timeout: Duration::from_secs(2),
            memory_limit: 256 << 20,
            cache: CacheMode::Default,
            pooling: false,
            max_reply_bytes: 16 << 20,
            max_findings: 10_000,
            compile: CompileLimits::default(),
            meter_fuel: false,
        }
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

impl RuntimeOptions {
    /// Whether a run with `jobs` workers can take its instances from the pooling allocator: each worker holds one
    /// instance at a time, and the pool has a fixed number of slots. Past that, memory is mapped per instance, so no
    /// evaluation ever fails for want of a slot.
    pub fn pooling_fits(jobs: usize) -> bool {
        jobs.saturating_add(POOL_SPARE) <= POOL_SLOTS as usize
    }
}

impl Runtime {
    /// Creates the engine (Cranelift, epoch interruption on) and starts its ticker.
    pub fn new(options: RuntimeOptions) -> Result<Runtime, crate::Error> {
        let mut config = Config::new();
        config.epoch_interruption(true);
        config.cranelift_opt_level(OptLevel::Speed);
        config.parallel_compilation(true);
        config.consume_fuel(options.meter_fuel);
        if options.pooling {
            // perf.md §3.4: reset memory by PAGEMAP_SCAN and memset of the resident
            // part instead of madvise/mprotect, which serialise threads on the mm lock.
            let mut pool = PoolingAllocationConfig::default();
            pool.total_core_instances(POOL_SLOTS)
                .total_memories(POOL_SLOTS)
                .total_tables(POOL_SLOTS)
                .max_memory_size(options.memory_limit as usize)
                .linear_memory_keep_resident(4 << 20)
                .table_keep_resident(64 << 10)
                .pagemap_scan(Enabled::Auto);
            config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        }
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
                    // Parked, not asleep, so that dropping the runtime wakes it at once: a
                    // plain sleep made every run wait up to one tick at exit.
                    while !flag.load(Ordering::Relaxed) {
                        let until = Instant::now() + TICK;
                        while let Some(left) = until.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()) {
                            if flag.load(Ordering::Relaxed) {
                                return;
                            }
                            std::thread::park_timeout(left);
                        }
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
            handle.thread().unpark();
            let _ = handle.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_runs_whose_workers_fit_the_pool_use_it() {
        assert!(RuntimeOptions::pooling_fits(1));
        assert!(RuntimeOptions::pooling_fits(POOL_SLOTS as usize - POOL_SPARE));
        assert!(!RuntimeOptions::pooling_fits(POOL_SLOTS as usize - POOL_SPARE + 1));
        assert!(!RuntimeOptions::pooling_fits(256), "--jobs allows 256 workers");
        assert!(!RuntimeOptions::pooling_fits(usize::MAX));
    }
}
