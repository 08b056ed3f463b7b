//! Benchmark binaries of `cargo xtask bench` (see `xtask/src/bench/` and BENCHMARKS.md).
//!
//! - `parse-floor FILE`: reads a spec and parses it into `serde_json::Value`, nothing more: the
//!   least any generator has to do with the file.
//! - `runtime-bench`: throughput of the generated axum server against a hand-written handler,
//!   and per-request cost of the generated reqwest client against a hand-written call, on
//!   127.0.0.1 with a fixed request count and concurrency.
