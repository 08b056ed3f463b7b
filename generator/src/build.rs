//! Generating an API's code from a build script, into `OUT_DIR`, for crates that would rather
//! not check a generated crate in.
//!
//! The build script names the spec; the generator writes one Rust file, `<module>.rs` in
//! `OUT_DIR`, and tells cargo to run the script again only when a file of the spec changes
//! (every file read, `$ref`s followed). The crate includes the file inside a module of its
//! choice:
//!
//! ```toml
//! # Cargo.toml
//! [build-dependencies]
//! openapi-forge = { git = "<repository URL>" }   # or { path = "..." }
//!
//! [dependencies]
//! # What the generated code uses: `Generated::dependencies`, and the header of the generated
//! # file, list them for the spec and parts at hand. For a client, typically:
//! serde = { version = "1", features = ["derive"] }
//! serde_json = "1"
//! reqwest = { version = "0.13", default-features = false, features = ["multipart", "rustls"] }
//! # ... base64, bytes, futures-util, tokio, tracing, url
//! ```
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), openapi_forge::build::BuildError> {
//!     openapi_forge::build::Builder::new("openapi/petstore.yaml").generate()?;
//!     Ok(())
//! }
//! ```
//!
//! ```text
//! // src/lib.rs
//! pub mod petstore {
//!     include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
//! }
//!
//! use petstore::{Client, models::Pet};
//! ```
//!
//! The included module has what the root of a generated crate has (`models`, `client`,
//! `support`, the re-exports), built with the [`Parts`] asked for instead of Cargo features.
//! It can sit at any depth: the generated code names its own items by relative paths. A bad
//! spec is an [`Err`] whose text lists every problem with its file, pointer and line, which
//! cargo prints when `main` returns it.

mod inline;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::{Config, Diagnostics, Output, Report, Selection, Summary};

/// Which parts of the API's code to generate; the models and the validation support are
/// always there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Parts {
    /// The types alone: serde models and `validate()`.
    Models,
    /// The models and the async reqwest client.
    #[default]
    Client,
    /// The models and the axum server (`Api` trait, `router`, mock).
    Server,
    /// The models, the client and the server.
    ClientAndServer,
}

impl Parts {
    /// The Cargo features of a generated crate that give the same code.
    fn features(self) -> &'static [&'static str] {
        match self {
            Parts::Models => &[],
            Parts::Client => &["client"],
            Parts::Server => &["server"],
            Parts::ClientAndServer => &["client", "server"],
        }
    }
}

/// Generates the code of one API from a build script (see the [module docs](self)).
#[derive(Clone, Debug)]
pub struct Builder {
    specs: Vec<PathBuf>,
    module: Option<String>,
    parts: Parts,
    out_dir: Option<PathBuf>,
    selection: Selection,
}

impl Builder {
    /// The API of the spec at `spec`: a file (YAML or JSON; Swagger 2.0 or OpenAPI 3.x), or a
    /// folder whose documents with a top-level `openapi` or `swagger` key are merged into one
    /// API (the folder's other files are reached through `$ref`s). Relative paths are relative
    /// to the package's directory, where cargo runs build scripts.
    pub fn new(spec: impl Into<PathBuf>) -> Builder {
        Builder {
            specs: vec![spec.into()],
            module: None,
            parts: Parts::default(),
            out_dir: None,
            selection: Selection::default(),
        }
    }

    /// Adds another file or folder of the same API (several are merged into one API).
    pub fn spec(mut self, spec: impl Into<PathBuf>) -> Builder {
        self.specs.push(spec.into());
        self
    }

    /// The name of the generated file, `<name>.rs`. By default, the first spec's file name
    /// without extension (or its folder's name, for `api.yaml`, `openapi.yaml` and the like),
    /// in snake case.
    pub fn module_name(mut self, name: impl Into<String>) -> Builder {
        self.module = Some(name.into());
        self
    }

    /// Which parts to generate (default: [`Parts::Client`], the models and the client).
    pub fn parts(mut self, parts: Parts) -> Builder {
        self.parts = parts;
        self
    }

    /// Generates only the operations `selection` keeps, and the types they use (default:
    /// every operation). A rule that matches no operation is an error.
    ///
    /// ```no_run
    /// openapi_forge::build::Builder::new("specs/github.json")
    ///     .select(openapi_forge::Selection {
    ///         include_tags: vec!["repos".into()],
    ///         operations: vec!["GET /user".into()],
    ///         ..Default::default()
    ///     })
    ///     .generate()
    ///     .unwrap();
    /// ```
    pub fn select(mut self, selection: Selection) -> Builder {
        self.selection = selection;
        self
    }

    /// Where to write (default: the `OUT_DIR` cargo gives build scripts).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.out_dir = Some(dir.into());
        self
    }

    /// Generates the code, writes it and prints the instructions cargo reads from build
    /// scripts: `cargo:rerun-if-changed=` for every file read, and a `cargo:warning=` when the
    /// spec has warnings or the package lacks a dependency the generated code uses.
    pub fn generate(&self) -> Result<Generated, BuildError> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(BuildError::NoOutDir)?,
        };
        let (specs, mut watched) = expand_specs(&self.specs)?;
        let module = match &self.module {
            Some(name) => name.clone(),
            None => default_module_name(&self.specs[0]),
        };
        let label = self
            .specs
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let config = Config {
            specs,
            crate_name: module.replace('_', "-"),
            source_label: label.clone(),
            regenerate_command: "cargo build".into(),
            selection: self.selection.clone(),
        };
        let mut report = Report::default();
        let result = crate::generate_reporting(&config, &mut report);
        let Report {
            files_read: read,
            selected,
        } = report;
        watched.extend(read.iter().map(PathBuf::from));
        for path in &watched {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        let (output, warnings) = result.map_err(|diagnostics| BuildError::Spec {
            spec: label.clone(),
            diagnostics,
        })?;
        if !warnings.is_empty() {
            let count = warnings.iter().count();
            println!(
                "cargo:warning=openapi-forge: {count} warning(s) about {label}; `openapi-forge check {label}` lists them"
            );
        }

        let files_dir = out_dir.join(&module);
        let inliner = inline::Inliner {
            output: &output,
            features: self.parts.features(),
            files: &files_dir,
        };
        let (code, included) = inliner.flatten().map_err(BuildError::Generate)?;
        for rel in &included {
            let contents = &output.files[rel];
            write_if_changed(&files_dir.join(rel), contents)?;
        }
        let dependencies = dependencies(&output, self.parts);
        let text = included_text(&label, &dependencies, &code);
        let file = out_dir.join(format!("{module}.rs"));
        write_if_changed(&file, &text)?;

        if let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR") {
            let missing =
                missing_dependencies(&Path::new(&manifest).join("Cargo.toml"), &dependencies);
            if !missing.is_empty() {
                let lines: Vec<String> = missing.iter().map(|d| d.toml_line()).collect();
                println!(
                    "cargo:warning=openapi-forge: the code generated from {label} uses crates this package does not depend on; add to [dependencies]: {}",
                    lines.join("; ")
                );
            }
        }
        Ok(Generated {
            file,
            files_read: read.into_iter().map(PathBuf::from).collect(),
            dependencies,
            warnings,
            selected,
        })
    }
}

/// The spec files of the builder's specs, a folder standing for its root files, and the paths
/// to watch (each spec as given: a new file in a folder is a new part of the API).
fn expand_specs(given: &[PathBuf]) -> Result<(Vec<PathBuf>, BTreeSet<PathBuf>), BuildError> {
    let mut specs = Vec::new();
    let mut watched = BTreeSet::new();
    for spec in given {
        if spec.is_dir() {
            // A new file in the folder is a new part of the API.
            watched.insert(spec.clone());
            let roots = folder_roots(spec)?;
            if roots.is_empty() {
                return Err(BuildError::NoSpec(spec.clone()));
            }
            specs.extend(roots);
        } else {
            watched.insert(spec.clone());
            specs.push(spec.clone());
        }
    }
    Ok((specs, watched))
}

/// The text of the file the crate includes: a header naming the dependencies it needs, then
/// the code.
fn included_text(label: &str, dependencies: &[Dependency], code: &str) -> String {
    let mut text = format!(
        "// Generated by openapi-forge {} from {label} by a build script. Do not edit.\n\
         //\n\
         // The crate that includes this file needs these [dependencies]:\n",
        crate::VERSION
    );
    for dep in dependencies {
        text.push_str(&format!("//   {}\n", dep.toml_line()));
    }
    text.push('\n');
    text.push_str(code);
    text
}

/// What [`Builder::generate`] wrote.
#[derive(Debug)]
pub struct Generated {
    /// The file to `include!`: `<out dir>/<module>.rs`.
    pub file: PathBuf,
    /// Every spec file read (the inputs and each file reached through a `$ref`).
    pub files_read: Vec<PathBuf>,
    /// The crates the generated code uses, which the including package must depend on.
    pub dependencies: Vec<Dependency>,
    /// The spec's warnings (a warning does not stop generation).
    pub warnings: Diagnostics,
    /// What [`Builder::select`] kept, when it was given rules.
    pub selected: Option<Summary>,
}

/// A crate the generated code uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// The crate's name, as in `[dependencies]`.
    pub name: String,
    /// The requirement, as TOML: `"1"` or `{ version = "0.13", features = [...] }`.
    pub requirement: String,
}

impl Dependency {
    /// The line of `[dependencies]` that declares it: `serde_json = "1"`.
    pub fn toml_line(&self) -> String {
        format!("{} = {}", self.name, self.requirement)
    }
}

/// Why [`Builder::generate`] failed. Its `Debug` is its `Display`, so that a build script's
/// `main` that returns it prints every problem readably.
#[derive(thiserror::Error)]
pub enum BuildError {
    /// Not run by cargo as a build script, and no [`Builder::out_dir`] given.
    #[error("OUT_DIR is not set: run from a build script, or call `Builder::out_dir`")]
    NoOutDir,
    /// A folder without an OpenAPI or Swagger document in it.
    #[error("no document with an `openapi` or `swagger` key in {}", .0.display())]
    NoSpec(PathBuf),
    /// The spec has errors.
    #[error("the spec {spec} has {} error(s):\n{}", .diagnostics.error_count(), list(.diagnostics))]
    Spec {
        /// The spec files as given.
        spec: String,
        /// Every problem found, errors and warnings.
        diagnostics: Diagnostics,
    },
    /// A file or folder could not be read or written.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The generated code could not be put together (a bug of the generator).
    #[error("internal error while generating code: {0}")]
    Generate(String),
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn list(diagnostics: &Diagnostics) -> String {
    diagnostics
        .iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The documents of a folder that are APIs, not fragments: files with a top-level `openapi` or
/// `swagger` key (a file that does not parse is one too, so that loading reports the error),
/// sorted by name.
fn folder_roots(dir: &Path) -> Result<Vec<PathBuf>, BuildError> {
    let io = |source| BuildError::Io {
        action: "read",
        path: dir.to_path_buf(),
        source,
    };
    let mut roots = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let is_spec = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"));
        if !is_spec || !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|source| BuildError::Io {
            action: "read",
            path: path.clone(),
            source,
        })?;
        let is_root = match serde_yaml::from_str::<serde_yaml::Value>(&text) {
            Ok(serde_yaml::Value::Mapping(map)) => {
                map.contains_key("openapi") || map.contains_key("swagger")
            }
            Ok(_) => false,
            Err(_) => true,
        };
        if is_root {
            roots.push(path);
        }
    }
    roots.sort();
    Ok(roots)
}

/// The module name from the first spec (see [`Builder::module_name`]).
fn default_module_name(spec: &Path) -> String {
    let generic = ["api", "openapi", "swagger", "spec", "index", "main"];
    let stem = if spec.is_dir() {
        spec.file_name()
    } else {
        match spec.file_stem() {
            Some(stem) if generic.contains(&stem.to_string_lossy().to_lowercase().as_str()) => {
                spec.parent().and_then(Path::file_name).or(Some(stem))
            }
            other => other,
        }
    };
    let stem = stem
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut name = String::new();
    for (i, c) in stem.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 && !name.ends_with('_') {
            name.push('_');
        }
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_matches('_').to_string();
    match name.chars().next() {
        None => "api".to_string(),
        Some(c) if c.is_ascii_digit() => format!("api_{name}"),
        Some(_) => name,
    }
}

fn write_if_changed(path: &Path, contents: &str) -> Result<(), BuildError> {
    if std::fs::read_to_string(path).is_ok_and(|existing| existing == contents) {
        return Ok(());
    }
    let io = |source| BuildError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::write(path, contents).map_err(io)
}

/// The crates the code of `parts` uses, read from the generated crate's `Cargo.toml`: its
/// required dependencies, the optional ones the parts' features turn on, with the features of
/// them that the crate's default features turn on (reqwest's TLS), in name order.
fn dependencies(output: &Output, parts: Parts) -> Vec<Dependency> {
    let Some(manifest) = output.files.get("Cargo.toml") else {
        return Vec::new();
    };
    let mut section = "";
    let mut features: Vec<(String, Vec<String>)> = Vec::new();
    let mut declared: Vec<(String, String)> = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line;
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim().to_string(), value.trim().to_string());
        match section {
            "[features]" => {
                let items = value
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .split(',')
                    .map(|s| s.trim().trim_matches('"').to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                features.push((key, items));
            }
            "[dependencies]" => declared.push((key, value)),
            _ => {}
        }
    }
    let feature = |name: &str| {
        features
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, items)| items.clone())
            .unwrap_or_default()
    };
    // The parts' features, and the default features that are not parts (TLS for the client).
    let mut on: Vec<String> = parts.features().iter().map(|f| f.to_string()).collect();
    for f in feature("default") {
        if !matches!(f.as_str(), "client" | "server") && !on.contains(&f) {
            on.push(f);
        }
    }
    let mut enabled = BTreeSet::new();
    let mut extra: Vec<(String, String)> = Vec::new();
    for f in &on {
        for item in feature(f) {
            if let Some(dep) = item.strip_prefix("dep:") {
                enabled.insert(dep.to_string());
            } else if let Some((dep, dep_feature)) = item.split_once('/') {
                let weak = dep.ends_with('?');
                let dep = dep.trim_end_matches('?').to_string();
                if !weak {
                    enabled.insert(dep.clone());
                }
                extra.push((dep, dep_feature.to_string()));
            }
        }
    }
    let mut out = Vec::new();
    for (name, value) in declared {
        let optional = value.contains("optional = true");
        if optional && !enabled.contains(&name) {
            continue;
        }
        let more: Vec<&str> = extra
            .iter()
            .filter(|(dep, _)| *dep == name)
            .map(|(_, f)| f.as_str())
            .collect();
        out.push(Dependency {
            requirement: requirement(&value, &more),
            name,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// A dependency's TOML value without `optional = true`, with `more` features added.
fn requirement(value: &str, more: &[&str]) -> String {
    let value = value
        .replace("optional = true, ", "")
        .replace(", optional = true", "");
    if more.is_empty() {
        return value;
    }
    let quoted: Vec<String> = more.iter().map(|f| format!("\"{f}\"")).collect();
    let Some(table) = value
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .map(str::trim)
    else {
        return format!(
            "{{ version = {value}, features = [{}] }}",
            quoted.join(", ")
        );
    };
    match table.split_once("features = [") {
        Some((before, after)) => {
            let (list, rest) = after.split_once(']').unwrap_or((after, ""));
            let mut items: Vec<String> = list
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            for q in quoted {
                if !items.contains(&q) {
                    items.push(q);
                }
            }
            format!("{{ {before}features = [{}]{rest} }}", items.join(", "))
        }
        None => format!("{{ {table}, features = [{}] }}", quoted.join(", ")),
    }
}

/// The dependencies that the package's manifest does not declare under any `dependencies`
/// table (build and dev dependencies aside). A manifest that cannot be read declares them all:
/// nothing is reported then.
fn missing_dependencies(manifest: &Path, needed: &[Dependency]) -> Vec<Dependency> {
    let Ok(text) = std::fs::read_to_string(manifest) else {
        return Vec::new();
    };
    let mut declared = BTreeSet::new();
    let mut in_dependencies = false;
    for line in text.lines() {
        let line = line.trim();
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_end_matches(']');
            let is_table = |t: &str| t == "dependencies" || t.ends_with(".dependencies");
            in_dependencies = is_table(header);
            // `[dependencies.serde]`
            if let Some((table, name)) = header.rsplit_once('.') {
                if is_table(table) {
                    declared.insert(name.trim_matches('"').to_string());
                }
            }
            continue;
        }
        if in_dependencies {
            if let Some(key) = line.split(['=', '.']).next() {
                let key = key.trim().trim_matches('"');
                if !key.is_empty() && !key.starts_with('#') {
                    declared.insert(key.to_string());
                }
            }
        }
    }
    needed
        .iter()
        .filter(|d| !declared.contains(&d.name))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_come_from_the_file_or_its_folder() {
        assert_eq!(
            default_module_name(Path::new("specs/petstore.yaml")),
            "petstore"
        );
        assert_eq!(
            default_module_name(Path::new("specs/pet-store/api.yaml")),
            "pet_store"
        );
        assert_eq!(default_module_name(Path::new("PetStore.json")), "pet_store");
        assert_eq!(default_module_name(Path::new("3d.yaml")), "api_3d");
    }

    #[test]
    fn requirements_lose_optional_and_gain_default_features() {
        assert_eq!(requirement("\"1\"", &[]), "\"1\"");
        assert_eq!(
            requirement("{ version = \"1\", optional = true }", &[]),
            "{ version = \"1\" }"
        );
        assert_eq!(
            requirement(
                "{ optional = true, version = \"0.13\", default-features = false, features = [\"multipart\"] }",
                &["rustls"]
            ),
            "{ version = \"0.13\", default-features = false, features = [\"multipart\", \"rustls\"] }"
        );
        assert_eq!(
            requirement("\"1\"", &["x"]),
            "{ version = \"1\", features = [\"x\"] }"
        );
    }

    #[test]
    fn dependencies_follow_the_parts() {
        let manifest = "[features]\n\
            default = [\"client\", \"rustls\"]\n\
            client = [\"dep:reqwest\", \"dep:url\"]\n\
            rustls = [\"reqwest?/rustls\"]\n\
            server = [\"dep:axum\", \"dep:url\"]\n\
            \n[dependencies]\n\
            axum = { optional = true, version = \"0.8\" }\n\
            reqwest = { optional = true, version = \"0.13\", default-features = false }\n\
            serde = { version = \"1\", features = [\"derive\"] }\n\
            url = { version = \"2\", optional = true }\n\
            \n[dev-dependencies]\ntokio = \"1\"\n";
        let output = Output {
            files: [("Cargo.toml".to_string(), manifest.to_string())].into(),
        };
        let names = |parts| -> Vec<String> {
            dependencies(&output, parts)
                .into_iter()
                .map(|d| d.toml_line())
                .collect()
        };
        assert_eq!(
            names(Parts::Models),
            ["serde = { version = \"1\", features = [\"derive\"] }"]
        );
        assert_eq!(
            names(Parts::Client),
            [
                "reqwest = { version = \"0.13\", default-features = false, features = [\"rustls\"] }",
                "serde = { version = \"1\", features = [\"derive\"] }",
                "url = { version = \"2\" }",
            ]
        );
        assert_eq!(
            names(Parts::Server),
            [
                "axum = { version = \"0.8\" }",
                "serde = { version = \"1\", features = [\"derive\"] }",
                "url = { version = \"2\" }",
            ]
        );
    }

    #[test]
    fn missing_dependencies_are_named() {
        let dir = std::env::temp_dir().join(format!("forge-build-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let manifest = dir.join("Cargo.toml");
        std::fs::write(
            &manifest,
            "[package]\nname = \"x\"\n\n[dependencies]\nserde.workspace = true\n\"url\" = \"2\"\n\n\
             [target.'cfg(unix)'.dependencies.reqwest]\nversion = \"0.13\"\n\n\
             [dev-dependencies]\naxum = \"0.8\"\n",
        )
        .expect("write manifest");
        let dep = |name: &str| Dependency {
            name: name.to_string(),
            requirement: "\"1\"".to_string(),
        };
        let needed = [
            dep("serde"),
            dep("url"),
            dep("reqwest"),
            dep("axum"),
            dep("bytes"),
        ];
        let missing: Vec<String> = missing_dependencies(&manifest, &needed)
            .into_iter()
            .map(|d| d.name)
            .collect();
        assert_eq!(missing, ["axum", "bytes"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
