//! The runtime that openapi-forge copies into every generated crate, compiled as an ordinary
//! crate: `cargo clippy -p forge-runtime-check --all-targets -- -D warnings` lints it and
//! `cargo test -p forge-runtime-check` runs its unit tests, without generating a crate first.
//!
//! The runtime lives in `generator/runtime/` (see the `emit::runtime` module of the generator
//! for how it reaches the generated crates). This crate mirrors the module layout of a generated
//! crate, so that the runtime's `crate::` paths resolve as they do there:
//!
//! | module | here | in a generated crate |
//! | --- | --- | --- |
//! | [`support`] | every part of `runtime/support/` | `src/support.rs`: the core and the parts the API needs |
//! | [`client::runtime`] | `runtime/client.rs` | `src/client/runtime.rs` (feature `client`) |
//! | [`server::runtime`] | `runtime/server.rs` | `src/server/runtime.rs` (feature `server`) |
//!
//! Unit tests sit in the runtime files themselves, in `#[cfg(test)]` modules, which the
//! generator leaves out of the copies. Items that a generated crate's own modules define and
//! the runtime uses (`crate::server::Secret`...) have stand-ins here, the same as the
//! generator emits them.

#![forbid(unsafe_code)]

pub mod client;
pub mod server;
pub mod support;
