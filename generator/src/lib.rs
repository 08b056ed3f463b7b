//! openapi-forge: Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2 specs → self-contained Rust crates.
//!
//! The pipeline, one module a stage:
//!
//! ```text
//! files ──load──▶ bundle ──upgrade──▶ 3.0 bundle ──normalize──▶ Spec ──lower──▶ ir::Api ──emit──▶ Output
//! ```
//!
//! When [`Config::selection`] names operations, [`select`] removes the others from the 3.0
//! bundle, with the components only they used, before normalize.
//!
//! [`generate`] runs all of it and returns the files of one crate in memory; nothing touches
//! the disk until the caller writes the [`Output`] (see [`output`]), so a spec with errors never
//! leaves a crate half-written. [`build`] runs it from a build script, into `OUT_DIR`, as one
//! file to `include!`.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod build;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod examples;
pub mod format;
pub mod ir;
pub mod load;
mod lower;
pub mod normalize;
pub mod output;
pub mod select;
pub mod swagger2;
pub mod upgrade;

use std::path::PathBuf;

pub use diagnostics::{Diagnostic, Diagnostics, Location, Severity};
pub use output::Output;
pub use select::{Selection, Summary};

/// The version of the generator (the `openapi-forge` package), as `openapi-forge --version`
/// prints it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What to generate.
#[derive(Clone, Debug)]
pub struct Config {
    /// The spec files of one API. Several files are merged into one API.
    pub specs: Vec<PathBuf>,
    /// The package name of the generated crate.
    pub crate_name: String,
    /// How the generated-file header names the source (e.g. `specs/apono/*.yaml`).
    pub source_label: String,
    /// The command the generated-file header tells readers to run.
    pub regenerate_command: String,
    /// The operations to generate (by default all); the components only the others use are
    /// left out too. See [`select`].
    pub selection: Selection,
}

/// What a run read and kept, beside its result.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Every file read: the inputs and the files their `$ref`s reach, as far as loading got.
    pub files_read: Vec<String>,
    /// What [`Config::selection`] kept, when it is not everything.
    pub selected: Option<Summary>,
}

/// Loads, checks and lowers the specs into the IR. Warnings are returned alongside.
pub fn build_api(config: &Config) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    build_api_reporting(config, &mut Report::default())
}

/// [`build_api`], also recording in `report` the files read and what the selection kept.
pub fn build_api_reporting(
    config: &Config,
    report: &mut Report,
) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::default();
    let Some(mut bundle) = load::load(&config.specs, &mut diags) else {
        return Err(diags);
    };
    report.files_read.extend(bundle.files().map(str::to_string));
    upgrade::upgrade(&mut bundle, &mut diags);
    if !config.selection.is_all() {
        match select::select(&mut bundle, &config.selection, &mut diags) {
            Some(summary) => report.selected = Some(summary),
            None => return Err(diags),
        }
    }
    let Some(spec) = normalize::normalize(bundle, &mut diags) else {
        return Err(diags);
    };
    let api = lower::lower(spec, &config.crate_name, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((api, diags))
}

/// Generates one crate in memory. Warnings are returned alongside the files.
pub fn generate(config: &Config) -> Result<(Output, Diagnostics), Diagnostics> {
    generate_reporting(config, &mut Report::default())
}

/// [`generate`], also recording in `report` the files read and what the selection kept.
pub fn generate_reporting(
    config: &Config,
    report: &mut Report,
) -> Result<(Output, Diagnostics), Diagnostics> {
    let (api, mut diags) = build_api_reporting(config, report)?;
    match emit::crate_files(&api, config) {
        Ok(files) => Ok((files, diags)),
        Err(e) => {
            diags.error(
                Location::new(config.source_label.clone(), ""),
                format!("internal error while emitting code: {e}"),
            );
            Err(diags)
        }
    }
}
