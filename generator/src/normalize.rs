//! Normalize stage: the bundled JSON document → typed `openapiv3` values, checked.
//!
//! The document is deserialized piece by piece (each path item, each component on its own), so
//! that one broken schema does not hide the problems of the others: every problem is reported,
//! with the file and pointer the user wrote. The resulting [`Spec`] answers `$ref` look-ups
//! without panicking; a reference that cannot be followed is reported once and treated as absent.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use openapiv3::{
    Callback, Components, Header, Info, OpenAPI, Parameter, PathItem, Paths, ReferenceOr,
    RequestBody, Response, Schema, SecurityRequirement, SecurityScheme, Server, Tag,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostics::{Diagnostics, Location};
use crate::load::{escape, Bundle};

mod lenient;
mod narrow;

/// A typed, checked OpenAPI document and the map back to its source files.
#[derive(Debug)]
pub struct Spec {
    /// The typed document. Every `$ref` in it is local to `components`.
    pub doc: OpenAPI,
    /// The webhooks of a 3.1 document (which `openapiv3` does not read): requests the API's
    /// provider sends, by name, in spec order.
    pub webhooks: IndexMap<String, PathItem>,
    /// The bundle it came from, for locating problems.
    pub bundle: Bundle,
}

/// Deserializes and checks the bundle. Returns `None` when errors were recorded.
pub fn normalize(mut bundle: Bundle, diags: &mut Diagnostics) -> Option<Spec> {
    let before = diags.error_count();
    lenient::accept_technicalities(&mut bundle, diags);
    let root = &bundle.doc;
    let mut parse = Parser {
        bundle: &bundle,
        diags,
    };
    let info: Option<Info> = match root.get("info") {
        Some(v) => parse.typed(v, "/info"),
        None => {
            parse.error("", "missing the required `info` object");
            None
        }
    };
    let servers: Vec<Server> = parse.optional(root, "servers").unwrap_or_default();
    let tags: Vec<Tag> = parse.optional(root, "tags").unwrap_or_default();
    let security: Option<Vec<SecurityRequirement>> = parse.optional(root, "security");
    let mut paths = Paths::default();
    if let Some(map) = root.get("paths").and_then(Value::as_object) {
        for (path, item) in map {
            let pointer = format!("/paths/{}", escape(path));
            if path.starts_with("x-") {
                continue;
            }
            if !path.starts_with('/') {
                parse.error(&pointer, format!("path `{path}` does not start with `/`"));
            }
            if let Some(item) = parse.typed::<PathItem>(item, &pointer) {
                paths.paths.insert(path.clone(), ReferenceOr::Item(item));
            }
        }
    }
    let mut webhooks = IndexMap::new();
    if let Some(map) = root.get("webhooks").and_then(Value::as_object) {
        for (name, item) in map {
            let pointer = format!("/webhooks/{}", escape(name));
            if let Some(item) = parse.typed::<PathItem>(item, &pointer) {
                webhooks.insert(name.clone(), item);
            }
        }
    }
    let mut components = Components::default();
    if let Some(map) = root.get("components").and_then(Value::as_object) {
        parse.section(map, "schemas", &mut components.schemas);
        parse.section(map, "responses", &mut components.responses);
        parse.section(map, "parameters", &mut components.parameters);
        parse.section(map, "requestBodies", &mut components.request_bodies);
        parse.section(map, "headers", &mut components.headers);
        parse.section(map, "securitySchemes", &mut components.security_schemes);
        parse.section(map, "examples", &mut components.examples);
    }
    let extensions = root
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.starts_with("x-"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let info = info?;
    if diags.error_count() > before {
        return None;
    }
    let doc = OpenAPI {
        openapi: root
            .get("openapi")
            .and_then(Value::as_str)
            .unwrap_or("3.0.3")
            .to_string(),
        info,
        servers,
        paths,
        components: Some(components),
        security,
        tags,
        external_docs: None,
        extensions,
    };
    let spec = Spec {
        doc,
        webhooks,
        bundle,
    };
    spec.check(diags);
    (diags.error_count() == before).then_some(spec)
}

struct Parser<'a> {
    bundle: &'a Bundle,
    diags: &'a mut Diagnostics,
}

impl Parser<'_> {
    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        let location = self.bundle.locate(pointer);
        self.diags.error(location, message);
    }

    fn typed<T: DeserializeOwned>(&mut self, value: &Value, pointer: &str) -> Option<T> {
        self.typed_in(value, pointer, Nesting::Other { callbacks: 0 })
    }

    /// Deserializes `value`, which sits at `root` in the nesting of schemas and callbacks.
    ///
    /// `openapiv3` reads a `$ref`-or-object slot by trying the object twice when it does not
    /// parse, so a problem nested n slots deep costs 2^n tries. Schemas and callbacks nested
    /// deeper than [`MAX_PARSE_DEPTH`] are therefore checked on their own first, each as deep as
    /// that again, and the whole value is read only once every part is known to parse.
    fn typed_in<T: DeserializeOwned>(
        &mut self,
        value: &Value,
        pointer: &str,
        root: Nesting,
    ) -> Option<T> {
        let mut found = Vec::new();
        find_deep(value, &mut Vec::new(), root, &mut found);
        if found.is_empty() {
            return self.parse(value, pointer);
        }
        // Only a value with parts nested too deep is copied, to cut them out of the copy.
        let mut shallow = value.clone();
        let mut deep = Vec::with_capacity(found.len());
        for (relative, kind) in found {
            if let Some(slot) = shallow.pointer_mut(&relative) {
                let part = std::mem::replace(slot, Value::Object(Default::default()));
                deep.push((relative, kind, part));
            }
        }
        self.parse::<T>(&shallow, pointer)?;
        let mut parsed = true;
        for (relative, kind, part) in deep {
            let at = format!("{pointer}{relative}");
            parsed &= match kind {
                Deep::Schema => self
                    .typed_in::<ReferenceOr<Schema>>(&part, &at, Nesting::Schema { depth: 1 })
                    .is_some(),
                Deep::Callback => self
                    .typed_in::<ReferenceOr<Callback>>(&part, &at, Nesting::Other { callbacks: 0 })
                    .is_some(),
            };
        }
        if parsed {
            self.parse(value, pointer)
        } else {
            None
        }
    }

    /// Deserializes `value`, reporting where it does not parse.
    fn parse<T: DeserializeOwned>(&mut self, value: &Value, pointer: &str) -> Option<T> {
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(v) => Some(v),
            Err(e) => {
                let mut at = pointer.to_string();
                for segment in e.path().iter() {
                    use serde_path_to_error::Segment;
                    match segment {
                        Segment::Seq { index } => at.push_str(&format!("/{index}")),
                        Segment::Map { key } => at.push_str(&format!("/{}", escape(key))),
                        Segment::Enum { .. } | Segment::Unknown => {}
                    }
                }
                let inner = e.into_inner().to_string();
                // Schemas deserialize through untagged enums and a hand-written visitor, which
                // hide where inside the object the problem is: look for the smallest part of
                // the schema that does not parse.
                let in_schema = at.contains("/schemas/") || at.contains("/schema");
                let relative = at.strip_prefix(pointer).unwrap_or("");
                let failing = if relative.is_empty() {
                    Some(value)
                } else {
                    value.pointer(relative)
                };
                let narrowed = failing
                    .filter(|_| in_schema)
                    .and_then(|v| narrow_schema(v, &at))
                    .or_else(|| {
                        // Elsewhere, any part of the object at fault: the keyword, not the
                        // object that holds it.
                        let deeper = narrow::culprit::<T>(value, relative, &inner)?;
                        let why = narrow::why(value, &deeper);
                        Some((format!("{pointer}{deeper}"), why))
                    });
                let (at, message) = match narrowed {
                    Some((deeper, why)) if inner.contains("untagged enum") => (deeper, why),
                    Some((deeper, _)) => (deeper, inner),
                    None if inner.contains("untagged enum") => (at, "not a valid object of the kind expected here (a `$ref` or the object itself); check its keys and value types".to_string()),
                    None => (at, inner),
                };
                self.error(&at, message);
                None
            }
        }
    }

    fn optional<T: DeserializeOwned>(&mut self, root: &Value, key: &str) -> Option<T> {
        root.get(key)
            .filter(|v| !v.is_null())
            .and_then(|v| self.typed(v, &format!("/{key}")))
    }

    fn section<T: DeserializeOwned>(
        &mut self,
        components: &serde_json::Map<String, Value>,
        section: &str,
        out: &mut IndexMap<String, ReferenceOr<T>>,
    ) {
        let Some(entries) = components.get(section).and_then(Value::as_object) else {
            return;
        };
        let root = if section == "schemas" {
            Nesting::Schema { depth: 1 }
        } else {
            Nesting::Other { callbacks: 0 }
        };
        for (name, value) in entries {
            let pointer = format!("/components/{section}/{}", escape(name));
            if let Some(v) = self.typed_in(value, &pointer, root) {
                out.insert(name.clone(), v);
            }
        }
    }
}

/// How many schemas (or callbacks) deep one value is deserialized at once (see
/// [`Parser::typed_in`]): a value that does not parse is then tried at most about 2^6 times
/// (times a few for the slots around the schemas), which takes milliseconds.
const MAX_PARSE_DEPTH: usize = 6;

/// Where a value sits in the nesting that makes deserialization retry.
#[derive(Clone, Copy, Debug)]
enum Nesting {
    /// Outside schemas, inside this many callbacks.
    Other { callbacks: usize },
    /// A schema, nested this deep (1 for a schema that is not inside another).
    Schema { depth: usize },
}

/// What a part found by [`find_deep`] is.
#[derive(Clone, Copy, Debug)]
enum Deep {
    Schema,
    Callback,
}

/// A step of the path from the value [`find_deep`] starts at.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The JSON pointer of `path`, relative to where it starts.
fn pointer_of(path: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in path {
        out.push('/');
        match step {
            Step::Key(key) => out.push_str(&escape(key)),
            Step::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// Finds the schemas and callbacks of `value` (which sits at `nesting`) that are nested more
/// than [`MAX_PARSE_DEPTH`] deep: (pointer relative to `value`, kind). Parts inside a part found
/// are not listed. Example data and extensions are left alone. Nothing is allocated while
/// nothing is found.
fn find_deep<'a>(
    value: &'a Value,
    path: &mut Vec<Step<'a>>,
    nesting: Nesting,
    out: &mut Vec<(String, Deep)>,
) {
    match (nesting, value) {
        (Nesting::Schema { depth }, _) if depth > MAX_PARSE_DEPTH => {
            out.push((pointer_of(path), Deep::Schema));
        }
        (Nesting::Schema { depth }, Value::Object(schema)) => {
            let inner = Nesting::Schema { depth: depth + 1 };
            for (key, child) in schema {
                path.push(Step::Key(key));
                match (key.as_str(), child) {
                    ("items" | "additionalProperties" | "not", child @ Value::Object(_)) => {
                        find_deep(child, path, inner, out);
                    }
                    ("properties", Value::Object(properties)) => {
                        for (name, property) in properties {
                            path.push(Step::Key(name));
                            find_deep(property, path, inner, out);
                            path.pop();
                        }
                    }
                    ("allOf" | "oneOf" | "anyOf", Value::Array(parts)) => {
                        for (i, part) in parts.iter().enumerate() {
                            path.push(Step::Index(i));
                            find_deep(part, path, inner, out);
                            path.pop();
                        }
                    }
                    _ => {}
                }
                path.pop();
            }
        }
        (Nesting::Schema { .. }, _) => {}
        (Nesting::Other { callbacks }, Value::Object(map)) => {
            for (key, child) in map {
                if key.starts_with("x-")
                    || matches!(key.as_str(), "example" | "examples" | "links" | "value")
                {
                    continue;
                }
                path.push(Step::Key(key));
                match (key.as_str(), child) {
                    ("schema", child @ Value::Object(_)) => {
                        find_deep(child, path, Nesting::Schema { depth: 1 }, out);
                    }
                    ("callbacks", Value::Object(entries)) => {
                        for (name, callback) in entries {
                            path.push(Step::Key(name));
                            if callbacks >= MAX_PARSE_DEPTH {
                                out.push((pointer_of(path), Deep::Callback));
                            } else {
                                let inner = Nesting::Other {
                                    callbacks: callbacks + 1,
                                };
                                find_deep(callback, path, inner, out);
                            }
                            path.pop();
                        }
                    }
                    (_, child) => find_deep(child, path, nesting, out),
                }
                path.pop();
            }
        }
        (Nesting::Other { .. }, Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                find_deep(item, path, nesting, out);
                path.pop();
            }
        }
        (Nesting::Other { .. }, _) => {}
    }
}

/// Finds the innermost part of a schema that does not parse, and why: a nested schema that
/// fails on its own, or a key whose removal makes the schema valid.
fn narrow_schema(value: &Value, pointer: &str) -> Option<(String, String)> {
    let parses = |v: &Value| serde_json::from_value::<ReferenceOr<Schema>>(v.clone()).is_ok();
    let object = value.as_object()?;
    if parses(value) {
        return None;
    }
    // A nested schema that fails by itself holds the problem.
    let mut nested: Vec<(String, &Value)> = Vec::new();
    for key in ["items", "additionalProperties", "not"] {
        if let Some(v) = object.get(key).filter(|v| v.is_object()) {
            nested.push((format!("{pointer}/{key}"), v));
        }
    }
    if let Some(Value::Object(properties)) = object.get("properties") {
        for (name, v) in properties {
            nested.push((format!("{pointer}/properties/{}", escape(name)), v));
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = object.get(key) {
            for (i, v) in parts.iter().enumerate() {
                nested.push((format!("{pointer}/{key}/{i}"), v));
            }
        }
    }
    for (at, v) in nested {
        if !parses(v) {
            return narrow_schema(v, &at).or(Some((at, "not a valid schema".to_string())));
        }
    }
    // Otherwise one of this schema's own keys: the one without which it parses.
    for key in object.keys() {
        let mut without = object.clone();
        let bad = without.remove(key);
        if parses(&Value::Object(without)) {
            let shown = bad.map(|b| b.to_string()).unwrap_or_default();
            return Some((
                format!("{pointer}/{}", escape(key)),
                format!("`{key}` has a value of the wrong type or form: {shown}"),
            ));
        }
    }
    None
}

/// How many `$ref`s in a row are followed before a chain is called a cycle.
const MAX_REF_CHAIN: usize = 64;

impl Spec {
    fn components(&self) -> Option<&Components> {
        self.doc.components.as_ref()
    }

    /// Locates a pointer of the bundle in the user's files.
    pub fn locate(&self, pointer: &str) -> Location {
        self.bundle.locate(pointer)
    }

    /// Follows a schema reference to the schema and, when it is a component, its name.
    pub fn schema<'a>(
        &'a self,
        schema: &'a ReferenceOr<Schema>,
    ) -> Result<(&'a Schema, Option<&'a str>), String> {
        let mut current = schema;
        let mut name = None;
        for _ in 0..MAX_REF_CHAIN {
            match current {
                ReferenceOr::Item(s) => return Ok((s, name)),
                ReferenceOr::Reference { reference } => {
                    let n = component_name(reference, "schemas")?;
                    current = self
                        .components()
                        .and_then(|c| c.schemas.get(n.as_str()))
                        .ok_or_else(|| format!("schema `{reference}` does not exist"))?;
                    name = self
                        .components()
                        .and_then(|c| c.schemas.get_key_value(n.as_str()))
                        .map(|(k, _)| k.as_str());
                }
            }
        }
        Err("schema references form a cycle with no schema in it".into())
    }

    /// Follows a `$ref` string to the schema it names.
    pub fn schema_by_ref(&self, reference: &str) -> Result<&Schema, String> {
        let name = component_name(reference, "schemas")?;
        let schema = self
            .components()
            .and_then(|c| c.schemas.get(name.as_str()))
            .ok_or_else(|| format!("schema `{reference}` does not exist"))?;
        self.schema(schema).map(|(s, _)| s)
    }

    /// Follows references of any component kind to the object.
    pub fn resolve<'a, T>(
        &'a self,
        item: &'a ReferenceOr<T>,
        section: &str,
        pick: impl Fn(&Components) -> &IndexMap<String, ReferenceOr<T>>,
    ) -> Result<&'a T, String> {
        let mut current = item;
        for _ in 0..MAX_REF_CHAIN {
            match current {
                ReferenceOr::Item(t) => return Ok(t),
                ReferenceOr::Reference { reference } => {
                    let n = component_name(reference, section)?;
                    current = self
                        .components()
                        .and_then(|c| pick(c).get(n.as_str()))
                        .ok_or_else(|| format!("`{reference}` does not exist"))?;
                }
            }
        }
        Err("references form a cycle with no object in it".into())
    }

    /// Follows a parameter reference.
    pub fn parameter<'a>(&'a self, p: &'a ReferenceOr<Parameter>) -> Result<&'a Parameter, String> {
        self.resolve(p, "parameters", |c| &c.parameters)
    }

    /// Follows a request body reference.
    pub fn request_body<'a>(
        &'a self,
        b: &'a ReferenceOr<RequestBody>,
    ) -> Result<&'a RequestBody, String> {
        self.resolve(b, "requestBodies", |c| &c.request_bodies)
    }

    /// Follows a response reference.
    pub fn response<'a>(&'a self, r: &'a ReferenceOr<Response>) -> Result<&'a Response, String> {
        self.resolve(r, "responses", |c| &c.responses)
    }

    /// Follows a header reference.
    pub fn header<'a>(&'a self, h: &'a ReferenceOr<Header>) -> Result<&'a Header, String> {
        self.resolve(h, "headers", |c| &c.headers)
    }

    /// Follows a security scheme reference.
    pub fn security_scheme<'a>(
        &'a self,
        s: &'a ReferenceOr<SecurityScheme>,
    ) -> Result<&'a SecurityScheme, String> {
        self.resolve(s, "securitySchemes", |c| &c.security_schemes)
    }

    /// Checks what deserialization cannot: references that point nowhere or in circles, and
    /// path templates that disagree with their parameters.
    fn check(&self, diags: &mut Diagnostics) {
        if let Some(c) = self.components() {
            for (name, s) in &c.schemas {
                if let Err(e) = self.schema(s) {
                    diags.error(
                        self.locate(&format!("/components/schemas/{}", escape(name))),
                        e,
                    );
                }
            }
        }
        for (path, item) in self.doc.paths.paths.iter() {
            if let ReferenceOr::Item(item) = item {
                self.check_path_item(path, item, &format!("/paths/{}", escape(path)), diags);
            }
        }
        for (name, item) in &self.webhooks {
            // A webhook has no path: any path parameter it declares is reported as unused.
            self.check_path_item("", item, &format!("/webhooks/{}", escape(name)), diags);
        }
    }

    /// Checks the parameters of the operations of one path item against the template `path`.
    fn check_path_item(
        &self,
        path: &str,
        item: &PathItem,
        path_pointer: &str,
        diags: &mut Diagnostics,
    ) {
        let template: BTreeSet<String> =
            crate::ir::path::template_params(path).into_iter().collect();
        for (method, op) in item.iter() {
            let pointer = format!("{path_pointer}/{method}");
            let mut declared = BTreeSet::new();
            for (i, p) in item
                .parameters
                .iter()
                .chain(op.parameters.iter())
                .enumerate()
            {
                match self.parameter(p) {
                    Ok(Parameter::Path { parameter_data, .. }) => {
                        declared.insert(parameter_data.name.clone());
                    }
                    Ok(_) => {}
                    Err(e) => diags.error(self.locate(&format!("{pointer}/parameters/{i}")), e),
                }
            }
            for missing in template.difference(&declared) {
                diags.warning(
                    self.locate(&pointer),
                    format!("path parameter `{missing}` of `{path}` is not declared; it is taken as a required string"),
                );
            }
            for extra in declared.difference(&template) {
                let message = if path_pointer.starts_with("/webhooks/") {
                    format!(
                        "path parameter `{extra}` of a webhook, which has no path; it is ignored"
                    )
                } else {
                    format!("path parameter `{extra}` does not appear in `{path}`; it is ignored")
                };
                diags.warning(self.locate(&pointer), message);
            }
        }
    }
}

/// The component name a local `$ref` points at, checking its section.
fn component_name(reference: &str, section: &str) -> Result<String, String> {
    let prefix = format!("#/components/{section}/");
    reference
        .strip_prefix(&prefix)
        .map(crate::load::unescape)
        .ok_or_else(|| format!("`{reference}` does not point into `components/{section}`"))
}
