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
//!
//! Here: the client, its builder and the groups. Credentials and auth are emitted in `auth`,
//! the README and smoke examples in `examples`, each operation in `operation` (its `send()` in
//! `send`, its page streams in `pages`).

mod auth;
mod examples;
mod operation;
mod pages;
mod send;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc_attrs;
use super::features::{gate, group_cfg};
use super::types::ident;
use super::{item_parts, part, Part};
use crate::ir::{Api, DefaultServer, Group, SecurityKind};

use auth::{auth, credentials, scheme_setters};
pub use examples::{example, smoke_example};

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
