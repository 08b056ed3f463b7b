//! Upgrade stage: an OpenAPI 3.1 or 3.2 bundle → the 3.0 form that normalize reads.
//!
//! Everything after this stage reads one form, so the IR, the emitters, the diff and the mock
//! are the same whatever version the user wrote. JSON Schema 2020-12 keywords that have a 3.0
//! equivalent are rewritten to it; those that do not are removed with a warning that names
//! their pointer, so nothing is dropped without a word:
//!
//! | 3.1 / 3.2 | becomes |
//! | --- | --- |
//! | `type: [T, "null"]` | `type: T, nullable: true` |
//! | `type: [A, B, ...]` | `anyOf: [{type: A}, {type: B}, ...]` (nullable when `"null"` is listed) |
//! | `const: v` | `enum: [v]`, with the constant's type when none is given |
//! | `examples: [a, ...]` on a schema | `example: a` |
//! | `exclusiveMinimum: n` / `exclusiveMaximum: n` | `minimum: n, exclusiveMinimum: true` / the same for the maximum |
//! | `$ref` with sibling keywords | `allOf: [{$ref}]` beside the siblings (a description, `nullable`, a default...) |
//! | `contentEncoding: base64` | `format: byte` |
//! | `contentMediaType` without an encoding | `format: binary` |
//! | `itemSchema` of a `text/event-stream` or JSON Lines media type (3.2) | `schema`: for a stream, the schema of one item (of other media types: removed, with a warning) |
//! | `true` / `false` as a schema | `{}` (`false`: with a warning; a property that is `false` is left out, a `false` alternative dropped) |
//! | `$defs` / `definitions` inside a schema | the definitions a `$ref` names are components (made so by the bundle); the keyword is removed |
//! | `prefixItems`, `patternProperties`, `dependentRequired`, `if`/`then`/`else`, `unevaluated*`... | removed, with a warning (the value falls back to what the rest of the schema says) |
//!
//! Pointers of warnings are those of the bundle, which [`crate::load::Bundle::locate`] maps back
//! to the file and line the user wrote.

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostics;
use crate::load::{escape, Bundle};

/// The OpenAPI versions the generator reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// 3.0.x: read as it is.
    V30,
    /// 3.1.x: JSON Schema 2020-12 schemas.
    V31,
    /// 3.2.x: as 3.1, plus streamed media types and the `QUERY` method.
    V32,
}

impl Version {
    /// The version an `openapi` field names, if the generator reads it.
    pub fn of(field: &str) -> Option<Version> {
        let mut parts = field.split('.');
        match (parts.next(), parts.next()) {
            (Some("3"), Some("0")) => Some(Version::V30),
            (Some("3"), Some("1")) => Some(Version::V31),
            (Some("3"), Some("2")) => Some(Version::V32),
            _ => None,
        }
    }
}

/// Schema keywords of JSON Schema 2020-12 with no 3.0 equivalent: removed, with a warning.
const UNSUPPORTED: &[&str] = &[
    "prefixItems",
    "patternProperties",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
    "$dynamicRef",
    "$dynamicAnchor",
];

/// Schema keywords that 2020-12 allows and that change nothing the generator produces:
/// removed without a word. The definitions of `$defs` (and draft-07 `definitions`) that a
/// `$ref` names became components when the spec was bundled; the others describe no value.
const IGNORED: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$defs",
    "definitions",
];

/// Brings a 3.1 or 3.2 bundle to the 3.0 form. A 3.0 bundle is left as it is.
pub fn upgrade(bundle: &mut Bundle, diags: &mut Diagnostics) {
    let version = bundle
        .doc
        .get("openapi")
        .and_then(Value::as_str)
        .and_then(Version::of);
    if matches!(version, None | Some(Version::V30)) {
        return;
    }
    let mut warnings: Vec<(String, String)> = Vec::new();
    let doc = &mut bundle.doc;
    document(doc, &mut warnings);
    if let Some(Value::String(v)) = doc.get_mut("openapi") {
        *v = "3.0.3".to_owned();
    }
    for (pointer, message) in warnings {
        let location = bundle.locate(&pointer);
        diags.warning(location, message);
    }
}

/// The parts of the document outside schemas: finds every schema and upgrades it.
fn document(doc: &mut Value, warnings: &mut Vec<(String, String)>) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    if let Some(dialect) = root.get("jsonSchemaDialect").and_then(Value::as_str) {
        if !dialect.starts_with("https://spec.openapis.org/oas/3.1/dialect") {
            warnings.push((
                "/jsonSchemaDialect".to_owned(),
                format!("the schema dialect `{dialect}` is read as the OpenAPI 3.1 default"),
            ));
        }
    }
    for section in ["paths", "webhooks"] {
        let Some(Value::Object(paths)) = root.get_mut(section) else {
            continue;
        };
        for (path, item) in paths.iter_mut() {
            let at = format!("/{section}/{}", escape(path));
            if let Value::Object(map) = item {
                if map.remove("query").is_some() {
                    warnings.push((
                        format!("{at}/query"),
                        "the QUERY method is not generated yet; the operation is left out"
                            .to_owned(),
                    ));
                }
            }
            walk(item, &at, warnings);
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        if let Some(Value::Object(schemas)) = components.get_mut("schemas") {
            for (name, s) in schemas.iter_mut() {
                schema(
                    s,
                    &format!("/components/schemas/{}", escape(name)),
                    warnings,
                );
            }
        }
        for (section, value) in components.iter_mut() {
            if section == "schemas" {
                continue;
            }
            walk(value, &format!("/components/{}", escape(section)), warnings);
        }
    }
}

/// A part of the document that is not a schema: every `schema` member in it is one. Examples
/// and extensions are data, never walked.
fn walk(value: &mut Value, at: &str, warnings: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key.starts_with("x-") || key == "example" || key == "examples" {
                    continue;
                }
                let child_at = format!("{at}/{}", escape(key));
                if key == "schema" || key == "itemSchema" {
                    schema(child, &child_at, warnings);
                } else {
                    walk(child, &child_at, warnings);
                }
            }
            // 3.2's `itemSchema` of an event stream (or JSON Lines) is the schema of one event's
            // data: what `schema` means for those media types here (OpenAI's spec writes it so).
            let events = at
                .rsplit('/')
                .next()
                .map(crate::load::unescape)
                .is_some_and(|media| crate::lower::is_event_stream(&media));
            if events && !map.contains_key("schema") {
                if let Some(item) = map.remove("itemSchema") {
                    map.insert("schema".to_owned(), item);
                }
            } else if map.remove("itemSchema").is_some() {
                warnings.push((
                    format!("{at}/itemSchema"),
                    "`itemSchema` (streamed items) is generated for `text/event-stream` and JSON Lines only; the body is read as a whole"
                        .to_owned(),
                ));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &format!("{at}/{i}"), warnings);
            }
        }
        _ => {}
    }
}

/// Upgrades one schema and every schema nested in it.
fn schema(value: &mut Value, at: &str, warnings: &mut Vec<(String, String)>) {
    // Boolean schemas: `true` accepts anything, as `{}` does; `false` accepts nothing, which
    // a reader that must not lose data reads as anything too (a property that must be absent
    // is left out where the properties are read, see `nested`).
    if let Value::Bool(accepts) = *value {
        if !accepts {
            warnings.push((
                at.to_owned(),
                "the schema `false` (no value is valid) is read as any value".to_owned(),
            ));
        }
        *value = Value::Object(Map::new());
    }
    let Value::Object(map) = value else {
        return;
    };
    nested(map, at, warnings);
    ref_siblings(map);
    type_array(map);
    if let Some(v) = map.remove("const") {
        // A 3.0 enum needs its type to become a Rust enum: the constant's own.
        let implied = match &v {
            Value::String(_) => Some("string"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            Value::Bool(_) => Some("boolean"),
            _ => None,
        };
        if let Some(t) = implied {
            map.entry("type")
                .or_insert_with(|| Value::String(t.to_owned()));
        }
        map.entry("enum").or_insert_with(|| Value::Array(vec![v]));
    }
    if let Some(Value::Array(examples)) = map.get("examples") {
        let first = examples.first().cloned();
        map.remove("examples");
        if let Some(first) = first {
            map.entry("example").or_insert(first);
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = map.get(exclusive).cloned() {
            map.insert(bound.to_owned(), n);
            map.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
    content_encoding(map);
    for key in IGNORED {
        map.remove(*key);
    }
    for key in UNSUPPORTED {
        if map.remove(*key).is_some() {
            warnings.push((
                format!("{at}/{}", escape(key)),
                format!("`{key}` is not supported; the schema is read without it"),
            ));
        }
    }
}

/// The schemas nested in a schema: properties, items, compositions and the like.
fn nested(map: &mut Map<String, Value>, at: &str, warnings: &mut Vec<(String, String)>) {
    // A property whose schema is `false` must be absent: it is no field.
    let mut absent = Vec::new();
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        properties.retain(|name, property| {
            let keep = *property != Value::Bool(false);
            if !keep {
                absent.push(name.clone());
            }
            keep
        });
    }
    for name in absent {
        warnings.push((
            format!("{at}/properties/{}", escape(&name)),
            format!("property `{name}` has the schema `false` (it must be absent): it is no field"),
        ));
        if let Some(Value::Array(required)) = map.get_mut("required") {
            required.retain(|r| r.as_str() != Some(name.as_str()));
        }
    }
    // A `false` alternative of `anyOf`/`oneOf` never matches: it is no variant.
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(parts)) = map.get_mut(key) {
            parts.retain(|part| *part != Value::Bool(false));
        }
    }
    for (key, child) in map.iter_mut() {
        let child_at = format!("{at}/{}", escape(key));
        match (key.as_str(), child) {
            ("properties", Value::Object(properties)) => {
                for (name, property) in properties.iter_mut() {
                    schema(property, &format!("{child_at}/{}", escape(name)), warnings);
                }
            }
            ("items" | "not", child @ (Value::Object(_) | Value::Bool(_))) => {
                schema(child, &child_at, warnings);
            }
            // A boolean `additionalProperties` is 3.0 already.
            ("additionalProperties", child @ Value::Object(_)) => {
                schema(child, &child_at, warnings);
            }
            ("allOf" | "anyOf" | "oneOf", Value::Array(parts)) => {
                for (i, part) in parts.iter_mut().enumerate() {
                    schema(part, &format!("{child_at}/{i}"), warnings);
                }
            }
            _ => {}
        }
    }
}

/// `$ref` beside other keywords (allowed from 3.1 on): the reference moves into an `allOf`,
/// so that the siblings (a description, `nullable`, a default) are read, not dropped.
fn ref_siblings(map: &mut Map<String, Value>) {
    if map.len() < 2 || !map.contains_key("$ref") {
        return;
    }
    if let Some(reference) = map.remove("$ref") {
        let mut part = Map::new();
        part.insert("$ref".to_owned(), reference);
        match map.get_mut("allOf") {
            Some(Value::Array(parts)) => parts.insert(0, Value::Object(part)),
            _ => {
                map.insert("allOf".to_owned(), Value::Array(vec![Value::Object(part)]));
            }
        }
    }
}

/// `type` as an array of types.
fn type_array(map: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = map.get("type") else {
        return;
    };
    let names: Vec<String> = types
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let nullable = names.iter().any(|t| t == "null");
    let others: Vec<&String> = names.iter().filter(|t| *t != "null").collect();
    match others.as_slice() {
        [] => {
            map.insert("type".to_owned(), Value::String("null".to_owned()));
        }
        [one] => {
            map.insert("type".to_owned(), Value::String((*one).clone()));
        }
        many => {
            map.remove("type");
            let parts = many
                .iter()
                .map(|t| {
                    let mut part = Map::new();
                    part.insert("type".to_owned(), Value::String((*t).clone()));
                    Value::Object(part)
                })
                .collect();
            map.insert("anyOf".to_owned(), Value::Array(parts));
        }
    }
    if nullable && !others.is_empty() {
        map.insert("nullable".to_owned(), Value::Bool(true));
    }
}

/// `contentEncoding` / `contentMediaType` on a string: bytes, as 3.0's `byte` / `binary`.
fn content_encoding(map: &mut Map<String, Value>) {
    let encoding = map.remove("contentEncoding");
    let media = map.remove("contentMediaType");
    if map.contains_key("format") {
        return;
    }
    let format = match (encoding.as_ref().and_then(Value::as_str), media) {
        (Some("base64" | "base64url"), _) => "byte",
        (None, Some(_)) => "binary",
        _ => return,
    };
    map.insert("format".to_owned(), Value::String(format.to_owned()));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn upgraded(mut value: serde_json::Value) -> (serde_json::Value, Vec<String>) {
        let mut warnings = Vec::new();
        super::schema(&mut value, "/s", &mut warnings);
        (value, warnings.into_iter().map(|(p, _)| p).collect())
    }

    #[test]
    fn type_arrays_become_nullable_types_or_unions() {
        assert_eq!(
            upgraded(json!({"type": ["string", "null"]})).0,
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            upgraded(json!({"type": ["integer", "string"]})).0,
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}]})
        );
        assert_eq!(
            upgraded(json!({"type": ["null"]})).0,
            json!({"type": "null"})
        );
    }

    #[test]
    fn keywords_with_a_3_0_form_are_rewritten() {
        let (value, warnings) = upgraded(json!({
            "type": "object",
            "properties": {
                "kind": {"const": "dog"},
                "age": {"type": "integer", "exclusiveMinimum": 0, "examples": [3, 4]},
                "owner": {"$ref": "#/components/schemas/Owner", "description": "who"},
                "photo": {"type": "string", "contentEncoding": "base64"},
                "raw": {"type": "string", "contentMediaType": "image/png"},
                "tuple": {"type": "array", "prefixItems": [{"type": "string"}]}
            }
        }));
        let p = &value["properties"];
        assert_eq!(p["kind"], json!({"type": "string", "enum": ["dog"]}));
        assert_eq!(
            p["age"],
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "example": 3})
        );
        assert_eq!(
            p["owner"],
            json!({"description": "who", "allOf": [{"$ref": "#/components/schemas/Owner"}]})
        );
        assert_eq!(p["photo"], json!({"type": "string", "format": "byte"}));
        assert_eq!(p["raw"], json!({"type": "string", "format": "binary"}));
        assert_eq!(p["tuple"], json!({"type": "array"}));
        assert_eq!(warnings, ["/s/properties/tuple/prefixItems"]);
    }

    #[test]
    fn a_lone_ref_stays_a_ref() {
        let (value, _) = upgraded(json!({"$ref": "#/components/schemas/Owner"}));
        assert_eq!(value, json!({"$ref": "#/components/schemas/Owner"}));
    }

    #[test]
    fn item_schemas_of_streams_are_their_schema() {
        let mut content = json!({
            "text/event-stream": {"itemSchema": {"type": ["integer", "null"]}},
            "application/x-ndjson": {"itemSchema": {"type": "string"}},
            "text/event-stream;charset=utf-8": {"schema": {"type": "string"}, "itemSchema": {}},
            "application/json": {"itemSchema": {"type": "string"}}
        });
        let mut warnings = Vec::new();
        super::walk(&mut content, "/r/content", &mut warnings);
        assert_eq!(
            content,
            json!({
                "text/event-stream": {"schema": {"type": "integer", "nullable": true}},
                "application/x-ndjson": {"schema": {"type": "string"}},
                "text/event-stream;charset=utf-8": {"schema": {"type": "string"}},
                "application/json": {}
            })
        );
        let pointers: Vec<&str> = warnings.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/r/content/text~1event-stream;charset=utf-8/itemSchema",
                "/r/content/application~1json/itemSchema"
            ]
        );
    }

    #[test]
    fn versions() {
        use super::Version;
        assert_eq!(Version::of("3.0.3"), Some(Version::V30));
        assert_eq!(Version::of("3.1.0"), Some(Version::V31));
        assert_eq!(Version::of("3.2.0"), Some(Version::V32));
        assert_eq!(Version::of("2.0"), None);
        assert_eq!(Version::of("4.0.0"), None);
    }
}
