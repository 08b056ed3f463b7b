//! Helpers shared by the fixture tests: finding the fixture specs, generating them, rendering
//! the output for snapshots, and locating the build directories.
//!
//! A fixture is either `fixtures/<name>.yaml`, or a folder `fixtures/<name>/` whose root
//! document is `fixtures/<name>/api.yaml` (the other files of the folder are reached through
//! relative `$ref`s). `fixtures/<name>.behaviour.rs`, when present, is a test file that the
//! `compile` test runs against the crate generated from the fixture. Fixtures that must fail
//! live in `fixtures/errors/`; the pairs of spec versions of the diff tests in `fixtures/diff/`;
//! the inputs that once broke the generator, which the fuzz tests replay, in `fixtures/fuzz/`.
//!
//! Spec paths are given to the generator relative to this crate's directory (the working
//! directory of every test that cargo runs), so that diagnostics and generated files never
//! mention where the workspace happens to be checked out.

use std::path::{Path, PathBuf};

use openapi_forge::{Config, Diagnostics, Output};

/// The command that regenerates the snapshots, as generated-file headers name it.
pub const REGENERATE: &str = "cargo test -p forge-tests";

/// Generated files left out of the per-fixture snapshots: the runtime every crate carries, which
/// depends only on the runtime crates a spec needs (uuid, chrono...), not on its schemas or
/// operations. They are snapshotted once, by their own test, instead of once per fixture.
pub const SHARED_FILES: &[&str] = &[
    "src/support.rs",
    "src/client/runtime.rs",
    "src/server/runtime.rs",
];

/// Generated files that hold nothing of the API when it has no operations (the client's and the
/// server's boilerplate): left out of the snapshots of fixtures without operations, and
/// snapshotted once, like [`SHARED_FILES`]. A `*` stands for any text.
pub const OPERATION_FILES: &[&str] = &[
    "src/client.rs",
    "src/server.rs",
    "examples/*-mock.rs",
    "examples/*-smoke.rs",
];

/// The bundled spec every crate carries: a re-serialization of the fixture itself, so it is
/// snapshotted only for the fixtures whose point is bundling ([`BUNDLING_FIXTURES`]).
pub const BUNDLE_FILE: &str = "openapi.json";

/// The fixtures whose snapshots include [`BUNDLE_FILE`].
pub const BUNDLING_FIXTURES: &[&str] = &["component_refs", "multi_file", "path_item_ref"];

/// Whether `path` matches `pattern`, in which one `*` stands for any text.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == path,
        Some((prefix, suffix)) => {
            path.len() >= prefix.len() + suffix.len()
                && path.starts_with(prefix)
                && path.ends_with(suffix)
        }
    }
}

/// One fixture spec that must generate a crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fixture {
    /// The fixture's name, which is also the generated crate's package name.
    pub name: String,
    /// The root spec, relative to this crate's directory.
    pub spec: PathBuf,
}

impl Fixture {
    /// The fixture named `name`; panics when there is none (a typo in a test).
    pub fn named(name: &str) -> Fixture {
        fixtures()
            .into_iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no fixture named `{name}` under tests/fixtures"))
    }

    /// The generator configuration the tests use for this fixture.
    pub fn config(&self) -> Config {
        Config {
            specs: vec![self.spec.clone()],
            crate_name: self.name.clone(),
            source_label: format!("tests/{}", slash_path(&self.spec)),
            regenerate_command: REGENERATE.to_string(),
            selection: Default::default(),
        }
    }

    /// The companion behaviour test, `fixtures/<name>.behaviour.rs`, if the fixture has one.
    pub fn behaviour(&self) -> Option<PathBuf> {
        let path = crate_dir()
            .join("fixtures")
            .join(format!("{}.behaviour.rs", self.name));
        path.is_file().then_some(path)
    }

    /// Whether the fixture's spec has operations (paths with methods).
    pub fn has_operations(&self) -> bool {
        match openapi_forge::build_api(&self.config()) {
            Ok((api, _)) => !api.operations.is_empty(),
            Err(diags) => panic!("fixture `{}` failed to load:\n{diags}", self.name),
        }
    }

    /// The generated files a snapshot of this fixture leaves out (patterns for [`path_matches`]).
    pub fn unsnapshotted_files(&self) -> Vec<&'static str> {
        let mut files = SHARED_FILES.to_vec();
        if !self.has_operations() {
            files.extend_from_slice(OPERATION_FILES);
        }
        if !BUNDLING_FIXTURES.contains(&self.name.as_str()) {
            files.push(BUNDLE_FILE);
        }
        files
    }

    /// Generates the fixture's crate; panics with the rendered diagnostics when it fails.
    pub fn generate(&self) -> (Output, Diagnostics) {
        match openapi_forge::generate(&self.config()) {
            Ok(result) => result,
            Err(diags) => panic!("fixture `{}` failed to generate:\n{diags}", self.name),
        }
    }
}

/// This crate's directory (`<workspace>/tests`).
pub fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    crate_dir()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Every fixture that must generate a crate, sorted by name.
pub fn fixtures() -> Vec<Fixture> {
    let dir = crate_dir().join("fixtures");
    let mut out = Vec::new();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .flatten();
    for entry in entries {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        // `errors/` holds specs that must fail, `diff/` pairs of versions for the diff tests,
        // `fuzz/` the inputs that once broke the generator (see `fuzz.rs`).
        if is_dir && file_name != "errors" && file_name != "diff" && file_name != "fuzz" {
            out.push(Fixture {
                spec: Path::new("fixtures").join(&file_name).join("api.yaml"),
                name: file_name,
            });
        } else if let Some(name) = file_name.strip_suffix(".yaml") {
            out.push(Fixture {
                name: name.to_string(),
                spec: Path::new("fixtures").join(&file_name),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The error fixtures (`fixtures/errors/*.yaml`), as (name, path relative to this crate).
pub fn error_fixtures() -> Vec<(String, PathBuf)> {
    let dir = crate_dir().join("fixtures").join("errors");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .flatten()
        .filter_map(|entry| {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let name = file_name.strip_suffix(".yaml")?.to_string();
            Some((name, Path::new("fixtures").join("errors").join(file_name)))
        })
        .collect();
    out.sort();
    out
}

/// The generated files as one text: warnings first (if any), then `=== path ===` and the
/// contents of each file, in path order, leaving out the files that match a pattern of `skip`
/// (see [`path_matches`]).
pub fn render(output: &Output, warnings: &Diagnostics, skip: &[&str]) -> String {
    let mut text = String::new();
    if !warnings.is_empty() {
        text.push_str("=== warnings ===\n");
        text.push_str(&warnings.to_string());
        text.push('\n');
    }
    for (path, contents) in &output.files {
        if skip.iter().any(|pattern| path_matches(pattern, path)) {
            continue;
        }
        text.push_str(&format!("=== {path} ===\n"));
        text.push_str(contents);
        if !contents.ends_with('\n') {
            text.push('\n');
        }
        text.push('\n');
    }
    text
}

/// The cargo target directory the running test binary was built into.
///
/// Test binaries live in `<target>/<profile>/deps/`; this honours `CARGO_TARGET_DIR` and
/// `--target-dir` without reading them.
pub fn target_dir() -> PathBuf {
    profile_dir()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// `<target>/<profile>`, the directory of the running build profile (`debug`, `release`...).
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its own path");
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| workspace_root().join("target").join("debug"))
}

/// A path with `/` separators, for labels that must read the same on every platform.
pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// `text` with every line prefixed, for readable failure messages of child processes.
pub fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}\n"))
        .collect::<String>()
}
