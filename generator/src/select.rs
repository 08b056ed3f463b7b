//! Operation selection: keeps the operations a [`Selection`] names and drops the components
//! that only the others used.
//!
//! It runs on the bundle, after the upgrade to the 3.0 form and before normalize, so that the
//! parts left out are neither parsed nor lowered, and the problems of the parts kept are still
//! reported in the files and at the pointers the user wrote: operations and components are
//! removed by name, so no pointer to what remains changes.
//!
//! Webhooks are selected as operations are (by their tags, their `operationId` or, without
//! one, their name).
//!
//! An operation is kept when it matches an include rule (one of its tags is in
//! [`Selection::include_tags`], or [`Selection::operations`] names it), or when there is no
//! include rule at all, and it has none of the [`Selection::exclude_tags`]. An operation without
//! tags has the tag `default`, as the generated code groups it. A component is kept when a kept
//! operation reaches it through `$ref`s (in parameters, bodies, responses, headers, callbacks,
//! other components) or through a discriminator's `mapping`; a security scheme when a kept
//! operation, or the document, requires it.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostics, Location};
use crate::load::{unescape, Bundle, SECTIONS};

/// The tag of operations without one, as the generated code groups them.
pub const UNTAGGED: &str = "default";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Which operations to generate. The default selects every operation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Keep the operations with any of these tags.
    pub include_tags: Vec<String>,
    /// Drop the operations with any of these tags (even when an include rule names them).
    pub exclude_tags: Vec<String>,
    /// Keep these operations: each an `operationId`, or a method and a path template as the
    /// spec writes it (`GET /repos/{owner}/{repo}`, the method in any case).
    pub operations: Vec<String>,
}

impl Selection {
    /// True when the selection keeps every operation (no rule is given).
    pub fn is_all(&self) -> bool {
        self.include_tags.is_empty() && self.exclude_tags.is_empty() && self.operations.is_empty()
    }
}

/// What a selection kept, for the summary the command line prints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The rules applied.
    pub selection: Selection,
    /// Operations kept, and in the document.
    pub operations: (usize, usize),
    /// Component schemas kept, and in the document.
    pub schemas: (usize, usize),
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rules = Vec::new();
        let s = &self.selection;
        for (label, values) in [
            ("tags", &s.include_tags),
            ("operations", &s.operations),
            ("excluding tags", &s.exclude_tags),
        ] {
            if !values.is_empty() {
                rules.push(format!("{label}: {}", values.join(", ")));
            }
        }
        write!(
            f,
            "kept {} of {} operations ({}), {} of {} schemas",
            thousands(self.operations.0),
            thousands(self.operations.1),
            rules.join("; "),
            thousands(self.schemas.0),
            thousands(self.schemas.1),
        )
    }
}

/// `1223` → `1,223`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One operation of the document, as the rules see it.
struct Candidate {
    /// `paths`, or `webhooks` (whose "path" is the webhook's name).
    section: &'static str,
    path: String,
    method: &'static str,
    id: Option<String>,
    tags: Vec<String>,
}

impl Candidate {
    /// Whether `selector` (an `operationId` or `METHOD /path`) names this operation.
    fn named_by(&self, selector: &str) -> bool {
        if let Some((method, path)) = selector.split_once(char::is_whitespace) {
            if method.eq_ignore_ascii_case(self.method) && path.trim() == self.path {
                return true;
            }
        }
        self.id.as_deref() == Some(selector)
    }
}

/// Removes from the bundle the operations `selection` does not keep, and the components only
/// they reached. Returns `None`, with an error recorded, when a rule matches no operation
/// (an unknown tag is named with the tags there are) or when nothing is left.
pub fn select(
    bundle: &mut Bundle,
    selection: &Selection,
    diags: &mut Diagnostics,
) -> Option<Summary> {
    let at = Location::new(bundle.sources.first().cloned().unwrap_or_default(), "");
    let selection = Selection {
        include_tags: clean(&selection.include_tags),
        exclude_tags: clean(&selection.exclude_tags),
        operations: clean(&selection.operations),
    };
    let candidates = candidates(&bundle.doc);
    let known: BTreeSet<&str> = candidates
        .iter()
        .flat_map(|c| c.tags.iter().map(String::as_str))
        .collect();
    let before = diags.error_count();
    let listed = || known.iter().copied().collect::<Vec<_>>().join(", ");
    for (flag, tags) in [
        ("--include-tags", &selection.include_tags),
        ("--exclude-tags", &selection.exclude_tags),
    ] {
        for tag in tags {
            if !known.contains(tag.as_str()) {
                diags.error(
                    at.clone(),
                    format!(
                        "{flag} `{tag}`: no operation has this tag; the tags are: {}",
                        listed()
                    ),
                );
            }
        }
    }
    for selector in &selection.operations {
        if !candidates.iter().any(|c| c.named_by(selector)) {
            diags.error(
                at.clone(),
                format!(
                    "--operations `{selector}`: no operation has this operationId or method and path"
                ),
            );
        }
    }
    if diags.error_count() > before {
        return None;
    }
    let includes = !selection.include_tags.is_empty() || !selection.operations.is_empty();
    let keep: Vec<bool> = candidates
        .iter()
        .map(|c| {
            let included = !includes
                || c.tags.iter().any(|t| selection.include_tags.contains(t))
                || selection.operations.iter().any(|s| c.named_by(s));
            included && !c.tags.iter().any(|t| selection.exclude_tags.contains(t))
        })
        .collect();
    let kept = keep.iter().filter(|k| **k).count();
    if kept == 0 {
        diags.error(at, "the selection keeps no operation");
        return None;
    }
    let schemas_before = section_len(&bundle.doc, "schemas");
    remove_operations(&mut bundle.doc, &candidates, &keep);
    prune_components(&mut bundle.doc);
    Some(Summary {
        operations: (kept, candidates.len()),
        schemas: (section_len(&bundle.doc, "schemas"), schemas_before),
        selection,
    })
}

/// The values of a rule, trimmed, without empty ones.
fn clean(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// The operations of `paths`, then the webhooks: a webhook without an `operationId` is named
/// by its name.
fn candidates(doc: &Value) -> Vec<Candidate> {
    let mut out = Vec::new();
    for section in ["paths", "webhooks"] {
        if let Some(paths) = doc.get(section).and_then(Value::as_object) {
            section_candidates(section, paths, &mut out);
        }
    }
    out
}

fn section_candidates(section: &'static str, paths: &Map<String, Value>, out: &mut Vec<Candidate>) {
    for (path, item) in paths {
        let Some(item) = item.as_object().filter(|_| !path.starts_with("x-")) else {
            continue;
        };
        for method in METHODS {
            let Some(op) = item.get(method).and_then(Value::as_object) else {
                continue;
            };
            let mut tags: Vec<String> = op
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            if tags.is_empty() {
                tags.push(UNTAGGED.to_string());
            }
            let id = op.get("operationId").and_then(Value::as_str);
            out.push(Candidate {
                section,
                path: path.clone(),
                method,
                id: id
                    .or((section == "webhooks").then_some(path.as_str()))
                    .map(str::to_string),
                tags,
            });
        }
    }
}

fn section_len(doc: &Value, section: &str) -> usize {
    doc.pointer(&format!("/components/{section}"))
        .and_then(Value::as_object)
        .map_or(0, Map::len)
}

/// Removes the operations not kept, and the path items left without operations.
fn remove_operations(doc: &mut Value, candidates: &[Candidate], keep: &[bool]) {
    for section in ["paths", "webhooks"] {
        let Some(paths) = doc.get_mut(section).and_then(Value::as_object_mut) else {
            continue;
        };
        let mut emptied = BTreeSet::new();
        let dropped = candidates
            .iter()
            .zip(keep)
            .filter(|(c, k)| !**k && c.section == section);
        for (c, _) in dropped {
            if let Some(item) = paths.get_mut(&c.path).and_then(Value::as_object_mut) {
                item.remove(c.method);
                if !METHODS.iter().any(|m| item.contains_key(*m)) {
                    emptied.insert(c.path.clone());
                }
            }
        }
        paths.retain(|path, _| !emptied.contains(path));
    }
}

/// Keeps the components reached from the paths (and the security schemes required), drops
/// the others.
fn prune_components(doc: &mut Value) {
    let components = doc.get("components").and_then(Value::as_object);
    let schema_names: BTreeSet<&str> = components
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.keys().map(String::as_str))
        .collect();
    // What `value` points at: its `$ref`s, and the schemas its discriminators map to.
    let reach = |value: &Value, queue: &mut Vec<(String, String)>| {
        refs_in(value, queue);
        let mut mapped = Vec::new();
        mappings_in(value, &mut mapped);
        for target in mapped {
            let name = unescape(target.rsplit('/').next().unwrap_or(&target));
            if schema_names.contains(name.as_str()) {
                queue.push(("schemas".to_string(), name));
            }
        }
    };
    let mut queue = Vec::new();
    for section in ["paths", "webhooks"] {
        if let Some(paths) = doc.get(section) {
            reach(paths, &mut queue);
        }
    }
    let mut reached: BTreeSet<(String, String)> = BTreeSet::new();
    while let Some(target) = queue.pop() {
        if reached.contains(&target) {
            continue;
        }
        if let Some(value) = components
            .and_then(|c| c.get(&target.0))
            .and_then(|s| s.get(&target.1))
        {
            reach(value, &mut queue);
        }
        reached.insert(target);
    }
    let mut schemes = BTreeSet::new();
    if let Some(root) = doc.get("security") {
        requirements_in(root, &mut schemes);
    }
    for item in ["paths", "webhooks"]
        .into_iter()
        .filter_map(|section| doc.get(section).and_then(Value::as_object))
        .flat_map(Map::values)
    {
        for method in METHODS {
            if let Some(security) = item.get(method).and_then(|op| op.get("security")) {
                requirements_in(security, &mut schemes);
            }
        }
    }
    let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) else {
        return;
    };
    for section in SECTIONS {
        let Some(entries) = components.get_mut(section).and_then(Value::as_object_mut) else {
            continue;
        };
        if section == "securitySchemes" {
            entries.retain(|name, _| schemes.contains(name));
        } else {
            entries.retain(|name, _| reached.contains(&(section.to_string(), name.clone())));
        }
    }
}

/// Pushes the `(section, name)` of every `#/components/<section>/<name>` `$ref` in `value`.
/// Every `$ref` is followed, even one inside an example: keeping a component too many is
/// harmless, dropping one a kept part uses is not.
fn refs_in(value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let mut parts = reference
                    .strip_prefix("#/components/")
                    .into_iter()
                    .flat_map(|r| r.splitn(2, '/'));
                if let (Some(section), Some(name)) = (parts.next(), parts.next()) {
                    if !name.contains('/') {
                        out.push((section.to_string(), unescape(name)));
                    }
                }
            }
            for v in map.values() {
                refs_in(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

/// Pushes every target of a discriminator's `mapping` in `value`.
fn mappings_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(mapping) = map
                .get("discriminator")
                .and_then(|d| d.get("mapping"))
                .and_then(Value::as_object)
            {
                out.extend(
                    mapping
                        .values()
                        .filter_map(Value::as_str)
                        .map(str::to_string),
                );
            }
            for v in map.values() {
                mappings_in(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| mappings_in(v, out)),
        _ => {}
    }
}

/// Adds the scheme names of a list of security requirements.
fn requirements_in(value: &Value, out: &mut BTreeSet<String>) {
    for requirement in value.as_array().into_iter().flatten() {
        if let Some(map) = requirement.as_object() {
            out.extend(map.keys().cloned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Webhooks are selected by tag and by name as operations are, and keep the schemas their
    /// payloads use.
    #[test]
    fn webhooks_are_selected_as_operations_are() {
        let body = |schema: &str| {
            serde_json::json!({"requestBody": {"content": {"application/json": {
                "schema": {"$ref": format!("#/components/schemas/{schema}")}
            }}}})
        };
        let mut adopted = body("Adoption");
        adopted["tags"] = serde_json::json!(["pets"]);
        let mut shipped = body("Order");
        shipped["tags"] = serde_json::json!(["orders"]);
        let mut doc = serde_json::json!({
            "paths": {"/pets": {"get": {"tags": ["pets"], "responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}
            }}}}},
            "webhooks": {"petAdopted": {"post": adopted}, "orderShipped": {"post": shipped}},
            "components": {"schemas": {"Pet": {}, "Adoption": {}, "Order": {}}}
        });
        let candidates = candidates(&doc);
        let names: Vec<(&str, Option<&str>)> = candidates
            .iter()
            .map(|c| (c.section, c.id.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("paths", None),
                ("webhooks", Some("petAdopted")),
                ("webhooks", Some("orderShipped"))
            ]
        );
        assert!(candidates[2].named_by("orderShipped"));
        let keep: Vec<bool> = candidates
            .iter()
            .map(|c| c.tags.contains(&"pets".to_string()))
            .collect();
        remove_operations(&mut doc, &candidates, &keep);
        prune_components(&mut doc);
        let hooks: Vec<&String> = doc["webhooks"].as_object().unwrap().keys().collect();
        assert_eq!(hooks, ["petAdopted"]);
        let schemas: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(schemas, ["Pet", "Adoption"]);
    }

    #[test]
    fn counts_have_thousands_separators() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1223, "1,223"),
            (1_234_567, "1,234,567"),
        ];
        for (n, text) in cases {
            assert_eq!(thousands(n), text);
        }
    }
}
