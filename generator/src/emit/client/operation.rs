//! One operation of the client: the group method, the request builder and its types. Its
//! `send()` is emitted in `send`, its `pages()` and `items()` in `pages`.

use proc_macro2::TokenStream;
use quote::quote;

use super::pages::stream_fn;
use super::send::send_fn;
use crate::emit::constructors::{operation_args, OperationArgs};
use crate::emit::docs::doc_attrs;
use crate::emit::status::status_variant;
use crate::emit::types::{accepted_type, allow_large_variants, converted, ident, rust_type};
use crate::ir::{Api, BodyKind, Operation, ParamLocation, Response, TypeRef};

/// The Rust type a response body decodes to.
pub fn body_type(api: &Api, response: &Response) -> TokenStream {
    match &response.body {
        None => quote!(()),
        Some(b) => match b.kind {
            BodyKind::Text => quote!(String),
            BodyKind::Binary => quote!(Vec<u8>),
            _ => rust_type(api, &b.ty),
        },
    }
}

/// The type of a response's body as the spec declares it (`None` without a body).
fn declared_body(response: &Response) -> Option<&TypeRef> {
    response.body.as_ref().map(|b| &b.ty)
}

/// Which responses are successes and which errors; the types they decode to are in the
/// operation's [`crate::ir::Outcome`], decided in lowering.
pub struct Outcome<'a> {
    /// Responses that are successes.
    pub success: Vec<&'a Response>,
    /// Responses that are errors.
    pub errors: Vec<&'a Response>,
    /// Whether successes differ in type, so the operation gets a response enum.
    pub success_enum: bool,
    /// Whether error bodies differ in type, so the operation gets an error enum.
    pub error_enum: bool,
    /// Whether any error response declares a body.
    pub error_bodies: bool,
}

/// Splits an operation's responses into successes and errors.
pub fn outcome(op: &Operation) -> Outcome<'_> {
    let (success, errors) = op.successes_and_errors();
    Outcome {
        success,
        errors,
        success_enum: op.outcome.success_enum,
        error_enum: op.outcome.error_enum(),
        error_bodies: !op.outcome.error_bodies.is_empty(),
    }
}

/// The success type of `send()` (inside `ResponseValue`).
fn success_type(api: &Api, op: &Operation, o: &Outcome<'_>) -> TokenStream {
    if o.success_enum {
        let name = ident(&op.response_type);
        quote!(#name)
    } else {
        o.success.first().map_or(quote!(()), |r| body_type(api, r))
    }
}

/// The error-body type `E` of `Error<E>`.
fn error_type(api: &Api, op: &Operation, o: &Outcome<'_>) -> TokenStream {
    if o.error_enum {
        let name = ident(&op.error_type);
        quote!(#name)
    } else {
        o.errors
            .iter()
            .find(|r| r.body.is_some())
            .map_or(quote!(::serde_json::Value), |r| body_type(api, r))
    }
}

fn operation_doc(op: &Operation) -> TokenStream {
    let mut doc = String::new();
    if let Some(s) = &op.summary {
        doc.push_str(s.trim());
        doc.push_str("\n\n");
    }
    if let Some(d) = &op.description {
        if op.summary.as_deref().map(str::trim) != Some(d.trim()) {
            doc.push_str(d.trim());
            doc.push_str("\n\n");
        }
    }
    doc.push_str(&format!(
        "`{} {}` (operation `{}`)",
        op.method.as_str(),
        op.path,
        op.name.wire
    ));
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated(note = "the spec marks this operation deprecated")]));
    let doc = doc_attrs(Some(&doc));
    quote!(#doc #deprecated)
}

/// The method on the group type that starts a call: required parameters (and a required
/// body) are its arguments.
pub fn method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name.rust);
    let builder = ident(&op.request_type);
    let doc = operation_doc(op);
    let OperationArgs { args, inits } = operation_args(api, op);
    quote! {
        #doc
        pub fn #name(&self, #(#args),*) -> #builder {
            #builder {
                client: self.client.clone(),
                #(#inits)*
            }
        }
    }
}

/// The request builder of an operation, its setters, `send()` and (when paginated) `into_stream()`.
pub fn builder(api: &Api, op: &Operation) -> TokenStream {
    let builder = ident(&op.request_type);
    let method_name = &op.name.rust;
    let group = &api.groups[op.group];
    let doc = format!(
        " A call of [`{}::{}`]: set optional parameters, then await it (or its `send()`).",
        group.type_name, method_name
    );
    let fields = op.params.iter().map(|p| {
        let n = ident(&p.name.rust);
        let t = rust_type(api, &p.ty);
        if p.required {
            quote!(#n: #t,)
        } else {
            quote!(#n: Option<#t>,)
        }
    });
    let body_field = op.body.as_ref().map(|b| {
        let t = rust_type(api, &b.ty);
        if b.required {
            quote!(body: #t,)
        } else {
            quote!(body: Option<#t>,)
        }
    });
    let setters = op.params.iter().filter(|p| !p.required).map(|p| {
        let n = ident(&p.name.rust);
        let t = accepted_type(api, &p.ty);
        let value = converted(&p.ty, quote!(value));
        let mut text = p.doc.clone().unwrap_or_default();
        let place = match p.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        };
        text.push_str(&format!("\n\n{place} parameter `{}`", p.name.wire));
        let doc = doc_attrs(Some(text.trim()));
        quote! {
            #doc
            pub fn #n(mut self, value: #t) -> Self {
                self.#n = Some(#value);
                self
            }
        }
    });
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|b| {
        let t = rust_type(api, &b.ty);
        quote! {
            #[doc = " The request body."]
            pub fn body(mut self, body: impl Into<#t>) -> Self {
                self.body = Some(body.into());
                self
            }
        }
    });
    let o = outcome(op);
    let success = success_type(api, op, &o);
    let error = error_type(api, op, &o);
    let send = send_fn(api, op, &o, &success, &error);
    let stream = stream_fn(api, op, &error);
    let types = operation_types(api, op, &o);
    quote! {
        #[doc = #doc]
        #[derive(Clone)]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #builder {
            client: Client,
            #(#fields)*
            #body_field
        }

        impl #builder {
            #(#setters)*
            #body_setter
            #send
            #stream
        }

        impl ::std::future::IntoFuture for #builder {
            type Output = Result<ResponseValue<#success>, Error<#error>>;
            type IntoFuture = runtime::BoxFuture<'static, Self::Output>;
            #[doc = " Sends the request: `request.await` is `request.send().await`."]
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }

        #types
    }
}

/// The response enum (several success types) and error enum (several error types).
fn operation_types(api: &Api, op: &Operation, o: &Outcome<'_>) -> TokenStream {
    let mut out = TokenStream::new();
    if o.success_enum {
        let name = ident(&op.response_type);
        let doc = format!(" The success responses of `{}`.", op.name.wire);
        let variants = o.success.iter().map(|r| {
            let v = status_variant(r.status);
            let d = doc_attrs(r.doc.as_deref());
            match &r.body {
                None => quote!(#d #v,),
                Some(_) => {
                    let t = body_type(api, r);
                    quote!(#d #v(#t),)
                }
            }
        });
        let allow = allow_large_variants(api, o.success.iter().map(|r| declared_body(r)));
        out.extend(quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            #allow
            pub enum #name {
                #(#variants)*
            }
        });
    }
    if o.error_enum {
        let name = ident(&op.error_type);
        let doc = format!(" The error bodies of `{}`, by status.", op.name.wire);
        let variants = o.errors.iter().filter(|r| r.body.is_some()).map(|r| {
            let v = status_variant(r.status);
            let t = body_type(api, r);
            let d = doc_attrs(r.doc.as_deref());
            quote!(#d #v(#t),)
        });
        let bodies = o.errors.iter().filter(|r| r.body.is_some());
        let allow = allow_large_variants(api, bodies.map(|r| declared_body(r)));
        out.extend(quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            #allow
            pub enum #name {
                #(#variants)*
            }
        });
    }
    out
}
