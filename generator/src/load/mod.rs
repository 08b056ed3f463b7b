//! Load stage: files → one bundled JSON document.
//!
//! Every input file is parsed (YAML or JSON) into a `serde_json::Value`. The files are then
//! bundled into one document: each component of each input file, and each component reached
//! through a `$ref` to another file, gets a slot in the bundle's `components`, and every `$ref`
//! is rewritten to point at its slot. `$ref`s to anything that is not a component (a path item,
//! a schema deep inside another schema) are inlined. After this stage every `$ref` in the
//! document is local, points at an existing component, and has its origin recorded so that
//! later errors can name the file the user wrote.
//!
//! Here: the bundle, `load` and the version check. The bundler is in `bundle`, reading and
//! parsing a file in `parse` (YAML is read through `serde_yaml` there and nowhere else), and
//! the texts and line-column positions that diagnostics name in `positions`.

mod bundle;
mod parse;
mod positions;

use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostics, Location};

use bundle::Bundler;
use positions::Texts;

/// The component sections of an OpenAPI 3.0 document, in document order.
pub const SECTIONS: [&str; 9] = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// One bundled document and where its parts came from.
#[derive(Debug)]
pub struct Bundle {
    /// The bundled document: every `$ref` in it is `#/components/<section>/<name>`.
    pub doc: Value,
    /// The input files as given, in order.
    pub sources: Vec<String>,
    origins: Vec<(String, Location)>,
    /// The text of each file, to find the line and column of a reported problem.
    texts: Texts,
}

impl Bundle {
    /// Every file that was read: the inputs and each file reached through a `$ref`, by the
    /// name diagnostics use for it (relative paths stay relative to the working directory).
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.texts.0.keys().map(String::as_str)
    }

    /// Maps a JSON pointer into the bundle back to the file and pointer the user wrote.
    pub fn locate(&self, pointer: &str) -> Location {
        let best = self
            .origins
            .iter()
            .filter(|(prefix, _)| {
                pointer == prefix
                    || (pointer.starts_with(prefix.as_str())
                        && pointer.as_bytes().get(prefix.len()) == Some(&b'/'))
            })
            .max_by_key(|(prefix, _)| prefix.len());
        let mut location = match best {
            Some((prefix, origin)) => Location::new(
                origin.file.clone(),
                format!("{}{}", origin.pointer, &pointer[prefix.len()..]),
            ),
            None => Location::new(self.sources.first().cloned().unwrap_or_default(), pointer),
        };
        location.pointer = self.texts.original(&location.file, &location.pointer);
        location.line_col = self.texts.line_col(&location.file, &location.pointer);
        location
    }
}

/// Reads and bundles `paths`. Returns `None` when any error was recorded in `diags`.
pub fn load(paths: &[PathBuf], diags: &mut Diagnostics) -> Option<Bundle> {
    let mut bundler = Bundler::default();
    let mut roots = Vec::new();
    for path in paths {
        let name = display_path(path);
        if bundler.read(&name, None, diags) {
            roots.push(name);
        }
    }
    if roots.is_empty() || diags.has_errors() {
        return None;
    }
    for root in &roots {
        let at = |p: &str| bundler.at(root, p);
        check_version(&bundler.files[root], at, diags);
    }
    if diags.has_errors() {
        return None;
    }
    // Components first, so that each root's own components keep their names: every name is
    // reserved for its root before any `$ref` can bring in another file's component.
    let own: Vec<(String, &str, String)> = roots
        .iter()
        .flat_map(|root| {
            let doc = &bundler.files[root];
            SECTIONS.into_iter().flat_map(move |section| {
                doc.pointer(&format!("/components/{section}"))
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|m| m.keys())
                    .map(move |name| (root.clone(), section, name.clone()))
            })
        })
        .collect();
    for (root, section, name) in &own {
        bundler
            .reserved
            .entry((section.to_string(), name.clone()))
            .or_insert_with(|| root.clone());
    }
    for (root, section, name) in &own {
        bundler.import(root, section, name, &Location::new(root.clone(), ""), diags);
    }
    let mut paths_out = Map::new();
    let mut webhooks_out = Map::new();
    for root in &roots {
        bundler.merge_paths(root, "paths", &mut paths_out, diags);
        bundler.merge_paths(root, "webhooks", &mut webhooks_out, diags);
    }
    if diags.has_errors() {
        return None;
    }
    let doc = bundler.assemble(&roots, paths_out, webhooks_out);
    let texts = std::mem::take(&mut bundler.texts);
    Some(Bundle {
        doc,
        sources: roots,
        origins: bundler.origins,
        texts,
    })
}

fn check_version(doc: &Value, at: impl Fn(&str) -> Location, diags: &mut Diagnostics) {
    if !doc.is_object() {
        diags.error(at(""), "the document is not a mapping");
        return;
    }
    if let Some(v) = doc.get("swagger") {
        // A 2.0 document was converted when it was read; any other `swagger` is not read.
        diags.error(
            at("/swagger"),
            format!("unsupported swagger version {v}: swagger 2.0 and openapi 3.0.x, 3.1.x and 3.2.x documents are read"),
        );
        return;
    }
    match doc.get("openapi") {
        Some(Value::String(v)) if crate::upgrade::Version::of(v).is_some() => {}
        Some(v) => diags.error(
            at("/openapi"),
            format!(
                "unsupported openapi version {v}: openapi 3.0.x, 3.1.x and 3.2.x documents are read"
            ),
        ),
        None => diags.error(at(""), "missing the `openapi` version field"),
    }
}

/// A path as given, made lexically normal, with `/` separators on every platform.
fn display_path(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for c in path.components() {
        match c {
            Component::RootDir | Component::Prefix(_) => absolute = true,
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.last().is_some_and(|p| p != "..") {
                    parts.pop();
                } else {
                    parts.push("..".into());
                }
            }
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Escapes one JSON pointer segment.
pub fn escape(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    push_escaped(&mut out, segment);
    out
}

/// Appends one JSON pointer segment, escaped, to `pointer`.
fn push_escaped(pointer: &mut String, segment: &str) {
    for c in segment.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Unescapes one JSON pointer segment.
pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
