//! Technicalities of real specs that are read the way their authors meant them, with a warning,
//! before the document is deserialized: a refusal over them would help nobody.

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostics;
use crate::load::{escape, Bundle};

/// The HTTP methods of a path item, whose operations may carry servers and callbacks.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Rewrites, in the bundle, what is read as something else than written, warning at each place:
/// numbers and booleans where the spec wants strings (`info.version: 1.0`, server variables
/// `enum: [80, 443]`), and callbacks, which are not generated (`$ref`s to callback components
/// included, which `openapiv3` cannot read in an operation).
pub fn accept_technicalities(bundle: &mut Bundle, diags: &mut Diagnostics) {
    let mut doc = std::mem::take(&mut bundle.doc);
    let mut warn = |pointer: &str, message: String| diags.warning(bundle.locate(pointer), message);
    if let Some(version) = doc.pointer_mut("/info/version") {
        stringify(version, "/info/version", &mut warn);
    }
    if let Some(servers) = doc.get_mut("servers") {
        stringify_servers(servers, "/servers", &mut warn);
    }
    for section in ["paths", "webhooks"] {
        let Some(Value::Object(paths)) = doc.get_mut(section) else {
            continue;
        };
        for (path, item) in paths.iter_mut() {
            let pointer = format!("/{section}/{}", escape(path));
            if let Value::Object(item) = item {
                path_item(item, &pointer, &mut warn);
            }
        }
    }
    bundle.doc = doc;
}

/// The servers and callbacks of one path item and of its operations.
fn path_item(item: &mut Map<String, Value>, pointer: &str, warn: &mut impl FnMut(&str, String)) {
    if let Some(servers) = item.get_mut("servers") {
        stringify_servers(servers, &format!("{pointer}/servers"), warn);
    }
    for method in METHODS {
        let Some(Value::Object(operation)) = item.get_mut(method) else {
            continue;
        };
        let at = format!("{pointer}/{method}");
        if let Some(servers) = operation.get_mut("servers") {
            stringify_servers(servers, &format!("{at}/servers"), warn);
        }
        if let Some(Value::Object(callbacks)) = operation.remove("callbacks") {
            for name in callbacks.keys() {
                warn(
                    &format!("{at}/callbacks/{}", escape(name)),
                    format!("callback `{name}` is not generated: callbacks are requests the server sends, outside the generated client and server"),
                );
            }
        }
    }
}

/// The `enum` and `default` of every variable of a list of servers.
fn stringify_servers(servers: &mut Value, pointer: &str, warn: &mut impl FnMut(&str, String)) {
    let Value::Array(servers) = servers else {
        return;
    };
    for (i, server) in servers.iter_mut().enumerate() {
        let Some(Value::Object(variables)) = server.get_mut("variables") else {
            continue;
        };
        for (name, variable) in variables.iter_mut() {
            let at = format!("{pointer}/{i}/variables/{}", escape(name));
            if let Some(default) = variable.get_mut("default") {
                stringify(default, &format!("{at}/default"), warn);
            }
            if let Some(Value::Array(values)) = variable.get_mut("enum") {
                stringify_all(values, &format!("{at}/enum"), warn);
            }
        }
    }
}

/// [`stringify`] for the values of a list, with one warning for the list (`enum: [80, 443]` is
/// one slip, written on one line).
fn stringify_all(values: &mut [Value], pointer: &str, warn: &mut impl FnMut(&str, String)) {
    let mut read = Vec::new();
    for value in values.iter_mut() {
        if let Some(text) = as_text(value) {
            read.push(format!("{value} as \"{text}\""));
            *value = Value::String(text);
        }
    }
    if !read.is_empty() {
        warn(
            pointer,
            format!("values that are not strings, read as strings: {} (quote them to say exactly which strings)", read.join(", ")),
        );
    }
}

/// The string a number or boolean stands for.
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Replaces a number or boolean by the string it stands for, with a warning; anything else is
/// left for deserialization to judge.
fn stringify(value: &mut Value, pointer: &str, warn: &mut impl FnMut(&str, String)) {
    let Some(text) = as_text(value) else {
        return;
    };
    warn(
        pointer,
        format!(
            "{value} is not a string; read as \"{text}\" (quote it to say exactly which string)"
        ),
    );
    *value = Value::String(text);
}
