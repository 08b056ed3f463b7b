//! The bundler: reads each file once, gives each component a slot in the bundle's `components`,
//! rewrites every `$ref` to its slot and inlines `$ref`s to anything that is not a component
//! (within a budget, so that a cycle of inlined files cannot grow the document without end).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::parse::{parse_document, read_text};
use super::positions::Texts;
use super::{display_path, escape, percent_decode, push_escaped, unescape, SECTIONS};
use crate::diagnostics::{Diagnostics, Location};

#[derive(Default)]
pub(super) struct Bundler {
    pub(super) files: BTreeMap<String, Value>,
    pub(super) texts: Texts,
    /// (file, section, name) → slot name in the bundle.
    slots: BTreeMap<(String, String, String), String>,
    taken: BTreeMap<String, BTreeSet<String>>,
    /// (section, name) → the root file whose own component has that name.
    pub(super) reserved: BTreeMap<(String, String), String>,
    components: BTreeMap<String, IndexMap<String, Value>>,
    pub(super) origins: Vec<(String, Location)>,
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
    pub(super) fn at(&self, file: &str, pointer: impl Into<String>) -> Location {
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
    pub(super) fn read(
        &mut self,
        name: &str,
        from: Option<&Location>,
        diags: &mut Diagnostics,
    ) -> bool {
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
    pub(super) fn import(
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
        self.place(key, name, value, &pointer, diags)
    }

    /// A schema nested in a component's `$defs` (or draft-07 `definitions`) that a `$ref`
    /// names: made a schema component of its own, named after both, so that it is one type
    /// however often it is used, and a definition that refers to itself is a type like any
    /// recursive component (inlining it would never end).
    fn import_definition(
        &mut self,
        file: &str,
        segments: &[String],
        from: &Location,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        let [_, _, component, keyword, name] = segments else {
            return None;
        };
        let key = (
            file.to_string(),
            "schemas".to_string(),
            format!("{component}/{keyword}/{name}"),
        );
        if let Some(slot) = self.slots.get(&key) {
            return Some(slot.clone());
        }
        if !self.read(file, Some(from), diags) {
            return None;
        }
        let pointer = format!(
            "/components/schemas/{}/{}/{}",
            escape(component),
            escape(keyword),
            escape(name)
        );
        let Some(value) = self.files[file].pointer(&pointer).cloned() else {
            diags.error(
                self.positioned(from.clone()),
                format!("$ref target `{file}#{pointer}` does not exist"),
            );
            return None;
        };
        let name = format!("{component}_{name}");
        self.place(key, &name, value, &pointer, diags)
    }

    /// Gives `value` (at `pointer` in the file of `key`) a slot of the section of `key` named
    /// `name` (or `name2`... when taken), recorded under `key`, and rewrites it there.
    fn place(
        &mut self,
        key: (String, String, String),
        name: &str,
        value: Value,
        pointer: &str,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        let (file, section) = (key.0.clone(), key.1.clone());
        let (file, section) = (file.as_str(), section.as_str());
        let source_pointer = pointer.to_string();
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
            Location::new(file.to_string(), source_pointer.clone()),
        ));
        // Reserve the position so that the order of components follows first use.
        self.components
            .entry(section.to_string())
            .or_default()
            .insert(slot.clone(), Value::Null);
        let rewritten = self.rewrite(value, file, &source_pointer, diags);
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
        if site == RefSite::Any
            && segments.len() == 5
            && segments[0] == "components"
            && segments[1] == "schemas"
            && (segments[3] == "$defs" || segments[3] == "definitions")
        {
            return match self.import_definition(&target_file, &segments, here, diags) {
                Some(slot) => {
                    let mut m = Map::new();
                    m.insert(
                        "$ref".into(),
                        Value::String(format!("#/components/schemas/{}", escape(&slot))),
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

    /// Merges the path items of `section` (`paths`, or the `webhooks` of 3.1: path items named
    /// rather than placed at a path) of the document `root` into `out`.
    pub(super) fn merge_paths(
        &mut self,
        root: &str,
        section: &str,
        out: &mut Map<String, Value>,
        diags: &mut Diagnostics,
    ) {
        let doc = &self.files[root];
        let Some(paths) = doc.get(section) else {
            return;
        };
        let Some(paths) = paths.as_object().cloned() else {
            diags.error(
                self.at(root, format!("/{section}")),
                format!("`{section}` is not a mapping"),
            );
            return;
        };
        // The document's global requirement is the API's: a webhook is a request the API's
        // provider sends, and only its own `security` says what it carries.
        let global_security = match section {
            "paths" => doc.get("security").cloned(),
            _ => None,
        };
        let scheme_slots: BTreeMap<String, String> = self
            .slots
            .iter()
            .filter(|((f, section, _), _)| f == root && section == "securitySchemes")
            .map(|((_, _, name), slot)| (name.clone(), slot.clone()))
            .collect();
        for (path, item) in paths {
            let pointer = format!("/{section}/{}", escape(&path));
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
                            let what = match section {
                                "paths" => "operation",
                                _ => "webhook",
                            };
                            diags.error(
                                self.at(root, child),
                                format!(
                                    "{what} `{} {path}` is defined in two documents",
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

    pub(super) fn assemble(
        &mut self,
        roots: &[String],
        paths: Map<String, Value>,
        webhooks: Map<String, Value>,
    ) -> Value {
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
        if !webhooks.is_empty() {
            doc.insert("webhooks".into(), Value::Object(webhooks));
        }
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
}
