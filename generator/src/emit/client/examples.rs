//! The client's examples: the README's example (one call, its error handled) and
//! `examples/<crate>-smoke.rs`, which calls every operation once with values built from the spec.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::auth::scheme_setters;
use crate::emit::types::ident;
use crate::ir::{Api, Operation, SecurityKind};

/// The README's example: build a client, make one call, handle the error.
///
/// The call is the first operation whose required parameters are all simple values (and that
/// needs no body), so the example always compiles against the generated code.
pub fn example(api: &Api) -> TokenStream {
    let lib = ident(&api.crate_name.replace('-', "_"));
    let credential = api
        .security_schemes
        .first()
        .zip(scheme_setters(api).first().cloned())
        .map(|(s, setter)| {
            let setter = ident(&setter);
            match s.kind {
                SecurityKind::Basic => quote!(.#setter("user", "password")),
                SecurityKind::ApiKey { .. } => quote!(.#setter("my-api-key")),
                SecurityKind::Bearer => quote!(.#setter("my-token")),
            }
        });
    let call = api.operations.iter().find_map(|op| {
        if op.body.as_ref().is_some_and(|b| b.required) {
            return None;
        }
        let args: Option<Vec<TokenStream>> = op
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| match p.ty {
                crate::ir::TypeRef::String => Some(quote!("example")),
                crate::ir::TypeRef::I32
                | crate::ir::TypeRef::I64
                | crate::ir::TypeRef::U32
                | crate::ir::TypeRef::U64 => Some(quote!(1)),
                crate::ir::TypeRef::Bool => Some(quote!(true)),
                _ => None,
            })
            .collect();
        let args = args?;
        let group = ident(&api.groups[op.group].name.rust);
        let method = ident(&op.name.rust);
        Some(quote! {
            match client.#group().#method(#(#args),*).send().await {
                Ok(response) => println!("{}: {:?}", response.status(), response.into_inner()),
                Err(error) => eprintln!("failed ({:?}): {error}", error.status()),
            }
        })
    });
    quote! {
        async fn example() -> Result<(), Box<dyn std::error::Error>> {
            let client = #lib::Client::builder()
                .base_url("https://api.example.com")
                #credential
                .retry(#lib::client::RetryPolicy::default())
                .build()?;
            #call
            Ok(())
        }
    }
}

/// `examples/<crate>-smoke.rs`: calls every operation once with values built from the spec
/// and fails when a server reports the request invalid (422, or Prism's `sl-violations`).
///
/// Teams point it at a validating mock of the spec (Prism) or a staging server.
pub fn smoke_example(api: &Api) -> TokenStream {
    let lib = ident(&api.crate_name.replace('-', "_"));
    let setters = scheme_setters(api);
    let credentials = api
        .security_schemes
        .iter()
        .zip(&setters)
        .map(|(s, setter)| {
            let setter = ident(setter);
            match s.kind {
                SecurityKind::Basic => quote!(.#setter("smoke", "smoke-secret")),
                _ => quote!(.#setter("smoke-secret")),
            }
        });
    let calls = api.operations.iter().map(|op| smoke_call(api, op));
    let count = api.operations.len();
    // With no operations, the harness has nothing to call.
    let empty = api
        .operations
        .is_empty()
        .then(|| quote!(#![allow(dead_code, unused_mut, unused_variables)]));
    let helpers = smoke_helpers(&lib);
    quote! {
        #empty
        #![doc = " Calls every operation once with values built from the spec, and fails when the server"]
        #![doc = " reports a request invalid (status 422, or Prism's `sl-violations` header)."]
        #![doc = ""]
        #![doc = " Run against Prism: `prism mock openapi.json`, then"]
        #![doc = " `cargo run --example <crate>-smoke -- http://127.0.0.1:4010`."]

        #[rustfmt::skip]
        use std::sync::{Arc, Mutex};

        #[rustfmt::skip]
        #[allow(unused_imports)]
        use #lib::models::*;

        #helpers

        #[rustfmt::skip]
        #[tokio::main]
        async fn main() -> std::process::ExitCode {
            let base = std::env::args().nth(1).unwrap_or_else(|| #lib::client::DEFAULT_BASE_URL.to_owned());
            let violations = Violations::default();
            let client = match #lib::Client::builder()
                .base_url(base)
                #(#credentials)*
                .hook(violations.clone())
                .build()
            {
                Ok(client) => client,
                Err(error) => {
                    eprintln!("cannot build the client: {error}");
                    return std::process::ExitCode::FAILURE;
                }
            };
            let mut failures = 0usize;
            #(#calls)*
            println!("smoke: {} operations ok, {} failed", #count - failures, failures);
            if failures == 0 { std::process::ExitCode::SUCCESS } else { std::process::ExitCode::FAILURE }
        }
    }
}

/// One call of the smoke example: the required arguments parsed from the spec's examples (or
/// values built from the schema), the call, and its outcome reported.
fn smoke_call(api: &Api, op: &Operation) -> TokenStream {
    let group = ident(&api.groups[op.group].name.rust);
    let method = ident(&op.name.rust);
    let wire = &op.name.wire;
    let mut lets = Vec::new();
    let mut args = Vec::new();
    for (i, p) in op.params.iter().filter(|p| p.required).enumerate() {
        let name = format_ident!("arg{}", i);
        let ty = crate::emit::types::rust_type(api, &p.ty);
        let json = p
            .example
            .clone()
            .filter(|e| !e.is_null())
            .unwrap_or_else(|| crate::emit::examples::synthesize(api, &p.ty))
            .to_string();
        lets.push(quote!(let #name: #ty = ::serde_json::from_str(#json)?;));
        args.push(quote!(#name));
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let ty = crate::emit::types::rust_type(api, &body.ty);
        let json = crate::emit::examples::synthesize(api, &body.ty).to_string();
        lets.push(quote!(let body: #ty = ::serde_json::from_str(#json)?;));
        args.push(quote!(body));
    }
    let deprecated = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    quote! {
        #deprecated
        {
            let before = violations.count();
            let outcome: Result<u16, Box<dyn std::error::Error>> = async {
                #(#lets)*
                let status = match client.#group().#method(#(#args),*).send().await {
                    Ok(response) => response.status().as_u16(),
                    Err(error) => match error.status() {
                        Some(status) => status.as_u16(),
                        None => return Err(error.to_string().into()),
                    },
                };
                Ok(status)
            }
            .await;
            failures += report(#wire, outcome, violations.since(before));
        }
    }
}

/// The smoke example's `Violations` hook, which collects what the server found invalid, and
/// `report`, which prints the outcome of one call.
fn smoke_helpers(lib: &proc_macro2::Ident) -> TokenStream {
    quote! {
        #[rustfmt::skip]
        #[derive(Clone, Default)]
        struct Violations(Arc<Mutex<Vec<String>>>);

        #[rustfmt::skip]
        impl Violations {
            fn count(&self) -> usize {
                self.0.lock().map(|v| v.len()).unwrap_or(0)
            }

            fn since(&self, before: usize) -> Vec<String> {
                self.0.lock().map(|v| v[before.min(v.len())..].to_vec()).unwrap_or_default()
            }
        }

        #[rustfmt::skip]
        impl #lib::client::Hook for Violations {
            fn on_response(&self, status: #lib::client::StatusCode, headers: &#lib::client::HeaderMap, body: &[u8]) {
                let header = headers.get("sl-violations").and_then(|v| v.to_str().ok()).map(str::to_owned);
                if header.is_some() || status.as_u16() == 422 {
                    let text = header.unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
                    if let Ok(mut v) = self.0.lock() {
                        v.push(text);
                    }
                }
            }
        }

        #[rustfmt::skip]
        fn report(operation: &str, outcome: Result<u16, Box<dyn std::error::Error>>, violations: Vec<String>) -> usize {
            match (outcome, violations.is_empty()) {
                (Ok(status), true) => {
                    println!("ok    {operation}: {status}");
                    0
                }
                (Ok(status), false) => {
                    println!("FAIL  {operation}: {status}, invalid request: {}", violations.join("; "));
                    1
                }
                (Err(error), _) => {
                    println!("FAIL  {operation}: {error}");
                    1
                }
            }
        }
    }
}
