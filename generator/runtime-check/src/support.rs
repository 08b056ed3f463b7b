//! Stands for a generated `src/support.rs`, with every optional part: a generated crate holds
//! the core and only the parts its API needs (see `emit::runtime::support` in the generator).
//! The parts are one module there, so they are included here rather than declared as modules.

include!("../../runtime/support/core.rs");
include!("../../runtime/support/chrono.rs");
include!("../../runtime/support/uuid.rs");
include!("../../runtime/support/regex.rs");
include!("../../runtime/support/base64.rs");

// Never compiled (`cfg(any())` is false): declared only so that `cargo fmt` formats the included
// files too, which it does not do through `include!`.
#[cfg(any())]
#[path = "../../runtime/support/base64.rs"]
mod formatted_base64;
#[cfg(any())]
#[path = "../../runtime/support/chrono.rs"]
mod formatted_chrono;
#[cfg(any())]
#[path = "../../runtime/support/core.rs"]
mod formatted_core;
#[cfg(any())]
#[path = "../../runtime/support/regex.rs"]
mod formatted_regex;
#[cfg(any())]
#[path = "../../runtime/support/uuid.rs"]
mod formatted_uuid;
