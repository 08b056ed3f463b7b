//! One operation of the client: the group method, the request builder and its `send()`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::emit::constructors::{operation_args, OperationArgs};
use crate::emit::docs::doc_attrs;
use crate::emit::status::{pattern, status_variant};
use crate::emit::types::{accepted_type, allow_large_variants, converted, ident, rust_type};
use crate::ir::pagination::{self, Take};
use crate::ir::path::PathPart;
use crate::ir::{
    Api, BodyKind, Operation, Pagination, Param, ParamLocation, ParamStyle, Response, Status,
    TypeKind, TypeRef,
};

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

/// How a response body is decoded from a `RawResponse` named `raw`.
fn decode(response: &Response) -> TokenStream {
    match &response.body {
        None => quote!(()),
        Some(b) => match b.kind {
            BodyKind::Text => quote!(raw.text()?),
            BodyKind::Binary => quote!(raw.bytes()),
            _ => quote!(raw.json()?),
        },
    }
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

fn style(p: &Param) -> TokenStream {
    match p.style {
        ParamStyle::Form => quote!(runtime::QueryStyle::Form),
        ParamStyle::SpaceDelimited => quote!(runtime::QueryStyle::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(runtime::QueryStyle::PipeDelimited),
        ParamStyle::DeepObject => quote!(runtime::QueryStyle::DeepObject),
        ParamStyle::Json => quote!(runtime::QueryStyle::Json),
        ParamStyle::FormExploded | ParamStyle::Simple => quote!(runtime::QueryStyle::FormExploded),
    }
}

/// The value of `send()` for a success response: its decoded body, in the operation's
/// response enum when successes differ in type.
fn success_value(op: &Operation, o: &Outcome<'_>, r: &Response) -> TokenStream {
    let value = decode(r);
    if !o.success_enum {
        return value;
    }
    let name = ident(&op.response_type);
    let v = status_variant(r.status);
    if r.body.is_some() {
        quote!(#name::#v(#value))
    } else {
        quote!({ let () = #value; #name::#v })
    }
}

/// `send()`, and `send_stream()` when the operation offers a stream: the `runtime::Call` the
/// request makes, then the status `match`.
fn send_fn(
    api: &Api,
    op: &Operation,
    o: &Outcome<'_>,
    success: &TokenStream,
    error: &TokenStream,
) -> TokenStream {
    let (arms, fallback) = status_arms(api, op, o);
    let doc = match op.event_stream() {
        None => " Sends the request and decodes the response.",
        Some(_) => " Sends the request and decodes the response; `send_stream()` asks for its events instead.",
    };
    let call = call_statements(api, op, &op.accept());
    let send_stream = op.event_stream().map(|stream| {
        send_stream_fn(
            api,
            op,
            o,
            call_statements(api, op, &stream.media_type),
            error,
        )
    });
    quote! {
        #[doc = #doc]
        pub async fn send(self) -> Result<ResponseValue<#success>, Error<#error>> {
            #call
            let raw = runtime::send(&self.client.settings, call).await?;
            match raw.status.as_u16() {
                #(#arms)*
                #fallback
            }
        }
        #send_stream
    }
}

/// The statements that build `call`, the `runtime::Call` of the request (path, query, headers,
/// cookies, body, credentials), asking for `accept`.
fn call_statements(api: &Api, op: &Operation, accept: &str) -> TokenStream {
    let path_parts = op.path_parts.iter().map(|part| match part {
        PathPart::Literal(text) => match text.chars().collect::<Vec<_>>().as_slice() {
            [c] => quote!(path.push(#c);),
            _ => quote!(path.push_str(#text);),
        },
        PathPart::Param(wire) => match op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.name.wire == *wire)
        {
            Some(p) => {
                let n = ident(&p.name.rust);
                quote!(path.push_str(&runtime::encode_path(#wire, &runtime::simple(#wire, &self.#n)?)?);)
            }
            None => quote!(path.push_str(#wire);),
        },
    });
    let params = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(param_statement);
    let body = match &op.body {
        None => quote!(runtime::Body::Empty),
        Some(b) => {
            let media = &b.media_type;
            let encode = match b.kind {
                BodyKind::Json => quote!(runtime::Body::json(body)?),
                BodyKind::Form => quote!(runtime::Body::form(body)?),
                BodyKind::Text | BodyKind::EventStream => {
                    quote!(runtime::Body::Bytes(#media, body.clone().into_bytes()))
                }
                BodyKind::Binary | BodyKind::JsonLines => {
                    quote!(runtime::Body::Bytes(#media, body.clone()))
                }
                BodyKind::Multipart => multipart(api, &b.ty),
            };
            if b.required {
                quote!({ let body = &self.body; #encode })
            } else {
                quote!(match &self.body { Some(body) => #encode, None => runtime::Body::Empty })
            }
        }
    };
    let alternatives = op.security.iter().map(|alt| {
        let schemes = alt
            .iter()
            .map(|u| ident(&api.security_schemes[u.scheme].variant));
        quote!(&[#(Scheme::#schemes),*])
    });
    // Every operation of an API with security schemes asks for credentials, even one whose
    // spec names no requirement (see `resolve_credentials`), unless the spec says on purpose
    // that it needs none.
    let auth = if api.security_schemes.is_empty() || op.public {
        quote!(Vec::new())
    } else {
        quote!(self.client.resolve_credentials(&[#(#alternatives),*]).await?)
    };
    let method = format_ident!("{}", op.method.as_str());
    let op_id = &op.name.wire;
    let idempotent = op.method.is_idempotent();
    let uses = |location: ParamLocation| {
        op.params
            .iter()
            .any(|p| p.location == location)
            .then(|| quote!(mut))
    };
    let query_mut = uses(ParamLocation::Query);
    let headers_mut = uses(ParamLocation::Header);
    let cookies_mut = uses(ParamLocation::Cookie);
    quote! {
        let mut path = String::new();
        #(#path_parts)*
        let #query_mut query: Vec<(String, runtime::QueryValue)> = Vec::new();
        let #headers_mut headers = HeaderMap::new();
        let #cookies_mut cookies: Vec<(String, String)> = Vec::new();
        #(#params)*
        let body = #body;
        let auth = #auth;
        let call = runtime::Call {
            operation: #op_id,
            method: ::reqwest::Method::#method,
            path,
            query,
            headers,
            cookies,
            auth,
            body,
            idempotent: #idempotent,
            accept: #accept,
        };
    }
}

/// The statement that puts a query, header or cookie parameter into the request.
fn param_statement(p: &Param) -> TokenStream {
    let n = ident(&p.name.rust);
    let wire = &p.name.wire;
    match p.location {
        ParamLocation::Query => {
            let s = style(p);
            quote!(runtime::append_query(&mut query, #wire, &self.#n, #s)?;)
        }
        ParamLocation::Header => {
            let value = if p.required {
                quote!(Some(&self.#n))
            } else {
                quote!(self.#n.as_ref())
            };
            let header = Literal::byte_string(wire.to_ascii_lowercase().as_bytes());
            quote! {
                if let Some(value) = #value {
                    let name = HeaderName::from_bytes(#header)
                        .map_err(|_| runtime::SendError::InvalidRequest(format!("`{}` is not a valid header name", #wire)))?;
                    let value = HeaderValue::from_str(&runtime::simple(#wire, value)?)
                        .map_err(|_| runtime::SendError::InvalidRequest(format!("header `{}` is not a valid header value", #wire)))?;
                    headers.insert(name, value);
                }
            }
        }
        ParamLocation::Cookie => {
            let value = if p.required {
                quote!(Some(&self.#n))
            } else {
                quote!(self.#n.as_ref())
            };
            quote! {
                if let Some(value) = #value {
                    cookies.push((#wire.to_owned(), runtime::simple(#wire, value)?));
                }
            }
        }
        ParamLocation::Path => TokenStream::new(),
    }
}

/// The arms of `send()`'s status `match`: exact codes first, then ranges, then the catch-all,
/// with a 2xx the spec does not list before a `default` error; and the arm for any other status
/// when no `default` takes it.
fn status_arms(
    api: &Api,
    op: &Operation,
    o: &Outcome<'_>,
) -> (Vec<TokenStream>, Option<TokenStream>) {
    let mut arms = Vec::new();
    for r in &o.success {
        let pat = if r.status == Status::Default {
            quote!(200..=299)
        } else {
            pattern(r.status)
        };
        let wrapped = success_value(op, o, r);
        // The value is decoded from `raw` before `raw` is taken apart.
        let arm = if r.body.is_none() && !o.success_enum {
            quote!(#pat => Ok(raw.into_value(())),)
        } else {
            quote!(#pat => {
                let value = #wrapped;
                Ok(raw.into_value(value))
            })
        };
        arms.push((r.status, arm));
    }
    // A 2xx the spec does not list is a success too: decoded as the first declared success
    // (a decode failure keeps the status and the raw body), after every declared 2xx.
    let undeclared_success = o
        .success
        .first()
        .filter(|_| op.decodes_undeclared_success())
        .map(|first| {
            let value = success_value(op, o, first);
            // A guard rather than a range pattern, which would overlap the declared codes.
            quote!(code if (200..300).contains(&code) => {
                let value = #value;
                Ok(raw.into_value(value))
            })
        });
    let errors = error_arms(api, op, o);
    let has_default = errors.iter().any(|(s, _)| *s == Status::Default);
    arms.extend(errors);
    // Exact codes first, then ranges, then the catch-all.
    arms.sort_by_key(|(s, _)| match s {
        Status::Code(_) => 0,
        Status::Range(_) => 1,
        Status::Default => 2,
    });
    let mut arms: Vec<TokenStream> = arms.into_iter().map(|(_, a)| a).collect();
    if let Some(arm) = undeclared_success {
        // Before a `default` error arm, which would otherwise take it.
        let at = arms.len() - usize::from(has_default);
        arms.insert(at, arm);
    }
    let fallback = (!has_default).then(|| fallback_arm(o));
    (arms, fallback)
}

/// The arms of the status `match` that make errors, as `(status, arm)`.
fn error_arms(api: &Api, op: &Operation, o: &Outcome<'_>) -> Vec<(Status, TokenStream)> {
    let mut arms = Vec::new();
    for r in &o.errors {
        let pat = pattern(r.status);
        let decoder = match &r.body {
            None if !o.error_bodies => quote!(Some(runtime::decode_any)),
            None => quote!(None),
            Some(b) => {
                let t = body_type(api, r);
                let base = match b.kind {
                    BodyKind::Text => quote!(runtime::decode_text),
                    BodyKind::Binary => quote!(runtime::decode_bytes),
                    _ => quote!(runtime::decode_json::<#t>),
                };
                if o.error_enum {
                    let name = ident(&op.error_type);
                    let v = status_variant(r.status);
                    quote!(Some(|b: &[u8]| #base(b).map(#name::#v)))
                } else {
                    quote!(Some(#base))
                }
            }
        };
        arms.push((r.status, quote!(#pat => Err(raw.error(#decoder)),)));
    }
    arms
}

/// The arm for a status the spec does not list, after every other.
fn fallback_arm(o: &Outcome<'_>) -> TokenStream {
    let error = undeclared_error(o);
    quote!(_ => #error,)
}

/// The error of a status the spec does not list.
fn undeclared_error(o: &Outcome<'_>) -> TokenStream {
    let decoder = if !o.error_bodies {
        quote!(Some(runtime::decode_any))
    } else {
        quote!(None)
    };
    quote!(Err(raw.error(#decoder)))
}

/// `send_stream()`, for an operation whose successes offer a stream (Server-Sent Events or JSON
/// Lines): the request with `Accept` naming the stream's media type, any 2xx read as events as
/// they arrive (`json_lines` for JSON Lines), errors decoded as `send()` decodes them.
///
/// ```text
/// pub async fn send_stream(self) -> Result<runtime::EventStream<Item, ErrorBody>, Error<ErrorBody>> {
///     /* path, query, headers, body, auth: the `runtime::Call` */
///     let open = runtime::open(&self.client.settings, call).await?;
///     if open.status().is_success() {
///         return Ok(open.events(&self.client.settings));
///     }
///     let raw = open.read(&self.client.settings).await?;
///     match raw.status.as_u16() { /* the error arms of `send()` */ }
/// }
/// ```
fn send_stream_fn(
    api: &Api,
    op: &Operation,
    o: &Outcome<'_>,
    request: TokenStream,
    error: &TokenStream,
) -> TokenStream {
    let Some(stream) = op.event_stream() else {
        return TokenStream::new();
    };
    let item = rust_type(api, &stream.ty);
    let read = match stream.kind {
        BodyKind::JsonLines => quote!(json_lines),
        _ => quote!(events),
    };
    let mut arms = error_arms(api, op, o);
    let has_default = arms.iter().any(|(s, _)| *s == Status::Default);
    arms.sort_by_key(|(s, _)| match s {
        Status::Code(_) => 0,
        Status::Range(_) => 1,
        Status::Default => 2,
    });
    let arms: Vec<TokenStream> = arms.into_iter().map(|(_, a)| a).collect();
    let errors = if arms.is_empty() {
        undeclared_error(o)
    } else {
        let fallback = (!has_default).then(|| fallback_arm(o));
        quote!(match raw.status.as_u16() {
            #(#arms)*
            #fallback
        })
    };
    let doc = format!(
        " Sends the request asking for its event stream (`Accept: {}`) and yields the events\nas they arrive, each event's data decoded; the stream ends with the response or at `[DONE]`.",
        stream.media_type
    );
    let doc = doc_attrs(Some(&doc));
    quote! {
        #doc
        pub async fn send_stream(self) -> Result<runtime::EventStream<#item, #error>, Error<#error>> {
            #request
            let open = runtime::open(&self.client.settings, call).await?;
            if open.status().is_success() {
                return Ok(open.#read(&self.client.settings));
            }
            let raw = open.read(&self.client.settings).await?;
            #errors
        }
    }
}

/// The parts of a multipart body: binary fields as files, the others as text.
fn multipart(api: &Api, ty: &TypeRef) -> TokenStream {
    let TypeRef::Named(id) = ty else {
        return quote!(runtime::Body::Multipart(vec![
            runtime::MultipartField::Text("body".to_owned(), runtime::part_text("body", body)?)
        ]));
    };
    let TypeKind::Struct(s) = &api.ty(*id).kind else {
        return quote!(runtime::Body::Multipart(vec![
            runtime::MultipartField::Text("body".to_owned(), runtime::part_text("body", body)?)
        ]));
    };
    let parts = s.fields.iter().map(|f| {
        let n = ident(&f.name.rust);
        let wire = &f.name.wire;
        // OpenAPI's default part type: objects and arrays as JSON, the rest as text.
        let structured = matches!(f.ty, TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::AnyObject)
            || matches!(&f.ty, TypeRef::Named(id) if matches!(api.ty(*id).kind, TypeKind::Struct(_)));
        let push = if f.ty == TypeRef::Binary {
            quote!(fields.push(runtime::MultipartField::File(#wire.to_owned(), value.clone()));)
        } else if structured {
            quote!(fields.push(runtime::MultipartField::Json(#wire.to_owned(), runtime::part_text(#wire, value)?));)
        } else {
            quote!(fields.push(runtime::MultipartField::Text(#wire.to_owned(), runtime::part_text(#wire, value)?));)
        };
        if f.required && !f.nullable {
            quote!({ let value = &body.#n; #push })
        } else if f.required || !f.nullable {
            quote!(if let Some(value) = &body.#n { #push })
        } else {
            quote!(if let Some(Some(value)) = &body.#n { #push })
        }
    });
    quote!({
        let mut fields = Vec::new();
        #(#parts)*
        runtime::Body::Multipart(fields)
    })
}

/// The expression that takes the items out of the page held in `page`, as `take` says.
fn take_items(api: &Api, take: &Take, page: TokenStream) -> TokenStream {
    match take {
        Take::Array => page,
        Take::Alias(inner) => take_items(api, inner, page),
        Take::Field { ty, field } => {
            let TypeKind::Struct(s) = &api.ty(*ty).kind else {
                return quote!(::std::vec::Vec::new());
            };
            let Some(f) = s.fields.get(*field) else {
                return quote!(::std::vec::Vec::new());
            };
            let n = ident(&f.name.rust);
            match (f.required, f.nullable) {
                (true, false) => quote!(#page.#n),
                (true, true) | (false, false) => quote!(#page.#n.unwrap_or_default()),
                (false, true) => quote!(#page.#n.flatten().unwrap_or_default()),
            }
        }
        Take::Union { ty, variants } => {
            let TypeKind::Union(u) = &api.ty(*ty).kind else {
                return quote!(::std::vec::Vec::new());
            };
            let union = ident(&api.ty(*ty).name);
            let arms = u.variants.iter().zip(variants).map(|(v, take)| {
                let variant = ident(&v.name.rust);
                let inner = if v.boxed {
                    quote!((*value))
                } else {
                    quote!(value)
                };
                let take = match take {
                    Some(take) => take_items(api, take, inner),
                    // A variant that is one item is not a page: the stream ends with it.
                    None => quote!({
                        return Ok(runtime::PageOf {
                            items: vec![#inner],
                            next: None,
                        });
                    }),
                };
                quote!(#union::#variant(value) => #take,)
            });
            quote!(match #page { #(#arms)* })
        }
    }
}

/// An `Option<u64>` expression for the integer `value` of type `ty` (negative values are
/// `None`).
fn to_u64(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::U32 => quote!(Some(u64::from(#value))),
        TypeRef::U64 => quote!(Some(#value)),
        _ => quote!(u64::try_from(#value).ok()),
    }
}

/// `into_stream()` for operations marked `x-pagination`, when the item type can be found: a
/// thin shell over `runtime::paginate`, which decides when the stream ends.
///
/// ```text
/// pub fn into_stream(self) -> runtime::Pages<'static, Item, ErrorBody> {
///     let mut request = self;
///     if request.limit.is_none() { request.limit = Some(100); }
///     let first = request.offset.unwrap_or(0);
///     runtime::paginate(first, move |state| {
///         let mut r = request.clone();
///         r.offset = Some(state);
///         async move { /* send, take the items, work out the next state */ }
///     })
/// }
/// ```
fn stream_fn(api: &Api, op: &Operation, error: &TokenStream) -> TokenStream {
    let Some(stream) = pagination::stream(api, op) else {
        return TokenStream::new();
    };
    let pagination = stream.pagination;
    let take_items = take_items(api, &stream.page.take, quote!(page));
    let item = rust_type(api, &stream.page.item);
    // Builder fields of optional parameters are `Option`s; required ones hold the value.
    let current = |p: &Param, default: TokenStream| {
        let field = ident(&p.name.rust);
        if p.required {
            quote!(request.#field)
        } else {
            quote!(request.#field.unwrap_or(#default))
        }
    };
    let set_state = {
        let field = ident(&stream.param.name.rust);
        match pagination {
            Pagination::Cursor { .. } => quote!(r.#field = state;),
            _ if stream.param.required => quote!(r.#field = state;),
            _ => quote!(r.#field = Some(state);),
        }
    };
    // The page size asked for, as a `u64`, read before the request is sent.
    let (default_size, size) = match stream.size {
        Some(size) => {
            let field = ident(&size.name.rust);
            let default = stream.default_size.map(|d| {
                let d = Literal::i64_unsuffixed(d);
                quote!(if request.#field.is_none() { request.#field = Some(#d); })
            });
            let as_u64 = to_u64(&size.ty, quote!(size));
            let read = if size.required {
                quote!({ let size = r.#field; #as_u64 })
            } else {
                quote!(r.#field.and_then(|size| #as_u64))
            };
            (default, read)
        }
        None => (None, quote!(None::<u64>)),
    };
    let request_mut = default_size.is_some().then(|| quote!(mut));
    let size = match pagination {
        Pagination::Cursor { .. } => None,
        _ => Some(quote!(let size: Option<u64> = #size;)),
    };
    let state_u64 = to_u64(&stream.param.ty, quote!(state));
    let next_u64 = to_u64(&stream.param.ty, quote!(next));
    let total = stream.total.as_ref().map(|key| {
        quote! {
            let total: Option<u64> = ::serde_json::to_value(&page)
                .ok()
                .and_then(|v| v.get(#key).and_then(::serde_json::Value::as_u64));
        }
    });
    let no_total = (total.is_none() && !matches!(pagination, Pagination::Cursor { .. }))
        .then(|| quote!(let total: Option<u64> = None;));
    let (state_init, next_state) = match pagination {
        Pagination::Page { .. } => (
            current(stream.param, quote!(1)),
            quote! {
                let asked = size.zip(#state_u64).map(|(size, page)| size.saturating_mul(page));
                let last = items.is_empty()
                    || size.is_some_and(|size| (items.len() as u64) < size)
                    || total.zip(asked).is_some_and(|(total, asked)| asked >= total);
                (!last).then(|| state.saturating_add(1))
            },
        ),
        Pagination::Offset { .. } => {
            let offset_ty = rust_type(api, &stream.param.ty);
            (
                current(stream.param, quote!(0)),
                quote! {
                    let step = #offset_ty::try_from(items.len()).unwrap_or(#offset_ty::MAX);
                    let next = state.saturating_add(step);
                    let last = items.is_empty()
                        || size.is_some_and(|size| (items.len() as u64) < size)
                        || total.zip(#next_u64).is_some_and(|(total, seen)| seen >= total);
                    (!last).then_some(next)
                },
            )
        }
        Pagination::Cursor { next_cursor, .. } => {
            // The cursor parameter is optional (its builder field an `Option`) and the body
            // names the next cursor: `pagination::stream` checked both.
            let cursor_field = ident(&stream.param.name.rust);
            let pointer = format!(
                "/{}",
                next_cursor.as_deref().unwrap_or_default().replace('.', "/")
            );
            (
                quote!(request.#cursor_field.clone()),
                quote! {
                    let next: Option<String> = ::serde_json::to_value(&page)
                        .ok()
                        .and_then(|v| v.pointer(#pointer).and_then(|c| c.as_str().map(str::to_owned)));
                    next.filter(|c| !c.is_empty()).map(Some)
                },
            )
        }
    };
    // The cursor is read from the page before its items are taken out of it.
    let (before_take, after_take) = match pagination {
        Pagination::Cursor { .. } => (Some(quote!(let next = { #next_state };)), None),
        _ => (None, Some(quote!(let next = { #next_state };))),
    };
    quote! {
        #[doc = " Every item of every page, fetching pages as the stream is read. The stream ends after"]
        #[doc = " the last page (short, empty, past the total count, or a single item rather than a"]
        #[doc = " page), when a page repeats, and with an error after pages that make no progress."]
        pub fn into_stream(self) -> runtime::Pages<'static, #item, #error> {
            let #request_mut request = self;
            #default_size
            let first = #state_init;
            runtime::paginate(first, move |state| {
                let mut r = request.clone();
                #set_state
                async move {
                    #size
                    let page = r.send().await?.into_inner();
                    #total
                    #no_total
                    #before_take
                    let items: Vec<#item> = #take_items;
                    #after_take
                    Ok(runtime::PageOf { items, next })
                }
            })
        }
    }
}
