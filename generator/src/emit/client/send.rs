//! `send()` and `send_stream()` of a request builder: the `runtime::Call` the request makes (path,
//! query, header and cookie parameters, body, multipart forms), then the `match` on the response
//! status that decodes each declared response.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::operation::{body_type, Outcome};
use crate::emit::docs::doc_attrs;
use crate::emit::status::{pattern, status_variant};
use crate::emit::types::{ident, rust_type};
use crate::ir::path::PathPart;
use crate::ir::{
    Api, BodyKind, Operation, Param, ParamLocation, ParamStyle, Response, Status, TypeKind, TypeRef,
};

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

/// The query style of a parameter, or `None` for OpenAPI's default (form, exploded), which
/// `Call::query` applies.
fn style(p: &Param) -> Option<TokenStream> {
    Some(match p.style {
        ParamStyle::Form => quote!(runtime::QueryStyle::Form),
        ParamStyle::SpaceDelimited => quote!(runtime::QueryStyle::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(runtime::QueryStyle::PipeDelimited),
        ParamStyle::DeepObject => quote!(runtime::QueryStyle::DeepObject),
        ParamStyle::Json => quote!(runtime::QueryStyle::Json),
        ParamStyle::FormExploded | ParamStyle::Simple => return None,
    })
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
pub(super) fn send_fn(
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
            [c] => quote!(call.path.push(#c);),
            _ => quote!(call.path.push_str(#text);),
        },
        PathPart::Param(wire) => match op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.name.wire == *wire)
        {
            Some(p) => {
                let n = ident(&p.name.rust);
                quote!(call.path_param(#wire, &self.#n)?;)
            }
            // Lowering gives every template variable a parameter (a string when the spec
            // declares none), so this is never reached; were it, the crate would not compile
            // rather than send the variable's name as part of the URL.
            None => {
                let message = format!("path parameter `{wire}` has no declaration");
                quote!(::core::compile_error!(#message);)
            }
        },
    });
    let params = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(param_statement);
    let body = match &op.body {
        None => TokenStream::new(),
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
                quote! {
                    let body = &self.body;
                    call.body = #encode;
                }
            } else {
                quote! {
                    if let Some(body) = &self.body {
                        call.body = #encode;
                    }
                }
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
        TokenStream::new()
    } else {
        quote!(call.auth = self.client.resolve_credentials(&[#(#alternatives),*]).await?;)
    };
    let method = format_ident!("{}", op.method.as_str().to_ascii_lowercase());
    let op_id = &op.name.wire;
    quote! {
        let mut call = runtime::Call::#method(#op_id, #accept);
        #(#path_parts)*
        #(#params)*
        #body
        #auth
    }
}

/// The statement that puts a query, header or cookie parameter into the request.
fn param_statement(p: &Param) -> TokenStream {
    let n = ident(&p.name.rust);
    let wire = &p.name.wire;
    match p.location {
        ParamLocation::Query => match style(p) {
            None => quote!(call.query(#wire, &self.#n)?;),
            Some(s) => quote!(call.query_in(#wire, &self.#n, #s)?;),
        },
        ParamLocation::Header | ParamLocation::Cookie => {
            let value = if p.required {
                quote!(Some(&self.#n))
            } else {
                quote!(self.#n.as_ref())
            };
            if p.location == ParamLocation::Header {
                quote!(call.header(#wire, #value)?;)
            } else {
                quote!(call.cookie(#wire, #value)?;)
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
                    if matches!(b.kind, BodyKind::Text | BodyKind::Binary) {
                        quote!(Some(|b: &[u8]| #base(b).map(#name::#v)))
                    } else {
                        arms.push((r.status, quote!(#pat => Err(raw.json_error(#name::#v)),)));
                        continue;
                    }
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
