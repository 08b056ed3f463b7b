//! `src/server.rs`: the axum server skeleton of one API.
//!
//! ```text
//! struct MyApi;
//! impl Api for MyApi {
//!     async fn get_asset(&self, request: GetAssetRequest) -> Result<GetAssetResponse, ApiError> {
//!         Ok(GetAssetResponse::Ok(load(request.id)?))
//!     }
//! }
//! let app = router(MyApi);            // every operation mounted; the ones not written answer 501
//! ```
//!
//! Each handler extracts and validates everything (credentials, path, query, header and cookie
//! parameters, body) before the implementation runs; every rejection is a JSON `ApiError`.
//!
//! Here: the head (credentials), the `Api` trait and each operation's items; the extractor in
//! `extract`, the router in `router`, the mock and its example in `mock`.

mod extract;
mod mock;
mod router;
mod webhooks;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::constructors::{operation_args, OperationArgs};
use super::docs::doc_attrs;
use super::features::{gate, group_cfg};
use super::status::status_variant;
use super::types::{allow_large_variants, ident, rust_type};
use super::{item_parts, part, Part};
use crate::ir::{
    Api, BodyKind, Operation, ParamLocation, Response, ResponseBody, SecurityKind, Status,
};

use extract::extractor;
use mock::mock;
pub use mock::mock_example;
use router::router;

/// The `server` module, in parts: its head, the `Api` trait, the items of each operation, the
/// router and the mock.
pub fn parts(api: &Api) -> Vec<Part<'_>> {
    let mut parts = vec![part(|| head(api)), part(|| api_trait(api))];
    let served = api.operations.iter().zip(served(api));
    parts.extend(item_parts(served, move |(op, served)| {
        gate(
            operation_items(api, op, *served, Role::Api),
            group_cfg(api, op.group),
        )
    }));
    parts.push(part(|| router(api)));
    parts.push(part(|| mock(api)));
    if !api.webhooks.is_empty() {
        parts.push(part(|| webhooks::module(api)));
    }
    parts
}

/// Whose operations an item serves: the API's, implemented by its server (`Api`), or the
/// webhooks its provider sends, implemented by a receiver (`webhooks::Receiver`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Api,
    Webhooks,
}

impl Role {
    /// The trait the implementation writes.
    fn trait_ident(self) -> proc_macro2::Ident {
        match self {
            Role::Api => format_ident!("Api"),
            Role::Webhooks => format_ident!("Receiver"),
        }
    }

    /// The `cfg` of an operation's items: its group's feature; none for webhooks, whose
    /// receiver is compiled with the server.
    fn group_cfg(self, api: &Api, op: &Operation) -> Option<TokenStream> {
        match self {
            Role::Api => group_cfg(api, op.group),
            Role::Webhooks => None,
        }
    }
}

/// Runtime module, imports, and the credential types.
fn head(api: &Api) -> TokenStream {
    let credentials = credentials(api);
    quote! {
        #![allow(clippy::too_many_arguments)]
        #[rustfmt::skip]
        pub mod runtime;

        #[allow(unused_imports)]
        use std::future::Future;
        use std::sync::Arc;

        use ::axum::http::{HeaderMap, StatusCode};
        use ::axum::response::{IntoResponse, Response};

        #[allow(unused_imports)]
        use crate::models::*;
        #[allow(unused_imports)]
        use crate::support::{Validate as _, ValidationError};
        pub use runtime::{ApiError, Context};

        #[doc = " A credential taken from a request. `Debug` never shows it."]
        #[derive(Clone, PartialEq, Eq)]
        pub struct Secret(pub String);

        impl Secret {
            #[doc = " The secret itself."]
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Debug for Secret {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("<redacted>")
            }
        }

        #[doc = " HTTP Basic credentials taken from a request."]
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct BasicAuth {
            #[doc = " User name."]
            pub username: String,
            #[doc = " Password."]
            pub password: Secret,
        }

        #credentials
    }
}

/// `trait Api`: one method per operation.
fn api_trait(api: &Api) -> TokenStream {
    let methods = api.operations.iter().map(|op| {
        let cfg = group_cfg(api, op.group);
        let method = trait_method(op);
        quote!(#cfg #method)
    });
    quote! {
        #[doc = " The API to implement: one method per operation. Each takes the request already"]
        #[doc = " extracted and validated and returns one of the responses the spec declares. Methods"]
        #[doc = " left out answer 501 Not Implemented."]
        pub trait Api: Send + Sync + 'static {
            #[doc = " Checks the credentials of a request whose operation needs some, after their presence"]
            #[doc = " was checked and before anything else is extracted. The default accepts them all;"]
            #[doc = " answer `Err(ApiError::unauthorized(..))` (401) or a 403 to refuse. Record who makes"]
            #[doc = " the request with `context.set_principal(..)`: the handler reads it from the"]
            #[doc = " request's `context`, with the headers and the extensions middleware added."]
            fn authenticate(&self, credentials: &Credentials, context: &mut Context) -> impl Future<Output = Result<(), ApiError>> + Send {
                let _ = (credentials, context);
                async { Ok(()) }
            }

            #(#methods)*
        }
    }
}

/// `Credentials`: what each security scheme found in the request.
fn credentials(api: &Api) -> TokenStream {
    let fields = api.security_schemes.iter().map(|s| {
        let name = ident(&s.name.rust);
        let ty = match s.kind {
            SecurityKind::Basic => quote!(BasicAuth),
            _ => quote!(Secret),
        };
        let doc = format!(" `{}`, when the request carries it.", s.name.wire);
        quote!(#[doc = #doc] pub #name: Option<#ty>,)
    });
    let extract = api.security_schemes.iter().map(|s| {
        let name = ident(&s.name.rust);
        let value = match &s.kind {
            SecurityKind::ApiKey { location, name } => {
                let place = match location {
                    ParamLocation::Query => quote!(runtime::KeyLocation::Query),
                    ParamLocation::Cookie => quote!(runtime::KeyLocation::Cookie),
                    _ => quote!(runtime::KeyLocation::Header),
                };
                quote!(runtime::api_key(headers, query, cookies, #place, #name))
            }
            SecurityKind::Basic => quote!(runtime::basic(headers)),
            SecurityKind::Bearer => quote!(runtime::bearer(headers)),
        };
        quote!(#name: #value,)
    });
    let secrets = api.security_schemes.iter().map(|s| {
        let name = ident(&s.name.rust);
        match s.kind {
            SecurityKind::Basic => quote!(if let Some(b) = &self.#name { out.push(&b.password); }),
            _ => quote!(if let Some(v) = &self.#name { out.push(v); }),
        }
    });
    quote! {
        #[doc = " The credentials a request carries, one slot per security scheme of the spec."]
        #[doc = " Handlers only run when the operation's security requirements are met; checking"]
        #[doc = " the values is the implementation's job."]
        #[derive(Clone, Debug, Default)]
        pub struct Credentials {
            #(#fields)*
        }

        impl Credentials {
            #[allow(unused_variables, dead_code)]
            fn from_request(
                headers: &HeaderMap,
                query: &runtime::Query,
                cookies: &std::collections::BTreeMap<String, String>,
            ) -> Self {
                Credentials { #(#extract)* }
            }

            #[doc = " Every secret present (API keys, tokens, Basic passwords)."]
            pub fn secrets(&self) -> Vec<&Secret> {
                #[allow(unused_mut)]
                let mut out = Vec::new();
                #(#secrets)*
                out
            }
        }
    }
}

pub(super) fn trait_method(op: &Operation) -> TokenStream {
    let name = ident(&op.name.rust);
    let request = ident(&op.request_type);
    let response = ident(&op.response_type);
    let wire = &op.name.wire;
    let mut doc = op.summary.clone().unwrap_or_default();
    match &op.webhook {
        Some(hook) => doc.push_str(&format!(
            "\n\nWebhook `{hook}`: `{}` at `{}` of the webhooks' `router`.",
            op.method.as_str(),
            op.path
        )),
        None => doc.push_str(&format!(
            "\n\n`{} {}` (operation `{wire}`)",
            op.method.as_str(),
            op.path
        )),
    }
    let doc = doc_attrs(Some(doc.trim()));
    quote! {
        #doc
        fn #name(&self, request: #request) -> impl Future<Output = Result<#response, ApiError>> + Send {
            let _ = request;
            async { Err(ApiError::not_implemented(#wire)) }
        }
    }
}

/// What a response variant holds and how it is written.
fn response_body_type(api: &Api, r: &Response) -> Option<TokenStream> {
    r.body.as_ref().map(|b| match b.kind {
        BodyKind::Text => quote!(String),
        BodyKind::Binary => quote!(Vec<u8>),
        _ => rust_type(api, &b.ty),
    })
}

/// How a response enum variant gives a declared response: its body (or none), or its events.
#[derive(Clone, Copy)]
enum View<'a> {
    /// The body, when the response has one.
    Body,
    /// The response's event stream.
    Events(&'a ResponseBody),
}

impl View<'_> {
    /// The variant: the status's name (`Ok`), and for events beside a body `OkEvents`.
    fn variant(self, r: &Response) -> proc_macro2::Ident {
        let v = status_variant(r.status);
        match self {
            View::Events(_) if r.body.is_some() => format_ident!("{v}Events"),
            _ => v,
        }
    }
}

/// The variants a response makes: one, holding its body or its events; two when it offers
/// both (the handler chooses).
fn response_views(r: &Response) -> Vec<View<'_>> {
    match (&r.body, &r.stream) {
        (None, Some(stream)) => vec![View::Events(stream)],
        (Some(_), Some(stream)) => vec![View::Body, View::Events(stream)],
        (_, None) => vec![View::Body],
    }
}

/// The request struct, the response enum with `IntoResponse`, and the extractor.
fn operation_items(api: &Api, op: &Operation, served: bool, role: Role) -> TokenStream {
    let request = ident(&op.request_type);
    let response = ident(&op.response_type);
    let wire = &op.name.wire;
    let fields = op.params.iter().map(|p| {
        let n = ident(&p.name.rust);
        let t = rust_type(api, &p.ty);
        let t = if p.required { t } else { quote!(Option<#t>) };
        let doc = doc_attrs(p.doc.as_deref());
        quote!(#doc pub #n: #t,)
    });
    let body_field = op.body.as_ref().map(|b| {
        let t = rust_type(api, &b.ty);
        let t = if b.required { t } else { quote!(Option<#t>) };
        quote!(#[doc = " The request body."] pub body: #t,)
    });
    let variants = op.responses.iter().flat_map(|r| {
        let doc = doc_attrs(r.doc.as_deref());
        response_views(r)
            .into_iter()
            .map(move |view| response_variant(api, r, view, &doc))
    });
    let arms = op.responses.iter().flat_map(|r| {
        response_views(r)
            .into_iter()
            .map(move |view| response_arm(r, view))
    });
    let response_doc =
        format!(" The responses of `{wire}`, one variant per status the spec declares.");
    let request_doc = format!(" The request of `{wire}`, extracted and validated.");
    let constructor = request_constructor(api, op);
    // Without required parameters or body, `new()` takes nothing and `Default` gives the same.
    let takes_nothing =
        !op.params.iter().any(|p| p.required) && !op.body.as_ref().is_some_and(|b| b.required);
    let default = takes_nothing.then(|| quote!(Default,));
    // The extractor serves the router's handler: an operation the router cannot reach has none.
    let extractor = served.then(|| extractor(api, op, role));
    let no_responses = op.responses.is_empty().then(|| {
        quote!(
            #[doc = " Any success, without a body (the spec declares no response)."]
            Ok,
        )
    });
    let no_responses_arm = op
        .responses
        .is_empty()
        .then(|| quote!(Self::Ok => StatusCode::OK.into_response(),));
    let allow_large = allow_large_variants(
        api,
        op.responses.iter().map(|r| r.body.as_ref().map(|b| &b.ty)),
    );
    // A stream of events is read once: a response that may hold one cannot be cloned.
    let derive = if op.responses.iter().any(|r| r.stream.is_some()) {
        quote!(#[derive(Debug)])
    } else {
        quote!(#[derive(Clone, Debug)])
    };
    quote! {
        #[doc = #request_doc]
        #[derive(Clone, Debug, #default)]
        #[non_exhaustive]
        pub struct #request {
            #(#fields)*
            #body_field
            #[doc = " The credentials the request carries."]
            pub credentials: Credentials,
            #[doc = " The method, URI, headers and extensions of the request, and its principal."]
            pub context: Context,
        }

        #constructor

        #[doc = #response_doc]
        #derive
        #allow_large
        pub enum #response {
            #(#variants)*
            #no_responses
        }

        impl IntoResponse for #response {
            fn into_response(self) -> Response {
                match self {
                    #(#arms)*
                    #no_responses_arm
                }
            }
        }

        #extractor
    }
}

/// The variant of the response enum for one view of a response: its status when the spec
/// gives a range, its body or events, its headers.
fn response_variant(api: &Api, r: &Response, view: View<'_>, doc: &TokenStream) -> TokenStream {
    let v = view.variant(r);
    let body = match view {
        View::Body => response_body_type(api, r).map(|t| quote!(body: #t,)),
        View::Events(stream) => {
            let t = rust_type(api, &stream.ty);
            Some(quote!(events: runtime::EventStream<#t>,))
        }
    };
    let status = (!matches!(r.status, Status::Code(_))).then(|| quote!(status: StatusCode,));
    let headers = (!r.headers.is_empty()).then(|| quote!(headers: HeaderMap,));
    if body.is_none() && status.is_none() && headers.is_none() {
        quote!(#doc #v,)
    } else {
        quote!(#doc #v { #status #body #headers },)
    }
}

/// The `into_response()` arm of one view of a response: status, body or events, headers.
fn response_arm(r: &Response, view: View<'_>) -> TokenStream {
    let v = view.variant(r);
    let status_expr = match r.status {
        Status::Code(c) => {
            let c = Literal::u16_unsuffixed(c);
            quote!(runtime::status(#c))
        }
        _ => quote!(status),
    };
    let bind_status = (!matches!(r.status, Status::Code(_))).then(|| quote!(status,));
    let bind_body = match view {
        View::Body => r.body.is_some().then(|| quote!(body,)),
        View::Events(_) => Some(quote!(events,)),
    };
    let bind_headers = (!r.headers.is_empty()).then(|| quote!(headers,));
    let pattern = if bind_status.is_none() && bind_body.is_none() && bind_headers.is_none() {
        quote!(Self::#v)
    } else {
        quote!(Self::#v { #bind_status #bind_body #bind_headers })
    };
    let write = match (view, &r.body) {
        (View::Events(stream), _) if stream.kind == BodyKind::JsonLines => {
            let media = &stream.media_type;
            quote!(runtime::json_lines_response(#status_expr, #media, events))
        }
        (View::Events(_), _) => {
            quote!(runtime::event_stream_response(#status_expr, events))
        }
        (View::Body, None) => quote!(#status_expr.into_response()),
        (View::Body, Some(b)) => match b.kind {
            BodyKind::Text | BodyKind::Binary | BodyKind::EventStream | BodyKind::JsonLines => {
                let media = &b.media_type;
                quote!((#status_expr, [(::axum::http::header::CONTENT_TYPE, #media)], body).into_response())
            }
            _ => quote!(runtime::json_response(#status_expr, &body)),
        },
    };
    let with_headers = if r.headers.is_empty() {
        write
    } else {
        quote!({ let mut response = #write; response.headers_mut().extend(headers); response })
    };
    quote!(#pattern => #with_headers,)
}

/// `new()` of an operation's request type, so that an implementation of `Api` can be called in
/// a test without HTTP: required parameters and a required body are arguments; optional ones
/// are `None`, the credentials and the context empty (the fields are public to set them).
fn request_constructor(api: &Api, op: &Operation) -> TokenStream {
    let request = ident(&op.request_type);
    let OperationArgs { args, inits } = operation_args(api, op);
    let allow = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        impl #request {
            #[doc = " A request with these parameters, no credentials and an empty context."]
            #allow
            pub fn new(#(#args),*) -> Self {
                #request {
                    #(#inits)*
                    credentials: Credentials::default(),
                    context: Context::default(),
                }
            }
        }
    }
}

/// Whether the router serves each operation, in the order of `api.operations`. Paths that
/// differ only in the names of their parameters (`/v2/{logName}`, `/v2/{metricName}`: Google's
/// converted specs have them) are one route to a server, so of two operations with the same
/// method on such paths only the first is served (the lower stage warned about the other).
fn served(api: &Api) -> Vec<bool> {
    let mut routes = std::collections::BTreeSet::new();
    api.operations
        .iter()
        .map(|op| routes.insert((op.method, crate::ir::path::axum_route(&op.path_parts))))
        .collect()
}
