//! `Mock`, the implementation that answers every operation from the spec's examples (or from
//! the schema), and `examples/mock.rs`, which serves it.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::emit::examples::synthesize;
use crate::emit::features::group_cfg;
use crate::emit::status::status_variant;
use crate::emit::types::{ident, rust_type};
use crate::ir::{Api, BodyKind, Operation, ParamLocation, ResponseBody, Status};

/// `Mock`, the implementation that answers from the spec's examples.
pub(super) fn mock(api: &Api) -> TokenStream {
    let mock_methods = api.operations.iter().map(|op| {
        let cfg = group_cfg(api, op.group);
        let method = mock_method(api, op);
        quote!(#cfg #method)
    });
    let mock_type = mock_type();
    quote! {
        #mock_type

        impl Api for Mock {
            async fn authenticate(&self, credentials: &Credentials, _context: &mut Context) -> Result<(), ApiError> {
                let Some(secret) = &self.secret else {
                    return Ok(());
                };
                if credentials.secrets().iter().all(|s| *s == secret) {
                    Ok(())
                } else {
                    Err(ApiError::unauthorized("the credentials are not valid"))
                }
            }

            #(#mock_methods)*
        }
    }
}

/// `Mock` and the helpers of its methods: the secret it accepts and what it deleted.
fn mock_type() -> TokenStream {
    quote! {
        #[doc = " An implementation that answers every operation with its first success response,"]
        #[doc = " built from the spec's example (or, without one, from the schema). A test double."]
        #[doc = ""]
        #[doc = " `Mock::default()` accepts any credentials; `Mock::with_secret(s)` only requests whose"]
        #[doc = " API keys, bearer tokens and Basic passwords all equal `s` (others get 401)."]
        #[doc = ""]
        #[doc = " It remembers what was deleted: after a successful DELETE of a path, other operations"]
        #[doc = " on that same path answer 404."]
        #[derive(Clone, Debug, Default)]
        pub struct Mock {
            secret: Option<Secret>,
            deleted: Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>,
        }

        impl Mock {
            #[doc = " A mock that accepts only credentials equal to `secret`."]
            pub fn with_secret(secret: impl Into<String>) -> Self {
                Mock { secret: Some(Secret(secret.into())), ..Mock::default() }
            }

            fn deleted(&self) -> std::sync::MutexGuard<'_, std::collections::BTreeSet<String>> {
                match self.deleted.lock() {
                    Ok(guard) => guard,
                    Err(poisoned) => poisoned.into_inner(),
                }
            }

            #[doc = " Records a deletion of `key` (the template and its path values)."]
            #[allow(dead_code)]
            fn forget(&self, key: String) {
                self.deleted().insert(key);
            }

            #[doc = " 404 when `key` was deleted before."]
            #[allow(dead_code)]
            fn check_present(&self, key: &str) -> Result<(), ApiError> {
                if self.deleted().contains(key) {
                    Err(ApiError::new(StatusCode::NOT_FOUND, "deleted", "the mock deleted this resource earlier"))
                } else {
                    Ok(())
                }
            }

            #[allow(dead_code)]
            fn example<T: ::serde::de::DeserializeOwned>(candidates: &[&str]) -> Result<T, ApiError> {
                let mut last = String::new();
                for candidate in candidates {
                    match ::serde_json::from_str(candidate) {
                        Ok(value) => return Ok(value),
                        Err(e) => last = e.to_string(),
                    }
                }
                Err(ApiError::internal(format!("the mock has no valid example: {last}")))
            }
        }
    }
}

/// The mock's answer: the first success response (else `default`, else the first response
/// the spec declares: a redirect, say), from the example or the schema.
fn mock_method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name.rust);
    let request = ident(&op.request_type);
    let response = ident(&op.response_type);
    let chosen = op
        .responses
        .iter()
        .find(|r| r.status.is_success())
        .or_else(|| op.responses.iter().find(|r| r.status == Status::Default))
        .or_else(|| op.responses.first());
    let Some(r) = chosen else {
        return quote! {
            async fn #name(&self, _request: #request) -> Result<#response, ApiError> {
                Ok(#response::Ok)
            }
        };
    };
    let v = status_variant(r.status);
    let status = (!matches!(r.status, Status::Code(_))).then(|| quote!(status: StatusCode::OK,));
    let headers = (!r.headers.is_empty()).then(|| quote!(headers: HeaderMap::new(),));
    let events = r
        .stream
        .as_ref()
        .filter(|_| r.body.is_none())
        .map(|stream| {
            let t = rust_type(api, &stream.ty);
            let candidates = example_candidates(api, stream);
            quote!(events: runtime::example_events::<#t>(&[#(#candidates),*])?,)
        });
    let body = r.body.as_ref().map(|b| {
        let value = match b.kind {
            BodyKind::Text => quote!(String::from("example")),
            BodyKind::Binary => quote!(Vec::new()),
            _ => {
                let t = rust_type(api, &b.ty);
                let candidates = example_candidates(api, b);
                quote!(Mock::example::<#t>(&[#(#candidates),*])?)
            }
        };
        quote!(body: #value,)
    });
    let body = body.or(events);
    let construct = if status.is_none() && body.is_none() && headers.is_none() {
        quote!(#response::#v)
    } else {
        quote!(#response::#v { #status #body #headers })
    };
    // A response that offers events beside its body streams them to a request that asks for
    // them (`Accept`), as a server of OpenAI's `stream: true` would.
    let streams_on_request = r.body.as_ref().and(r.stream.as_ref()).map(|stream| {
        let t = rust_type(api, &stream.ty);
        let candidates = example_candidates(api, stream);
        let media = &stream.media_type;
        let variant = format_ident!("{v}Events");
        quote! {
            if runtime::accepts(&request.context.headers, #media) {
                return Ok(#response::#variant {
                    #status
                    events: runtime::example_events::<#t>(&[#(#candidates),*])?,
                    #headers
                });
            }
        }
    });
    // The resource a path names: the template and the values of its parameters.
    let path_values: Vec<_> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .map(|p| ident(&p.name.rust))
        .collect();
    let state = path_state(op, &path_values);
    let request_name = if path_values.is_empty() && streams_on_request.is_none() {
        quote!(_request)
    } else {
        quote!(request)
    };
    quote! {
        async fn #name(&self, #request_name: #request) -> Result<#response, ApiError> {
            #state
            #streams_on_request
            Ok(#construct)
        }
    }
}

/// The statements that keep the mock's memory of deleted resources: a create clears it, a
/// DELETE checks the path and remembers it, other methods on a path check it.
fn path_state(op: &Operation, path_values: &[Ident]) -> TokenStream {
    let template = &op.path;
    // After a DELETE, the path answers 404 until a create: what conformance tools expect of a
    // stateful API (a deleted collection, too, is gone until something is created again).
    if op.method == crate::ir::Method::Post && path_values.is_empty() {
        // The mock's examples reuse their ids: a create brings back what was deleted.
        quote!(self.deleted().clear();)
    } else if path_values.is_empty() {
        TokenStream::new()
    } else {
        let key = quote! {
            {
                let values: Vec<String> = vec![#(::serde_json::to_string(&request.#path_values).unwrap_or_default()),*];
                format!("{} {}", #template, values.join(" "))
            }
        };
        if op.method == crate::ir::Method::Delete {
            quote! {
                let key = #key;
                self.check_present(&key)?;
                self.forget(key);
            }
        } else {
            quote!(self.check_present(&#key)?;)
        }
    }
}

/// The JSON texts the mock tries for a body, in order: the spec's example, then one made from
/// the schema.
fn example_candidates(api: &Api, b: &ResponseBody) -> Vec<String> {
    let synthesized = synthesize(api, &b.ty).to_string();
    b.example
        .iter()
        .map(|e| e.to_string())
        .chain(std::iter::once(synthesized))
        .collect()
}

/// `examples/mock.rs`: serves [`Mock`] on 127.0.0.1 with the spec at `/openapi.json`.
pub fn mock_example(api: &Api) -> TokenStream {
    let lib = ident(&api.crate_name.replace('-', "_"));
    let usage = format!(
        " Serves the mock implementation of {} on 127.0.0.1, and the spec at `/openapi.json`.",
        api.title
    );
    let run = format!(
        " Run: `cargo run -p {0} --features server --example {0}-mock -- --port 8080 [--secret S]`",
        api.crate_name
    );
    quote! {
        #![doc = #usage]
        #![doc = ""]
        #![doc = #run]

        // Formatted by the generator: `cargo fmt` leaves generated items alone.
        #[rustfmt::skip]
        use ::axum::http::header::CONTENT_TYPE;

        #[rustfmt::skip]
        #[tokio::main]
        async fn main() -> std::io::Result<()> {
            ::tracing_subscriber::fmt()
                .with_env_filter(::tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
                .init();
            let args: Vec<String> = std::env::args().collect();
            let port = args
                .iter()
                .position(|a| a == "--port")
                .and_then(|i| args.get(i + 1))
                .and_then(|p| p.parse::<u16>().ok())
                .unwrap_or(8080);
            let mock = match args.iter().position(|a| a == "--secret").and_then(|i| args.get(i + 1)) {
                Some(secret) => #lib::server::Mock::with_secret(secret.clone()),
                None => #lib::server::Mock::default(),
            };
            let app = #lib::server::router(mock).route(
                "/openapi.json",
                ::axum::routing::get(|| async { ([(CONTENT_TYPE, "application/json")], #lib::server::OPENAPI_JSON) }),
            );
            let listener = ::tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
            let address = listener.local_addr()?;
            println!("mock server on http://{address}{} (spec at http://{address}/openapi.json)", #lib::server::BASE_PATH);
            ::axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = ::tokio::signal::ctrl_c().await;
                })
                .await
        }
    }
}
