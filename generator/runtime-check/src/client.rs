//! Stands for a generated `src/client.rs`: the runtime is all the client runtime refers to.

#[path = "../../runtime/client.rs"]
pub mod runtime;
