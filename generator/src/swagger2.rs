//! Swagger 2.0 documents → the OpenAPI 3.0 form the rest of the pipeline reads.
//!
//! Each file of a 2.0 spec is converted right after it is parsed, before bundling, so `$ref`s
//! between files, bundling and every later stage work as for 3.0. Diagnostics still point into
//! the 2.0 document: the conversion returns, for each part it moved, the 3.0 pointer prefix and
//! the 2.0 one it came from ([`Converted::moved`]), which the load stage applies when it locates
//! a problem.
//!
//! | 2.0 | 3.0 |
//! | --- | --- |
//! | `host`, `basePath`, `schemes` | `servers` |
//! | `definitions`, `parameters`, `responses`, `securityDefinitions` | `components/{schemas, parameters, responses, securitySchemes}` |
//! | `in: body` parameter | `requestBody` with the operation's `consumes` |
//! | `in: formData` parameters | a `multipart/form-data` (with a `type: file`) or urlencoded `requestBody` |
//! | `type`, `format`, `items`, `enum`... on a parameter or header | its `schema` |
//! | `collectionFormat` `csv` / `ssv` / `pipes` / `multi` | `style`/`explode`: `form` (or `simple`), `spaceDelimited`, `pipeDelimited`, exploded `form` |
//! | response `schema` and `examples` | `content` for each of the operation's `produces` |
//! | `type: file` | `type: string, format: binary` |
//! | `x-nullable: true` | `nullable: true` |
//! | `discriminator: name` | `discriminator: {propertyName: name}` |
//! | oauth2 `implicit` / `password` / `application` / `accessCode` | `flows` `implicit` / `password` / `clientCredentials` / `authorizationCode` |

use serde_json::{json, Map, Value};

use crate::load::escape;

/// A converted file and how its parts moved.
pub struct Converted {
    /// The document in the 3.0 form.
    pub doc: Value,
    /// `(3.0 pointer prefix, 2.0 pointer prefix)` of every part that moved.
    pub moved: Vec<(String, String)>,
    /// `(2.0 pointer, message)` of what the conversion could not carry over exactly.
    pub warnings: Vec<(String, String)>,
}

/// Whether a parsed file is a Swagger 2.0 document.
pub fn is_swagger2(doc: &Value) -> bool {
    doc.get("swagger").and_then(Value::as_str) == Some("2.0")
}

/// A file that a Swagger 2.0 document refers to but that is not one itself (a fragment): only
/// its `$ref`s to 2.0 sections are rewritten.
pub fn convert_fragment(doc: &mut Value) {
    rewrite_refs(doc);
}

/// Converts a Swagger 2.0 document.
pub fn convert(mut doc: Value) -> Converted {
    let mut out = Converted {
        doc: Value::Null,
        moved: Vec::new(),
        warnings: Vec::new(),
    };
    rewrite_refs(&mut doc);
    let Value::Object(mut root) = doc else {
        out.doc = doc;
        return out;
    };
    let globals = Globals {
        consumes: strings(root.get("consumes")),
        produces: strings(root.get("produces")),
        parameters: root
            .get("parameters")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
    };
    let mut result = Map::new();
    if root.remove("swagger").is_some() {
        result.insert("openapi".into(), json!("3.0.3"));
    }
    for key in ["info", "tags", "security", "externalDocs"] {
        if let Some(v) = root.remove(key) {
            result.insert(key.into(), v);
        }
    }
    if let Some(servers) = servers(&root) {
        result.insert("servers".into(), servers);
    }
    let components = components(&mut root, &globals, &mut out);
    if let Some(Value::Object(paths)) = root.remove("paths") {
        let converted = paths
            .into_iter()
            .map(|(path, item)| {
                let at = format!("/paths/{}", escape(&path));
                let item = path_item(item, &globals, &at, &mut out.warnings);
                (path, item)
            })
            .collect();
        result.insert("paths".into(), Value::Object(converted));
    }
    if !components.is_empty() {
        result.insert("components".into(), Value::Object(components));
    }
    // Extensions and anything else the document carries, as they are.
    for (key, value) in root {
        if key.starts_with("x-") {
            result.insert(key, value);
        }
    }
    out.doc = Value::Object(result);
    out
}

/// The `components` of the converted document: `definitions`, the document's parameters
/// (but body and form ones), `responses` and `securityDefinitions`, each taken from `root` and
/// its move recorded in `out`.
fn components(
    root: &mut Map<String, Value>,
    globals: &Globals,
    out: &mut Converted,
) -> Map<String, Value> {
    let mut components = Map::new();
    if let Some(Value::Object(mut definitions)) = root.remove("definitions") {
        definitions.values_mut().for_each(schema);
        components.insert("schemas".into(), Value::Object(definitions));
        out.moved
            .push(("/components/schemas".into(), "/definitions".into()));
    }
    let mut parameters = Map::new();
    for (name, p) in &globals.parameters {
        // Body and form parameters become part of each operation's request body instead.
        if matches!(
            p.get("in").and_then(Value::as_str),
            Some("body" | "formData")
        ) {
            continue;
        }
        let at = format!("/parameters/{}", escape(name));
        parameters.insert(name.clone(), parameter(p.clone(), &at, &mut out.warnings));
    }
    if !parameters.is_empty() {
        components.insert("parameters".into(), Value::Object(parameters));
        out.moved
            .push(("/components/parameters".into(), "/parameters".into()));
    }
    if let Some(Value::Object(responses)) = root.remove("responses") {
        let converted = responses
            .into_iter()
            .map(|(name, r)| {
                let at = format!("/responses/{}", escape(&name));
                (name, response(r, &globals.produces, &at, &mut out.warnings))
            })
            .collect();
        components.insert("responses".into(), Value::Object(converted));
        out.moved
            .push(("/components/responses".into(), "/responses".into()));
    }
    if let Some(Value::Object(schemes)) = root.remove("securityDefinitions") {
        let converted = schemes
            .into_iter()
            .map(|(name, s)| (name, security_scheme(s)))
            .collect();
        components.insert("securitySchemes".into(), Value::Object(converted));
        out.moved.push((
            "/components/securitySchemes".into(),
            "/securityDefinitions".into(),
        ));
    }
    components
}

/// What operations inherit from the document.
struct Globals {
    consumes: Vec<String>,
    produces: Vec<String>,
    parameters: Map<String, Value>,
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// `host` + `basePath` + `schemes` → one server per scheme.
fn servers(root: &Map<String, Value>) -> Option<Value> {
    let host = root.get("host").and_then(Value::as_str);
    let base = root.get("basePath").and_then(Value::as_str).unwrap_or("");
    let base = base.trim_end_matches('/');
    let Some(host) = host else {
        return (!base.is_empty()).then(|| json!([{ "url": base }]));
    };
    let mut schemes = strings(root.get("schemes"));
    if schemes.is_empty() {
        schemes.push("https".into());
    }
    Some(Value::Array(
        schemes
            .iter()
            .map(|s| json!({ "url": format!("{s}://{host}{base}") }))
            .collect(),
    ))
}

/// Every `$ref` to a 2.0 section points at its 3.0 component. Examples and extensions are data.
fn rewrite_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key.starts_with("x-") || key == "example" || key == "examples" {
                    continue;
                }
                if key == "$ref" {
                    if let Value::String(r) = child {
                        *r = rewrite_ref(r);
                    }
                } else {
                    rewrite_refs(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

fn rewrite_ref(reference: &str) -> String {
    let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let moved = [
        ("/definitions/", "/components/schemas/"),
        ("/parameters/", "/components/parameters/"),
        ("/responses/", "/components/responses/"),
    ];
    for (old, new) in moved {
        if let Some(rest) = fragment.strip_prefix(old) {
            return format!("{file}#{new}{rest}");
        }
    }
    reference.to_owned()
}

/// The keywords of a 2.0 schema that differ in 3.0, here and in every nested schema.
fn schema(value: &mut Value) {
    let Value::Object(map) = value else {
        return;
    };
    if map.remove("x-nullable") == Some(Value::Bool(true)) {
        map.insert("nullable".into(), Value::Bool(true));
    }
    if map.get("type").and_then(Value::as_str) == Some("file") {
        map.insert("type".into(), json!("string"));
        map.insert("format".into(), json!("binary"));
    }
    if let Some(Value::String(property)) = map.get("discriminator").cloned() {
        map.insert("discriminator".into(), json!({ "propertyName": property }));
    }
    for (key, child) in map.iter_mut() {
        match (key.as_str(), child) {
            ("properties", Value::Object(properties)) => {
                properties.values_mut().for_each(schema);
            }
            ("items" | "additionalProperties", child @ Value::Object(_)) => schema(child),
            ("allOf", Value::Array(parts)) => parts.iter_mut().for_each(schema),
            _ => {}
        }
    }
}

/// Keywords a 2.0 parameter or header carries that belong to its 3.0 `schema`.
const SCHEMA_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "enum",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
];

/// A query, header, path or cookie parameter: its type moves into `schema`, its
/// `collectionFormat` becomes `style` and `explode`.
fn parameter(value: Value, at: &str, warnings: &mut Vec<(String, String)>) -> Value {
    let Value::Object(mut map) = value else {
        return value;
    };
    if map.contains_key("$ref") {
        return Value::Object(map);
    }
    let mut s = Map::new();
    for key in SCHEMA_KEYWORDS {
        if let Some(v) = map.remove(*key) {
            s.insert((*key).to_owned(), v);
        }
    }
    let location = map
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or("query")
        .to_owned();
    if let Some(format) = map.remove("collectionFormat") {
        let (style, explode) = match (format.as_str().unwrap_or("csv"), location.as_str()) {
            ("multi", _) => ("form", true),
            ("ssv", _) => ("spaceDelimited", false),
            ("pipes", _) => ("pipeDelimited", false),
            ("tsv", _) => {
                warnings.push((
                    format!("{at}/collectionFormat"),
                    "`collectionFormat: tsv` has no OpenAPI 3 style; the values are sent comma-separated"
                        .into(),
                ));
                ("form", false)
            }
            (_, "query" | "formData") => ("form", false),
            _ => ("simple", false),
        };
        map.insert("style".into(), json!(style));
        map.insert("explode".into(), json!(explode));
    } else if s.get("type").and_then(Value::as_str) == Some("array") && location == "query" {
        // 2.0's default is `csv`, which is not 3.0's default (exploded `form`).
        map.insert("style".into(), json!("form"));
        map.insert("explode".into(), json!(false));
    }
    let mut s = Value::Object(s);
    schema(&mut s);
    map.insert("schema".into(), s);
    Value::Object(map)
}

/// A response: `schema` and `examples` become `content` for each media type produced; headers
/// get a `schema`.
fn response(
    value: Value,
    produces: &[String],
    at: &str,
    warnings: &mut Vec<(String, String)>,
) -> Value {
    let Value::Object(mut map) = value else {
        return value;
    };
    if map.contains_key("$ref") {
        return Value::Object(map);
    }
    let examples = map.remove("examples");
    if let Some(mut s) = map.remove("schema") {
        schema(&mut s);
        let media = if produces.is_empty() {
            vec!["application/json".to_owned()]
        } else {
            produces.to_vec()
        };
        let content: Map<String, Value> = media
            .into_iter()
            .map(|m| {
                let mut entry = Map::new();
                entry.insert("schema".into(), s.clone());
                if let Some(example) = examples.as_ref().and_then(|e| e.get(&m)) {
                    entry.insert("example".into(), example.clone());
                }
                (m, Value::Object(entry))
            })
            .collect();
        map.insert("content".into(), Value::Object(content));
    }
    if let Some(Value::Object(headers)) = map.remove("headers") {
        let converted = headers
            .into_iter()
            .map(|(name, h)| {
                let h_at = format!("{at}/headers/{}", escape(&name));
                let mut h = parameter(h, &h_at, warnings);
                if let Value::Object(h) = &mut h {
                    h.remove("style");
                    h.remove("explode");
                }
                (name, h)
            })
            .collect();
        map.insert("headers".into(), Value::Object(converted));
    }
    map.entry("description").or_insert_with(|| json!(""));
    Value::Object(map)
}

fn security_scheme(value: Value) -> Value {
    let Value::Object(mut map) = value else {
        return value;
    };
    match map.get("type").and_then(Value::as_str) {
        Some("basic") => {
            map.insert("type".into(), json!("http"));
            map.insert("scheme".into(), json!("basic"));
        }
        Some("oauth2") => {
            let flow = map.remove("flow");
            let mut details = Map::new();
            for key in ["authorizationUrl", "tokenUrl"] {
                if let Some(v) = map.remove(key) {
                    details.insert(key.into(), v);
                }
            }
            details.insert(
                "scopes".into(),
                map.remove("scopes").unwrap_or_else(|| json!({})),
            );
            let name = match flow.as_ref().and_then(Value::as_str) {
                Some("implicit") => "implicit",
                Some("password") => "password",
                Some("accessCode") => "authorizationCode",
                _ => "clientCredentials",
            };
            map.insert("flows".into(), json!({ name: details }));
        }
        _ => {}
    }
    Value::Object(map)
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

fn path_item(
    value: Value,
    globals: &Globals,
    at: &str,
    warnings: &mut Vec<(String, String)>,
) -> Value {
    let Value::Object(mut item) = value else {
        return value;
    };
    // Path-level body and form parameters belong to each operation's request body.
    let shared = match item.remove("parameters") {
        Some(Value::Array(params)) => params,
        _ => Vec::new(),
    };
    let (shared_body, shared_plain): (Vec<Value>, Vec<Value>) = shared
        .into_iter()
        .partition(|p| is_body_or_form(p, globals));
    if !shared_plain.is_empty() {
        let converted = shared_plain
            .into_iter()
            .enumerate()
            .map(|(i, p)| parameter(p, &format!("{at}/parameters/{i}"), warnings))
            .collect();
        item.insert("parameters".into(), Value::Array(converted));
    }
    for method in METHODS {
        if let Some(op) = item.remove(*method) {
            let op_at = format!("{at}/{method}");
            let op = operation(op, &shared_body, globals, &op_at, warnings);
            item.insert((*method).to_owned(), op);
        }
    }
    Value::Object(item)
}

/// The parameter a `$ref` names among the document's parameters, or the parameter itself.
fn resolved<'a>(p: &'a Value, globals: &'a Globals) -> &'a Value {
    p.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/parameters/"))
        .and_then(|name| globals.parameters.get(&crate::load::unescape(name)))
        .unwrap_or(p)
}

fn is_body_or_form(p: &Value, globals: &Globals) -> bool {
    matches!(
        resolved(p, globals).get("in").and_then(Value::as_str),
        Some("body" | "formData")
    )
}

fn operation(
    value: Value,
    shared_body: &[Value],
    globals: &Globals,
    at: &str,
    warnings: &mut Vec<(String, String)>,
) -> Value {
    let Value::Object(mut op) = value else {
        return value;
    };
    let consumes = match op.remove("consumes") {
        Some(v) => strings(Some(&v)),
        None => globals.consumes.clone(),
    };
    let produces = match op.remove("produces") {
        Some(v) => strings(Some(&v)),
        None => globals.produces.clone(),
    };
    op.remove("schemes");
    let params = match op.remove("parameters") {
        Some(Value::Array(params)) => params,
        _ => Vec::new(),
    };
    let mut plain = Vec::new();
    let mut body: Option<Value> = None;
    let mut form: Vec<Value> = Vec::new();
    let own = params.iter().enumerate().map(|(i, p)| (Some(i), p));
    let inherited = shared_body.iter().map(|p| (None, p));
    for (index, p) in own.chain(inherited) {
        let p_at = index.map_or_else(
            || format!("{at}/parameters"),
            |i| format!("{at}/parameters/{i}"),
        );
        let target = resolved(p, globals);
        match target.get("in").and_then(Value::as_str) {
            Some("body") => body = Some(target.clone()),
            Some("formData") => form.push(target.clone()),
            _ => plain.push(parameter(p.clone(), &p_at, warnings)),
        }
    }
    if !plain.is_empty() {
        op.insert("parameters".into(), Value::Array(plain));
    }
    if let Some(b) = body {
        op.insert("requestBody".into(), body_request(b, &consumes));
    } else if !form.is_empty() {
        op.insert(
            "requestBody".into(),
            form_request(form, &consumes, at, warnings),
        );
    }
    if let Some(Value::Object(responses)) = op.remove("responses") {
        let converted = responses
            .into_iter()
            .map(|(status, r)| {
                let r_at = format!("{at}/responses/{}", escape(&status));
                (status, response(r, &produces, &r_at, warnings))
            })
            .collect();
        op.insert("responses".into(), Value::Object(converted));
    }
    Value::Object(op)
}

fn body_request(body: Value, consumes: &[String]) -> Value {
    let mut s = body.get("schema").cloned().unwrap_or_else(|| json!({}));
    schema(&mut s);
    let media = if consumes.is_empty() {
        vec!["application/json".to_owned()]
    } else {
        consumes
            .iter()
            .filter(|m| !m.starts_with("multipart/") && *m != "application/x-www-form-urlencoded")
            .cloned()
            .collect()
    };
    let media = if media.is_empty() {
        vec!["application/json".to_owned()]
    } else {
        media
    };
    let content: Map<String, Value> = media
        .into_iter()
        .map(|m| (m, json!({ "schema": s.clone() })))
        .collect();
    let mut request = Map::new();
    if let Some(d) = body.get("description") {
        request.insert("description".into(), d.clone());
    }
    request.insert("content".into(), Value::Object(content));
    if body.get("required") == Some(&Value::Bool(true)) {
        request.insert("required".into(), Value::Bool(true));
    }
    Value::Object(request)
}

/// `formData` parameters → one object schema, sent as multipart when a file is among them or
/// the operation consumes only multipart, else urlencoded.
fn form_request(
    fields: Vec<Value>,
    consumes: &[String],
    at: &str,
    warnings: &mut Vec<(String, String)>,
) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut has_file = false;
    for field in fields {
        let Some(name) = field.get("name").and_then(Value::as_str).map(str::to_owned) else {
            continue;
        };
        has_file |= field.get("type").and_then(Value::as_str) == Some("file");
        if field.get("required") == Some(&Value::Bool(true)) {
            required.push(Value::String(name.clone()));
        }
        let description = field.get("description").cloned();
        let converted = parameter(field, &format!("{at}/parameters"), warnings);
        let mut s = converted
            .get("schema")
            .cloned()
            .unwrap_or_else(|| json!({}));
        if let (Value::Object(s), Some(d)) = (&mut s, description) {
            s.insert("description".into(), d);
        }
        properties.insert(name, s);
    }
    let multipart = has_file
        || (consumes.iter().any(|m| m.starts_with("multipart/"))
            && !consumes
                .iter()
                .any(|m| m == "application/x-www-form-urlencoded"));
    let media = if multipart {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    let mut object = Map::new();
    object.insert("type".into(), json!("object"));
    object.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        object.insert("required".into(), Value::Array(required.clone()));
    }
    json!({
        "content": { media: { "schema": Value::Object(object) } },
        "required": !required.is_empty(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::convert;

    #[test]
    fn a_petstore_converts_to_the_3_0_form() {
        let converted = convert(json!({
            "swagger": "2.0",
            "info": {"title": "Pets", "version": "1.0"},
            "host": "pets.io",
            "basePath": "/v1/",
            "schemes": ["https"],
            "consumes": ["application/json"],
            "produces": ["application/json"],
            "securityDefinitions": {
                "basic": {"type": "basic"},
                "oauth": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {"r": "read"}}
            },
            "paths": {
                "/pets": {
                    "get": {
                        "parameters": [
                            {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"},
                            {"name": "limit", "in": "query", "type": "integer", "format": "int32"}
                        ],
                        "responses": {"200": {"description": "ok", "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}}, "headers": {"X-Total": {"type": "integer"}}}}
                    },
                    "post": {
                        "parameters": [{"name": "pet", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Pet"}}],
                        "responses": {"201": {"description": "made"}}
                    }
                },
                "/pets/{id}/photo": {
                    "put": {
                        "consumes": ["multipart/form-data"],
                        "parameters": [
                            {"name": "id", "in": "path", "required": true, "type": "integer"},
                            {"name": "file", "in": "formData", "type": "file", "required": true},
                            {"name": "note", "in": "formData", "type": "string"}
                        ],
                        "responses": {"204": {"description": "stored"}}
                    }
                }
            },
            "definitions": {
                "Pet": {"type": "object", "discriminator": "kind", "properties": {"kind": {"type": "string"}, "nick": {"type": "string", "x-nullable": true}}}
            }
        }));
        let doc = converted.doc;
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["servers"], json!([{"url": "https://pets.io/v1"}]));
        let get = &doc["paths"]["/pets"]["get"];
        assert_eq!(get["parameters"][0]["style"], "form");
        assert_eq!(get["parameters"][0]["explode"], true);
        assert_eq!(
            get["parameters"][1]["schema"],
            json!({"type": "integer", "format": "int32"})
        );
        let ok = &get["responses"]["200"];
        assert_eq!(
            ok["content"]["application/json"]["schema"]["items"]["$ref"],
            "#/components/schemas/Pet"
        );
        assert_eq!(
            ok["headers"]["X-Total"]["schema"],
            json!({"type": "integer"})
        );
        let post = &doc["paths"]["/pets"]["post"];
        assert_eq!(post["requestBody"]["required"], true);
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Pet"
        );
        let put = &doc["paths"]["/pets/{id}/photo"]["put"];
        let form = &put["requestBody"]["content"]["multipart/form-data"]["schema"];
        assert_eq!(
            form["properties"]["file"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(form["required"], json!(["file"]));
        let pet = &doc["components"]["schemas"]["Pet"];
        assert_eq!(pet["discriminator"], json!({"propertyName": "kind"}));
        assert_eq!(pet["properties"]["nick"]["nullable"], true);
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["basic"], json!({"type": "http", "scheme": "basic"}));
        assert_eq!(
            schemes["oauth"]["flows"]["authorizationCode"]["tokenUrl"],
            "https://t"
        );
        assert!(converted
            .moved
            .contains(&("/components/schemas".to_owned(), "/definitions".to_owned())));
    }
}
