//! Emit stage: pure functions of the IR that produce the files of a crate.
//!
//! Rust files are token streams (`quote!`) formatted by `prettyplease`; `Cargo.toml` and
//! `README.md` are rendered from the minijinja templates in `templates/`. The runtime every
//! crate carries (`src/support.rs`, `src/client/runtime.rs`, `src/server/runtime.rs`) is not
//! `quote!` but ordinary Rust files in `generator/runtime/`, compiled, linted and tested in the
//! workspace and copied into each crate: `emit/runtime.rs` says where they are and how a change
//! to them reaches the generated crates (`cargo xtask codegen`, then the snapshot tests).
//!
//! Emitting and formatting are most of a run's work, so they are split into jobs run on every
//! core: each Rust file is a list of [`Part`]s (a few items each, emitted and formatted on their
//! own) and each other file one job. Files are put together from their jobs' results in order,
//! so the output does not depend on how the jobs were shared out.

mod client;
mod constructors;
mod docs;
mod document;
mod examples;
mod features;
mod manifest;
mod models;
mod overrides;
mod parallel;
mod runtime;
mod server;
mod status;
mod types;

use std::ops::Range;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;
use crate::{format, Config, Output};

/// The Rust type the generated crate has for `ty`, as the crate's own modules name it.
pub fn rust_type_of(api: &Api, ty: &crate::ir::TypeRef) -> TokenStream {
    types::rust_type(api, ty)
}

/// Emits part of a Rust file: whole items, preceded in a file's first part by its inner
/// attributes. The parts of a file are emitted and formatted one by one, possibly on different
/// threads, and their texts joined in order (see [`crate_files`]).
pub(crate) type Part<'a> = Box<dyn Fn() -> TokenStream + Send + Sync + 'a>;

/// How many items one [`Part`] made by [`item_parts`] holds: enough to make the work of a part
/// large next to handing it to a thread, few enough to spread a file over every core.
const ITEMS_PER_PART: usize = 16;

/// A part of a Rust file.
pub(crate) fn part<'a>(emit: impl Fn() -> TokenStream + Send + Sync + 'a) -> Part<'a> {
    Box::new(emit)
}

/// The parts that emit the items `emit` makes of each of `items`, in order, a few items a part.
pub(crate) fn item_parts<'a, T, F>(items: impl IntoIterator<Item = T>, emit: F) -> Vec<Part<'a>>
where
    T: Send + Sync + 'a,
    F: Fn(&T) -> TokenStream + Clone + Send + Sync + 'a,
{
    let mut parts = Vec::new();
    let mut chunk = Vec::with_capacity(ITEMS_PER_PART);
    for item in items {
        chunk.push(item);
        if chunk.len() == ITEMS_PER_PART {
            parts.push(chunk_part(std::mem::take(&mut chunk), emit.clone()));
        }
    }
    if !chunk.is_empty() {
        parts.push(chunk_part(chunk, emit));
    }
    parts
}

fn chunk_part<'a, T, F>(chunk: Vec<T>, emit: F) -> Part<'a>
where
    T: Send + Sync + 'a,
    F: Fn(&T) -> TokenStream + Send + Sync + 'a,
{
    part(move || {
        let items = chunk.iter().map(&emit);
        quote!(#(#items)*)
    })
}

/// Produces the text of a file, or of a part of a Rust file.
type Job<'a> = Box<dyn Fn() -> Result<String, String> + Send + Sync + 'a>;

/// A file of the crate and the jobs that produce its text.
struct Planned {
    path: String,
    jobs: Range<usize>,
    /// Rust files are the formatted texts of their parts, spaced and headed by
    /// [`format::finish`]; other files are the text of their one job.
    rust: bool,
}

/// The files of a crate and the work of producing them. Jobs are started in the order they
/// were added.
#[derive(Default)]
struct Plan<'a> {
    files: Vec<Planned>,
    jobs: Vec<Job<'a>>,
}

impl<'a> Plan<'a> {
    fn rust(&mut self, path: impl Into<String>, parts: Vec<Part<'a>>) {
        let start = self.jobs.len();
        for part in parts {
            self.jobs.push(Box::new(move || {
                format::unparse(part()).map_err(|e| e.to_string())
            }));
        }
        self.files.push(Planned {
            path: path.into(),
            jobs: start..self.jobs.len(),
            rust: true,
        });
    }

    /// A Rust file copied from runtime sources (see `emit/runtime.rs`), one job a source.
    fn runtime(&mut self, path: impl Into<String>, sources: Vec<&'static str>) {
        let start = self.jobs.len();
        for source in sources {
            self.jobs.push(Box::new(move || runtime::unparse(source)));
        }
        self.files.push(Planned {
            path: path.into(),
            jobs: start..self.jobs.len(),
            rust: true,
        });
    }

    fn text(
        &mut self,
        path: impl Into<String>,
        job: impl Fn() -> Result<String, String> + Send + Sync + 'a,
    ) {
        let start = self.jobs.len();
        self.jobs.push(Box::new(job));
        self.files.push(Planned {
            path: path.into(),
            jobs: start..self.jobs.len(),
            rust: false,
        });
    }

    /// Runs every job on every core and assembles the files. Each file's text depends only on
    /// its jobs' results, taken in order: the output is the same however the work was shared.
    /// The first error, in job order, is the one reported.
    fn run(self, header: &str) -> Result<Output, String> {
        let mut results = parallel::map(&self.jobs, |job| job()).into_iter();
        let mut out = Output::default();
        for file in self.files {
            let texts = results
                .by_ref()
                .take(file.jobs.len())
                .collect::<Result<Vec<String>, String>>()?;
            let text = if file.rust {
                format::finish(header, &texts.concat())
            } else {
                texts.concat()
            };
            out.files.insert(file.path, text);
        }
        Ok(out)
    }
}

/// Every file of the generated crate.
///
/// The work is split into jobs (a non-Rust file, or a part of a Rust file: see [`Part`]) that
/// run on every core.
pub fn crate_files(api: &Api, config: &Config) -> Result<Output, String> {
    let header = format!(
        "Generated by openapi-forge from {}. Do not edit: run `{}` to regenerate.",
        config.source_label, config.regenerate_command
    );
    let mut plan = Plan::default();
    // The files made of one large job go first, so that the many small parts of the big Rust
    // files keep every core busy until the end.
    plan.text("openapi.json", || document::document(api, &header));
    plan.rust(
        format!("examples/{}-smoke.rs", api.crate_name),
        vec![part(|| client::smoke_example(api))],
    );
    plan.rust("src/server.rs", server::parts(api));
    plan.rust("src/models.rs", models::parts(api));
    plan.rust("src/client.rs", client::parts(api));
    plan.text("README.md", || {
        let example = format::doctest(&client::example(api)).map_err(|e| e.to_string())?;
        manifest::readme(api, &header, &config.source_label, &example)
    });
    plan.rust("src/lib.rs", vec![part(|| lib_rs(api))]);
    plan.runtime("src/support.rs", runtime::support(api));
    plan.runtime("src/client/runtime.rs", vec![runtime::CLIENT]);
    plan.runtime("src/server/runtime.rs", vec![runtime::SERVER]);
    plan.text("Cargo.toml", || manifest::cargo_toml(api, &header));
    plan.rust(
        format!("examples/{}-mock.rs", api.crate_name),
        vec![part(|| server::mock_example(api))],
    );
    plan.run(&header)
}

/// `src/lib.rs`: crate docs, lints, modules and re-exports.
fn lib_rs(api: &Api) -> TokenStream {
    // The crates whose types appear in the crate's public API, re-exported so that users name
    // them through this crate instead of matching their versions by hand.
    let chrono = api.runtime.chrono.then(|| {
        quote!(
            pub use chrono;
        )
    });
    let uuid = api.runtime.uuid.then(|| {
        quote!(
            pub use uuid;
        )
    });
    // The types a streaming operation's caller names, at the root beside the models (unless a
    // model has the name: the root's names are the models' first).
    let streams = api
        .operations
        .iter()
        .any(|op| op.responses.iter().any(|r| r.stream.is_some()));
    let free = |name: &str| streams && !api.types.iter().any(|t| t.name == name);
    let event = free("Event").then(|| {
        quote!(
            pub use support::Event;
        )
    });
    let event_stream = free("EventStream").then(|| {
        quote!(
            #[cfg(feature = "client")]
            pub use client::runtime::EventStream;
        )
    });
    // The crate docs are the README; its client example is a doctest, so it is only included
    // when the client is built with every operation.
    let readme = if api.groups.iter().any(|g| g.feature.is_some()) {
        quote!(all(feature = "client", feature = "all-tags"))
    } else {
        quote!(feature = "client")
    };
    quote! {
        #![cfg_attr(#readme, doc = include_str!("../README.md"))]
        #![cfg_attr(not(#readme), doc = "Types of the API: see `models`.")]
        #![forbid(unsafe_code)]

        // The generator formats these files itself; `cargo fmt` in a workspace that holds this
        // crate must not rewrite them, or `cargo xtask codegen --check` would see them as stale.
        #[rustfmt::skip]
        pub mod models;
        #[rustfmt::skip]
        pub mod support;
        #[cfg(feature = "client")]
        #[rustfmt::skip]
        pub mod client;
        #[cfg(feature = "server")]
        #[rustfmt::skip]
        pub mod server;

        #[allow(unused_imports)]
        pub use models::*;
        pub use support::{Validate, ValidationError, ValidationErrors};
        #[cfg(feature = "client")]
        pub use client::{Client, ClientBuilder, Credentials, Error, ResponseValue};
        #event
        #event_stream

        pub use serde_json;
        #chrono
        #uuid
        #[cfg(feature = "client")]
        pub use reqwest;
        #[cfg(feature = "server")]
        pub use axum;
    }
}
