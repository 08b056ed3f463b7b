//! The router of the server: `router()`, every served operation mounted at its path, each
//! path's methods dispatched to their handlers.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{served, Role};
use crate::emit::features::{cfg, group_cfg};
use crate::emit::types::ident;
use crate::ir::{Api, Operation, SecurityKind};

/// `router()`: every operation at its path (under the server's base path), state, fallback.
pub(super) fn router(api: &Api) -> TokenStream {
    // Routes are grouped by path (see `axum_route` for how captures are named).
    let served: Vec<&Operation> = api
        .operations
        .iter()
        .zip(served(api))
        .filter_map(|(op, served)| served.then_some(op))
        .collect();
    let routes = routes(&served);
    let route_calls = routes
        .iter()
        .map(|(route, ops)| route_call(api, route, ops));
    let lookups = routes
        .iter()
        .flat_map(|(route, ops)| ops.iter().map(move |op| lookup(api, route, op)));
    let handlers = served.iter().map(|op| handler(api, op, Role::Api));
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
    let challenge = challenge(api);
    let base_doc = if base.is_empty() {
        " Mounts every operation at its path.".to_string()
    } else {
        format!(" Mounts every operation at its path under the server's base path `{base}`.")
    };
    let settings = settings();
    quote! {
        #settings

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

        #[doc = " The `operationId` of the operation a request was routed to, for middleware that"]
        #[doc = " applies to some operations only: `router(api).route_layer(..)` runs after routing,"]
        #[doc = " where this reads the matched path. `None` for a request no route matched."]
        pub fn operation_id<B>(request: &::axum::http::Request<B>) -> Option<&'static str> {
            let path = request.extensions().get::<::axum::extract::MatchedPath>()?.as_str();
            operation_at(request.method().as_str(), path.strip_prefix(BASE_PATH).unwrap_or(path))
        }

        fn operation_at(method: &str, path: &str) -> Option<&'static str> {
            #(#lookups)*
            let _ = (method, path);
            None
        }

        #(#handlers)*
    }
}

/// `ServerConfig`, the router's state, and the answers to paths and methods no operation has:
/// the same in every crate.
fn settings() -> TokenStream {
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

        async fn not_found() -> Response {
            ApiError::new(StatusCode::NOT_FOUND, "route", "no operation has this path").into_response()
        }

        async fn method_not_allowed() -> Response {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method", "the path does not take this method").into_response()
        }
    }
}

/// The served operations grouped by route, in the order each route first appears.
pub(super) fn routes<'a>(served: &[&'a Operation]) -> Vec<(String, Vec<&'a Operation>)> {
    let mut routes: Vec<(String, Vec<&Operation>)> = Vec::new();
    for op in served.iter().copied() {
        let route = crate::ir::path::axum_route(&op.path_parts);
        match routes.iter_mut().find(|(r, _)| *r == route) {
            Some((_, ops)) => ops.push(op),
            None => routes.push((route, vec![op])),
        }
    }
    routes
}

/// The statement of `operation_at` that names one operation at its route.
fn lookup(api: &Api, route: &str, op: &Operation) -> TokenStream {
    let cfg = group_cfg(api, op.group);
    let method = op.method.as_str();
    let wire = &op.name.wire;
    quote! {
        #cfg
        if (method, path) == (#method, #route) {
            return Some(#wire);
        }
    }
}

/// `handle_<op>`: extracts the request, calls the implementation and answers, in a span named
/// after the operation.
pub(super) fn handler(api: &Api, op: &Operation, role: Role) -> TokenStream {
    let bound = role.trait_ident();
    let handler = format_ident!("handle_{}", op.name.rust);
    let extract = format_ident!("extract_{}", op.name.rust);
    let name = ident(&op.name.rust);
    let wire = &op.name.wire;
    // A rejection may come before the body was read (see `runtime::answer`).
    let close = op.body.is_some();
    let cfg = role.group_cfg(api, op);
    let span = match role {
        Role::Api => quote!(::tracing::info_span!("operation", operation = #wire)),
        Role::Webhooks => quote!(::tracing::info_span!("webhook", webhook = #wire)),
    };
    quote! {
        #cfg
        async fn #handler<A: #bound>(
            ::axum::extract::State(state): ::axum::extract::State<Arc<State<A>>>,
            request: ::axum::extract::Request,
        ) -> Response {
            let span = #span;
            let request = #extract(&state.api, request, state.config.body_limit);
            let call = |request| state.api.#name(request);
            runtime::answer(span, request, #close, call).await
        }
    }
}

/// The `WWW-Authenticate` challenge of 401 answers: the spec's HTTP schemes, each once.
fn challenge(api: &Api) -> String {
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
    challenges.join(", ")
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
        let chain = method_chain(ops);
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

/// The method router of one path: `get(handle_a::<A>).post(handle_b::<A>)`.
pub(super) fn method_chain(ops: &[&Operation]) -> TokenStream {
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
    chain
}
