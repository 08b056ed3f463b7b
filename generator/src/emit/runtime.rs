//! The runtime every generated crate carries: `src/support.rs`, `src/client/runtime.rs` and
//! `src/server/runtime.rs`.
//!
//! # Where it lives
//!
//! The runtime is the same for every API, so it is ordinary Rust in `generator/runtime/`, not
//! `quote!`:
//!
//! | source | copied to | in |
//! | --- | --- | --- |
//! | `runtime/support/core.rs` | `src/support.rs` | every crate |
//! | `runtime/support/{chrono,uuid,regex,base64}.rs` | appended to `src/support.rs` | crates whose API needs them ([`Runtime`]) |
//! | `runtime/client.rs` | `src/client/runtime.rs` | every crate (compiled with the `client` feature) |
//! | `runtime/server.rs` | `src/server/runtime.rs` | every crate (compiled with the `server` feature) |
//!
//! The files are embedded in the generator with `include_str!`; which support parts a crate
//! gets is all that varies per API. They are compiled, linted and unit-tested as they are by
//! the workspace crate `generator/runtime-check` (`forge-runtime-check`), whose module layout is
//! that of a generated crate, with stand-ins for the few per-API items the runtime refers to
//! (`crate::server::Secret`, `BasicAuth`, `CHALLENGE`). Their unit tests sit in `#[cfg(test)]`
//! modules of the runtime files:
//!
//! ```sh
//! cargo clippy -p forge-runtime-check --all-targets -- -D warnings
//! cargo test -p forge-runtime-check
//! ```
//!
//! # How a change reaches the generated crates
//!
//! Every file is copied as formatted from its syntax tree (`syn` + `prettyplease`, as every
//! generated Rust file), under the generated-file header: `///` docs are kept, plain `//`
//! comments are not, and top-level `#[cfg(test)]` modules are left out. After editing a runtime
//! file:
//!
//! 1. `cargo xtask codegen` regenerates the crates in `generated/` (CI fails on stale ones);
//! 2. `cargo test -p forge-tests --test snapshots` compares the fixture crates with their
//!    snapshots: the runtime is snapshotted once, in `tests/snapshots/shared_src_*.snap`;
//!    review and accept the new ones;
//! 3. `cargo test -p forge-tests --test compile` compiles, lints and tests every fixture crate
//!    (all features); a generated crate must also stay warning-free with no features or one
//!    (`cargo build -p infraon-api --no-default-features [--features server]`), as the client
//!    and server runtimes are compiled only with their feature.
//!
//! [`Runtime`]: crate::ir::Runtime

use crate::ir::Api;

/// `src/client/runtime.rs`: errors, response values, credentials, retries, hooks, parameter
/// encoding, the send loop, pagination and streamed bodies (event streams, JSON Lines).
pub(crate) const CLIENT: &str = include_str!("../../runtime/client.rs");

/// `src/server/runtime.rs`: request parsing and rejections, streamed responses.
pub(crate) const SERVER: &str = include_str!("../../runtime/server.rs");

/// The start of `src/support.rs`, in every crate: `Validate`, `ValidationError(s)` and serde
/// helpers.
const SUPPORT_CORE: &str = include_str!("../../runtime/support/core.rs");
/// `Validate` for `chrono` dates and times.
const SUPPORT_CHRONO: &str = include_str!("../../runtime/support/chrono.rs");
/// `Validate` for `uuid::Uuid`.
const SUPPORT_UUID: &str = include_str!("../../runtime/support/uuid.rs");
/// `matches_pattern`, for `pattern` constraints.
const SUPPORT_REGEX: &str = include_str!("../../runtime/support/regex.rs");
/// `Base64`, for `format: byte`.
const SUPPORT_BASE64: &str = include_str!("../../runtime/support/base64.rs");

/// The sources of `src/support.rs`, in order: the core, then each part the API needs.
pub(crate) fn support(api: &Api) -> Vec<&'static str> {
    let needs = api.runtime;
    let parts = [
        (true, SUPPORT_CORE),
        (needs.chrono, SUPPORT_CHRONO),
        (needs.uuid, SUPPORT_UUID),
        (needs.regex, SUPPORT_REGEX),
        (needs.base64, SUPPORT_BASE64),
    ];
    parts
        .into_iter()
        .filter_map(|(needed, source)| needed.then_some(source))
        .collect()
}

/// A runtime source as it is copied: formatted like every generated file, without its
/// top-level `#[cfg(test)]` items.
pub(crate) fn unparse(source: &str) -> Result<String, String> {
    let mut file = syn::parse_file(source).map_err(|e| format!("runtime source: {e}"))?;
    file.items.retain(|item| !is_test_only(item));
    Ok(prettyplease::unparse(&file))
}

/// Whether an item is `#[cfg(test)]` (the runtime's unit tests).
fn is_test_only(item: &syn::Item) -> bool {
    let attrs = match item {
        syn::Item::Mod(item) => &item.attrs,
        syn::Item::Fn(item) => &item.attrs,
        syn::Item::Use(item) => &item.attrs,
        syn::Item::Const(item) => &item.attrs,
        syn::Item::Static(item) => &item.attrs,
        syn::Item::Struct(item) => &item.attrs,
        syn::Item::Impl(item) => &item.attrs,
        _ => return false,
    };
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && matches!(&attr.meta, syn::Meta::List(list) if list.tokens.to_string() == "test")
    })
}

#[cfg(test)]
mod tests {
    use super::{unparse, CLIENT, SERVER, SUPPORT_BASE64, SUPPORT_CHRONO, SUPPORT_CORE};
    use super::{SUPPORT_REGEX, SUPPORT_UUID};

    /// Every runtime file parses, and its tests are not copied.
    #[test]
    fn runtime_files_are_copied_without_their_tests() {
        let sources = [
            CLIENT,
            SERVER,
            SUPPORT_CORE,
            SUPPORT_CHRONO,
            SUPPORT_UUID,
            SUPPORT_REGEX,
            SUPPORT_BASE64,
        ];
        for source in sources {
            let copied = unparse(source).expect("a runtime file does not parse");
            assert!(!copied.contains("cfg(test)"), "{copied}");
            assert!(!copied.contains("#[test]"), "{copied}");
            assert!(!copied.trim().is_empty());
        }
    }

    #[test]
    fn only_top_level_test_items_are_left_out() {
        let source = "pub fn kept() {}\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {}\n}\n#[cfg(not(test))]\npub fn also_kept() {}\n";
        let copied = unparse(source).unwrap();
        assert!(copied.contains("pub fn kept()"), "{copied}");
        assert!(copied.contains("pub fn also_kept()"), "{copied}");
        assert!(!copied.contains("mod tests"), "{copied}");
    }
}
