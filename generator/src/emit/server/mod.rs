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

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::constructors::{operation_args, OperationArgs};
use super::docs::doc_attrs;
use super::examples::synthesize;
use super::features::{cfg, gate, group_cfg};
use super::models::value_checks;
use super::status::status_variant;
use super::types::{allow_large_variants, ident, needs_validation, rust_type};
use super::{item_parts, part, Part};
use crate::ir::path::PathPart;
use crate::ir::{
    Api, BodyKind, Operation, ParamLocation, ParamStyle, Response, ResponseBody, SecurityKind,
    Status, TypeRef,
};

/// The `server` module, in parts: its head, the `Api` trait, the items of each operation, the
/// router and the mock.
pub fn parts(api: &Api) -> Vec<Part<'_>> {
    let mut parts = vec![part(|| head(api)), part(|| api_trait(api))];
    let served = api.operations.iter().zip(served(api));
    parts.extend(item_parts(served, move |(op, served)| {
        gate(operation_items(api, op, *served), group_cfg(api, op.group))
    }));
    parts.push(part(|| router(api)));
    parts.push(part(|| mock(api)));
    parts
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

/// `Mock`, the implementation that answers from the spec's examples.
fn mock(api: &Api) -> TokenStream {
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
                    ParamLocation::Query => "query",
                    ParamLocation::Cookie => "cookie",
                    _ => "header",
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

fn trait_method(op: &Operation) -> TokenStream {
    let name = ident(&op.name.rust);
    let request = ident(&op.request_type);
    let response = ident(&op.response_type);
    let wire = &op.name.wire;
    let mut doc = op.summary.clone().unwrap_or_default();
    doc.push_str(&format!(
        "\n\n`{} {}` (operation `{wire}`)",
        op.method.as_str(),
        op.path
    ));
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
fn operation_items(api: &Api, op: &Operation, served: bool) -> TokenStream {
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
        response_views(r).into_iter().map(move |view| {
            let v = view.variant(r);
            let body = match view {
                View::Body => response_body_type(api, r).map(|t| quote!(body: #t,)),
                View::Events(stream) => {
                    let t = rust_type(api, &stream.ty);
                    Some(quote!(events: runtime::EventStream<#t>,))
                }
            };
            let status =
                (!matches!(r.status, Status::Code(_))).then(|| quote!(status: StatusCode,));
            let headers = (!r.headers.is_empty()).then(|| quote!(headers: HeaderMap,));
            if body.is_none() && status.is_none() && headers.is_none() {
                quote!(#doc #v,)
            } else {
                quote!(#doc #v { #status #body #headers },)
            }
        })
    });
    let arms = op.responses.iter().flat_map(|r| {
        response_views(r).into_iter().map(move |view| {
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
            let pattern =
                if bind_status.is_none() && bind_body.is_none() && bind_headers.is_none() {
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
        })
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
    let extractor = served.then(|| extractor(api, op));
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

/// `extract_<op>`: credentials, parameters and body, checked in that order.
fn extractor(api: &Api, op: &Operation) -> TokenStream {
    let request = ident(&op.request_type);
    let fn_name = format_ident!("extract_{}", op.name.rust);
    let path_index = |wire: &str| {
        op.path_parts
            .iter()
            .filter_map(|p| match p {
                PathPart::Param(n) => Some(n),
                PathPart::Literal(_) => None,
            })
            .position(|n| n == wire)
            .unwrap_or(0)
    };
    let security = security_check(api, op);
    // Parameters live in `param_` locals so that no name of the spec can shadow the extractor's.
    let local =
        |p: &crate::ir::Param| format_ident!("param_{}", p.name.rust.trim_start_matches("r#"));
    let params = op.params.iter().map(|p| {
        let n = local(p);
        let wire = &p.name.wire;
        let t = rust_type(api, &p.ty);
        let is_list = matches!(p.ty, TypeRef::Vec(_));
        let raw = match p.location {
            // A path parameter is never absent: `runtime::path` rejects an empty one.
            ParamLocation::Path if p.required => {
                let index = path_index(wire);
                quote!(runtime::path::<#t>(&path, #index, #wire)?)
            }
            ParamLocation::Path => {
                let index = path_index(wire);
                quote!(Some(runtime::path::<#t>(&path, #index, #wire)?))
            }
            ParamLocation::Query if is_list && p.style != ParamStyle::Json => {
                let sep = match p.style {
                    ParamStyle::Form => quote!(Some(',')),
                    ParamStyle::SpaceDelimited => quote!(Some(' ')),
                    ParamStyle::PipeDelimited => quote!(Some('|')),
                    _ => quote!(None),
                };
                quote!(query.list::<#t>(#wire, #sep)?)
            }
            ParamLocation::Query if p.style == ParamStyle::DeepObject => {
                quote!(query.deep_object::<#t>(#wire)?)
            }
            ParamLocation::Query if p.style == ParamStyle::Json => {
                quote!(query.json::<#t>(#wire)?)
            }
            ParamLocation::Query => quote!(query.scalar::<#t>(#wire)?),
            ParamLocation::Header => {
                let lower = wire.to_ascii_lowercase();
                quote!(runtime::header::<#t>(&context.headers, #lower)?)
            }
            ParamLocation::Cookie => quote!(runtime::cookie::<#t>(&cookies, #wire)?),
        };
        let value = if p.required && p.location != ParamLocation::Path {
            quote!(runtime::required(#wire, #raw)?)
        } else {
            raw
        };
        let checks = value_checks(&p.ty, &p.constraints, quote!(value), quote!(#wire));
        let nested =
            needs_validation(&p.ty).then(|| quote!(value.validate_into(#wire, &mut errors);));
        let check = if checks.is_empty() && nested.is_none() {
            TokenStream::new()
        } else if p.required {
            quote!({ let value = &#n; #checks #nested })
        } else {
            quote!(if let Some(value) = &#n { #checks #nested })
        };
        let declared = if p.required { t } else { quote!(Option<#t>) };
        quote! {
            let #n: #declared = #value;
            #check
        }
    });
    let body = op.body.as_ref().map(|b| {
        let t = rust_type(api, &b.ty);
        let media = &b.media_type;
        let decode = match b.kind {
            BodyKind::Json if is_object(api, &b.ty) => quote!(runtime::json_object::<#t>(&bytes)?),
            BodyKind::Json => quote!(runtime::json::<#t>(&bytes)?),
            BodyKind::Form => quote!(runtime::form::<#t>(&bytes)?),
            BodyKind::Text | BodyKind::EventStream => quote!(runtime::text(&bytes)?),
            BodyKind::Binary | BodyKind::JsonLines => quote!(bytes.to_vec()),
            BodyKind::Multipart => quote!(runtime::multipart::<#t>(&context.headers, bytes.clone()).await?),
        };
        let validate = needs_validation(&b.ty).then(|| quote!(crate::support::Validate::validate(&value)?;));
        let decode_and_validate = match &validate {
            Some(v) => quote!(let value = #decode; #v value),
            None => quote!(#decode),
        };
        if b.required {
            quote! {
                let body: #t = {
                    if bytes.is_empty() {
                        return Err(ApiError::bad_request("body", "required", "a request body is required"));
                    }
                    runtime::content_type(&context.headers, #media)?;
                    #decode_and_validate
                };
            }
        } else {
            quote! {
                let body: Option<#t> = if bytes.is_empty() {
                    None
                } else {
                    runtime::content_type(&context.headers, #media)?;
                    let value = #decode;
                    #validate
                    Some(value)
                };
            }
        }
    });
    let read_body = if op.body.is_some() {
        quote!(let bytes = runtime::read_body(body, body_limit).await?;)
    } else {
        quote!(let _ = (body, body_limit);)
    };
    let names = op.params.iter().map(|p| {
        let field = ident(&p.name.rust);
        let value = local(p);
        quote!(#field: #value)
    });
    let body_name = op.body.as_ref().map(|_| quote!(body,));
    let needs_path = op.params.iter().any(|p| p.location == ParamLocation::Path);
    let path = needs_path.then(|| {
        quote! {
            let path = runtime::path_params(&mut parts).await?;
        }
    });
    let any_check = op
        .params
        .iter()
        .any(|p| !p.constraints.is_empty() || needs_validation(&p.ty));
    let errors_init = any_check.then(|| quote!(let mut errors: Vec<ValidationError> = Vec::new();));
    let errors_check = any_check.then(|| {
        quote! {
            if let Some(first) = errors.into_iter().next() {
                return Err(ApiError::bad_request(first.field.clone(), first.rule.clone(), first.to_string()));
            }
        }
    });
    quote! {
        async fn #fn_name<A: Api>(api: &A, request: ::axum::extract::Request, body_limit: usize) -> Result<#request, ApiError> {
            let (mut parts, body) = request.into_parts();
            let mut context = Context::with_headers(::std::mem::take(&mut parts.headers));
            let query = runtime::Query::parse(parts.uri.query());
            let cookies = runtime::cookies(&context.headers);
            let credentials = Credentials::from_request(&context.headers, &query, &cookies);
            #security
            #path
            #errors_init
            #(#params)*
            #errors_check
            #read_body
            #body
            context.finish(parts);
            Ok(#request { #(#names,)* #body_name credentials, context })
        }
    }
}

/// Whether values of the type are JSON objects (so a body of another JSON type is rejected).
fn is_object(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Map(_) | TypeRef::AnyObject => true,
        TypeRef::Named(id) => match &api.ty(*id).kind {
            crate::ir::TypeKind::Struct(_) => true,
            crate::ir::TypeKind::Alias(inner, _) => is_object(api, inner),
            _ => false,
        },
        _ => false,
    }
}

/// 401 unless one of the operation's security alternatives is fully present.
fn security_check(api: &Api, op: &Operation) -> TokenStream {
    if op.security.is_empty()
        || op.security.iter().any(|alt| alt.is_empty())
        || api.security_schemes.is_empty()
    {
        return quote!(let _ = api;);
    }
    // Alternatives that differ only in their scopes (Google's specs list one per scope) need
    // the same credentials: one check each set of schemes, or the second could never be chosen.
    let mut alternatives: Vec<Vec<usize>> = Vec::new();
    let mut seen: Vec<Vec<usize>> = Vec::new();
    for alt in &op.security {
        let schemes: Vec<usize> = alt.iter().map(|u| u.scheme).collect();
        let mut set = schemes.clone();
        set.sort_unstable();
        if !seen.contains(&set) {
            seen.push(set);
            alternatives.push(schemes);
        }
    }
    // The first alternative whose credentials are all present wins, and the handler sees only
    // those: a header that serves two schemes (`Authorization`) is read as the one that applies.
    let branches = alternatives.iter().map(|alt| {
        let fields: Vec<_> = alt
            .iter()
            .map(|&scheme| ident(&api.security_schemes[scheme].name.rust))
            .collect();
        let rest =
            (alt.len() < api.security_schemes.len()).then(|| quote!(..Credentials::default()));
        quote! {
            if #(found.#fields.is_some())&&* {
                Credentials { #(#fields: found.#fields.take(),)* #rest }
            } else
        }
    });
    let names: Vec<String> = alternatives
        .iter()
        .map(|alt| {
            alt.iter()
                .map(|&scheme| api.security_schemes[scheme].name.wire.clone())
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect();
    let message = format!("credentials are required: {}", names.join(" or "));
    quote! {
        let mut found = credentials;
        let credentials = #(#branches)* {
            return Err(ApiError::unauthorized(#message));
        };
        api.authenticate(&credentials, &mut context).await?;
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
    let template = &op.path;
    // After a DELETE, the path answers 404 until a create: what conformance tools expect of a
    // stateful API (a deleted collection, too, is gone until something is created again).
    let state = if op.method == crate::ir::Method::Post && path_values.is_empty() {
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
    };
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

/// `router()`: every operation at its path (under the server's base path), state, fallback.
fn router(api: &Api) -> TokenStream {
    // Routes are grouped by path (see `axum_route` for how captures are named).
    let served: Vec<&Operation> = api
        .operations
        .iter()
        .zip(served(api))
        .filter_map(|(op, served)| served.then_some(op))
        .collect();
    let mut routes: Vec<(String, Vec<&Operation>)> = Vec::new();
    for op in served.iter().copied() {
        let route = crate::ir::path::axum_route(&op.path_parts);
        match routes.iter_mut().find(|(r, _)| *r == route) {
            Some((_, ops)) => ops.push(op),
            None => routes.push((route, vec![op])),
        }
    }
    let route_calls = routes
        .iter()
        .map(|(route, ops)| route_call(api, route, ops));
    let handlers = served.iter().map(|op| {
        let handler = format_ident!("handle_{}", op.name.rust);
        let extract = format_ident!("extract_{}", op.name.rust);
        let name = ident(&op.name.rust);
        let wire = &op.name.wire;
        // A rejection may come before the body was read: the connection cannot carry another
        // request then, so the client is told to close it rather than finding it broken.
        let close = if op.body.is_some() {
            quote! {{
                let mut response = error.into_response();
                response.headers_mut().insert(
                    ::axum::http::header::CONNECTION,
                    ::axum::http::HeaderValue::from_static("close"),
                );
                response
            }}
        } else {
            quote!(error.into_response())
        };
        let cfg = group_cfg(api, op.group);
        quote! {
            #cfg
            async fn #handler<A: Api>(
                ::axum::extract::State(state): ::axum::extract::State<Arc<State<A>>>,
                request: ::axum::extract::Request,
            ) -> Response {
                use ::tracing::Instrument as _;
                let span = ::tracing::info_span!("operation", operation = #wire);
                async move {
                    match #extract(&state.api, request, state.config.body_limit).await {
                        Ok(request) => match state.api.#name(request).await {
                            Ok(response) => response.into_response(),
                            Err(error) => error.into_response(),
                        },
                        Err(error) => {
                            ::tracing::debug!(%error, "request rejected");
                            #close
                        }
                    }
                }
                .instrument(span)
                .await
            }
        }
    });
    let base = api
        .servers
        .first()
        .map(crate::ir::ServerUrl::base_path)
        .unwrap_or_default();
    let nest = if base.is_empty() {
        quote!(routes)
    } else {
        quote!(::axum::Router::new().nest(#base, routes))
    };
    let mut challenges: Vec<&str> = Vec::new();
    for scheme in &api.security_schemes {
        let c = match scheme.kind {
            SecurityKind::Basic => "Basic realm=\"api\"",
            SecurityKind::Bearer => "Bearer",
            SecurityKind::ApiKey { .. } => "ApiKey",
        };
        if !challenges.contains(&c) {
            challenges.push(c);
        }
    }
    let challenge = challenges.join(", ");
    let base_doc = if base.is_empty() {
        " Mounts every operation at its path.".to_string()
    } else {
        format!(" Mounts every operation at its path under the server's base path `{base}`.")
    };
    quote! {
        #[doc = " Server settings."]
        #[derive(Clone, Debug)]
        pub struct ServerConfig {
            #[doc = " Largest request body accepted, in bytes (413 beyond). Default: 2 MiB."]
            pub body_limit: usize,
        }

        impl Default for ServerConfig {
            fn default() -> Self {
                ServerConfig { body_limit: 2 * 1024 * 1024 }
            }
        }

        #[allow(dead_code)]
        struct State<A> {
            api: A,
            config: ServerConfig,
        }

        #[doc = " The base path every route is mounted under (empty when the server URL has none)."]
        pub const BASE_PATH: &str = #base;

        #[doc = " The `WWW-Authenticate` challenge of 401 answers: the spec's HTTP schemes."]
        pub const CHALLENGE: &str = #challenge;

        #[doc = " The spec this server implements, with the rejections it answers with (`openapi.json`)."]
        pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

        #[doc = #base_doc]
        pub fn router<A: Api>(api: A) -> ::axum::Router {
            router_with_config(api, ServerConfig::default())
        }

        #[doc = " [`router`] with settings."]
        pub fn router_with_config<A: Api>(api: A, config: ServerConfig) -> ::axum::Router {
            let state = Arc::new(State { api, config });
            let routes = ::axum::Router::new();
            #(#route_calls)*
            let routes = routes.with_state(state);
            #nest.fallback(not_found).method_not_allowed_fallback(method_not_allowed)
        }

        async fn not_found() -> Response {
            ApiError::new(StatusCode::NOT_FOUND, "route", "no operation has this path").into_response()
        }

        async fn method_not_allowed() -> Response {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method", "the path does not take this method").into_response()
        }

        #(#handlers)*
    }
}

/// The statement that adds one path's operations to the router. Operations of groups behind
/// features are added each under its own `cfg`, and the path only when one of them is on.
///
/// ```text
/// let routes = routes.route("/pets", get(handle_list_pets::<A>).post(handle_add_pet::<A>));
/// #[cfg(any(feature = "pets", feature = "admin"))]
/// let routes = routes.route("/pets/{p0}", {
///     let methods = ::axum::routing::MethodRouter::new();
///     #[cfg(feature = "pets")]
///     let methods = methods.get(handle_get_pet::<A>);
///     #[cfg(feature = "admin")]
///     let methods = methods.delete(handle_delete_pet::<A>);
///     methods
/// });
/// ```
fn route_call(api: &Api, route: &str, ops: &[&Operation]) -> TokenStream {
    let features: Vec<String> = ops
        .iter()
        .filter_map(|op| api.groups[op.group].feature.clone())
        .collect();
    let ungated = ops.iter().any(|op| api.groups[op.group].feature.is_none());
    let mut distinct = features.clone();
    distinct.sort();
    distinct.dedup();
    // One feature (or none) for the whole path: the methods chain, under that feature.
    if ungated || distinct.len() < 2 {
        let mut chain = TokenStream::new();
        for (i, op) in ops.iter().enumerate() {
            let method = format_ident!("{}", op.method.as_str().to_ascii_lowercase());
            let handler = format_ident!("handle_{}", op.name.rust);
            chain.extend(if i == 0 {
                quote!(::axum::routing::#method(#handler::<A>))
            } else {
                quote!(.#method(#handler::<A>))
            });
        }
        let route_cfg = if ungated { None } else { cfg(&distinct) };
        return quote!(#route_cfg let routes = routes.route(#route, #chain););
    }
    let route_cfg = cfg(&distinct);
    let methods = ops.iter().map(|op| {
        let method = format_ident!("{}", op.method.as_str().to_ascii_lowercase());
        let handler = format_ident!("handle_{}", op.name.rust);
        let cfg = group_cfg(api, op.group);
        quote!(#cfg let methods = methods.#method(#handler::<A>);)
    });
    quote! {
        #route_cfg
        let routes = routes.route(#route, {
            let methods = ::axum::routing::MethodRouter::new();
            #(#methods)*
            methods
        });
    }
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
