//! The spec's examples, each with the generated type that reads it, and a test harness that
//! decodes every one with the generated crate and encodes it again.
//!
//! An example is data the spec's authors wrote for a schema: a generated type that refuses it,
//! or loses part of it when writing it back, would do the same to the real service's data. The
//! corpus task (`cargo xtask corpus`) runs the harness on the generated crates of real specs
//! and compares what comes back with what went in.
//!
//! Examples are taken where the IR has a type for them: component schemas (`example`), and the
//! JSON request and response bodies of operations and webhooks (`example`, and every value of
//! `examples`, following `$ref`s to `components/examples`).

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::rust_type_of;
use crate::ir::{Api, BodyKind, Operation, Shape, Status, TypeRef};
use crate::load::escape;

/// One example and the type the generated crate reads it as.
#[derive(Clone, Debug)]
pub struct ExampleCase {
    /// Where the example is in the bundled document (`Api::document`), as a JSON pointer.
    pub pointer: String,
    /// Where the schema it exemplifies is in the bundled document.
    pub schema_pointer: String,
    /// Whether it is a request body's (read-only fields then need not be there) rather than a
    /// response's or a schema's.
    pub request: bool,
    /// The example.
    pub value: Value,
    /// The type that reads it.
    pub ty: TypeRef,
}

/// Every example of the spec that a generated type reads, in document order: component
/// schemas first, then the bodies of each operation and webhook.
pub fn cases(api: &Api) -> Vec<ExampleCase> {
    let mut out = Vec::new();
    let doc = &api.document;
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        // The response shape of each component: the one that reads every field an example
        // may hold (the first type of that origin, as lowering made them).
        let mut by_origin: std::collections::HashMap<&str, &crate::ir::TypeDef> =
            std::collections::HashMap::new();
        for t in api.types.iter().rev() {
            if !matches!(t.shape, Shape::Request { .. }) {
                by_origin.insert(t.origin.as_str(), t);
            }
        }
        for (name, schema) in schemas {
            let Some(example) = schema.get("example") else {
                continue;
            };
            let Some(t) = by_origin.get(name.as_str()) else {
                continue;
            };
            let at = format!("/components/schemas/{}", escape(name));
            out.push(ExampleCase {
                pointer: format!("{at}/example"),
                schema_pointer: at,
                request: false,
                value: example.clone(),
                ty: TypeRef::Named(t.id),
            });
        }
    }
    for (section, op) in api
        .operations
        .iter()
        .map(|op| ("paths", op))
        .chain(api.webhooks.iter().map(|op| ("webhooks", op)))
    {
        operation_cases(api, section, op, &mut out);
    }
    out
}

/// The examples of one operation's JSON request and response bodies.
fn operation_cases(api: &Api, section: &str, op: &Operation, out: &mut Vec<ExampleCase>) {
    let key = match &op.webhook {
        Some(name) => name.as_str(),
        None => op.path.as_str(),
    };
    let at = format!(
        "/{section}/{}/{}",
        escape(key),
        op.method.as_str().to_ascii_lowercase()
    );
    if let Some(body) = op.body.as_ref().filter(|b| b.kind == BodyKind::Json) {
        let (pointer, _) = resolve(api, &format!("{at}/requestBody"));
        media_cases(api, (&pointer, true), &body.media_type, &body.ty, out);
    }
    for r in &op.responses {
        let Some(body) = r.body.as_ref().filter(|b| b.kind == BodyKind::Json) else {
            continue;
        };
        let keys: Vec<String> = match r.status {
            Status::Code(code) => vec![code.to_string()],
            Status::Range(n) => vec![format!("{n}XX"), format!("{n}xx")],
            Status::Default => vec!["default".to_owned()],
        };
        for status in keys {
            let (pointer, found) = resolve(api, &format!("{at}/responses/{status}"));
            if found {
                media_cases(api, (&pointer, false), &body.media_type, &body.ty, out);
                break;
            }
        }
    }
}

/// The examples of the media type `media` of the request body (`request`) or response at
/// `pointer`.
fn media_cases(
    api: &Api,
    (pointer, request): (&str, bool),
    media: &str,
    ty: &TypeRef,
    out: &mut Vec<ExampleCase>,
) {
    let at = format!("{pointer}/content/{}", escape(media));
    let Some(content) = api.document.pointer(&at) else {
        return;
    };
    let schema_pointer = format!("{at}/schema");
    if let Some(example) = content.get("example") {
        out.push(ExampleCase {
            pointer: format!("{at}/example"),
            schema_pointer: schema_pointer.clone(),
            request,
            value: example.clone(),
            ty: ty.clone(),
        });
    }
    for (name, _) in content
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let (example, _) = resolve(api, &format!("{at}/examples/{}", escape(name)));
        // An example given by `externalValue` has no value here.
        let Some(value) = api.document.pointer(&format!("{example}/value")) else {
            continue;
        };
        out.push(ExampleCase {
            pointer: format!("{example}/value"),
            schema_pointer: schema_pointer.clone(),
            request,
            value: value.clone(),
            ty: ty.clone(),
        });
    }
}

/// The pointer of the object at `pointer`, after the local `$ref`s it is (a few at most), and
/// whether there is one.
fn resolve(api: &Api, pointer: &str) -> (String, bool) {
    let mut pointer = pointer.to_owned();
    for _ in 0..8 {
        match api.document.pointer(&pointer) {
            Some(value) => match value.get("$ref").and_then(Value::as_str) {
                Some(reference) if reference.starts_with('#') => {
                    pointer = reference[1..].to_owned();
                }
                _ => return (pointer, true),
            },
            None => return (pointer, false),
        }
    }
    (pointer, false)
}

/// `tests/examples.rs` for the generated crate of `api` (named `crate_name`): one test that
/// decodes each of `cases` with its type, encodes it again and prints one line a case,
/// `example-result {"case": <index>, "ok": <JSON written back>}` or
/// `example-result {"case": <index>, "error": "<serde's error>"}`.
///
/// It needs only the models: build it with `--no-default-features` (and the crate's
/// `all-tags` feature, when it has tag features).
pub fn test_harness(api: &Api, crate_name: &str, cases: &[ExampleCase]) -> Result<String, String> {
    let krate = format_ident!("{}", crate_name.replace('-', "_"));
    let checks = cases.iter().enumerate().map(|(i, case)| {
        let ty = in_crate(rust_type_of(api, &case.ty), &krate);
        let text = case.value.to_string();
        quote!((#i, round_trip::<#ty>(#text)),)
    });
    let tokens = quote! {
        //! The spec's examples, decoded with the generated types and encoded again.
        #![allow(clippy::all, unused_imports)]

        use #krate::*;

        fn round_trip<T: ::serde::de::DeserializeOwned + ::serde::Serialize>(
            text: &str,
        ) -> Result<::serde_json::Value, String> {
            let value: T = ::serde_json::from_str(text).map_err(|e| e.to_string())?;
            ::serde_json::to_value(&value).map_err(|e| e.to_string())
        }

        #[test]
        fn examples_round_trip() {
            let results: Vec<(usize, Result<::serde_json::Value, String>)> = vec![#(#checks)*];
            for (case, result) in results {
                let line = match result {
                    Ok(value) => ::serde_json::json!({"case": case, "ok": value}),
                    Err(error) => ::serde_json::json!({"case": case, "error": error}),
                };
                println!("example-result {line}");
            }
        }
    };
    crate::format::unparse(tokens).map_err(|e| e.to_string())
}

/// `tokens` with each `crate` (the generated crate's own paths, `crate::support::DateTime`)
/// naming the crate from outside, as a test of it must.
fn in_crate(tokens: TokenStream, krate: &Ident) -> TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(ident) if ident == "crate" => TokenTree::Ident(krate.clone()),
            TokenTree::Group(group) => {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), in_crate(group.stream(), krate));
                inner.set_span(group.span());
                TokenTree::Group(inner)
            }
            other => other,
        })
        .collect()
}
