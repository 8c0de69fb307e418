//! Empty: the benchmark is `benches/lifecycle.rs` (`cargo bench`).
