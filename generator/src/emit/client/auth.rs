//! Credentials and auth: the `Credentials` type with a setter per security scheme, and the
//! private `Scheme` enum with `Client::auth`, which picks the credentials an operation sends.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use crate::emit::docs::doc_attrs;
use crate::emit::types::ident;
use crate::ir::names::Namespace;
use crate::ir::{Api, ParamLocation, SecurityKind, SecurityScheme};

/// The setter name of each security scheme on `ClientBuilder`, clear of its other methods.
pub(super) fn scheme_setters(api: &Api) -> Vec<String> {
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
pub(super) fn credentials(api: &Api) -> TokenStream {
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

/// The private `Scheme` enum and `Client::auth`, which picks the credentials an operation sends.
pub(super) fn auth(api: &Api) -> TokenStream {
    // Without operations (Adyen's notification specs hold webhooks only) the client calls
    // nothing that could send credentials.
    if api.security_schemes.is_empty() || api.operations.is_empty() {
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
    let apply_arms = api
        .security_schemes
        .iter()
        .zip(&variants)
        .map(|(s, v)| apply_arm(s, v));
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

/// The arm of `resolve_credentials` that adds a scheme's credentials, when set, to the parts
/// of the request: an API key in its place, a Basic or a Bearer `Authorization` header.
fn apply_arm(s: &SecurityScheme, v: &Ident) -> TokenStream {
    let field = ident(&s.name.rust);
    let push = match &s.kind {
        SecurityKind::ApiKey { location, name } => match location {
            ParamLocation::Query => {
                quote!(parts.push(runtime::AuthPart::Query(#name.to_owned(), value.clone()));)
            }
            ParamLocation::Cookie => {
                quote!(parts.push(runtime::AuthPart::Cookie(#name.to_owned(), value.clone()));)
            }
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
}
