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
//! YAML is read through `serde_yaml` here and nowhere else.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostics, Location};

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

/// The text of each file read, and its line index, built the first time a problem in that file
/// is reported: loading a spec without problems pays nothing for it. For a converted Swagger
/// 2.0 file, also where its parts moved (see [`crate::swagger2`]).
#[derive(Debug, Default)]
struct Texts(
    BTreeMap<String, (String, OnceLock<PositionIndex>)>,
    BTreeMap<String, Vec<(String, String)>>,
);

impl Texts {
    fn insert(&mut self, file: &str, text: String) {
        self.0.insert(file.to_string(), (text, OnceLock::new()));
    }

    /// Records that parts of `file` moved when it was converted: `(new prefix, old prefix)`.
    fn moved(&mut self, file: &str, moved: Vec<(String, String)>) {
        self.1.insert(file.to_string(), moved);
    }

    /// The pointer as the user wrote it: for a converted 2.0 file, back in its 2.0 place.
    fn original(&self, file: &str, pointer: &str) -> String {
        let best = self.1.get(file).and_then(|moved| {
            moved
                .iter()
                .filter(|(new, _)| {
                    pointer == new
                        || (pointer.starts_with(new.as_str())
                            && pointer.as_bytes().get(new.len()) == Some(&b'/'))
                })
                .max_by_key(|(new, _)| new.len())
        });
        match best {
            Some((new, old)) => format!("{old}{}", &pointer[new.len()..]),
            None => pointer.to_string(),
        }
    }

    fn line_col(&self, file: &str, pointer: &str) -> Option<(usize, usize)> {
        let (text, index) = self.0.get(file)?;
        index.get_or_init(|| PositionIndex::new(text)).find(pointer)
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
    for root in &roots {
        bundler.merge_paths(root, &mut paths_out, diags);
    }
    if diags.has_errors() {
        return None;
    }
    let doc = bundler.assemble(&roots, paths_out);
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
    // Parts of 3.1 documents the bundle does not carry yet: said, not dropped silently.
    if doc
        .get("webhooks")
        .is_some_and(|w| w.as_object().is_some_and(|m| !m.is_empty()))
    {
        diags.warning(
            at("/webhooks"),
            "webhooks are not generated yet: their operations are left out (schemas they share with paths are generated)",
        );
    }
    if doc.pointer("/components/pathItems").is_some() {
        diags.warning(
            at("/components/pathItems"),
            "`components/pathItems` are read only where a path refers to them",
        );
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

#[derive(Default)]
struct Bundler {
    files: BTreeMap<String, Value>,
    texts: Texts,
    /// (file, section, name) → slot name in the bundle.
    slots: BTreeMap<(String, String, String), String>,
    taken: BTreeMap<String, BTreeSet<String>>,
    /// (section, name) → the root file whose own component has that name.
    reserved: BTreeMap<(String, String), String>,
    components: BTreeMap<String, IndexMap<String, Value>>,
    origins: Vec<(String, Location)>,
    /// Targets being inlined right now, to catch reference cycles with no component in them.
    inlining: Vec<(String, String)>,
    /// The [`weight`] of the files read.
    read_weight: usize,
    /// The [`weight`] of what inlining copied so far (see [`Bundler::inline_budget`]).
    inlined_weight: usize,
    /// Whether going over the budget was reported (once: every later inlining is cut too).
    over_budget: bool,
    /// Whether a Swagger 2.0 document was read: the files it refers to get their `$ref`s to 2.0
    /// sections rewritten as they are read.
    swagger2: bool,
}

/// How much inlining may copy, whatever the size of the spec (see [`Bundler::inline_budget`]).
const INLINE_BUDGET_BASE: usize = 100_000;

/// How much inlining may copy per unit of the spec's own size.
const INLINE_BUDGET_FACTOR: usize = 20;

impl Bundler {
    /// How much inlining may copy, as a [`weight`]. A `$ref` that is not a component is copied
    /// at every use, and nested ones multiply: a chain of a few dozen levels, each referring
    /// twice to the next, grows the document exponentially. Real specs copy at most a few times
    /// their own size.
    fn inline_budget(&self) -> usize {
        INLINE_BUDGET_BASE.saturating_add(self.read_weight.saturating_mul(INLINE_BUDGET_FACTOR))
    }

    /// A location in a file that was read, with its line and column where the scan finds them.
    fn at(&self, file: &str, pointer: impl Into<String>) -> Location {
        self.positioned(Location::new(file.to_string(), pointer))
    }

    /// Adds the line and column to a location. Finding them scans the file, so locations are
    /// made without them and get them only when a problem is reported.
    fn positioned(&self, mut location: Location) -> Location {
        if location.line_col.is_none() {
            location.pointer = self.texts.original(&location.file, &location.pointer);
            location.line_col = self.texts.line_col(&location.file, &location.pointer);
        }
        location
    }

    /// Reads and parses one file; `from` is where it was referenced, for errors.
    fn read(&mut self, name: &str, from: Option<&Location>, diags: &mut Diagnostics) -> bool {
        if self.files.contains_key(name) {
            return true;
        }
        let text = match read_text(name) {
            Ok(text) => text,
            Err(e) => {
                let location = from
                    .cloned()
                    .unwrap_or_else(|| Location::new(name.to_string(), ""));
                diags.error(
                    self.positioned(location),
                    format!("cannot read `{name}`: {e}"),
                );
                return false;
            }
        };
        match parse_document(name, &text) {
            Ok(mut value) => {
                self.texts.insert(name, text);
                if crate::swagger2::is_swagger2(&value) {
                    // A 2.0 document is converted as it is read: bundling and every later
                    // stage see the 3.0 form.
                    self.swagger2 = true;
                    let converted = crate::swagger2::convert(value);
                    value = converted.doc;
                    self.texts.moved(name, converted.moved);
                    for (pointer, message) in converted.warnings {
                        diags.warning(self.at(name, pointer), message);
                    }
                } else if self.swagger2 {
                    crate::swagger2::convert_fragment(&mut value);
                }
                self.read_weight = self.read_weight.saturating_add(weight(&value));
                self.files.insert(name.to_string(), value);
                true
            }
            Err((message, line_col)) => {
                let mut location = Location::new(name.to_string(), "");
                location.line_col = line_col;
                diags.error(location, message);
                false
            }
        }
    }

    /// Gives component `section/name` of `file` a slot in the bundle and copies it there.
    fn import(
        &mut self,
        file: &str,
        section: &str,
        name: &str,
        from: &Location,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        let key = (file.to_string(), section.to_string(), name.to_string());
        if let Some(slot) = self.slots.get(&key) {
            return Some(slot.clone());
        }
        if !self.read(file, Some(from), diags) {
            return None;
        }
        let pointer = format!("/components/{section}/{}", escape(name));
        let Some(value) = self.files[file].pointer(&pointer).cloned() else {
            diags.error(
                self.positioned(from.clone()),
                format!("$ref target `{file}#{pointer}` does not exist"),
            );
            return None;
        };
        // A component that only refers to another of the same section (a module re-exporting a
        // shared security scheme or parameter) is the same component, not a second one. Schemas
        // are the exception: there an alias keeps its own name as a type alias.
        if section != "schemas" {
            if let Some(Value::String(reference)) = value.get("$ref") {
                if let Ok((target_file, fragment)) = split_ref(reference, file) {
                    let prefix = format!("/components/{section}/");
                    if let Some(target) =
                        fragment.strip_prefix(&prefix).filter(|t| !t.contains('/'))
                    {
                        let target = unescape(target);
                        if (target_file.as_str(), target.as_str()) != (file, name) {
                            let slot = self.import(&target_file, section, &target, from, diags)?;
                            self.slots.insert(key, slot.clone());
                            return Some(slot);
                        }
                    }
                }
            }
        }
        let taken = self.taken.entry(section.to_string()).or_default();
        let reserved = &self.reserved;
        // A root document's own components keep their names, even when another file's
        // component of the same name is reached first through a `$ref`.
        let blocked = |slot: &str| {
            reserved
                .get(&(section.to_string(), slot.to_string()))
                .is_some_and(|owner| owner != file)
        };
        let mut slot = name.to_string();
        let mut n = 2;
        while taken.contains(&slot) || blocked(&slot) {
            slot = format!("{name}{n}");
            n += 1;
        }
        taken.insert(slot.clone());
        self.slots.insert(key, slot.clone());
        let bundle_pointer = format!("/components/{section}/{}", escape(&slot));
        self.origins.push((
            bundle_pointer,
            Location::new(file.to_string(), pointer.clone()),
        ));
        // Reserve the position so that the order of components follows first use.
        self.components
            .entry(section.to_string())
            .or_default()
            .insert(slot.clone(), Value::Null);
        let rewritten = self.rewrite(value, file, &pointer, diags);
        self.components
            .entry(section.to_string())
            .or_default()
            .insert(slot.clone(), rewritten);
        Some(slot)
    }

    /// Rewrites every `$ref` inside `value` (which sits at `pointer` in `file`).
    fn rewrite(
        &mut self,
        value: Value,
        file: &str,
        pointer: &str,
        diags: &mut Diagnostics,
    ) -> Value {
        let mut pointer = pointer.to_string();
        self.rewrite_at(value, file, &mut pointer, diags)
    }

    /// [`Self::rewrite`], in place: objects and arrays keep their storage, and the pointer is
    /// one buffer that each level extends and restores, since a spec has millions of nodes.
    fn rewrite_at(
        &mut self,
        mut value: Value,
        file: &str,
        pointer: &mut String,
        diags: &mut Diagnostics,
    ) -> Value {
        match &mut value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    let here = Location::new(file.to_string(), format!("{pointer}/$ref"));
                    return self.follow(&reference, file, &here, RefSite::Any, diags);
                }
                for (k, v) in map.iter_mut() {
                    if is_literal_data(pointer, k, v) {
                        continue;
                    }
                    let len = pointer.len();
                    pointer.push('/');
                    push_escaped(pointer, k);
                    *v = self.rewrite_at(std::mem::take(v), file, pointer, diags);
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter_mut().enumerate() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    *v = self.rewrite_at(std::mem::take(v), file, pointer, diags);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
        value
    }

    /// Resolves one `$ref` found at `here`: a component becomes a local ref to its slot, anything
    /// else is inlined.
    fn follow(
        &mut self,
        reference: &str,
        file: &str,
        here: &Location,
        site: RefSite,
        diags: &mut Diagnostics,
    ) -> Value {
        let (target_file, fragment) = match split_ref(reference, file) {
            Ok(parts) => parts,
            Err(message) => {
                diags.error(self.positioned(here.clone()), message);
                return Value::Null;
            }
        };
        let segments: Vec<String> = fragment.split('/').skip(1).map(unescape).collect();
        if site == RefSite::Any
            && segments.len() == 3
            && segments[0] == "components"
            && SECTIONS.contains(&segments[1].as_str())
        {
            return match self.import(&target_file, &segments[1], &segments[2], here, diags) {
                Some(slot) => {
                    let mut m = Map::new();
                    m.insert(
                        "$ref".into(),
                        Value::String(format!("#/components/{}/{}", segments[1], escape(&slot))),
                    );
                    Value::Object(m)
                }
                None => Value::Null,
            };
        }
        if !self.read(&target_file, Some(here), diags) {
            return Value::Null;
        }
        if self.inlined_weight > self.inline_budget() {
            if !std::mem::replace(&mut self.over_budget, true) {
                diags.error(
                    self.positioned(here.clone()),
                    format!(
                        "$ref `{reference}` is not inlined: inlining the `$ref`s that do not \
                         point at components would copy the spec more than \
                         {INLINE_BUDGET_FACTOR} times over (nested `$ref`s refer to the same \
                         values again and again); move the schemas referred to repeatedly into \
                         `components`"
                    ),
                );
            }
            return Value::Null;
        }
        let key = (target_file.clone(), fragment.clone());
        if self.inlining.contains(&key) {
            diags.error(
                self.positioned(here.clone()),
                format!("$ref `{reference}` is part of a reference cycle that no component breaks"),
            );
            return Value::Null;
        }
        let Some(target) = self.files[&target_file].pointer(&fragment).cloned() else {
            diags.error(
                self.positioned(here.clone()),
                format!("$ref target `{target_file}#{fragment}` does not exist"),
            );
            return Value::Null;
        };
        self.inlined_weight = self.inlined_weight.saturating_add(weight(&target));
        self.inlining.push(key);
        let value = match (&target, site) {
            // A path item may itself be a `$ref` to another path item.
            (Value::Object(m), RefSite::PathItem) if m.contains_key("$ref") => {
                let inner = m["$ref"].as_str().unwrap_or_default().to_string();
                let at = Location::new(target_file.clone(), format!("{fragment}/$ref"));
                self.follow(&inner, &target_file, &at, RefSite::PathItem, diags)
            }
            _ => self.rewrite(target, &target_file, &fragment, diags),
        };
        self.inlining.pop();
        value
    }

    fn merge_paths(&mut self, root: &str, out: &mut Map<String, Value>, diags: &mut Diagnostics) {
        let doc = &self.files[root];
        let Some(paths) = doc.get("paths") else {
            return;
        };
        let Some(paths) = paths.as_object().cloned() else {
            diags.error(self.at(root, "/paths"), "`paths` is not a mapping");
            return;
        };
        let global_security = doc.get("security").cloned();
        let scheme_slots: BTreeMap<String, String> = self
            .slots
            .iter()
            .filter(|((f, section, _), _)| f == root && section == "securitySchemes")
            .map(|((_, _, name), slot)| (name.clone(), slot.clone()))
            .collect();
        for (path, item) in paths {
            let pointer = format!("/paths/{}", escape(&path));
            let item = match item {
                Value::Object(m) if m.contains_key("$ref") => {
                    let reference = m["$ref"].as_str().unwrap_or_default().to_string();
                    let here = Location::new(root.to_string(), format!("{pointer}/$ref"));
                    self.follow(&reference, root, &here, RefSite::PathItem, diags)
                }
                other => self.rewrite(other, root, &pointer, diags),
            };
            let Value::Object(mut item) = item else {
                if !item.is_null() {
                    diags.error(self.at(root, pointer), "a path item must be a mapping");
                }
                continue;
            };
            // Several documents merge into one API: each keeps its own global security by
            // pushing it down to the operations that do not override it.
            for method in METHODS {
                if let Some(Value::Object(op)) = item.get_mut(method) {
                    // A global `security: []` requires nothing, as no global does: it is not
                    // pushed down, so that an operation's own `security: []` stays the one
                    // way to say that an operation needs no credentials on purpose.
                    let requires = global_security
                        .as_ref()
                        .filter(|s| s.as_array().is_none_or(|a| !a.is_empty()));
                    if let Some(security) = requires {
                        op.entry("security").or_insert_with(|| security.clone());
                    }
                    // Security requirements name schemes of their own document; in the bundle a
                    // scheme may sit in a slot of another name.
                    if let Some(Value::Array(requirements)) = op.get_mut("security") {
                        for requirement in requirements.iter_mut() {
                            if let Value::Object(schemes) = requirement {
                                *schemes = std::mem::take(schemes)
                                    .into_iter()
                                    .map(|(k, v)| (scheme_slots.get(&k).cloned().unwrap_or(k), v))
                                    .collect();
                            }
                        }
                    }
                }
            }
            match out.get_mut(&path) {
                None => {
                    self.origins
                        .push((pointer.clone(), Location::new(root, pointer.clone())));
                    out.insert(path, Value::Object(item));
                }
                Some(Value::Object(existing)) => {
                    for (k, v) in item {
                        let child = format!("{pointer}/{}", escape(&k));
                        if existing.contains_key(&k) && METHODS.contains(&k.as_str()) {
                            diags.error(
                                self.at(root, child),
                                format!(
                                    "operation `{} {path}` is defined in two documents",
                                    k.to_uppercase()
                                ),
                            );
                        } else if !existing.contains_key(&k) {
                            self.origins
                                .push((child.clone(), Location::new(root, child)));
                            existing.insert(k, v);
                        }
                    }
                }
                Some(_) => {}
            }
        }
    }

    fn assemble(&mut self, roots: &[String], paths: Map<String, Value>) -> Value {
        let first_with = |key: &str| {
            roots
                .iter()
                .filter_map(|r| self.files[r].get(key))
                .find(|v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .cloned()
        };
        let mut doc = Map::new();
        doc.insert(
            "openapi".into(),
            first_with("openapi").unwrap_or(Value::Null),
        );
        if let Some(info) = first_with("info") {
            doc.insert("info".into(), info);
        }
        if let Some(servers) = first_with("servers") {
            doc.insert("servers".into(), servers);
        }
        let mut tags = Vec::new();
        let mut tag_names = BTreeSet::new();
        for root in roots {
            for tag in self.files[root]
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = tag.get("name").and_then(Value::as_str).unwrap_or_default();
                if tag_names.insert(name.to_string()) {
                    tags.push(tag.clone());
                }
            }
        }
        if !tags.is_empty() {
            doc.insert("tags".into(), Value::Array(tags));
        }
        doc.insert("paths".into(), Value::Object(paths));
        let mut components = Map::new();
        for section in SECTIONS {
            if let Some(entries) = self.components.remove(section) {
                components.insert(section.into(), Value::Object(entries.into_iter().collect()));
            }
        }
        doc.insert("components".into(), Value::Object(components));
        for (k, v) in self.files[&roots[0]].as_object().into_iter().flatten() {
            if k.starts_with("x-") || k == "externalDocs" {
                doc.insert(k.clone(), v.clone());
            }
        }
        Value::Object(doc)
    }
}

/// The size of a value, to bound what inlining copies: one per value, plus one per 64 bytes of
/// text (strings and keys).
fn weight(value: &Value) -> usize {
    1 + match value {
        Value::String(s) => s.len() / 64,
        Value::Object(map) => map.iter().map(|(k, v)| k.len() / 64 + weight(v)).sum(),
        Value::Array(items) => items.iter().map(weight).sum(),
        _ => 0,
    }
}

/// Whether the value under `key` of the object at `pointer` is literal data rather than spec:
/// an `example`, the `value` of an Example Object, or an `x-` extension. A `$ref` key inside
/// data is part of the data (GitHub's examples show JSON Schema documents), not a reference.
/// In a map of names (`properties`, `headers`...) every key is a name, whatever it looks like:
/// a header named `x-request-id` is spec. A list of `examples` (a schema's, in OpenAPI 3.1) is
/// data too.
fn is_literal_data(pointer: &str, key: &str, value: &Value) -> bool {
    let mut parents = pointer.rsplit('/');
    let parent = parents.next().unwrap_or_default();
    let grandparent = parents.next().unwrap_or_default();
    if NAME_MAPS.contains(&parent) {
        return false;
    }
    key == "example"
        || key.starts_with("x-")
        || (key == "value" && grandparent == "examples")
        || (key == "examples" && value.is_array())
}

/// The keywords whose value maps names (not keywords) to spec objects.
const NAME_MAPS: [&str; 9] = [
    "properties",
    "headers",
    "content",
    "encoding",
    "callbacks",
    "links",
    "examples",
    "variables",
    "mapping",
];

/// Where a `$ref` sits: path items cannot point at components in OpenAPI 3.0, so they are
/// always inlined.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RefSite {
    Any,
    PathItem,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The largest spec file read, in bytes. Nobody writes a spec this large; the limit stops a
/// `$ref` to a file that never ends (`/dev/zero`) from filling the memory.
const MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// Reads a whole file as UTF-8, refusing files larger than [`MAX_FILE_SIZE`].
fn read_text(name: &str) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut text = String::new();
    std::fs::File::open(name)?
        .take(MAX_FILE_SIZE + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_FILE_SIZE {
        return Err(std::io::Error::other(format!(
            "the file is larger than {} MiB",
            MAX_FILE_SIZE >> 20
        )));
    }
    Ok(text)
}

/// Splits a `$ref` into (file, fragment pointer), the file resolved against `base`.
fn split_ref(reference: &str, base: &str) -> Result<(String, String), String> {
    let (file_part, fragment) = match reference.split_once('#') {
        Some((f, frag)) => (f, frag),
        None => (reference, ""),
    };
    if file_part.contains("://") {
        return Err(format!("remote $ref `{reference}` is not supported; download the file and refer to it by a relative path"));
    }
    let fragment = percent_decode(fragment);
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return Err(format!(
            "$ref `{reference}` has a fragment that is not a JSON pointer"
        ));
    }
    let file = if file_part.is_empty() {
        base.to_string()
    } else {
        let dir = Path::new(base).parent().unwrap_or(Path::new(""));
        display_path(&dir.join(file_part))
    };
    Ok((file, fragment))
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

/// Parses a document; errors carry a message and, where the parser knows it, line:column.
fn parse_document(name: &str, text: &str) -> Result<Value, (String, Option<(usize, usize)>)> {
    let is_json = PathBuf::from(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        return serde_json::from_str(text)
            .map_err(|e| (format!("invalid json: {e}"), Some((e.line(), e.column()))));
    }
    let mut yaml = serde_yaml::from_str::<WideYaml>(text)
        .map(|w| w.0)
        .map_err(|e| {
            let at = e.location().map(|l| (l.line(), l.column()));
            (format!("invalid yaml: {e}"), at)
        })?;
    yaml.apply_merge()
        .map_err(|e| (format!("invalid yaml merge key: {e}"), None))?;
    Ok(yaml_to_json(yaml))
}

/// A YAML value read as `serde_yaml::Value` reads it, except that integers beyond 64 bits
/// (`minimum: -9223372036854776000` in OpenAI's spec), which `serde_yaml::Value` refuses,
/// become the nearest float.
struct WideYaml(serde_yaml::Value);

impl<'de> serde::Deserialize<'de> for WideYaml {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(WideYamlVisitor).map(WideYaml)
    }
}

struct WideYamlVisitor;

impl<'de> serde::de::Visitor<'de> for WideYamlVisitor {
    type Value = serde_yaml::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number((v as f64).into()))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number((v as f64).into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(v.into()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(WideYamlVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(WideYaml(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_yaml::Value::Sequence(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_yaml::Mapping::new();
        while let Some((WideYaml(k), WideYaml(v))) = map.next_entry()? {
            if out.contains_key(&k) {
                let shown = serde_yaml::to_string(&k).unwrap_or_default();
                return Err(serde::de::Error::custom(format!(
                    "duplicate entry with key {}",
                    shown.trim_end()
                )));
            }
            out.insert(k, v);
        }
        Ok(serde_yaml::Value::Mapping(out))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        use serde::de::VariantAccess as _;
        // serde_yaml reads a tagged value (`!tag value`) as an enum variant named by the tag.
        let (tag, variant): (String, _) = data.variant()?;
        let WideYaml(value) = variant.newtype_variant()?;
        Ok(serde_yaml::Value::Tagged(Box::new(
            serde_yaml::value::TaggedValue {
                tag: serde_yaml::value::Tag::new(tag),
                value,
            },
        )))
    }
}

/// YAML allows keys that JSON does not (`200:` is an integer); OpenAPI means them as strings.
fn yaml_to_json(value: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (yaml_key(k), yaml_to_json(v)))
                .collect(),
        ),
        Y::Tagged(t) => yaml_to_json(t.value),
    }
}

fn yaml_key(key: serde_yaml::Value) -> String {
    use serde_yaml::Value as Y;
    match key {
        Y::String(s) => s,
        Y::Bool(b) => b.to_string(),
        Y::Number(n) => n.to_string(),
        Y::Null => "null".into(),
        other => serde_yaml::to_string(&other)
            .unwrap_or_default()
            .trim()
            .to_string(),
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

/// Finds the line and column of a JSON pointer in a block-style YAML or pretty JSON text.
///
/// This is a light scan, not a parser: for each segment it looks for the next line that holds
/// that key (or list item) more deeply indented than its parent. It answers `None` rather than
/// guess when the text is not laid out that way (flow style, keys on one line).
#[derive(Debug)]
struct PositionIndex {
    lines: Vec<(usize, String)>,
}

impl PositionIndex {
    fn new(text: &str) -> Self {
        PositionIndex {
            lines: text
                .lines()
                .map(|l| {
                    let indent = l.len() - l.trim_start().len();
                    (indent, l.trim_start().to_string())
                })
                .collect(),
        }
    }

    fn find(&self, pointer: &str) -> Option<(usize, usize)> {
        // (line index, indent) of the value found so far; `None` stands for the document.
        let mut parent: Option<(usize, usize)> = None;
        for segment in pointer.split('/').skip(1).map(unescape) {
            let children = self.children(parent);
            let hit = children
                .iter()
                .find(|(i, _)| key_matches(&self.lines[*i].1, &segment))
                .or_else(|| {
                    let index = segment.parse::<usize>().ok()?;
                    children
                        .iter()
                        .filter(|(i, _)| self.lines[*i].1.starts_with('-'))
                        .nth(index)
                })
                .copied();
            parent = Some(hit?);
        }
        parent.map(|(line, indent)| (line + 1, indent + 1))
    }

    /// The lines that start the direct children of the value at `parent`.
    fn children(&self, parent: Option<(usize, usize)>) -> Vec<(usize, usize)> {
        let (start, parent_indent) = match parent {
            Some((line, indent)) => (line + 1, Some(indent)),
            None => (0, None),
        };
        // A list item's own mapping starts on its `- ` line.
        let mut out = Vec::new();
        if let Some((line, indent)) = parent {
            let text = &self.lines[line].1;
            if let Some(rest) = text.strip_prefix("- ") {
                if rest.contains(':') {
                    out.push((line, indent + 2));
                }
            }
        }
        let mut child_indent = None;
        for i in start..self.lines.len() {
            let (indent, text) = &self.lines[i];
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let list_at_same = parent_indent == Some(*indent) && text.starts_with('-');
            if parent_indent.is_some_and(|p| *indent < p || (*indent == p && !list_at_same)) {
                break;
            }
            let ci = *child_indent.get_or_insert(*indent);
            if *indent == ci {
                out.push((i, *indent));
            }
        }
        out
    }
}

fn key_matches(text: &str, key: &str) -> bool {
    let text = text.strip_prefix("- ").unwrap_or(text);
    for quoted in [key.to_string(), format!("\"{key}\""), format!("'{key}'")] {
        if let Some(rest) = text.strip_prefix(quoted.as_str()) {
            if rest.trim_start().starts_with(':') {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_resolve_against_the_referencing_file() {
        assert_eq!(
            split_ref("./common.yaml#/components/schemas/A", "specs/x/mod.yaml").unwrap(),
            ("specs/x/common.yaml".into(), "/components/schemas/A".into())
        );
        assert_eq!(
            split_ref("#/components/schemas/A%20B", "a.yaml").unwrap(),
            ("a.yaml".into(), "/components/schemas/A B".into())
        );
        assert_eq!(display_path(Path::new("a/./b/../c.yaml")), "a/c.yaml");
        assert!(split_ref("https://x/y.yaml#/a", "a.yaml").is_err());
    }

    #[test]
    fn positions_follow_yaml_nesting() {
        let text = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n";
        let index = PositionIndex::new(text);
        assert_eq!(index.find("/paths/~1a/get"), Some((4, 5)));
        assert_eq!(
            index.find("/paths/~1a/get/responses/200/description"),
            Some((7, 11))
        );
        assert_eq!(index.find("/paths/~1b"), None);
        let text = "paths:\n  /a:\n    get:\n      parameters:\n        - name: x\n          in: query\n        - name: y\n          in: path\n";
        let index = PositionIndex::new(text);
        assert_eq!(index.find("/paths/~1a/get/parameters/1"), Some((7, 9)));
        assert_eq!(index.find("/paths/~1a/get/parameters/1/in"), Some((8, 11)));
        assert_eq!(
            index.find("/paths/~1a/get/parameters/0/name"),
            Some((5, 11))
        );
    }
}
