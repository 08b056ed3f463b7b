//! `openapi.json`: the spec the generated server implements, as the mock serves it.
//!
//! It is the bundled spec (all files merged, every `$ref` local) plus the rejections the
//! generated server really answers with, where the spec does not declare them already:
//! 400 for bad parameters or bodies, 401 for missing credentials, 413 and 415 for bodies.
//! Conformance tools (schemathesis) then check the server against what it does.

use serde_json::{json, Map, Value};

use crate::ir::Api;

const ERROR_SCHEMA: &str = "ForgeApiError";

/// The served document, pretty-printed.
pub fn document(api: &Api, header: &str) -> Result<String, String> {
    let mut doc = api.document.clone();
    if let Value::Object(members) = &mut doc {
        members.insert("x-generated-by".into(), Value::String(header.to_string()));
    }
    let error_ref = json!({ "$ref": format!("#/components/schemas/{ERROR_SCHEMA}") });
    let rejection = |description: &str| {
        json!({
            "description": description,
            "content": { "application/json": { "schema": error_ref.clone() } }
        })
    };
    let mut touched = false;
    for op in &api.operations {
        let method = op.method.as_str().to_ascii_lowercase();
        let Some(responses) = doc
            .get_mut("paths")
            .and_then(|p| p.get_mut(&op.path))
            .and_then(|item| item.get_mut(&method))
            .and_then(Value::as_object_mut)
            .map(|o| {
                o.entry("responses")
                    .or_insert_with(|| Value::Object(Map::new()))
            })
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let mut add = |code: &str, description: &str| {
            if !responses.contains_key(code) {
                responses.insert(code.to_string(), rejection(description));
                touched = true;
            }
        };
        if !op.params.is_empty() || op.body.is_some() {
            add("400", "The request was rejected: a parameter or the body is missing or invalid (added by openapi-forge).");
        }
        let needs_auth = !op.security.is_empty() && op.security.iter().all(|alt| !alt.is_empty());
        if needs_auth && !api.security_schemes.is_empty() {
            add("401", "Credentials are missing (added by openapi-forge).");
        }
        if op
            .params
            .iter()
            .any(|p| p.location == crate::ir::ParamLocation::Path)
        {
            add("404", "No resource at this path (added by openapi-forge).");
        }
        if op.body.is_some() {
            add(
                "413",
                "The body is larger than the server accepts (added by openapi-forge).",
            );
            add("415", "The body has another content type than the operation accepts (added by openapi-forge).");
        }
    }
    if touched {
        let schemas = doc
            .as_object_mut()
            .map(|d| d.entry("components").or_insert_with(|| json!({})))
            .and_then(Value::as_object_mut)
            .map(|c| c.entry("schemas").or_insert_with(|| json!({})))
            .and_then(Value::as_object_mut);
        if let Some(schemas) = schemas {
            schemas.entry(ERROR_SCHEMA).or_insert_with(|| {
                json!({
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["status", "rule", "message"],
                            "properties": {
                                "status": { "type": "integer" },
                                "field": { "type": "string", "nullable": true },
                                "rule": { "type": "string" },
                                "message": { "type": "string" }
                            }
                        }
                    }
                })
            });
        }
    }
    add_integer_formats(&mut doc);
    serde_json::to_string_pretty(&doc)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| e.to_string())
}

/// Integers without a format are `i64` in the generated code: the served spec says so, so
/// that clients and conformance tools stay within what the server accepts.
fn add_integer_formats(value: &mut Value) {
    // Parameters cannot carry JSON `null`: a nullable parameter schema only misleads tools.
    if let Value::Object(members) = value {
        if let Some(Value::Array(params)) = members.get_mut("parameters") {
            for p in params.iter_mut() {
                if let Some(Value::Object(schema)) = p.get_mut("schema") {
                    schema.remove("nullable");
                }
            }
        }
    }
    match value {
        Value::Object(members) => {
            let untyped_integer = members.get("type").and_then(Value::as_str) == Some("integer")
                && !members.contains_key("format");
            if untyped_integer {
                members.insert("format".into(), json!("int64"));
            }
            for (key, member) in members.iter_mut() {
                if key != "example" && key != "examples" && key != "default" && key != "enum" {
                    add_integer_formats(member);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(add_integer_formats),
        _ => {}
    }
}
