//! `src/client.rs`: the async reqwest client of one API.
//!
//! ```text
//! let client = Client::builder().ps_auth("key=...; runas=me;").build()?;
//! let asset = client.assets().get_asset_by_id(7).send().await?;   // ResponseValue<Asset>
//! let page = client.integrations().list_integrations().limit(10).send().await?;
//! ```
//!
//! Operations are grouped by their first tag (`client.assets()`); required parameters are
//! arguments of the method, optional ones setters of the returned request builder.

mod operation;
mod pages;
mod send;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::doc_attrs;
use super::features::{gate, group_cfg};
use super::types::ident;
use super::{item_parts, part, Part};
use crate::ir::names::Namespace;
use crate::ir::{Api, DefaultServer, Group, ParamLocation, SecurityKind};

/// The `client` module, in parts: its head (client, credentials, auth), one operation group
/// per part, then the request builders of the operations.
pub fn parts(api: &Api) -> Vec<Part<'_>> {
    let mut parts = vec![part(|| head(api))];
    parts.extend(item_parts(api.groups.iter().enumerate(), move |(i, g)| {
        gate(group(api, *i, g), group_cfg(api, *i))
    }));
    parts.extend(item_parts(&api.operations, move |op| {
        gate(operation::builder(api, op), group_cfg(api, op.group))
    }));
    parts
}

/// Runtime module, imports, server URL, credentials, `Client` and its auth.
fn head(api: &Api) -> TokenStream {
    let server = server_items(api);
    let credentials = credentials(api);
    let client = client_struct(api);
    let auth = auth(api);
    quote! {
        #![allow(clippy::too_many_arguments)]
        #[rustfmt::skip]
        pub mod runtime;

        use std::sync::Arc;
        use std::time::Duration;

        #[allow(unused_imports)]
        use crate::models::*;
        pub use runtime::{
            BasicCredentials, BearerToken, BoxError, BoxFuture, DecodeError, Error, ErrorResponse,
            HeaderMap, HeaderName, HeaderValue, Hook, ResponseValue, RetryPolicy, SecretString,
            StatusCode, TokenProvider,
        };

        #server
        #credentials
        #client
        #auth
    }
}

/// The handle of one operation group (`client.assets()`) and its methods.
fn group(api: &Api, index: usize, g: &Group) -> TokenStream {
    let name = ident(&g.type_name);
    let doc = doc_attrs(Some(&match &g.doc {
        Some(d) => format!("Operations of the `{}` module.\n\n{d}", g.name.wire),
        None => format!("Operations of the `{}` module.", g.name.wire),
    }));
    let methods = api
        .operations
        .iter()
        .filter(|op| op.group == index)
        .map(|op| operation::method(api, op));
    quote! {
        #doc
        #[derive(Clone, Copy, Debug)]
        pub struct #name<'a> {
            client: &'a Client,
        }

        impl<'a> #name<'a> {
            #(#methods)*
        }
    }
}

/// `DEFAULT_BASE_URL` and `ServerVariables` from the spec's first server.
fn server_items(api: &Api) -> TokenStream {
    let Some(server) = api.servers.first() else {
        return quote! {
            #[doc = " The spec names no server: pass the base URL to `ClientBuilder::base_url`."]
            pub const DEFAULT_BASE_URL: &str = "/";
            const DEFAULT_SERVER: runtime::DefaultServer = runtime::DefaultServer::Relative;
            const BASE_PATH: &str = "";
        };
    };
    let default_url = server.default_url();
    let base_path = server.base_path();
    let (kind, note) = match server.default_server() {
        DefaultServer::Usable => (quote!(Usable), ""),
        DefaultServer::Placeholder => (
            quote!(Placeholder),
            " It is a placeholder: `build()` refuses to send credentials to it.",
        ),
        DefaultServer::Relative => (
            quote!(Relative),
            " It has no host: give the server with `ClientBuilder::base_url`.",
        ),
    };
    let url_doc = format!(
        " The spec's server URL with its variables at their defaults (`{}`).{note}",
        server.url
    );
    let constants = quote! {
        #[doc = #url_doc]
        pub const DEFAULT_BASE_URL: &str = #default_url;
        #[doc = " What `DEFAULT_BASE_URL` is good for."]
        const DEFAULT_SERVER: runtime::DefaultServer = runtime::DefaultServer::#kind;
        #[doc = " The path of the spec's server, joined to a base URL that is only an origin."]
        const BASE_PATH: &str = #base_path;
    };
    if server.variables.is_empty() {
        return constants;
    }
    let fields = server.variables.iter().map(|v| {
        let name = ident(&v.name.rust);
        let mut doc = v.description.clone().unwrap_or_default();
        if !v.allowed.is_empty() {
            doc.push_str(&format!(
                "\n\nOne of: {}.",
                v.allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let doc = doc_attrs(Some(&format!("`{{{}}}`. {doc}", v.name.wire)));
        quote!(#doc pub #name: String,)
    });
    let defaults = server.variables.iter().map(|v| {
        let name = ident(&v.name.rust);
        let default = &v.default;
        quote!(#name: #default.to_owned(),)
    });
    let replaces = server.variables.iter().map(|v| {
        let name = ident(&v.name.rust);
        let placeholder = format!("{{{}}}", v.name.wire);
        quote!(url = url.replace(#placeholder, &self.#name);)
    });
    let template = &server.url;
    let struct_doc = format!(" The variables of the server URL `{template}`.");
    quote! {
        #constants

        #[doc = #struct_doc]
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct ServerVariables {
            #(#fields)*
        }

        impl Default for ServerVariables {
            fn default() -> Self {
                ServerVariables { #(#defaults)* }
            }
        }

        impl ServerVariables {
            #[doc = " The base URL with these values filled in."]
            pub fn url(&self) -> String {
                let mut url = String::from(#template);
                #(#replaces)*
                url
            }
        }
    }
}

/// The setter name of each security scheme on `ClientBuilder`, clear of its other methods.
fn scheme_setters(api: &Api) -> Vec<String> {
    let mut names = Namespace::with_reserved(&[
        "base_url",
        "server_variables",
        "http_client",
        "timeout",
        "connect_timeout",
        "user_agent",
        "default_header",
        "credentials",
        "retry",
        "hook",
        "build",
    ]);
    api.security_schemes
        .iter()
        .map(|s| names.claim(&s.name.rust))
        .collect()
}

/// `Credentials`: one optional slot per security scheme.
fn credentials(api: &Api) -> TokenStream {
    let set: Vec<_> = api
        .security_schemes
        .iter()
        .map(|s| ident(&s.name.rust))
        .collect();
    let any = if set.is_empty() {
        quote!(false)
    } else {
        quote!(#(self.#set.is_some())||*)
    };
    let fields = api.security_schemes.iter().map(|s| {
        let name = ident(&s.name.rust);
        let (ty, what) = match &s.kind {
            SecurityKind::ApiKey { location, name } => {
                let place = match location {
                    ParamLocation::Query => "query parameter",
                    ParamLocation::Cookie => "cookie",
                    _ => "header",
                };
                (
                    quote!(SecretString),
                    format!("API key sent in the `{name}` {place}"),
                )
            }
            SecurityKind::Basic => (
                quote!(BasicCredentials),
                "HTTP Basic credentials".to_string(),
            ),
            SecurityKind::Bearer => (quote!(BearerToken), "Bearer token".to_string()),
        };
        let mut doc = format!("`{}`: {what}.", s.name.wire);
        if let Some(d) = &s.doc {
            doc.push_str("\n\n");
            doc.push_str(d);
        }
        let doc = doc_attrs(Some(&doc));
        quote!(#doc pub #name: Option<#ty>,)
    });
    quote! {
        #[doc = " Credentials for the API's security schemes: set those you have. Each operation sends"]
        #[doc = " the first set of credentials its security requirements accept. `Debug` never shows"]
        #[doc = " a secret."]
        #[derive(Clone, Debug, Default)]
        pub struct Credentials {
            #(#fields)*
        }

        impl Credentials {
            #[doc = " Whether any credential is set."]
            fn any(&self) -> bool {
                #any
            }
        }
    }
}

fn client_struct(api: &Api) -> TokenStream {
    let setters = scheme_setters(api);
    let scheme_methods = api.security_schemes.iter().zip(&setters).map(|(s, setter)| {
        let field = ident(&s.name.rust);
        let setter = ident(setter);
        let wire = &s.name.wire;
        match &s.kind {
            SecurityKind::ApiKey { .. } => {
                let doc = format!(" Sets the API key of the `{wire}` scheme.");
                quote! {
                    #[doc = #doc]
                    pub fn #setter(mut self, key: impl Into<SecretString>) -> Self {
                        self.credentials.#field = Some(key.into());
                        self
                    }
                }
            }
            SecurityKind::Basic => {
                let doc = format!(" Sets the user name and password of the `{wire}` scheme.");
                quote! {
                    #[doc = #doc]
                    pub fn #setter(mut self, username: impl Into<String>, password: impl Into<SecretString>) -> Self {
                        self.credentials.#field = Some(BasicCredentials { username: username.into(), password: password.into() });
                        self
                    }
                }
            }
            SecurityKind::Bearer => {
                let doc = format!(" Sets a fixed bearer token for the `{wire}` scheme.");
                let provider = format_ident!("{}_provider", setter);
                let provider_doc = format!(" Asks `provider` for a bearer token of the `{wire}` scheme before each request.");
                quote! {
                    #[doc = #doc]
                    pub fn #setter(mut self, token: impl Into<SecretString>) -> Self {
                        self.credentials.#field = Some(BearerToken::Static(token.into()));
                        self
                    }

                    #[doc = #provider_doc]
                    pub fn #provider(mut self, provider: impl TokenProvider + 'static) -> Self {
                        self.credentials.#field = Some(BearerToken::Provider(Arc::new(provider)));
                        self
                    }
                }
            }
        }
    });
    let accessors = api.groups.iter().enumerate().map(|(i, g)| {
        let name = ident(&g.name.rust);
        let ty = ident(&g.type_name);
        let doc = format!(" Operations of the `{}` module.", g.name.wire);
        let cfg = group_cfg(api, i);
        quote! {
            #[doc = #doc]
            #cfg
            pub fn #name(&self) -> #ty<'_> {
                #ty { client: self }
            }
        }
    });
    let server_vars = (!api.servers.first().is_none_or(|s| s.variables.is_empty())).then(|| {
        quote! {
            #[doc = " Uses the spec's server URL with these variables."]
            pub fn server_variables(mut self, variables: ServerVariables) -> Self {
                self.base_url = Some(variables.url());
                self
            }
        }
    });
    let user_agent = format!("{}/{}", api.crate_name, "rust");
    let client = client_type(accessors);
    let builder = builder_type(&user_agent);
    let options = builder_options();
    let finish = builder_finish();
    quote! {
        #client
        #builder
        impl ClientBuilder {
            #[doc = " Sends requests to `url` instead of the spec's server. An origin alone"]
            #[doc = " (`http://host:8080`) gets the spec's base path."]
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.base_url = Some(url.into());
                self
            }

            #server_vars

            #options
            #(#scheme_methods)*
            #finish
        }
    }
}

/// `Client`: its settings and credentials, and an accessor per operation group.
fn client_type(accessors: impl Iterator<Item = TokenStream>) -> TokenStream {
    quote! {
        #[doc = " The API client. Cheap to clone: clones share the connection pool."]
        #[derive(Clone)]
        pub struct Client {
            settings: Arc<runtime::Settings>,
            credentials: Arc<Credentials>,
        }

        impl std::fmt::Debug for Client {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Client")
                    .field("base_url", &self.settings.base_url)
                    .field("credentials", &self.credentials)
                    .finish_non_exhaustive()
            }
        }

        impl Client {
            #[doc = " A client for `base_url` with default settings and no credentials."]
            pub fn new(base_url: impl Into<String>) -> Result<Self, Error<()>> {
                Client::builder().base_url(base_url).build()
            }

            #[doc = " Starts configuring a client (base URL, credentials, timeouts, retries, hooks)."]
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            #[doc = " The base URL requests go to."]
            pub fn base_url(&self) -> &str {
                &self.settings.base_url
            }

            #(#accessors)*
        }
    }
}

/// `ClientBuilder` and its defaults.
fn builder_type(user_agent: &str) -> TokenStream {
    quote! {
        #[doc = " Configures a [`Client`]."]
        #[derive(Debug)]
        pub struct ClientBuilder {
            base_url: Option<String>,
            http: Option<::reqwest::Client>,
            timeout: Option<Duration>,
            connect_timeout: Option<Duration>,
            user_agent: String,
            headers: HeaderMap,
            credentials: Credentials,
            retry: Option<RetryPolicy>,
            hook: Option<Arc<dyn Hook>>,
        }

        impl std::fmt::Debug for dyn Hook {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("Hook")
            }
        }

        impl Default for ClientBuilder {
            fn default() -> Self {
                ClientBuilder {
                    base_url: None,
                    http: None,
                    timeout: Some(Duration::from_secs(30)),
                    connect_timeout: Some(Duration::from_secs(10)),
                    user_agent: #user_agent.to_owned(),
                    headers: HeaderMap::new(),
                    credentials: Credentials::default(),
                    retry: None,
                    hook: None,
                }
            }
        }
    }
}

/// The `ClientBuilder` options every API has: HTTP client, timeouts, headers, credentials.
fn builder_options() -> TokenStream {
    quote! {
        #[doc = " Uses a `reqwest::Client` you configured (proxies, TLS, pools). Its own settings"]
        #[doc = " apply; `timeout`, `user_agent` and `default_header` are still added per request."]
        pub fn http_client(mut self, http: ::reqwest::Client) -> Self {
            self.http = Some(http);
            self
        }

        #[doc = " Time allowed for a whole request (default 30 s; `None` waits forever)."]
        pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
            self.timeout = timeout;
            self
        }

        #[doc = " Time allowed to connect (default 10 s)."]
        pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
            self.connect_timeout = timeout;
            self
        }

        #[doc = " The `User-Agent` header."]
        pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
            self.user_agent = user_agent.into();
            self
        }

        #[doc = " A header sent with every request."]
        pub fn default_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
            self.headers.insert(name, value);
            self
        }

        #[doc = " All credentials at once."]
        pub fn credentials(mut self, credentials: Credentials) -> Self {
            self.credentials = credentials;
            self
        }
    }
}

/// The last `ClientBuilder` methods: retries, hooks and `build`.
fn builder_finish() -> TokenStream {
    quote! {
        #[doc = " Retries failed idempotent requests (see [`RetryPolicy`])."]
        pub fn retry(mut self, policy: RetryPolicy) -> Self {
            self.retry = Some(policy);
            self
        }

        #[doc = " Observes or changes each request and response."]
        pub fn hook(mut self, hook: impl Hook + 'static) -> Self {
            self.hook = Some(Arc::new(hook));
            self
        }

        #[doc = " Builds the client. Fails when the base URL does not parse, when no base URL is given"]
        #[doc = " and the spec's server is a path without a host, or a placeholder while credentials"]
        #[doc = " are set (they are never sent to one), and when TLS cannot start."]
        pub fn build(self) -> Result<Client, Error<()>> {
            let has_credentials = self.credentials.any();
            let base_url = runtime::base_url(self.base_url, DEFAULT_BASE_URL, DEFAULT_SERVER, BASE_PATH, has_credentials)
                .map_err(Error::InvalidRequest)?;
            let http = match self.http {
                Some(http) => http,
                None => {
                    let mut builder = ::reqwest::Client::builder();
                    if let Some(timeout) = self.connect_timeout {
                        builder = builder.connect_timeout(timeout);
                    }
                    builder.build().map_err(Error::Transport)?
                }
            };
            let mut headers = self.headers;
            if let Ok(agent) = HeaderValue::from_str(&self.user_agent) {
                headers.entry(::reqwest::header::USER_AGENT).or_insert(agent);
            }
            Ok(Client {
                settings: Arc::new(runtime::Settings {
                    http,
                    base_url,
                    headers,
                    timeout: self.timeout,
                    retry: self.retry,
                    hook: self.hook,
                }),
                credentials: Arc::new(self.credentials),
            })
        }
    }
}

/// The private `Scheme` enum and `Client::auth`, which picks the credentials an operation sends.
fn auth(api: &Api) -> TokenStream {
    if api.security_schemes.is_empty() {
        return TokenStream::new();
    }
    let variants: Vec<_> = api
        .security_schemes
        .iter()
        .map(|s| ident(&s.variant))
        .collect();
    // Schemes no operation names first: a spec that declares a scheme and requires it nowhere
    // most likely forgot to require it.
    let unused = api.security_schemes.iter().zip(&variants);
    let fallback_order = unused
        .clone()
        .filter(|(s, _)| s.unused)
        .chain(unused.filter(|(s, _)| !s.unused))
        .map(|(_, v)| v);
    let has_arms = api.security_schemes.iter().zip(&variants).map(|(s, v)| {
        let field = ident(&s.name.rust);
        quote!(Scheme::#v => self.credentials.#field.is_some(),)
    });
    let apply_arms = api.security_schemes.iter().zip(&variants).map(|(s, v)| {
        let field = ident(&s.name.rust);
        let push = match &s.kind {
            SecurityKind::ApiKey { location, name } => match location {
                ParamLocation::Query => quote!(parts.push(runtime::AuthPart::Query(#name.to_owned(), value.clone()));),
                ParamLocation::Cookie => quote!(parts.push(runtime::AuthPart::Cookie(#name.to_owned(), value.clone()));),
                _ => {
                    let header = Literal::byte_string(name.as_bytes());
                    quote! {
                        let name = HeaderName::from_bytes(#header)
                            .map_err(|_| runtime::SendError::InvalidRequest(format!("`{}` is not a valid header name", #name)))?;
                        parts.push(runtime::AuthPart::Header(name, runtime::sensitive_header(value.expose())?));
                    }
                }
            },
            SecurityKind::Basic => quote! {
                parts.push(runtime::AuthPart::Header(::reqwest::header::AUTHORIZATION, runtime::basic_header(value)?));
            },
            SecurityKind::Bearer => quote! {
                let token = value.get().await?;
                let header = runtime::sensitive_header(&format!("Bearer {}", token.expose()))?;
                parts.push(runtime::AuthPart::Header(::reqwest::header::AUTHORIZATION, header));
            },
        };
        quote! {
            Scheme::#v => {
                if let Some(value) = &self.credentials.#field {
                    #push
                }
            }
        }
    });
    let docs = api.security_schemes.iter().zip(&variants).map(|(s, v)| {
        let doc = format!(" `{}`", s.name.wire);
        quote!(#[doc = #doc] #v,)
    });
    // The operations that use the schemes may all be behind tag features that are off.
    let unused = api
        .groups
        .iter()
        .any(|g| g.feature.is_some())
        .then(|| quote!(#[allow(dead_code)]));
    quote! {
        #[doc = " The security schemes of the spec."]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        // Variant names are the spec's scheme names, which often share a suffix (`...Auth`).
        #[allow(clippy::enum_variant_names)]
        #unused
        enum Scheme {
            #(#docs)*
        }

        #unused
        impl Client {
            fn has_credentials(&self, scheme: Scheme) -> bool {
                match scheme {
                    #(#has_arms)*
                }
            }

            #[doc = " The credentials to send: the first alternative all of whose schemes are configured."]
            #[doc = " An operation whose spec names no requirement (and does not say it needs none on"]
            #[doc = " purpose) sends the first configured scheme, those no operation names first: a spec"]
            #[doc = " that forgets its security must not make the client drop credentials without a word."]
            #[doc = " When nothing fits, nothing is sent and the server decides."]
            async fn resolve_credentials(&self, alternatives: &[&[Scheme]]) -> Result<Vec<runtime::AuthPart>, runtime::SendError> {
                const FALLBACK: &[&[Scheme]] = &[#(&[Scheme::#fallback_order]),*];
                let mut parts = Vec::new();
                let configured = |a: &&&[Scheme]| !a.is_empty() && a.iter().all(|s| self.has_credentials(*s));
                let needs_none = alternatives.iter().all(|a| a.is_empty());
                let chosen = if needs_none {
                    FALLBACK.iter().find(configured)
                } else {
                    alternatives.iter().find(configured)
                };
                let Some(chosen) = chosen else {
                    return Ok(parts);
                };
                for scheme in chosen.iter() {
                    match scheme {
                        #(#apply_arms)*
                    }
                }
                Ok(parts)
            }
        }
    }
}

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
    let calls = api.operations.iter().map(|op| {
        let group = ident(&api.groups[op.group].name.rust);
        let method = ident(&op.name.rust);
        let wire = &op.name.wire;
        let mut lets = Vec::new();
        let mut args = Vec::new();
        for (i, p) in op.params.iter().filter(|p| p.required).enumerate() {
            let name = format_ident!("arg{}", i);
            let ty = super::types::rust_type(api, &p.ty);
            let json = p
                .example
                .clone()
                .filter(|e| !e.is_null())
                .unwrap_or_else(|| super::examples::synthesize(api, &p.ty))
                .to_string();
            lets.push(quote!(let #name: #ty = ::serde_json::from_str(#json)?;));
            args.push(quote!(#name));
        }
        if let Some(body) = op.body.as_ref().filter(|b| b.required) {
            let ty = super::types::rust_type(api, &body.ty);
            let json = super::examples::synthesize(api, &body.ty).to_string();
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
    });
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
